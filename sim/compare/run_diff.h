// What differs between two run folders (`plumsim diff`): the first trace
// event where they part (with the events before it), the figures of their
// metrics.json, and the shape of every tree snapshot both have.
#ifndef PLUMSIM_SIM_COMPARE_RUN_DIFF_H_
#define PLUMSIM_SIM_COMPARE_RUN_DIFF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/trace/file.h"

namespace plumsim {

struct EventDivergence {
  bool diverged = false;
  int64_t line = 0;                 // 1-based, of the first differing event
  std::vector<std::string> before;  // up to `context` equal events before it
  std::optional<std::string> a, b;  // the differing events; nullopt: that trace ended
};

// Reads both traces in step until their lines differ.
absl::StatusOr<EventDivergence> FirstDivergence(TraceLineReader& a, TraceLineReader& b,
                                                int context);

// "summary.rmr_mean: 0.12 -> 0.15" for every number, string or boolean of
// the two metrics.json texts' `summary` and `network` objects that differs
// (arrays of numbers by index; per-root lists are left out).
absl::StatusOr<std::vector<std::string>> DiffFigures(absl::string_view metrics_a,
                                                     absl::string_view metrics_b);

// One snapshot's changes from A to B (tree JSON texts): edges added and
// removed, depth, spanning, unreached, and eager degrees; empty if the same.
absl::StatusOr<std::vector<std::string>> DiffTree(absl::string_view tree_a,
                                                  absl::string_view tree_b);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_COMPARE_RUN_DIFF_H_
