// Port of partisan_plumtree_backend: the broadcast handler that disseminates
// heartbeats. Every broadcast_heartbeat_interval the node broadcasts the
// timestamp {Node, Epoch, Monotonic}; these broadcasts drive the
// construction and repair of one eager-push tree per root.
//
// The ETS table `partisan_plumtree_backend` (a set: Node -> {Epoch, ISet}) is
// `table_`. Lookups only, so its hash order never reaches behaviour.
//
// Deliberate difference: broadcast_data/1 returns {Timestamp, Timestamp};
// here the id carries the timestamp and the payload is null, since it would
// repeat the id. merge/2 treats a null payload as "equal to the id", which is
// what the Erlang clause merge(Timestamp, Timestamp) requires; a non-null
// payload fails that match, and safe_apply turns the failure into false.
#ifndef PLUMSIM_PROTOCOL_HEARTBEAT_BACKEND_H_
#define PLUMSIM_PROTOCOL_HEARTBEAT_BACKEND_H_

#include <any>
#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "protocol/broadcast_handler.h"
#include "protocol/broadcast_server.h"
#include "protocol/environment.h"
#include "protocol/interval_set.h"
#include "protocol/node_map.h"
#include "protocol/plumtree_config.h"

namespace plumsim {

// timestamp(): {Node, Epoch, Monotonic}; the #broadcast{} record wraps one.
struct HeartbeatTimestamp {
  NodeId node = 0;
  int64_t epoch = 0;
  int64_t monotonic = 0;
  BroadcastId ToId() const { return BroadcastId{node, epoch, monotonic}; }
  static HeartbeatTimestamp FromId(const BroadcastId& id) {
    return HeartbeatTimestamp{id.origin, id.epoch, id.sequence};
  }
  friend bool operator==(const HeartbeatTimestamp&, const HeartbeatTimestamp&) = default;
};

class HeartbeatBackend final : public BroadcastHandler {
 public:
  // The module name, as registered in broadcast_mods.
  static constexpr absl::string_view kName = "partisan_plumtree_backend";

  // `epoch` is the node's start time (erlang:system_time() at init); a
  // restarted node must get a larger one. `server` receives the heartbeats
  // this node originates under `handler_id` (broadcast/2, a cast).
  HeartbeatBackend(Environment* env, Broadcaster* server, HandlerId handler_id,
                   HeartbeatConfig config, int64_t epoch);

  // init/1: schedules the first heartbeat one interval from now (if the
  // broadcast option is on).
  void Start();

  // handle_info(heartbeat): Monotonic + 1, record, broadcast, reschedule.
  void OnTimer(TimerKind kind);

  // --- partisan_plumtree_broadcast_handler callbacks ---
  absl::string_view name() const override { return kName; }
  absl::StatusOr<BroadcastData> BroadcastDataOf(const std::any& message) override;
  bool Merge(const BroadcastId& id, const Payload& payload) override;
  bool IsStale(const BroadcastId& id) override;
  GraftResult Graft(const BroadcastId& id) override;
  ExchangeResult Exchange(NodeId peer) override;  // always ignore
  Channel broadcast_channel() const override { return Channel::kMembership; }

  // --- State, for tests and tools ---
  int64_t epoch() const { return epoch_; }
  int64_t monotonic() const { return monotonic_; }
  struct Entry {
    int64_t epoch = 0;
    IntervalSet received;
  };
  // The table entry for `node` (ets:lookup/2), if any.
  const Entry* Lookup(NodeId node) const;
  size_t table_size() const { return table_.size(); }
  // Bytes of the table, approximately (for the memory benchmarks).
  size_t ApproximateTableBytes() const;

 private:
  // add_timestamp/1.
  void AddTimestamp(const HeartbeatTimestamp& ts);
  // schedule_heartbeat/0.
  void ScheduleHeartbeat();

  Environment* const env_;
  Broadcaster* const server_;
  const HandlerId handler_id_;
  const HeartbeatConfig config_;
  const NodeId node_;
  const int64_t epoch_;
  int64_t monotonic_ = 0;
  // A stored entry always holds at least one timestamp.
  struct Stored {
    bool operator()(const Entry& entry) const { return !entry.received.empty(); }
  };
  NodeMap<Entry, Stored> table_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_HEARTBEAT_BACKEND_H_
