// Port of partisan_plumtree_backend: the broadcast handler that disseminates
// heartbeats. Every broadcast_heartbeat_interval the node broadcasts the
// timestamp {Node, Epoch, Monotonic}; these broadcasts drive the
// construction and repair of one eager-push tree per root.
//
// The ETS table `partisan_plumtree_backend` (a set: Node -> {Epoch, ISet}) is
// `table_`. Lookups only, so its hash order never reaches behaviour.
//
// Storage: a 10,000-node run holds 10^8 entries, nearly all of them one
// interval of small counters. An entry is therefore 16 bytes: the epoch and
// one interval as two 32-bit bounds; an ISet of more intervals, or with
// bounds beyond 32 bits, moves to a side table of full IntervalSets (freed
// when a newer epoch replaces it). The set it stands for is the same.
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
#include <vector>

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

  // A hint: starts loading the table entry is_stale/graft of `id` reads.
  void Prefetch(const BroadcastId& id) const { table_.Prefetch(id.origin); }

  // --- State, for tests and tools ---
  int64_t epoch() const { return epoch_; }
  int64_t monotonic() const { return monotonic_; }
  struct Entry {
    int64_t epoch = 0;
    IntervalSet received;
  };
  // The table entry for `node` (ets:lookup/2), if any: a copy.
  std::optional<Entry> Lookup(NodeId node) const;
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
  // An entry as stored: {Epoch, ISet} with the ISet one interval
  // [low, high] inline, or `spill` = the index of a full IntervalSet in
  // `spilled_`. A stored entry always holds at least one timestamp; a
  // default (absent) one has `low_plus1` 0.
  struct CompactEntry {
    int64_t epoch = 0;
    uint32_t low_plus1 = 0;  // low + 1; kSpilled: the set is spilled_[high_or_spill]
    uint32_t high_or_spill = 0;
    bool spilled() const { return low_plus1 == kSpilled; }
  };
  static_assert(sizeof(CompactEntry) == 16);
  static constexpr uint32_t kSpilled = ~uint32_t{0};
  struct Stored {
    bool operator()(const CompactEntry& entry) const { return entry.low_plus1 != 0; }
  };
  // is_element(Monotonic, ISet) of a stored entry.
  bool Received(const CompactEntry& entry, int64_t sequence) const;
  // ISet := [Monotonic] (a new entry, or a newer epoch).
  void ResetTo(CompactEntry& entry, int64_t sequence);
  // add_element(Monotonic, ISet).
  void AddTo(CompactEntry& entry, int64_t sequence);
  // Moves an inline interval to spilled_, adding `sequence`.
  void Spill(CompactEntry& entry, int64_t low, int64_t high, int64_t sequence);
  static bool FitsInline(int64_t low, int64_t high) {
    return low >= 0 && high < static_cast<int64_t>(kSpilled) - 1;
  }

  NodeMap<CompactEntry, Stored> table_;
  std::vector<IntervalSet> spilled_;
  std::vector<uint32_t> free_spills_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_HEARTBEAT_BACKEND_H_
