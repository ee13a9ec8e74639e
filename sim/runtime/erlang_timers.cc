#include "sim/runtime/erlang_timers.h"

#include "base/check.h"

namespace plumsim {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

}  // namespace

SimTime ErlangTimerExpiry(SimTime armed, SimDuration timeout, SimDuration tick,
                          SimDuration clock_phase) {
  const int64_t t = tick.ns();
  PLUMSIM_CHECK(t >= 1);
  PLUMSIM_CHECK(clock_phase.ns() >= 0 && clock_phase.ns() < t);
  PLUMSIM_CHECK(armed.ns() >= 0 && timeout.ns() >= 0);
  const int64_t timeout_ticks = CeilDiv(timeout.ns(), t);
  // get_timeout_pos/2: a timeout of 0 is already due.
  if (timeout_ticks == 0) return armed;
  // Beyond virtual time (a saturated clock): never.
  if (armed.ns() > SimTime::Max().ns() - timeout.ns() - 2 * t) return SimTime::Max();
  // The VM's monotonic clock, in ns, counted so that its ticks are the
  // multiples of `t`.
  const int64_t monotonic = armed.ns() + (t - clock_phase.ns()) % t;
  // get_timeout_pos/2: floor((now - 1) / tick) + msec + 1, that is the
  // first tick at or after `now`, plus the timeout.
  const int64_t position = CeilDiv(monotonic, t) + timeout_ticks;
  return SimTime::FromNanoseconds(position * t - (t - clock_phase.ns()) % t);
}

}  // namespace plumsim
