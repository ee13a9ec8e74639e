// What the commands that load a scenario share (run, check, golden): the
// scenario file, --seed, --duration and --set, turned into the overrides
// the scenario loader applies (docs/scenario-format.md, "Overrides from the
// command line").
#ifndef PLUMSIM_CLI_SCENARIO_ARGS_H_
#define PLUMSIM_CLI_SCENARIO_ARGS_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

struct ScenarioArgs {
  std::string file;
  std::string seed;      // "" if not given
  std::string duration;  // "" if not given
  std::vector<std::string> sets;
  // More overrides, from other flags (--trace-kinds, --roots, ...).
  std::vector<Override> extra;

  // Adds the scenario file (a positional argument called `name`), --seed,
  // --duration and --set.
  void AddTo(CLI::App* command, const std::string& name = "FILE");
  // CommandLineOverrides (--set values, then --seed, --duration), then
  // `extra`; a later one wins. InvalidArgument for a --seed that is not 0
  // to 2^63-1 (CheckSeedArgument).
  absl::StatusOr<std::vector<Override>> Overrides() const;
  // The scenario with its overrides applied.
  absl::StatusOr<Scenario> Load() const;
};

}  // namespace plumsim

#endif  // PLUMSIM_CLI_SCENARIO_ARGS_H_
