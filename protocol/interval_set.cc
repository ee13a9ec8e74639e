#include "protocol/interval_set.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace plumsim {

IntervalSet::IntervalSet(std::initializer_list<int64_t> elements) {
  for (int64_t e : elements) Add(e);
}

IntervalSet IntervalSet::Range(int64_t low, int64_t high) {
  IntervalSet set;
  set.intervals_.push_back({low, high});
  return set;
}

void IntervalSet::Add(int64_t element) {
  // Fast path: extend or append at the end.
  if (intervals_.empty() || element > intervals_.back().high) {
    if (!intervals_.empty() && element == intervals_.back().high + 1) {
      intervals_.back().high = element;
    } else {
      intervals_.push_back({element, element});
    }
    return;
  }
  // First interval whose high >= element - 1 (it may absorb the element).
  auto it = std::lower_bound(intervals_.begin(), intervals_.end(), element,
                             [](const Interval& iv, int64_t e) { return iv.high < e - 1; });
  if (it->low <= element && element <= it->high) return;  // already present
  if (element + 1 < it->low) {
    // Falls strictly before `it`, not adjacent: a new singleton.
    intervals_.insert(it, {element, element});
    return;
  }
  // Adjacent to `it` on one side (element == it->low - 1 or it->high + 1).
  it->low = std::min(it->low, element);
  it->high = std::max(it->high, element);
  // It may now touch the next interval: merge them.
  auto next = it + 1;
  if (next != intervals_.end() && next->low == it->high + 1) {
    it->high = next->high;
    intervals_.erase(next);
  }
}

bool IntervalSet::Contains(int64_t element) const {
  auto it = std::lower_bound(intervals_.begin(), intervals_.end(), element,
                             [](const Interval& iv, int64_t e) { return iv.high < e; });
  return it != intervals_.end() && it->low <= element;
}

int64_t IntervalSet::size() const {
  int64_t n = 0;
  for (const Interval& iv : intervals_) n += iv.high - iv.low + 1;
  return n;
}

std::string IntervalSet::DebugString() const {
  return absl::StrCat("[",
                      absl::StrJoin(intervals_, ", ",
                                    [](std::string* out, const Interval& iv) {
                                      if (iv.low == iv.high) {
                                        absl::StrAppend(out, iv.low);
                                      } else {
                                        absl::StrAppend(out, iv.low, "..", iv.high);
                                      }
                                    }),
                      "]");
}

}  // namespace plumsim
