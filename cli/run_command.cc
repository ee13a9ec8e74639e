#include "cli/run_command.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/text.h"
#include "cli/exit_codes.h"
#include "cli/scenario_args.h"
#include "sim/report/html_report.h"
#include "sim/run/runner.h"
#include "sim/scenario/memory_estimate.h"

namespace plumsim {
namespace {

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
    if (!kinds.empty()) {
      std::vector<std::string> items;
      for (absl::string_view k : absl::StrSplit(kinds, ',', absl::SkipWhitespace())) {
        items.push_back(TomlString(absl::StripAsciiWhitespace(k)));
      }
      out.push_back(Override{"--trace-kinds", "trace.kinds",
                             absl::StrCat("[", absl::StrJoin(items, ", "), "]")});
    }
    if (!nodes.empty()) out.push_back(Override{"--trace-nodes", "trace.nodes", TomlString(nodes)});
    if (!roots.empty()) out.push_back(Override{"--trace-roots", "trace.roots", TomlString(roots)});
    if (!compress.empty()) {
      out.push_back(Override{"--trace-compress", "trace.compress", TomlString(compress)});
    }
    return out;
  }
};

struct RunArgs {
  ScenarioArgs scenario;
  TraceArgs trace;
  RunOptions options;
  bool quiet = false;
  bool no_report = false;
  std::string max_memory;
};

EventLoop* g_running_loop = nullptr;

// Ctrl-C and SIGTERM: stop at the next event boundary and keep what is
// complete. A second signal ends the process at once.
void OnStopSignal(int signo) {
  if (g_running_loop != nullptr) g_running_loop->RequestStop();
  signal(signo, SIG_DFL);
}

// Progress on stderr (only to a terminal, from 2 s on) and the wall time of
// the simulation loop.
class RunClock {
 public:
  explicit RunClock(bool show) : show_(show) {}

  void Attach(RunOptions* options) {
    options->on_simulated = [this] { simulated_ = Clock::now(); };
    options->on_start = [](EventLoop* loop) {
      g_running_loop = loop;
      signal(SIGINT, OnStopSignal);
      signal(SIGTERM, OnStopSignal);
    };
    options->on_progress = [this](const EventLoop& loop, SimTime end) { Progress(loop, end); };
  }
  void Detach() {
    g_running_loop = nullptr;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (reported_) std::fputs("\n", stderr);
  }
  double wall_s() const { return Seconds(Clock::now()); }
  double simulating_s() const { return Seconds(simulated_); }

 private:
  using Clock = std::chrono::steady_clock;
  double Seconds(Clock::time_point t) const {
    return std::chrono::duration<double>(t - start_).count();
  }
  void Progress(const EventLoop& loop, SimTime end) {
    if (!show_) return;
    const auto now = Clock::now();
    const double elapsed = Seconds(now);
    if (elapsed < 2.0 || std::chrono::duration<double>(now - last_report_).count() < 0.5) return;
    last_report_ = now;
    reported_ = true;
    const double fraction = static_cast<double>(loop.now().ns()) / static_cast<double>(end.ns());
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    std::fprintf(stderr, "\r[plumsim] virtual %s of %s (%.0f%%), %.2fM events/s, ~%.0fs left   ",
                 FormatSimTime(loop.now()).c_str(), FormatSimTime(end).c_str(), 100 * fraction,
                 static_cast<double>(loop.events_executed()) / elapsed / 1e6, eta);
  }

  const bool show_;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point last_report_ = start_;
  Clock::time_point simulated_ = start_;
  bool reported_ = false;
};

