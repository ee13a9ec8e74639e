// The full-membership peer service's connection upkeep over tcp
// (partisan_pluggable_peer_service_manager): a starting node connects to
// every member and they to it (establish_connections/1 runs on join and on
// membership updates); then every connection_interval, re-armed after the
// work (handle_info(connections, _) calls schedule_connections/0 last), it
// connects to each member it holds no connection to. A connect to an
// unreachable member blocks the manager for connect_timeout (?TIMEOUT in
// partisan_peer_service_client:connect/3), so a round with m unreachable
// members takes m * connect_timeout before the next interval starts; a
// reachable host whose Erlang VM is down refuses after one round trip.
#ifndef PLUMSIM_SIM_RUNTIME_FULL_MEMBERSHIP_CONNECTOR_H_
#define PLUMSIM_SIM_RUNTIME_FULL_MEMBERSHIP_CONNECTOR_H_

#include <cstdint>
#include <vector>

#include "protocol/ordset.h"
#include "sim/kernel/event_loop.h"
#include "sim/runtime/network.h"
#include "sim/runtime/partisan_config.h"
#include "sim/runtime/tcp_connections.h"

namespace plumsim {

class FullMembershipConnector {
 public:
  // `members` is the peer service's member list; it must outlive this.
  FullMembershipConnector(EventLoop* sim, const Network* network, TcpConnections* connections,
                          const PartisanRuntimeConfig& runtime, const PeerSet* members);

  // `node` started: connects both ways to every running member it can
  // reach and arms its connections tick.
  void OnStart(NodeId node);
  // `node` stopped: its tick dies with it.
  void OnStop(NodeId node);

 private:
  void Tick(NodeId node, uint64_t incarnation);

  EventLoop* const sim_;
  const Network* const network_;
  TcpConnections* const connections_;
  const PartisanRuntimeConfig runtime_;
  const PeerSet* const members_;
  std::vector<uint64_t> incarnation_;  // per node; 0 while stopped
  uint64_t next_incarnation_ = 1;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_FULL_MEMBERSHIP_CONNECTOR_H_
