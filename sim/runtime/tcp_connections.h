// Partisan's connections over TCP (docs/runtime-model.md, "Transport" and
// "Keepalive pings").
//
// Up to one connection per ordered pair (holder -> peer) and channel:
// Partisan configures two channels, the default one (`undefined`) and
// `partisan_membership`, with parallelism 1 each (partisan_config:set/2 for
// `channels`, ~lines 625-647). A connection is the holder's
// partisan_peer_service_client process and the peer's
// partisan_peer_service_server process that accepted it. It carries two FIFO streams: `out` (client
// -> server: messages, the client's hello, its pings and its pongs) and `back` (server -> client:
// hello, state, the server's pings and pongs, and the FIN when the server
// end stops). Packets sent while a stream's path is cut wait on it (held)
// and go out, in order, when TCP's next retransmission after the heal gets
// through.
//
// Both ends run Partisan's keepalive (Keepalive): pings are packets with
// ids, queued behind data, held by cuts, retransmitted and answered by the
// other end; only the pong of an end's latest ping is valid. So the
// connection dies:
// - by ping timeout ({shutdown, ping_timeout}) when max_attempts pings go
//   unanswered: the client 70 s after its last reset_ping/1 (defaults), the
//   server 75 s after its last valid inbound packet;
// - by a stale pong ({invalid_ping_response, Pong}) when a cut held two of
//   an end's pings and the first one's pong arrives after the heal;
// - when the peer's OS closes the socket (a process crash: ?CLOSED_MSG
//   stops the client), one latency after the crash, or resets it (the
//   peer's host is back with a new VM);
// - when its holder crashes or disconnects it.
// Held messages are lost when it dies. The holder's peer service then gets
// 'EXIT' (the on_close callback) unless the holder closed it itself.
//
// The server process hands each HyParView message to its peer service by
// gen_server:call (receive_message/3, partisan_hyparview_peer_service_
// manager ~lines 608-625) and reads nothing more from its socket until the
// manager has taken it (handle_call({receive_message, ...}) casts it to
// itself and replies, ~lines 942-951): later messages on that connection,
// Plumtree ones included, wait. Plumtree messages are delivered straight
// to their process (disable_fast_receive = false, partisan_config ~line
// 469).
//
// partisan_peer_service_manager:connect/1 (maybe_connect/3,4, ~lines
// 354-497) opens the default channel's connection when the pair has none,
// and otherwise one connection for each channel that lacks one: the
// membership channel's opens on the connect after the default one's. A
// message goes on its channel's connection, or on the default channel's
// when its own has none (partisan_peer_connections:dispatch_pid/3,
// ~lines 920-975, channel_fallback = true by default).
#ifndef PLUMSIM_SIM_RUNTIME_TCP_CONNECTIONS_H_
#define PLUMSIM_SIM_RUNTIME_TCP_CONNECTIONS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/free_indices.h"
#include "protocol/message.h"
#include "protocol/ordset.h"
#include "sim/kernel/event_loop.h"
#include "sim/runtime/keepalive.h"
#include "sim/runtime/network.h"
#include "sim/runtime/partisan_config.h"
#include "sim/runtime/processes.h"

namespace plumsim {

class TcpConnections final : public TcpPacketSink {
 public:
  TcpConnections(EventLoop* sim, Network* network, const PartisanRuntimeConfig& runtime,
                 CrashMode crash_mode, NetworkObserver* observer);

  // 'EXIT' for the holder's peer service: one of its connections to peer
  // died (called once per connection).
  void set_on_close(std::function<void(NodeId holder, NodeId peer)> on_close) {
    on_close_ = std::move(on_close);
  }

