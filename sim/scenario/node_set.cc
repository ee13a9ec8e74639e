#include "sim/scenario/node_set.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/check.h"

namespace plumsim {

NodeSet NodeSet::FromRanges(std::vector<Range> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.first < b.first; });
  NodeSet out;
  for (const Range& r : ranges) {
    PLUMSIM_CHECK(r.first <= r.last);
    if (!out.ranges_.empty() &&
        static_cast<int64_t>(r.first) <= static_cast<int64_t>(out.ranges_.back().last) + 1) {
      out.ranges_.back().last = std::max(out.ranges_.back().last, r.last);
    } else {
      out.ranges_.push_back(r);
    }
  }
  for (const Range& r : out.ranges_) out.size_ += int64_t{r.last} - r.first + 1;
  return out;
}

NodeSet NodeSet::FromIds(const PeerSet& ids) {
  std::vector<Range> ranges;
  for (NodeId id : ids) ranges.push_back({id, id});
  return FromRanges(std::move(ranges));
}

bool NodeSet::Contains(NodeId id) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), id,
                             [](NodeId v, const Range& r) { return v < r.first; });
  return it != ranges_.begin() && std::prev(it)->last >= id;
}

NodeId NodeSet::At(int64_t k) const {
  PLUMSIM_CHECK(k >= 0 && k < size_);
  for (const Range& r : ranges_) {
    const int64_t n = int64_t{r.last} - r.first + 1;
    if (k < n) return static_cast<NodeId>(r.first + k);
    k -= n;
  }
  return 0;
}

bool NodeSet::Intersects(const NodeSet& other) const {
  size_t i = 0, j = 0;
  while (i < ranges_.size() && j < other.ranges_.size()) {
    const Range& a = ranges_[i];
    const Range& b = other.ranges_[j];
    if (a.last < b.first) {
      ++i;
    } else if (b.last < a.first) {
      ++j;
    } else {
      return true;
    }
  }
  return false;
}

PeerSet NodeSet::ToPeerSet() const {
  PeerSet out;
  out.reserve(static_cast<size_t>(size_));
  for (NodeId id : *this) out.push_back(id);
  return out;
}

std::string NodeSet::ToString() const {
  std::vector<std::string> parts;
  for (const Range& r : ranges_) {
    parts.push_back(r.first == r.last ? NodeName(r.first)
                                      : absl::StrCat(NodeName(r.first), "..", NodeName(r.last)));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace plumsim
