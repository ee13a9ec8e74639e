#include "sim/runtime/hyparview_connections.h"

namespace plumsim {

PeerSet& HyParViewConnections::Of(NodeId node) {
  if (out_.size() <= node) out_.resize(node + 1);
  return out_[node];
}

void HyParViewConnections::Connect(NodeId from, NodeId to) {
  if (network_->IsConnected(from, to)) Of(from) = ordsets::AddElement(to, Of(from));
}

void HyParViewConnections::Disconnect(NodeId from, NodeId to) {
  Of(from) = ordsets::DelElement(to, Of(from));
}

bool HyParViewConnections::IsConnected(NodeId from, NodeId to) const {
  return from < out_.size() && ordsets::IsElement(to, out_[from]) &&
         network_->IsConnected(from, to);
}

PeerSet HyParViewConnections::ConnectedPeers(NodeId from) const {
  PeerSet out;
  if (from >= out_.size()) return out;
  for (NodeId to : out_[from]) {
    if (network_->IsConnected(from, to)) out.push_back(to);
  }
  return out;
}

void HyParViewConnections::Clear(NodeId node) { Of(node).clear(); }

std::vector<std::pair<NodeId, NodeId>> HyParViewConnections::Prune() {
  std::vector<std::pair<NodeId, NodeId>> dead;
  for (NodeId from = 0; from < out_.size(); ++from) {
    PeerSet& peers = out_[from];
    PeerSet kept;
    for (NodeId to : peers) {
      if (network_->IsConnected(from, to)) {
        kept.push_back(to);
      } else {
        dead.emplace_back(from, to);
      }
    }
    peers = std::move(kept);
  }
  return dead;
}

}  // namespace plumsim
