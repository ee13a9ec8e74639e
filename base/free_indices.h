// Reuses the freed indices of a container that only grows (slots of
// in-flight messages, timers, connections), so that an index can name a
// slot in an event or a packet.
//
//   FreeIndices free;
//   uint32_t i = free.Take(slots.size());
//   if (i == slots.size()) slots.emplace_back();
//   ...
//   free.Release(i);
#ifndef PLUMSIM_BASE_FREE_INDICES_H_
#define PLUMSIM_BASE_FREE_INDICES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plumsim {

class FreeIndices {
 public:
  // The last index released and not taken since, or `size` (the caller
  // appends a slot) when there is none.
  uint32_t Take(size_t size) {
    if (free_.empty()) return static_cast<uint32_t>(size);
    const uint32_t index = free_.back();
    free_.pop_back();
    return index;
  }
  void Release(uint32_t index) { free_.push_back(index); }
  // The indices free now, in release order.
  const std::vector<uint32_t>& indices() const { return free_; }

 private:
  std::vector<uint32_t> free_;
};

}  // namespace plumsim

#endif  // PLUMSIM_BASE_FREE_INDICES_H_
