#include "cli/scenario_args.h"

namespace plumsim {

void ScenarioArgs::AddTo(CLI::App* command, const std::string& name) {
  command->add_option(name, file, "Scenario file (TOML, docs/scenario-format.md)")->required();
  command->add_option("--seed", seed, "Root seed, 0 to 2^63-1; overrides the scenario's");
  command->add_option("--duration", duration,
                      "Virtual duration, e.g. 120s; overrides the scenario's");
  command
      ->add_option("--set", sets,
                   "key=value: override a scenario value by its dotted path, "
                   "e.g. --set nodes.count=64; repeatable")
      ->allow_extra_args(false);  // one value per --set; a vector keeps them all
}

absl::StatusOr<std::vector<Override>> ScenarioArgs::Overrides() const {
  if (absl::Status st = CheckSeedArgument(seed); !st.ok()) return st;
  std::vector<Override> overrides = CommandLineOverrides(sets, seed, duration);
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return overrides;
}

absl::StatusOr<Scenario> ScenarioArgs::Load() const {
  absl::StatusOr<std::vector<Override>> overrides = Overrides();
  if (!overrides.ok()) return overrides.status();
  return LoadScenario(file, *overrides);
}

}  // namespace plumsim
