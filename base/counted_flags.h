// A flag per index with counts and selection in O(log n): how many flags are
// set below an index, and which index holds the k-th set flag. A Fenwick
// (binary indexed) tree over 0/1 values. The simulation keeps its running
// nodes in one so that a joining node's contact (the r-th running node) is
// found without scanning every node: a scan per join made starting a
// million nodes quadratic.
#ifndef PLUMSIM_BASE_COUNTED_FLAGS_H_
#define PLUMSIM_BASE_COUNTED_FLAGS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plumsim {

class CountedFlags {
 public:
  explicit CountedFlags(size_t n = 0) : flags_(n, 0), tree_(n + 1, 0) {}

  size_t size() const { return flags_.size(); }
  bool Get(size_t i) const { return flags_[i] != 0; }
  void Set(size_t i, bool value);
  // Flags set at indices [0, end).
  size_t CountBelow(size_t end) const;
  // The index of the k-th set flag (k from 0); k < CountBelow(size()).
  size_t Select(size_t k) const;

 private:
  std::vector<uint8_t> flags_;
  std::vector<uint32_t> tree_;  // 1-based Fenwick sums
};

}  // namespace plumsim

#endif  // PLUMSIM_BASE_COUNTED_FLAGS_H_
