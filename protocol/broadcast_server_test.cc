// Clause-by-clause tests of the broadcast server port
// (partisan_plumtree_broadcast). The mapping from the checklist in
// shared/reference/partisan_semantics.md to these tests is in
// docs/protocol-tests.md.
#include "protocol/broadcast_server.h"

#include <any>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/fake_environment.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr NodeId kSelf = 1;
constexpr HandlerId kH = 0;

BroadcastId Id(NodeId origin, int64_t seq) { return BroadcastId{origin, 7, seq}; }

// A handler whose answers the test sets, recording every call.
class ScriptedHandler : public BroadcastHandler {
 public:
  explicit ScriptedHandler(std::string name = "test_handler", Channel channel = Channel::kDefault)
      : name_(std::move(name)), channel_(channel) {}
  absl::string_view name() const override { return name_; }
  absl::StatusOr<BroadcastData> BroadcastDataOf(const std::any& message) override {
    const auto* id = std::any_cast<BroadcastId>(&message);
    if (id == nullptr) return absl::InvalidArgumentError("bad message");
    return BroadcastData{*id, std::make_shared<const std::string>("payload")};
  }
  bool Merge(const BroadcastId& id, const Payload&) override {
    merged.push_back(id);
    return merge_result;
  }
  bool IsStale(const BroadcastId&) override { return stale_result; }
  GraftResult Graft(const BroadcastId&) override { return graft_result; }
  ExchangeResult Exchange(NodeId peer) override {
    exchanged_with.push_back(peer);
    return exchange_result;
  }
  Channel broadcast_channel() const override { return channel_; }

  bool merge_result = true;
  bool stale_result = false;
  GraftResult graft_result = GraftResult::Error("not_found");
  ExchangeResult exchange_result;
  std::vector<BroadcastId> merged;
  std::vector<NodeId> exchanged_with;

 private:
  std::string name_;
  Channel channel_;
};

Payload P(const std::string& s) { return std::make_shared<const std::string>(s); }

SentMessage Sent(NodeId to, Message m) { return SentMessage{to, std::move(m), Channel::kDefault}; }

class BroadcastServerTest : public ::testing::Test {
 protected:
  BroadcastServerTest() : env_(kSelf), server_(&env_, PlumtreeConfig{}) {
    server_.RegisterHandler(kH, &handler_);
    env_.connected = {2, 3, 4, 5};
  }
  // Partisan's default start: all members eager, no lazy peers.
  void StartFullMembership() { server_.Start({1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}, {}); }

  FakeEnvironment env_;
  ScriptedHandler handler_;
  BroadcastServer server_;
};

// --- Start (init/1, reset_peers/4) ---

TEST_F(BroadcastServerTest, StartRemovesSelfFromCommonSetsAndSchedulesTicks) {
  server_.Start({1, 2, 3, 4}, {4, 1, 2}, {3, 1});
  EXPECT_EQ(server_.common_eagers(), (PeerSet{2, 4}));
  EXPECT_EQ(server_.common_lazys(), (PeerSet{3}));
  EXPECT_EQ(server_.BroadcastMembers(), (PeerSet{1, 2, 3, 4}));
  EXPECT_THAT(server_.RootsWithOwnSets(), IsEmpty());
  ASSERT_EQ(env_.timers.size(), 2u);
  EXPECT_EQ(env_.timers[0].kind, TimerKind::kLazyTick);
  EXPECT_EQ(env_.timers[0].delay, absl::Milliseconds(1000));
  EXPECT_EQ(env_.timers[1].kind, TimerKind::kExchangeTick);
  EXPECT_EQ(env_.timers[1].delay, absl::Milliseconds(10000));
}

// --- Local broadcast (broadcast/2, handle_cast({broadcast, Id, Payload, Mod})) ---

TEST_F(BroadcastServerTest, LocalBroadcastEagerPushesRoundZeroAndQueuesLazyPushes) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2, 3}, {1, 4, 5});
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);
  const Payload p = P("payload");
  EXPECT_THAT(env_.TakeSent(),
              ElementsAre(Sent(2, BroadcastMsg{Id(kSelf, 1), p, kH, 0, kSelf, kSelf}),
                          Sent(3, BroadcastMsg{Id(kSelf, 1), p, kH, 0, kSelf, kSelf})));
  const OutstandingPush push{Id(kSelf, 1), kH, 0, kSelf};
  EXPECT_THAT(server_.OutstandingEntries(), ElementsAre(Pair(4, push), Pair(5, push)));
  // The sender does not merge its own message.
  EXPECT_THAT(handler_.merged, IsEmpty());
}

