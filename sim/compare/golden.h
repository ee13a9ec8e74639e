// Tree-shape goldens (docs/golden.md): a run's eager trees at chosen roots
// and times, and its summary figures, pinned in a TOML file a person can
// read and edit; `plumsim golden check` runs the scenario again and lists
// what changed.
//
//   absl::StatusOr<Golden> pinned = ParseGolden(text, "tests/golden/quickstart.golden");
//   Golden now = ...;  // the same roots and times measured by a new run
//   for (const std::string& d : CompareGolden(*pinned, now)) std::cout << d << "\n";
//   // "n0@60s: edges added: n3-n5", "heartbeat.rmr_mean 0 -> 0.02 (tolerance 0)"
#ifndef PLUMSIM_SIM_COMPARE_GOLDEN_H_
#define PLUMSIM_SIM_COMPARE_GOLDEN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/kernel/time.h"
#include "sim/metrics/metrics.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

// The first line of every golden file: what `record` may replace.
inline constexpr char kGoldenHeader[] = "# plumsim golden";

struct GoldenFigure {
  std::string name;             // "heartbeat.rmr_mean", "payload_messages"
  std::optional<double> value;  // nullopt: undefined (e.g. never converged)
  double tolerance = 0;         // absolute; the check passes when |a - b| <= it
};

struct GoldenTree {
  NodeId root = 0;
  SimTime at;
  bool running = false;
  bool spanning = false;
  int64_t depth = -1;
  std::vector<Edge> edges;  // eager, sorted
};

struct Golden {
  std::string scenario;  // the path as given to record
  uint64_t seed = 1;
  SimDuration duration;
  std::vector<std::string> overrides;  // --set values
  std::string plumsim_version;
  std::string digest;  // informational: a new plumsim may change it alone
  std::vector<GoldenFigure> figures;
  std::vector<GoldenTree> trees;  // by time, then root
};

// The figures pinned: per handler with settled messages (heartbeat,
// application) its message count, reliability_min, rmr_mean, rmr_max,
// ldh_max, latency_ns_max, converged_at_ns, tree_stable_share,
// rmr_settled_share; and payload_messages, control_messages. Values are
// rounded to 6 decimals, as written.
std::vector<GoldenFigure> GoldenFigures(const MetricsCollector& metrics);
GoldenTree GoldenTreeOf(const TreeShape& tree, SimTime at);

std::string GoldenToToml(const Golden& golden);
// Errors (InvalidArgument) name `source:line:column`.
absl::StatusOr<Golden> ParseGolden(absl::string_view text, const std::string& source);

// What differs between the pinned golden and a new run, one line each
// (empty: they match). Figures compare within the golden's tolerance; trees
// by their edges (added, removed), depth, spanning and running.
std::vector<std::string> CompareGolden(const Golden& pinned, const Golden& now);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_COMPARE_GOLDEN_H_
