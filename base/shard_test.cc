#include "base/shard.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(ShardTest, ShardsAreDisjointAndCoverEveryRun) {
  for (int n : {1, 2, 3, 7, 40}) {
    std::vector<int> owners(37, 0);
    for (int k = 1; k <= n; ++k) {
      absl::StatusOr<Shard> shard = ParseShard(absl::StrCat(k, "/", n));
      ASSERT_TRUE(shard.ok());
      for (int i = 0; i < 37; ++i) owners[static_cast<size_t>(i)] += shard->Contains(i) ? 1 : 0;
    }
    for (int o : owners) EXPECT_EQ(o, 1) << n;
  }
  for (const char* bad : {"0/3", "4/3", "1", "a/b", "1/0", "-1/2", "1/2/3"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace plumsim
