#include "cli/check_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "base/files.h"
#include "cli/exit_codes.h"
#include "cli/scenario_args.h"
#include "sim/explore/nemesis_config.h"
#include "sim/scenario/memory_estimate.h"
#include "sim/scenario/reader.h"
#include "sim/study/file.h"

namespace plumsim {
namespace {

// The sections the scenario loader leaves to other commands: [explore]
// (plumsim explore) and [study] (plumsim study), each checked by its own
// reader with the same file:line:col errors those commands give.
absl::Status CheckOtherSections(const std::string& file) {
  absl::StatusOr<std::string> text = ReadInputFile(file, "scenario file");
  if (!text.ok()) return text.status();
  if (absl::Status st = CheckExploreSection(*text, file); !st.ok()) return st;
  absl::StatusOr<toml::table> document = ParseTomlDocument(*text, file);
  if (!document.ok()) return document.status();
  if (document->contains("study")) {
    if (absl::StatusOr<Study> study = ParseStudy(*text, file); !study.ok()) return study.status();
  }
  return absl::OkStatus();
}

int Check(const ScenarioArgs& args) {
  absl::StatusOr<Scenario> scenario = args.Load();
  if (!scenario.ok()) return Fail(scenario.status());
  if (absl::Status st = CheckOtherSections(args.file); !st.ok()) return Fail(st);
  std::printf(
      "# %s: valid scenario \"%s\" (%lld nodes, %zu events, about %s of memory); "
      "resolved form:\n",
      args.file.c_str(), scenario->name.c_str(), static_cast<long long>(scenario->total_nodes()),
      scenario->events.size(), FormatBytes(EstimateMemoryBytes(*scenario)).c_str());
  std::fputs(scenario->ToToml().c_str(), stdout);
  return kExitOk;
}

}  // namespace

Command AddCheckCommand(CLI::App* app) {
  auto args = std::make_shared<ScenarioArgs>();
  CLI::App* check = app->add_subcommand(
      "check", "Validate a scenario (and its [explore], [study]) and print its resolved form");
  args->AddTo(check);
  return Command{check, [args] { return Check(*args); }};
}

}  // namespace plumsim
