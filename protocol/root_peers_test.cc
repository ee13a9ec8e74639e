#include "protocol/root_peers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;

TEST(RootPeersTest, RootsWithoutOwnSetsAreAbsent) {
  const NodeOrder order;
  RootPeers peers(&order);
  EXPECT_EQ(peers.Find(3), nullptr);
  peers.Set(3, EagerLazy{{1, 2}, {4}});
  ASSERT_NE(peers.Find(3), nullptr);
  EXPECT_THAT(peers.Find(3)->eagers, ElementsAre(1, 2));
  EXPECT_THAT(peers.Find(3)->lazys, ElementsAre(4));
  EXPECT_EQ(peers.Find(4), nullptr);
}

TEST(RootPeersTest, EqualPairsAreStoredOnceAndFreedWhenUnused) {
  const NodeOrder order;
  RootPeers peers(&order);
  for (NodeId root = 0; root < 100; ++root) peers.Set(root, EagerLazy{{1}, {2, 3}});
  EXPECT_EQ(peers.root_count(), 100u);
  EXPECT_EQ(peers.distinct_pairs(), 1u);
  peers.Set(7, EagerLazy{{2}, {1, 3}});
  EXPECT_EQ(peers.distinct_pairs(), 2u);
  EXPECT_THAT(peers.Find(7)->eagers, ElementsAre(2));
  EXPECT_THAT(peers.Find(8)->eagers, ElementsAre(1));
  peers.Set(7, EagerLazy{{1}, {2, 3}});  // back to the shared pair
  EXPECT_EQ(peers.distinct_pairs(), 1u);
}

TEST(RootPeersTest, TransformRewritesEveryRootAndMergesEqualResults) {
  const NodeOrder order;
  RootPeers peers(&order);
  peers.Set(1, EagerLazy{{5, 6}, {7}});
  peers.Set(2, EagerLazy{{5}, {6, 7}});
  peers.Transform([](const EagerLazy& sets) {
    return EagerLazy{ordsets::DelElement(6, sets.eagers), ordsets::DelElement(6, sets.lazys)};
  });
  EXPECT_EQ(peers.distinct_pairs(), 1u);
  EXPECT_THAT(peers.Find(1)->eagers, ElementsAre(5));
  EXPECT_THAT(peers.Find(2)->lazys, ElementsAre(7));
  EXPECT_THAT(peers.Roots(), ElementsAre(1, 2));
  peers.Clear();
  EXPECT_EQ(peers.Find(1), nullptr);
  EXPECT_TRUE(peers.Roots().empty());
}

TEST(RootPeersTest, MoveStartsFromTheCommonSetsAndRemembersNothingStale) {
  const NodeOrder order;
  RootPeers peers(&order);
  const PeerSet common_eagers = {1, 2, 3};
  const PeerSet common_lazys = {};
  peers.Move(9, 2, /*to_eager=*/false, common_eagers, common_lazys);  // add_lazy(2, root 9)
  EXPECT_THAT(peers.Find(9)->eagers, ElementsAre(1, 3));
  EXPECT_THAT(peers.Find(9)->lazys, ElementsAre(2));
  peers.Move(8, 2, false, common_eagers, common_lazys);  // the same move, remembered
  EXPECT_EQ(peers.Find(8), peers.Find(9));
  peers.Move(9, 2, /*to_eager=*/true, common_eagers, common_lazys);  // add_eager(2, root 9)
  EXPECT_THAT(peers.Find(9)->eagers, ElementsAre(1, 2, 3));
  EXPECT_TRUE(peers.Find(9)->lazys.empty());
  EXPECT_THAT(peers.Find(8)->lazys, ElementsAre(2));
  EXPECT_EQ(peers.distinct_pairs(), 2u);
  // After a Transform the common sets may differ: moves are recomputed.
  peers.Transform([](const EagerLazy& sets) { return sets; });
  const PeerSet new_common = {1};
  peers.Move(7, 2, false, new_common, common_lazys);
  EXPECT_THAT(peers.Find(7)->eagers, ElementsAre(1));
  EXPECT_THAT(peers.Find(7)->lazys, ElementsAre(2));
}

}  // namespace
}  // namespace plumsim
