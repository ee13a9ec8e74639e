// HyParView in the simulator: bootstrap, massive failure, partition and
// heal, over the real network model.
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/metrics/metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run_counters.h"
#include "sim/world/simulation.h"
#include "tests/overlay.h"

namespace plumsim {
namespace {

Scenario Overlay(int64_t nodes, const std::string& extra = "",
                 const std::vector<std::string>& sets = {}) {
  return OverlayScenario(nodes, extra, sets);
}

SimTime At(int64_t seconds) { return SimTime::Zero() + SimDuration::Seconds(seconds); }

// Runs second by second from `from` to `to` (inclusive) and returns the
// first second at which `holds(report)`, or -1.
int64_t FirstSecondWhen(Simulation& sim, int64_t from, int64_t to,
                        const std::function<bool(const OverlayReport&)>& holds) {
  for (int64_t t = from; t <= to; ++t) {
    sim.RunUntil(At(t));
    if (holds(InspectOverlay(sim))) return t;
  }
  return -1;
}

void ExpectHealthyOverlay(const OverlayReport& r, int64_t running) {
  EXPECT_EQ(r.running, running);
  EXPECT_EQ(r.asymmetric, 0);
  // Partisan's sizes count the node itself: active_min_size 3, max 6.
  EXPECT_GE(r.min_active, 3);
  EXPECT_LE(r.max_active, 6);
  EXPECT_TRUE(r.connected);
}

// Each node joins a random earlier one (n0 alone first); after quiescence
// every active view is symmetric, within [min, max], and the overlay is
// connected.
TEST(HyParViewSimTest, Bootstrap100) {
  Simulation sim(Overlay(100), nullptr);
  sim.RunUntil(At(60));
  const OverlayReport r = InspectOverlay(sim);
  std::printf("bootstrap 100 at 60s: %s\n", r.ToString().c_str());
  ExpectHealthyOverlay(r, 100);
}

// Nodes start 50 ms apart, so the last one joins at 49.95 s. Measured (seed
// 1): the overlay is connected and symmetric with every view within
// [min, max] at 53 s, 3 s after the last join; asserted: by 60 s.
TEST(HyParViewSimTest, Bootstrap1000) {
  Simulation sim(Overlay(1000), nullptr);
  const int64_t healthy_at = FirstSecondWhen(sim, 50, 60, [](const OverlayReport& r) {
    return r.running == 1000 && r.connected && r.asymmetric == 0 && r.min_active >= 3;
  });
  std::printf("bootstrap 1000: connected, symmetric, sizes in [3, 6] at %llds\n",
              static_cast<long long>(healthy_at));
  EXPECT_GT(healthy_at, 0);
  sim.RunUntil(At(120));
  const OverlayReport r = InspectOverlay(sim);
  std::printf("bootstrap 1000 at 120s: %s\n", r.ToString().c_str());
  ExpectHealthyOverlay(r, 1000);
}

// Half of 1000 nodes crash at once. Measured: the survivors' active graph is
// connected again 5 s later (seed 1); asserted: within 10 s. Heartbeats sent
// once the overlay has healed reach every live node.
TEST(HyParViewSimTest, HalfOfAThousandCrash) {
  Scenario s = Overlay(1000, R"(
[[events]]
at = "60s"
kind = "crash"
nodes = "n500..n999"
)",
                       {"heartbeat.broadcast=true", "duration=\"110s\""});
  ObserverList observers;
  Simulation sim(s, &observers);
  MetricsCollector metrics(&sim, s.metrics_window);
  observers.Add(&metrics);
  sim.RunUntil(At(60));
  const int64_t healed_at =
      FirstSecondWhen(sim, 61, 70, [](const OverlayReport& r) { return r.connected; });
  std::printf("crash 50%% of 1000 at 60s: connected again at %llds\n",
              static_cast<long long>(healed_at));
  ASSERT_GT(healed_at, 0) << InspectOverlay(sim).ToString();
  sim.Run();
  metrics.Finish(sim.now(), s.settle);
  ExpectHealthyOverlay(InspectOverlay(sim), 500);
  int64_t checked = 0;
  for (const MessageMetrics& m : metrics.messages()) {
    if (!m.settled || m.sent_at < At(healed_at + 10)) continue;
    ++checked;
    EXPECT_EQ(m.reliability(), 1.0) << DebugString(m.id);
  }
  EXPECT_GT(checked, 500);
}

// A 50/50 partition of 200 nodes. Over datagrams every cross connection
// dies the instant the cut starts: 'EXIT' removes those peers from both
// views, and each half fills its active views from inside. After the heal,
// nothing in Partisan's HyParView reaches across again unless a node
// happens to promote a passive peer from the other side: random promotion
// only fires below active_min_size, and shuffles walk active views, which
// stay inside each half. Over seeds 1..10 (tests/partition_study), a 60 s
// partition left 7 runs as two overlays for good; pinned here: seed 5
// rejoins, seed 1 does not.
//
// Over tcp (Partisan's runtime) a connection dies only by the ping rule,
// 50-70 s into the cut (partisan_peer_service_client, connection_ping):
// a 30 s partition kills none, what was sent across is delivered after
// the heal; a 300 s one kills them all.
Scenario PartitionScenario(int seed, int64_t partition_s, const char* transport) {
  return PartitionOverlay(seed, partition_s, transport, 600);
}

TEST(HyParViewSimTest, DatagramPartitionHealRejoinsWhenAPromotionCrossesOver) {
  Simulation sim(PartitionScenario(5, 60, "datagram"), nullptr);
  sim.RunUntil(At(119));
  EXPECT_EQ(CrossLinks(sim), 0);
  const int64_t joined_at =
      FirstSecondWhen(sim, 121, 150, [](const OverlayReport& r) { return r.connected; });
  std::printf("datagram partition 60..120s, seed 5: one overlay again at %llds\n",
              static_cast<long long>(joined_at));
  EXPECT_GT(joined_at, 0);
  sim.RunUntil(At(200));
  ExpectHealthyOverlay(InspectOverlay(sim), 200);
}

TEST(HyParViewSimTest, DatagramPartitionHealCanLeaveTwoOverlaysForever) {
  Simulation sim(PartitionScenario(1, 60, "datagram"), nullptr);
  sim.RunUntil(At(119));
  EXPECT_EQ(CrossLinks(sim), 0);
  sim.RunUntil(At(600));
  EXPECT_EQ(CrossLinks(sim), 0);
  const OverlayReport r = InspectOverlay(sim);
  EXPECT_FALSE(r.connected);
  EXPECT_EQ(r.asymmetric, 0);
  EXPECT_GE(r.min_active, 3);
  EXPECT_LE(r.max_active, 6);
}

TEST(HyParViewSimTest, TcpPartitionShorterThanThePingRuleKeepsTheCrossLinks) {
  RunCounters stats;
  Simulation sim(PartitionScenario(1, 30, "tcp"), &stats);
  sim.RunUntil(At(59));
  const int64_t before = CrossLinks(sim);
  sim.RunUntil(At(89));
  // Only connections whose last pong came just after the previous ping
  // round can time out within 30 s: hardly any.
  EXPECT_LE(stats.connections_closed[static_cast<int>(CloseReason::kPingTimeout)], 4u);
  EXPECT_GE(CrossLinks(sim), before - 8);
  sim.RunUntil(At(150));
  EXPECT_GT(stats.released, 0u);
  const OverlayReport r = InspectOverlay(sim);
  EXPECT_TRUE(r.connected) << r.ToString();
  EXPECT_GE(r.min_active, 3);
  // A connection the ping rule closed leaves its peer's view holding the
  // closer: 'EXIT' is not told to the other side.
  EXPECT_LE(
      r.asymmetric,
      static_cast<int64_t>(stats.connections_closed[static_cast<int>(CloseReason::kPingTimeout)]));
}

TEST(HyParViewSimTest, TcpPartitionLongerThanThePingRuleClosesEveryCrossLink) {
  RunCounters stats;
  Simulation sim(PartitionScenario(1, 300, "tcp"), &stats);
  sim.RunUntil(At(109));  // 49 s into the cut: nothing closed yet
  EXPECT_EQ(stats.connections_closed[static_cast<int>(CloseReason::kPingTimeout)], 0u);
  EXPECT_GT(CrossLinks(sim), 0);
  sim.RunUntil(At(131));  // 71 s: every cross connection is closed
  EXPECT_EQ(CrossLinks(sim), 0);
  EXPECT_GT(stats.connections_closed[static_cast<int>(CloseReason::kPingTimeout)], 300u);
  // The halves stay apart (tests/partition_study: 10 of 10 seeds).
  sim.RunUntil(At(600));
  EXPECT_FALSE(InspectOverlay(sim).connected);
}

// Epochs (partisan_hyparview_peer_service_manager:init/1, Epoch + 1 with
// Epoch from maybe_load_epoch_from_disk/0): without a data dir every
// incarnation is epoch 1, so a restarted node's disconnect ids start again
// at {1, 1} and a peer that recorded {1, k} from the old incarnation
// finds them not valid (is_valid_disconnect/3): it keeps the node in its
// active view although the node dropped it. Churn makes such views
// asymmetric; a persisted epoch does not.
Scenario ChurnOverlay(int seed, bool persist_epoch) {
  return Overlay(40, R"(
[[churn]]
start = "30s"
end = "200s"
nodes = "n1..n39"
mean_time_between_crashes = "2s"
downtime = "5s"
)",
                 {"seed=" + std::to_string(seed), "duration=\"300s\"",
                  absl::StrCat("partisan.persist_epoch=", persist_epoch ? "true" : "false")});
}

