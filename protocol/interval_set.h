// Port of partisan_interval_sets: a set of integers stored as sorted,
// disjoint, non-adjacent closed intervals. Adding an element merges it with
// the intervals it touches, so memory grows with the number of gaps, not the
// number of elements (a heartbeat table holds one interval per origin while
// no heartbeat is missing).
//
// Only the operations the heartbeat backend uses are ported (add_element,
// is_element, size, flat_size, to_list, from_list); the set algebra of the
// Erlang module (union, intersection, subtract, ...) is not needed.
#ifndef PLUMSIM_PROTOCOL_INTERVAL_SET_H_
#define PLUMSIM_PROTOCOL_INTERVAL_SET_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/container/inlined_vector.h"

namespace plumsim {

class IntervalSet {
 public:
  struct Interval {
    int64_t low;   // inclusive
    int64_t high;  // inclusive
    friend bool operator==(const Interval&, const Interval&) = default;
  };

  IntervalSet() = default;
  // from_list/1 over plain integers.
  IntervalSet(std::initializer_list<int64_t> elements);
  // The one interval [low, high] (low <= high).
  static IntervalSet Range(int64_t low, int64_t high);

  // add_element/2: inserts `element`, merging with adjacent or overlapping
  // intervals. O(1) when appending at the end (the common case: counters).
  void Add(int64_t element);
  // is_element/2
  bool Contains(int64_t element) const;
  // size/1: the number of intervals (Erlang counts an interval or a
  // singleton as one element of the list).
  size_t interval_count() const { return intervals_.size(); }
  // flat_size/1: the number of integers in the set.
  int64_t size() const;
  bool empty() const { return intervals_.empty(); }
  // Removes every element.
  void Clear() { intervals_.clear(); }

  // One interval is stored inline: a heartbeat table holds 10^8 of these
  // sets in a 10,000-node run, nearly all of them one interval long, and
  // an inline interval saves both a heap block and a cache miss per lookup.
  using Intervals = absl::InlinedVector<Interval, 1>;

  // to_list/1: the intervals in ascending order (a singleton is {x, x}).
  const Intervals& intervals() const { return intervals_; }
  Intervals::const_iterator begin() const { return intervals_.begin(); }
  Intervals::const_iterator end() const { return intervals_.end(); }

  // "[1..3, 5, 7..9]"
  std::string DebugString() const;

  friend bool operator==(const IntervalSet&, const IntervalSet&) = default;

 private:
  Intervals intervals_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_INTERVAL_SET_H_
