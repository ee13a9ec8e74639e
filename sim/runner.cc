#include "sim/runner.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/json.h"
#include "sim/metrics.h"
#include "sim/report.h"
#include "sim/tree_analysis.h"
#include "sim/observer.h"
#include "sim/run_stats.h"
#include "sim/simulation.h"
#include "sim/trace.h"

namespace plumsim {
namespace fs = std::filesystem;

absl::Status CheckOutputDir(const RunOptions& options) {
  if (options.out_dir.empty()) {
    if (options.write_trace) {
      return absl::InvalidArgumentError("--trace needs --out DIR to write trace.jsonl into");
    }
    return absl::OkStatus();
  }
  std::error_code ec;
  const fs::path dir(options.out_dir);
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return absl::InvalidArgumentError(
          absl::StrCat(options.out_dir, ": exists and is not a folder"));
    }
    if (!fs::is_empty(dir, ec) && !options.overwrite) {
      return absl::InvalidArgumentError(absl::StrCat(
          options.out_dir, ": folder exists and is not empty; pass --overwrite to replace it"));
    }
  }
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.out_dir, ": parent folder ", parent.string(), " does not exist"));
  }
  if (access(parent.c_str(), W_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.out_dir, ": parent folder is not writable"));
  }
  return absl::OkStatus();
}

