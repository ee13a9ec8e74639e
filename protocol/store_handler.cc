#include "protocol/store_handler.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace plumsim {

absl::StatusOr<BroadcastData> StoreHandler::BroadcastDataOf(
    const std::any& message) {
  const auto* request = std::any_cast<StoreBroadcast>(&message);
  if (request == nullptr) {
    return absl::InvalidArgumentError("not a StoreBroadcast");
  }
  const BroadcastId id{self_, epoch_, next_sequence_++};
  store_.emplace(id, request->payload);
  return BroadcastData{id, request->payload};
}

bool StoreHandler::Merge(const BroadcastId& id, const Payload& payload) {
  return store_.emplace(id, payload).second;
}

GraftResult StoreHandler::Graft(const BroadcastId& id) {
  auto it = store_.find(id);
  if (it == store_.end()) {
    return GraftResult::Error(absl::StrCat("{not_found, ", DebugString(id), "}"));
  }
  return GraftResult::Ok(it->second);
}

}  // namespace plumsim
