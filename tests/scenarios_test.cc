// Runs every shipped scenario end to end (the larger ones scaled down so the
// suite stays quick in a debug build) and checks what each one is there to
// show, from the run's counters.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/metrics/overlay_views.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run_counters.h"
#include "sim/world/simulation.h"

namespace plumsim {
namespace {

struct Ran {
  Scenario scenario;
  RunCounters stats;
};

std::unique_ptr<Ran> RunShipped(const std::string& file,
                                const std::vector<std::string>& overrides = {}) {
  auto ran = std::make_unique<Ran>();
  absl::StatusOr<Scenario> s = LoadScenario("scenarios/" + file, overrides);
  EXPECT_TRUE(s.ok()) << s.status();
  if (!s.ok()) return ran;
  ran->scenario = *s;
  Simulation sim(ran->scenario, &ran->stats);
  EXPECT_TRUE(sim.Run());
  return ran;
}

uint64_t Heartbeats(const RunCounters& s) { return s.originated[kHeartbeatHandler]; }
uint64_t FirstDeliveries(const RunCounters& s) { return s.merged_new[kHeartbeatHandler]; }

// gray_failures: a join lost in the bootstrap race, a dead listener whose
// node is then listed by nobody but keeps its own one-way views, and a
// starved node. Checked on the overlay at the end, not only the counters.
TEST(ShippedScenariosTest, GrayFailuresLeaveTheOverlayChangedForGood) {
  absl::StatusOr<Scenario> s = LoadScenario("scenarios/gray_failures.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  RunCounters stats;
  Simulation sim(*s, &stats);
  ASSERT_TRUE(sim.Run());
  EXPECT_GE(stats.joins_lost, 1u);
  EXPECT_GE(stats.connections_closed[static_cast<int>(CloseReason::kListenerClosed)], 2u);
  EXPECT_EQ(sim.StarvedTime(), SimDuration::Seconds(30));
  const OverlayViews v = ReadOverlayViews(sim);
  EXPECT_EQ(v.unlisted.size(), stats.joins_lost + 1);
  EXPECT_TRUE(std::find(v.unlisted.begin(), v.unlisted.end(), 7u) != v.unlisted.end());
  ASSERT_FALSE(v.one_way.empty());
  for (const auto& [holder, peer] : v.one_way) EXPECT_EQ(holder, 7u) << NodeName(peer);
}

TEST(ShippedScenariosTest, QuickstartDeliversEveryHeartbeatEverywhere) {
  auto r = RunShipped("quickstart.toml");
  const int64_t n = r->scenario.node_count;
  EXPECT_EQ(Heartbeats(r->stats), static_cast<uint64_t>(n * 5));  // 10..50 s
  EXPECT_EQ(FirstDeliveries(r->stats), Heartbeats(r->stats) * (n - 1));
  // The first round floods every eager link: N*(N-1)*(N-2) stale copies.
  // Later rounds cross tree links only, except where an i_have outran the
  // payload (each node's lazy tick fires at the same instant as its
  // heartbeat) and caused a graft: the grafted copy arrives stale, and the
  // extra eager link costs at most one more stale copy before it is pruned.
  const uint64_t flood = static_cast<uint64_t>(n * (n - 1) * (n - 2));
  const uint64_t grafts = r->stats.sent[4];
  EXPECT_GE(r->stats.merged_stale[kHeartbeatHandler], flood);
  EXPECT_LE(r->stats.merged_stale[kHeartbeatHandler], flood + 2 * grafts);
}

// validate_hyparview16: the 16 nodes joined through n0 one by one form one
// overlay, and every heartbeat and application message reaches every node.
TEST(ShippedScenariosTest, ValidateHyParView16ReachesEveryNode) {
  auto r = RunShipped("validate_hyparview16.toml");
  EXPECT_EQ(r->stats.joins_lost, 0u);
  const uint64_t n = 16;
  EXPECT_EQ(FirstDeliveries(r->stats), Heartbeats(r->stats) * (n - 1));
  EXPECT_EQ(r->stats.originated[kStoreHandler], 5u);
  EXPECT_EQ(r->stats.merged_new[kStoreHandler], 5 * (n - 1));
}

// Over tcp (the default) a lost segment is retransmitted: nothing is lost,
// every heartbeat reaches every node, later than the lost one's RTO.
TEST(ShippedScenariosTest, LossyRetransmitsOverTcp) {
  auto r = RunShipped("lossy.toml");
  EXPECT_EQ(r->stats.dropped[static_cast<int>(DropReason::kLoss)], 0u);
  EXPECT_GT(r->stats.retransmissions, 0u);
  EXPECT_EQ(FirstDeliveries(r->stats), Heartbeats(r->stats) * (r->scenario.node_count - 1));
}

TEST(ShippedScenariosTest, LossyRepairsThroughGraftsOverDatagrams) {
  auto r = RunShipped("lossy.toml", {"network.transport=\"datagram\""});
  EXPECT_GT(r->stats.dropped[static_cast<int>(DropReason::kLoss)], 0u);
  EXPECT_GT(r->stats.sent[4], 0u);  // grafts
  // Lazy repair: nearly every heartbeat still reaches every node.
  const uint64_t possible = Heartbeats(r->stats) * (r->scenario.node_count - 1);
  EXPECT_GT(FirstDeliveries(r->stats), possible * 98 / 100);
}

TEST(ShippedScenariosTest, CrashRestartLosesOnlyTheCrashedNodesShare) {
  auto r = RunShipped("crash_restart.toml");
  EXPECT_EQ(r->stats.node_events[static_cast<int>(NodeEventKind::kCrash)], 3u);
  EXPECT_EQ(r->stats.node_events[static_cast<int>(NodeEventKind::kRestart)], 3u);
  // 12 nodes * 11 heartbeats... minus the ones the crashed nodes missed.
  EXPECT_GT(FirstDeliveries(r->stats), 1000u);
}

// Over tcp the 40 s partition holds everything sent across; at TCP's
// first retransmission after the heal every cross connection, both
// channels', delivers its backlog and then dies by a stale pong
// ({invalid_ping_response, Pong}), and every heartbeat still reaches every
// node.
TEST(ShippedScenariosTest, PartitionHealHoldsAcrossThenDeliversOverTcp) {
  auto r = RunShipped("partition_heal.toml");
  uint64_t closed = 0;
  for (uint64_t c : r->stats.connections_closed) closed += c;
  EXPECT_EQ(closed, 144u);
  EXPECT_EQ(r->stats.connections_closed[static_cast<int>(CloseReason::kInvalidPingResponse)], 144u);
  EXPECT_GT(r->stats.held, 0u);
  EXPECT_EQ(r->stats.released, r->stats.held);
  EXPECT_EQ(r->stats.dropped[static_cast<int>(DropReason::kUnreachable)], 0u);
  EXPECT_EQ(Heartbeats(r->stats), 12u * 11u);
  EXPECT_EQ(FirstDeliveries(r->stats), 12u * 11u * 11u);
}

// partition_tcp: the 5 s partition closes nothing and releases everything
// it held; the 40 s one closes the 72 cross connections of the membership
// channel by stale pongs after the heal, and the 72 idle ones of the
// default channel by ping timeout before TCP resends their pings; the 150 s
// one closes all 144 by ping timeout, dropping what they held.
TEST(ShippedScenariosTest, PartitionTcpShortHoldsFortyStalePongsLongTimesOut) {
  absl::StatusOr<Scenario> s =
      LoadScenario("scenarios/partition_tcp.toml", std::vector<std::string>{});
  ASSERT_TRUE(s.ok()) << s.status();
  RunCounters stats;
  Simulation sim(*s, &stats);
  auto closed = [&stats](CloseReason reason) {
    return stats.connections_closed[static_cast<int>(reason)];
  };
  sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(79));
  EXPECT_GT(stats.held, 0u);
  EXPECT_EQ(stats.released, stats.held);
  for (uint64_t c : stats.connections_closed) EXPECT_EQ(c, 0u);
  sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(135));
  EXPECT_EQ(closed(CloseReason::kInvalidPingResponse), 72u);
  EXPECT_EQ(closed(CloseReason::kPingTimeout), 0u);
  sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(140));
  EXPECT_EQ(closed(CloseReason::kPingTimeout), 72u);
  EXPECT_TRUE(sim.Run());
  EXPECT_EQ(closed(CloseReason::kInvalidPingResponse), 72u);
  EXPECT_EQ(closed(CloseReason::kPingTimeout), 72u + 144u);
  EXPECT_GT(stats.dropped[static_cast<int>(DropReason::kConnectionClosed)], 0u);
  EXPECT_LT(stats.released, stats.held);
}

