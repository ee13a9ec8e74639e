// A study: a grid of scenario parameters times replications (seeds), read
// from a `[study]` section (docs/studies.md has the format). The section is
// either in a study file that names a base scenario (`scenario = "..."`) or
// in the scenario file itself, whose reader ignores it.
//
//   [study]
//   scenario = "lossy.toml"        # relative to the study file
//   replications = 5               # seeds per point
//   plot = ["reliability_min", "rmr_mean"]
//   [study.parameters]
//   "network.loss" = [0, 0.05, 0.1]
//   "nodes.count" = { from = 100, to = 1000, step = 100 }
//
// Every error is reported with its file:line:column, and a value a point
// gives the base scenario is validated by the scenario reader (the error
// names the parameter's location and the point).
//
// The package's flow (plumsim study):
//
//   absl::StatusOr<Study> study = LoadStudy("scenarios/study_loss.toml");
//   absl::StatusOr<StudyPlan> plan = ExpandStudy(*study);      // points x seeds
//   // ... each run is `plumsim run` into DIR/runs/<id> (sim/study/record.h) ...
//   absl::StatusOr<StudyResults> results = CollectStudy(dir);  // study.csv, points.csv
#ifndef PLUMSIM_SIM_STUDY_FILE_H_
#define PLUMSIM_SIM_STUDY_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/kernel/time.h"

namespace plumsim {

// One swept scenario value, by its dotted path (as for --set).
struct StudyParameter {
  std::string path;      // "network.loss", "events.1.nodes"
  std::string location;  // "study.toml:7:1"
  // Each value as TOML text for --set ("0.05", "\"random 10%\"") and as
  // shown in tables and plots ("0.05", "random 10%"); `numbers` holds the
  // numeric value of numeric ones.
  std::vector<std::string> values;
  std::vector<std::string> labels;
  std::vector<std::optional<double>> numbers;
  bool numeric() const;  // every value is a number
};

// "LEFT OP RIGHT": each side a swept parameter's path, a number or a quoted
// string; OP one of < <= > >= == !=. A point is run only if every
// constraint holds.
struct StudyConstraint {
  struct Operand {
    int parameter = -1;  // index into Study::parameters, or -1 for a literal
    std::optional<double> number;
    std::string text;  // a string literal
  };
  std::string text;  // as written
  std::string location;
  Operand left, right;
  std::string op;
};

struct Study {
  std::string source_path;       // the study file
  std::string scenario_path;     // the base scenario (maybe source_path itself)
  std::string name;              // default: the study file's stem
  std::optional<uint64_t> seed;  // nullopt: the base scenario's seed
  int replications = 1;
  std::vector<StudyParameter> parameters;  // in file order
  std::vector<StudyConstraint> constraints;
  std::vector<std::string> plot;  // figure names (sim/study/figures.h)
  // Which messages the per-run figures measure: those of `handler` (all
  // when empty) sent at or after `measure_after`.
  std::string handler;
  SimDuration measure_after = SimDuration::Zero();
};

// Reads and validates a study file (the base scenario is not read here:
// see ExpandStudy). InvalidArgument with file:line:col for bad input,
// NotFound for a missing file.
absl::StatusOr<Study> LoadStudy(const std::string& path);
// The same from text; a relative `scenario` is resolved against the folder
// of `source_name`.
absl::StatusOr<Study> ParseStudy(absl::string_view text, const std::string& source_name);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_FILE_H_
