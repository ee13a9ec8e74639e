#include "protocol/store_handler.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace plumsim {

StoreHandler::Stream* StoreHandler::FindStream(const BroadcastId& id, bool add) {
  if (!streams_.empty()) {
    Stream& last = streams_[last_stream_];
    if (IsStreamOf(last, id)) return &last;
  }
  const std::pair<NodeId, int64_t> key{id.origin, id.epoch};
  auto it = stream_index_.find(key);
  if (it == stream_index_.end()) {
    if (!add) return nullptr;
    it = stream_index_.emplace(key, static_cast<uint32_t>(streams_.size())).first;
    streams_.push_back(Stream{id.origin, id.epoch, {}, {}});
  }
  last_stream_ = it->second;
  return &streams_[last_stream_];
}

bool StoreHandler::Store(const BroadcastId& id, const Payload& payload) {
  if (!Dense(id)) {
    if (!sparse_.emplace(id, payload).second) return false;
    ++delivered_;
    return true;
  }
  Stream* stream = FindStream(id, /*add=*/true);
  if (Present(*stream, id.sequence)) return false;
  const uint64_t i = static_cast<uint64_t>(id.sequence - 1);
  if (stream->present.size() <= i / 64) stream->present.resize(i / 64 + 1, 0);
  stream->present[i / 64] |= uint64_t{1} << (i % 64);
  if (stream->payloads.size() <= i) stream->payloads.resize(i + 1);
  stream->payloads[i] = payload;
  ++delivered_;
  return true;
}

absl::StatusOr<BroadcastData> StoreHandler::BroadcastDataOf(const std::any& message) {
  const auto* request = std::any_cast<StoreBroadcast>(&message);
  if (request == nullptr) {
    return absl::InvalidArgumentError("not a StoreBroadcast");
  }
  const BroadcastId id{self_, epoch_, next_sequence_++};
  Store(id, request->payload);
  return BroadcastData{id, request->payload};
}

bool StoreHandler::Merge(const BroadcastId& id, const Payload& payload) {
  return Store(id, payload);
}

bool StoreHandler::IsStale(const BroadcastId& id) {
  if (!Dense(id)) return sparse_.contains(id);
  const Stream* stream = FindStream(id, /*add=*/false);
  return stream != nullptr && Present(*stream, id.sequence);
}

GraftResult StoreHandler::Graft(const BroadcastId& id) {
  if (!Dense(id)) {
    if (auto it = sparse_.find(id); it != sparse_.end()) return GraftResult::Ok(it->second);
  } else if (const Stream* stream = FindStream(id, /*add=*/false);
             stream != nullptr && Present(*stream, id.sequence)) {
    return GraftResult::Ok(stream->payloads[static_cast<size_t>(id.sequence - 1)]);
  }
  return GraftResult::Error(absl::StrCat("{not_found, ", DebugString(id), "}"));
}

}  // namespace plumsim