// send/3's list comprehension sends in ordset order, and ordsets of atoms
// follow the text: with names 'n<k>@host', n10 and n11 come before n2.
TEST(BroadcastServerOrderTest, EagerPushesGoOutInErlangNameOrder) {
  FakeEnvironment env(kSelf);
  // Ranks of 'n0@host' .. 'n11@host' in text order: n0 n10 n11 n1 n2 .. n9.
  env.names = NodeOrder({0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2});
  ScriptedHandler handler;
  BroadcastServer server(&env, PlumtreeConfig{});
  server.RegisterHandler(kH, &handler);
  PeerSet members;
  for (NodeId n = 0; n < 12; ++n) members.push_back(n);
  server.Start(members, members, {});
  EXPECT_EQ(server.common_eagers(), (PeerSet{0, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9}));
  server.Broadcast(std::any(Id(kSelf, 1)), kH);
  std::vector<NodeId> order;
  for (const SentMessage& s : env.TakeSent()) order.push_back(s.to);
  EXPECT_THAT(order, ElementsAre(0, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9));
}

TEST_F(BroadcastServerTest, BroadcastDataErrorCancelsTheBroadcast) {
  StartFullMembership();
  server_.Broadcast(std::any(std::string("not an id")), kH);
  EXPECT_THAT(env_.TakeSent(), IsEmpty());
  ASSERT_EQ(env_.logs.size(), 1u);
  EXPECT_THAT(env_.logs[0].second, ::testing::HasSubstr("Broadcast cancelled"));
}

TEST_F(BroadcastServerTest, MessagesUseTheHandlersChannel) {
  FakeEnvironment env(kSelf);
  BroadcastServer server(&env, PlumtreeConfig{});
  ScriptedHandler membership("membership_handler", Channel::kMembership);
  server.RegisterHandler(kH, &membership);
  server.Start({1, 2}, {1, 2}, {});
  server.Broadcast(std::any(Id(kSelf, 1)), kH);
  ASSERT_EQ(env.sent.size(), 1u);
  EXPECT_EQ(env.sent[0].channel, Channel::kMembership);
}

// --- Receive broadcast (handle_broadcast/8) ---

TEST_F(BroadcastServerTest, ValidBroadcastMakesSenderEagerAndPushesOnExceptToSender) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2, 3, 4}, {5});
  server_.HandleMessage(BroadcastMsg{Id(9, 1), P("x"), kH, 2, 9, 3});
  EXPECT_THAT(handler_.merged, ElementsAre(Id(9, 1)));
  // Round + 1, root kept, from = this node; the sender (3) is skipped.
  EXPECT_THAT(env_.TakeSent(),
              ElementsAre(Sent(2, BroadcastMsg{Id(9, 1), P("x"), kH, 3, 9, kSelf}),
                          Sent(4, BroadcastMsg{Id(9, 1), P("x"), kH, 3, 9, kSelf})));
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{2, 3, 4}));
  EXPECT_EQ(server_.GetLazyPeers(9), (PeerSet{5}));
  EXPECT_THAT(server_.OutstandingEntries(),
              ElementsAre(Pair(5, OutstandingPush{Id(9, 1), kH, 3, 9})));
  // Other roots still use the common sets.
  EXPECT_EQ(server_.GetEagerPeers(8), (PeerSet{2, 3, 4}));
}

TEST_F(BroadcastServerTest, ValidBroadcastFromALazyPeerMovesItToEager) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2}, {3, 4});
  server_.HandleMessage(BroadcastMsg{Id(9, 1), P("x"), kH, 0, 9, 3});
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{2, 3}));
  EXPECT_EQ(server_.GetLazyPeers(9), (PeerSet{4}));
  // Lazy pushes go to lazy(root) - from.
  EXPECT_THAT(server_.OutstandingEntries(),
              ElementsAre(Pair(4, OutstandingPush{Id(9, 1), kH, 1, 9})));
}

