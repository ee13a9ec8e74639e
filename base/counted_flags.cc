#include "base/counted_flags.h"

#include "base/check.h"

namespace plumsim {

void CountedFlags::Set(size_t i, bool value) {
  PLUMSIM_CHECK(i < flags_.size());
  if ((flags_[i] != 0) == value) return;
  flags_[i] = value ? 1 : 0;
  for (size_t j = i + 1; j < tree_.size(); j += j & (~j + 1)) {
    tree_[j] += value ? 1 : static_cast<uint32_t>(-1);
  }
}

size_t CountedFlags::CountBelow(size_t end) const {
  PLUMSIM_CHECK(end <= flags_.size());
  size_t sum = 0;
  for (size_t j = end; j > 0; j -= j & (~j + 1)) sum += tree_[j];
  return sum;
}

size_t CountedFlags::Select(size_t k) const {
  // Descend: the largest prefix whose sum is <= k ends just before the
  // k-th set flag.
  size_t step = 1;
  while (step * 2 < tree_.size()) step *= 2;
  size_t position = 0;
  for (; step > 0; step /= 2) {
    if (position + step < tree_.size() && tree_[position + step] <= k) {
      position += step;
      k -= tree_[position];
    }
  }
  PLUMSIM_CHECK_MSG(position < flags_.size(), "Select: fewer set flags than asked");
  return position;
}

}  // namespace plumsim
