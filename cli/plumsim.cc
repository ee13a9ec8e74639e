// plumsim: the command-line interface (docs/cli.md has every command, flag
// and exit code, with examples).
//
//   plumsim run FILE [--seed N] [--duration D] [--set key=value ...]
//                    [--out DIR] [--trace] [--overwrite] [--quiet] [--max-memory SIZE]
//   plumsim check FILE [--seed N] [--duration D] [--set key=value ...]
//   plumsim replay DIR
//   plumsim study check|run|jobs|slurm FILE [--out DIR ...]; study collect|plot DIR
//   plumsim explore SCENARIO --runs N --out DIR [--jobs J] [--seed S] [--shard K/N]
//   plumsim explore FILE --check
//
// Exit codes: 0 success; 1 an expectation failed, a replay differed, or the
// run was interrupted; 2 bad input (nothing is written); 3 an I/O or
// resource error (the path and the OS error are printed).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/huge_pages.h"
#include "cli/build_info.h"
#include "cli/diff_command.h"
#include "cli/exit_codes.h"
#include "cli/explore_command.h"
#include "cli/golden_command.h"
#include "cli/study_command.h"
#include "cli/trees_command.h"
#include "sim/output/manifest.h"
#include "sim/output/output_dir.h"
#include "sim/report/html_report.h"
#include "sim/run/runner.h"
#include "sim/scenario/memory_estimate.h"
#include "sim/scenario/scenario.h"

namespace plumsim {
namespace {

// What run and check share: the scenario file and what overrides it.
struct ScenarioArgs {
  std::string file;
  std::string seed;      // "" if not given
  std::string duration;  // "" if not given
  std::vector<std::string> sets;
  // More overrides, from other flags (--trace-kinds, ...).
  std::vector<Override> extra;

  void AddTo(CLI::App* command) {
    command->add_option("FILE", file, "Scenario file (TOML, docs/scenario-format.md)")->required();
    command->add_option("--seed", seed, "Root seed, 0 to 2^63-1; overrides the scenario's");
    command->add_option("--duration", duration,
                        "Virtual duration, e.g. 120s; overrides the scenario's");
    command
        ->add_option("--set", sets,
                     "key=value: override a scenario value by its dotted path, "
                     "e.g. --set nodes.count=64; repeatable")
        ->allow_extra_args(false);  // one value per --set; a vector keeps them all
  }

  absl::StatusOr<Scenario> Load() const {
    std::vector<Override> overrides;
    for (const std::string& s : sets) overrides.push_back(Override::FromSet(s));
    if (!seed.empty()) {
      uint64_t v;
      if (!absl::SimpleAtoi(seed, &v) || v > static_cast<uint64_t>(INT64_MAX) ||
          seed.find_first_not_of("0123456789") != std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--seed ", seed, ": expected a whole number from 0 to 9223372036854775807"));
      }
      overrides.push_back(Override{"--seed", "seed", seed});
    }
    if (!duration.empty()) {
      overrides.push_back(Override{"--duration", "duration", absl::StrCat("\"", duration, "\"")});
    }
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    return LoadScenario(file, overrides);
  }
};

// The trace flags of `run`: overrides of the scenario's [trace] table.
struct TraceArgs {
  std::string kinds, nodes, roots, compress;