TEST_F(BroadcastServerTest, StaleBroadcastMovesSenderToLazyAndPrunesIt) {
  StartFullMembership();
  handler_.merge_result = false;
  server_.HandleMessage(BroadcastMsg{Id(9, 1), P("x"), kH, 1, 9, 4});
  EXPECT_THAT(env_.TakeSent(), ElementsAre(Sent(4, PruneMsg{9, kSelf})));
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{2, 3, 5}));
  EXPECT_EQ(server_.GetLazyPeers(9), (PeerSet{4}));
  EXPECT_EQ(server_.outstanding_count(), 0u);
  // Only root 9's sets changed.
  EXPECT_EQ(server_.GetEagerPeers(2), (PeerSet{2, 3, 4, 5}));
}

TEST_F(BroadcastServerTest, BroadcastForAnUnregisteredHandlerIsTreatedAsStale) {
  StartFullMembership();
  server_.HandleMessage(BroadcastMsg{Id(9, 1), nullptr, 5, 1, 9, 4});
  EXPECT_THAT(env_.TakeSent(), ElementsAre(Sent(4, PruneMsg{9, kSelf})));
}

// A root is in its neighbours' eager sets like any peer, so its own message
// can come back to it: stale there, so it prunes the sender.
TEST_F(BroadcastServerTest, RootsOwnMessageComingBackIsStaleAndPruned) {
  StartFullMembership();
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);
  env_.TakeSent();
  handler_.merge_result = false;  // the root stored it when it produced it
  server_.HandleMessage(BroadcastMsg{Id(kSelf, 1), P("payload"), kH, 1, kSelf, 3});
  EXPECT_THAT(env_.TakeSent(), ElementsAre(Sent(3, PruneMsg{kSelf, kSelf})));
  EXPECT_EQ(server_.GetEagerPeers(kSelf), (PeerSet{2, 4, 5}));
  EXPECT_EQ(server_.GetLazyPeers(kSelf), (PeerSet{3}));
}

// --- Prune ---

TEST_F(BroadcastServerTest, PruneMovesSenderToLazyForThatRoot) {
  StartFullMembership();
  server_.HandleMessage(PruneMsg{9, 2});
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{3, 4, 5}));
  EXPECT_EQ(server_.GetLazyPeers(9), (PeerSet{2}));
  EXPECT_THAT(env_.TakeSent(), IsEmpty());
  EXPECT_THAT(server_.RootsWithOwnSets(), ElementsAre(9));
}

// --- i_have (handle_ihave/7) ---

TEST_F(BroadcastServerTest, StaleIHaveIsAnsweredWithIgnoredIHave) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2}, {3});
  handler_.stale_result = true;
  server_.HandleMessage(IHaveMsg{Id(9, 4), kH, 2, 9, 3});
  EXPECT_THAT(env_.TakeSent(), ElementsAre(Sent(3, IgnoredIHaveMsg{Id(9, 4), kH, 2, 9, kSelf})));
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{2}));
  EXPECT_EQ(server_.GetLazyPeers(9), (PeerSet{3}));
}

TEST_F(BroadcastServerTest, ValidIHaveGraftsAtOnceAndMakesSenderEager) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2}, {3});
  handler_.stale_result = false;
  server_.HandleMessage(IHaveMsg{Id(9, 4), kH, 2, 9, 3});
  EXPECT_THAT(env_.TakeSent(), ElementsAre(Sent(3, GraftMsg{Id(9, 4), kH, 2, 9, kSelf})));
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{2, 3}));
  EXPECT_EQ(server_.GetLazyPeers(9), (PeerSet{}));
  EXPECT_THAT(env_.timers, ::testing::SizeIs(2));  // no graft timer
}

// --- ignored_i_have ---

TEST_F(BroadcastServerTest, IgnoredIHaveDeletesEveryMatchingOutstandingEntry) {
  server_.Start({1, 2, 3, 4, 5}, {1}, {2, 3});
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);  // duplicate_bag: twice
  server_.Broadcast(std::any(Id(kSelf, 2)), kH);
  ASSERT_EQ(server_.outstanding_count(), 6u);
  server_.HandleMessage(IgnoredIHaveMsg{Id(kSelf, 1), kH, 0, kSelf, 2});
  const OutstandingPush p1{Id(kSelf, 1), kH, 0, kSelf};
  const OutstandingPush p2{Id(kSelf, 2), kH, 0, kSelf};
  EXPECT_THAT(server_.OutstandingEntries(),
              ElementsAre(Pair(2, p2), Pair(3, p1), Pair(3, p1), Pair(3, p2)));
  // An ack whose round differs matches nothing.
  server_.HandleMessage(IgnoredIHaveMsg{Id(kSelf, 2), kH, 5, kSelf, 3});
  EXPECT_EQ(server_.outstanding_count(), 4u);
}

