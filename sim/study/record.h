// A study's folder (docs/studies.md):
//
//   DIR/study.json       the plan: parameters, points, runs (this file)
//   DIR/runs/<run id>/   one ordinary run folder per point and replication
//   DIR/logs/<run id>.log  what each run printed
//   DIR/study.csv, DIR/points.csv, DIR/plots/   from collect and plot
//
// study.json is written when a study first runs into DIR; collect and plot
// read it alone, so a study folder can be collected anywhere.
#ifndef PLUMSIM_SIM_STUDY_RECORD_H_
#define PLUMSIM_SIM_STUDY_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/study/figures.h"
#include "sim/study/file.h"
#include "sim/study/plan.h"

namespace plumsim {

inline constexpr int kStudyRecordFormat = 1;

struct StudyRecord {
  struct Parameter {
    std::string path;
    bool numeric = false;
    std::vector<std::string> labels;
  };
  struct Point {
    std::string id;
    std::vector<int> value_index;  // per parameter
  };
  struct Run {
    std::string id;
    int point = 0;
    int replication = 1;
    uint64_t seed = 0;
    std::vector<std::string> sets;
  };
  std::string name;
  std::string study_path;     // absolute
  std::string scenario_path;  // absolute
  uint64_t seed = 0;
  int replications = 1;
  std::vector<Parameter> parameters;
  std::vector<std::string> plot;
  FigureSelection selection;
  std::vector<Point> points;
  std::vector<Run> runs;

  static StudyRecord From(const Study& study, const StudyPlan& plan);
  std::string ToJson() const;
  // The runs and what they run (not the study's name or paths): equal
  // plans may share a folder.
  bool SamePlan(const StudyRecord& other) const;
};

// Reads DIR/study.json. InvalidArgument if it is missing or not a study
// record (the folder is then no study folder).
absl::StatusOr<StudyRecord> ReadStudyRecord(const std::string& dir);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_RECORD_H_
