// The simulated network between nodes (docs/architecture.md, "How a message flows").
//
// - Latency per message from a distribution: a global default and per-link
//   overrides (directed links).
// - FIFO per directed link by default, as Partisan's TCP channels are: a
//   message never arrives before one sent earlier on the same link (its
//   arrival is clamped to the link's last arrival; equal times keep send
//   order). `reorder = true` turns the clamp off.
// - Loss per message (global and per link) and optional duplication.
// - Faults: symmetric partitions (groups), one-way partitions (A cannot reach
//   B), single links down, nodes down. A message is dropped at send time if
//   its link is cut ("unreachable": Partisan loses casts to unconnected
//   peers silently), and dropped on arrival if any cut that separated its
//   link happened while it was in flight ("cut"), even if healed since.
//
// Connectivity is per direction: IsConnected(a, b) is "a can send to b".
// A symmetric cut makes both directions false at once.
//
//   EventLoop loop;
//   NetworkConfig config;
//   config.transport = Transport::kDatagram;  // tcp sends go through TcpConnections
//   config.latency = LatencyDistribution::Constant(SimDuration::Milliseconds(2));
//   Network network(&loop, config, /*root_seed=*/1, &receiver, /*observer=*/nullptr);
//   network.SetNodeUp(0, true);
//   network.SetNodeUp(1, true);
//   network.Send(0, 1, PruneMsg{});
//   loop.RunUntilIdle();  // receiver.Deliver(0, 1, PruneMsg{}) ran at 2 ms
//
// (`receiver` is any MessageReceiver: the Simulation, in a run.)
#ifndef PLUMSIM_SIM_RUNTIME_NETWORK_H_
#define PLUMSIM_SIM_RUNTIME_NETWORK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/free_indices.h"
#include "protocol/message.h"
#include "protocol/ordset.h"
#include "sim/kernel/event_loop.h"
#include "sim/kernel/random.h"
#include "sim/runtime/latency.h"
#include "sim/runtime/link_clocks.h"
#include "sim/runtime/partisan_config.h"

