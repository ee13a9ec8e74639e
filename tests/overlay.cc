#include "tests/overlay.h"

#include <deque>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/check.h"
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

Scenario OverlayScenario(int64_t nodes, const std::string& extra,
                         const std::vector<std::string>& sets) {
  absl::StatusOr<Scenario> s = ParseScenario(absl::StrCat(R"(
name = "overlay"
duration = "10m"
[nodes]
count = )",
                                                          nodes, R"(
start_interval = "50ms"
[membership]
kind = "hyparview"
[heartbeat]
broadcast = false
[network]
latency = { kind = "uniform", min = "2ms", max = "8ms" }
)",
                                                          extra),
                                             "overlay.toml", sets);
  PLUMSIM_CHECK_MSG(s.ok(), std::string(s.status().message()).c_str());
  return *s;
}

Scenario PartitionOverlay(int seed, int64_t partition_s, const std::string& transport,
                          int64_t duration_s) {
  return OverlayScenario(
      200,
      absl::StrCat(R"(
[[events]]
at = "60s"
kind = "partition"
groups = ["n0..n99", "n100..n199"]
[[events]]
at = ")",
                   60 + partition_s, R"(s"
kind = "heal"
)"),
      {absl::StrCat("seed=", seed), absl::StrCat("duration=\"", duration_s, "s\""),
       absl::StrCat("network.transport=\"", transport, "\"")});
}

int64_t CrossLinks(const Simulation& sim) {
  int64_t cross = 0;
  for (NodeId x = 0; x < 200; ++x) {
    if (sim.node(x).hyparview() == nullptr) continue;
    for (NodeId y : sim.node(x).hyparview()->active()) cross += (x < 100) != (y < 100);
  }
  return cross;
}

}  // namespace plumsim
