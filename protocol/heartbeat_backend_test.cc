// Tests of the heartbeat backend port (partisan_plumtree_backend), clause by
// clause; docs/protocol-tests.md maps them to the semantics checklist.
#include "protocol/heartbeat_backend.h"

#include <cstdint>
#include <map>
#include <memory>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/broadcast_server.h"
#include "protocol/fake_environment.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr NodeId kSelf = 1;
constexpr HandlerId kHeartbeat = 0;

BroadcastId Ts(NodeId node, int64_t epoch, int64_t monotonic) {
  return HeartbeatTimestamp{node, epoch, monotonic}.ToId();
}

class HeartbeatBackendTest : public ::testing::Test {
 protected:
  explicit HeartbeatBackendTest(HeartbeatConfig config = HeartbeatConfig{})
      : env_(kSelf),
        server_(&env_, PlumtreeConfig{}),
        backend_(&env_, &server_, kHeartbeat, config, /*epoch=*/100) {
    server_.RegisterHandler(kHeartbeat, &backend_);
    env_.connected = {2, 3};
    server_.Start({1, 2, 3}, {1, 2, 3}, {});
    env_.timers.clear();
  }

  FakeEnvironment env_;
  BroadcastServer server_;
  HeartbeatBackend backend_;
};

TEST_F(HeartbeatBackendTest, FirstHeartbeatIsScheduledOneIntervalAfterStart) {
  backend_.Start();
  ASSERT_EQ(env_.timers.size(), 1u);
  EXPECT_EQ(env_.timers[0].kind, TimerKind::kHeartbeat);
  EXPECT_EQ(env_.timers[0].delay, absl::Seconds(10));
  EXPECT_THAT(env_.sent, IsEmpty());
}

TEST_F(HeartbeatBackendTest, HeartbeatIncrementsRecordsBroadcastsAndReschedules) {
  backend_.Start();
  backend_.OnTimer(TimerKind::kHeartbeat);
  EXPECT_EQ(backend_.monotonic(), 1);
  // Recorded locally, so the node's own heartbeat is stale to it.
  EXPECT_TRUE(backend_.IsStale(Ts(kSelf, 100, 1)));
  // Broadcast through the server: round 0, root and from = self, to every
  // eager peer, on the membership channel, with id = the timestamp.
  ASSERT_EQ(env_.sent.size(), 2u);
  for (const SentMessage& sent : env_.sent) {
    const auto& m = std::get<BroadcastMsg>(sent.message);
    EXPECT_EQ(m.id, Ts(kSelf, 100, 1));
    EXPECT_EQ(m.round, 0u);
    EXPECT_EQ(m.root, kSelf);
    EXPECT_EQ(sent.channel, Channel::kMembership);
  }
  EXPECT_EQ(env_.sent[0].to, 2u);
  EXPECT_EQ(env_.sent[1].to, 3u);
  ASSERT_EQ(env_.timers.size(), 2u);
  EXPECT_EQ(env_.timers[1].kind, TimerKind::kHeartbeat);
  backend_.OnTimer(TimerKind::kHeartbeat);
  EXPECT_EQ(backend_.monotonic(), 2);
  EXPECT_EQ(backend_.Lookup(kSelf)->received.DebugString(), "[1..2]");
}

class HeartbeatsOffTest : public HeartbeatBackendTest {
 protected:
  HeartbeatsOffTest() : HeartbeatBackendTest(HeartbeatConfig{false, absl::Seconds(10)}) {}
};

TEST_F(HeartbeatsOffTest, BroadcastFlagOffSchedulesNothing) {
  backend_.Start();
  EXPECT_THAT(env_.timers, IsEmpty());
}

TEST_F(HeartbeatBackendTest, IsStaleFollowsTheTable) {
  EXPECT_FALSE(backend_.IsStale(Ts(5, 10, 1)));  // no entry
  EXPECT_TRUE(backend_.Merge(Ts(5, 10, 1), nullptr));
  EXPECT_TRUE(backend_.Merge(Ts(5, 10, 3), nullptr));
  EXPECT_TRUE(backend_.IsStale(Ts(5, 10, 1)));   // same epoch, in the set
  EXPECT_FALSE(backend_.IsStale(Ts(5, 10, 2)));  // same epoch, a gap
  EXPECT_TRUE(backend_.IsStale(Ts(5, 9, 50)));   // older epoch
  EXPECT_FALSE(backend_.IsStale(Ts(5, 11, 1)));  // newer epoch
}

TEST_F(HeartbeatBackendTest, MergeRecordsOnlyNewTimestamps) {
  EXPECT_TRUE(backend_.Merge(Ts(5, 10, 1), nullptr));
  EXPECT_FALSE(backend_.Merge(Ts(5, 10, 1), nullptr));  // duplicate
  EXPECT_TRUE(backend_.Merge(Ts(5, 10, 2), nullptr));
  EXPECT_EQ(backend_.Lookup(5)->received.DebugString(), "[1..2]");
  // merge(T1, T2) with a payload that is not the timestamp: no clause.
  EXPECT_FALSE(backend_.Merge(Ts(5, 10, 3), std::make_shared<const std::string>("x")));
  EXPECT_FALSE(backend_.IsStale(Ts(5, 10, 3)));
}