  // partisan_peer_service_client:init/1 connects synchronously, inside the
  // caller's start_link: the caller is blocked for the handshake's round
  // trip, or, when the peer cannot be reached, until ?TIMEOUT
  // (connect_timeout); a reachable host without the peer's VM refuses
  // after one round trip. `at` is the caller's clock (>= now). Reachability
  // is judged now, not at `at`.
  // maybe_connect/3,4: the channels it opens, one blocking connect each.
  struct ConnectResult {
    bool open = false;                          // a connection exists afterwards
    SimDuration blocked = SimDuration::Zero();  // how long the caller waited
    int attempts = 0;                           // connects tried
    int opened = 0;                             // of which succeeded
  };
  ConnectResult Connect(NodeId holder, NodeId peer, SimTime at = SimTime::Zero());
  // The holder stops its connections to peer, every channel's
  // (disconnect/1: partisan_peer_connections:prune(Node); no 'EXIT':
  // unlinked first).
  void Disconnect(NodeId holder, NodeId peer);
  // partisan:is_connected/1: any channel.
  bool IsOpen(NodeId holder, NodeId peer) const;
  bool IsOpen(NodeId holder, NodeId peer, Channel channel) const;
  // partisan_peer_connections:dispatch_pid/3 finds a connection for a
  // message on `channel` (its own, or the default channel's).
  bool CanDispatch(NodeId from, NodeId to, Channel channel) const {
    return IsOpen(from, to, channel) ||
           (channel != Channel::kDefault && IsOpen(from, to, Channel::kDefault));
  }
  // Every channel has its connections (maybe_connect/4 would open none).
  bool IsComplete(NodeId holder, NodeId peer) const {
    return IsOpen(holder, peer, Channel::kDefault) && IsOpen(holder, peer, Channel::kMembership);
  }
  // The peers the holder has a connection to (any channel), ascending.
  const PeerSet& OpenPeers(NodeId holder) const;
  // How many peers the holder has every channel's connection to.
  size_t CompletePeers(NodeId holder) const {
    return holder < complete_.size() ? complete_[holder] : 0;
  }
  // Connections open, counting each channel's.
  size_t open_count() const { return index_.size(); }
  // The packet (a message, or a connection's own: a ping, a pong, a FIN)
  // held the longest on a stream that is cut or has its resume (TCP's next
  // retransmission after a heal) still ahead, or nullopt: for end-of-run
  // checks.
  struct HeldAge {
    SimTime sent_at;
    NodeId from = 0, to = 0;
  };
  std::optional<HeldAge> OldestHeld() const;
  // Keepalive pings sent so far, by either end.
  uint64_t pings_sent() const { return pings_sent_; }
  // Counts the server processes' time blocked in receive_message calls
  // (may be null).
  void set_process_stats(ProcessStats* stats) { process_stats_ = stats; }

  // Sends on the connection from -> to of `channel`, or of the default
  // channel when that one has none: dropped (not_connected) without
  // either, held while it is cut, else put on the wire. The message leaves
  // no earlier than `departure` (a busy sender's clock).
  void Send(NodeId from, NodeId to, Message message, Channel channel = Channel::kDefault,
            SimTime departure = SimTime::Zero());

  // TcpPacketSink.
  void OnBlockedArrival(NodeId from, NodeId to, uint64_t seq, SimTime sent_at, Message message,
                        TcpPacket packet) override;
  void OnControlArrival(NodeId from, NodeId to, TcpPacket packet) override;
  Arrival OnMessageArrival(NodeId from, NodeId to, TcpPacket packet, Message& message) override;

  // After any cut or heal: streams whose path stopped carrying hold what is
  // sent on them; cut ones whose path is back resume.
  void OnPathsChanged();
  // `node` crashed or left (already down in the network): its own
  // connections vanish; its peers' connections to it close after one
  // latency (process crash, reachable) or wait for their keepalive (host
  // crash, or the reset cannot reach them).
  void OnNodeDown(NodeId node);
  // `node` is up again (a new incarnation): connections others still hold
  // to its old one meet a reset when they next reach it. A new VM listens.
  void OnNodeUp(NodeId node);

  // `node`'s listening socket dies (acceptor.erl failure/2 exits it; the
  // `einval` of a join burst). Every server process it accepted monitors it
  // and stops `normal` (partisan_peer_service_server handle_info({'DOWN',
  // MRef, port, _, _}), ~line 120), closing its socket: each client that
  // holds a connection to `node` sees ?CLOSED_MSG and its holder's peer
  // service gets 'EXIT'. `node`'s own connections (its clients) live on
  // and it is told nothing. Partisan's supervisor reopens the listener at
  // once (partisan_acceptor_socket is a permanent child of
  // partisan_acceptor_socket_pool_sup); with `stays_down` it refuses
  // connects until ListenerUp.
  void ListenerDown(NodeId node, bool stays_down);
  // The listener accepts again. No connection comes back by itself.
  void ListenerUp(NodeId node);
  bool Listening(NodeId node) const { return !not_listening_.contains(node); }

