#include "sim/metrics/overlay_views.h"

#include <algorithm>

namespace plumsim {
namespace {

bool Lists(const Simulation& sim, NodeId holder, NodeId peer) {
  const PeerSet& active = sim.node(holder).hyparview()->active();
  // Ordered by listen address, not id (node_order.h): search it all.
  return std::find(active.begin(), active.end(), peer) != active.end();
}

}  // namespace

OverlayViews ReadOverlayViews(const Simulation& sim) {
  OverlayViews out;
  out.hyparview = sim.hyparview();
  if (!out.hyparview) return out;
  const NodeId n_nodes = static_cast<NodeId>(sim.node_count());
  auto running = [&](NodeId n) {
    return n < n_nodes && sim.node(n).running() && sim.node(n).hyparview() != nullptr;
  };
  std::vector<bool> listed(n_nodes, false);
  for (NodeId holder = 0; holder < n_nodes; ++holder) {
    if (!running(holder)) continue;
    ++out.running;
    PeerSet peers = sim.node(holder).hyparview()->active();
    std::sort(peers.begin(), peers.end());
    for (NodeId peer : peers) {
      if (peer == holder || !running(peer)) continue;
      ++out.entries;
      listed[peer] = true;
      if (!Lists(sim, peer, holder)) out.one_way.emplace_back(holder, peer);
    }
  }
  for (NodeId n = 0; n < n_nodes; ++n) {
    if (running(n) && !listed[n]) out.unlisted.push_back(n);
  }
  return out;
}

}  // namespace plumsim