TEST(ShippedScenariosTest, PartitionHealDropsAcrossThenRecoversOverDatagrams) {
  auto r = RunShipped("partition_heal.toml", {"network.transport=\"datagram\""});
  EXPECT_GT(r->stats.dropped[static_cast<int>(DropReason::kUnreachable)], 0u);
  // 12 roots x 11 heartbeats. Those sent during the partition reach only
  // their own side at first, but their i_haves stay outstanding (lazy ticks
  // skip unreachable peers without dropping them) and are sent right after
  // the heal: the other side grafts every missed heartbeat. In the end every
  // heartbeat reached every node.
  EXPECT_EQ(Heartbeats(r->stats), 12u * 11u);
  EXPECT_EQ(FirstDeliveries(r->stats), 12u * 11u * 11u);
  EXPECT_GT(r->stats.sent[4], 12u * 6u);  // the grafts of the repair
}

TEST(ShippedScenariosTest, ChurnCrashesAndRestarts) {
  auto r = RunShipped("churn.toml", {"nodes.count=10"});
  EXPECT_GT(r->stats.node_events[static_cast<int>(NodeEventKind::kCrash)], 5u);
  EXPECT_GT(r->stats.node_events[static_cast<int>(NodeEventKind::kRestart)], 5u);
}

TEST(ShippedScenariosTest, LargeFullScaledDown) {
  auto r = RunShipped("large_full.toml",
                      {"nodes.count=24", "duration=\"35s\"", "network.links.0.from=\"n0..n3\"",
                       "network.links.0.to=\"n12..n15\"", "snapshots.roots=\"n0\""});
  EXPECT_EQ(FirstDeliveries(r->stats), Heartbeats(r->stats) * 23);
}

