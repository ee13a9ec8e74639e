// The full-membership peer service's connection upkeep over tcp
// (partisan_pluggable_peer_service_manager, docs/runtime-model.md, "Who
// connects").
//
// establish_connections/1 (~lines 1640-1672) folds over Members ++ Pending
// and calls connect/2 for each, which opens what the pair lacks: the
// default channel's connection, or, once that one exists, the membership
// channel's (TcpConnections::Connect). It runs:
// - on join, after avoid_rush/0 sleeps connection_jitter in the manager
//   (internal_join/3 ~line 2122, avoid_rush ~lines 2189-2197);
// - on handle_info(connections, _) every connection_interval (~line 1482);
// - on handle_info(periodic, _) every periodic_interval (~line 1416).
// Both ticks are re-armed after the work (schedule_connections/0,
// schedule_periodic/0). An 'EXIT' that leaves a member without any connection
// (either channel's) appends it to Pending (maybe_append_pending/2, ~lines
// 1521, 2360-2370); each connection opened removes one occurrence ({connected, ...}, ~line
// 1553). So a lost member that cannot be reached costs two blocking
// connects per round.
//
// A connect to an unreachable member blocks the manager for connect_timeout
// (?TIMEOUT in partisan_peer_service_client:connect/3); a reachable host
// whose Erlang VM is down refuses after one round trip. The manager does one
// thing at a time: a tick that comes while it is blocked runs afterwards.
#ifndef PLUMSIM_SIM_RUNTIME_FULL_MEMBERSHIP_CONNECTOR_H_
#define PLUMSIM_SIM_RUNTIME_FULL_MEMBERSHIP_CONNECTOR_H_

#include <cstdint>
#include <vector>

#include "protocol/ordset.h"
#include "sim/kernel/event_loop.h"
#include "sim/runtime/network.h"
#include "sim/runtime/partisan_config.h"
#include "sim/runtime/processes.h"
#include "sim/runtime/tcp_connections.h"

namespace plumsim {

class FullMembershipConnector {
 public:
  // `members` is the peer service's member list; it must outlive this.
  // `stats` (may be null) counts the manager's blocked time as the peer
  // service's.
  FullMembershipConnector(EventLoop* sim, const Network* network, TcpConnections* connections,
                          const PartisanRuntimeConfig& runtime, const PeerSet* members,
                          ProcessStats* stats = nullptr);

  // `node` started: the running members connect to it at once (they learn
  // of it by gossip, which plumsim does not simulate); its own join
  // connects after avoid_rush, and its two ticks are armed.
  void OnStart(NodeId node);
  // `node` stopped: its ticks and its Pending list die with it.
  void OnStop(NodeId node);
  // 'EXIT' of `holder`'s connection to `peer`.
  void OnConnectionExit(NodeId holder, NodeId peer);

  // Connects tried so far (opened or not), over all nodes.
  uint64_t connect_attempts() const { return connect_attempts_; }
  // When `node`'s manager is done with the connects it is blocked in.
  SimTime FreeAt(NodeId node) const {
    return node < managers_.size() ? managers_[node].busy_until : SimTime::Zero();
  }
  // `node`'s Pending list, in order (duplicates kept, as Partisan's).
  const std::vector<NodeId>& pending(NodeId node) const;

 private:
  enum class Round { kJoin, kConnections, kPeriodic };
  struct Manager {
    uint64_t incarnation = 0;  // 0 while stopped
    SimTime busy_until;        // blocked in connects until then
    std::vector<NodeId> pending;
  };
  bool Current(NodeId node, uint64_t incarnation) const {
    return node < managers_.size() && managers_[node].incarnation == incarnation;
  }
  void Schedule(NodeId node, Round round, SimDuration after);
  void Run(NodeId node, uint64_t incarnation, Round round);
  // establish_connections/1 starting at `at`; returns how long it blocked.
  SimDuration Establish(NodeId node, SimTime at);

  EventLoop* const sim_;
  const Network* const network_;
  TcpConnections* const connections_;
  const PartisanRuntimeConfig runtime_;
  const PeerSet* const members_;
  ProcessStats* const stats_;
  std::vector<Manager> managers_;  // per node
  uint64_t next_incarnation_ = 1;
  uint64_t connect_attempts_ = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_FULL_MEMBERSHIP_CONNECTOR_H_