// --- graft (handle_graft/7) ---

TEST_F(BroadcastServerTest, StaleGraftAcksTheOutstandingEntry) {
  server_.Start({1, 2, 3}, {1}, {2, 3});
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);
  handler_.graft_result = GraftResult::Stale();
  server_.HandleMessage(GraftMsg{Id(kSelf, 1), kH, 0, kSelf, 2});
  EXPECT_THAT(env_.TakeSent(), IsEmpty());
  EXPECT_THAT(server_.OutstandingEntries(),
              ElementsAre(Pair(3, OutstandingPush{Id(kSelf, 1), kH, 0, kSelf})));
}

TEST_F(BroadcastServerTest, OkGraftMakesSenderEagerAndSendsWithoutAcking) {
  server_.Start({1, 2, 3}, {1}, {2, 3});
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);
  env_.TakeSent();
  handler_.graft_result = GraftResult::Ok(P("payload"));
  server_.HandleMessage(GraftMsg{Id(kSelf, 1), kH, 0, kSelf, 2});
  EXPECT_THAT(env_.TakeSent(),
              ElementsAre(Sent(2, BroadcastMsg{Id(kSelf, 1), P("payload"), kH, 0, kSelf, kSelf})));
  EXPECT_EQ(server_.GetEagerPeers(kSelf), (PeerSet{2}));
  EXPECT_EQ(server_.GetLazyPeers(kSelf), (PeerSet{3}));
  EXPECT_EQ(server_.outstanding_count(), 2u);  // not acked
}

TEST_F(BroadcastServerTest, GraftErrorIsOnlyLogged) {
  StartFullMembership();
  handler_.graft_result = GraftResult::Error("{not_found, x}");
  server_.HandleMessage(GraftMsg{Id(9, 1), kH, 0, 9, 2});
  EXPECT_THAT(env_.TakeSent(), IsEmpty());
  EXPECT_THAT(server_.RootsWithOwnSets(), IsEmpty());
  ASSERT_EQ(env_.logs.size(), 1u);
  EXPECT_EQ(env_.logs[0].first, LogLevel::kError);
  EXPECT_THAT(env_.logs[0].second, ::testing::HasSubstr("Unable to graft"));
}

// --- lazy tick (send_lazy/0) ---

TEST_F(BroadcastServerTest, LazyTickResendsIHaveUntilAckedAndSkipsDisconnectedPeers) {
  server_.Start({1, 2, 3, 4, 5}, {1}, {2, 3, 4});
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);
  server_.HandleMessage(BroadcastMsg{Id(9, 1), P("x"), kH, 1, 9, 5});
  env_.TakeSent();
  env_.connected = {2, 4, 5};  // 3 is down
  server_.OnTimer(TimerKind::kLazyTick);
  const IHaveMsg own{Id(kSelf, 1), kH, 0, kSelf, kSelf};
  const IHaveMsg relayed{Id(9, 1), kH, 2, 9, kSelf};
  // Ascending peer, insertion order within a peer.
  EXPECT_THAT(env_.TakeSent(),
              ElementsAre(Sent(2, own), Sent(2, relayed), Sent(4, own), Sent(4, relayed)));
  ASSERT_EQ(env_.timers.size(), 3u);
  EXPECT_EQ(env_.timers[2].kind, TimerKind::kLazyTick);
  // Peer 2 acks the first; the rest is sent again next tick.
  server_.HandleMessage(IgnoredIHaveMsg{Id(kSelf, 1), kH, 0, kSelf, 2});
  server_.OnTimer(TimerKind::kLazyTick);
  EXPECT_THAT(env_.TakeSent(), ElementsAre(Sent(2, relayed), Sent(4, own), Sent(4, relayed)));
}

// --- exchange tick (maybe_exchange/1) ---

TEST_F(BroadcastServerTest, ExchangeTickPrefersPeersOutsideTheRootsTree) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2}, {3});
  env_.connected = {2, 3, 4, 5};
  // random_root: members ∩ connected = [2,3,4,5]; draw 1 -> root 3.
  // random_peer (optimized): members - (eager ∪ lazy of root 3) - self
  //   = [4,5] ∩ connected; draw 1 -> 5.
  env_.scripted_draws = {1, 1};
  server_.OnTimer(TimerKind::kExchangeTick);
  EXPECT_EQ(env_.draws, (std::vector<uint64_t>{4, 2}));
  EXPECT_THAT(handler_.exchanged_with, ElementsAre(5));
  EXPECT_EQ(env_.timers.back().kind, TimerKind::kExchangeTick);
  EXPECT_THAT(server_.exchanges(), IsEmpty());  // ignore: nothing tracked
}

