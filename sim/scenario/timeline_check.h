// Timeline events that cannot apply, found before the run: crashing a node
// that has not started or joined, that is already crashed or has left;
// restarting a node that is running, has not joined or has left; leaving
// twice. Node states are followed in time order over ranges of ids, so a
// 10-million-node "all" costs one range. Where only the run can know (nodes
// under [[churn]] after its start, starts spread by start_jitter), the
// simulation reports what it skipped instead (SimObserver::OnSkipped).
#ifndef PLUMSIM_SIM_SCENARIO_TIMELINE_CHECK_H_
#define PLUMSIM_SIM_SCENARIO_TIMELINE_CHECK_H_

#include "sim/scenario/reader.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

// Records an error at each event that cannot apply.
void CheckTimeline(const Scenario& scenario, ScenarioReader* reader);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_SCENARIO_TIMELINE_CHECK_H_
