#include "sim/kernel/time.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace plumsim {

SimDuration SimDuration::FromAbsl(absl::Duration d) {
  if (d >= absl::Nanoseconds(std::numeric_limits<int64_t>::max())) return Max();
  if (d <= absl::Nanoseconds(std::numeric_limits<int64_t>::min())) {
    return Nanoseconds(std::numeric_limits<int64_t>::min());
  }
  return Nanoseconds(absl::ToInt64Nanoseconds(d));
}

absl::StatusOr<SimDuration> ParseSimDuration(absl::string_view text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a duration with a unit such as \"250ms\", \"10s\" or "
                     "\"1m30s\" (units: ns, us, ms, s, m, h), got \"",
                     text, "\""));
  }
  if (d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a non-negative duration, got \"", text, "\""));
  }
  return SimDuration::FromAbsl(d);
}

std::string FormatSimDuration(SimDuration d) { return absl::FormatDuration(d.ToAbsl()); }

std::string FormatSimTime(SimTime t) {
  const int64_t ns = t.ns();
  const char* sign = ns < 0 ? "-" : "";
  const uint64_t abs_ns = ns < 0 ? 0 - static_cast<uint64_t>(ns) : ns;
  return absl::StrFormat("%s%d.%09ds", sign, abs_ns / 1000000000, abs_ns % 1000000000);
}

}  // namespace plumsim