TEST_F(BroadcastServerTest, ExchangeTickFallsBackToAnyMemberWhenAllAreInTheTree) {
  StartFullMembership();  // every member is eager for every root
  env_.connected = {3, 5};
  env_.scripted_draws = {0, 1};
  server_.OnTimer(TimerKind::kExchangeTick);
  // Root from [3,5] (2 candidates), then peer from members - self ∩ connected.
  EXPECT_EQ(env_.draws, (std::vector<uint64_t>{2, 2}));
  EXPECT_THAT(handler_.exchanged_with, ElementsAre(5));
}

TEST_F(BroadcastServerTest, ExchangeTickWithNobodyConnectedDrawsNothing) {
  StartFullMembership();
  env_.connected = {};
  server_.OnTimer(TimerKind::kExchangeTick);
  EXPECT_THAT(env_.draws, IsEmpty());
  EXPECT_THAT(handler_.exchanged_with, IsEmpty());
}

TEST_F(BroadcastServerTest, StartedExchangesCountAgainstTheLimitUntilFinished) {
  StartFullMembership();
  handler_.exchange_result = ExchangeResult{ExchangeResult::Kind::kStarted, 42};
  server_.OnTimer(TimerKind::kExchangeTick);
  ASSERT_EQ(server_.exchanges().size(), 1u);
  EXPECT_EQ(server_.exchanges()[0].exchange, 42u);
  // Limit = number of handlers (1): the next tick draws but starts nothing.
  server_.OnTimer(TimerKind::kExchangeTick);
  EXPECT_EQ(handler_.exchanged_with.size(), 1u);
  EXPECT_EQ(env_.draws.size(), 4u);
  server_.ExchangeFinished(42);
  server_.OnTimer(TimerKind::kExchangeTick);
  EXPECT_EQ(handler_.exchanged_with.size(), 2u);
}

// --- update/1 ---

TEST_F(BroadcastServerTest, UpdateWithNewMembersAddsThemEagerAndResetsEveryRootsSets) {
  server_.Start({1, 2, 3}, {1, 2, 3}, {});
  server_.HandleMessage(PruneMsg{9, 2});
  server_.HandleMessage(PruneMsg{8, 3});
  ASSERT_THAT(server_.RootsWithOwnSets(), ElementsAre(8, 9));
  server_.Update({1, 2, 3, 4, 6});
  EXPECT_EQ(server_.common_eagers(), (PeerSet{2, 3, 4, 6}));
  EXPECT_EQ(server_.BroadcastMembers(), (PeerSet{1, 2, 3, 4, 6}));
  // The quirk: the prunes learned for roots 8 and 9 are forgotten.
  EXPECT_THAT(server_.RootsWithOwnSets(), IsEmpty());
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{2, 3, 4, 6}));
}

TEST_F(BroadcastServerTest, UpdateWithRemovedMembersDropsThemEverywhere) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2, 3}, {4, 5});
  server_.HandleMessage(PruneMsg{9, 2});
  server_.Broadcast(std::any(Id(kSelf, 1)), kH);  // outstanding to 4 and 5
  server_.Update({1, 3, 4});
  EXPECT_EQ(server_.BroadcastMembers(), (PeerSet{1, 3, 4}));
  EXPECT_EQ(server_.common_eagers(), (PeerSet{3}));
  EXPECT_EQ(server_.common_lazys(), (PeerSet{4}));
  EXPECT_EQ(server_.GetEagerPeers(9), (PeerSet{3}));
  EXPECT_EQ(server_.GetLazyPeers(9), (PeerSet{4}));  // 2 removed too
  EXPECT_THAT(server_.OutstandingEntries(),
              ElementsAre(Pair(4, OutstandingPush{Id(kSelf, 1), kH, 0, kSelf})));
}

TEST_F(BroadcastServerTest, UpdateWithNoChangeKeepsPerRootSets) {
  StartFullMembership();
  server_.HandleMessage(PruneMsg{9, 2});
  server_.Update({5, 4, 3, 2, 1});
  EXPECT_THAT(server_.RootsWithOwnSets(), ElementsAre(9));
}

