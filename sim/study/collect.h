// Collects a study folder (sim/study/record.h): each run's figures from its
// metrics.json (sim/study/figures.h), and per point the statistics of each
// figure over its replications (sim/study/stats.h). docs/output-formats.md
// documents the two tables.
#ifndef PLUMSIM_SIM_STUDY_COLLECT_H_
#define PLUMSIM_SIM_STUDY_COLLECT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/study/figures.h"
#include "sim/study/record.h"
#include "sim/study/stats.h"

namespace plumsim {

struct CollectedRun {
  // "ok"; "expectation_failed" (complete, with failed [[expect]] entries:
  // its figures count); "missing" (not run yet), "incomplete" (interrupted)
  // or "bad_output" (unreadable files): no figures.
  std::string status;
  std::string digest;
  FigureValues figures;  // one per StudyFigures() entry, empty unless counted
  bool counted() const { return status == "ok" || status == "expectation_failed"; }
};

struct StudyResults {
  StudyRecord record;
  std::vector<CollectedRun> runs;                // as record.runs
  std::vector<std::vector<FigureStats>> points;  // per point, per figure
  int Counted() const;
};

absl::StatusOr<StudyResults> CollectStudy(const std::string& dir);

// One row per run: run, point, replication, each parameter, seed, status,
// digest, each figure.
std::string StudyCsv(const StudyResults& results);
// One row per point: point, each parameter, runs, and per figure its n,
// mean, sd, ci95 (half-width), min and max.
std::string PointsCsv(const StudyResults& results);

// A number in a CSV cell ("" for none): the shortest exact text.
std::string CsvNumber(const std::optional<double>& value);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_COLLECT_H_