namespace plumsim {

struct NetworkConfig {
  LatencyDistribution latency = LatencyDistribution::Constant(SimDuration::Milliseconds(1));
  double loss = 0;                        // probability a message is lost
  double duplicate = 0;                   // probability a message is delivered twice
  bool reorder = false;                   // let later messages overtake earlier ones
  Transport transport = Transport::kTcp;  // Partisan's
  TcpConfig tcp;                          // transport = tcp only
};

enum class DropReason : uint8_t {
  kUnreachable,       // sender cannot reach the receiver at send time
  kLoss,              // random loss
  kCut,               // a partition, link cut or crash while in flight
  kNotConnected,      // HyParView mode: the sender holds no connection to the receiver
  kNeverArrives,      // the latency drawn does not fit in virtual time
  kConnectionClosed,  // tcp: held or sent on a connection that closed
};
inline constexpr int kDropReasons = 6;
const char* DropReasonName(DropReason reason);

// Why a tcp connection closed (docs/runtime-model.md).
enum class CloseReason : uint8_t {
  kPingTimeout,        // the keepalive ping rule gave up ({shutdown, ping_timeout})
  kPeerClosed,         // the peer's OS closed or reset the socket
  kCrash,              // the holder itself crashed or left
  kDisconnect,         // the holder's peer service closed it (disconnect/1)
  kRetransmitTimeout,  // TCP gave up retransmitting one segment
  // A pong answered an older ping than the end's latest
  // ({invalid_ping_response, Pong}: handle_inbound/2 of
  // partisan_peer_service_client and _server)
  kInvalidPingResponse,
  // The peer's listening socket died: every server process it accepted
  // stops ({'DOWN', _, port, ...} in partisan_peer_service_server), and the
  // client sees the socket close (listener_down; docs/runtime-model.md,
  // "A dead listener")
  kListenerClosed,
};
inline constexpr int kCloseReasons = 7;
const char* CloseReasonName(CloseReason reason);

// Sees every message the network handles.
class NetworkObserver {
 public:
  virtual ~NetworkObserver() = default;
  virtual void OnSend(NodeId from, NodeId to, const Message& message) = 0;
  virtual void OnDeliver(NodeId from, NodeId to, const Message& message) = 0;
  virtual void OnDrop(NodeId from, NodeId to, const Message& message, DropReason reason) = 0;
  // --- tcp transport only ---
  // `holder` opened its connection to `peer` on `channel` / it closed.
  virtual void OnConnectionOpen(NodeId /*holder*/, NodeId /*peer*/, Channel /*channel*/) {}
  virtual void OnConnectionClose(NodeId /*holder*/, NodeId /*peer*/, Channel /*channel*/,
                                 CloseReason /*reason*/) {}
  // A message waits on its connection because the path is cut; released
  // (sent on) after `held` when the connection resumes.
  virtual void OnHeld(NodeId /*from*/, NodeId /*to*/, const Message& /*message*/) {}
  virtual void OnReleased(NodeId /*from*/, NodeId /*to*/, const Message& /*message*/,
                          SimDuration /*held*/) {}
  // A message's segment was lost `count` times in a row and retransmitted.
  virtual void OnRetransmit(NodeId /*from*/, NodeId /*to*/, const Message& /*message*/,
                            int /*count*/) {}
};

// tcp: what a packet carries besides its message. Every packet belongs to
// one connection (its slot and generation) and one of its two streams: the
// holder's (from -> to) or, when `back`, its peer's answers (from is the
// peer). Each stream is its own FIFO: a packet delayed on one does not hold
// up the other, nor another connection on the same link (the pair's other
// channel). `word` is 0 for a
// message and otherwise a packet of the connection's own (the handshake,
// keepalive pings and pongs, a closing end's FIN), encoded by
// TcpConnections.
struct TcpPacket {
  uint32_t conn = 0;  // the connection's slot in TcpConnections
  uint32_t generation = 0;
  uint32_t word = 0;
  bool back = false;
  Channel channel = Channel::kDefault;  // the connection's
  bool is_message() const { return word == 0; }
};

// tcp: the connections' side of every arrival (TcpConnections).
class TcpPacketSink {
 public:
  virtual ~TcpPacketSink() = default;
  // The packet reached a cut path: it waits on its connection, to be
  // retransmitted after the heal.
  virtual void OnBlockedArrival(NodeId from, NodeId to, uint64_t seq, SimTime sent_at,
                                Message message, TcpPacket packet) = 0;
  // A connection's own packet arrived.
  virtual void OnControlArrival(NodeId from, NodeId to, TcpPacket packet) = 0;
  // A message reached its connection's server end: deliver it now, drop it
  // (the receiving end is gone), or leave it to the sink (taken: the sink
  // moved it out of `message` and delivers it later, through DeliverNow or
  // DeliverByCall).
  enum class Arrival : uint8_t { kDeliver, kDrop, kTaken };
  virtual Arrival OnMessageArrival(NodeId from, NodeId to, TcpPacket packet, Message& message) = 0;
};

// Receives the messages that arrive.
class MessageReceiver {
 public:
  // A synchronous call's answer: the callee took the message at that time.
  using Reply = std::function<void(SimTime)>;
  virtual ~MessageReceiver() = default;
  virtual void Deliver(NodeId from, NodeId to, const Message& message) = 0;
  // A hint that a message for `to` arrives soon (EventHandler::Prefetch).
  virtual void PrefetchReceiver(NodeId /*to*/, const Message& /*message*/, int /*stage*/) {}
  // tcp: a connection's server process hands `message` to its node's peer
  // service by gen_server:call and waits; `reply` runs when the peer
  // service has taken it. By default at once.
  virtual void DeliverByCall(NodeId from, NodeId to, const Message& message, Reply reply) {
    Deliver(from, to, message);
    reply(SimTime::Zero());
  }
};

class Network final : public EventHandler {
 public:
  Network(EventLoop* sim, NetworkConfig config, uint64_t root_seed, MessageReceiver* receiver,
          NetworkObserver* observer);

  // Nodes are up once added; ids are dense from 0.
  void EnsureNode(NodeId node);
  void SetNodeUp(NodeId node, bool up);
  bool IsUp(NodeId node) const { return node < up_.size() && up_[node]; }

  // Whether `from` can send to `to` right now.
  bool IsConnected(NodeId from, NodeId to) const;

  // datagram transport: sends one message (lost, cut or delivered). It
  // leaves at `departure` (>= now; a busy process's send) or now.
  void Send(NodeId from, NodeId to, Message message, SimTime departure = SimTime::Zero());
  // tcp transport: puts one packet of a connection's stream from -> to (its
  // `seq`) on the wire no earlier than `not_before`. Each loss costs a
  // retransmission timeout (TcpConfig::Backoff); later packets wait behind
  // it (FIFO). Returns false, sending nothing, when TCP would give up on
  // the segment. Only message packets are shown to the observer.
  bool Transmit(NodeId from, NodeId to, uint64_t seq, Message message, SimTime not_before,
                TcpPacket packet = {});
  // Whether the network carries from -> to, ignoring whether nodes are up.
  bool CanReach(NodeId from, NodeId to) const { return from != to && Reachable(from, to); }

  // tcp: the in-flight message sent earliest (a retransmission backed off
  // far ahead), or nullopt when nothing is in flight. Walks every slot: for
  // end-of-run checks only.
  struct InFlightAge {
    SimTime sent_at;
    NodeId from = 0, to = 0;
  };
  std::optional<InFlightAge> OldestTcpInFlight() const;
  // One draw of the link's latency (the network's random stream).
  SimDuration SampleLatency(NodeId from, NodeId to);
  void set_tcp_sink(TcpPacketSink* sink) { tcp_sink_ = sink; }
  // tcp: delivers a message the sink took (observed as delivered now).
  void DeliverNow(NodeId from, NodeId to, const Message& message);
  void DeliverByCall(NodeId from, NodeId to, const Message& message, MessageReceiver::Reply reply);

