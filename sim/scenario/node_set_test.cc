#include "sim/scenario/node_set.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(NodeSetTest, NormalisesRanges) {
  const NodeSet s = NodeSet::FromRanges({{7, 9}, {0, 3}, {4, 4}, {8, 12}});
  ASSERT_EQ(s.ranges().size(), 2u);
  EXPECT_EQ(s.ranges()[0], (NodeSet::Range{0, 4}));
  EXPECT_EQ(s.ranges()[1], (NodeSet::Range{7, 12}));
  EXPECT_EQ(s.size(), 11);
  EXPECT_EQ(s.ToString(), "n0..n4, n7..n12");
  EXPECT_EQ(s.ToPeerSet(), (PeerSet{0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12}));
}

TEST(NodeSetTest, HugeSetsStayCompact) {
  const NodeSet all = NodeSet::Interval(0, 9'999'999);
  EXPECT_EQ(all.size(), 10'000'000);
  EXPECT_EQ(all.ranges().size(), 1u);
  EXPECT_TRUE(all.Contains(9'999'999));
  EXPECT_FALSE(all.Contains(10'000'000));
  EXPECT_EQ(all.At(1234567), 1234567u);
}

TEST(NodeSetTest, IteratesAtAndContains) {
  const NodeSet s = NodeSet::FromIds({5, 1, 2, 9});
  PeerSet seen;
  for (NodeId n : s) seen.push_back(n);
  EXPECT_EQ(seen, (PeerSet{1, 2, 5, 9}));
  EXPECT_EQ(s.At(0), 1u);
  EXPECT_EQ(s.At(2), 5u);
  EXPECT_EQ(s.At(3), 9u);
  EXPECT_TRUE(s.Contains(2));
  EXPECT_FALSE(s.Contains(3));
  EXPECT_FALSE(s.Contains(0));
  EXPECT_FALSE(s.Contains(10));
  EXPECT_TRUE(NodeSet().empty());
  EXPECT_EQ(NodeSet().begin(), NodeSet().end());
}

TEST(NodeSetTest, Intersects) {
  const NodeSet a = NodeSet::FromRanges({{0, 4}, {10, 14}});
  EXPECT_TRUE(a.Intersects(NodeSet::Interval(4, 6)));
  EXPECT_FALSE(a.Intersects(NodeSet::Interval(5, 9)));
  EXPECT_TRUE(a.Intersects(NodeSet::FromIds({7, 12})));
  EXPECT_FALSE(a.Intersects(NodeSet()));
}

}  // namespace
}  // namespace plumsim
