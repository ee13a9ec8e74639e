#include "protocol/outstanding_table.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "base/check.h"

namespace plumsim {

uint32_t OutstandingTable::Fingerprint(NodeId peer, const OutstandingPush& push) {
  const uint64_t hash = absl::HashOf(peer, push.id.origin, push.id.epoch, push.id.sequence,
                                     push.handler, push.round, push.root);
  return static_cast<uint32_t>(hash ^ (hash >> 32));
}

uint32_t OutstandingTable::NewRecord(const OutstandingPush& push) {
  if (free_records_ != kNoRecord) {
    const uint32_t record = free_records_;
    free_records_ = records_[record].entries;
    --free_record_count_;
    records_[record] = Record{push, 0};
    return record;
  }
  PLUMSIM_CHECK(records_.size() < kNoRecord);
  records_.push_back(Record{push, 0});
  return static_cast<uint32_t>(records_.size() - 1);
}

void OutstandingTable::Release(uint32_t record) {
  Record& r = records_[record];
  PLUMSIM_CHECK(r.entries > 0);
  if (--r.entries > 0) return;
  r.entries = free_records_;
  free_records_ = record;
  ++free_record_count_;
}

void OutstandingTable::MaybeCompactRecords() {
  if (free_record_count_ > records_.size() - free_record_count_ + 64) CompactRecords();
  if (count_.capacity() > 8 * count_.size() + 64) count_.rehash(0);
}

void OutstandingTable::CompactRecords() {
  std::vector<uint32_t> renumbered(records_.size(), kNoRecord);
  std::vector<bool> in_use(records_.size(), true);
  for (uint32_t r = free_records_; r != kNoRecord; r = records_[r].entries) in_use[r] = false;
  std::vector<Record> kept;
  kept.reserve(records_.size() - free_record_count_);
  for (size_t r = 0; r < records_.size(); ++r) {
    if (!in_use[r]) continue;
    renumbered[r] = static_cast<uint32_t>(kept.size());
    kept.push_back(records_[r]);
  }
  for (PeerQueue& queue : queues_) {
    for (size_t i = queue.head; i < queue.entries.size(); ++i) {
      Entry& entry = queue.entries[i];
      if (entry.record != kAcked) entry.record = renumbered[entry.record];
    }
  }
  records_ = std::move(kept);
  free_records_ = kNoRecord;
  free_record_count_ = 0;
}

std::vector<OutstandingTable::PeerQueue>::iterator OutstandingTable::Position(NodeId peer) {
  return std::lower_bound(queues_.begin(), queues_.end(), peer,
                          [](const PeerQueue& q, NodeId p) { return q.peer < p; });
}

OutstandingTable::PeerQueue* OutstandingTable::FindQueue(NodeId peer) {
  auto it = Position(peer);
  return it != queues_.end() && it->peer == peer ? &*it : nullptr;
}

OutstandingTable::PeerQueue& OutstandingTable::QueueFor(NodeId peer) {
  auto it = Position(peer);
  if (it != queues_.end() && it->peer == peer) return *it;
  ++empty_queues_;
  return *queues_.insert(it, PeerQueue{peer, 0, 0, {}});
}

void OutstandingTable::Emptied(PeerQueue& queue) {
  queue.head = 0;
  queue.entries.clear();
  if (queue.entries.capacity() > kKeptEntries) {
    std::vector<Entry> small;
    small.reserve(kKeptEntries);
    queue.entries.swap(small);
  }
  ++empty_queues_;
  if (empty_queues_ > queues_.size() - empty_queues_ + 8) {
    std::erase_if(queues_, [](const PeerQueue& q) { return q.live == 0; });
    empty_queues_ = 0;
  }
}

void OutstandingTable::AddEntry(NodeId peer, const OutstandingPush& push, uint32_t record) {
  const uint32_t fingerprint = Fingerprint(peer, push);
  PeerQueue& queue = QueueFor(peer);
  queue.entries.push_back(Entry{record, fingerprint});
  if (queue.live++ == 0) --empty_queues_;
  ++records_[record].entries;
  ++count_[fingerprint];
  ++size_;
}

void OutstandingTable::Forget(uint32_t fingerprint, uint32_t n) {
  auto it = count_.find(fingerprint);
  PLUMSIM_CHECK(it != count_.end() && it->second >= n);
  it->second -= n;
  if (it->second == 0) count_.erase(it);
}

void OutstandingTable::Insert(NodeId peer, const OutstandingPush& push) {
  AddEntry(peer, push, NewRecord(push));
}

size_t OutstandingTable::DeleteObject(NodeId peer, const OutstandingPush& push) {
  const uint32_t fingerprint = Fingerprint(peer, push);
  auto counted = count_.find(fingerprint);
  if (counted == count_.end()) return 0;
  PeerQueue* found = FindQueue(peer);
  if (found == nullptr || found->live == 0) return 0;  // the fingerprint is another peer's
  PeerQueue& queue = *found;
  // Entries with this fingerprint still to see; every identical entry is
  // among them.
  uint32_t candidates = counted->second;
  uint32_t removed = 0;
  for (size_t i = queue.head; i < queue.entries.size() && candidates > 0; ++i) {
    Entry& entry = queue.entries[i];
    if (entry.record == kAcked || entry.fingerprint != fingerprint) continue;
    --candidates;
    if (records_[entry.record].push == push) {
      Release(entry.record);
      entry.record = kAcked;
      ++removed;
    }
  }
  if (removed == 0) return 0;
  MaybeCompactRecords();
  Forget(fingerprint, removed);
  size_ -= removed;
  queue.live -= removed;
  if (queue.live == 0) {
    Emptied(queue);
    return removed;
  }
  while (queue.entries[queue.head].record == kAcked) ++queue.head;
  // Drop the marks once they outnumber the live entries.
  if (queue.entries.size() - queue.live > queue.live + 16) {
    queue.entries.erase(std::remove_if(queue.entries.begin(), queue.entries.end(),
                                       [](const Entry& e) { return e.record == kAcked; }),
                        queue.entries.end());
    queue.head = 0;
    if (queue.entries.capacity() > 4 * queue.entries.size() + 16) queue.entries.shrink_to_fit();
  }
  return removed;
}

void OutstandingTable::Delete(NodeId peer) {
  auto it = Position(peer);
  if (it == queues_.end() || it->peer != peer) return;
  const PeerQueue& queue = *it;
  for (size_t i = queue.head; i < queue.entries.size(); ++i) {
    const Entry& entry = queue.entries[i];
    if (entry.record == kAcked) continue;
    Forget(entry.fingerprint, 1);
    Release(entry.record);
  }
  size_ -= queue.live;
  if (queue.live == 0) --empty_queues_;
  queues_.erase(it);
  MaybeCompactRecords();
}

size_t OutstandingTable::ApproximateBytes() const {
  size_t bytes = count_.capacity() * (2 * sizeof(uint32_t) + 1);
  bytes += records_.capacity() * sizeof(Record);
  bytes += queues_.capacity() * sizeof(PeerQueue);
  for (const PeerQueue& queue : queues_) bytes += queue.entries.capacity() * sizeof(Entry);
  return bytes;
}

}  // namespace plumsim
