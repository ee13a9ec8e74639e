#include "sim/kernel/event_queue.h"

#include <algorithm>

#include "base/check.h"

namespace plumsim {
namespace {

inline int BucketOf(uint64_t time, uint64_t last) {
  const uint64_t differing = time ^ last;
  return differing == 0 ? 0 : 64 - __builtin_clzll(differing);
}

inline uint32_t SlotOf(const Event& e) { return static_cast<uint32_t>(e.arg >> 32); }
inline uint32_t GenerationOf(const Event& e) { return static_cast<uint32_t>(e.arg); }

}  // namespace

void EventQueue::Insert(const Event& event) {
  const uint64_t time = static_cast<uint64_t>(event.at.ns());
  PLUMSIM_CHECK_MSG(event.at.ns() >= 0 && time >= popped_,
                    "event scheduled before the last popped event");
  if (time <= bottom_end_) {
    // Within the bottom's span (or at its end): after the events of equal
    // time, which were pushed earlier.
    const auto at = std::upper_bound(
        bottom_.begin() + static_cast<std::ptrdiff_t>(head_), bottom_.end(), time,
        [](uint64_t t, const Event& e) { return t < static_cast<uint64_t>(e.at.ns()); });
    bottom_.insert(at, event);
  } else {
    buckets_[BucketOf(time, last_)].push_back(event);
  }
  ++size_;
}

TimerId EventQueue::PushTimer(SimTime at, EventHandler* handler, uint64_t arg) {
  PLUMSIM_CHECK(handler != nullptr);
  const uint32_t slot = free_slots_.Take(timer_slots_.size());
  if (slot == timer_slots_.size()) {
    PLUMSIM_CHECK(slot != TimerId::kNoSlot);
    timer_slots_.emplace_back();
  }
  TimerSlot& entry = timer_slots_[slot];
  entry.handler = handler;
  entry.arg = arg;
  const uint32_t generation = entry.generation;
  Insert(Event{at, nullptr, (static_cast<uint64_t>(slot) << 32) | generation});
  return TimerId{slot, generation};
}

bool EventQueue::IsPending(TimerId timer) const {
  // Firing and cancelling both bump the slot's generation, and a reused
  // slot hands out its new generation, so only a pending timer matches.
  return timer.valid() && timer.slot < timer_slots_.size() &&
         timer_slots_[timer.slot].generation == timer.generation;
}

bool EventQueue::Cancel(TimerId timer) {
  if (!IsPending(timer)) return false;
  // The entry stays in the heap until it reaches the top; the slot is
  // released then. Bumping the generation marks it cancelled.
  ++timer_slots_[timer.slot].generation;
  return true;
}

void EventQueue::MakeBottom(std::vector<Event>& bucket) {
  bottom_.swap(bucket);  // the bucket takes the empty bottom's storage
  // Insertion sort: stable (ties keep push order) and fast on kBottomMax.
  for (size_t k = 1; k < bottom_.size(); ++k) {
    const Event e = bottom_[k];
    size_t j = k;
    for (; j > 0 && bottom_[j - 1].at > e.at; --j) bottom_[j] = bottom_[j - 1];
    bottom_[j] = e;
  }
  // The bucket's events share the bits above its own with last_, so the
  // other buckets keep their meaning relative to the new last_.
  last_ = static_cast<uint64_t>(bottom_.front().at.ns());
  bottom_end_ = static_cast<uint64_t>(bottom_.back().at.ns());
}

bool EventQueue::Refill() {
  if (head_ < bottom_.size()) return true;
  bottom_.clear();
  head_ = 0;
  if (size_ == 0) return false;
  int i = 1;
  while (buckets_[i].empty()) ++i;
  std::vector<Event>& source = buckets_[i];
  if (source.size() <= kBottomMax) {
    MakeBottom(source);
    NoteNextBucket(i + 1);
    return true;
  }
  uint64_t min_time = static_cast<uint64_t>(source.front().at.ns());
  for (const Event& e : source) {
    min_time = std::min(min_time, static_cast<uint64_t>(e.at.ns()));
  }
  last_ = min_time;
  bottom_end_ = min_time;
  // In order, so that events of equal time keep their push order. The
  // events at the new minimum form the bottom.
  for (const Event& e : source) {
    const int bucket = BucketOf(static_cast<uint64_t>(e.at.ns()), last_);
    (bucket == 0 ? bottom_ : buckets_[bucket]).push_back(e);
  }
  source.clear();
  NoteNextBucket(1);
  return true;
}

void EventQueue::NoteNextBucket(int from) {
  int i = from;
  while (i < kBuckets && buckets_[i].empty()) ++i;
  next_bucket_ = i < kBuckets ? i : 0;
}

const Event* EventQueue::Top() {
  while (Refill()) {
    const Event& front = bottom_[head_];
    if (front.handler == nullptr && timer_slots_[SlotOf(front)].generation != GenerationOf(front)) {
      // A cancelled timer: release its slot and drop it.
      free_slots_.Release(SlotOf(front));
      DropFront();
      continue;
    }
    return &front;
  }
  return nullptr;
}

bool EventQueue::Pop(Event* event) { return PopDue(SimTime::Max(), event); }

bool EventQueue::PopDueSlow(SimTime limit, Event* event) {
  const Event* top = Top();
  if (top == nullptr || top->at > limit) return false;
  *event = bottom_[head_];
  popped_ = static_cast<uint64_t>(event->at.ns());
  DropFront();
  if (event->handler == nullptr) {
    // A timer fires: restore its handler and argument, bump the generation
    // so that a later Cancel of this id is a no-op, and free the slot.
    const uint32_t slot = SlotOf(*event);
    TimerSlot& entry = timer_slots_[slot];
    event->handler = entry.handler;
    event->arg = entry.arg;
    ++entry.generation;
    free_slots_.Release(slot);
  }
  return true;
}

}  // namespace plumsim
