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
  {
    // Observers are added after the simulation is built (the trace needs its
    // clock); construction reports nothing, so none is missed.
    ObserverList observers;
    Simulation simulation(scenario, &observers);
    TraceRecorder trace(&simulation.simulator(), trace_file);
    RunStats stats;
    observers.Add(&trace);
    observers.Add(&stats);
    if (options.on_start) options.on_start(&simulation.simulator());
    const SimTime end = SimTime::Zero() + scenario.duration;
    const SimDuration step = std::max(SimDuration::Milliseconds(1),
                                      std::min(SimDuration::Seconds(1),
                                               SimDuration::Nanoseconds(scenario.duration.ns() / 100)));
    result.complete = simulation.Run(
        [&] {
          if (options.on_progress) options.on_progress(simulation.simulator(), end);
        },
        step);
    result.digest_hex = trace.digest().Hex();
    result.events = simulation.simulator().events_executed();
    result.trace_events = trace.events();
    result.reached = simulation.simulator().now();
    result.summary = stats.Summary();
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
      "  \"digest\": ", JsonString(result.digest_hex), "\n",
      "}\n");
  absl::Status st = WriteFile(tmp / "scenario.toml", scenario.ToToml());
  if (!st.ok()) return st;
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
