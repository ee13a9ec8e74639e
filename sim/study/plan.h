// A study's runs: every point of the parameter grid (the first parameter
// varies slowest; points breaking a constraint are left out) times every
// replication. Replication r (1-based) of every point runs with the same
// seed, derived from the study's seed (common random numbers: points are
// compared on the same draws):
//
//   seed(r) = DeriveStreamSeed(study seed, StreamDomain::kStudy, r) mod 2^63
//
// Runs are numbered in point-major order; shard K of N holds the runs whose
// index i (0-based) has i mod N = K - 1, so the shards are disjoint and
// together the whole study.
#ifndef PLUMSIM_SIM_STUDY_PLAN_H_
#define PLUMSIM_SIM_STUDY_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/study/file.h"

namespace plumsim {

struct StudyPoint {
  std::string id;                // "p03" (1-based, zero-padded)
  std::vector<int> value_index;  // per parameter, into its values
};

struct StudyRun {
  int index = 0;        // 0-based, over the whole plan
  int point = 0;        // into StudyPlan::points
  int replication = 1;  // 1-based
  std::string id;       // "p03-r2"
  uint64_t seed = 0;
  std::vector<std::string> sets;  // "network.loss=0.05", as for --set
};

struct StudyPlan {
  std::string scenario_path;
  uint64_t seed = 0;  // the study's, resolved
  std::vector<StudyPoint> points;
  std::vector<StudyRun> runs;
  // Each parameter's value at `point`, as shown in tables.
  std::vector<std::string> Labels(const Study& study, const StudyPoint& point) const;
};

uint64_t ReplicationSeed(uint64_t study_seed, int replication);

// Expands the grid and checks every point against the base scenario (each
// point's values are loaded as --set overrides would be; an error names the
// parameter's location in the study file and the point). InvalidArgument
// for bad input, NotFound if the base scenario is missing.
absl::StatusOr<StudyPlan> ExpandStudy(const Study& study);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_PLAN_H_
