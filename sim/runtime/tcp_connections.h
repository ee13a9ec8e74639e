// Partisan's connections over TCP (docs/runtime-model.md, "Transport").
//
// One connection per ordered pair (holder -> peer): the holder's
// partisan_peer_service_client process, default channel, parallelism 1.
// While it lives it is reliable and FIFO. Messages sent while its path is
// cut wait on it (held) and go out, in order, when TCP's next
// retransmission after the heal gets through. It dies:
// - by the keepalive ping rule (partisan_peer_service_client:
//   maybe_enable_ping/2, reset_ping/1, maybe_send_ping/1 and
//   partisan_retry:fail/1): the idle timer runs idle_timeout from the last
//   pong; then max_attempts pings, timeout apart, go unanswered and the
//   client stops with {shutdown, ping_timeout};
// - when the peer's OS closes the socket (a process crash: handle_info of
//   ?CLOSED_MSG stops the client), one latency after the crash;
// - when its holder crashes or disconnects it.
// Held messages are lost when it dies. The holder's peer service then gets
// 'EXIT' (the on_close callback) unless the holder closed it itself.
//
// Pings are not simulated as packets: their times follow from the last
// pong (ping phase) and the cut, which is exact while no message is lost;
// under random loss the ping exchange is assumed to succeed.
#ifndef PLUMSIM_SIM_RUNTIME_TCP_CONNECTIONS_H_
#define PLUMSIM_SIM_RUNTIME_TCP_CONNECTIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "protocol/message.h"
#include "protocol/ordset.h"
#include "sim/kernel/event_loop.h"
#include "sim/runtime/network.h"
#include "sim/runtime/partisan_config.h"

namespace plumsim {

class TcpConnections final : public BlockedArrivalSink {
 public:
  TcpConnections(EventLoop* sim, Network* network, const PartisanRuntimeConfig& runtime,
                 CrashMode crash_mode, NetworkObserver* observer);

  // 'EXIT' for the holder's peer service: its connection to peer died.
  void set_on_close(std::function<void(NodeId holder, NodeId peer)> on_close) {
    on_close_ = std::move(on_close);
  }

  // partisan_peer_service_client:init/1 connects synchronously, inside the
  // caller's start_link: the caller is blocked for the handshake's round
  // trip, or, when the peer cannot be reached, until ?TIMEOUT
  // (connect_timeout); a reachable host without the peer's VM refuses
  // after one round trip. `at` is the caller's clock (>= now).
  struct ConnectResult {
    bool open = false;                          // a connection exists afterwards
    SimDuration blocked = SimDuration::Zero();  // how long the caller waited
  };
  ConnectResult Connect(NodeId holder, NodeId peer, SimTime at = SimTime::Zero());
  // The holder stops its own connection (no 'EXIT': unlinked first).
  void Disconnect(NodeId holder, NodeId peer);
  bool IsOpen(NodeId holder, NodeId peer) const;
  // The holder's connections, ascending.
  const PeerSet& OpenPeers(NodeId holder) const;
  size_t open_count() const { return conns_.size(); }
  // The message held the longest on a connection that is cut or has its
  // resume (TCP's next retransmission after a heal) still ahead, or
  // nullopt: for end-of-run checks.
  struct HeldAge {
    SimTime sent_at;
    NodeId from = 0, to = 0;
  };
  std::optional<HeldAge> OldestHeld() const;

  // Sends on the connection from -> to: dropped (not_connected) without
  // one, held while it is cut, else put on the wire.
  // The message leaves no earlier than `departure` (a busy sender's clock).
  void Send(NodeId from, NodeId to, Message message, SimTime departure = SimTime::Zero());

  // BlockedArrivalSink: a message reached a cut path; it waits on its
  // connection, before everything sent after it.
  void OnBlockedArrival(NodeId from, NodeId to, uint64_t seq, SimTime sent_at,
                        Message message) override;

  // After any cut or heal: connections whose path stopped carrying start
  // their ping countdown; cut ones whose path is back resume.
  void OnPathsChanged();
  // `node` crashed or left (already down in the network): its own
  // connections vanish; its peers' connections to it close after one
  // latency (process crash, reachable) or wait for the ping rule (host
  // crash, or the reset cannot reach them).
  void OnNodeDown(NodeId node);
  // `node` is up again (a new incarnation): connections others still hold
  // to its old one meet a reset when they next reach it.
  void OnNodeUp(NodeId node);

 private:
  struct Held {
    uint64_t seq = 0;
    SimTime sent_at;
    Message message;
  };
  struct Conn {
    uint64_t generation = 0;  // tells this connection from a later one
    SimTime ready_at;         // the handshake's round trip is over
    SimTime ping_origin;      // last reset_ping/1 (hello or pong)
    SimTime cut_since = SimTime::Max();
    SimTime death_at = SimTime::Max();
    SimTime resume_at = SimTime::Max();  // a resume is scheduled then
    uint64_t next_seq = 0;
    bool peer_gone = false;  // the peer's incarnation died: a reset awaits
    bool closing = false;    // a close is scheduled
    std::vector<Held> held;  // ascending seq
    bool cut() const { return cut_since != SimTime::Max(); }
  };
  static uint64_t Key(NodeId a, NodeId b) { return (static_cast<uint64_t>(a) << 32) | b; }
  Conn* Find(NodeId holder, NodeId peer);
  // Both directions carry: data one way, acknowledgements and pongs back.
  bool PathOk(NodeId a, NodeId b) const {
    return network_->IsConnected(a, b) && network_->IsConnected(b, a);
  }
  // The time the ping rule closes a connection cut since c.cut_since.
  SimTime PingDeath(const Conn& c) const;
  // The first retransmission at or after `heal` of what was unacknowledged
  // when the path healed (`heal` itself if nothing was).
  SimTime ResumeTime(const Conn& c, SimTime heal) const;
  void MarkCut(NodeId a, NodeId b, Conn& c);
  void MaybeResume(NodeId a, NodeId b, Conn& c);
  void Resume(NodeId a, NodeId b, uint64_t generation);
  void Put(NodeId from, NodeId to, Conn& c, uint64_t seq, Message message, SimTime not_before);
  void ScheduleClose(NodeId a, NodeId b, Conn& c, SimTime at, CloseReason reason);
  void Close(NodeId holder, NodeId peer, CloseReason reason, bool notify);

  EventLoop* const sim_;
  Network* const network_;
  const PartisanRuntimeConfig runtime_;
  const CrashMode crash_mode_;
  NetworkObserver* const observer_;
  std::function<void(NodeId, NodeId)> on_close_;
  absl::flat_hash_map<uint64_t, Conn> conns_;
  std::vector<PeerSet> open_;     // per holder, ascending
  std::vector<PeerSet> holders_;  // per peer: who holds a connection to it
  uint64_t next_generation_ = 1;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_TCP_CONNECTIONS_H_
