#include "sim/run/runner.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "sim/metrics/metrics.h"
#include "sim/metrics/metrics_files.h"
#include "sim/metrics/summary.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/metrics/tree_snapshot.h"
#include "sim/output/manifest.h"
#include "sim/output/output_dir.h"
#include "sim/trace/recorder.h"
#include "sim/world/observer.h"
#include "sim/world/run_counters.h"
#include "sim/world/simulation.h"

namespace plumsim {
namespace fs = std::filesystem;

absl::Status CheckOutputDir(const RunOptions& options, const std::string& scenario_path) {
  if (options.out_dir.empty()) {
    if (options.write_trace) {
      return absl::InvalidArgumentError("--trace needs --out DIR to write trace.jsonl into");
    }
    return absl::OkStatus();
  }
  return CheckOutputTarget(options.out_dir, options.overwrite, scenario_path);
}

std::string ShellQuote(const std::string& word) {
  const bool plain =
      !word.empty() &&
      word.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@,+%") ==
          std::string::npos;
  if (plain) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::vector<std::string> ReproduceArgs(const Scenario& scenario,
                                       const std::vector<std::string>& sets) {
  std::vector<std::string> args = {"plumsim",
                                   "run",
                                   scenario.source_path,
                                   "--seed",
                                   absl::StrCat(scenario.seed),
                                   "--duration",
                                   FormatSimDuration(scenario.duration)};
  for (const std::string& set : sets) {
    args.push_back("--set");
    args.push_back(set);
  }
  return args;
}

std::string ReproduceCommand(const Scenario& scenario, const std::vector<std::string>& sets) {
  std::vector<std::string> words;
  for (const std::string& a : ReproduceArgs(scenario, sets)) words.push_back(ShellQuote(a));
  return absl::StrJoin(words, " ");
}

namespace {

// What a run leaves in memory for the output folder.
struct RunOutputs {
  RunResult result;
  std::vector<std::pair<std::string, std::string>> files;  // relative path, text
};

// trace.jsonl, or trace.jsonl.zst when compressed.
std::string TraceFileName(const Scenario& scenario) {
  return scenario.trace.zstd ? "trace.jsonl.zst" : "trace.jsonl";
}

// One run of a scenario with its observers, and what it leaves for the
// output folder. Observers are added after the simulation is built (the
// trace needs its clock); construction reports nothing, so none is missed.
class ScenarioRun {
 public:
  ScenarioRun(const Scenario& scenario, const RunOptions& options, TraceFile* trace_file)
      : scenario_(scenario),
        options_(options),
        simulation_(scenario, &observers_, options.customize_nodes),
        trace_(&simulation_.event_loop(), trace_file, scenario.trace),
        metrics_(&simulation_, scenario.metrics_window),
        roots_(SnapshotRoots(scenario)),
        writing_(!options.out_dir.empty()),
        whole_trees_(writing_ || options.on_snapshot != nullptr) {
    // Delivery trees only for the roots the report snapshots (all if none listed).
    if (!scenario.snapshot_roots.empty()) {
      metrics_.TrackDeliveryTrees(scenario.snapshot_roots.ToPeerSet());
    }
    observers_.Add(&trace_);
    observers_.Add(&counters_);
    observers_.Add(&metrics_);
    for (SimObserver* o : options.observers) observers_.Add(o);
    if (options.on_built) options.on_built(simulation_);
    if (options.on_start) options.on_start(&simulation_.event_loop());
  }

  RunOutputs Run() {
    RunLoop();
    Finish();
    return std::move(out_);
  }

 private:
  // Tree snapshots: the listed roots, or every node.
  static PeerSet SnapshotRoots(const Scenario& scenario) {
    PeerSet roots = scenario.snapshot_roots.ToPeerSet();
    if (roots.empty()) {
      for (int64_t i = 0; i < scenario.total_nodes(); ++i) roots.push_back(static_cast<NodeId>(i));
    }
    return roots;
  }

  // Without --out nothing is written: only the final trees are analysed
  // (for the summary and the expectations), and no file text is made (at
  // 5,000 roots that text was 3 GB and most of the run's time).
  void Snapshot(std::vector<TreeShape>* keep) {
    if (!whole_trees_ && keep == nullptr) return;
    const SimTime now = simulation_.now();
    TreeAnalyzer analyzer(simulation_);
    analyzer.Prepare(roots_);
    for (NodeId root : roots_) {
      // Without files, the summary and the expectations need only figures.
      TreeShape tree = analyzer.Analyze(root, /*figures_only=*/!whole_trees_);
      if (options_.on_snapshot) options_.on_snapshot(now, tree);
      if (writing_) {
        const std::string base =
            absl::StrCat("trees/", NodeName(root), "@", FormatSimDuration(now.SinceStart()));
        out_.files.emplace_back(base + ".json", TreeJson(simulation_, tree, now));
        out_.files.emplace_back(base + ".dot", TreeDot(simulation_, tree, now));
      }
      if (keep != nullptr) keep->push_back(std::move(tree));
    }
  }

  // The simulation loop, paused at the [snapshots] times and for progress.
  void RunLoop() {
    const SimTime end = SimTime::Zero() + scenario_.duration;
    const SimDuration step = std::max(
        SimDuration::Milliseconds(1),
        std::min(SimDuration::Seconds(1), SimDuration::Nanoseconds(scenario_.duration.ns() / 100)));
    std::vector<SimTime> pauses;
    for (SimTime t : scenario_.snapshot_times) {
      if (t < end) pauses.push_back(t);  // the end is snapshotted in Finish
    }
    RunResult& result = out_.result;
    result.complete = simulation_.Run(
        [&] {
          if (options_.on_progress) options_.on_progress(simulation_.event_loop(), end);
        },
        step, pauses, [&] { Snapshot(nullptr); });
    if (options_.on_simulated) options_.on_simulated();
    result.digest_hex = trace_.digest().Hex();
    result.events = simulation_.event_loop().events_executed();
    result.trace_events = trace_.events();
    result.trace_lines = trace_.lines_written();
    result.reached = simulation_.event_loop().now();
  }

  // The end: final trees, expectations, the summary and the files.
  void Finish() {
    RunResult& result = out_.result;
    metrics_.Finish(result.reached, scenario_.settle);
    std::vector<TreeShape> final_trees;
    Snapshot(&final_trees);
    const std::vector<ExpectationResult> verdicts =
        result.complete ? CheckExpectations(scenario_, metrics_, final_trees)
                        : std::vector<ExpectationResult>{};
    for (const ExpectationResult& v : verdicts) result.expectations_failed += !v.passed;
    if (result.complete && options_.on_finished) {
      options_.on_finished(simulation_, metrics_, final_trees);
    }
    result.summary =
        CountersText(counters_) + SummaryTable(scenario_, metrics_, final_trees, verdicts);
    if (!writing_) return;
    out_.files.emplace_back("metrics.json",
                            MetricsJson(scenario_, metrics_, final_trees, &counters_));
    out_.files.emplace_back("messages.csv", MessagesCsv(scenario_, metrics_));
    out_.files.emplace_back("timeseries.csv", TimeseriesCsv(scenario_, metrics_));
    if (options_.make_report) {
      out_.files.emplace_back("report.html",
                              options_.make_report(ReportInputs{scenario_, simulation_, metrics_,
                                                                final_trees, result, verdicts}));
    }
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  ObserverList observers_;
  Simulation simulation_;
  TraceRecorder trace_;
  RunCounters counters_;
  MetricsCollector metrics_;
  const PeerSet roots_;
  const bool writing_;
  const bool whole_trees_;
  RunOutputs out_;
};

// Runs the simulation with its observers; `trace_file` may be null.
RunOutputs Simulate(const Scenario& scenario, const RunOptions& options, TraceFile* trace_file) {
  return ScenarioRun(scenario, options, trace_file).Run();
}

std::string ManifestJson(const Scenario& scenario, const RunOptions& options,
                         const RunResult& result) {
  nlohmann::ordered_json m;
  m["format"] = kManifestFormat;
  m["plumsim_version"] = kPlumsimVersion;
  m["scenario_path"] = scenario.source_path;
  m["scenario_name"] = scenario.name;
  m["seed"] = scenario.seed;
  m["overrides"] = options.overrides;
  m["command"] = ReproduceArgs(scenario, options.overrides);
  m["resolved_scenario"] = "scenario.toml";
  m["complete"] = result.complete;
  m["virtual_time_ns"] = result.reached.ns();
  m["duration_ns"] = scenario.duration.ns();
  m["kernel_events"] = result.events;
  m["trace_events"] = result.trace_events;
  m["trace"] = options.write_trace ? nlohmann::ordered_json(TraceFileName(scenario)) : nullptr;
  m["trace_lines"] = result.trace_lines;
  m["expectations_failed"] = result.expectations_failed;
  m["digest"] = result.digest_hex;
  return m.dump(2) + "\n";
}

}  // namespace

absl::StatusOr<RunResult> RunScenario(const Scenario& scenario, const RunOptions& options) {
  if (absl::Status st = CheckOutputDir(options, scenario.source_path); !st.ok()) return st;
  if (options.out_dir.empty()) return Simulate(scenario, options, options.trace_file).result;

  absl::StatusOr<OutputDir> dir =
      OutputDir::Open(options.out_dir, options.overwrite, scenario.source_path);
  if (!dir.ok()) return dir.status();
  std::unique_ptr<TraceFile> trace_file;
  if (options.write_trace) {
    const std::string name = TraceFileName(scenario);
    absl::StatusOr<std::unique_ptr<TraceFile>> file =
        TraceFile::Create(dir->staging() / name, scenario.trace.zstd, dir->target() / name);
    if (!file.ok()) return file.status();
    trace_file = *std::move(file);
  }
  RunOutputs out = Simulate(scenario, options, trace_file.get());
  if (trace_file != nullptr) {
    if (absl::Status st = trace_file->Close(); !st.ok()) return st;
  }
  out.files.emplace_back("scenario.toml", scenario.ToToml());
  for (const auto& [name, text] : out.files) {
    if (absl::Status st = dir->WriteFile(name, text); !st.ok()) return st;
  }
  // The manifest last: a folder with a manifest is a whole run.
  if (absl::Status st =
          dir->WriteFile("manifest.json", ManifestJson(scenario, options, out.result));
      !st.ok()) {
    return st;
  }
  if (absl::Status st = dir->Commit(); !st.ok()) return st;
  return out.result;
}

absl::StatusOr<RecordedRun> ReadRecordedRun(const std::string& dir) {
  absl::StatusOr<Manifest> manifest = ReadManifest(dir);
  if (!manifest.ok()) return manifest.status();
  if (manifest->kind != ManifestKind::kRun) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, ": not a run folder (it holds plumsim trees pictures)"));
  }
  if (manifest->format != kManifestFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, "/manifest.json: written by plumsim ", manifest->version,
                     " in manifest format ", manifest->format, "; this plumsim (", kPlumsimVersion,
                     ") reads format ", kManifestFormat, ": re-run it with that version"));
  }
  if (!manifest->json.contains("complete") || !manifest->json["complete"].is_boolean()) {
    return absl::InvalidArgumentError(absl::StrCat(dir, "/manifest.json: no \"complete\" flag"));
  }
  RecordedRun run;
  run.version = manifest->version;
  run.digest_hex = manifest->digest;
  run.complete = manifest->complete;
  absl::StatusOr<Scenario> scenario = LoadScenario((fs::path(dir) / "scenario.toml").string());
  if (!scenario.ok()) return scenario.status();
  run.scenario = *std::move(scenario);
  // Reproduce with the scenario the run was started from, not the copy.
  if (!manifest->scenario_path.empty()) run.scenario.source_path = manifest->scenario_path;
  return run;
}

}  // namespace plumsim