TEST(HyParViewSimTest, EpochOneForEveryIncarnationByDefaultStoredPlusOneWhenPersisted) {
  Scenario s = Overlay(4, R"(
[[events]]
at = "10s"
kind = "crash"
nodes = "n2"
[[events]]
at = "12s"
kind = "restart"
nodes = "n2"
)");
  Simulation sim(s, nullptr);
  sim.RunUntil(At(5));
  EXPECT_EQ(sim.node(2).hyparview()->epoch(), 1);
  sim.RunUntil(At(13));
  EXPECT_EQ(sim.node(2).hyparview()->epoch(), 1);
  s.partisan.persist_epoch = true;
  Simulation persisted(s, nullptr);
  // With a data dir: the stored epoch plus one (init/1 ~line 759,
  // maybe_load_epoch_from_disk/0): 1 for the first incarnation (no file
  // yet), 2 after the restart.
  persisted.RunUntil(At(5));
  EXPECT_EQ(persisted.node(2).hyparview()->epoch(), 1);
  EXPECT_EQ(persisted.node(3).hyparview()->epoch(), 1);
  persisted.RunUntil(At(13));
  EXPECT_EQ(persisted.node(2).hyparview()->epoch(), 2);
  EXPECT_EQ(persisted.node(3).hyparview()->epoch(), 1);
}

// Churn with epoch 1 or persisted epochs: every overlay stays one, and the
// asymmetric active-view entries are counted for docs/runtime-model.md
// (since keepalive pings are packets: 17 with epoch 1 against 18 persisted
// over seeds 1-5; before, 27 against 16).
TEST(HyParViewSimTest, ChurnKeepsTheOverlayOneWithEitherEpoch) {
  int64_t asymmetric_epoch_one = 0, asymmetric_persisted = 0;
  for (int seed = 1; seed <= 5; ++seed) {
    for (bool persist : {false, true}) {
      Simulation sim(ChurnOverlay(seed, persist), nullptr);
      sim.RunUntil(At(300));
      const OverlayReport r = InspectOverlay(sim);
      std::printf("churn seed %d persist_epoch=%d: %s\n", seed, persist, r.ToString().c_str());
      EXPECT_TRUE(r.connected) << "seed " << seed << " persist " << persist;
      (persist ? asymmetric_persisted : asymmetric_epoch_one) += r.asymmetric;
    }
  }
  std::printf("asymmetric entries: epoch 1 %lld, persisted %lld\n",
              static_cast<long long>(asymmetric_epoch_one),
              static_cast<long long>(asymmetric_persisted));
}

}  // namespace
}  // namespace plumsim
