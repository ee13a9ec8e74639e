// The messages of partisan_plumtree_broadcast, one struct per Erlang tuple:
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

using PlumtreeMessage =
    std::variant<BroadcastMsg, PruneMsg, IHaveMsg, IgnoredIHaveMsg, GraftMsg>;

// "broadcast", "prune", "i_have", "ignored_i_have", "graft".
const char* MessageTypeName(const PlumtreeMessage& message);

// One line, Erlang-like: "{i_have, {n1,5,3}, h0, 2, n1, n4}".
std::string DebugString(const BroadcastId& id);
std::string DebugString(const PlumtreeMessage& message);

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_MESSAGE_H_
