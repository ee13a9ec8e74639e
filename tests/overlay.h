// Checks on the HyParView overlay of a simulation (tests only).
#ifndef PLUMSIM_TESTS_OVERLAY_H_
#define PLUMSIM_TESTS_OVERLAY_H_

#include <string>

#include "protocol/ordset.h"
#include "sim/simulation.h"

namespace plumsim {

struct OverlayReport {
  int64_t running = 0;
  int64_t asymmetric = 0;   // x has y active but y lacks x
  int64_t min_active = 0;   // smallest active view, self included
  int64_t max_active = 0;
  bool connected = false;   // the running nodes' active graph
  std::string ToString() const;
};

OverlayReport InspectOverlay(const Simulation& sim);

}  // namespace plumsim

#endif  // PLUMSIM_TESTS_OVERLAY_H_