namespace {

absl::Status WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat(path.string(), ": write failed"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunResult> RunScenario(const Scenario& scenario, const RunOptions& options) {
  absl::Status dir_ok = CheckOutputDir(options);
  if (!dir_ok.ok()) return dir_ok;

  fs::path tmp;
  std::FILE* trace_file = nullptr;
  if (!options.out_dir.empty()) {
    tmp = fs::path(absl::StrCat(options.out_dir, ".partial-", getpid()));
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) return absl::InternalError(absl::StrCat(tmp.string(), ": ", ec.message()));
    if (options.write_trace) {
      trace_file = std::fopen((tmp / "trace.jsonl").c_str(), "wb");
      if (trace_file == nullptr) {
        return absl::InternalError(absl::StrCat(tmp.string(), "/trace.jsonl: cannot write"));
      }
    }
  }

  RunResult result;
  // Files beside manifest.json, written into `tmp` once the run is over.
  std::vector<std::pair<std::string, std::string>> files;
  {
    // Observers are added after the simulation is built (the trace needs its
    // clock); construction reports nothing, so none is missed.
    ObserverList observers;
    Simulation simulation(scenario, &observers);
    TraceRecorder trace(&simulation.simulator(), trace_file);
    RunStats stats;
    MetricsCollector metrics(&simulation, scenario.metrics_window);
    // Delivery trees only for the roots the report snapshots (all if none listed).
    if (!scenario.snapshot_roots.empty()) {
      metrics.TrackDeliveryTrees(ordsets::FromList(scenario.snapshot_roots));
    }
    observers.Add(&trace);
    observers.Add(&stats);
    observers.Add(&metrics);
    if (options.on_start) options.on_start(&simulation.simulator());

    // Tree snapshots: the listed roots, or every node.
    PeerSet roots = scenario.snapshot_roots;
    if (roots.empty()) {
      for (int64_t i = 0; i < scenario.total_nodes(); ++i) roots.push_back(static_cast<NodeId>(i));
    }
    auto snapshot = [&](std::vector<TreeShape>* keep) {
      const SimTime now = simulation.now();
      for (NodeId root : roots) {
        TreeShape tree = AnalyzeTree(simulation, root);
        const std::string base =
            absl::StrCat("trees/", NodeName(root), "@", FormatSimDuration(now.SinceStart()));
        files.emplace_back(base + ".json", TreeJson(tree, now));
        files.emplace_back(base + ".dot", TreeDot(simulation, tree, now));
        if (keep != nullptr) keep->push_back(std::move(tree));
      }
    };
    const SimTime end = SimTime::Zero() + scenario.duration;
    const SimDuration step = std::max(SimDuration::Milliseconds(1),
                                      std::min(SimDuration::Seconds(1),
                                               SimDuration::Nanoseconds(scenario.duration.ns() / 100)));
    std::vector<SimTime> pauses;
    for (SimTime t : scenario.snapshot_times) {
      if (t < end) pauses.push_back(t);  // the end is snapshotted below
    }
    result.complete = simulation.Run(
        [&] {
          if (options.on_progress) options.on_progress(simulation.simulator(), end);
        },
        step, pauses, [&] { snapshot(nullptr); });
    result.digest_hex = trace.digest().Hex();
    result.events = simulation.simulator().events_executed();
    result.trace_events = trace.events();
    result.reached = simulation.simulator().now();

    metrics.Finish(result.reached, scenario.settle);
    std::vector<TreeShape> final_trees;
    snapshot(&final_trees);
    const std::vector<ExpectationResult> verdicts =
        result.complete ? CheckExpectations(scenario, metrics, final_trees)
                        : std::vector<ExpectationResult>{};
    for (const ExpectationResult& v : verdicts) result.expectations_failed += !v.passed;
    result.summary = stats.Summary() + SummaryTable(scenario, metrics, final_trees, verdicts);
    if (!options.out_dir.empty()) {
      files.emplace_back("metrics.json", MetricsJson(scenario, metrics, final_trees));
      files.emplace_back("messages.csv", MessagesCsv(scenario, metrics));
      files.emplace_back("timeseries.csv", TimeseriesCsv(scenario, metrics));
    }
  }
  if (trace_file != nullptr) {
    if (std::fclose(trace_file) != 0) return absl::InternalError("trace.jsonl: write failed");
  }
  if (options.out_dir.empty()) return result;

  std::string overrides_json;
  for (const std::string& o : options.overrides) {
    absl::StrAppend(&overrides_json, overrides_json.empty() ? "" : ", ", JsonString(o));
  }
  const std::string manifest = absl::StrCat(
      "{\n",
      "  \"plumsim_version\": ", JsonString(kPlumsimVersion), ",\n",
      "  \"scenario_path\": ", JsonString(scenario.source_path), ",\n",
      "  \"scenario_name\": ", JsonString(scenario.name), ",\n",
      "  \"seed\": ", scenario.seed, ",\n",
      "  \"overrides\": [", overrides_json, "],\n",
      "  \"resolved_scenario\": \"scenario.toml\",\n",
      "  \"complete\": ", result.complete ? "true" : "false", ",\n",
      "  \"virtual_time_ns\": ", result.reached.ns(), ",\n",
      "  \"duration_ns\": ", scenario.duration.ns(), ",\n",
      "  \"kernel_events\": ", result.events, ",\n",
      "  \"trace_events\": ", result.trace_events, ",\n",
      "  \"trace\": ", options.write_trace ? "\"trace.jsonl\"" : "null", ",\n",
      "  \"expectations_failed\": ", result.expectations_failed, ",\n",
      "  \"digest\": ", JsonString(result.digest_hex), "\n",
      "}\n");
  absl::Status st = WriteFile(tmp / "scenario.toml", scenario.ToToml());
  if (!st.ok()) return st;
  std::error_code mkdir_error;
  fs::create_directories(tmp / "trees", mkdir_error);
  for (const auto& [name, text] : files) {
    st = WriteFile(tmp / name, text);
    if (!st.ok()) return st;
  }
  st = WriteFile(tmp / "manifest.json", manifest);
  if (!st.ok()) return st;
  std::error_code ec;
  if (fs::exists(options.out_dir, ec)) fs::remove_all(options.out_dir, ec);
  fs::rename(tmp, options.out_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat(options.out_dir, ": ", ec.message()));
  return result;
}

absl::StatusOr<RecordedRun> ReadRecordedRun(const std::string& dir) {
  const fs::path manifest_path = fs::path(dir) / "manifest.json";
  std::ifstream in(manifest_path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(manifest_path.string(), ": cannot open"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string manifest = buffer.str();
  RecordedRun run;
  // Our own manifest format: find "digest": "<hex>" and "complete": bool.
  const std::string key = "\"digest\": \"";
  const size_t at = manifest.find(key);
  if (at == std::string::npos || manifest.size() < at + key.size() + 16) {
    return absl::InvalidArgumentError(
        absl::StrCat(manifest_path.string(), ": no \"digest\" field; not a plumsim manifest"));
  }
  run.digest_hex = manifest.substr(at + key.size(), 16);
  run.complete = manifest.find("\"complete\": true") != std::string::npos;
  absl::StatusOr<Scenario> scenario =
      LoadScenario((fs::path(dir) / "scenario.toml").string());
  if (!scenario.ok()) return scenario.status();
  run.scenario = *std::move(scenario);
  return run;
}

}  // namespace plumsim
