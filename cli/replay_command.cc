#include "cli/replay_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/exit_codes.h"
#include "sim/output/manifest.h"
#include "sim/run/runner.h"

namespace plumsim {
namespace {

int Replay(const std::string& dir) {
  absl::StatusOr<RecordedRun> recorded = ReadRecordedRun(dir);
  if (!recorded.ok()) return Fail(recorded.status());
  if (!recorded->complete) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat(dir, ": the recorded run was interrupted; nothing to compare")));
  }
  if (recorded->version != kPlumsimVersion) {
    std::printf("replay %s: recorded by plumsim %s, replayed by %s\n", dir.c_str(),
                recorded->version.c_str(), kPlumsimVersion);
  }
  absl::StatusOr<RunResult> result = RunScenario(recorded->scenario, RunOptions{});
  if (!result.ok()) return Fail(result.status());
  if (result->digest_hex != recorded->digest_hex) {
    std::printf("replay %s: DIFFERENT digest: recorded %s, replayed %s\n", dir.c_str(),
                recorded->digest_hex.c_str(), result->digest_hex.c_str());
    return kExitFailed;
  }
  std::printf("replay %s: identical\ntrace digest: %s\n", dir.c_str(), result->digest_hex.c_str());
  return kExitOk;
}

}  // namespace

Command AddReplayCommand(CLI::App* app) {
  auto dir = std::make_shared<std::string>();
  CLI::App* replay = app->add_subcommand(
      "replay", "Re-run DIR/manifest.json's run; fail unless the digest is identical");
  replay->add_option("DIR", *dir, "A folder written by plumsim run --out")->required();
  return Command{replay, [dir] { return Replay(*dir); }};
}

}  // namespace plumsim
