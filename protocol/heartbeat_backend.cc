#include "protocol/heartbeat_backend.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"

namespace plumsim {

HeartbeatBackend::HeartbeatBackend(Environment* env, Broadcaster* server, HandlerId handler_id,
                                   HeartbeatConfig config, int64_t epoch)
    : env_(env),
      server_(server),
      handler_id_(handler_id),
      config_(config),
      node_(env->self()),
      epoch_(epoch) {}

void HeartbeatBackend::Start() { ScheduleHeartbeat(); }

void HeartbeatBackend::ScheduleHeartbeat() {
  if (!config_.broadcast) return;
  env_->StartTimer(config_.broadcast_heartbeat_interval, TimerKind::kHeartbeat);
}

void HeartbeatBackend::OnTimer(TimerKind kind) {
  PLUMSIM_CHECK_MSG(kind == TimerKind::kHeartbeat, "timer kind not owned by the heartbeat backend");
  const int64_t monotonic = monotonic_ + 1;
  // The node prefixes the timestamp with its own identifier, so that the
  // tree rooted at this node is told apart from the others.
  const HeartbeatTimestamp ts{node_, epoch_, monotonic};
  AddTimestamp(ts);
  server_->Broadcast(std::any(ts), handler_id_);
  ScheduleHeartbeat();
  monotonic_ = monotonic;
}

// broadcast_data(#broadcast{timestamp = T}) -> {T, T}.
absl::StatusOr<BroadcastData> HeartbeatBackend::BroadcastDataOf(const std::any& message) {
  const auto* ts = std::any_cast<HeartbeatTimestamp>(&message);
  if (ts == nullptr) {
    return absl::InvalidArgumentError("not a #broadcast{timestamp} record");
  }
  return BroadcastData{ts->ToId(), nullptr};
}

// merge(Timestamp, Timestamp): stale -> false; otherwise record -> true.
bool HeartbeatBackend::Merge(const BroadcastId& id, const Payload& payload) {
  if (payload != nullptr) return false;  // merge(T1, T2) with T1 =/= T2: no clause
  if (IsStale(id)) return false;
  AddTimestamp(HeartbeatTimestamp::FromId(id));
  return true;
}

// is_stale({Node, Epoch, Monotonic}).
bool HeartbeatBackend::IsStale(const BroadcastId& id) {
  const Entry* entry = Lookup(id.origin);
  if (entry == nullptr) return false;
  if (entry->epoch == id.epoch) return entry->received.Contains(id.sequence);
  return entry->epoch > id.epoch;
}

// graft({Node, Epoch, Monotonic}).
GraftResult HeartbeatBackend::Graft(const BroadcastId& id) {
  const Entry* entry = Lookup(id.origin);
  auto not_found = [&id] {
    return GraftResult::Error(absl::StrCat("{not_found, ", DebugString(id), "}"));
  };
  if (entry == nullptr) return not_found();
  if (entry->epoch == id.epoch) {
    return entry->received.Contains(id.sequence) ? GraftResult::Ok(nullptr) : not_found();
  }
  if (entry->epoch > id.epoch) return GraftResult::Stale();
  return not_found();  // stored epoch < Epoch
}

// exchange(_Peer) -> ignore: the next heartbeat repairs the tree.
ExchangeResult HeartbeatBackend::Exchange(NodeId /*peer*/) {
  return ExchangeResult{ExchangeResult::Kind::kIgnore, 0};
}

const HeartbeatBackend::Entry* HeartbeatBackend::Lookup(NodeId node) const {
  return table_.Find(node);
}

size_t HeartbeatBackend::ApproximateTableBytes() const {
  size_t bytes = table_.ApproximateBytes();
  table_.ForEach([&bytes](NodeId, const Entry& entry) {
    if (entry.received.interval_count() > 1) {
      bytes += entry.received.interval_count() * sizeof(IntervalSet::Interval);
    }
  });
  return bytes;
}

// add_timestamp/1: no entry or an older epoch -> {Epoch, [Monotonic]}; same
// epoch -> add Monotonic; newer stored epoch -> ignore (an old message).
void HeartbeatBackend::AddTimestamp(const HeartbeatTimestamp& ts) {
  auto [stored, inserted] = table_.TryEmplace(ts.node);
  Entry& entry = *stored;
  if (inserted || entry.epoch < ts.epoch) {
    entry.epoch = ts.epoch;
    entry.received = IntervalSet{ts.monotonic};
  } else if (entry.epoch == ts.epoch) {
    entry.received.Add(ts.monotonic);
  }
}

}  // namespace plumsim
