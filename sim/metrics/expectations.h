// The verdicts of a scenario's [[expect]] entries (docs/scenario-format.md):
// each checked against the run's metrics and final trees, with what was
// measured, so that a failure says which message, root or connection broke
// it.
#ifndef PLUMSIM_SIM_METRICS_EXPECTATIONS_H_
#define PLUMSIM_SIM_METRICS_EXPECTATIONS_H_

#include <string>
#include <vector>

#include "sim/metrics/metrics.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

struct ExpectationResult {
  std::string description;  // "reliability_min >= 1 (heartbeat, after 20s)"
  bool passed = false;
  std::string measured;  // "0.875 (n3's message {n3,1,4} at 40s)"
  int line = 0;
};

// One verdict per expectation of `scenario`, in file order.
std::vector<ExpectationResult> CheckExpectations(const Scenario& scenario,
                                                 const MetricsCollector& metrics,
                                                 const std::vector<TreeShape>& final_trees);

// The verdicts as the run summary prints them ("expectations: 2 passed, 1
// failed" and one entry per expectation with its file:line); "" if none.
std::string ExpectationsText(const Scenario& scenario,
                             const std::vector<ExpectationResult>& expectations);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_EXPECTATIONS_H_
