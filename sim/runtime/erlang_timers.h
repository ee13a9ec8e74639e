// When an Erlang timer fires, by ERTS's rule (docs/runtime-model.md,
// "Timers").
//
// erlang:send_after/3 takes whole milliseconds. ERTS turns the timeout into
// a position on its timer wheel counted in clock ticks of the VM's
// monotonic clock (one tick is one millisecond): the tick at or after the
// instant of arming, plus the timeout (erl_hl_timer.c, get_timeout_pos/2:
// ERTS_MONOTONIC_TO_CLKTCKS(now - 1) + msec + 1). The message is sent when
// the wheel reaches that tick, and the process handles it when it is
// scheduled; a handler that re-arms its own timer therefore re-arms it a
// little after a tick, and its period is the timeout plus one tick.
//
// Each VM's monotonic clock starts at its own instant, so its ticks fall at
// its own phase within the millisecond (`clock_phase`).
//
//   // A timer of 1000 ms armed 0.2 ms after one of the VM's ticks (10 ms)
//   // fires 1000.8 ms later: the next tick (11 ms) plus 1000 ms.
//   SimTime fire = ErlangTimerExpiry(SimTime::FromNanoseconds(10'200'000),
//                                    SimDuration::Milliseconds(1000),
//                                    SimDuration::Milliseconds(1), SimDuration::Zero());
//   // fire == 1011 ms
#ifndef PLUMSIM_SIM_RUNTIME_ERLANG_TIMERS_H_
#define PLUMSIM_SIM_RUNTIME_ERLANG_TIMERS_H_

#include "sim/kernel/time.h"

namespace plumsim {

// The instant a timer armed at `armed` with `timeout` expires. `tick` is the
// timer wheel's tick (1 ms; 1 ns turns the rounding off); `clock_phase`, in
// [0, tick), is where the VM's ticks fall: they are at clock_phase + k *
// tick. The timeout is rounded up to whole ticks first (send_after takes
// whole milliseconds). SimTime::Max() when it would fall beyond virtual time.
SimTime ErlangTimerExpiry(SimTime armed, SimDuration timeout, SimDuration tick,
                          SimDuration clock_phase);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_ERLANG_TIMERS_H_
