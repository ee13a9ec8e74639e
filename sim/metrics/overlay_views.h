// HyParView's active views at an instant (the end of a run): who lists whom.
// A real Partisan cluster leaves one-way active views and nodes nobody lists
// after gray failures (a dead listener, a lost join: docs/runtime-model.md);
// the summary, the [[expect]] metrics unlisted_nodes and one_way_views and
// plumsim explore's protocol findings read them from here.
//
//   const OverlayViews v = ReadOverlayViews(simulation);
//   if (!v.unlisted.empty()) ... NodeName(v.unlisted[0]) ...
#ifndef PLUMSIM_SIM_METRICS_OVERLAY_VIEWS_H_
#define PLUMSIM_SIM_METRICS_OVERLAY_VIEWS_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/ordset.h"
#include "sim/world/simulation.h"

namespace plumsim {

struct OverlayViews {
  bool hyparview = false;  // false: full membership, nothing below applies
  int64_t running = 0;     // running nodes
  int64_t entries = 0;     // active-view entries between running nodes (self excluded)
  // Running nodes that no other running node has in its active view,
  // ascending.
  std::vector<NodeId> unlisted;
  // (holder, peer): holder lists peer, peer (running) does not list holder;
  // by holder, then peer.
  std::vector<std::pair<NodeId, NodeId>> one_way;
};

OverlayViews ReadOverlayViews(const Simulation& sim);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_OVERLAY_VIEWS_H_
