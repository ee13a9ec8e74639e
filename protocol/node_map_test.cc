#include "protocol/node_map.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

struct NonZero {
  bool operator()(int v) const { return v != 0; }
};
using IntMap = NodeMap<int, NonZero>;

std::vector<std::pair<NodeId, int>> Sorted(const IntMap& map) {
  std::vector<std::pair<NodeId, int>> out;
  map.ForEach([&out](NodeId k, int v) { out.emplace_back(k, v); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(NodeMapTest, SparseKeysStayFindableAsTheMapTurnsDenseAndBack) {
  IntMap map;
  *map.TryEmplace(100000).first = 7;  // sparse: one key far out
  for (NodeId k = 0; k < 200; ++k) {
    auto [v, inserted] = map.TryEmplace(k);
    EXPECT_TRUE(inserted);
    *v = static_cast<int>(k) + 1;
  }
  EXPECT_EQ(map.size(), 201u);
  // 201 keys up to 100000 are too sparse for a vector.
  EXPECT_GT(map.ApproximateBytes(), 201u * sizeof(std::pair<NodeId, int>));
  for (NodeId k = 0; k < 200; ++k) EXPECT_EQ(*map.Find(k), static_cast<int>(k) + 1);
  EXPECT_EQ(*map.Find(100000), 7);
  EXPECT_EQ(map.Find(250), nullptr);
  auto [again, inserted] = map.TryEmplace(5);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(*again, 6);
}

TEST(NodeMapTest, ADenseTableEndsNearItsLargestKey) {
  // A heartbeat table fills in id order or close to it: the vector grows by
  // a quarter at most, so 10,000 keys hold at most 12,500 slots (doubling
  // held 16,384).
  IntMap ascending;
  for (NodeId k = 0; k < 10000; ++k) *ascending.TryEmplace(k).first = 1;
  EXPECT_LE(ascending.ApproximateBytes(), 12500u * sizeof(int));
  EXPECT_GE(ascending.ApproximateBytes(), 10000u * sizeof(int));
  // A key far ahead turns the table sparse; it turns dense again, exactly
  // as large as its largest key, once a quarter of the span is filled.
  IntMap jumping;
  for (NodeId k = 0; k < 64; ++k) *jumping.TryEmplace(k).first = 1;
  for (NodeId k = 9999; k >= 64; --k) *jumping.TryEmplace(k).first = 1;
  EXPECT_EQ(jumping.ApproximateBytes(), 10000u * sizeof(int));
  for (NodeId k = 0; k < 10000; ++k) ASSERT_NE(jumping.Find(k), nullptr);
}

TEST(NodeMapTest, DenseMapAcceptsAFarKeyByTurningSparse) {
  IntMap map;
  for (NodeId k = 0; k < 100; ++k) *map.TryEmplace(k).first = 1;
  EXPECT_LE(map.ApproximateBytes(), 128u * sizeof(int));  // a vector of ints, no hash slots
  *map.TryEmplace(1000000).first = 2;
  EXPECT_EQ(map.size(), 101u);
  EXPECT_EQ(*map.Find(1000000), 2);
  EXPECT_EQ(*map.Find(99), 1);
  EXPECT_EQ(map.Find(100), nullptr);
  map.Clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.Find(3), nullptr);
}

TEST(NodeMapTest, TheFirstKeysLiveInlineThenMoveToTheHeap) {
  IntMap map;
  *map.TryEmplace(500).first = 1;
  *map.TryEmplace(7).first = 2;
  EXPECT_TRUE(map.IsInline());
  EXPECT_EQ(map.ApproximateBytes(), 0u);  // no heap block yet
  EXPECT_EQ(*map.Find(7), 2);
  EXPECT_EQ(map.Find(8), nullptr);
  auto [again, inserted] = map.TryEmplace(500);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(*again, 1);
  *map.TryEmplace(90000).first = 3;  // a third key: the hash map holds all
  EXPECT_FALSE(map.IsInline());
  EXPECT_EQ(map.size(), 3u);
  EXPECT_THAT(Sorted(map), ElementsAre(Pair(7, 2), Pair(500, 1), Pair(90000, 3)));
  map.Clear();
  EXPECT_TRUE(map.IsInline());
  EXPECT_EQ(map.Find(7), nullptr);
  // Keys dense from the start go straight to the vector.
  IntMap dense;
  for (NodeId k = 0; k < 64; ++k) *dense.TryEmplace(k).first = 1;
  EXPECT_FALSE(dense.IsInline());
  for (NodeId k = 0; k < 64; ++k) ASSERT_NE(dense.Find(k), nullptr);
}

TEST(NodeMapTest, ForEachVisitsExactlyThePresentKeys) {
  IntMap map;
  for (NodeId k : {3u, 70u, 9u, 64u}) *map.TryEmplace(k).first = static_cast<int>(k);
  EXPECT_THAT(Sorted(map), ElementsAre(Pair(3, 3), Pair(9, 9), Pair(64, 64), Pair(70, 70)));
}

}  // namespace
}  // namespace plumsim
