// Properties over many seeds (not single runs):
//  - a stable scenario (quickstart: full membership, no faults, latencies
//    where two hops are always slower than one): for every seed, every root
//    converges, every root's tree spans the cluster at the end, and every
//    settled message from the convergence time on has reliability 1, RMR 0.
//  - the crash scenario: for every seed, every heartbeat sent after the
//    crash reaches every live node (reliability returns to, and stays at, 1)
//    and the trees span the survivors and the restarted nodes at the end.
#include <string>

#include "gtest/gtest.h"
#include "sim/metrics/metrics.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/scenario/scenario.h"
#include "sim/world/node_host.h"
#include "sim/world/simulation.h"

namespace plumsim {
namespace {

struct SeededRun {
  SeededRun(const std::string& file, uint64_t seed, std::vector<std::string> sets = {}) {
    sets.push_back("seed=" + std::to_string(seed));
    absl::StatusOr<Scenario> s = LoadScenario("scenarios/" + file, sets);
    EXPECT_TRUE(s.ok()) << s.status();
    scenario = *s;
    sim = std::make_unique<Simulation>(scenario, &observers);
    metrics = std::make_unique<MetricsCollector>(sim.get(), scenario.metrics_window);
    observers.Add(metrics.get());
    sim->Run();
    metrics->Finish(sim->now(), scenario.settle);
  }
  Scenario scenario;
  ObserverList observers;
  std::unique_ptr<Simulation> sim;
  std::unique_ptr<MetricsCollector> metrics;
};

TEST(PropertyTest, StableScenarioConvergesForEverySeed) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SeededRun run("quickstart.toml", seed, {"duration=\"40s\""});
    const auto roots = run.metrics->Convergence(kHeartbeatHandler);
    const std::optional<SimTime> overall = MetricsCollector::Overall(roots);
    ASSERT_TRUE(overall.has_value()) << "seed " << seed;
    for (const MessageMetrics& m : run.metrics->messages()) {
      if (!m.settled || m.sent_at < *overall) continue;
      EXPECT_EQ(m.reliability(), 1.0) << "seed " << seed;
      EXPECT_EQ(m.rmr().value_or(0), 0.0) << "seed " << seed;
    }
    for (NodeId root = 0; root < run.sim->node_count(); ++root) {
      EXPECT_TRUE(AnalyzeTree(*run.sim, root).spanning) << "seed " << seed << " root n" << root;
    }
  }
}

TEST(PropertyTest, ReliabilityReturnsToOneAfterACrash) {
  int64_t repaired = 0;  // messages delivered over more than one hop while nodes were down
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SeededRun run("crash_restart.toml", seed,
                  {"duration=\"90s\"", "nodes.count=8", "events.0.nodes=\"n2, n5\"",
                   "events.1.nodes=\"n2, n5\"", "snapshots.roots=\"n0\""});
    const SimTime crash = SimTime::Zero() + SimDuration::Seconds(35);
    const SimTime restart = SimTime::Zero() + SimDuration::Seconds(75);
    for (const MessageMetrics& m : run.metrics->messages()) {
      if (!m.settled || m.sent_at < crash) continue;
      EXPECT_EQ(m.reliability(), 1.0) << "seed " << seed << " " << DebugString(m.id);
      if (m.sent_at < restart && m.ldh > 1) ++repaired;
    }
    for (NodeId root = 0; root < run.sim->node_count(); ++root) {
      EXPECT_TRUE(AnalyzeTree(*run.sim, root).spanning) << "seed " << seed << " root n" << root;
    }
  }
  EXPECT_GT(repaired, 0);
}

}  // namespace
}  // namespace plumsim
