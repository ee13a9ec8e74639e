// Checks on the HyParView overlay of a simulation (tests only).
#ifndef PLUMSIM_TESTS_OVERLAY_H_
#define PLUMSIM_TESTS_OVERLAY_H_

#include <string>
#include <vector>

#include "protocol/ordset.h"
#include "sim/scenario/scenario.h"
#include "sim/world/simulation.h"

namespace plumsim {

struct OverlayReport {
  int64_t running = 0;
  int64_t asymmetric = 0;  // x has y active but y lacks x
  int64_t min_active = 0;  // smallest active view, self included
  int64_t max_active = 0;
  bool connected = false;  // the running nodes' active graph
  std::string ToString() const;
};

OverlayReport InspectOverlay(const Simulation& sim);

// HyParView overlays: `nodes` nodes 50 ms apart, latency uniform 2-8 ms,
// heartbeats off, 10 minutes; `extra` TOML appended, `sets` applied.
Scenario OverlayScenario(int64_t nodes, const std::string& extra = "",
                         const std::vector<std::string>& sets = {});

// The HyParView partition experiment (tests/hyparview_sim_test,
// tests/partition_study): 200 nodes 50 ms apart, latency uniform 2-8 ms,
// heartbeats off, n0..n99 and n100..n199 split at 60 s for `partition_s`,
// over `transport`, for `duration_s`.
Scenario PartitionOverlay(int seed, int64_t partition_s, const std::string& transport,
                          int64_t duration_s);
// Active-view links between those two halves.
int64_t CrossLinks(const Simulation& sim);

}  // namespace plumsim

#endif  // PLUMSIM_TESTS_OVERLAY_H_