// HyParView scenarios, scaled down: the overlay carries every heartbeat.
TEST(ShippedScenariosTest, HyParViewScaledDown) {
  auto r = RunShipped("hyparview_1000.toml",
                      {"nodes.count=150", "duration=\"40s\"", "snapshots.roots=\"n0\""});
  EXPECT_EQ(r->stats.sent[5], 149u);  // one join per node but n0
  // Node i starts at i * 10 ms and beats about 10, 20 and 30 s later (each
  // period is 10001 ms: ERTS's tick); n0's fourth beat, a few ms
  // after 40 s, falls outside the run. (Nearly) every beat reaches every
  // other node through the partial views.
  EXPECT_EQ(Heartbeats(r->stats), 150u * 3);
  EXPECT_GE(FirstDeliveries(r->stats), Heartbeats(r->stats) * 149 * 99 / 100);
}

TEST(ShippedScenariosTest, MassiveFailureScaledDown) {
  auto r =
      RunShipped("massive_failure.toml", {"nodes.count=200", "events.0.nodes=\"n100..n199\"",
                                          "events.1.nodes=\"n40..n99\"", "snapshots.roots=\"n0\""});
  EXPECT_EQ(r->stats.node_events[static_cast<int>(NodeEventKind::kCrash)], 160u);
  EXPECT_GT(r->stats.sent[9], 0u);  // neighbor_request: promotions after the crashes
}

TEST(ShippedScenariosTest, PlumtreePaperScaledDown) {
  auto r = RunShipped("plumtree_paper.toml", {"nodes.count=300", "events.1.nodes=\"n180..n299\"",
                                              "duration=\"260s\"", "events.0.count=130"});
  EXPECT_EQ(Heartbeats(r->stats), 0u);
  EXPECT_EQ(r->stats.originated[kStoreHandler], 130u);
  // Before the failure (120..240 s) every message reaches all 300 nodes.
  EXPECT_GE(r->stats.merged_new[kStoreHandler], 120u * 299u);
}

}  // namespace
}  // namespace plumsim
