#include "sim/kernel/event_loop.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/kernel/digest.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

TEST(SimulatorTest, ClockFollowsEventsAndRunUntilStopsAtLimit) {
  EventLoop sim;
  std::vector<int64_t> times;
  sim.ScheduleCallback(SimDuration::Milliseconds(5), [&] { times.push_back(sim.now().ns()); });
  sim.ScheduleCallback(SimDuration::Milliseconds(20), [&] { times.push_back(sim.now().ns()); });
  EXPECT_EQ(sim.RunUntil(SimTime::Zero() + SimDuration::Milliseconds(10)), 1u);
  EXPECT_EQ(times, (std::vector<int64_t>{5000000}));
  EXPECT_EQ(sim.now(), SimTime::Zero() + SimDuration::Milliseconds(10));
  EXPECT_EQ(sim.RunUntilIdle(), 1u);
  EXPECT_EQ(sim.now().ns(), 20000000);
  EXPECT_EQ(sim.events_executed(), 2u);
}

TEST(SimulatorTest, EventsCanScheduleMoreEventsAtTheSameTime) {
  EventLoop sim;
  std::string order;
  sim.ScheduleCallback(SimDuration::Zero(), [&] {
    order += "a";
    sim.ScheduleCallback(SimDuration::Zero(), [&] { order += "c"; });
  });
  sim.ScheduleCallback(SimDuration::Zero(), [&] { order += "b"; });
  sim.RunUntilIdle();
  EXPECT_EQ(order, "abc");
}

TEST(SimulatorTest, TimersCancel) {
  EventLoop sim;
  struct Counter : EventHandler {
    int fired = 0;
    void OnEvent(uint64_t) override { ++fired; }
  } counter;
  const TimerId t = sim.StartTimer(SimDuration::Seconds(1), &counter, 0);
  sim.StartTimer(SimDuration::Seconds(2), &counter, 0);
  EXPECT_TRUE(sim.CancelTimer(t));
  sim.RunUntilIdle();
  EXPECT_EQ(counter.fired, 1);
  EXPECT_FALSE(sim.CancelTimer(t));
}

TEST(SimulatorTest, RunEventsRunsExactlyThatMany) {
  EventLoop sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) {
    sim.ScheduleCallback(SimDuration::Seconds(i), [&] { ++count; });
  }
  EXPECT_EQ(sim.RunEvents(3), 3u);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(sim.now(), SimTime::Zero() + SimDuration::Seconds(3));
  EXPECT_EQ(sim.RunEvents(100), 7u);  // the queue empties first
}

TEST(SimulatorTest, RunUntilPredicate) {
  EventLoop sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) {
    sim.ScheduleCallback(SimDuration::Seconds(i), [&] { ++count; });
  }
  EXPECT_TRUE(sim.RunUntilPredicate([&] { return count == 4; }));
  EXPECT_EQ(sim.now(), SimTime::Zero() + SimDuration::Seconds(4));
  EXPECT_FALSE(sim.RunUntilPredicate([&] { return count == 100; },
                                     SimTime::Zero() + SimDuration::Seconds(6)));
  EXPECT_EQ(count, 6);
}

TEST(SimulatorTest, RequestStopEndsAtAnEventBoundary) {
  EventLoop sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) {
    sim.ScheduleCallback(SimDuration::Seconds(i), [&] {
      if (++count == 3) sim.RequestStop();
    });
  }
  sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(100));
  EXPECT_EQ(count, 3);
  EXPECT_EQ(sim.now(), SimTime::Zero() + SimDuration::Seconds(3));
  // The request sticks: a stop between two runs is not lost.
  EXPECT_EQ(sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(100)), 0u);
  sim.ClearStop();
  sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(100));
  EXPECT_EQ(count, 10);
}

TEST(SimulatorDeathTest, SchedulingInThePastIsAnError) {
  EventLoop sim;
  sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(1));
  struct Nop : EventHandler {
    void OnEvent(uint64_t) override {}
  } nop;
  EXPECT_DEATH(sim.ScheduleAt(SimTime::Zero(), &nop, 0), "in the past");
}