  void AddTo(CLI::App* command) {
    command->add_option("--trace-kinds", kinds,
                        "Write only these event kinds, comma-separated (e.g. "
                        "add_eager,add_lazy,merge; groups: node, network, peers); implies --trace");
    command->add_option("--trace-nodes", nodes,
                        "Write only events naming one of these nodes (e.g. \"n0..n3, n7\"); "
                        "implies --trace");
    command->add_option(
        "--trace-roots", roots,
        "Write only events about these roots' broadcasts and trees; implies --trace");
    command->add_option(
        "--trace-compress", compress,
        "zstd: write trace.jsonl.zst; none (default): trace.jsonl; implies --trace");
  }
  bool any() const {
    return !kinds.empty() || !nodes.empty() || !roots.empty() || !compress.empty();
  }
  // As overrides: each names its flag in error messages.
  std::vector<Override> Overrides() const {
    std::vector<Override> out;
    auto quoted = [](const std::string& text) {
      std::string q = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
      }
      return q + "\"";
    };
    if (!kinds.empty()) {
      std::vector<std::string> items;
      for (absl::string_view k : absl::StrSplit(kinds, ',', absl::SkipWhitespace())) {
        items.push_back(quoted(std::string(absl::StripAsciiWhitespace(k))));
      }
      out.push_back(Override{"--trace-kinds", "trace.kinds",
                             absl::StrCat("[", absl::StrJoin(items, ", "), "]")});
    }
    if (!nodes.empty()) out.push_back(Override{"--trace-nodes", "trace.nodes", quoted(nodes)});
    if (!roots.empty()) out.push_back(Override{"--trace-roots", "trace.roots", quoted(roots)});
    if (!compress.empty()) {
      out.push_back(Override{"--trace-compress", "trace.compress", quoted(compress)});
    }
    return out;
  }
};

EventLoop* g_running_simulator = nullptr;

// Ctrl-C and SIGTERM: stop at the next event boundary and keep what is
// complete. A second signal ends the process at once.
void OnStopSignal(int signo) {
  if (g_running_simulator != nullptr) g_running_simulator->RequestStop();
  signal(signo, SIG_DFL);
}

int Run(const ScenarioArgs& args, RunOptions options, bool quiet, const std::string& max_memory) {
  absl::StatusOr<Scenario> scenario = args.Load();
  if (!scenario.ok()) return Fail(scenario.status());
  options.overrides = args.sets;
  if (absl::Status st = CheckOutputDir(options, scenario->source_path); !st.ok()) return Fail(st);
  if (absl::Status st = CheckMemory(*scenario, max_memory); !st.ok()) return Fail(st);

  const auto wall_start = std::chrono::steady_clock::now();
  const bool show_progress = !quiet && isatty(STDERR_FILENO);
  auto last_report = wall_start;
  bool reported = false;
  auto simulated_at = wall_start;
  options.on_simulated = [&simulated_at] { simulated_at = std::chrono::steady_clock::now(); };
  options.on_start = [](EventLoop* sim) {
    g_running_simulator = sim;
    signal(SIGINT, OnStopSignal);
    signal(SIGTERM, OnStopSignal);
  };
  options.on_progress = [&](const EventLoop& sim, SimTime end) {
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
  signal(SIGTERM, SIG_DFL);
  if (reported) std::fputs("\n", stderr);
  if (!result.ok()) return Fail(result.status());
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  std::printf("plumsim run %s\n", args.file.c_str());
  std::printf(
      "  scenario  %s%s%s\n", scenario->name.c_str(), scenario->description.empty() ? "" : ": ",
      std::string(scenario->description.substr(0, scenario->description.find('\n'))).c_str());
  std::printf("  seed      %llu\n", static_cast<unsigned long long>(scenario->seed));
  std::printf("  nodes     %lld (%s membership)\n", static_cast<long long>(scenario->total_nodes()),
              scenario->membership.c_str());
  // events/s over the simulation loop; the whole wall time also counts the
  // end-of-run tree analysis and the outputs.
  const double sim_wall = std::chrono::duration<double>(simulated_at - wall_start).count();
  std::printf("  virtual   %s in %.2fs wall (%.2fs simulating), %llu events (%.2fM events/s)\n",
              FormatSimTime(result->reached).c_str(), wall, sim_wall,
              static_cast<unsigned long long>(result->events),
              static_cast<double>(result->events) / std::max(sim_wall, 1e-9) / 1e6);
  std::fputs(result->summary.c_str(), stdout);
  if (!options.out_dir.empty()) std::printf("  outputs   %s/\n", options.out_dir.c_str());
  std::printf("trace digest: %s\n", result->digest_hex.c_str());
  const std::string reproduce = ReproduceCommand(*scenario, args.sets);
  if (!result->complete) {
    std::printf("interrupted at %s: outputs hold the run up to there (manifest: complete=false)\n",
                FormatSimTime(result->reached).c_str());
    std::printf("reproduce with: %s\n", reproduce.c_str());
    return kExitFailed;
  }
  if (result->expectations_failed > 0) {
    std::printf("%d expectation(s) failed\nreproduce with: %s\n", result->expectations_failed,
                reproduce.c_str());
    return kExitFailed;
  }
  return kExitOk;
}

int Check(const ScenarioArgs& args) {
  absl::StatusOr<Scenario> scenario = args.Load();
  if (!scenario.ok()) return Fail(scenario.status());
  std::printf(
      "# %s: valid scenario \"%s\" (%lld nodes, %zu events, about %s of memory); "
      "resolved form:\n",
      args.file.c_str(), scenario->name.c_str(), static_cast<long long>(scenario->total_nodes()),
      scenario->events.size(), FormatBytes(EstimateMemoryBytes(*scenario)).c_str());
  std::fputs(scenario->ToToml().c_str(), stdout);
  return kExitOk;
}

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

int Main(int argc, char** argv) {
  // Under `bazel run`, resolve relative paths against the user's folder.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir != nullptr) {
    if (chdir(dir) != 0)
      return Fail(absl::InvalidArgumentError(absl::StrCat("cannot enter ", dir)));
  }
  // A file-size limit makes writes fail with EFBIG (reported, exit 3)
  // instead of killing the process with its staging folder in place.
  signal(SIGXFSZ, SIG_IGN);

  CLI::App app{"plumsim: a deterministic simulator of Partisan's Plumtree (docs/cli.md)",
               "plumsim"};
  app.set_version_flag("--version", BuildInfo());
  app.require_subcommand(1);

  ScenarioArgs run_args;
  TraceArgs trace_args;
  RunOptions options;
  bool quiet = false;
  std::string max_memory;
  CLI::App* run = app.add_subcommand("run", "Run a scenario; print a summary and its trace digest");
  run_args.AddTo(run);
  run->add_option("--out", options.out_dir,
                  "Write the run's files into this folder (created with its parents; never "
                  "the current folder, a parent of it, home, or the scenario's folder)");
  run->add_flag("--trace", options.write_trace,
                "With --out: write trace.jsonl (what it holds: [trace], --trace-*)");
  trace_args.AddTo(run);
  run->add_flag("--overwrite", options.overwrite,
                "Replace --out if it holds an earlier plumsim run (and nothing else)");
  run->add_flag("--quiet", quiet, "No progress on stderr");
  bool no_report = false;
  run->add_flag("--no-report", no_report, "With --out: no report.html");
  run->add_option("--max-memory", max_memory,
                  "Memory the run may need, e.g. 16G, or 'unlimited' (default: the "
                  "machine's available memory)");

  ScenarioArgs check_args;
  CLI::App* check = app.add_subcommand("check", "Validate a scenario and print its resolved form");
  check_args.AddTo(check);

  std::string replay_dir;
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-run DIR/manifest.json's run; fail unless the digest is identical");
  replay->add_option("DIR", replay_dir, "A folder written by plumsim run --out")->required();

  StudyArgs study_args;
  CLI::App* study = AddStudyCommands(&app, &study_args);
  ExploreArgs explore_args;
  CLI::App* explore = AddExploreCommand(&app, &explore_args);
  TreesArgs trees_args;
  CLI::App* trees = AddTreesCommand(&app, &trees_args);
  GoldenArgs golden_args;
  CLI::App* golden = AddGoldenCommands(&app, &golden_args);
  DiffArgs diff_args;
  CLI::App* diff = AddDiffCommand(&app, &diff_args);

  if (argc > 1 && argv[1][0] != '-' &&
      app.get_subcommands([&](CLI::App* c) { return c->get_name() == argv[1]; }).empty()) {
    std::fprintf(stderr,
                 "plumsim: unknown command '%s' (expected run, check, replay, study, explore, "
                 "trees, golden or diff; "
                 "plumsim --help)\n",
                 argv[1]);
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "plumsim: %s\n", e.what());
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr ||
        dynamic_cast<const CLI::RequiresError*>(&e) != nullptr) {
      std::fprintf(stderr, "%s", app.help().c_str());
    } else {
      std::fputs("run plumsim --help for the commands and flags\n", stderr);
    }
    return kExitBadInput;
  }
  if (run->parsed()) {
    if (trace_args.any()) {
      run_args.extra = trace_args.Overrides();
      options.write_trace = true;
    }
    if (!no_report) {
      options.make_report = [](const ReportInputs& in) { return MakeRunReport(in); };
    }
    return Run(run_args, options, quiet, max_memory);
  }
  if (check->parsed()) return Check(check_args);
  if (study->parsed()) return DispatchStudy(study, study_args);
  if (explore->parsed()) return RunExplore(explore_args);
  if (trees->parsed()) return RunTrees(trees_args);
  if (golden->parsed()) return RunGolden(golden, golden_args);
  if (diff->parsed()) return RunDiff(diff_args);
  return Replay(replay_dir);
}

// Out of memory: unwinding through half-updated simulator state is not safe,
// so end here. A reserve freed first leaves room to remove the staging
// folder and the lock (the only things plumsim has written), then exit 3.
char* g_memory_reserve = nullptr;

void OnOutOfMemory() {
  delete[] g_memory_reserve;
  g_memory_reserve = nullptr;
  OutputDir::CleanUpAfterFatalError();
  constexpr char kMessage[] =
      "plumsim: out of memory; nothing was written (see --max-memory in docs/cli.md)\n";
  (void)!write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  _exit(kExitIo);
}

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) {
  plumsim::UseHugePages(argv);
  plumsim::g_memory_reserve = new char[32 << 20];
  std::set_new_handler(plumsim::OnOutOfMemory);
  try {
    return plumsim::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    // An allocation that failed without the new_handler (e.g. an array size
    // past the limit): unwinding has removed any staging folder.
    plumsim::OnOutOfMemory();
  }
}
