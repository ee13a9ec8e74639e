#include "base/counted_flags.h"

#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

// Against plain counting and scanning, over random flips at several sizes
// (powers of two and not).
TEST(CountedFlagsTest, MatchesScanning) {
  uint64_t x = 5;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  for (size_t n : {1u, 2u, 7u, 64u, 100u, 1000u}) {
    CountedFlags flags(n);
    std::vector<bool> plain(n, false);
    for (int step = 0; step < 3000; ++step) {
      const size_t i = next() % n;
      const bool value = next() % 3 != 0;
      flags.Set(i, value);
      plain[i] = value;
      const size_t end = next() % (n + 1);
      size_t below = 0;
      for (size_t j = 0; j < end; ++j) below += plain[j];
      ASSERT_EQ(flags.CountBelow(end), below) << "n " << n << " step " << step;
      ASSERT_EQ(flags.Get(i), value);
      const size_t total = flags.CountBelow(n);
      if (total == 0) continue;
      const size_t k = next() % total;
      size_t seen = 0, kth = n;
      for (size_t j = 0; j < n; ++j) {
        if (plain[j] && seen++ == k) {
          kth = j;
          break;
        }
      }
      ASSERT_EQ(flags.Select(k), kth) << "n " << n << " k " << k;
    }
  }
}

}  // namespace
}  // namespace plumsim
