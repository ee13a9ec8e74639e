// The world as protocol code sees it (docs/architecture.md, "Layering"). Protocol
// objects call these functions and nothing else: no simulator types, no
// clocks, no sockets. The simulator implements this interface for each node
// (sim/world/node_host); a real-socket runtime could implement it later.
//
// It stands for the Erlang runtime services the ported modules use:
//   partisan:cast_message/4, do_send_message -> Send (lost if not connected)
//   partisan_peer_service_manager:connect/1 -> Connect
//   disconnect/1 (stopping the connection)  -> Disconnect
//   partisan:is_connected/1            -> IsConnected
//   partisan_peer_connections:nodes/0  -> ConnectedPeers
//   erlang:send_after/3, timer:*       -> StartTimer / CancelTimer
//   erlang:system_time/0               -> NowNs
//   rand:uniform/1                     -> UniformInt (the node's own stream)
//   logger                             -> Log
#ifndef PLUMSIM_PROTOCOL_ENVIRONMENT_H_
#define PLUMSIM_PROTOCOL_ENVIRONMENT_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocol/message.h"
#include "protocol/node_order.h"
#include "protocol/ordset.h"

namespace plumsim {

// Which periodic activity a timer drives. The host calls the owning
// component's OnTimer with it when the timer fires.
enum class TimerKind : uint8_t {
  kLazyTick = 0,                // partisan_plumtree_broadcast lazy_tick
  kExchangeTick = 1,            // partisan_plumtree_broadcast exchange_tick
  kHeartbeat = 2,               // partisan_plumtree_backend heartbeat
  kRandomPromotion = 3,         // hyparview random_promotion
  kPassiveViewMaintenance = 4,  // hyparview passive_view_maintenance (shuffle)
};

// A change the broadcast server made to its peer sets, reported to the host
// for observers (Partisan logs each at debug level, which is where it is seen
// in a real cluster: partisan_plumtree_broadcast.erl lines 611, 892 and 900,
// "moving peer ~p from eager to lazy" / "from lazy to eager"; 651-652, "new
// members" / "removed members", before reset_peers/4 and neighbors_down/2).
struct PeerSetChange {
  enum class Kind : uint8_t {
    kAddEager,      // add_eager/3 moved `peer` to the eager set of `root`
    kAddLazy,       // add_lazy/3 moved `peer` to the lazy set of `root`
    kResetPeers,    // reset_peers/4: every root back to the common sets
    kNeighborsDown  // neighbors_down/2: `removed` left every set
  };
  Kind kind = Kind::kAddEager;
  NodeId root = 0;  // add_eager, add_lazy
  NodeId peer = 0;  // add_eager, add_lazy
  // add_eager / add_lazy: whether the root's eager set changed (a peer can
  // move between "neither" and lazy without touching it).
  bool eager_changed = false;
  // The message whose handling made the change: its type index (message.h)
  // and, when it carries one, its broadcast id; -1 for update/1 and init.
  int cause_type = -1;
  BroadcastId cause_id;
  // reset_peers: the new common sets; neighbors_down: the removed peers in
  // `removed`. Valid during the call only.
  const PeerSet* eagers = nullptr;
  const PeerSet* lazys = nullptr;
  const PeerSet* removed = nullptr;
};

// Opaque handle of a started timer; 0 is "no timer".
using TimerHandle = uint64_t;

enum class LogLevel : uint8_t { kDebug, kInfo, kNotice, kWarning, kError };

class Environment {
 public:
  virtual ~Environment() = default;

  // This node (partisan:node/0).
  virtual NodeId self() const = 0;

  // partisan:cast_message/4: fire and forget. If `to` is not connected the
  // message is lost without an error, as with Partisan. Like a cast, it never
  // delivers synchronously: protocol code may send while iterating its own
  // state.
  virtual void Send(NodeId to, Message message, Channel channel) = 0;

  // partisan:is_connected/1
  virtual bool IsConnected(NodeId peer) const = 0;

  // partisan_peer_connections:nodes/0: the connected peers, ascending.
  virtual PeerSet ConnectedPeers() const = 0;

  // partisan_peer_service_manager:connect/1. Partisan starts the connection
  // client with start_link, whose init connects, so the connection exists
  // when this returns if the peer is up and reachable; otherwise nothing.
  virtual void Connect(NodeId peer) = 0;
  // disconnect/1: stops this node's connection to `peer` (unlinked first,
  // so this node gets no 'EXIT' for it).
  virtual void Disconnect(NodeId peer) = 0;

  // erlang:send_after/3: after `delay`, the host calls OnTimer(kind) on the
  // component that started it.
  virtual TimerHandle StartTimer(absl::Duration delay, TimerKind kind) = 0;
  virtual void CancelTimer(TimerHandle timer) = 0;

  // The node's clock in nanoseconds (erlang:system_time/0 analogue).
  virtual int64_t NowNs() const = 0;

  // rand:uniform(N) - 1: a uniform integer in [0, n) from the node's own
  // random stream. n > 0.
  virtual uint64_t UniformInt(uint64_t n) = 0;

  virtual void Log(LogLevel level, absl::string_view text) = 0;

  // The broadcast server changed its peer sets (see PeerSetChange). Like
  // Log, it changes nothing; hosts that do not observe ignore it.
  virtual void PeersChanged(const PeerSetChange& /*change*/) {}

  // Erlang's term order of node names (atoms, by their text) and of node
  // specs (maps: channels, then listen_addrs, then name); see
  // protocol/node_order.h. Both outlive the protocol objects.
  virtual const NodeOrder& name_order() const = 0;
  virtual const NodeOrder& spec_order() const = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_ENVIRONMENT_H_
