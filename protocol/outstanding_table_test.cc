#include "protocol/outstanding_table.h"

#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

OutstandingPush Push(int64_t sequence, NodeId root = 0) {
  return OutstandingPush{BroadcastId{root, 1, sequence}, 0, 1, root};
}

std::vector<std::pair<NodeId, int64_t>> Entries(const OutstandingTable& table) {
  std::vector<std::pair<NodeId, int64_t>> out;
  table.ForEach([](NodeId) { return true; },
                [&out](NodeId peer, const OutstandingPush& push) {
                  out.emplace_back(peer, push.id.sequence);
                });
  return out;
}

TEST(OutstandingTableTest, FoldsPeersAscendingThenInsertionOrder) {
  OutstandingTable table;
  table.Insert(9, Push(1));
  table.Insert(2, Push(5));
  table.Insert(9, Push(0));
  table.Insert(2, Push(3));
  EXPECT_THAT(Entries(table), ElementsAre(Pair(2, 5), Pair(2, 3), Pair(9, 1), Pair(9, 0)));
  EXPECT_EQ(table.size(), 4u);
}

TEST(OutstandingTableTest, DeleteObjectRemovesEveryIdenticalEntryOfThatPeerOnly) {
  OutstandingTable table;
  table.Insert(1, Push(7));
  table.Insert(1, Push(8));
  table.Insert(1, Push(7));  // a duplicate_bag keeps duplicates
  table.Insert(2, Push(7));
  EXPECT_EQ(table.DeleteObject(1, Push(7)), 2u);
  EXPECT_THAT(Entries(table), ElementsAre(Pair(1, 8), Pair(2, 7)));
  EXPECT_EQ(table.DeleteObject(1, Push(7)), 0u);              // nothing left to match
  EXPECT_EQ(table.DeleteObject(1, Push(8, /*root=*/3)), 0u);  // differs in root
  EXPECT_EQ(table.size(), 2u);
}

TEST(OutstandingTableTest, KeepsOrderThroughManyAcknowledgementsAndDeletesByPeer) {
  OutstandingTable table;
  for (int64_t s = 0; s < 1000; ++s) table.Insert(4, Push(s));
  table.Insert(5, Push(0));
  // Acknowledge all but every 100th, in order, as replies arrive.
  for (int64_t s = 0; s < 1000; ++s) {
    if (s % 100 != 0) {
      EXPECT_EQ(table.DeleteObject(4, Push(s)), 1u);
    }
  }
  std::vector<int64_t> left;
  table.ForEach([](NodeId peer) { return peer == 4; },
                [&left](NodeId, const OutstandingPush& push) { left.push_back(push.id.sequence); });
  EXPECT_THAT(left, ElementsAre(0, 100, 200, 300, 400, 500, 600, 700, 800, 900));
  table.Delete(4);
  EXPECT_THAT(Entries(table), ElementsAre(Pair(5, 0)));
  EXPECT_EQ(table.size(), 1u);
  table.Insert(4, Push(1));  // the peer's fingerprints were forgotten with it
  EXPECT_EQ(table.DeleteObject(4, Push(1)), 1u);
}

}  // namespace
}  // namespace plumsim
