// Runs a scenario end to end and writes its outputs: what `plumsim run` and
// `plumsim replay` do, as a library so that tests run exactly the same code.
//
// Outputs (with an output folder) go through OutputDir (sim/output/output_dir.h):
// written into a hidden staging folder beside the target and swapped into
// place when complete, so a folder either holds a whole run or is left as it
// was. An interrupted run (Ctrl-C, SIGTERM) keeps what was complete and says
// so in its manifest.
//
//   absl::StatusOr<Scenario> scenario = LoadScenario("scenarios/quickstart.toml");
//   RunOptions options;
//   options.out_dir = "out/quickstart";  // empty: nothing written, as in tests
//   absl::StatusOr<RunResult> run = RunScenario(*scenario, options);
//   if (!run.ok()) return run.status();  // refused input (2) or an I/O error (3)
//   std::cout << run->summary << "trace digest: " << run->digest_hex << "\n";
#ifndef PLUMSIM_SIM_RUN_RUNNER_H_
#define PLUMSIM_SIM_RUN_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/kernel/event_loop.h"
#include "sim/metrics/metrics.h"
#include "sim/metrics/summary.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/file.h"
#include "sim/world/simulation.h"

namespace plumsim {

struct RunResult;

// What report.html is made from (plumsim run --out; sim/report/html_report.h).
struct ReportInputs {
  const Scenario& scenario;
  const Simulation& simulation;
  const MetricsCollector& metrics;
  const std::vector<TreeShape>& final_trees;
  const RunResult& result;
  const std::vector<ExpectationResult>& verdicts;
};

struct RunOptions {
  std::string out_dir;                 // empty: no files
  bool write_trace = false;            // trace.jsonl or .jsonl.zst ([trace]; needs out_dir)
  bool overwrite = false;              // replace an existing out_dir
  std::vector<std::string> overrides;  // the --set values as given, for the manifest
  // Called with the simulator once it exists (to install a Ctrl-C handler)
  // and every step of virtual time (progress reports).
  std::function<void(EventLoop*)> on_start;
  std::function<void(const EventLoop&, SimTime end)> on_progress;
  // Called once the simulation loop ends, before the end-of-run analysis
  // and the outputs (the CLI times the simulation with it; sim/ reads no
  // clock).
  std::function<void()> on_simulated;
  // More observers of the run (the explorer's invariant checks); they must
  // outlive it. They see everything the trace sees. `on_built` gets the
  // simulation before it runs (to read its state as events happen).
  std::vector<SimObserver*> observers;
  std::function<void(const Simulation&)> on_built;
  // Called at the end of a complete run with what the expectations are
  // checked on.
  std::function<void(const Simulation&, const MetricsCollector&, const std::vector<TreeShape>&)>
      on_finished;
  // Called with every snapshot tree (the scenario's [snapshots] roots and
  // times, and the end), edges included (plumsim golden).
  std::function<void(SimTime at, const TreeShape& tree)> on_snapshot;
  // Without an output folder: where the trace goes (not owned; null: none),
  // filtered as [trace] says (plumsim diff re-runs into it).
  TraceFile* trace_file = nullptr;
  // With an output folder: makes report.html (null: no report). Called
  // after the summary and metrics are complete.
  // It never fails the run: what it could not draw, the report says.
  std::function<std::string(const ReportInputs&)> make_report;
  // Tests only: see Simulation's constructor.
  std::function<void(NodeConfig*)> customize_nodes;
};

struct RunResult {
  std::string digest_hex;
  bool complete = true;  // false if stopped early (Ctrl-C)
  uint64_t events = 0;   // kernel events executed
  uint64_t trace_events = 0;
  uint64_t trace_lines = 0;  // written to the trace file (after [trace]'s filter)
  SimTime reached;
  std::string summary;  // the human summary (stats and metrics tables)
  int expectations_failed = 0;
};

// Checks the options and the output folder before anything runs (nothing is
// created): InvalidArgument for refused input.
absl::Status CheckOutputDir(const RunOptions& options, const std::string& scenario_path);

// The exact command that reproduces a run of `scenario` (its resolved seed
// and duration, and the --set values given): what the CLI prints and the
// manifest records.
std::vector<std::string> ReproduceArgs(const Scenario& scenario,
                                       const std::vector<std::string>& sets);
std::string ReproduceCommand(const Scenario& scenario, const std::vector<std::string>& sets);
// A word as a POSIX shell reads it back (quoted only when it must be).
std::string ShellQuote(const std::string& word);

absl::StatusOr<RunResult> RunScenario(const Scenario& scenario, const RunOptions& options);

// Reads DIR/manifest.json (as JSON, any formatting) and DIR/scenario.toml of
// an earlier run. Fails (InvalidArgument) on a manifest of another format;
// `version` tells which plumsim wrote it.
struct RecordedRun {
  Scenario scenario;
  std::string digest_hex;
  std::string version;
  bool complete = true;
};
absl::StatusOr<RecordedRun> ReadRecordedRun(const std::string& dir);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUN_RUNNER_H_
