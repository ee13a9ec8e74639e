// Virtual time: integer nanoseconds, never floating point (docs/architecture.md,
// "Determinism rules"). SimTime is a point on the virtual clock (0 = start of
// the run); SimDuration is a signed span. Both convert to and from
// absl::Duration at the edges and parse human strings such as "250ms".
#ifndef PLUMSIM_SIM_KERNEL_TIME_H_
#define PLUMSIM_SIM_KERNEL_TIME_H_

#include <compare>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace plumsim {

class SimDuration {
 public:
  constexpr SimDuration() = default;
  static constexpr SimDuration Nanoseconds(int64_t ns) { return SimDuration(ns); }
  static constexpr SimDuration Microseconds(int64_t us) { return SimDuration(us * 1000); }
  static constexpr SimDuration Milliseconds(int64_t ms) { return SimDuration(ms * 1000000); }
  static constexpr SimDuration Seconds(int64_t s) { return SimDuration(s * 1000000000); }
  static constexpr SimDuration Zero() { return SimDuration(0); }
  static constexpr SimDuration Max() { return SimDuration(std::numeric_limits<int64_t>::max()); }
  // Truncates sub-nanosecond precision toward zero; saturates at +-Max.
  static SimDuration FromAbsl(absl::Duration d);

  constexpr int64_t ns() const { return ns_; }
  absl::Duration ToAbsl() const { return absl::Nanoseconds(ns_); }

  constexpr auto operator<=>(const SimDuration&) const = default;
  // + and * saturate at Max (durations are never negative here): a
  // heavy-tailed latency or service time can be near Max, and a sum of two
  // must not wrap (found by the fuzzer: a tcp handshake's round trip).
  constexpr SimDuration operator+(SimDuration o) const { return SimDuration(Add(ns_, o.ns_)); }
  constexpr SimDuration operator-(SimDuration o) const { return SimDuration(ns_ - o.ns_); }
  constexpr SimDuration operator*(int64_t k) const {
    int64_t out = 0;
    return SimDuration(__builtin_mul_overflow(ns_, k, &out) ? Max().ns_ : out);
  }
  static constexpr int64_t Add(int64_t a, int64_t b) {
    int64_t out = 0;
    return __builtin_add_overflow(a, b, &out) ? std::numeric_limits<int64_t>::max() : out;
  }

 private:
  constexpr explicit SimDuration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime FromNanoseconds(int64_t ns) { return SimTime(ns); }
  static constexpr SimTime Zero() { return SimTime(0); }
  static constexpr SimTime Max() { return SimTime(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t ns() const { return ns_; }
  // Time since the start of the run.
  constexpr SimDuration SinceStart() const { return SimDuration::Nanoseconds(ns_); }

  constexpr auto operator<=>(const SimTime&) const = default;
  // Saturates at Max: an event that late never happens within a run.
  constexpr SimTime operator+(SimDuration d) const {
    return SimTime(SimDuration::Add(ns_, d.ns()));
  }
  constexpr SimTime operator-(SimDuration d) const { return SimTime(ns_ - d.ns()); }
  constexpr SimDuration operator-(SimTime o) const { return SimDuration::Nanoseconds(ns_ - o.ns_); }

 private:
  constexpr explicit SimTime(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

// Parses a duration with a unit, as scenario files write them: "250ms",
// "10s", "1m30s", "1.5s", "0". Accepts absl::ParseDuration's syntax (units
// ns, us, ms, s, m, h), rejects infinities and negative values, and returns
// an error that says what was expected.
absl::StatusOr<SimDuration> ParseSimDuration(absl::string_view text);

// "1.5s", "250ms", "0": the shortest exact human form (absl::FormatDuration).
std::string FormatSimDuration(SimDuration d);

// Virtual time printed as seconds with nanosecond precision, e.g. "12.000250000s".
std::string FormatSimTime(SimTime t);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_KERNEL_TIME_H_
