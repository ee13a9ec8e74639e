// The wire messages: those of partisan_plumtree_broadcast and of
// partisan_hyparview_peer_service_manager, one struct per Erlang tuple.
//
// partisan_plumtree_broadcast:
//   {broadcast, MessageId, Payload, Mod, Round, Root, From}
//   {prune, Root, From}
//   {i_have, MessageId, Mod, Round, Root, From}
//   {ignored_i_have, MessageId, Mod, Round, Root, From}
//   {graft, MessageId, Mod, Round, Root, From}
// `Mod` (the handler module) travels as a HandlerId that every node
// registers identically.
#ifndef PLUMSIM_PROTOCOL_MESSAGE_H_
#define PLUMSIM_PROTOCOL_MESSAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "protocol/ordset.h"

namespace plumsim {

// Which handler a broadcast belongs to (Erlang: the handler module atom).
using HandlerId = uint16_t;

// A broadcast's identifier. Handlers define what it means; the broadcast
// server only stores, compares and forwards it. It names the origin node,
// the origin's incarnation (epoch) and a sequence number, which fits the
// heartbeat backend ({Node, Epoch, Monotonic}) and application handlers
// alike (origin, incarnation, message counter).
struct BroadcastId {
  NodeId origin = 0;
  int64_t epoch = 0;
  int64_t sequence = 0;
  friend bool operator==(const BroadcastId&, const BroadcastId&) = default;
  friend auto operator<=>(const BroadcastId&, const BroadcastId&) = default;
};

// A broadcast's payload, opaque to the server and shared between the copies
// sent to several peers. Null means "no bytes" (the heartbeat backend's
// payload is its id, so it carries none: see heartbeat_backend.h).
using Payload = std::shared_ptr<const std::string>;

// The channel a handler's messages use (Partisan channels: separate TCP
// connections). The simulator's network gives each directed link one FIFO
// order whatever the channel; the value is kept for fidelity and traces.
enum class Channel : uint8_t { kDefault = 0, kMembership = 1 };

struct BroadcastMsg {
  BroadcastId id;
  Payload payload;
  HandlerId handler = 0;
  uint32_t round = 0;
  NodeId root = 0;
  NodeId from = 0;
};

struct PruneMsg {
  NodeId root = 0;
  NodeId from = 0;
  friend bool operator==(const PruneMsg&, const PruneMsg&) = default;
};

// The three lazy-push control messages share one shape; the tag keeps them
// distinct types, as the Erlang tuples are distinct by their first element.
template <typename Tag>
struct LazyControlMsg {
  BroadcastId id;
  HandlerId handler = 0;
  uint32_t round = 0;
  NodeId root = 0;
  NodeId from = 0;
  friend bool operator==(const LazyControlMsg&, const LazyControlMsg&) = default;
};
using IHaveMsg = LazyControlMsg<struct IHaveTag>;
using IgnoredIHaveMsg = LazyControlMsg<struct IgnoredIHaveTag>;
using GraftMsg = LazyControlMsg<struct GraftTag>;

// Payloads compare by content: two copies of one broadcast are equal.
bool operator==(const BroadcastMsg& a, const BroadcastMsg& b);

// --- partisan_hyparview_peer_service_manager ---
// Node specs travel as NodeIds; tags and reservations are not ported (see
// protocol/hyparview.h).

// A disconnect id {Epoch, Counter} (sent_message_map / recv_message_map).
struct DisconnectId {
  int64_t epoch = 1;
  int64_t counter = 0;
  friend bool operator==(const DisconnectId&, const DisconnectId&) = default;
};

// {join, Peer, PeerTag, PeerEpoch}
struct JoinMsg {
  NodeId peer = 0;
  int64_t epoch = 0;
  friend bool operator==(const JoinMsg&, const JoinMsg&) = default;
};
// {neighbor, Peer, PeerTag, DisconnectId, Sender}
struct NeighborMsg {
  NodeId peer = 0;
  DisconnectId disconnect_id;
  friend bool operator==(const NeighborMsg&, const NeighborMsg&) = default;
};
// {forward_join, Peer, PeerTag, PeerEpoch, TTL, Sender}
struct ForwardJoinMsg {
  NodeId peer = 0;
  int64_t epoch = 0;
  int64_t ttl = 0;
  NodeId sender = 0;
  friend bool operator==(const ForwardJoinMsg&, const ForwardJoinMsg&) = default;
};
// {disconnect, Peer, DisconnectId}
struct DisconnectMsg {
  NodeId peer = 0;
  DisconnectId disconnect_id;
  friend bool operator==(const DisconnectMsg&, const DisconnectMsg&) = default;
};
// {neighbor_request, Peer, Priority, PeerTag, DisconnectId, Exchange}
struct NeighborRequestMsg {
  NodeId peer = 0;
  bool high_priority = true;
  DisconnectId disconnect_id;
  std::vector<NodeId> exchange;
  friend bool operator==(const NeighborRequestMsg&, const NeighborRequestMsg&) = default;
};
// {neighbor_rejected, Peer, Exchange}, or {neighbor_rejected, Peer} (one
// Erlang branch sends no exchange; no receiving clause matches it).
struct NeighborRejectedMsg {
  NodeId peer = 0;
  bool has_exchange = true;
  std::vector<NodeId> exchange;
  friend bool operator==(const NeighborRejectedMsg&, const NeighborRejectedMsg&) = default;
};
// {neighbor_accepted, Peer, PeerTag, DisconnectId, Exchange}
struct NeighborAcceptedMsg {
  NodeId peer = 0;
  DisconnectId disconnect_id;
  std::vector<NodeId> exchange;
  friend bool operator==(const NeighborAcceptedMsg&, const NeighborAcceptedMsg&) = default;
};
// {shuffle, Exchange, TTL, Sender}
struct ShuffleMsg {
  std::vector<NodeId> exchange;
  int64_t ttl = 0;
  NodeId sender = 0;
  friend bool operator==(const ShuffleMsg&, const ShuffleMsg&) = default;
};
// {shuffle_reply, Exchange, Sender}
struct ShuffleReplyMsg {
  std::vector<NodeId> exchange;
  NodeId sender = 0;
  friend bool operator==(const ShuffleReplyMsg&, const ShuffleReplyMsg&) = default;
};

// Every wire message. Indices 0..4 are Plumtree's (kPlumtreeMessageTypes).
using Message = std::variant<BroadcastMsg, PruneMsg, IHaveMsg, IgnoredIHaveMsg, GraftMsg, JoinMsg,
                             NeighborMsg, ForwardJoinMsg, DisconnectMsg, NeighborRequestMsg,
                             NeighborRejectedMsg, NeighborAcceptedMsg, ShuffleMsg, ShuffleReplyMsg>;
inline constexpr int kPlumtreeMessageTypes = 5;
inline constexpr int kMessageTypes = static_cast<int>(std::variant_size_v<Message>);
// The variant index of message type T (e.g. the `cause_type` of
// PeerSetChange).
template <typename T, size_t I = 0>
constexpr int MessageIndex() {
  if constexpr (std::is_same_v<std::variant_alternative_t<I, Message>, T>) {
    return static_cast<int>(I);
  } else {
    return MessageIndex<T, I + 1>();
  }
}
inline bool IsPlumtreeMessage(const Message& m) {
  return static_cast<int>(m.index()) < kPlumtreeMessageTypes;
}

// What the prefetch hints read of a Plumtree message, read once per hint:
// its kind (the variant index), its root (every one has one), and the id and
// handler of a broadcast or a lazy control message (root nullptr for a
// membership message, id nullptr for a prune). A switch on the index, not
// std::visit: the hints run for every delivery ahead, and a visit is an
// indirect call that is not inlined.
struct PlumtreeKey {
  size_t kind = 0;
  const NodeId* root = nullptr;
  const BroadcastId* id = nullptr;
  HandlerId handler = 0;
};
inline PlumtreeKey PlumtreeKeyOf(const Message& m) {
  const auto lazy = [&m](const auto* c) {
    return PlumtreeKey{m.index(), &c->root, &c->id, c->handler};
  };
  switch (m.index()) {
    case MessageIndex<BroadcastMsg>():
      return lazy(std::get_if<BroadcastMsg>(&m));
    case MessageIndex<PruneMsg>():
      return PlumtreeKey{m.index(), &std::get_if<PruneMsg>(&m)->root, nullptr, 0};
    case MessageIndex<IHaveMsg>():
      return lazy(std::get_if<IHaveMsg>(&m));
    case MessageIndex<IgnoredIHaveMsg>():
      return lazy(std::get_if<IgnoredIHaveMsg>(&m));
    case MessageIndex<GraftMsg>():
      return lazy(std::get_if<GraftMsg>(&m));
    default:
      return PlumtreeKey{m.index(), nullptr, nullptr, 0};
  }
}

// "broadcast", "prune", "i_have", "ignored_i_have", "graft", "join",
// "neighbor", "forward_join", "disconnect", "neighbor_request",
// "neighbor_rejected", "neighbor_accepted", "shuffle", "shuffle_reply".
const char* MessageTypeName(const Message& message);
const char* MessageTypeName(size_t index);

// One line, Erlang-like: "{i_have, {n1,5,3}, h0, 2, n1, n4}".
std::string DebugString(const BroadcastId& id);
std::string DebugString(const Message& message);

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_MESSAGE_H_