// A small random workload: each event reschedules itself after a random
// delay and sometimes spawns another. The digest covers the executed events.
uint64_t RunWorkload(uint64_t seed) {
  struct Workload : EventHandler, EventObserver {
    EventLoop sim;
    RandomStream rng;
    TraceDigest digest;
    int spawns_left = 200;
    explicit Workload(uint64_t seed) : rng(seed, StreamDomain::kTest, 0) {}
    void OnEvent(uint64_t arg) override {
      if (sim.now().ns() > 100000000) return;  // 100 ms of virtual time
      sim.Schedule(SimDuration::Nanoseconds(rng.UniformInt(1000000)), this, arg + 1);
      if (rng.Bernoulli(0.1) && spawns_left > 0) {
        --spawns_left;
        sim.Schedule(SimDuration::Zero(), this, arg * 7);
      }
    }
    void OnEventExecuted(const Event& e) override {
      digest.AddInt64(e.at.ns());
      digest.AddUint64(e.arg);
    }
  };
  Workload w(seed);
  w.sim.set_observer(&w);
  for (uint64_t i = 0; i < 10; ++i) w.sim.Schedule(SimDuration::Zero(), &w, i);
  w.sim.RunUntilIdle();
  return w.digest.value();
}

TEST(SimulatorTest, SameSeedSameDigestOtherSeedOtherDigest) {
  EXPECT_EQ(RunWorkload(1), RunWorkload(1));
  EXPECT_NE(RunWorkload(1), RunWorkload(2));
}

// The usage example at the top of event_loop.h, as written there.
TEST(EventLoopTest, TheHeadersUsageExampleRunsAsItSays) {
  EventLoop loop;
  std::vector<SimTime> fired;
  loop.ScheduleCallback(SimDuration::Milliseconds(5), [&] { fired.push_back(loop.now()); });
  loop.ScheduleCallbackAt(SimTime::Zero() + SimDuration::Seconds(2),
                          [&] { fired.push_back(loop.now()); });
  loop.RunUntil(SimTime::Zero() + SimDuration::Seconds(1));
  EXPECT_EQ(fired, std::vector<SimTime>{SimTime::Zero() + SimDuration::Milliseconds(5)});
  EXPECT_EQ(loop.now(), SimTime::Zero() + SimDuration::Seconds(1));
  EXPECT_EQ(loop.pending(), 1u);
}

}  // namespace
}  // namespace plumsim

namespace plumsim {
namespace {

// Records the Prefetch hints it gets, as "arg@stage", before each OnEvent.
class HintRecorder final : public EventHandler {
 public:
  void OnEvent(uint64_t arg) override { log.push_back("run " + std::to_string(arg)); }
  void Prefetch(uint64_t arg, int stage) override {
    log.push_back(std::to_string(arg) + "@" + std::to_string(stage));
  }
  std::vector<std::string> log;
};

TEST(EventLoopTest, HintsTheEventsAheadStageByStageAndNotTimers) {
  EventLoop loop;
  loop.EnablePrefetchHints();
  HintRecorder h;
  // Ten events, one per nanosecond from 1024 ns: one radix bucket, which
  // becomes the sorted bottom whole.
  for (uint64_t i = 0; i < 10; ++i) loop.ScheduleAt(SimTime::FromNanoseconds(1024 + i), &h, i);
  ASSERT_EQ(loop.RunEvents(1), 1u);
  // Event 0 runs after hints for the events 8, 6, 4 and 2 places after it
  // (stages 0 to 3: the further, the earlier the stage).
  EXPECT_EQ(h.log, (std::vector<std::string>{"9@0", "7@1", "5@2", "3@3", "run 0"}));
  h.log.clear();
  ASSERT_EQ(loop.RunEvents(1), 1u);
  EXPECT_EQ(h.log, (std::vector<std::string>{"8@1", "6@2", "4@3", "run 1"}));

  // A pending timer's handler is not known until it fires: no hint.
  EventLoop timers;
  timers.EnablePrefetchHints();
  HintRecorder t;
  timers.StartTimerAt(SimTime::FromNanoseconds(1024), &t, 0);
  for (uint64_t i = 1; i < 9; ++i) timers.ScheduleAt(SimTime::FromNanoseconds(1024 + i), &t, i);
  timers.StartTimerAt(SimTime::FromNanoseconds(1033), &t, 9);
  ASSERT_EQ(timers.RunEvents(2), 2u);
  // Event 9, a timer 8 places behind event 0, gets no hint.
  EXPECT_EQ(t.log,
            (std::vector<std::string>{"7@1", "5@2", "3@3", "run 0", "8@1", "6@2", "4@3", "run 1"}));
}

TEST(EventLoopTest, NoHintsUnlessEnabled) {
  EventLoop loop;
  HintRecorder h;
  for (uint64_t i = 0; i < 10; ++i) loop.ScheduleAt(SimTime::FromNanoseconds(1024 + i), &h, i);
  ASSERT_EQ(loop.RunEvents(1), 1u);
  EXPECT_EQ(h.log, (std::vector<std::string>{"run 0"}));
}

}  // namespace
}  // namespace plumsim
