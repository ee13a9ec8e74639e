#include "sim/kernel/event_queue.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

class Recorder : public EventHandler {
 public:
  void OnEvent(uint64_t arg) override { seen.push_back(arg); }
  std::vector<uint64_t> seen;
};

SimTime At(int64_t ns) { return SimTime::FromNanoseconds(ns); }

std::vector<uint64_t> Drain(EventQueue& queue) {
  std::vector<uint64_t> args;
  Event event;
  while (queue.Pop(&event)) args.push_back(event.arg);
  return args;
}

TEST(EventQueueTest, OrdersByTime) {
  EventQueue queue;
  Recorder r;
  queue.Push(At(30), &r, 3);
  queue.Push(At(10), &r, 1);
  queue.Push(At(20), &r, 2);
  EXPECT_EQ(Drain(queue), (std::vector<uint64_t>{1, 2, 3}));
}

TEST(EventQueueTest, TiesFireInSchedulingOrder) {
  EventQueue queue;
  Recorder r;
  for (uint64_t i = 0; i < 100; ++i) queue.Push(At(5), &r, i);
  queue.Push(At(4), &r, 1000);
  std::vector<uint64_t> expected = {1000};
  for (uint64_t i = 0; i < 100; ++i) expected.push_back(i);
  EXPECT_EQ(Drain(queue), expected);
}

TEST(EventQueueTest, CancelSkipsTheTimer) {
  EventQueue queue;
  Recorder r;
  queue.Push(At(1), &r, 1);
  const TimerId t = queue.PushTimer(At(2), &r, 2);
  queue.Push(At(3), &r, 3);
  EXPECT_TRUE(queue.IsPending(t));
  EXPECT_TRUE(queue.Cancel(t));
  EXPECT_FALSE(queue.IsPending(t));
  EXPECT_FALSE(queue.Cancel(t));  // twice: harmless
  EXPECT_EQ(Drain(queue), (std::vector<uint64_t>{1, 3}));
}

TEST(EventQueueTest, CancellingAFiredTimerIsHarmlessEvenAfterSlotReuse) {
  EventQueue queue;
  Recorder r;
  const TimerId first = queue.PushTimer(At(1), &r, 1);
  Event event;
  ASSERT_TRUE(queue.Pop(&event));
  EXPECT_EQ(event.arg, 1u);
  EXPECT_FALSE(queue.IsPending(first));
  // The slot is reused by a new timer; the stale id must not cancel it.
  const TimerId second = queue.PushTimer(At(2), &r, 2);
  EXPECT_EQ(second.slot, first.slot);
  EXPECT_FALSE(queue.Cancel(first));
  EXPECT_TRUE(queue.IsPending(second));
  EXPECT_EQ(Drain(queue), (std::vector<uint64_t>{2}));
}

TEST(EventQueueTest, TopSkipsCancelledTimers) {
  EventQueue queue;
  Recorder r;
  const TimerId t = queue.PushTimer(At(1), &r, 1);
  queue.Push(At(9), &r, 9);
  queue.Cancel(t);
  const Event* top = queue.Top();
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->at, At(9));
  EXPECT_EQ(top->arg, 9u);
  EXPECT_EQ(queue.size(), 1u);
}

TEST(EventQueueTest, ManyRandomEventsComeOutSorted) {
  EventQueue queue;
  Recorder r;
  uint64_t x = 12345;
  for (uint64_t i = 0; i < 10000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    queue.Push(At(static_cast<int64_t>(x >> 54)), &r, i);
  }
  Event prev, event;
  ASSERT_TRUE(queue.Pop(&prev));
  int count = 1;
  while (queue.Pop(&event)) {
    // arg is the push index: ties come out in push order.
    ASSERT_TRUE(prev.at < event.at || (prev.at == event.at && prev.arg < event.arg));
    prev = event;
    ++count;
  }
  EXPECT_EQ(count, 10000);
}

// Interleaves pops and pushes the way a simulation does (every push at or
// after the current time), with many exact ties, and checks the order:
// time, then push order.
TEST(EventQueueTest, InterleavedPushPopKeepsTimeThenFifoOrder) {
  EventQueue queue;
  Recorder r;
  uint64_t x = 99;
  auto next = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  uint64_t pushed = 0;  // each event's arg: its push index
  for (; pushed < 1000; ++pushed) queue.Push(At(next() % 50), &r, pushed);
  Event event;
  SimTime prev_time = SimTime::Zero();
  uint64_t prev_push = 0;
  bool first = true;
  int popped = 0;
  while (queue.Pop(&event)) {
    if (!first) {
      ASSERT_TRUE(prev_time < event.at || (prev_time == event.at && prev_push < event.arg));
    }
    first = false;
    prev_time = event.at;
    prev_push = event.arg;
    if (++popped < 20000) {
      // Delays of 0..7 ns: lots of events at exactly the same time.
      queue.Push(event.at + SimDuration::Nanoseconds(next() % 8), &r, pushed++);
      if (next() % 4 == 0) queue.Push(event.at, &r, pushed++);
    }
  }
  EXPECT_GE(popped, 20000);
}

