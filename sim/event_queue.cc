#include "sim/event_queue.h"

#include <algorithm>

#include "base/check.h"

namespace plumsim {
namespace {

// A 4-ary heap: shallower than a binary heap and its children share cache
// lines, which matters with 10^5..10^6 pending events.
constexpr size_t kArity = 4;

inline bool Earlier(const Event& a, const Event& b) {
  if (a.at != b.at) return a.at < b.at;
  return a.sequence < b.sequence;
}

}  // namespace

void EventQueue::Push(SimTime at, EventHandler* handler, uint64_t arg) {
  PLUMSIM_CHECK(handler != nullptr);
  heap_.push_back(Event{at, next_sequence_++, handler, arg, TimerId::kNoSlot, 0});
  SiftUp(heap_.size() - 1);
}

TimerId EventQueue::PushTimer(SimTime at, EventHandler* handler, uint64_t arg) {
  PLUMSIM_CHECK(handler != nullptr);
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slot_generation_.size());
    PLUMSIM_CHECK(slot != TimerId::kNoSlot);
    slot_generation_.push_back(0);
  }
  const uint32_t generation = slot_generation_[slot];
  heap_.push_back(Event{at, next_sequence_++, handler, arg, slot, generation});
  SiftUp(heap_.size() - 1);
  return TimerId{slot, generation};
}

bool EventQueue::IsPending(TimerId timer) const {
  // Firing and cancelling both bump the slot's generation, and a reused
  // slot hands out its new generation, so only a pending timer matches.
  return timer.valid() && timer.slot < slot_generation_.size() &&
         slot_generation_[timer.slot] == timer.generation;
}

bool EventQueue::Cancel(TimerId timer) {
  if (!IsPending(timer)) return false;
  // The event stays in the heap until it reaches the top; the slot is
  // released then. Bumping the generation marks it cancelled.
  ++slot_generation_[timer.slot];
  return true;
}

void EventQueue::ReleaseSlot(uint32_t slot) { free_slots_.push_back(slot); }

bool EventQueue::TopIsCancelled() const {
  const Event& top = heap_.front();
  return top.timer_slot != TimerId::kNoSlot &&
         slot_generation_[top.timer_slot] != top.timer_generation;
}

const Event* EventQueue::Top() {
  while (!heap_.empty() && TopIsCancelled()) {
    ReleaseSlot(heap_.front().timer_slot);
    PopTop();
  }
  return heap_.empty() ? nullptr : &heap_.front();
}

bool EventQueue::Pop(Event* event) {
  if (Top() == nullptr) return false;
  *event = heap_.front();
  PopTop();
  if (event->timer_slot != TimerId::kNoSlot) {
    // Fired: bump so that a later Cancel of this id is a no-op, then free.
    ++slot_generation_[event->timer_slot];
    ReleaseSlot(event->timer_slot);
  }
  return true;
}

void EventQueue::PopTop() {
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) SiftDown(0);
}

void EventQueue::SiftUp(size_t index) {
  Event moving = heap_[index];
  while (index > 0) {
    const size_t parent = (index - 1) / kArity;
    if (!Earlier(moving, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = moving;
}

void EventQueue::SiftDown(size_t index) {
  const size_t n = heap_.size();
  Event moving = heap_[index];
  while (true) {
    const size_t first_child = index * kArity + 1;
    if (first_child >= n) break;
    const size_t last_child = std::min(first_child + kArity, n);
    size_t best = first_child;
    for (size_t c = first_child + 1; c < last_child; ++c) {
      if (Earlier(heap_[c], heap_[best])) best = c;
    }
    if (!Earlier(heap_[best], moving)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = moving;
}

}  // namespace plumsim
