// Shrinking a finding (docs/explore.md): the smallest scenario found that
// still breaks the same invariant in the same class, by delta debugging
// over the faults (Zeller's ddmin: drop halves, then quarters, ...), then
// fewer nodes, a shorter run, and a constant latency. Deterministic: every
// candidate is one run of a scenario read back from its own text, so the
// result is exactly what `plumsim run` of the finding file does.
#ifndef PLUMSIM_SIM_EXPLORE_SHRINK_H_
#define PLUMSIM_SIM_EXPLORE_SHRINK_H_

#include <functional>
#include <string>
#include <vector>

#include "sim/explore/fault_kinds.h"
#include "sim/kernel/time.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

// Does this base scenario with these faults break the target? (One run.)
using FindingTest = std::function<bool(const Scenario& base, const std::vector<Fault>& faults)>;

// ddmin: a 1-minimal subset of `faults` for which `test` still holds
// (`test(faults)` must hold). Order is kept.
std::vector<Fault> MinimizeFaults(const Scenario& base, std::vector<Fault> faults,
                                  const FindingTest& test);

struct ShrinkResult {
  Scenario base;              // nodes, duration and latency reduced
  std::vector<Fault> faults;  // the faults kept
  int runs = 0;               // candidate runs tried
};

// Every step above, each kept only if `test` still holds: (1) ddmin over
// the faults; (2) the victims renumbered to the lowest ids, then the nodes
// above the highest victim dropped; (3) the run cut to the last fault's
// end plus `quiet`; (4) a constant latency.
ShrinkResult Shrink(const Scenario& base, const std::vector<Fault>& faults, SimDuration quiet,
                    const FindingTest& test);

// Renumbers joined nodes to follow the base's `node_count` (after nodes
// were dropped), in time order.
std::vector<Fault> RenumberJoins(const Scenario& base, std::vector<Fault> faults);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_SHRINK_H_
