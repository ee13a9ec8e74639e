#include "tests/overlay.h"

#include <deque>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "protocol/hyparview.h"

namespace plumsim {

std::string OverlayReport::ToString() const {
  return absl::StrCat("running ", running, ", asymmetric ", asymmetric, ", active sizes [",
                      min_active, ", ", max_active, "], connected ", connected ? "yes" : "no");
}

OverlayReport InspectOverlay(const Simulation& sim) {
  OverlayReport r;
  const size_t n = sim.node_count();
  r.min_active = std::numeric_limits<int64_t>::max();
  NodeId first = 0;
  bool any = false;
  for (NodeId x = 0; x < n; ++x) {
    const HyParView* hv = sim.node(x).hyparview();
    if (hv == nullptr) continue;
    if (!any) first = x;
    any = true;
    ++r.running;
    const int64_t size = static_cast<int64_t>(hv->active().size());
    r.min_active = std::min(r.min_active, size);
    r.max_active = std::max(r.max_active, size);
    for (NodeId y : hv->active()) {
      if (y == x) continue;
      const HyParView* other = sim.node(y).hyparview();
      if (other == nullptr || !ordsets::IsElement(x, other->active(), sim.node(y).spec_order())) {
        ++r.asymmetric;
      }
    }
  }
  if (!any) return r;
  std::vector<bool> seen(n, false);
  std::deque<NodeId> queue = {first};
  seen[first] = true;
  int64_t reached = 0;
  while (!queue.empty()) {
    const NodeId x = queue.front();
    queue.pop_front();
    ++reached;
    for (NodeId y : sim.node(x).hyparview()->active()) {
      if (y < n && !seen[y] && sim.node(y).hyparview() != nullptr) {
        seen[y] = true;
        queue.push_back(y);
      }
    }
  }
  r.connected = reached == r.running;
  return r;
}

}  // namespace plumsim
