// Clause tests of the HyParView port (partisan_hyparview_peer_service_manager)
// with a fake environment: exact messages sent and resulting views.
#include "protocol/hyparview.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/fake_environment.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr NodeId kSelf = 1;

// do_send_message/3: the default channel.
SentMessage To(NodeId to, Message m) { return SentMessage{to, std::move(m), Channel::kDefault}; }

class HyParViewTest : public ::testing::Test {
 protected:
  HyParViewTest()
      : env_(kSelf), hv_(&env_, HyParViewConfig{}, /*epoch=*/100, [this](const PeerSet& a) {
          notified_.push_back(a);
        }) {}
  // Puts peers in the active view the way the protocol does (neighbor).
  void MakeActive(std::initializer_list<NodeId> peers) {
    for (NodeId p : peers) hv_.HandleMessage(NeighborMsg{p, {1, 0}});
    env_.TakeSent();
    notified_.clear();
  }
  void MakePassive(std::initializer_list<NodeId> peers) {
    hv_.HandleMessage(ShuffleReplyMsg{std::vector<NodeId>(peers), 99});
  }

  FakeEnvironment env_;
  std::vector<PeerSet> notified_;
  HyParView hv_;
};

// Views are sets of node specs, which Erlang compares by listen address
// before name: pick_random/2 draws an index into that order.
TEST(HyParViewOrderTest, RandomPicksIndexTheViewInSpecOrder) {
  FakeEnvironment env(kSelf);
  // n9 listens on the lowest address, then n1, n2, ...
  env.specs = NodeOrder({1, 2, 3, 4, 5, 6, 7, 8, 9, 0});
  std::vector<PeerSet> notified;
  HyParView hv(&env, HyParViewConfig{}, 1, [&](const PeerSet& a) { notified.push_back(a); });
  for (NodeId p : {2, 3, 9}) hv.HandleMessage(NeighborMsg{p, {1, 0}});
  EXPECT_EQ(hv.active(), (PeerSet{9, 1, 2, 3}));
  env.TakeSent();
  // A seventh peer would overflow the active view (6 with self) only at
  // capacity; here: a join forwarded with TTL > 0 goes to a random active
  // peer other than the sender and the joiner. Draw 0: the first in order.
  env.scripted_draws = {0};
  hv.HandleMessage(ForwardJoinMsg{7, 1, 3, 2});
  const std::vector<SentMessage> sent = env.TakeSent();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back().to, 9u);  // not n3: n9's address sorts first
}

TEST_F(HyParViewTest, StartsWithItselfActiveAndSchedulesMaintenance) {
  hv_.Start();
  EXPECT_EQ(hv_.active(), (PeerSet{kSelf}));
  ASSERT_EQ(env_.timers.size(), 2u);
  EXPECT_EQ(env_.timers[0].kind, TimerKind::kPassiveViewMaintenance);
  EXPECT_EQ(env_.timers[0].delay, absl::Seconds(10));
  EXPECT_EQ(env_.timers[1].kind, TimerKind::kRandomPromotion);
  EXPECT_EQ(env_.timers[1].delay, absl::Seconds(5));
}

TEST_F(HyParViewTest, JoinConnectsAndSendsJoinWithEpoch) {
  hv_.Join(7);
  EXPECT_THAT(env_.connects, ElementsAre(7));
  EXPECT_THAT(env_.TakeSent(), ElementsAre(To(7, JoinMsg{kSelf, 100})));
}

TEST_F(HyParViewTest, JoinAddsTheJoinerAndForwardsToEveryOtherActivePeer) {
  MakeActive({2, 3});
  hv_.HandleMessage(JoinMsg{9, 55});
  EXPECT_EQ(hv_.active(), (PeerSet{1, 2, 3, 9}));
  EXPECT_THAT(env_.TakeSent(),
              ElementsAre(To(9, NeighborMsg{kSelf, {1, 0}}), To(2, ForwardJoinMsg{9, 55, 6, kSelf}),
                          To(3, ForwardJoinMsg{9, 55, 6, kSelf})));
  ASSERT_EQ(notified_.size(), 1u);
  EXPECT_EQ(notified_[0], (PeerSet{1, 2, 3, 9}));
}

TEST_F(HyParViewTest, JoinFromAnUnreachablePeerChangesNothing) {
  env_.unreachable = {9};
  hv_.HandleMessage(JoinMsg{9, 55});
  EXPECT_EQ(hv_.active(), (PeerSet{kSelf}));
  EXPECT_THAT(env_.TakeSent(), IsEmpty());
  EXPECT_THAT(notified_, IsEmpty());
}

