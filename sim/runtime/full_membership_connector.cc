#include "sim/runtime/full_membership_connector.h"

namespace plumsim {

FullMembershipConnector::FullMembershipConnector(EventLoop* sim, const Network* network,
                                                 TcpConnections* connections,
                                                 const PartisanRuntimeConfig& runtime,
                                                 const PeerSet* members)
    : sim_(sim),
      network_(network),
      connections_(connections),
      runtime_(runtime),
      members_(members) {}

void FullMembershipConnector::OnStart(NodeId node) {
  if (incarnation_.size() <= node) incarnation_.resize(node + 1, 0);
  const uint64_t incarnation = next_incarnation_++;
  incarnation_[node] = incarnation;
  for (NodeId m : *members_) {
    if (m == node || !network_->IsUp(m)) continue;
    connections_->Connect(node, m);
    connections_->Connect(m, node);
  }
  // init/1 calls schedule_connections/0.
  sim_->ScheduleCallback(runtime_.connection_interval,
                         [this, node, incarnation] { Tick(node, incarnation); });
}

void FullMembershipConnector::OnStop(NodeId node) {
  if (node < incarnation_.size()) incarnation_[node] = 0;
}

// handle_info(connections, _): establish_connections/1, then
// schedule_connections/0.
void FullMembershipConnector::Tick(NodeId node, uint64_t incarnation) {
  if (node >= incarnation_.size() || incarnation_[node] != incarnation) return;
  SimDuration blocked = SimDuration::Zero();
  if (connections_->OpenPeers(node).size() + 1 < members_->size()) {
    for (NodeId m : *members_) {
      if (m == node || connections_->IsOpen(node, m)) continue;
      // Each connect waits for the one before it (establish_connections/1
      // folds over the members).
      blocked = blocked + connections_->Connect(node, m, sim_->now() + blocked).blocked;
    }
  }
  sim_->ScheduleCallback(blocked + runtime_.connection_interval,
                         [this, node, incarnation] { Tick(node, incarnation); });
}

}  // namespace plumsim
