// The explorer's nemesis: random fault schedules added to a base scenario
// (docs/explore.md), as the `[explore]` section (sim/explore/nemesis_config.h)
// asks, of the kinds in the table (sim/explore/fault_kinds.h).
//
//   FaultSchedule schedule = MakeFaultSchedule(config, base, seed);
//   Scenario faulted = WithFaults(base, schedule.faults);
#ifndef PLUMSIM_SIM_EXPLORE_NEMESIS_H_
#define PLUMSIM_SIM_EXPLORE_NEMESIS_H_

#include <cstdint>
#include <vector>

#include "sim/explore/fault_kinds.h"
#include "sim/explore/nemesis_config.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

struct FaultSchedule {
  std::vector<FaultKind> enabled;  // this run's subset
  std::vector<Fault> faults;       // in time order
};

// The schedule of one run: deterministic in (config, base, seed). Faults
// fit in [start, duration - quiet]; faults of one exclusive group
// (partitions of either kind; loss spikes; latency spikes) do not overlap,
// since a heal ends every partition and a spike's end restores the base
// value; crash, leave and partition victims are running nodes no other
// fault holds.
FaultSchedule MakeFaultSchedule(const NemesisConfig& config, const Scenario& base, uint64_t seed);

// `base` with the faults' timeline events added (and joined nodes counted).
Scenario WithFaults(const Scenario& base, const std::vector<Fault>& faults);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_NEMESIS_H_
