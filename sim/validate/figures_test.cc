// The figures validate compares, computed from a ClusterRecord: on a
// simulated run they agree with the run's own metrics (metrics.h), and on
// hand-made records they follow their definitions.
#include "sim/validate/figures.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/run/runner.h"
#include "sim/validate/sim_record.h"

namespace plumsim {
namespace {

using Kind = ClusterRecord::ReceiptKind;

std::map<std::string, std::optional<double>> ByName(const std::vector<Figure>& figures) {
  std::map<std::string, std::optional<double>> out;
  for (const Figure& f : figures) out[f.name] = f.value;
  return out;
}

constexpr char kScenario[] = R"(
name = "f"
duration = "60s"
[nodes]
count = 8
start_jitter = "50ms"
[membership]
kind = "full"
[network]
latency = { kind = "uniform", min = "3ms", max = "5ms" }
[[events]]
at = "30s"
kind = "crash"
nodes = "n5"
)";

TEST(FiguresTest, OnASimulatedRunTheyAgreeWithTheRunsOwnMetrics) {
  absl::StatusOr<Scenario> s = ParseScenario(kScenario, "f.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  SimRecord record;
  std::vector<MessageMetrics> messages;
  RunOptions options;
  options.observers.push_back(&record);
  options.on_built = [&](const Simulation& sim) { record.Attach(&sim); };
  options.on_finished = [&](const Simulation&, const MetricsCollector& m,
                            const std::vector<TreeShape>&) { messages = m.messages(); };
  ASSERT_TRUE(RunScenario(*s, options).ok());
  const ClusterRecord r = record.Finish(s->duration);
  auto f = ByName(ComputeFigures(r, FigureSettings{}));
  double reliability = 0, rmr = 0, ldh = 0;
  int64_t n = 0, with_rmr = 0, latency_max = 0;
  for (const MessageMetrics& m : messages) {
    if (!m.settled) continue;
    ++n;
    reliability += m.reliability();
    if (m.rmr()) rmr += *m.rmr(), ++with_rmr;
    ldh = std::max<double>(ldh, static_cast<double>(m.ldh));
    latency_max = std::max(latency_max, m.LatencyQuantile(1.0));
  }
  ASSERT_GT(n, 30);
  EXPECT_EQ(f["heartbeat.messages"], static_cast<double>(n));
  EXPECT_NEAR(*f["heartbeat.reliability_mean"], reliability / n, 1e-9);
  EXPECT_NEAR(*f["heartbeat.rmr_mean"], rmr / with_rmr, 1e-9);
  EXPECT_EQ(f["heartbeat.ldh_max"], ldh);
  // Both sides time a delivery when the message reaches the broadcast
  // server's mailbox (the real recorder traces 'receive'); the run's metrics
  // time it when the server merges it, no earlier.
  EXPECT_GT(*f["heartbeat.latency_max_ms"], 3.0);
  EXPECT_LE(*f["heartbeat.latency_max_ms"], latency_max / 1e6);
  // The crash closes its peers' connections (peer_closed), and timers drift
  // a little over their periods (docs/runtime-model.md, "Timers").
  EXPECT_GT(*f["closes.peer_closed"], 0);
  EXPECT_GT(*f["timer.lazy_period_ms"], 1000.0);
  EXPECT_LT(*f["timer.lazy_period_ms"], 1003.0);
  EXPECT_GT(*f["timer.heartbeat_period_ms"], 10000.0);
  EXPECT_LT(*f["timer.heartbeat_period_ms"], 10003.0);
  // Root pushes reach neighbours one hop away: 3..5 ms on the wire, more
  // when TCP holds a segment; never less.
  const std::vector<int64_t> hops = OneHopLatenciesUs(r);
  ASSERT_GT(hops.size(), 100u);
  int64_t within = 0;
  for (int64_t us : hops) {
    EXPECT_GE(us, 3000);
    within += us <= 5000;
  }
  EXPECT_GT(within, static_cast<int64_t>(hops.size() * 9 / 10));
}

// Two nodes, one message: n1 gets two copies (RMR 1), n2 none.
ClusterRecord Small() {
  ClusterRecord r;
  r.nodes = {"n0", "n1", "n2"};
  r.end_us = 60'000'000;
  const int h = r.HandlerIndex("heartbeat");
  for (int i = 0; i < 3; ++i) r.incarnations.push_back({i, 0, std::nullopt});
  r.originations.push_back({1'000'000, 0, h, "m1"});
  r.receipts.push_back({1'002'000, 1, Kind::kBroadcast, 0, h, "m1", 0, 0});
  r.receipts.push_back({1'004'000, 1, Kind::kBroadcast, 2, h, "m1", 0, 1});
  r.receipts.push_back({1'900'000, 2, Kind::kGraft, 1, h, "m1", 0, 1});
  return r;
}

TEST(FiguresTest, MessageFiguresFollowTheirDefinitions) {
  auto f = ByName(ComputeFigures(Small(), FigureSettings{}));
  EXPECT_NEAR(*f["heartbeat.reliability_mean"], 2.0 / 3.0, 1e-9);
  EXPECT_EQ(f["heartbeat.rmr_mean"], 1.0);  // 2 copies / (2 - 1) - 1
  EXPECT_EQ(f["heartbeat.ldh_max"], 1.0);   // round 0 + 1
  // m1 is n0's first message: its flood of every link is not timed.
  EXPECT_EQ(f["heartbeat.latency_max_ms"], std::nullopt);
  EXPECT_EQ(f["heartbeat.grafts_per_message"], 1.0);
  EXPECT_EQ(f["heartbeat.messages_grafted"], 1.0);
}

// Latency is timed from each root's second message on, to the first copy
// each node received.
TEST(FiguresTest, LatencyIsTimedFromEachRootsSecondMessage) {
  ClusterRecord r = Small();
  const int h = 0;
  r.originations.push_back({2'000'000, 0, h, "m2"});
  r.receipts.push_back({2'003'000, 1, Kind::kBroadcast, 0, h, "m2", 0, 0});
  r.receipts.push_back({2'005'000, 1, Kind::kBroadcast, 2, h, "m2", 0, 1});
  r.receipts.push_back({2'004'000, 2, Kind::kBroadcast, 0, h, "m2", 0, 0});
  auto f = ByName(ComputeFigures(r, FigureSettings{}));
  EXPECT_EQ(f["heartbeat.latency_max_ms"], 4.0);
  EXPECT_EQ(f["heartbeat.latency_p50_ms"], 3.0);
}

TEST(FiguresTest, ANodeNotRunningAtSendIsNotInReliability) {
  ClusterRecord r = Small();
  r.incarnations[2].stop_us = 500'000;  // n2 crashed before the send
  auto f = ByName(ComputeFigures(r, FigureSettings{}));
  EXPECT_EQ(f["heartbeat.reliability_mean"], 1.0);
}

// A crashed node's own connections die with it: only the closes its
// survivors saw count (a killed VM records none of its own).
TEST(FiguresTest, ClosesAreThoseARunningNodeSaw) {
  ClusterRecord r = Small();
  r.incarnations[2].stop_us = 2'000'000;  // n2 crashes at 2 s
  r.closes.push_back({2'000'000, 2, 0, "crash"});
  r.closes.push_back({2'000'000, 2, 1, "crash"});
  r.closes.push_back({2'000'000, 0, 2, "peer_closed"});
  r.closes.push_back({2'000'100, 1, 2, "peer_closed"});
  auto f = ByName(ComputeFigures(r, FigureSettings{}, {"crash"}));
  EXPECT_EQ(f["closes.crash"], 0.0);
  EXPECT_EQ(f["closes.peer_closed"], 2.0);
}

TEST(FiguresTest, MessagesTooCloseToTheEndAreNotSettled) {
  ClusterRecord r = Small();
  r.end_us = 3'000'000;  // settle is 5 s
  auto f = ByName(ComputeFigures(r, FigureSettings{}));
  EXPECT_EQ(f["heartbeat.messages"], 0.0);
  EXPECT_EQ(f["heartbeat.reliability_mean"], std::nullopt);
}

// Eager sets are read every poll: a set that changes and changes back
// between two reads is no change; one that changes stays changed.
TEST(FiguresTest, EagerSetsAreReadAsTheRecorderPollsThem) {
  ClusterRecord r = Small();
  const int h = 0;
  for (int k = 0; k < 6; ++k) {
    r.originations.push_back({10'000'000 + k * 5'000'000, 0, h, absl::StrCat("k", k)});
  }
  r.peer_sets.push_back({0, 1, 0, true, {2}});         // the first set: a change at 0
  r.peer_sets.push_back({2'010'000, 1, 0, true, {}});  // and back within 100 ms: none
  r.peer_sets.push_back({2'050'000, 1, 0, true, {2}});
  r.peer_sets.push_back({8'000'000, 2, 0, true, {1}});  // the last change: 8.0 s
  FigureSettings s;
  auto f = ByName(ComputeFigures(r, s));
  EXPECT_EQ(f["heartbeat.tree_stable_share"], 1.0);
  EXPECT_EQ(f["heartbeat.tree_stable_max_s"], 8.0);
  s.poll_us = 10'000;  // read often enough to see the flip
  r.peer_sets.push_back({12'000'000, 1, 0, true, {}});
  f = ByName(ComputeFigures(r, s));
  EXPECT_EQ(f["heartbeat.tree_stable_max_s"], 12.0);
}

}  // namespace
}  // namespace plumsim
