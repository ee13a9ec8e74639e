// A set of node ids as sorted, disjoint, non-adjacent closed ranges: what a
// scenario's "n0..n9999, n20000" means, kept compact. "all" over 10 million
// nodes is one range, never 10 million ids; validation works on ranges.
// Iteration yields the ids in ascending order, as an ordset would.
#ifndef PLUMSIM_SIM_SCENARIO_NODE_SET_H_
#define PLUMSIM_SIM_SCENARIO_NODE_SET_H_

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "protocol/ordset.h"

namespace plumsim {

class NodeSet {
 public:
  struct Range {
    NodeId first = 0;
    NodeId last = 0;  // inclusive
    friend bool operator==(const Range&, const Range&) = default;
  };

  NodeSet() = default;
  // Any ranges (overlapping, unsorted); normalised.
  static NodeSet FromRanges(std::vector<Range> ranges);
  static NodeSet FromIds(const PeerSet& ids);
  static NodeSet Interval(NodeId first, NodeId last) { return FromRanges({{first, last}}); }

  bool empty() const { return ranges_.empty(); }
  int64_t size() const { return size_; }
  NodeId front() const { return ranges_.front().first; }
  NodeId back() const { return ranges_.back().last; }
  const std::vector<Range>& ranges() const { return ranges_; }
  bool Contains(NodeId id) const;
  // The k-th id in ascending order, k < size().
  NodeId At(int64_t k) const;
  // Whether some id is in both.
  bool Intersects(const NodeSet& other) const;
  // Expanded: only where a run really needs every id.
  PeerSet ToPeerSet() const;
  // "n0..n3, n7": parsed back by the scenario reader.
  std::string ToString() const;

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = NodeId;
    using difference_type = std::ptrdiff_t;
    using pointer = const NodeId*;
    using reference = NodeId;
    Iterator() = default;
    Iterator(const std::vector<Range>* ranges, size_t range, NodeId id)
        : ranges_(ranges), range_(range), id_(id) {}
    NodeId operator*() const { return id_; }
    Iterator& operator++() {
      if (id_ == (*ranges_)[range_].last) {
        ++range_;
        id_ = range_ < ranges_->size() ? (*ranges_)[range_].first : 0;
      } else {
        ++id_;
      }
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) {
      return a.range_ == b.range_ && a.id_ == b.id_;
    }

   private:
    const std::vector<Range>* ranges_ = nullptr;
    size_t range_ = 0;
    NodeId id_ = 0;
  };
  Iterator begin() const { return Iterator(&ranges_, 0, empty() ? 0 : ranges_[0].first); }
  Iterator end() const { return Iterator(&ranges_, ranges_.size(), 0); }

  friend bool operator==(const NodeSet& a, const NodeSet& b) { return a.ranges_ == b.ranges_; }

 private:
  std::vector<Range> ranges_;
  int64_t size_ = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_SCENARIO_NODE_SET_H_
