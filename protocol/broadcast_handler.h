// Port of the partisan_plumtree_broadcast_handler behaviour: what a module
// must provide to have its messages disseminated by the broadcast server.
// The heartbeat backend is one implementation; application handlers (with
// real payloads and anti-entropy exchanges) plug in the same way.
#ifndef PLUMSIM_PROTOCOL_BROADCAST_HANDLER_H_
#define PLUMSIM_PROTOCOL_BROADCAST_HANDLER_H_

#include <any>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocol/message.h"
#include "protocol/ordset.h"

namespace plumsim {

// broadcast_data/1's answer: {MessageId, Payload}.
struct BroadcastData {
  BroadcastId id;
  Payload payload;
};

// graft/1's answer: stale | {ok, Payload} | {error, Reason}.
struct GraftResult {
  enum class Kind { kStale, kOk, kError };
  Kind kind = Kind::kError;
  Payload payload;    // with kOk
  std::string error;  // with kError
  static GraftResult Stale() { return {Kind::kStale, nullptr, ""}; }
  static GraftResult Ok(Payload p) { return {Kind::kOk, std::move(p), ""}; }
  static GraftResult Error(std::string reason) {
    return {Kind::kError, nullptr, std::move(reason)};
  }
};

// exchange/1's answer: ignore | ok | {ok, Pid} | {error, Reason}.
struct ExchangeResult {
  enum class Kind { kIgnore, kOk, kStarted, kError };
  Kind kind = Kind::kIgnore;
  // With kStarted: identifies the running exchange (Erlang: the monitored
  // pid). The host reports its end with BroadcastServer::ExchangeFinished.
  uint64_t exchange = 0;
};

class BroadcastHandler {
 public:
  virtual ~BroadcastHandler() = default;

  // The module name; the server orders handlers by it (lists:usort(Mods)).
  virtual absl::string_view name() const = 0;

  // broadcast_data/1: the id and payload of a handler-specific broadcast
  // message (Erlang: any term). An error cancels the broadcast, as an
  // exception in the callback does in Partisan.
  virtual absl::StatusOr<BroadcastData> BroadcastDataOf(const std::any& message) = 0;

  // merge/2: true if the message is new here (it is then delivered and
  // stored), false if stale or on failure.
  virtual bool Merge(const BroadcastId& id, const Payload& payload) = 0;

  // is_stale/1
  virtual bool IsStale(const BroadcastId& id) = 0;

  // graft/1
  virtual GraftResult Graft(const BroadcastId& id) = 0;

  // exchange/1
  virtual ExchangeResult Exchange(NodeId peer) = 0;

  // broadcast_channel/0 (optional callback; default channel otherwise).
  virtual Channel broadcast_channel() const { return Channel::kDefault; }
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_BROADCAST_HANDLER_H_
