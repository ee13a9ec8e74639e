// The ?PLUMTREE_OUTSTANDING table of partisan_plumtree_broadcast: an ETS
// duplicate_bag of {Peer, {MessageId, Mod, Round, Root}}, the lazy pushes
// (i_have messages) not yet acknowledged by Peer.
//
// Order: ets:foldl over a duplicate_bag visits keys in hash order; here peers
// ascending, and within a peer the order of insertion (what a duplicate_bag
// keeps for one key). send_lazy sends i_have messages in this order.
//
// Storage, not behaviour: per peer, its entries in insertion order; an
// acknowledged entry is marked and dropped when the marks outnumber the live
// entries. A count per fingerprint of (peer, entry) lets an acknowledgement
// that matches nothing return without a scan, and one that matches stop
// scanning once it has seen every entry that could be identical. At 10,000
// roots a node holds thousands of entries per peer, and scanning them all on
// every ignored_i_have made acknowledgements quadratic.
#ifndef PLUMSIM_PROTOCOL_OUTSTANDING_TABLE_H_
#define PLUMSIM_PROTOCOL_OUTSTANDING_TABLE_H_

#include <cstdint>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "protocol/message.h"
#include "protocol/ordset.h"

namespace plumsim {

// An outstanding lazy push: {MessageId, Mod, Round, Root} waiting for an ack
// from one peer.
struct OutstandingPush {
  BroadcastId id;
  HandlerId handler = 0;
  uint32_t round = 0;
  NodeId root = 0;
  friend bool operator==(const OutstandingPush&, const OutstandingPush&) = default;
};

class OutstandingTable {
 public:
  // ets:insert(Tab, {Peer, Push}).
  void Insert(NodeId peer, const OutstandingPush& push);
  // ets:delete_object(Tab, {Peer, Push}): removes every identical entry.
  // Returns how many it removed.
  size_t DeleteObject(NodeId peer, const OutstandingPush& push);
  // ets:delete(Tab, Peer): removes every entry of `peer`.
  void Delete(NodeId peer);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Visits the entries in fold order (peers ascending, then insertion order),
  // calling want_peer(peer) once per peer first; its entries are skipped when
  // it returns false. `visit` must not change the table.
  template <typename WantPeer, typename Visit>
  void ForEach(WantPeer&& want_peer, Visit&& visit) const {
    for (const auto& [peer, queue] : by_peer_) {
      if (!want_peer(peer)) continue;
      for (size_t i = queue.head; i < queue.entries.size(); ++i) {
        if (!queue.entries[i].acked) visit(peer, queue.entries[i].push);
      }
    }
  }

  // Bytes held, for the memory benchmarks.
  size_t ApproximateBytes() const;

 private:
  struct Entry {
    OutstandingPush push;
    bool acked = false;
  };
  struct PeerQueue {
    std::vector<Entry> entries;
    size_t head = 0;  // entries before head are all acked
    size_t live = 0;  // entries not acked
  };
  static uint64_t Fingerprint(NodeId peer, const OutstandingPush& push);
  void Forget(uint64_t fingerprint, uint32_t n);

  absl::btree_map<NodeId, PeerQueue> by_peer_;
  // Entries held per fingerprint (collisions only cost a longer scan).
  absl::flat_hash_map<uint64_t, uint32_t> count_;
  size_t size_ = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_OUTSTANDING_TABLE_H_