// --- Reports of peer-set changes (Environment::PeersChanged) ---

TEST_F(BroadcastServerTest, ReportsOnlyMovesThatChangeASet) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2, 3}, {4});
  ASSERT_EQ(env_.peer_changes.size(), 1u);  // init's reset_peers
  EXPECT_EQ(env_.peer_changes[0].kind, PeerSetChange::Kind::kResetPeers);
  EXPECT_EQ(env_.peer_changes[0].peers, (PeerSet{2, 3}));
  EXPECT_EQ(env_.peer_changes[0].cause_type, -1);
  env_.peer_changes.clear();
  // 2 is eager already (in the common sets): root 9 takes its own sets, which
  // equal the common ones, so nothing is reported.
  server_.HandleMessage(BroadcastMsg{Id(9, 1), P("x"), kH, 0, 9, 2});
  EXPECT_THAT(server_.RootsWithOwnSets(), ElementsAre(9));
  EXPECT_TRUE(env_.peer_changes.empty());
  // A stale copy from 3: eager -> lazy, caused by that broadcast.
  handler_.merge_result = false;
  server_.HandleMessage(BroadcastMsg{Id(9, 1), P("x"), kH, 1, 9, 3});
  ASSERT_EQ(env_.peer_changes.size(), 1u);
  EXPECT_EQ(env_.peer_changes[0].kind, PeerSetChange::Kind::kAddLazy);
  EXPECT_EQ(env_.peer_changes[0].root, 9u);
  EXPECT_EQ(env_.peer_changes[0].peer, 3u);
  EXPECT_TRUE(env_.peer_changes[0].eager_changed);
  EXPECT_EQ(env_.peer_changes[0].cause_type, MessageIndex<BroadcastMsg>());
  EXPECT_EQ(env_.peer_changes[0].cause_id, Id(9, 1));
  // A second prune from 3 moves nothing.
  server_.HandleMessage(PruneMsg{9, 3});
  EXPECT_EQ(env_.peer_changes.size(), 1u);
  // A prune from 5 (in neither set) only adds it to lazy: the eager set
  // did not change.
  server_.HandleMessage(PruneMsg{9, 5});
  ASSERT_EQ(env_.peer_changes.size(), 2u);
  EXPECT_EQ(env_.peer_changes[1].cause_type, MessageIndex<PruneMsg>());
  EXPECT_FALSE(env_.peer_changes[1].eager_changed);
  // A valid i_have from 4 (lazy) grafts and moves 4 to eager.
  server_.HandleMessage(IHaveMsg{Id(9, 2), kH, 1, 9, 4});
  ASSERT_EQ(env_.peer_changes.size(), 3u);
  EXPECT_EQ(env_.peer_changes[2].kind, PeerSetChange::Kind::kAddEager);
  EXPECT_EQ(env_.peer_changes[2].peer, 4u);
  EXPECT_EQ(env_.peer_changes[2].cause_type, MessageIndex<IHaveMsg>());
  EXPECT_EQ(env_.peer_changes[2].cause_id, Id(9, 2));
}

TEST_F(BroadcastServerTest, ReportsNeighborsDownWithTheRemovedPeers) {
  server_.Start({1, 2, 3, 4, 5}, {1, 2, 3}, {4, 5});
  env_.peer_changes.clear();
  server_.Update({1, 3, 4});
  ASSERT_EQ(env_.peer_changes.size(), 1u);
  EXPECT_EQ(env_.peer_changes[0].kind, PeerSetChange::Kind::kNeighborsDown);
  EXPECT_EQ(env_.peer_changes[0].peers, (PeerSet{2, 5}));
  server_.Update({1, 3, 4});  // no change: no report
  EXPECT_EQ(env_.peer_changes.size(), 1u);
}

// --- debug API ---

TEST_F(BroadcastServerTest, GetPeersReturnsEagerAndLazySetsOfARoot) {
  StartFullMembership();
  server_.HandleMessage(PruneMsg{9, 4});
  EXPECT_EQ(server_.GetPeers(9), std::make_pair(PeerSet{2, 3, 5}, PeerSet{4}));
  EXPECT_EQ(server_.GetPeers(7), std::make_pair(PeerSet{2, 3, 4, 5}, PeerSet{}));
}

}  // namespace
}  // namespace plumsim