 private:
  // A connection's own packets (TcpPacket::word): kind in bits 0-3, a ping
  // id or close reason in bits 4-31.
  enum class Kind : uint32_t { kMessage, kServerHello, kClientHello, kState, kPing, kPong, kFin };
  static uint32_t Word(Kind kind, uint32_t arg = 0) {
    return static_cast<uint32_t>(kind) | (arg << 4);
  }
  struct Held {
    uint64_t seq = 0;
    SimTime sent_at;
    uint32_t word = 0;  // 0: a message
    Message message;
  };
  struct Stream {
    uint64_t next_seq = 0;
    bool cut = false;                    // its direction stopped carrying; packets wait in `held`
    SimTime resume_at = SimTime::Max();  // a resume is scheduled then
    std::vector<Held> held;              // ascending seq
  };
  // One end's process: its keepalive and the one timer event it has
  // pending (re-armed lazily: a reset only moves the deadline).
  struct End {
    Keepalive keepalive;
    SimTime event_at = SimTime::Max();
    uint32_t token = 0;    // the live timer event's
    bool stopped = false;  // the server process stopped (its FIN is on its way)
  };
  struct Conn {
    NodeId holder = 0, peer = 0;
    Channel channel = Channel::kDefault;
    uint32_t slot = 0;
    uint32_t generation = 0;  // tells this connection from a later one in its slot
    SimTime ready_at;         // the handshake's round trip is over
    Stream out, back;
    End client, server;
    bool peer_gone = false;  // the peer's incarnation died: a reset awaits
    bool closing = false;    // a close is scheduled
  };
  // Node ids stay below 2^30 (Network::EnsureNode).
  static uint64_t Key(NodeId a, NodeId b, Channel channel) {
    return (static_cast<uint64_t>(a) << 32) | (static_cast<uint64_t>(channel) << 31) | b;
  }
  static constexpr Channel kChannels[] = {Channel::kDefault, Channel::kMembership};
  Conn* Find(NodeId holder, NodeId peer, Channel channel);
  // partisan_peer_service_client:start_link/5 for one channel.
  ConnectResult ConnectChannel(NodeId holder, NodeId peer, Channel channel, SimTime at);
  // The packet's connection if it still lives, else nullptr.
  Conn* Live(TcpPacket packet);
  // Both directions carry: the handshake needs both.
  bool PathOk(NodeId a, NodeId b) const {
    return network_->IsConnected(a, b) && network_->IsConnected(b, a);
  }
  // Sends one packet on a stream (held while the stream is cut).
  void SendPacket(NodeId holder, NodeId peer, Conn& c, bool back, uint32_t word, Message message,
                  SimTime not_before);
  void Put(NodeId holder, NodeId peer, Conn& c, bool back, uint64_t seq, uint32_t word,
           Message message, SimTime not_before);
  // Packets arriving at each end (handle_inbound/2).
  void ClientReceives(NodeId holder, NodeId peer, Conn& c, Kind kind, uint32_t arg);
  void ServerReceives(NodeId holder, NodeId peer, Conn& c, Kind kind, uint32_t arg);
  // reset_ping/1 of one end, and its timer.
  void ResetPing(NodeId holder, NodeId peer, Conn& c, bool server);
  void Arm(NodeId holder, NodeId peer, Conn& c, bool server);
  void OnTimer(uint32_t slot, uint32_t generation, bool server, uint32_t token);
  // The server process stops: its FIN follows what it already sent.
  void StopServer(NodeId holder, NodeId peer, Conn& c, CloseReason reason);
  // The first retransmission at or after `heal` of what the stream held
  // unacknowledged (`heal` itself if nothing).
  SimTime ResumeTime(const Stream& s, SimTime heal) const;
  void MaybeResume(NodeId holder, NodeId peer, Conn& c, bool back);
  void Resume(uint32_t slot, uint32_t generation, bool back, SimTime at);
  // The peer's new OS answers the next packet with a reset.
  void ResetByNewPeer(NodeId holder, NodeId peer, Conn& c, SimTime departure);
  bool StreamOk(NodeId holder, NodeId peer, bool back) const;
  void ScheduleClose(NodeId a, NodeId b, Conn& c, SimTime at, CloseReason reason);
  // `node` (c's peer) died; `a` holds c.
  void PeerDown(NodeId node, NodeId a, Conn& c);
  void Close(Conn& c, CloseReason reason, bool notify);
  // The server process of connection `generation` calls its peer service
  // with `message` (receive_message/3) and waits for the reply.
  void CallManager(uint32_t generation, NodeId from, NodeId to, const Message& message);
  // The reply came at `at`: the server reads on.
  void OnManagerReply(uint32_t generation, SimTime called_at, SimTime at);
  void ReadOn(uint32_t generation);

  EventLoop* const sim_;
  Network* const network_;
  const PartisanRuntimeConfig runtime_;
  const CrashMode crash_mode_;
  NetworkObserver* const observer_;
  const KeepaliveTimes client_times_, server_times_;
  std::function<void(NodeId, NodeId)> on_close_;
  // Connections in slots (a deque: a slot never moves), found by pair; a
  // packet names its slot, so arrivals need no lookup.
  std::deque<Conn> slots_;
  FreeIndices free_slots_;
  absl::flat_hash_map<uint64_t, uint32_t> index_;
  // Generations of connections that closed after their server end stopped:
  // data still in flight to them meets a closed socket.
  absl::flat_hash_set<uint32_t> stopped_servers_;
  std::vector<PeerSet> open_;       // per holder, ascending
  std::vector<PeerSet> holders_;    // per peer: who holds a connection to it
  std::vector<uint32_t> complete_;  // per holder: CompletePeers
  uint32_t next_generation_ = 1;
  uint64_t pings_sent_ = 0;
  // Nodes whose listener is down and stays down (a refused connect).
  absl::flat_hash_set<NodeId> not_listening_;
  // Server processes blocked in a receive_message call, by connection
  // generation, with the messages that reached them meanwhile, in order.
  // A connection's server outlives its slot: it reads what reached it
  // before the client's FIN.
  struct BlockedServer {
    NodeId from = 0, to = 0;
    std::deque<Message> unread;
  };
  absl::flat_hash_map<uint32_t, BlockedServer> blocked_servers_;
  ProcessStats* process_stats_ = nullptr;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_TCP_CONNECTIONS_H_
