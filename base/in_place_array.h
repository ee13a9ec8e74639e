// A fixed number of objects constructed in place, one after another in one
// allocation, in index order: for objects that cannot move (they hand out
// pointers to themselves) but should sit side by side in memory, such as
// the simulator's node hosts (docs/performance.md, "Node-major layout").
//
//   InPlaceArray<NodeHost> nodes(count);
//   for (...) nodes.EmplaceBack(args...);
//   nodes[i].Deliver(...);
#ifndef PLUMSIM_BASE_IN_PLACE_ARRAY_H_
#define PLUMSIM_BASE_IN_PLACE_ARRAY_H_

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

#include "base/check.h"

namespace plumsim {

template <typename T>
class InPlaceArray {
 public:
  InPlaceArray() = default;
  // Room for `capacity` objects; none is constructed yet.
  explicit InPlaceArray(size_t capacity)
      : storage_(capacity > 0 ? std::allocator<T>().allocate(capacity) : nullptr),
        capacity_(capacity) {}
  InPlaceArray(const InPlaceArray&) = delete;
  InPlaceArray& operator=(const InPlaceArray&) = delete;
  InPlaceArray(InPlaceArray&& other) noexcept { Swap(other); }
  InPlaceArray& operator=(InPlaceArray&& other) noexcept {
    InPlaceArray(std::move(other)).Swap(*this);
    return *this;
  }
  // Destroys the objects in reverse order of construction.
  ~InPlaceArray() {
    while (size_ > 0) std::destroy_at(&storage_[--size_]);
    if (storage_ != nullptr) std::allocator<T>().deallocate(storage_, capacity_);
  }

  // Constructs the next object; there must be room for it.
  template <typename... Args>
  T& EmplaceBack(Args&&... args) {
    PLUMSIM_CHECK_MSG(size_ < capacity_, "InPlaceArray is full");
    T* object = std::construct_at(&storage_[size_], std::forward<Args>(args)...);
    ++size_;
    return *object;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  T& operator[](size_t i) { return storage_[i]; }
  const T& operator[](size_t i) const { return storage_[i]; }
  T* begin() { return storage_; }
  T* end() { return storage_ + size_; }
  const T* begin() const { return storage_; }
  const T* end() const { return storage_ + size_; }

 private:
  void Swap(InPlaceArray& other) {
    std::swap(storage_, other.storage_);
    std::swap(capacity_, other.capacity_);
    std::swap(size_, other.size_);
  }

  T* storage_ = nullptr;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_BASE_IN_PLACE_ARRAY_H_
