// An application broadcast handler, as in the Plumtree paper's experiments:
// it keeps every message it has delivered and answers is_stale and graft
// from that store. Scenarios broadcast their own messages through it beside
// the heartbeat backend. Sans-IO like the rest of protocol/.
//
// Message ids are {origin, origin's epoch, per-origin counter}.
#ifndef PLUMSIM_PROTOCOL_STORE_HANDLER_H_
#define PLUMSIM_PROTOCOL_STORE_HANDLER_H_

#include <any>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "protocol/broadcast_handler.h"

namespace plumsim {

// What a local application asks to broadcast: the payload (the server and
// handler assign nothing else; the id comes from the handler).
struct StoreBroadcast {
  Payload payload;
};

class StoreHandler final : public BroadcastHandler {
 public:
  static constexpr absl::string_view kName = "plumsim_store_handler";

  StoreHandler(NodeId self, int64_t epoch) : self_(self), epoch_(epoch) {}

  absl::string_view name() const override { return kName; }
  // Assigns the next id {self, epoch, n} and stores the message locally (the
  // origin has "delivered" its own message).
  absl::StatusOr<BroadcastData> BroadcastDataOf(const std::any& message) override;
  // New id: store and deliver -> true. Known id: false.
  bool Merge(const BroadcastId& id, const Payload& payload) override;
  bool IsStale(const BroadcastId& id) override { return store_.contains(id); }
  GraftResult Graft(const BroadcastId& id) override;
  // No anti-entropy: exchange -> ignore.
  ExchangeResult Exchange(NodeId) override { return {}; }

  size_t delivered_count() const { return store_.size(); }
  int64_t sent_count() const { return next_sequence_ - 1; }

 private:
  struct IdHash {
    size_t operator()(const BroadcastId& id) const {
      return absl::HashOf(id.origin, id.epoch, id.sequence);
    }
  };
  const NodeId self_;
  const int64_t epoch_;
  int64_t next_sequence_ = 1;
  absl::flat_hash_map<BroadcastId, Payload, IdHash> store_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_STORE_HANDLER_H_
