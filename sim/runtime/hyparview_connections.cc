#include "sim/runtime/hyparview_connections.h"

#include <algorithm>

namespace plumsim {

HyParViewConnections::Peers& HyParViewConnections::Of(NodeId node) {
  if (out_.size() <= node) out_.resize(node + 1);
  return out_[node];
}

void HyParViewConnections::Connect(NodeId from, NodeId to) {
  if (!network_->IsConnected(from, to)) return;
  auto& peers = Of(from).sorted;
  auto it = std::lower_bound(peers.begin(), peers.end(), to);
  if (it == peers.end() || *it != to) peers.insert(it, to);
}

void HyParViewConnections::Disconnect(NodeId from, NodeId to) {
  auto& peers = Of(from).sorted;
  auto it = std::lower_bound(peers.begin(), peers.end(), to);
  if (it != peers.end() && *it == to) peers.erase(it);
}

bool HyParViewConnections::IsConnected(NodeId from, NodeId to) const {
  if (from >= out_.size()) return false;
  const auto& peers = out_[from].sorted;
  return std::find(peers.begin(), peers.end(), to) != peers.end() &&
         network_->IsConnected(from, to);
}

PeerSet HyParViewConnections::ConnectedPeers(NodeId from) const {
  PeerSet out;
  if (from >= out_.size()) return out;
  for (NodeId to : out_[from].sorted) {
    if (network_->IsConnected(from, to)) out.push_back(to);
  }
  return out;
}

void HyParViewConnections::Clear(NodeId node) { Of(node).sorted.clear(); }

std::vector<std::pair<NodeId, NodeId>> HyParViewConnections::Prune() {
  std::vector<std::pair<NodeId, NodeId>> dead;
  for (NodeId from = 0; from < out_.size(); ++from) {
    auto& peers = out_[from].sorted;
    const auto live = std::remove_if(peers.begin(), peers.end(), [&](NodeId to) {
      if (network_->IsConnected(from, to)) return false;
      dead.emplace_back(from, to);
      return true;
    });
    peers.erase(live, peers.end());
  }
  return dead;
}

}  // namespace plumsim
