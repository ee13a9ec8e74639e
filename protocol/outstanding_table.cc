#include "protocol/outstanding_table.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "base/check.h"

namespace plumsim {

uint64_t OutstandingTable::Fingerprint(NodeId peer, const OutstandingPush& push) {
  return absl::HashOf(peer, push.id.origin, push.id.epoch, push.id.sequence, push.handler,
                      push.round, push.root);
}

void OutstandingTable::Forget(uint64_t fingerprint, uint32_t n) {
  auto it = count_.find(fingerprint);
  PLUMSIM_CHECK(it != count_.end() && it->second >= n);
  it->second -= n;
  if (it->second == 0) count_.erase(it);
}

void OutstandingTable::Insert(NodeId peer, const OutstandingPush& push) {
  PeerQueue& queue = by_peer_[peer];
  queue.entries.push_back(Entry{push, false});
  ++queue.live;
  ++count_[Fingerprint(peer, push)];
  ++size_;
}

size_t OutstandingTable::DeleteObject(NodeId peer, const OutstandingPush& push) {
  const uint64_t fingerprint = Fingerprint(peer, push);
  auto counted = count_.find(fingerprint);
  if (counted == count_.end()) return 0;
  auto it = by_peer_.find(peer);
  if (it == by_peer_.end()) return 0;  // the fingerprint belongs to another peer
  PeerQueue& queue = it->second;
  // Entries with this fingerprint still to see; every identical entry is
  // among them.
  uint32_t candidates = counted->second;
  uint32_t removed = 0;
  for (size_t i = queue.head; i < queue.entries.size() && candidates > 0; ++i) {
    Entry& entry = queue.entries[i];
    if (entry.acked) continue;
    if (entry.push == push) {
      entry.acked = true;
      ++removed;
      --candidates;
    } else if (Fingerprint(peer, entry.push) == fingerprint) {
      --candidates;
    }
  }
  if (removed == 0) return 0;
  Forget(fingerprint, removed);
  size_ -= removed;
  queue.live -= removed;
  if (queue.live == 0) {
    by_peer_.erase(it);
    return removed;
  }
  while (queue.entries[queue.head].acked) ++queue.head;
  // Drop the marks once they outnumber the live entries.
  if (queue.entries.size() - queue.live > queue.live + 16) {
    queue.entries.erase(std::remove_if(queue.entries.begin(), queue.entries.end(),
                                       [](const Entry& e) { return e.acked; }),
                        queue.entries.end());
    queue.head = 0;
  }
  return removed;
}

void OutstandingTable::Delete(NodeId peer) {
  auto it = by_peer_.find(peer);
  if (it == by_peer_.end()) return;
  const PeerQueue& queue = it->second;
  for (size_t i = queue.head; i < queue.entries.size(); ++i) {
    if (!queue.entries[i].acked) Forget(Fingerprint(peer, queue.entries[i].push), 1);
  }
  size_ -= queue.live;
  by_peer_.erase(it);
}

size_t OutstandingTable::ApproximateBytes() const {
  size_t bytes = count_.capacity() * (sizeof(uint64_t) + sizeof(uint32_t) + 1);
  for (const auto& [peer, queue] : by_peer_) {
    bytes += sizeof(peer) + sizeof(queue) + queue.entries.capacity() * sizeof(Entry);
  }
  return bytes;
}

}  // namespace plumsim