void PrintSummary(const RunArgs& args, const Scenario& scenario, const RunResult& result,
                  const RunClock& clock) {
  std::printf("plumsim run %s\n", args.scenario.file.c_str());
  std::printf("  scenario  %s%s%s\n", scenario.name.c_str(),
              scenario.description.empty() ? "" : ": ",
              std::string(scenario.description.substr(0, scenario.description.find('\n'))).c_str());
  std::printf("  seed      %llu\n", static_cast<unsigned long long>(scenario.seed));
  std::printf("  nodes     %lld (%s membership)\n", static_cast<long long>(scenario.total_nodes()),
              scenario.membership.c_str());
  // events/s over the simulation loop; the whole wall time also counts the
  // end-of-run tree analysis and the outputs.
  const double sim_wall = clock.simulating_s();
  std::printf("  virtual   %s in %.2fs wall (%.2fs simulating), %llu events (%.2fM events/s)\n",
              FormatSimTime(result.reached).c_str(), clock.wall_s(), sim_wall,
              static_cast<unsigned long long>(result.events),
              static_cast<double>(result.events) / std::max(sim_wall, 1e-9) / 1e6);
  std::fputs(result.summary.c_str(), stdout);
  if (!args.options.out_dir.empty()) std::printf("  outputs   %s/\n", args.options.out_dir.c_str());
  std::printf("trace digest: %s\n", result.digest_hex.c_str());
}

// 1 with how to reproduce when the run stopped early or an expectation
// failed; 0 otherwise.
int Verdict(const RunArgs& args, const Scenario& scenario, const RunResult& result) {
  const std::string reproduce = ReproduceCommand(scenario, args.scenario.sets);
  if (!result.complete) {
    std::printf("interrupted at %s: outputs hold the run up to there (manifest: complete=false)\n",
                FormatSimTime(result.reached).c_str());
    std::printf("reproduce with: %s\n", reproduce.c_str());
    return kExitFailed;
  }
  if (result.expectations_failed > 0) {
    std::printf("%d expectation(s) failed\nreproduce with: %s\n", result.expectations_failed,
                reproduce.c_str());
    return kExitFailed;
  }
  return kExitOk;
}

int Run(RunArgs& args) {
  if (args.trace.any()) {
    args.scenario.extra = args.trace.Overrides();
    args.options.write_trace = true;
  }
  if (!args.no_report) {
    args.options.make_report = [](const ReportInputs& in) { return MakeRunReport(in); };
  }
  absl::StatusOr<Scenario> scenario = args.scenario.Load();
  if (!scenario.ok()) return Fail(scenario.status());
  args.options.overrides = args.scenario.sets;
  if (absl::Status st = CheckOutputDir(args.options, scenario->source_path); !st.ok()) {
    return Fail(st);
  }
  if (absl::Status st = CheckMemory(*scenario, args.max_memory); !st.ok()) return Fail(st);
  RunClock clock(!args.quiet && isatty(STDERR_FILENO));
  clock.Attach(&args.options);
  absl::StatusOr<RunResult> result = RunScenario(*scenario, args.options);
  clock.Detach();
  if (!result.ok()) return Fail(result.status());
  PrintSummary(args, *scenario, *result, clock);
  return Verdict(args, *scenario, *result);
}

}  // namespace

Command AddRunCommand(CLI::App* app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run =
      app->add_subcommand("run", "Run a scenario; print a summary and its trace digest");
  args->scenario.AddTo(run);
  run->add_option("--out", args->options.out_dir,
                  "Write the run's files into this folder (created with its parents; never "
                  "the current folder, a parent of it, home, or the scenario's folder)");
  run->add_flag("--trace", args->options.write_trace,
                "With --out: write trace.jsonl (what it holds: [trace], --trace-*)");
  args->trace.AddTo(run);
  run->add_flag("--overwrite", args->options.overwrite,
                "Replace --out if it holds an earlier plumsim run (and nothing else)");
  run->add_flag("--quiet", args->quiet, "No progress on stderr");
  run->add_flag("--no-report", args->no_report, "With --out: no report.html");
  run->add_option("--max-memory", args->max_memory,
                  "Memory the run may need, e.g. 16G, or 'unlimited' (default: the "
                  "machine's available memory)");
  return Command{run, [args] { return Run(*args); }};
}

}  // namespace plumsim
