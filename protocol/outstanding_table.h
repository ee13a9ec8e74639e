// The ?PLUMTREE_OUTSTANDING table of partisan_plumtree_broadcast: an ETS
// duplicate_bag of {Peer, {MessageId, Mod, Round, Root}}, the lazy pushes
// (i_have messages) not yet acknowledged by Peer.
//
// Order: ets:foldl over a duplicate_bag visits keys in hash order; here peers
// ascending, and within a peer the order of insertion (what a duplicate_bag
// keeps for one key). send_lazy sends i_have messages in this order.
//
// Storage, not behaviour. A lazy push goes to several peers at once
// (add_all_outstanding/5 inserts the same {Id, Mod, Round, Root} for each
// lazy peer), so the push is stored once, as a shared record counted by its
// entries, and each peer's queue holds, in insertion order, 8-byte entries:
// the record's index and a 32-bit fingerprint of (peer, push). An
// acknowledged entry is marked and dropped when the marks outnumber the live
// entries; records whose entries are all gone are reused, and compacted
// away once they outnumber the records in use, so the table's memory follows
// the lazy pushes pending, not the most it ever held.
//
// At 10,000 roots a node holds thousands of entries per peer, and scanning
// them all on every ignored_i_have made acknowledgements quadratic, so the
// table counts its entries by fingerprint: an acknowledgement whose count is
// zero returns without a scan, and one that matches stops scanning once it
// has seen as many equal fingerprints as the count; the scan reads a record
// only when fingerprints agree. The counts are a counting filter of one byte
// per slot, with at least twice as many slots as entries. A slot's count is
// that of every fingerprint that falls in it, so it bounds each one's from
// above, which is all the scan needs. A count of 255 sticks, and means "scan
// the whole queue", until the filter is next rebuilt. The filter replaced a
// hash map of exact counts, whose control bytes and slot were two misses per
// lazy push; it is one small block that the prefetch hints whole.
//
// The peers' queues are one vector sorted by peer (a HyParView node has a
// handful of lazy peers: one short block, no tree to walk). A queue that
// empties keeps its slot and a small buffer, so the next lazy push to that
// peer allocates nothing; empty slots are dropped once they outnumber the
// others (docs/performance.md, "Node-major layout").
#ifndef PLUMSIM_PROTOCOL_OUTSTANDING_TABLE_H_
#define PLUMSIM_PROTOCOL_OUTSTANDING_TABLE_H_

#include <cstdint>
#include <vector>

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
  // ets:insert(Tab, {Peer, Push}) for each of `peers` but `except`, in the
  // order given (add_all_outstanding/5); the push is stored once.
  template <typename Peers>
  void InsertAll(const Peers& peers, NodeId except, const OutstandingPush& push) {
    uint32_t record = kNoRecord;
    for (NodeId peer : peers) {
      if (peer == except) continue;
      if (record == kNoRecord) record = NewRecord(push);
      AddEntry(peer, push, record);
    }
  }
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
    for (const PeerQueue& queue : queues_) {
      if (queue.live == 0 || !want_peer(queue.peer)) continue;
      for (size_t i = queue.head; i < queue.entries.size(); ++i) {
        const uint32_t record = queue.entries[i].record;
        if (record != kAcked) visit(queue.peer, records_[record].push);
      }
    }
  }

  // A hint (changes nothing): at step 0, the fingerprint counts and the
  // peers' queue headers; at step 1, once those are in cache, each queue's
  // head and tail entries and the next record to fill. What a broadcast's
  // lazy push and an ignored_i_have's acknowledgement touch first.
  void Prefetch(int step) const;

  // Bytes held, for the memory benchmarks.
  size_t ApproximateBytes() const;

 private:
  static constexpr uint32_t kNoRecord = 0xffffffffu;
  static constexpr uint32_t kAcked = 0xffffffffu;  // an entry's mark
  // A push and the number of live entries that point to it. A record with
  // no entries is free and heads the free list through `entries`.
  struct Record {
    OutstandingPush push;
    uint32_t entries = 0;
  };
  struct Entry {
    uint32_t record;  // kAcked once acknowledged
    uint32_t fingerprint;
  };
  struct PeerQueue {
    NodeId peer = 0;
    uint32_t head = 0;  // entries before head are all acked
    uint32_t live = 0;  // entries not acked; 0: an empty queue kept for reuse
    std::vector<Entry> entries;
  };
  // An empty queue keeps a buffer of at most this many entries.
  static constexpr size_t kKeptEntries = 16;
  // The first queue of a peer not below `peer`.
  std::vector<PeerQueue>::iterator Position(NodeId peer);
  // The queue of `peer` (live or empty), or nullptr.
  PeerQueue* FindQueue(NodeId peer);
  // The queue of `peer`, added (empty) in peer order if absent.
  PeerQueue& QueueFor(NodeId peer);
  // Empties `queue` (it has no live entry), keeping a small buffer; drops
  // the empty queues once they outnumber the others.
  void Emptied(PeerQueue& queue);
  static uint32_t Fingerprint(NodeId peer, const OutstandingPush& push);
  uint32_t NewRecord(const OutstandingPush& push);
  void AddEntry(NodeId peer, const OutstandingPush& push, uint32_t record);
  void Release(uint32_t record);
  // Moves the records in use to the front, renumbers the entries, frees the
  // rest.
  void CompactRecords();
  // Compacts when free records outnumber those in use (by 64), and shrinks
  // the fingerprint counts when entries fill under an eighth of their slots:
  // amortised O(1) per release. Never while a queue is being walked.
  void MaybeCompactRecords();
  // The fingerprint counts: kMinCountSlots or more slots, a power of two.
  static constexpr size_t kMinCountSlots = 64;
  static constexpr uint8_t kCountSaturated = 255;
  size_t CountSlot(uint32_t fingerprint) const { return fingerprint & (counts_.size() - 1); }
  // Refills the counts, with `slots` slots, from the live entries.
  void RebuildCounts(size_t slots);
  void Count(uint32_t fingerprint);
  // Takes n entries of `fingerprint` off its count (unless saturated).
  void Forget(uint32_t fingerprint, uint32_t n);

  std::vector<PeerQueue> queues_;  // by peer, ascending
  size_t empty_queues_ = 0;
  std::vector<Record> records_;
  uint32_t free_records_ = kNoRecord;  // a free list through Record::entries
  size_t free_record_count_ = 0;
  // Entries held per fingerprint slot; empty until the first entry.
  std::vector<uint8_t> counts_;
  size_t size_ = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_OUTSTANDING_TABLE_H_