TEST_F(HyParViewTest, ActiveViewAtCapacityDropsARandomPeerWithADisconnect) {
  MakeActive({2, 3, 4, 5, 6});  // 5 peers + self = active_max_size 6
  ASSERT_EQ(hv_.active().size(), 6u);
  env_.scripted_draws = {0};  // drop the first candidate: n2
  hv_.HandleMessage(NeighborMsg{9, {1, 0}});
  EXPECT_EQ(hv_.active(), (PeerSet{1, 3, 4, 5, 6, 9}));
  EXPECT_THAT(env_.TakeSent(), ElementsAre(To(2, DisconnectMsg{kSelf, {100, 1}})));
  EXPECT_THAT(env_.disconnects, ElementsAre(2));
  // Quirk: the dropped peer does not stay in the passive view.
  EXPECT_EQ(hv_.passive(), (PeerSet{}));
}

TEST_F(HyParViewTest, ForwardJoinContinuesTheWalkAndAddsToPassiveAtPassiveRwl) {
  MakeActive({2, 3});
  env_.scripted_draws = {1};  // candidates [3] minus sender 2 -> index 0 of [3]
  hv_.HandleMessage(ForwardJoinMsg{9, 55, 6, 2});
  EXPECT_EQ(hv_.passive(), (PeerSet{9}));  // TTL == passive_rwl
  EXPECT_THAT(env_.TakeSent(), ElementsAre(To(3, ForwardJoinMsg{9, 55, 5, kSelf})));
  EXPECT_EQ(hv_.active(), (PeerSet{1, 2, 3}));
}

TEST_F(HyParViewTest, ForwardJoinEndsEarlyWhenTheActiveViewIsSmall) {
  // Only self in the active view: the walk ends here whatever the TTL.
  hv_.HandleMessage(ForwardJoinMsg{9, 55, 4, 2});
  EXPECT_EQ(hv_.active(), (PeerSet{1, 9}));
  EXPECT_THAT(env_.TakeSent(), ElementsAre(To(9, NeighborMsg{kSelf, {1, 0}})));
}

TEST_F(HyParViewTest, ForwardJoinWithTtlZeroTakesTheJoiner) {
  MakeActive({2, 3});
  hv_.HandleMessage(ForwardJoinMsg{9, 55, 0, 2});
  EXPECT_EQ(hv_.active(), (PeerSet{1, 2, 3, 9}));
}

TEST_F(HyParViewTest, ForwardJoinWithNobodyToForwardToTakesTheJoiner) {
  MakeActive({2});  // candidates = active - [sender, self, peer] = []
  hv_.HandleMessage(ForwardJoinMsg{9, 55, 3, 2});
  EXPECT_EQ(hv_.active(), (PeerSet{1, 2, 9}));
}

TEST_F(HyParViewTest, DisconnectMovesThePeerToPassiveAndAnIsolatedNodePromotes) {
  MakePassive({7, 8});
  MakeActive({2});
  hv_.HandleMessage(DisconnectMsg{2, {40, 1}});
  EXPECT_EQ(hv_.active(), (PeerSet{1}));
  EXPECT_EQ(hv_.passive(), (PeerSet{2, 7, 8}));
  EXPECT_THAT(env_.disconnects, ElementsAre(2));
  // Isolated: a neighbor_request, always high priority, to a peer of the
  // passive view as it was before (7 or 8, never 2).
  const std::vector<SentMessage> sent = env_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, 7u);
  const auto& req = std::get<NeighborRequestMsg>(sent[0].message);
  EXPECT_TRUE(req.high_priority);
  EXPECT_THAT(notified_, IsEmpty());  // disconnect does not notify
  // A stale disconnect id (not newer than the last one) is ignored.
  MakeActive({2});
  hv_.HandleMessage(DisconnectMsg{2, {40, 1}});
  EXPECT_TRUE(ordsets::IsElement(2, hv_.active()));
}

TEST_F(HyParViewTest, HighPriorityNeighborRequestIsAcceptedEvenWhenFull) {
  MakeActive({2, 3, 4, 5, 6});
  hv_.HandleMessage(NeighborRequestMsg{9, true, {1, 0}, {9, 20, 21}});
  EXPECT_TRUE(ordsets::IsElement(9, hv_.active()));
  const std::vector<SentMessage> sent = env_.TakeSent();
  ASSERT_GE(sent.size(), 2u);
  EXPECT_EQ(sent[0].to, 9u);
  EXPECT_TRUE(std::holds_alternative<NeighborAcceptedMsg>(sent[0].message));
  // The request's exchange goes into the passive view (not self, not active).
  EXPECT_TRUE(ordsets::IsElement(20, hv_.passive()));
  EXPECT_TRUE(ordsets::IsElement(21, hv_.passive()));
  EXPECT_FALSE(ordsets::IsElement(9, hv_.passive()));
}

TEST_F(HyParViewTest, LowPriorityNeighborRequestIsRejectedWhenFull) {
  MakeActive({2, 3, 4, 5, 6});
  hv_.HandleMessage(NeighborRequestMsg{9, false, {1, 0}, {9}});
  EXPECT_FALSE(ordsets::IsElement(9, hv_.active()));
  EXPECT_THAT(env_.TakeSent(), ElementsAre(To(9, NeighborRejectedMsg{kSelf, false, {}})));
}

