// The event queue, ordered by time, ties first-in first-out: events
// scheduled for the same instant fire in the order they were scheduled
// (docs/architecture.md, "Event order").
//
// It is a monotone priority queue: a radix heap keyed on time (Ahuja,
// Mehlhorn, Orlin & Tarjan 1990) whose lowest levels are replaced by one
// short sorted run, as a ladder queue's bottom (Tang, Goh & Thng 2005).
// That is valid because virtual time never goes back: every push is at or
// after the time of the last popped event (checked). Bucket b (1..64) holds
// the events whose time first differs from `last_` in bit b-1. The bottom
// holds the earliest events, sorted by (time, push order), and is drained
// from the front; every event in a bucket is later than every event in the
// bottom. When the bottom runs dry, the lowest non-empty bucket becomes the
// new bottom if it holds at most kBottomMax events (taken in push order,
// then stably sorted by time); a larger one is split into lower buckets in
// push order, as in a plain radix heap, until one is small enough. A push
// into the bottom's time span is inserted after the events of equal time.
// So ties stay FIFO, and an event moves through fewer buckets than in a
// plain radix heap (its last five or so splits become one small sort).
// Push and the common case of PopDue (a live event at the bottom's front)
// are inline. Measured: docs/performance.md, "The event queue's sorted
// bottom".
//
// Events are small plain records (a handler pointer and a 64-bit argument), so
// scheduling allocates nothing beyond the heap's own storage. Timers are
// events that can be cancelled: each pending timer owns a slot with a
// generation number; cancelling bumps the generation so the event is skipped
// when it reaches the top. Cancelling a fired or already cancelled timer is
// harmless (its generation no longer matches).
#ifndef PLUMSIM_SIM_KERNEL_EVENT_QUEUE_H_
#define PLUMSIM_SIM_KERNEL_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/check.h"
#include "base/free_indices.h"
#include "sim/kernel/time.h"

namespace plumsim {

// Receives events. `arg` is whatever the scheduler passed.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void OnEvent(uint64_t arg) = 0;
  // A hint, called a few events before OnEvent(arg) runs: start loading
  // (__builtin_prefetch) what it will touch. Stage 0 comes earliest; a later
  // stage may read what an earlier one fetched. Must not change any state.
  virtual void Prefetch(uint64_t /*arg*/, int /*stage*/) {}
};

// Identifies a pending timer. Default-constructed: refers to no timer.
struct TimerId {
  uint32_t slot = kNoSlot;
  uint32_t generation = 0;
  static constexpr uint32_t kNoSlot = 0xffffffffu;
  bool valid() const { return slot != kNoSlot; }
  friend bool operator==(const TimerId&, const TimerId&) = default;
};

// 24 bytes. No sequence number: ties keep their order of scheduling because
// every bucket is a vector kept in push order (see above). A pending timer's
// entry has handler == nullptr and arg = slot << 32 | generation; its real
// handler and argument wait in the slot table and are put back when it is
// popped.
struct Event {
  SimTime at;
  EventHandler* handler = nullptr;
  uint64_t arg = 0;
};

class EventQueue {
 public:
  // Schedules an event that cannot be cancelled.
  void Push(SimTime at, EventHandler* handler, uint64_t arg) {
    PLUMSIM_CHECK(handler != nullptr);
    Insert(Event{at, handler, arg});
  }
  // Schedules a cancellable event.
  TimerId PushTimer(SimTime at, EventHandler* handler, uint64_t arg);
  // Cancels a pending timer. Returns whether it was pending.
  bool Cancel(TimerId timer);
  // Whether the timer is still pending (scheduled, not fired, not cancelled).
  bool IsPending(TimerId timer) const;

  // Removes the earliest live event into `*event`. Returns false when no
  // live event remains. Cancelled timers are dropped on the way.
  bool Pop(Event* event);
  // Pop, but only if the earliest live event is due at or before `limit`.
  bool PopDue(SimTime limit, Event* event) {
    // Inline for the common case: the bottom holds a live event.
    if (head_ < bottom_.size() && bottom_[head_].handler != nullptr) {
      if (bottom_[head_].at > limit) return false;
      *event = bottom_[head_];
      popped_ = static_cast<uint64_t>(event->at.ns());
      DropFront();
      return true;
    }
    return PopDueSlow(limit, event);
  }
  // For hints only: an event that comes soon, about `ahead` places after
  // the earliest (exactly, within the sorted bottom; beyond it, from the
  // bucket that was next when the bottom was made, in push order), or
  // nullptr. It may be a cancelled timer.
  const Event* PeekAhead(size_t ahead) const {
    const size_t at = head_ + ahead;
    if (at < bottom_.size()) return &bottom_[at];
    const std::vector<Event>& next = buckets_[next_bucket_];
    const size_t beyond = at - bottom_.size();
    return beyond < next.size() ? &next[beyond] : nullptr;
  }
  // The earliest live event, or nullptr when none remains. Drops cancelled
  // timers at the top on the way; the pointer is valid until the next change.
  const Event* Top();
  // Entries held, including cancelled timers not yet dropped.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct TimerSlot {
    EventHandler* handler = nullptr;
    uint64_t arg = 0;
    uint32_t generation = 0;
  };

  static constexpr int kBuckets = 65;
  // The largest bucket that becomes the bottom without being split.
  static constexpr size_t kBottomMax = 32;

  void Insert(const Event& event);
  bool PopDueSlow(SimTime limit, Event* event);
  // Makes the bottom non-empty if any event remains; returns false if none.
  bool Refill();
  // Moves `bucket` into the empty bottom, stably sorted by time.
  void MakeBottom(std::vector<Event>& bucket);
  // Notes the lowest non-empty bucket from `from` on, for PeekAhead.
  void NoteNextBucket(int from);
  void DropFront() {
    ++head_;
    --size_;
  }

  // bottom_[head_..] are the earliest events, sorted by (time, push order);
  // their times lie in [last_, bottom_end_]. buckets_[0] is unused.
  std::vector<Event> bottom_;
  std::vector<Event> buckets_[kBuckets];
  size_t head_ = 0;
  uint64_t last_ = 0;
  uint64_t bottom_end_ = 0;
  // The time of the last popped event: no push may come before it.
  uint64_t popped_ = 0;
  // The lowest non-empty bucket when the bottom was made (0: none); a hint.
  int next_bucket_ = 0;
  size_t size_ = 0;
  // Timer slots: a slot is free when listed in free_slots_. A pending timer's
  // heap entry carries the slot's generation; firing and cancelling bump it.
  std::vector<TimerSlot> timer_slots_;
  FreeIndices free_slots_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_KERNEL_EVENT_QUEUE_H_
