#include "sim/runtime/full_membership_connector.h"

#include <algorithm>

namespace plumsim {

FullMembershipConnector::FullMembershipConnector(EventLoop* sim, const Network* network,
                                                 TcpConnections* connections,
                                                 const PartisanRuntimeConfig& runtime,
                                                 const PeerSet* members, ProcessStats* stats)
    : sim_(sim),
      network_(network),
      connections_(connections),
      runtime_(runtime),
      members_(members),
      stats_(stats) {}

const std::vector<NodeId>& FullMembershipConnector::pending(NodeId node) const {
  static const std::vector<NodeId>* const kNone = new std::vector<NodeId>();
  return node < managers_.size() ? managers_[node].pending : *kNone;
}

void FullMembershipConnector::OnStart(NodeId node) {
  if (managers_.size() <= node) managers_.resize(node + 1);
  managers_[node] = Manager{next_incarnation_++, sim_->now(), {}};
  for (NodeId m : *members_) {
    if (m == node || !network_->IsUp(m)) continue;
    // {connected, ...} takes the node out of m's Pending (~line 1553).
    if (connections_->Connect(m, node).opened > 0 && m < managers_.size()) {
      std::vector<NodeId>& pending = managers_[m].pending;
      auto it = std::find(pending.begin(), pending.end(), node);
      if (it != pending.end()) pending.erase(it);
    }
  }
  // internal_join/3: avoid_rush/0, then establish_connections/1. init/1
  // arms schedule_connections/0 and schedule_periodic/0.
  Schedule(node, Round::kJoin, runtime_.connection_jitter);
  Schedule(node, Round::kConnections, runtime_.connection_interval);
  Schedule(node, Round::kPeriodic, runtime_.periodic_interval);
}

void FullMembershipConnector::OnStop(NodeId node) {
  if (node < managers_.size()) managers_[node] = Manager{};
}

void FullMembershipConnector::OnConnectionExit(NodeId holder, NodeId peer) {
  if (holder >= managers_.size() || managers_[holder].incarnation == 0) return;
  // maybe_append_pending/2: only a member, only when no connection is left.
  if (!ordsets::IsElement(peer, *members_) || connections_->IsOpen(holder, peer)) return;
  managers_[holder].pending.push_back(peer);
}

void FullMembershipConnector::Schedule(NodeId node, Round round, SimDuration after) {
  const uint64_t incarnation = managers_[node].incarnation;
  sim_->ScheduleCallback(after,
                         [this, node, incarnation, round] { Run(node, incarnation, round); });
}

void FullMembershipConnector::Run(NodeId node, uint64_t incarnation, Round round) {
  if (!Current(node, incarnation)) return;
  Manager& manager = managers_[node];
  if (manager.busy_until > sim_->now()) {
    // The manager is still blocked in a connect: the message waits.
    sim_->ScheduleCallbackAt(manager.busy_until,
                             [this, node, incarnation, round] { Run(node, incarnation, round); });
    return;
  }
  const SimDuration blocked = Establish(node, sim_->now());
  manager.busy_until = sim_->now() + blocked;
  if (stats_ != nullptr) stats_->CountBlocked(ProcessKind::kPeerService, blocked);
  // The ticks re-arm themselves last.
  if (round == Round::kConnections) {
    Schedule(node, round, blocked + runtime_.connection_interval);
  } else if (round == Round::kPeriodic) {
    Schedule(node, round, blocked + runtime_.periodic_interval);
  }
}

SimDuration FullMembershipConnector::Establish(NodeId node, SimTime at) {
  Manager& manager = managers_[node];
  if (manager.pending.empty() && connections_->CompletePeers(node) + 1 >= members_->size()) {
    return SimDuration::Zero();  // every channel to every member: nothing to try
  }
  std::vector<NodeId> specs(members_->begin(), members_->end());  // Members ++ Pending
  specs.insert(specs.end(), manager.pending.begin(), manager.pending.end());
  SimDuration blocked = SimDuration::Zero();
  for (NodeId m : specs) {
    if (m == node) continue;
    // connect/2 for each: maybe_connect/3,4 opens what the pair lacks, each
    // connect waiting for the one before it.
    const TcpConnections::ConnectResult r = connections_->Connect(node, m, at + blocked);
    blocked = blocked + r.blocked;
    connect_attempts_ += r.attempts;
    // {connected, ...} once per connection: Pending0 -- [NodeSpec].
    for (int i = 0; i < r.opened; ++i) {
      auto it = std::find(manager.pending.begin(), manager.pending.end(), m);
      if (it != manager.pending.end()) manager.pending.erase(it);
    }
  }
  return blocked;
}

}  // namespace plumsim