TEST_F(HyParViewTest, LowPriorityNeighborRequestIsAcceptedWithRoom) {
  MakeActive({2});
  hv_.HandleMessage(NeighborRequestMsg{9, false, {1, 0}, {9}});
  EXPECT_EQ(hv_.active(), (PeerSet{1, 2, 9}));
}

TEST_F(HyParViewTest, NeighborAcceptedAddsAndRejectedDisconnects) {
  hv_.HandleMessage(NeighborAcceptedMsg{4, {1, 0}, {4, 11}});
  EXPECT_EQ(hv_.active(), (PeerSet{1, 4}));
  EXPECT_EQ(hv_.passive(), (PeerSet{11}));
  ASSERT_EQ(notified_.size(), 1u);
  hv_.HandleMessage(NeighborRejectedMsg{5, true, {12}});
  EXPECT_THAT(env_.disconnects, ElementsAre(5));
  EXPECT_EQ(hv_.passive(), (PeerSet{11, 12}));
}

TEST_F(HyParViewTest, ShuffleWithTtlIsForwardedAndAtTheEndAnsweredAndMerged) {
  MakeActive({2, 3});
  MakePassive({20, 21, 22});
  hv_.HandleMessage(ShuffleMsg{{8, 30, 31}, 3, 2});
  EXPECT_THAT(env_.TakeSent(), ElementsAre(To(3, ShuffleMsg{{8, 30, 31}, 2, kSelf})));
  // TTL 0: reply with up to len(exchange) passive peers, merge the exchange.
  hv_.HandleMessage(ShuffleMsg{{8, 30, 31}, 0, 8});
  const std::vector<SentMessage> sent = env_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, 8u);
  // shuffle/2 keeps the first K of the (ordered) view: 20, 21, 22.
  std::vector<NodeId> reply = std::get<ShuffleReplyMsg>(sent[0].message).exchange;
  std::sort(reply.begin(), reply.end());
  EXPECT_EQ(reply, (std::vector<NodeId>{20, 21, 22}));
  EXPECT_EQ(hv_.passive(), (PeerSet{8, 20, 21, 22, 30, 31}));
}

TEST_F(HyParViewTest, MergeNeverExceedsThePassiveSizeNorAddsSelfOrActive) {
  MakeActive({2, 3});
  std::vector<NodeId> many = {kSelf, 2, 3};
  for (NodeId n = 100; n < 160; ++n) many.push_back(n);
  hv_.HandleMessage(ShuffleReplyMsg{many, 100});
  EXPECT_EQ(hv_.passive().size(), 30u);
  EXPECT_FALSE(ordsets::IsElement(kSelf, hv_.passive()));
  EXPECT_FALSE(ordsets::IsElement(2, hv_.passive()));
  EXPECT_FALSE(ordsets::IsElement(3, hv_.passive()));
}

TEST_F(HyParViewTest, PassiveViewMaintenanceShufflesWithARandomActivePeer) {
  MakeActive({2, 3});
  MakePassive({20});
  hv_.OnTimer(TimerKind::kPassiveViewMaintenance);
  const std::vector<SentMessage> sent = env_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  const auto& shuffle = std::get<ShuffleMsg>(sent[0].message);
  EXPECT_EQ(shuffle.ttl, 6);  // active_rwl
  EXPECT_EQ(shuffle.exchange, (std::vector<NodeId>{1, 2, 3, 20}));
  EXPECT_EQ(env_.timers.back().kind, TimerKind::kPassiveViewMaintenance);
}

TEST_F(HyParViewTest, RandomPromotionOnlyBelowTheMinimum) {
  MakePassive({20, 21});
  hv_.OnTimer(TimerKind::kRandomPromotion);  // active = {self}: 1 < 3
  std::vector<SentMessage> sent = env_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<NeighborRequestMsg>(sent[0].message));
  MakeActive({2, 3});  // 3 with self: the limit is reached
  hv_.OnTimer(TimerKind::kRandomPromotion);
  EXPECT_THAT(env_.TakeSent(), IsEmpty());
}

TEST_F(HyParViewTest, ConnectionDownRemovesThePeerAndPromotes) {
  MakePassive({20});
  MakeActive({2, 3});
  hv_.ConnectionDown(2);
  EXPECT_EQ(hv_.active(), (PeerSet{1, 3}));
  const std::vector<SentMessage> sent = env_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, 20u);
  EXPECT_THAT(notified_, IsEmpty());
  hv_.ConnectionDown(20);  // a passive peer just leaves the passive view
  EXPECT_EQ(hv_.passive(), (PeerSet{}));
}

}  // namespace
}  // namespace plumsim
