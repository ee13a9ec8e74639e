#include "cli/scenario_args.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace plumsim {

void ScenarioArgs::AddTo(CLI::App* command, const std::string& file_help) {
  command->add_option("FILE", file, file_help)->required();
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
  std::vector<Override> overrides;
  for (const std::string& s : sets) overrides.push_back(Override::FromSet(s));
  if (!seed.empty()) {
    uint64_t v;
    if (!absl::SimpleAtoi(seed, &v) || v > static_cast<uint64_t>(INT64_MAX) ||
        seed.find_first_not_of("0123456789") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--seed ", seed, ": expected a whole number from 0 to 9223372036854775807"));
    }
    overrides.push_back(Override{"--seed", "seed", seed});
  }
  if (!duration.empty()) {
    overrides.push_back(Override{"--duration", "duration", absl::StrCat("\"", duration, "\"")});
  }
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return overrides;
}

absl::StatusOr<Scenario> ScenarioArgs::Load() const {
  absl::StatusOr<std::vector<Override>> overrides = Overrides();
  if (!overrides.ok()) return overrides.status();
  return LoadScenario(file, *overrides);
}

}  // namespace plumsim