  // --- Faults and changes (scenario timeline) ---
  // Symmetric partition: nodes in different groups cannot reach each other;
  // nodes in no group form one more group. Replaces an earlier partition.
  void Partition(const std::vector<PeerSet>& groups);
  // One-way partition: nodes in `from` cannot reach nodes in `to`.
  void PartitionOneWay(const PeerSet& from, const PeerSet& to);
  // Ends every partition (symmetric and one-way); links set down stay down.
  void Heal();
  void SetLinkDown(NodeId from, NodeId to, bool down);
  void SetDefaultLatency(const LatencyDistribution& latency) { config_.latency = latency; }
  void SetDefaultLoss(double loss) { config_.loss = loss; }
  void SetLinkLatency(NodeId from, NodeId to, const LatencyDistribution& latency);
  void SetLinkLoss(NodeId from, NodeId to, double loss);

  const NetworkConfig& config() const { return config_; }
  // Whether any partition or downed link is in force (if not, every pair of
  // up nodes is connected).
  bool HasActiveCuts() const {
    return !group_.empty() || !one_way_.empty() || !links_down_.empty();
  }

  // Called whenever a fault cuts connectivity (a node goes down, a
  // partition, a link down): connection holders must learn of it.
  void set_on_cut(std::function<void()> on_cut) { on_cut_ = std::move(on_cut); }
  // Called whenever connectivity comes back (heal, link up, node up).
  void set_on_heal(std::function<void()> on_heal) { on_heal_ = std::move(on_heal); }
  // If set, a node going down or up calls this instead of on_cut / on_heal
  // (a node's change concerns only its own links: no full re-evaluation).
  void set_on_node(std::function<void(NodeId, bool up)> on_node) { on_node_ = std::move(on_node); }

  // Delivery events.
  void OnEvent(uint64_t slot) override;
  // Stage 0: the in-flight slot; later stages: the receiver's state.
  void Prefetch(uint64_t slot, int stage) override;

 private:
  struct LinkOverride {
    std::optional<LatencyDistribution> latency;
    std::optional<double> loss;
  };
  // One fault that separated some links, in the order they happened.
  struct Cut {
    enum class Kind { kGroups, kOneWay, kLink, kNode } kind;
    std::vector<uint32_t> group;  // kGroups: group per node
    std::vector<bool> from_set;   // kOneWay
    std::vector<bool> to_set;     // kOneWay
    NodeId a = 0, b = 0;          // kLink: a -> b; kNode: a
    bool Separates(NodeId from, NodeId to) const;
  };
  struct InFlight {
    NodeId from = 0;
    NodeId to = 0;
    uint32_t cuts_at_send = 0;
    Message message;
  };
  // tcp only, beside each slot (datagram runs keep slots small).
  struct TcpSlot {
    uint64_t seq = 0;  // the packet's place on its connection's stream
    SimTime sent_at;   // when it was put on the wire
    TcpPacket packet;
  };

  static uint64_t LinkKey(NodeId from, NodeId to) {
    return (static_cast<uint64_t>(from) << 32) | to;
  }
  bool Reachable(NodeId from, NodeId to) const;
  void AddCut(Cut cut, bool notify = true);
  const LinkOverride* Override(NodeId from, NodeId to) const;
  // Schedules the arrival; false if it would not fit in virtual time.
  bool Schedule(NodeId from, NodeId to, Message message, SimTime departure, SimDuration latency,
                uint64_t seq = 0, TcpPacket packet = {});
  void OnTcpArrival(InFlight f, TcpSlot tcp);

  EventLoop* const sim_;
  NetworkConfig config_;
  RandomStream rng_;
  MessageReceiver* const receiver_;
  NetworkObserver* const observer_;

  std::vector<bool> up_;
  // Current partitions.
  std::vector<uint32_t> group_;  // empty: no symmetric partition
  std::vector<Cut> one_way_;     // active one-way partitions
  absl::flat_hash_set<uint64_t> links_down_;
  absl::flat_hash_map<uint64_t, LinkOverride> overrides_;
  LinkClocks link_clocks_;  // the FIFO clamp
  // Every cut so far; a message remembers how many there were at send.
  std::vector<Cut> cuts_;
  std::function<void()> on_cut_;
  std::function<void()> on_heal_;
  std::function<void(NodeId, bool)> on_node_;
  TcpPacketSink* tcp_sink_ = nullptr;

  std::vector<InFlight> slots_;
  std::vector<TcpSlot> tcp_slots_;
  FreeIndices free_slots_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_NETWORK_H_
