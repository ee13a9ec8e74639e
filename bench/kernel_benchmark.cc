// Kernel throughput: how many events per second the event queue and run loop
// execute with a given number of pending events (the "hold" model: every
// executed event schedules one more, so the queue size stays constant), and
// the cost of timer cancel churn. Rates are per wall second (UseRealTime).
//
//   bazel run -c opt //bench:kernel_benchmark
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "sim/kernel/event_loop.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

// Reschedules itself after a pseudo-random delay (from a precomputed table so
// that the benchmark measures the kernel, not the generator).
class HoldHandler final : public EventHandler {
 public:
  HoldHandler(EventLoop* sim, const std::vector<int64_t>* delays) : sim_(sim), delays_(delays) {}
  void OnEvent(uint64_t arg) override {
    const int64_t delay = (*delays_)[next_++ & (delays_->size() - 1)];
    sim_->Schedule(SimDuration::Nanoseconds(delay), this, arg);
  }

 private:
  EventLoop* sim_;
  const std::vector<int64_t>* delays_;
  uint64_t next_ = 0;
};

// Runs the simulator for a fixed number of events per benchmark iteration
// and reports the rate as the "events/s" counter.
void RunEventsPerIteration(benchmark::State& state, EventLoop& sim) {
  constexpr uint64_t kEventsPerIteration = 100000;
  uint64_t executed = 0;
  for (auto _ : state) {
    executed += sim.RunEvents(kEventsPerIteration);
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(executed), benchmark::Counter::kIsRate);
}

std::vector<int64_t> Delays(int64_t mean_ns) {
  RandomStream rng(1, StreamDomain::kTest, 0);
  std::vector<int64_t> delays(1 << 16);
  for (int64_t& d : delays) {
    d = static_cast<int64_t>(rng.Exponential(static_cast<double>(mean_ns)));
  }
  return delays;
}

// Fills the queue with `pending` events of `handler`.
void Prefill(EventLoop& sim, HoldHandler& handler, const std::vector<int64_t>& delays,
             int64_t pending) {
  for (int64_t i = 0; i < pending; ++i) {
    sim.Schedule(SimDuration::Nanoseconds(delays[i & (delays.size() - 1)]), &handler,
                 static_cast<uint64_t>(i));
  }
}

void BM_ScheduleAndFire(benchmark::State& state) {
  const std::vector<int64_t> delays = Delays(1000000);
  EventLoop sim;
  HoldHandler handler(&sim, &delays);
  Prefill(sim, handler, delays, state.range(0));
  RunEventsPerIteration(state, sim);
  state.counters["pending"] = static_cast<double>(sim.pending());
}
BENCHMARK(BM_ScheduleAndFire)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The same hold model driven through Step-sized RunUntil windows, which is
// how the scenario runner advances time (a window per progress report).
void BM_ScheduleAndFireWindows(benchmark::State& state) {
  const std::vector<int64_t> delays = Delays(1000000);
  EventLoop sim;
  HoldHandler handler(&sim, &delays);
  Prefill(sim, handler, delays, state.range(0));
  uint64_t before = sim.events_executed();
  for (auto _ : state) {
    sim.RunUntil(sim.now() + SimDuration::Milliseconds(1));
  }
  state.counters["events/s"] = benchmark::Counter(
      static_cast<double>(sim.events_executed() - before), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScheduleAndFireWindows)->Arg(100000)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Timer churn: like a retransmission timer, every event starts a timer and
// cancels the previous one, so most timers die before firing.
class ChurnHandler final : public EventHandler {
 public:
  explicit ChurnHandler(EventLoop* sim) : sim_(sim) {}
  void OnEvent(uint64_t arg) override {
    if (arg == 0) {  // the ticking event
      sim_->CancelTimer(timer_);
      timer_ = sim_->StartTimer(SimDuration::Milliseconds(10), this, 1);
      sim_->Schedule(SimDuration::Microseconds(1), this, 0);
    }
  }

 private:
  EventLoop* sim_;
  TimerId timer_;
};

void BM_TimerCancelChurn(benchmark::State& state) {
  EventLoop sim;
  std::vector<ChurnHandler> handlers(static_cast<size_t>(state.range(0)), ChurnHandler(&sim));
  for (auto& h : handlers) sim.Schedule(SimDuration::Zero(), &h, 0);
  // Each executed tick also starts one timer and cancels one.
  RunEventsPerIteration(state, sim);
  state.counters["heap"] = static_cast<double>(sim.pending());
}
BENCHMARK(BM_TimerCancelChurn)
    ->Arg(1000)
    ->Arg(100000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace plumsim

BENCHMARK_MAIN();