// A small deterministic generator for the reference tests.
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : x_(seed) {}
  uint64_t operator()() {
    x_ = x_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return x_ >> 33;
  }

 private:
  uint64_t x_;
};

// Runs the queue beside a reference (an ordered set of (time, push index))
// for `pops` pops, starting with about 1.5 x `initial_rounds` events, each pop
// followed by 0-3 pushes at now + delay(rng) (a third of them timers) and,
// one time in five, the cancel of a random pending timer. Every pop must
// return the reference's earliest event.
template <typename Delay>
void CheckAgainstReference(int initial_rounds, int pops, Delay delay) {
  EventQueue queue;
  Recorder r;
  Lcg next(7);
  std::set<std::pair<int64_t, uint64_t>> order;
  std::unordered_map<uint64_t, TimerId> timers;  // push index -> pending timer
  std::vector<std::pair<int64_t, uint64_t>> timer_list;
  uint64_t pushed = 0;
  int64_t now = 0;
  auto push_some = [&] {
    const int n = static_cast<int>(next() % 4);
    for (int k = 0; k < n; ++k) {
      const int64_t at = now + delay(next);
      if (next() % 3 == 0) {
        timers[pushed] = queue.PushTimer(At(at), &r, pushed);
        timer_list.push_back({at, pushed});
      } else {
        queue.Push(At(at), &r, pushed);
      }
      order.insert({at, pushed++});
    }
  };
  for (int k = 0; k < initial_rounds; ++k) push_some();
  Event event;
  int popped = 0;
  while (popped < pops) {
    if (next() % 5 == 0 && !timer_list.empty()) {  // cancel a timer, if still pending
      const size_t victim = next() % timer_list.size();
      const auto key = timer_list[victim];
      timer_list[victim] = timer_list.back();
      timer_list.pop_back();
      if (order.erase(key) == 1) {
        EXPECT_TRUE(queue.Cancel(timers.at(key.second)));
      }
    }
    if (order.empty()) push_some();
    if (order.empty()) continue;
    const auto earliest = *order.begin();
    ASSERT_TRUE(queue.Pop(&event));
    ASSERT_EQ(event.at, At(earliest.first));
    ASSERT_EQ(event.arg, earliest.second);
    now = earliest.first;
    order.erase(order.begin());
    ++popped;
    push_some();
  }
}

TEST(EventQueueTest, MatchesAReferenceUnderMixedDelaysAndCancels) {
  // Delays from 0 to 2^40 ns: the radix buckets at every level.
  CheckAgainstReference(200, 50000, [](Lcg& next) {
    const int shift = static_cast<int>(next() % 41);
    return static_cast<int64_t>(next() & ((uint64_t{1} << shift) - 1));
  });
}

TEST(EventQueueTest, MatchesAReferenceWithManyPendingAndTies) {
  // 30,000 pending events on multiples of 1 us within 1 ms: buckets split
  // down to bottoms of many events of one time.
  CheckAgainstReference(20000, 60000,
                        [](Lcg& next) { return static_cast<int64_t>(next() % 1000) * 1000; });
}

TEST(EventQueueTest, MatchesAReferenceWithClusteredTimes) {
  // Most events within 16 ns of now, a few up to 2^30 ns later: pushes into
  // the bottom's span beside buckets split at every level.
  CheckAgainstReference(20000, 60000, [](Lcg& next) {
    if (next() % 8 != 0) return static_cast<int64_t>(next() % 16);
    const int shift = static_cast<int>(next() % 31);
    return static_cast<int64_t>(next() & ((uint64_t{1} << shift) - 1));
  });
}

TEST(EventQueueDeathTest, PushingBeforeThePoppedTimeIsAnErrorWithinTheBottom) {
  EventQueue queue;
  Recorder r;
  queue.Push(At(10), &r, 0);
  queue.Push(At(20), &r, 1);
  Event event;
  ASSERT_TRUE(queue.Pop(&event));
  queue.Push(At(15), &r, 2);  // between the popped time and the bottom's end
  ASSERT_TRUE(queue.Pop(&event));
  EXPECT_EQ(event.arg, 2u);
  EXPECT_DEATH(queue.Push(At(12), &r, 3), "before the last popped");
}

TEST(EventQueueDeathTest, PushingBeforeThePoppedTimeIsAnError) {
  EventQueue queue;
  Recorder r;
  queue.Push(At(10), &r, 0);
  Event event;
  ASSERT_TRUE(queue.Pop(&event));
  EXPECT_DEATH(queue.Push(At(9), &r, 0), "before the last popped");
}

}  // namespace
}  // namespace plumsim
