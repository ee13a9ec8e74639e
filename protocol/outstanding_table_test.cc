#include "protocol/outstanding_table.h"

#include <algorithm>
#include <random>
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

TEST(OutstandingTableTest, InsertAllSkipsTheExceptedPeerAndSharesOnePush) {
  OutstandingTable table;
  const std::vector<NodeId> peers = {3, 5, 8};
  table.InsertAll(peers, /*except=*/5, Push(4));
  table.InsertAll(peers, /*except=*/9, Push(6));
  EXPECT_THAT(Entries(table),
              ElementsAre(Pair(3, 4), Pair(3, 6), Pair(5, 6), Pair(8, 4), Pair(8, 6)));
  // Acknowledging one peer's copy leaves the others' copies of the push.
  EXPECT_EQ(table.DeleteObject(3, Push(4)), 1u);
  table.Delete(8);
  EXPECT_THAT(Entries(table), ElementsAre(Pair(3, 6), Pair(5, 6)));
  // Pushes whose every copy was acknowledged free their storage for reuse.
  table.InsertAll(peers, /*except=*/3, Push(7));
  EXPECT_THAT(Entries(table), ElementsAre(Pair(3, 6), Pair(5, 6), Pair(5, 7), Pair(8, 7)));
  EXPECT_EQ(table.size(), 4u);
}

TEST(OutstandingTableTest, MemoryFollowsThePendingPushesNotTheMostEverHeld) {
  OutstandingTable table;
  const std::vector<NodeId> peers = {1, 2, 3};
  for (int64_t s = 0; s < 5000; ++s) table.InsertAll(peers, /*except=*/0, Push(s));
  const size_t flood_bytes = table.ApproximateBytes();
  // Every 1000th push stays pending: its records are renumbered when the
  // others are compacted away, and the entries keep their order.
  for (int64_t s = 0; s < 5000; ++s) {
    if (s % 1000 == 0) continue;
    ASSERT_EQ(table.DeleteObject(1, Push(s)), 1u);
    ASSERT_EQ(table.DeleteObject(2, Push(s)), 1u);
    ASSERT_EQ(table.DeleteObject(3, Push(s)), 1u);
  }
  EXPECT_LT(table.ApproximateBytes(), flood_bytes / 10);
  EXPECT_THAT(Entries(table),
              ElementsAre(Pair(1, 0), Pair(1, 1000), Pair(1, 2000), Pair(1, 3000), Pair(1, 4000),
                          Pair(2, 0), Pair(2, 1000), Pair(2, 2000), Pair(2, 3000), Pair(2, 4000),
                          Pair(3, 0), Pair(3, 1000), Pair(3, 2000), Pair(3, 3000), Pair(3, 4000)));
  EXPECT_EQ(table.DeleteObject(2, Push(3000)), 1u);
}

TEST(OutstandingTableTest, EmptiedQueuesAreNeitherVisitedNorKeptForEver) {
  OutstandingTable table;
  const size_t empty_bytes = table.ApproximateBytes();
  // 100 peers get one push each, then acknowledge it: their queues empty.
  for (NodeId peer = 1; peer <= 100; ++peer) table.Insert(peer, Push(peer));
  for (NodeId peer = 1; peer <= 99; ++peer) ASSERT_EQ(table.DeleteObject(peer, Push(peer)), 1u);
  std::vector<NodeId> asked;
  table.ForEach(
      [&asked](NodeId peer) {
        asked.push_back(peer);
        return true;
      },
      [](NodeId, const OutstandingPush&) {});
  EXPECT_THAT(asked, ElementsAre(100));           // want_peer only for peers with entries
  EXPECT_EQ(table.DeleteObject(5, Push(5)), 0u);  // an emptied queue matches nothing
  // The empty queues were dropped as they came to outnumber the live one:
  // at most 9 remain, with their small buffers.
  EXPECT_LT(table.ApproximateBytes(), empty_bytes + 16 * 1024);
  // A queue emptied and refilled keeps insertion order after the others.
  table.Insert(3, Push(7));
  table.Insert(3, Push(8));
  EXPECT_THAT(Entries(table), ElementsAre(Pair(3, 7), Pair(3, 8), Pair(100, 100)));
  table.Delete(3);
  table.Delete(100);
  EXPECT_TRUE(table.empty());
  EXPECT_THAT(Entries(table), ElementsAre());
}

