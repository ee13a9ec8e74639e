// plumsim: the command-line interface.
//
//   plumsim run FILE [--seed N] [--duration D] [--set key=value ...]
//                    [--out DIR] [--trace] [--overwrite] [--quiet]
//   plumsim check FILE [--set key=value ...]
//   plumsim replay DIR
//
// Exit codes: 0 success, 1 an expectation failed or a replay differed,
// 2 bad input (file, scenario, flag). docs/cli.md has the details.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/huge_pages.h"
#include "sim/runner.h"
#include "sim/scenario.h"

ABSL_FLAG(int64_t, seed, -1, "Root seed; overrides the scenario's seed.");
ABSL_FLAG(std::string, duration, "", "Virtual duration, e.g. \"120s\"; overrides the scenario's.");
ABSL_FLAG(std::vector<std::string>, set, {},
          "key=value: overrides any scenario value by its dotted path, e.g. "
          "--set nodes.count=64 --set network.loss=0.01. Repeatable.");
ABSL_FLAG(std::string, out, "", "Folder to write manifest.json (and trace.jsonl) into.");
ABSL_FLAG(bool, trace, false, "Write DIR/trace.jsonl: one JSON object per event.");
ABSL_FLAG(bool, overwrite, false, "Replace the --out folder if it exists.");
ABSL_FLAG(bool, quiet, false, "No progress reports on stderr.");

namespace plumsim {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

constexpr char kUsage[] =
    "usage:\n"
    "  plumsim run FILE [--seed N] [--duration D] [--set key=value ...]\n"
    "                   [--out DIR] [--trace] [--overwrite] [--quiet]\n"
    "  plumsim check FILE [--set key=value ...]\n"
    "  plumsim replay DIR\n"
    "\n"
    "  run      runs a scenario; prints a summary and its trace digest\n"
    "  check    validates a scenario and prints its resolved form\n"
    "  replay   re-runs DIR/manifest.json's run; fails unless the digest is identical\n"
    "\n"
    "flags:\n"
    "  --seed N          root seed (overrides the scenario's)\n"
    "  --duration D      virtual duration, e.g. 120s (overrides the scenario's)\n"
    "  --set key=value   override a scenario value by dotted path; repeatable\n"
    "  --out DIR         write manifest.json, scenario.toml (and trace.jsonl)\n"
    "  --trace           with --out: write trace.jsonl\n"
    "  --overwrite       replace --out DIR if it exists\n"
    "  --quiet           no progress on stderr\n"
    "\n"
    "exit codes: 0 ok, 1 expectation failed or replay differed, 2 bad input\n";

int BadInput(const std::string& message) {
  std::fprintf(stderr, "plumsim: %s\n", message.c_str());
  return kExitBadInput;
}

// Parses flags through Abseil's registry, but reports errors ourselves (exit
// code 2) and lets --set repeat. Returns the positional arguments.
bool ParseFlags(int argc, char** argv, std::vector<std::string>* positional,
                std::vector<std::string>* sets, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) positional->push_back(argv[i]);
      break;
    }
    if (!absl::StartsWith(arg, "-") || arg == "-") {
      positional->push_back(arg);
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (const size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    if (name == "help" || name == "h") {
      std::fputs(kUsage, stdout);
      std::exit(kExitOk);
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    bool negated = false;
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      negated = flag != nullptr && flag->IsOfType<bool>();
      if (!negated) flag = nullptr;
    }
    static const std::vector<std::string> kOurs = {"seed", "duration", "set", "out",
                                                   "trace", "overwrite", "quiet"};
    const std::string base = negated ? name.substr(2) : name;
    if (flag == nullptr || std::find(kOurs.begin(), kOurs.end(), base) == kOurs.end()) {
      *error = absl::StrCat("unknown flag ", arg, " (see plumsim --help)");
      return false;
    }
    if (flag->IsOfType<bool>()) {
      if (!has_value) value = negated ? "false" : "true";
    } else if (!has_value) {
      if (i + 1 >= argc) {
        *error = absl::StrCat("flag --", name, " needs a value");
        return false;
      }
      value = argv[++i];
    }
    if (base == "set") {
      sets->push_back(value);
      continue;
    }
    std::string parse_error;
    if (!flag->ParseFrom(value, &parse_error)) {
      *error = absl::StrCat("flag --", base, "=", value, ": ", parse_error);
      return false;
    }
  }
  return true;
}

Simulator* g_running_simulator = nullptr;

void OnInterrupt(int) {
  if (g_running_simulator != nullptr) g_running_simulator->RequestStop();
  signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills at once
}

std::string ReproduceCommand(const std::string& file, const Scenario& s,
                             const std::vector<std::string>& sets) {
  std::string cmd = absl::StrCat("plumsim run ", file, " --seed ", s.seed);
  for (const std::string& set : sets) absl::StrAppend(&cmd, " --set '", set, "'");
  return cmd;
}

