// What a run measured, as people read it: per handler the Plumtree paper's
// figures over settled messages (MetricsSummary), the text summary `plumsim
// run` prints, and the counters' lines. docs/metrics.md defines every
// figure; metrics.json and the CSVs are sim/metrics/metrics_files.h.
//
//   MetricsCollector metrics(&simulation, scenario);  // an observer of the run
//   ... run ...
//   MetricsSummary all = Summarize(metrics, std::nullopt);
//   std::vector<TreeShape> trees = AnalyzeTrees(simulation);
//   std::cout << SummaryTable(scenario, metrics, trees,
//                             CheckExpectations(scenario, metrics, trees));
#ifndef PLUMSIM_SIM_METRICS_SUMMARY_H_
#define PLUMSIM_SIM_METRICS_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/metrics/expectations.h"
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

// The metrics block of the run summary: a row per handler, convergence per
// root, trees at the end, re-deliveries, mailboxes and the expectations.
std::string SummaryTable(const Scenario& scenario, const MetricsCollector& metrics,
                         const std::vector<TreeShape>& final_trees,
                         const std::vector<ExpectationResult>& expectations);

// A few lines of human summary of a run's counters: messages by type,
// drops by reason, connections, broadcasts, node events.
std::string CountersText(const RunCounters& counters);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_SUMMARY_H_