TEST(OutstandingTableTest, MoreIdenticalEntriesThanACountHoldsAreAllAcknowledged) {
  // 300 identical entries saturate their fingerprint's one-byte count; the
  // acknowledgement must still find every one, among other entries, and the
  // counts must be exact again once the table shrinks and refills them.
  OutstandingTable table;
  for (int64_t i = 0; i < 300; ++i) {
    table.Insert(3, Push(7));
    table.Insert(3, Push(1000 + i));
  }
  table.Insert(4, Push(7));
  EXPECT_EQ(table.DeleteObject(3, Push(7)), 300u);
  EXPECT_EQ(table.DeleteObject(3, Push(7)), 0u);
  EXPECT_EQ(table.size(), 301u);
  for (int64_t i = 0; i < 290; ++i) EXPECT_EQ(table.DeleteObject(3, Push(1000 + i)), 1u);
  EXPECT_EQ(table.size(), 11u);
  EXPECT_EQ(table.DeleteObject(4, Push(7)), 1u);
  for (int64_t i = 290; i < 300; ++i) EXPECT_EQ(table.DeleteObject(3, Push(1000 + i)), 1u);
  EXPECT_TRUE(table.empty());
  EXPECT_THAT(Entries(table), ElementsAre());
}

TEST(OutstandingTableTest, BehavesAsADuplicateBagUnderRandomOperations) {
  // The reference: a list of {Peer, Push} in insertion order; the fold
  // visits it sorted by peer, stably.
  std::vector<std::pair<NodeId, OutstandingPush>> bag;
  OutstandingTable table;
  std::mt19937_64 rng(2026);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  for (int step = 0; step < 20000; ++step) {
    const int op = pick(10);
    const OutstandingPush push = Push(pick(40), /*root=*/static_cast<NodeId>(pick(3)));
    if (op < 5) {
      std::vector<NodeId> peers;
      for (NodeId p = 0; p < 6; ++p) {
        if (pick(2) == 0) peers.push_back(p);
      }
      const NodeId except = static_cast<NodeId>(pick(7));
      table.InsertAll(peers, except, push);
      for (NodeId p : peers) {
        if (p != except) bag.emplace_back(p, push);
      }
    } else if (op < 9) {
      const NodeId peer = static_cast<NodeId>(pick(6));
      const auto end = std::remove_if(bag.begin(), bag.end(), [&](const auto& e) {
        return e.first == peer && e.second == push;
      });
      const size_t expected = static_cast<size_t>(bag.end() - end);
      bag.erase(end, bag.end());
      ASSERT_EQ(table.DeleteObject(peer, push), expected) << "step " << step;
    } else {
      const NodeId peer = static_cast<NodeId>(pick(6));
      std::erase_if(bag, [peer](const auto& e) { return e.first == peer; });
      table.Delete(peer);
    }
    ASSERT_EQ(table.size(), bag.size()) << "step " << step;
    table.Prefetch(step % 2);  // a hint: changes nothing
  }
  std::stable_sort(bag.begin(), bag.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<NodeId, OutstandingPush>> folded;
  table.ForEach([](NodeId) { return true; },
                [&folded](NodeId peer, const OutstandingPush& p) { folded.emplace_back(peer, p); });
  EXPECT_EQ(folded, bag);
  EXPECT_GT(bag.size(), 100u);  // the walk ends with a populated table
}

}  // namespace
}  // namespace plumsim