TEST_F(HeartbeatBackendTest, GraftAnswersFromTheTable) {
  EXPECT_EQ(backend_.Graft(Ts(5, 10, 1)).kind, GraftResult::Kind::kError);  // no entry
  backend_.Merge(Ts(5, 10, 1), nullptr);
  const GraftResult ok = backend_.Graft(Ts(5, 10, 1));
  EXPECT_EQ(ok.kind, GraftResult::Kind::kOk);
  EXPECT_EQ(ok.payload, nullptr);  // the payload is the id itself
  const GraftResult missing = backend_.Graft(Ts(5, 10, 2));
  EXPECT_EQ(missing.kind, GraftResult::Kind::kError);
  EXPECT_THAT(missing.error, ::testing::HasSubstr("not_found"));
  EXPECT_EQ(backend_.Graft(Ts(5, 9, 1)).kind, GraftResult::Kind::kStale);   // older epoch
  EXPECT_EQ(backend_.Graft(Ts(5, 11, 1)).kind, GraftResult::Kind::kError);  // newer epoch
}

TEST_F(HeartbeatBackendTest, RestartEpochs) {
  // A node restarts with a larger epoch: its new heartbeats replace the
  // entry; heartbeats of the old incarnation become stale.
  EXPECT_TRUE(backend_.Merge(Ts(5, 10, 1), nullptr));
  EXPECT_TRUE(backend_.Merge(Ts(5, 10, 2), nullptr));
  EXPECT_TRUE(backend_.Merge(Ts(5, 20, 1), nullptr));
  EXPECT_EQ(backend_.Lookup(5)->epoch, 20);
  EXPECT_EQ(backend_.Lookup(5)->received.DebugString(), "[1]");
  EXPECT_TRUE(backend_.IsStale(Ts(5, 10, 3)));
  EXPECT_FALSE(backend_.Merge(Ts(5, 10, 3), nullptr));  // old epoch ignored
  EXPECT_EQ(backend_.Lookup(5)->epoch, 20);
  EXPECT_EQ(backend_.Graft(Ts(5, 10, 2)).kind, GraftResult::Kind::kStale);
}

// The table keeps one interval inline and spills other sets (gaps, bounds
// beyond 32 bits, negative counters) to full IntervalSets; either way it
// answers as add_timestamp/1 and is_stale/1 over {Epoch, ISet} would. A
// reference table of plain IntervalSets, driven by the same random merges.
TEST_F(HeartbeatBackendTest, CompactEntriesAnswerAsFullIntervalSets) {
  std::mt19937_64 rng(7);
  std::map<NodeId, std::pair<int64_t, IntervalSet>> reference;
  const int64_t kBases[] = {0, 1, 4294967290, -3};  // inline, near 2^32, negative
  for (int step = 0; step < 20000; ++step) {
    const NodeId node = 10 + rng() % 8;
    const int64_t epoch = 10 + static_cast<int64_t>(rng() % 3);
    const int64_t sequence = kBases[node % 4] + static_cast<int64_t>(rng() % 12);
    const BroadcastId id = Ts(node, epoch, sequence);
    auto it = reference.find(node);
    bool stale = false;
    if (it != reference.end()) {
      stale = it->second.first == epoch ? it->second.second.Contains(sequence)
                                        : it->second.first > epoch;
    }
    ASSERT_EQ(backend_.IsStale(id), stale) << step;
    ASSERT_EQ(backend_.Merge(id, nullptr), !stale) << step;
    if (!stale) {
      if (it == reference.end() || it->second.first < epoch) {
        reference[node] = {epoch, IntervalSet{sequence}};
      } else {
        it->second.second.Add(sequence);
      }
    }
    const auto stored = backend_.Lookup(node);
    ASSERT_TRUE(stored.has_value());
    ASSERT_EQ(stored->epoch, reference[node].first) << step;
    ASSERT_EQ(stored->received, reference[node].second) << step;
  }
  EXPECT_FALSE(backend_.Lookup(9).has_value());
}

TEST_F(HeartbeatBackendTest, ExchangeIsIgnored) {
  EXPECT_EQ(backend_.Exchange(2).kind, ExchangeResult::Kind::kIgnore);
}

// Through the server: an i_have for an id never seen -- even one of this
// node's own that it has not produced yet -- triggers a graft.
TEST_F(HeartbeatBackendTest, IHaveForAnUnseenIdGraftsEvenForOwnFutureHeartbeat) {
  server_.HandleMessage(IHaveMsg{Ts(kSelf, 100, 5), kHeartbeat, 1, kSelf, 2});
  EXPECT_THAT(env_.TakeSent(),
              ElementsAre(SentMessage{2, GraftMsg{Ts(kSelf, 100, 5), kHeartbeat, 1, kSelf, kSelf},
                                      Channel::kMembership}));
}

// A graft for an unknown id is only logged.
TEST_F(HeartbeatBackendTest, GraftForAnUnknownIdIsOnlyLogged) {
  server_.HandleMessage(GraftMsg{Ts(7, 1, 1), kHeartbeat, 0, 7, 2});
  EXPECT_THAT(env_.sent, IsEmpty());
  ASSERT_EQ(env_.logs.size(), 1u);
  EXPECT_THAT(env_.logs[0].second, ::testing::HasSubstr("not_found"));
}

}  // namespace
}  // namespace plumsim
