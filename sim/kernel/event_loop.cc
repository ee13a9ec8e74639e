#include "sim/kernel/event_loop.h"

#include <memory>
#include <utility>

#include "base/check.h"

namespace plumsim {
namespace {

// Runs closures scheduled with ScheduleCallbackAt: `arg` owns a heap-allocated
// AnyInvocable, freed after the call.
class CallbackTrampoline final : public EventHandler {
 public:
  void OnEvent(uint64_t arg) override {
    std::unique_ptr<absl::AnyInvocable<void()>> callback(
        reinterpret_cast<absl::AnyInvocable<void()>*>(arg));
    (*callback)();
  }
};

CallbackTrampoline& Trampoline() {
  static CallbackTrampoline* trampoline = new CallbackTrampoline();
  return *trampoline;
}

}  // namespace

EventLoop::~EventLoop() {
  // Free closures that never ran.
  Event event;
  while (queue_.Pop(&event)) {
    if (event.handler == &Trampoline()) {
      delete reinterpret_cast<absl::AnyInvocable<void()>*>(event.arg);
    }
  }
}

void EventLoop::ScheduleAt(SimTime at, EventHandler* handler, uint64_t arg) {
  PLUMSIM_CHECK_MSG(at >= now_, "scheduling in the past");
  queue_.Push(at, handler, arg);
}

TimerId EventLoop::StartTimerAt(SimTime at, EventHandler* handler, uint64_t arg) {
  PLUMSIM_CHECK_MSG(at >= now_, "scheduling in the past");
  return queue_.PushTimer(at, handler, arg);
}

void EventLoop::ScheduleCallbackAt(SimTime at, absl::AnyInvocable<void()> callback) {
  auto* owned = new absl::AnyInvocable<void()>(std::move(callback));
  ScheduleAt(at, &Trampoline(), reinterpret_cast<uint64_t>(owned));
}

void EventLoop::PrefetchAhead() {
  // Stage s for the event kPrefetchDistance[s] places ahead: the further
  // away, the earlier the stage. Timers (handler unknown until popped) and
  // events the queue cannot see ahead (EventQueue::PeekAhead) get no hint.
  for (int stage = 0; stage < kPrefetchStages; ++stage) {
    const Event* next = queue_.PeekAhead(kPrefetchDistance[stage]);
    if (next != nullptr && next->handler != nullptr) next->handler->Prefetch(next->arg, stage);
  }
}

bool EventLoop::Step(SimTime limit) {
  Event event;
  if (!queue_.PopDue(limit, &event)) return false;
  PLUMSIM_CHECK_MSG(event.at >= now_, "time went backwards");
  now_ = event.at;
  ++events_executed_;
  if (prefetch_hints_) PrefetchAhead();
  event.handler->OnEvent(event.arg);
  if (observer_ != nullptr) observer_->OnEventExecuted(event);
  return true;
}

uint64_t EventLoop::RunUntil(SimTime limit) {
  PLUMSIM_CHECK(limit >= now_);
  const uint64_t before = events_executed_;
  while (!stop_requested() && Step(limit)) {
  }
  if (!stop_requested()) now_ = limit;
  return events_executed_ - before;
}

uint64_t EventLoop::RunUntilIdle() {
  const uint64_t before = events_executed_;
  while (!stop_requested() && Step(SimTime::Max())) {
  }
  return events_executed_ - before;
}

uint64_t EventLoop::RunEvents(uint64_t count) {
  const uint64_t before = events_executed_;
  const uint64_t target = before + count;
  while (events_executed_ < target && !stop_requested() && Step(SimTime::Max())) {
  }
  return events_executed_ - before;
}

bool EventLoop::RunUntilPredicate(const std::function<bool()>& done, SimTime limit) {
  if (done()) return true;
  while (!stop_requested() && Step(limit)) {
    if (done()) return true;
  }
  return false;
}

}  // namespace plumsim
