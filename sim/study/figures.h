// The figures a study reports for each run, computed from the run's
// metrics.json (docs/studies.md and docs/output-formats.md define each):
// the Plumtree paper's reliability, RMR and LDH, latency and convergence,
// over the messages the study measures.
#ifndef PLUMSIM_SIM_STUDY_FIGURES_H_
#define PLUMSIM_SIM_STUDY_FIGURES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/kernel/time.h"

namespace plumsim {

struct FigureInfo {
  const char* name;   // column name: "reliability_min"
  const char* label;  // axis label, with its unit
};

// Every figure, in column order.
const std::vector<FigureInfo>& StudyFigures();
// nullptr when `name` is no figure.
const FigureInfo* FindStudyFigure(absl::string_view name);

// Which messages count: those of `handler` ("" for all) sent at or after
// `measure_after`, and settled (sent at least the scenario's settle before
// the end).
struct FigureSelection {
  std::string handler;
  SimDuration measure_after = SimDuration::Zero();
};

// One value per StudyFigures() entry; nullopt where the run has none (no
// measured message, or not converged).
using FigureValues = std::vector<std::optional<double>>;

// From the text of a run's metrics.json. InvalidArgument if it is not a
// plumsim metrics file.
absl::StatusOr<FigureValues> ComputeFigures(absl::string_view metrics_json,
                                            const FigureSelection& selection);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_FIGURES_H_
