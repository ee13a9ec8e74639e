// The run loop: a virtual clock over an EventQueue. Time never goes backwards:
// scheduling in the past is a checked programmer error.
//
//   EventLoop loop;
//   std::vector<SimTime> fired;
//   loop.ScheduleCallback(SimDuration::Milliseconds(5), [&] { fired.push_back(loop.now()); });
//   loop.ScheduleCallbackAt(SimTime::Zero() + SimDuration::Seconds(2),
//                           [&] { fired.push_back(loop.now()); });
//   loop.RunUntil(SimTime::Zero() + SimDuration::Seconds(1));
//   // fired == {5 ms}; loop.now() == 1 s (the limit); the 2 s callback is pending.
//
// Hot paths schedule an EventHandler (Schedule, StartTimer) instead of a
// closure: no allocation per event.
#ifndef PLUMSIM_SIM_KERNEL_EVENT_LOOP_H_
#define PLUMSIM_SIM_KERNEL_EVENT_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>

#include "absl/functional/any_invocable.h"
#include "sim/kernel/event_queue.h"
#include "sim/kernel/time.h"

namespace plumsim {

// Sees every executed event, in execution order (trace writers, digests).
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void OnEventExecuted(const Event& event) = 0;
};

class EventLoop {
 public:
  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  SimTime now() const { return now_; }

  // Schedules handler->OnEvent(arg) at `at` (>= now) or after `delay` (>= 0).
  void ScheduleAt(SimTime at, EventHandler* handler, uint64_t arg);
  void Schedule(SimDuration delay, EventHandler* handler, uint64_t arg) {
    ScheduleAt(now_ + delay, handler, arg);
  }
  // Cancellable variants.
  TimerId StartTimerAt(SimTime at, EventHandler* handler, uint64_t arg);
  TimerId StartTimer(SimDuration delay, EventHandler* handler, uint64_t arg) {
    return StartTimerAt(now_ + delay, handler, arg);
  }
  // Harmless for a fired or cancelled timer; returns whether it was pending.
  bool CancelTimer(TimerId timer) { return queue_.Cancel(timer); }
  bool IsPending(TimerId timer) const { return queue_.IsPending(timer); }

  // Schedules a closure (one heap allocation; for timelines and tests, not
  // for per-message hot paths).
  void ScheduleCallbackAt(SimTime at, absl::AnyInvocable<void()> callback);
  void ScheduleCallback(SimDuration delay, absl::AnyInvocable<void()> callback) {
    ScheduleCallbackAt(now_ + delay, std::move(callback));
  }

  // Executes events with time <= `limit` in (time, sequence) order, then sets
  // the clock to `limit` (unless stopped early). Returns events executed.
  uint64_t RunUntil(SimTime limit);
  // Executes events until none remain.
  uint64_t RunUntilIdle();
  // Executes up to `count` events (fewer if the queue empties or a stop is
  // requested). Returns how many ran.
  uint64_t RunEvents(uint64_t count);
  // Executes events until `done()` holds (checked before the first event and
  // after each one), none remain, or the clock would pass `limit`.
  // Returns whether `done()` held.
  bool RunUntilPredicate(const std::function<bool()>& done, SimTime limit = SimTime::Max());

  // Makes the running loop return at the next event boundary (Ctrl-C), and
  // every later Run* return at once, until ClearStop(). Safe to call from a
  // signal handler.
  // Turns on EventHandler::Prefetch hints (off by default: a loop whose
  // handlers have nothing to load would only pay for them). The network
  // turns them on; see docs/performance.md, "Prefetching the next
  // deliveries".
  void EnablePrefetchHints() { prefetch_hints_ = true; }
  void RequestStop() { stop_requested_.store(true, std::memory_order_relaxed); }
  bool stop_requested() const { return stop_requested_.load(std::memory_order_relaxed); }
  void ClearStop() { stop_requested_.store(false, std::memory_order_relaxed); }

  void set_observer(EventObserver* observer) { observer_ = observer; }

  uint64_t events_executed() const { return events_executed_; }
  size_t pending() const { return queue_.size(); }

 private:
  // Runs the next event if it is due by `limit`. Returns false if none.
  bool Step(SimTime limit);
  // Calls EventHandler::Prefetch on the events a few places ahead.
  void PrefetchAhead();

  static constexpr int kPrefetchStages = 4;
  static constexpr size_t kPrefetchDistance[kPrefetchStages] = {8, 6, 4, 2};

  EventQueue queue_;
  bool prefetch_hints_ = false;
  SimTime now_ = SimTime::Zero();
  uint64_t events_executed_ = 0;
  std::atomic<bool> stop_requested_{false};
  EventObserver* observer_ = nullptr;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_KERNEL_EVENT_LOOP_H_
