// The explorer (docs/explore.md): runs a base scenario again and again,
// each run i with its own seed and a random fault schedule
// (sim/explore/nemesis.h), checks each against the invariants
// (sim/explore/invariants.h), and shrinks a run that breaks one (a finding,
// sim/explore/shrink.h) into an ordinary scenario file. `plumsim explore`
// (cli/explore_command.cc) adds the worker processes, the output folder and
// resumption.
//
//   absl::StatusOr<Scenario> base = ParseScenario(text, path);
//   ExploreSettings settings;
//   settings.nemesis = *ReadNemesisConfig(text, path);  // its [explore]
//   settings.seed = 1;
//   for (int64_t i = 0; i < 100; ++i) {
//     absl::StatusOr<ExploreRun> run = ExploreOne(*base, settings, i);
//     if (run.ok() && run->finding() != nullptr) {
//       absl::StatusOr<ShrunkFinding> shrunk =
//           ShrinkFinding(*base, settings, *run, "findings/f.toml");
//       // shrunk->toml: the file `plumsim run findings/f.toml` replays
//     }
//   }
#ifndef PLUMSIM_SIM_EXPLORE_EXPLORE_H_
#define PLUMSIM_SIM_EXPLORE_EXPLORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/explore/invariants.h"
#include "sim/explore/nemesis.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

struct ExploreSettings {
  NemesisConfig nemesis;
  uint64_t seed = 1;  // the exploration's
  // Tests only: a planted bug in every run.
  std::function<void(NodeConfig*)> customize_nodes;
};

// Run i's scenario seed: DeriveStreamSeed(seed, StreamDomain::kExplore, i + 1) mod 2^63.
uint64_t ExploreRunSeed(uint64_t explore_seed, int64_t index);

struct ExploreRun {
  int64_t index = 0;
  uint64_t seed = 0;
  FaultSchedule schedule;
  InvariantReport report;
  // "ok"; "finding" (a safety, liveness or expect violation); "known" (only
  // known liveness violations).
  std::string outcome;
  // The first violation that is not known: one that points at the
  // simulator (safety, liveness, expect) before a protocol finding.
  const Violation* finding() const;
};

// The base scenario of run i (its seed set) and its faulted scenario.
Scenario ExploreBase(const Scenario& scenario, const ExploreSettings& settings, int64_t index);

absl::StatusOr<ExploreRun> ExploreOne(const Scenario& scenario, const ExploreSettings& settings,
                                      int64_t index);

struct ShrunkFinding {
  Violation violation;  // as the shrunk scenario breaks it
  std::string toml;     // the finding file: comment header and scenario
  std::string digest;   // what plumsim run of it prints
  int runs = 0;         // candidate runs shrinking took
  std::vector<Fault> faults;
};

// Shrinks run `run`'s first finding. `reproduce_path` is where the file
// will be written (for the command in its header).
absl::StatusOr<ShrunkFinding> ShrinkFinding(const Scenario& scenario,
                                            const ExploreSettings& settings, const ExploreRun& run,
                                            const std::string& reproduce_path);

// Messages sent from here on are judged by the liveness checks: the second
// half of the quiet period.
SimTime LivenessFrom(const Scenario& s, const NemesisConfig& nemesis);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_EXPLORE_H_
