// Test support: runs small enough to count by hand (kFour: 4 nodes,
// constant 1 ms latency, full membership, timers that fire exactly their
// period after they are armed) with a MetricsCollector attached.
#ifndef PLUMSIM_SIM_METRICS_SMALL_RUN_TESTING_H_
#define PLUMSIM_SIM_METRICS_SMALL_RUN_TESTING_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/metrics/metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/world/observer.h"
#include "sim/world/simulation.h"

namespace plumsim {

inline constexpr char kFour[] = R"(
name = "four"
duration = "60s"
[nodes]
count = 4
[network]
latency = "1ms"
[processing]
timer_granularity = "1ns"  # no tick rounding and no dispatch delay: heartbeats
timer_dispatch = "0s"      # every 10 s exactly, so the tests count by hand
)";

// A run of `text` with a MetricsCollector observing it.
struct SmallRun {
  explicit SmallRun(const std::string& text, const std::vector<std::string>& sets = {}) {
    absl::StatusOr<Scenario> s = ParseScenario(text, "four.toml", sets);
    EXPECT_TRUE(s.ok()) << s.status();
    scenario = *s;
    sim = std::make_unique<Simulation>(scenario, &observers);
    metrics = std::make_unique<MetricsCollector>(sim.get(), scenario.metrics_window);
    observers.Add(metrics.get());
  }
  void To(int64_t seconds) { sim->RunUntil(SimTime::Zero() + SimDuration::Seconds(seconds)); }
  const MessageMetrics& Message(NodeId root, int64_t sequence) const {
    for (const MessageMetrics& m : metrics->messages()) {
      if (m.root == root && m.id.sequence == sequence) return m;
    }
    ADD_FAILURE() << "no message " << sequence << " of n" << root;
    return metrics->messages().front();
  }
  Scenario scenario;
  ObserverList observers;
  std::unique_ptr<Simulation> sim;
  std::unique_ptr<MetricsCollector> metrics;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_SMALL_RUN_TESTING_H_
