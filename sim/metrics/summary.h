// Turns a finished run's metrics into numbers people read: the summary
// table, metrics.json, messages.csv, timeseries.csv, and the verdicts of the
// scenario's expectations. docs/metrics.md defines every figure.
#ifndef PLUMSIM_SIM_METRICS_SUMMARY_H_
#define PLUMSIM_SIM_METRICS_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/metrics/metrics.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run_counters.h"

namespace plumsim {

struct MetricsSummary {
  int64_t messages = 0;          // settled messages
  double reliability_min = 1.0;  // over settled messages (1 if none)
  double rmr_mean = 0;           // over settled messages with a defined RMR
  double rmr_max = 0;
  int64_t ldh_max = 0;
  int64_t latency_ns_max = 0;
  std::optional<SimTime> converged_at;  // strict: every root's, the latest
  // Over roots: strict, tree-stable and RMR-settled times (docs/metrics.md).
  ConvergenceReport convergence;
  int64_t payload_messages = 0;  // payload copies received, whole run
  int64_t control_messages = 0;  // prune + i_have + ignored_i_have + graft received
  int64_t redelivered = 0;       // settled messages delivered again by a restarted node
};

// `handler`: nullopt for every handler.
MetricsSummary Summarize(const MetricsCollector& metrics, std::optional<HandlerId> handler);

struct ExpectationResult {
  std::string description;  // "reliability_min >= 1 (heartbeat, after 20s)"
  bool passed = false;
  std::string measured;  // "0.875 (n3's message {n3,1,4} at 40s)"
  int line = 0;
};

std::vector<ExpectationResult> CheckExpectations(const Scenario& scenario,
                                                 const MetricsCollector& metrics,
                                                 const std::vector<TreeShape>& final_trees);

std::string SummaryTable(const Scenario& scenario, const MetricsCollector& metrics,
                         const std::vector<TreeShape>& final_trees,
                         const std::vector<ExpectationResult>& expectations);

// `stats` (may be null) adds the run's "network" counters: drops by
// reason and, over tcp, connections and held messages.
std::string MetricsJson(const Scenario& scenario, const MetricsCollector& metrics,
                        const std::vector<TreeShape>& final_trees,
                        const RunCounters* stats = nullptr);
std::string MessagesCsv(const Scenario& scenario, const MetricsCollector& metrics);
std::string TimeseriesCsv(const Scenario& scenario, const MetricsCollector& metrics);

// A few lines of human summary of a run's counters: messages by type,
// drops by reason, connections, broadcasts, node events.
std::string CountersText(const RunCounters& counters);

const char* HandlerName(HandlerId handler);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_SUMMARY_H_
