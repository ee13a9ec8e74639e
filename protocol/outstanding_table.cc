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
  if (counts_.size() > kMinCountSlots && 8 * size_ < counts_.size()) {
    size_t slots = kMinCountSlots;
    while (slots < 4 * size_) slots *= 2;
    RebuildCounts(slots);
  }
}

void OutstandingTable::RebuildCounts(size_t slots) {
  counts_.assign(slots, 0);
  counts_.shrink_to_fit();
  for (const PeerQueue& queue : queues_) {
    for (size_t i = queue.head; i < queue.entries.size(); ++i) {
      if (queue.entries[i].record != kAcked) Count(queue.entries[i].fingerprint);
    }
  }
}

void OutstandingTable::Count(uint32_t fingerprint) {
  uint8_t& count = counts_[CountSlot(fingerprint)];
  if (count != kCountSaturated) ++count;
}

void OutstandingTable::Forget(uint32_t fingerprint, uint32_t n) {
  uint8_t& count = counts_[CountSlot(fingerprint)];
  if (count == kCountSaturated) return;  // unknown until the next rebuild
  PLUMSIM_CHECK(count >= n);
  count = static_cast<uint8_t>(count - n);
}

void OutstandingTable::Prefetch(int step) const {
  if (step == 0) {
    const size_t count_lines = std::min<size_t>((counts_.size() + 63) / 64, 4);
    for (size_t line = 0; line < count_lines; ++line) {
      __builtin_prefetch(counts_.data() + 64 * line);
    }
    const char* queues = reinterpret_cast<const char*>(queues_.data());
    const size_t queue_bytes = std::min<size_t>(queues_.size() * sizeof(PeerQueue), 4 * 64);
    for (size_t offset = 0; offset < queue_bytes; offset += 64) __builtin_prefetch(queues + offset);
    return;
  }
  const size_t shown = std::min<size_t>(queues_.size(), 8);
  for (size_t q = 0; q < shown; ++q) {
    const PeerQueue& queue = queues_[q];
    if (queue.entries.capacity() == 0) continue;
    if (queue.head < queue.entries.size()) __builtin_prefetch(&queue.entries[queue.head]);
    __builtin_prefetch(queue.entries.data() +
                       std::min(queue.entries.size(), queue.entries.capacity() - 1));
  }
  if (free_records_ != kNoRecord) {
    __builtin_prefetch(&records_[free_records_]);
  } else if (records_.size() < records_.capacity()) {
    __builtin_prefetch(records_.data() + records_.size());
  }
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
  if (2 * (size_ + 1) > counts_.size()) {
    RebuildCounts(std::max(kMinCountSlots, 2 * counts_.size()));
  }
  PeerQueue& queue = QueueFor(peer);
  queue.entries.push_back(Entry{record, fingerprint});
  if (queue.live++ == 0) --empty_queues_;
  ++records_[record].entries;
  Count(fingerprint);
  ++size_;
}

void OutstandingTable::Insert(NodeId peer, const OutstandingPush& push) {
  AddEntry(peer, push, NewRecord(push));
}

size_t OutstandingTable::DeleteObject(NodeId peer, const OutstandingPush& push) {
  if (size_ == 0) return 0;
  const uint32_t fingerprint = Fingerprint(peer, push);
  const uint8_t counted = counts_[CountSlot(fingerprint)];
  if (counted == 0) return 0;
  PeerQueue* found = FindQueue(peer);
  if (found == nullptr || found->live == 0) return 0;  // the fingerprint is another peer's
  PeerQueue& queue = *found;
  // At least as many as the entries with this fingerprint still to see;
  // every identical entry is among them.
  uint32_t candidates = counted == kCountSaturated ? UINT32_MAX : counted;
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
  Forget(fingerprint, removed);
  size_ -= removed;
  MaybeCompactRecords();
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
  size_t bytes = counts_.capacity();
  bytes += records_.capacity() * sizeof(Record);
  bytes += queues_.capacity() * sizeof(PeerQueue);
  for (const PeerQueue& queue : queues_) bytes += queue.entries.capacity() * sizeof(Entry);
  return bytes;
}

}  // namespace plumsim
