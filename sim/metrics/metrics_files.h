// The metrics files of a run folder (docs/output-formats.md): metrics.json
// (summary, network, processes, every message, every root's final tree),
// messages.csv (one row per broadcast message) and timeseries.csv (one row
// per metrics window).
#ifndef PLUMSIM_SIM_METRICS_METRICS_FILES_H_
#define PLUMSIM_SIM_METRICS_METRICS_FILES_H_

#include <string>
#include <vector>

#include "sim/metrics/metrics.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run_counters.h"

namespace plumsim {

// `stats` (may be null) adds the run's "network" counters: drops by
// reason and, over tcp, connections and held messages.
std::string MetricsJson(const Scenario& scenario, const MetricsCollector& metrics,
                        const std::vector<TreeShape>& final_trees,
                        const RunCounters* stats = nullptr);
std::string MessagesCsv(const Scenario& scenario, const MetricsCollector& metrics);
std::string TimeseriesCsv(const Scenario& scenario, const MetricsCollector& metrics);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_METRICS_FILES_H_
