// The event queue: a min-heap ordered by (time, sequence). The sequence number
// is assigned at scheduling time and breaks ties first-in first-out, so events
// scheduled for the same instant fire in the order they were scheduled
// (DESIGN.md, determinism rule 3).
//
// Events are small plain records (a handler pointer and a 64-bit argument), so
// scheduling allocates nothing beyond the heap's own storage. Timers are
// events that can be cancelled: each pending timer owns a slot with a
// generation number; cancelling bumps the generation so the event is skipped
// when it reaches the top. Cancelling a fired or already cancelled timer is
// harmless (its generation no longer matches).
#ifndef PLUMSIM_SIM_EVENT_QUEUE_H_
#define PLUMSIM_SIM_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace plumsim {

// Receives events. `arg` is whatever the scheduler passed.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void OnEvent(uint64_t arg) = 0;
};

// Identifies a pending timer. Default-constructed: refers to no timer.
struct TimerId {
  uint32_t slot = kNoSlot;
  uint32_t generation = 0;
  static constexpr uint32_t kNoSlot = 0xffffffffu;
  bool valid() const { return slot != kNoSlot; }
  friend bool operator==(const TimerId&, const TimerId&) = default;
};

struct Event {
  SimTime at;
  uint64_t sequence = 0;
  EventHandler* handler = nullptr;
  uint64_t arg = 0;
  uint32_t timer_slot = TimerId::kNoSlot;
  uint32_t timer_generation = 0;
};

class EventQueue {
 public:
  // Schedules an event that cannot be cancelled.
  void Push(SimTime at, EventHandler* handler, uint64_t arg);
  // Schedules a cancellable event.
  TimerId PushTimer(SimTime at, EventHandler* handler, uint64_t arg);
  // Cancels a pending timer. Returns whether it was pending.
  bool Cancel(TimerId timer);
  // Whether the timer is still pending (scheduled, not fired, not cancelled).
  bool IsPending(TimerId timer) const;

  // Removes the earliest live event into `*event`. Returns false when no
  // live event remains. Cancelled timers are dropped on the way.
  bool Pop(Event* event);
  // The earliest live event, or nullptr when none remains. Drops cancelled
  // timers at the top on the way; the pointer is valid until the next change.
  const Event* Top();
  // Entries in the heap, including cancelled timers not yet dropped.
  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  // Number of events scheduled so far (the next sequence number).
  uint64_t scheduled() const { return next_sequence_; }

 private:
  void SiftUp(size_t index);
  void SiftDown(size_t index);
  void PopTop();
  bool TopIsCancelled() const;
  void ReleaseSlot(uint32_t slot);

  std::vector<Event> heap_;
  uint64_t next_sequence_ = 0;
  // Per timer slot: its current generation. A slot is free when listed in
  // free_slots_; a pending timer's event carries the slot's generation.
  std::vector<uint32_t> slot_generation_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EVENT_QUEUE_H_
