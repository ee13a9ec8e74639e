#include "sim/runtime/erlang_timers.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

SimTime Us(int64_t us) { return SimTime::FromNanoseconds(us * 1000); }
constexpr SimDuration kMs = SimDuration::Milliseconds(1);

// erl_hl_timer.c get_timeout_pos/2: ERTS_MONOTONIC_TO_CLKTCKS(now - 1) +
// msec + 1 clock ticks of one millisecond.
TEST(ErlangTimerExpiryTest, ArmedOnATickFiresExactlyTheTimeoutLater) {
  EXPECT_EQ(ErlangTimerExpiry(Us(5000), SimDuration::Milliseconds(1000), kMs, SimDuration::Zero()),
            Us(1'005'000));
}

TEST(ErlangTimerExpiryTest, ArmedAfterATickWaitsForTheNextTickFirst) {
  // 0.2 ms and 0.999 ms after a tick: both fire at the tick after next + 1000.
  EXPECT_EQ(ErlangTimerExpiry(Us(5200), SimDuration::Milliseconds(1000), kMs, SimDuration::Zero()),
            Us(1'006'000));
  EXPECT_EQ(ErlangTimerExpiry(Us(5999), SimDuration::Milliseconds(1000), kMs, SimDuration::Zero()),
            Us(1'006'000));
  // One nanosecond after the tick is already past it.
  EXPECT_EQ(ErlangTimerExpiry(SimTime::FromNanoseconds(5'000'001), SimDuration::Milliseconds(10),
                              kMs, SimDuration::Zero()),
            Us(16'000));
}

TEST(ErlangTimerExpiryTest, ARearmedTimerRunsOneTickSlowPerPeriod) {
  // A handler that runs 0.3 ms after its timer fired and re-arms it: the
  // period is 1001 ms, the drift a real VM shows (lazy tick, heartbeat).
  SimTime fire = Us(0);
  for (int round = 0; round < 5; ++round) {
    const SimTime next =
        ErlangTimerExpiry(fire + SimDuration::Microseconds(300), SimDuration::Milliseconds(1000),
                          kMs, SimDuration::Zero());
    EXPECT_EQ(next - fire, SimDuration::Milliseconds(1001));
    fire = next;
  }
}

TEST(ErlangTimerExpiryTest, EachVmHasItsOwnTickPhase) {
  // Ticks at 0.4 ms + k ms.
  const SimDuration phase = SimDuration::Microseconds(400);
  EXPECT_EQ(ErlangTimerExpiry(Us(5400), SimDuration::Milliseconds(1000), kMs, phase),
            Us(1'005'400));
  EXPECT_EQ(ErlangTimerExpiry(Us(5300), SimDuration::Milliseconds(1000), kMs, phase),
            Us(1'005'400));
  EXPECT_EQ(ErlangTimerExpiry(Us(5500), SimDuration::Milliseconds(1000), kMs, phase),
            Us(1'006'400));
  // Before the first tick of the run.
  EXPECT_EQ(ErlangTimerExpiry(Us(0), SimDuration::Milliseconds(2), kMs, phase), Us(2400));
}

TEST(ErlangTimerExpiryTest, TimeoutsAreWholeTicksAndZeroIsDue) {
  // send_after/3 takes whole milliseconds: 2.5 ms waits 3.
  EXPECT_EQ(ErlangTimerExpiry(Us(1000), SimDuration::Microseconds(2500), kMs, SimDuration::Zero()),
            Us(4000));
  EXPECT_EQ(ErlangTimerExpiry(Us(1300), SimDuration::Zero(), kMs, SimDuration::Zero()), Us(1300));
}

TEST(ErlangTimerExpiryTest, BeyondVirtualTimeIsNever) {
  // A clock saturated by a heavy-tailed service time.
  EXPECT_EQ(ErlangTimerExpiry(SimTime::Max(), SimDuration::Milliseconds(1000), kMs,
                              SimDuration::Microseconds(300)),
            SimTime::Max());
}

TEST(ErlangTimerExpiryTest, ANanosecondTickTurnsTheRoundingOff) {
  EXPECT_EQ(ErlangTimerExpiry(Us(5200), SimDuration::Milliseconds(1000),
                              SimDuration::Nanoseconds(1), SimDuration::Zero()),
            Us(1'005'200));
}

}  // namespace
}  // namespace plumsim