int Run(const std::string& file, std::vector<std::string> sets) {
  const int64_t seed = absl::GetFlag(FLAGS_seed);
  std::vector<std::string> overrides = sets;
  if (seed >= 0) overrides.push_back(absl::StrCat("seed=", seed));
  if (const std::string d = absl::GetFlag(FLAGS_duration); !d.empty()) {
    overrides.push_back(absl::StrCat("duration=\"", d, "\""));
  }
  absl::StatusOr<Scenario> scenario = LoadScenario(file, overrides);
  if (!scenario.ok()) return BadInput(std::string(scenario.status().message()));

  RunOptions options;
  options.out_dir = absl::GetFlag(FLAGS_out);
  options.write_trace = absl::GetFlag(FLAGS_trace);
  options.overwrite = absl::GetFlag(FLAGS_overwrite);
  options.overrides = overrides;
  if (absl::Status st = CheckOutputDir(options); !st.ok()) {
    return BadInput(std::string(st.message()));
  }

  const auto wall_start = std::chrono::steady_clock::now();
  const bool show_progress = !absl::GetFlag(FLAGS_quiet) && isatty(STDERR_FILENO);
  auto last_report = wall_start;
  bool reported = false;
  options.on_start = [](Simulator* sim) {
    g_running_simulator = sim;
    signal(SIGINT, OnInterrupt);
  };
  options.on_progress = [&](const Simulator& sim, SimTime end) {
    if (!show_progress) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - wall_start).count();
    if (elapsed < 2.0 || std::chrono::duration<double>(now - last_report).count() < 0.5) return;
    last_report = now;
    reported = true;
    const double fraction = static_cast<double>(sim.now().ns()) / static_cast<double>(end.ns());
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    std::fprintf(stderr, "\r[plumsim] virtual %s of %s (%.0f%%), %.2fM events/s, ~%.0fs left   ",
                 FormatSimTime(sim.now()).c_str(), FormatSimTime(end).c_str(), 100 * fraction,
                 static_cast<double>(sim.events_executed()) / elapsed / 1e6, eta);
  };

  absl::StatusOr<RunResult> result = RunScenario(*scenario, options);
  g_running_simulator = nullptr;
  signal(SIGINT, SIG_DFL);
  if (reported) std::fputs("\n", stderr);
  if (!result.ok()) return BadInput(std::string(result.status().message()));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  std::printf("plumsim run %s\n", file.c_str());
  std::printf("  scenario  %s%s%s\n", scenario->name.c_str(),
              scenario->description.empty() ? "" : ": ",
              std::string(scenario->description.substr(0, scenario->description.find('\n'))).c_str());
  std::printf("  seed      %llu\n", static_cast<unsigned long long>(scenario->seed));
  std::printf("  nodes     %lld (%s membership)\n",
              static_cast<long long>(scenario->total_nodes()), scenario->membership.c_str());
  std::printf("  virtual   %s in %.2fs wall, %llu events (%.2fM events/s)\n",
              FormatSimTime(result->reached).c_str(), wall,
              static_cast<unsigned long long>(result->events),
              static_cast<double>(result->events) / std::max(wall, 1e-9) / 1e6);
  std::fputs(result->summary.c_str(), stdout);
  if (!options.out_dir.empty()) std::printf("  outputs   %s/\n", options.out_dir.c_str());
  std::printf("trace digest: %s\n", result->digest_hex.c_str());
  if (result->expectations_failed > 0) {
    std::printf("%d expectation(s) failed\nreproduce with: %s\n", result->expectations_failed,
                ReproduceCommand(file, *scenario, sets).c_str());
    return kExitFailed;
  }
  if (!result->complete) {
    std::printf("interrupted at %s: outputs hold the run up to there (manifest: complete=false)\n",
                FormatSimTime(result->reached).c_str());
    std::printf("reproduce with: %s\n", ReproduceCommand(file, *scenario, sets).c_str());
    return kExitFailed;
  }
  return kExitOk;
}

int Check(const std::string& file, const std::vector<std::string>& sets) {
  absl::StatusOr<Scenario> scenario = LoadScenario(file, sets);
  if (!scenario.ok()) return BadInput(std::string(scenario.status().message()));
  std::printf("# %s: valid scenario \"%s\" (%lld nodes, %zu events); resolved form:\n",
              file.c_str(), scenario->name.c_str(),
              static_cast<long long>(scenario->total_nodes()), scenario->events.size());
  std::fputs(scenario->ToToml().c_str(), stdout);
  return kExitOk;
}

int Replay(const std::string& dir) {
  absl::StatusOr<RecordedRun> recorded = ReadRecordedRun(dir);
  if (!recorded.ok()) return BadInput(std::string(recorded.status().message()));
  if (!recorded->complete) {
    return BadInput(absl::StrCat(dir, ": the recorded run was interrupted; nothing to compare"));
  }
  RunOptions options;
  absl::StatusOr<RunResult> result = RunScenario(recorded->scenario, options);
  if (!result.ok()) return BadInput(std::string(result.status().message()));
  if (result->digest_hex != recorded->digest_hex) {
    std::printf("replay %s: DIFFERENT digest: recorded %s, replayed %s\n", dir.c_str(),
                recorded->digest_hex.c_str(), result->digest_hex.c_str());
    return kExitFailed;
  }
  std::printf("replay %s: identical\ntrace digest: %s\n", dir.c_str(), result->digest_hex.c_str());
  return kExitOk;
}

int Main(int argc, char** argv) {
  // Under `bazel run`, resolve relative paths against the user's folder.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir != nullptr) {
    if (chdir(dir) != 0) return BadInput(absl::StrCat("cannot enter ", dir));
  }
  std::vector<std::string> positional, sets;
  std::string error;
  if (!ParseFlags(argc, argv, &positional, &sets, &error)) return BadInput(error);
  if (positional.empty()) {
    std::fputs(kUsage, stderr);
    return kExitBadInput;
  }
  const std::string& command = positional[0];
  if (command == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (positional.size() != 2) {
    return BadInput(absl::StrCat("'", command, "' takes exactly one argument (see plumsim --help)"));
  }
  if (command == "run") return Run(positional[1], sets);
  if (command == "check") return Check(positional[1], sets);
  if (command == "replay") return Replay(positional[1]);
  return BadInput(absl::StrCat("unknown command '", command, "' (expected run, check or replay)"));
}

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) {
  plumsim::UseHugePages(argv);
  return plumsim::Main(argc, argv);
}
