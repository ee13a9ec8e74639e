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
  const CompactEntry* entry = table_.Find(id.origin);
  if (entry == nullptr) return false;
  if (entry->epoch == id.epoch) return Received(*entry, id.sequence);
  return entry->epoch > id.epoch;
}

// graft({Node, Epoch, Monotonic}).
GraftResult HeartbeatBackend::Graft(const BroadcastId& id) {
  const CompactEntry* entry = table_.Find(id.origin);
  auto not_found = [&id] {
    return GraftResult::Error(absl::StrCat("{not_found, ", DebugString(id), "}"));
  };
  if (entry == nullptr) return not_found();
  if (entry->epoch == id.epoch) {
    return Received(*entry, id.sequence) ? GraftResult::Ok(nullptr) : not_found();
  }
  if (entry->epoch > id.epoch) return GraftResult::Stale();
  return not_found();  // stored epoch < Epoch
}

// exchange(_Peer) -> ignore: the next heartbeat repairs the tree.
ExchangeResult HeartbeatBackend::Exchange(NodeId /*peer*/) {
  return ExchangeResult{ExchangeResult::Kind::kIgnore, 0};
}

std::optional<HeartbeatBackend::Entry> HeartbeatBackend::Lookup(NodeId node) const {
  const CompactEntry* stored = table_.Find(node);
  if (stored == nullptr) return std::nullopt;
  Entry entry{stored->epoch, {}};
  if (stored->spilled()) {
    entry.received = spilled_[stored->high_or_spill];
  } else {
    entry.received = IntervalSet::Range(stored->low_plus1 - 1, stored->high_or_spill);
  }
  return entry;
}

size_t HeartbeatBackend::ApproximateTableBytes() const {
  size_t bytes = table_.ApproximateBytes() + free_spills_.capacity() * sizeof(uint32_t) +
                 spilled_.capacity() * sizeof(IntervalSet);
  for (const IntervalSet& set : spilled_) {
    if (set.interval_count() > 1) bytes += set.interval_count() * sizeof(IntervalSet::Interval);
  }
  return bytes;
}

bool HeartbeatBackend::Received(const CompactEntry& entry, int64_t sequence) const {
  if (entry.spilled()) return spilled_[entry.high_or_spill].Contains(sequence);
  return static_cast<int64_t>(entry.low_plus1) - 1 <= sequence &&
         sequence <= static_cast<int64_t>(entry.high_or_spill);
}

void HeartbeatBackend::ResetTo(CompactEntry& entry, int64_t sequence) {
  if (entry.spilled()) {
    spilled_[entry.high_or_spill].Clear();
    free_spills_.push_back(entry.high_or_spill);
  }
  if (FitsInline(sequence, sequence)) {
    entry.low_plus1 = static_cast<uint32_t>(sequence + 1);
    entry.high_or_spill = static_cast<uint32_t>(sequence);
    return;
  }
  entry.low_plus1 = 0;  // not spilled, so Spill does not free it again
  Spill(entry, sequence, sequence, sequence);
}

void HeartbeatBackend::AddTo(CompactEntry& entry, int64_t sequence) {
  if (entry.spilled()) {
    spilled_[entry.high_or_spill].Add(sequence);
    return;
  }
  const int64_t low = static_cast<int64_t>(entry.low_plus1) - 1;
  const int64_t high = entry.high_or_spill;
  if (low <= sequence && sequence <= high) return;
  if (sequence == high + 1 && FitsInline(low, sequence)) {
    entry.high_or_spill = static_cast<uint32_t>(sequence);
  } else if (sequence == low - 1 && FitsInline(sequence, high)) {
    entry.low_plus1 = static_cast<uint32_t>(sequence + 1);
  } else {
    Spill(entry, low, high, sequence);
  }
}

void HeartbeatBackend::Spill(CompactEntry& entry, int64_t low, int64_t high, int64_t sequence) {
  IntervalSet set = IntervalSet::Range(low, high);
  set.Add(sequence);
  uint32_t index;
  if (!free_spills_.empty()) {
    index = free_spills_.back();
    free_spills_.pop_back();
    spilled_[index] = std::move(set);
  } else {
    index = static_cast<uint32_t>(spilled_.size());
    spilled_.push_back(std::move(set));
  }
  entry.low_plus1 = kSpilled;
  entry.high_or_spill = index;
}

// add_timestamp/1: no entry or an older epoch -> {Epoch, [Monotonic]}; same
// epoch -> add Monotonic; newer stored epoch -> ignore (an old message).
void HeartbeatBackend::AddTimestamp(const HeartbeatTimestamp& ts) {
  auto [stored, inserted] = table_.TryEmplace(ts.node);
  CompactEntry& entry = *stored;
  if (inserted || entry.epoch < ts.epoch) {
    entry.epoch = ts.epoch;
    ResetTo(entry, ts.monotonic);
  } else if (entry.epoch == ts.epoch) {
    AddTo(entry, ts.monotonic);
  }
}

}  // namespace plumsim
