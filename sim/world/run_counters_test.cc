// RunCounters counts what it observes: messages by type, drops by reason,
// connections and their closes by reason, held and released messages,
// retransmissions, node events by kind, and per handler the broadcasts
// originated and their first (valid) and stale merges.
#include "sim/world/run_counters.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

Message Broadcast(HandlerId handler) { return BroadcastMsg{{}, nullptr, handler, 1, 0, 0}; }
const int kBroadcastType = static_cast<int>(Message(BroadcastMsg{}).index());
const int kPruneType = static_cast<int>(Message(PruneMsg{}).index());

TEST(RunCountersTest, MessagesAreCountedByTypeAndDropsByReason) {
  RunCounters c;
  c.OnSend(0, 1, Broadcast(0));
  c.OnSend(0, 2, Broadcast(1));
  c.OnSend(1, 0, PruneMsg{});
  c.OnDeliver(0, 1, Broadcast(0));
  c.OnDrop(0, 2, Broadcast(1), DropReason::kLoss);
  c.OnDrop(1, 0, PruneMsg{}, DropReason::kLoss);
  c.OnDrop(1, 0, PruneMsg{}, DropReason::kConnectionClosed);
  EXPECT_EQ(c.sent[kBroadcastType], 2u);
  EXPECT_EQ(c.sent[kPruneType], 1u);
  EXPECT_EQ(c.delivered[kBroadcastType], 1u);
  EXPECT_EQ(c.delivered[kPruneType], 0u);
  EXPECT_EQ(c.dropped[static_cast<int>(DropReason::kLoss)], 2u);
  EXPECT_EQ(c.dropped[static_cast<int>(DropReason::kConnectionClosed)], 1u);
  EXPECT_EQ(c.dropped[static_cast<int>(DropReason::kCut)], 0u);
}

TEST(RunCountersTest, TcpCountsConnectionsHeldMessagesAndRetransmissions) {
  RunCounters c;
  c.OnConnectionOpen(0, 1, Channel::kDefault);
  c.OnConnectionOpen(1, 0, Channel::kMembership);
  c.OnConnectionClose(0, 1, Channel::kDefault, CloseReason::kPingTimeout);
  c.OnHeld(0, 1, Broadcast(0));
  c.OnHeld(0, 1, Broadcast(0));
  c.OnHeld(0, 1, Broadcast(0));
  c.OnReleased(0, 1, Broadcast(0), SimDuration::Seconds(3));
  c.OnReleased(0, 1, Broadcast(0), SimDuration::Seconds(7));
  c.OnReleased(0, 1, Broadcast(0), SimDuration::Seconds(5));
  c.OnRetransmit(0, 1, Broadcast(0), 3);  // one segment lost three times
  c.OnRetransmit(1, 0, Broadcast(0), 1);
  EXPECT_EQ(c.connections_opened, 2u);
  EXPECT_EQ(c.connections_closed[static_cast<int>(CloseReason::kPingTimeout)], 1u);
  EXPECT_EQ(c.connections_closed[static_cast<int>(CloseReason::kPeerClosed)], 0u);
  EXPECT_EQ(c.held, 3u);
  EXPECT_EQ(c.released, 3u);
  EXPECT_EQ(c.held_longest, SimDuration::Seconds(7));  // the longest, not the last
  EXPECT_EQ(c.retransmissions, 4u);                    // retransmissions, not calls
}

TEST(RunCountersTest, NodeEventsAreCountedByKindAndSkippedActionsInAll) {
  RunCounters c;
  c.OnNodeEvent(NodeEventKind::kStart, 0, 1);
  c.OnNodeEvent(NodeEventKind::kStart, 1, 2);
  c.OnNodeEvent(NodeEventKind::kCrash, 1, 2);
  c.OnNodeEvent(NodeEventKind::kLeave, 0, 1);
  c.OnSkipped(TimelineEvent::Kind::kCrash, 1, "the node is not running");
  c.OnSkipped(TimelineEvent::Kind::kBroadcast, 1, "the node is not running");
  EXPECT_EQ(c.node_events[static_cast<int>(NodeEventKind::kStart)], 2u);
  EXPECT_EQ(c.node_events[static_cast<int>(NodeEventKind::kCrash)], 1u);
  EXPECT_EQ(c.node_events[static_cast<int>(NodeEventKind::kRestart)], 0u);
  EXPECT_EQ(c.node_events[static_cast<int>(NodeEventKind::kLeave)], 1u);
  EXPECT_EQ(c.skipped, 2u);
}

// Per handler (heartbeat 0, store 1): originated, merged new (valid: the
// first copy), merged stale. Other handler ids are not counted.
TEST(RunCountersTest, BroadcastsAreCountedPerHandlerAndMergesByValidity) {
  RunCounters c;
  c.OnOriginate(0, 0, BroadcastId{0, 1, 1});
  c.OnOriginate(0, 1, BroadcastId{0, 1, 1});
  c.OnOriginate(1, 1, BroadcastId{1, 1, 1});
  c.OnOriginate(1, 7, BroadcastId{1, 1, 2});
  c.OnMerge(1, std::get<BroadcastMsg>(Broadcast(1)), true);
  c.OnMerge(2, std::get<BroadcastMsg>(Broadcast(1)), true);
  c.OnMerge(2, std::get<BroadcastMsg>(Broadcast(1)), false);
  c.OnMerge(2, std::get<BroadcastMsg>(Broadcast(0)), false);
  c.OnMerge(2, std::get<BroadcastMsg>(Broadcast(7)), true);
  EXPECT_EQ(c.originated[0], 1u);
  EXPECT_EQ(c.originated[1], 2u);
  EXPECT_EQ(c.merged_new[0], 0u);
  EXPECT_EQ(c.merged_new[1], 2u);
  EXPECT_EQ(c.merged_stale[0], 1u);
  EXPECT_EQ(c.merged_stale[1], 1u);
}

}  // namespace
}  // namespace plumsim
