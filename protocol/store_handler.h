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
#include <utility>
#include <vector>

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
  bool IsStale(const BroadcastId& id) override;
  GraftResult Graft(const BroadcastId& id) override;
  // No anti-entropy: exchange -> ignore.
  ExchangeResult Exchange(NodeId) override { return {}; }

  size_t delivered_count() const { return delivered_; }
  int64_t sent_count() const { return next_sequence_ - 1; }
  // A hint: starts loading the stream the last merge used (the likeliest
  // next one).
  void PrefetchLastStream() const {
    if (last_stream_ < streams_.size()) __builtin_prefetch(&streams_[last_stream_]);
  }
  // The next hint, once the last stream is in cache: if `id` is in it, the
  // words Store and IsStale read and write for `id`.
  void PrefetchSlot(const BroadcastId& id) const {
    if (last_stream_ >= streams_.size() || !Dense(id)) return;
    const Stream& last = streams_[last_stream_];
    if (!IsStreamOf(last, id)) return;
    const uint64_t i = static_cast<uint64_t>(id.sequence - 1);
    if (i / 64 < last.present.size()) __builtin_prefetch(&last.present[i / 64]);
    if (i < last.payloads.size()) __builtin_prefetch(&last.payloads[i]);
  }

 private:
  // Storage, not behaviour: the ids a store handler hands out are dense per
  // origin incarnation ({origin, epoch, 1..n}), so a node's store is one
  // stream per incarnation it has heard of: a bit and a payload slot per
  // sequence, and the last stream used kept at hand (a node usually hears
  // one root at a time). Ids with a sequence outside 1..kMaxDenseSequence
  // go to a hash map (none do in a scenario of fewer messages per origin).
  struct Stream {
    NodeId origin = 0;
    int64_t epoch = 0;
    std::vector<uint64_t> present;  // bit sequence - 1
    std::vector<Payload> payloads;  // [sequence - 1]
  };
  static constexpr int64_t kMaxDenseSequence = int64_t{1} << 24;
  struct IdHash {
    size_t operator()(const BroadcastId& id) const {
      return absl::HashOf(id.origin, id.epoch, id.sequence);
    }
  };
  static bool IsStreamOf(const Stream& stream, const BroadcastId& id) {
    return stream.origin == id.origin && stream.epoch == id.epoch;
  }
  // The stream of a dense `id`'s incarnation, or nullptr (added if `add`).
  Stream* FindStream(const BroadcastId& id, bool add);
  static bool Dense(const BroadcastId& id) {
    return id.sequence >= 1 && id.sequence <= kMaxDenseSequence;
  }
  static bool Present(const Stream& stream, int64_t sequence) {
    const uint64_t i = static_cast<uint64_t>(sequence - 1);
    return i / 64 < stream.present.size() && (stream.present[i / 64] >> (i % 64) & 1) != 0;
  }
  // Stores a new id; false if it was stored already.
  bool Store(const BroadcastId& id, const Payload& payload);

  const NodeId self_;
  const int64_t epoch_;
  int64_t next_sequence_ = 1;
  size_t delivered_ = 0;
  std::vector<Stream> streams_;
  absl::flat_hash_map<std::pair<NodeId, int64_t>, uint32_t> stream_index_;
  uint32_t last_stream_ = 0;  // index into streams_, valid when non-empty
  absl::flat_hash_map<BroadcastId, Payload, IdHash> sparse_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_STORE_HANDLER_H_
