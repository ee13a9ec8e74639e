#include "base/free_indices.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(FreeIndicesTest, AppendsUntilSomethingIsReleasedThenReusesTheLastReleased) {
  FreeIndices free;
  std::vector<int> slots;
  for (int k = 0; k < 3; ++k) {
    const uint32_t i = free.Take(slots.size());
    EXPECT_EQ(i, slots.size());
    slots.push_back(k);
  }
  free.Release(0);
  free.Release(2);
  EXPECT_EQ(free.indices(), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(free.Take(slots.size()), 2u);
  EXPECT_EQ(free.Take(slots.size()), 0u);
  EXPECT_EQ(free.Take(slots.size()), 3u);  // none free: append
}

}  // namespace
}  // namespace plumsim
