#include "sim/validate/validate.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/child_processes.h"
#include "base/files.h"
#include "live/cluster_process.h"
#include "nlohmann/json.hpp"
#include "sim/output/manifest.h"
#include "sim/output/output_dir.h"
#include "sim/run/runner.h"
#include "sim/validate/cluster_plan.h"
#include "sim/validate/erlang_sources.h"
#include "sim/validate/figures.h"
#include "sim/validate/real_run.h"
#include "sim/validate/sim_record.h"
#include "sim/validate/validate_report.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

// A real run may take its duration, plus booting the VMs, plus this.
constexpr int64_t kBootTimeoutMs = 120'000;
constexpr int64_t kSlackMs = 60'000;

void Progress(const ValidateOptions& o, const std::string& line) {
  if (o.on_progress) o.on_progress(line);
}

bool Stopped(const ValidateOptions& o) { return o.stop && o.stop(); }

std::vector<std::string> CompiledPartisan(const fs::path& lib) {
  std::vector<std::string> paths;
  std::error_code ec;
  if (!fs::exists(lib / "partisan" / "ebin" / "partisan.app", ec)) return paths;
  for (const fs::directory_entry& e : fs::directory_iterator(lib, ec)) {
    if (fs::is_directory(e.path() / "ebin", ec)) paths.push_back((e.path() / "ebin").string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The last lines of a log, for error messages.
std::string Tail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  const size_t from = all.size() > static_cast<size_t>(lines) ? all.size() - lines : 0;
  std::string out;
  for (size_t i = from; i < all.size(); ++i) absl::StrAppend(&out, "\n  | ", all[i]);
  return out;
}

absl::Status CheckErlang() {
  for (const char* program : {"erl", "erlc", "epmd"}) {
    if (!FindProgram(program)) {
      return absl::InvalidArgumentError(absl::StrCat(
          program,
          " not found on PATH: a real run needs Erlang/OTP (Debian: apt install erlang-nox "
          "erlang-dev; docs/validate.md)"));
    }
  }
  return absl::OkStatus();
}

// Writes the project's Erlang modules into dir/erlang and compiles them
// into dir/ebin.
absl::Status CompileErlang(const fs::path& dir, const std::vector<std::string>& code_paths) {
  fs::create_directories(dir / "erlang");
  fs::create_directories(dir / "ebin");
  std::vector<std::string> argv = {"erlc", "-o", (dir / "ebin").string()};
  for (const std::string& p : code_paths) {
    if (absl::EndsWith(p, "/partisan/ebin")) argv.insert(argv.end(), {"-pa", p});
  }
  for (const ErlangSource& source : ErlangSources()) {
    const fs::path path = dir / "erlang" / source.file_name;
    std::ofstream(path) << source.text;
    argv.push_back(path.string());
  }
  const std::string log = (dir / "erlc.log").string();
  absl::StatusOr<int> rc = RunToCompletion(argv, log);
  if (!rc.ok()) return rc.status();
  if (*rc != 0) {
    return absl::InternalError(
        absl::StrCat("erlc could not compile plumsim's Erlang modules:", Tail(log, 20)));
  }
  return absl::OkStatus();
}

// One live real run into `dir`.
absl::Status RunRealCluster(const Scenario& scenario, const std::vector<std::string>& code_paths,
                            const fs::path& dir, const ValidateOptions& o) {
  if (absl::Status st = CompileErlang(dir, code_paths); !st.ok()) return st;
  absl::StatusOr<int> epmd_port = FreeLoopbackPort();
  if (!epmd_port.ok()) return epmd_port.status();
  absl::StatusOr<int> first_port = FreeLoopbackPortRange(static_cast<int>(scenario.total_nodes()));
  if (!first_port.ok()) return first_port.status();
  absl::StatusOr<ClusterPlan> plan = PlanCluster(scenario, *first_port);
  if (!plan.ok()) return plan.status();
  PlanPlaces places;
  places.out_dir = fs::absolute(dir).string();
  places.code_paths = code_paths;
  places.code_paths.push_back(fs::absolute(dir / "ebin").string());
  places.cookie = NewRunCookie();
  places.epmd_port = *epmd_port;
  places.boot_timeout_ms = kBootTimeoutMs;
  const fs::path plan_path = dir / "plan.config";
  std::ofstream(plan_path) << PlanText(*plan, scenario, places);
  ControllerCommand c;
  c.erl = "erl";
  c.ebin = fs::absolute(dir / "ebin").string();
  c.plan_path = fs::absolute(plan_path).string();
  c.log_path = (dir / "controller.log").string();
  c.cookie = places.cookie;
  c.epmd_port = *epmd_port;
  c.time_limit_ms = plan->duration_ms + kBootTimeoutMs + kSlackMs;
  c.on_line = [&](const std::string& line) { Progress(o, absl::StrCat("real: ", line)); };
  c.stop = o.stop;
  absl::StatusOr<ControllerOutcome> outcome = RunController(c);
  if (!outcome.ok()) return outcome.status();
  if (outcome->stopped) return absl::CancelledError("interrupted: the real run was stopped");
  if (outcome->timed_out) {
    return absl::DeadlineExceededError(absl::StrCat("the real run took longer than ",
                                                    c.time_limit_ms / 1000,
                                                    " s and was stopped:", Tail(c.log_path, 20)));
  }
  if (outcome->exit_code != 0) {
    return absl::InternalError(absl::StrCat("the real run failed (controller exit ",
                                            outcome->exit_code, "):", Tail(c.log_path, 20)));
  }
  return absl::OkStatus();
}

// Copies an earlier run's recordings (only the files a real run writes),
// when they were recorded for this scenario and seed.
absl::Status CopyRecording(const Scenario& scenario, const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::exists(from / "run.meta", ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--recorded: ", from.string(), " holds no run.meta of a real run"));
  }
  absl::StatusOr<std::string> recorded = ReadInputFile((from / "plan.config").string(), "plan");
  if (!recorded.ok()) return recorded.status();
  absl::StatusOr<ClusterPlan> plan = PlanCluster(scenario, 20000);
  if (!plan.ok()) return plan.status();
  if (PlanSignature(*recorded) != PlanSignature(PlanText(*plan, scenario, PlanPlaces{}))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--recorded: ", (from / "plan.config").string(),
        " was recorded for another scenario, seed or duration (its settings or events differ "
        "from this scenario's plan)"));
  }
  fs::create_directories(to, ec);
  for (const fs::directory_entry& e : fs::directory_iterator(from, ec)) {
    const std::string name = e.path().filename().string();
    if (!fs::is_regular_file(e.status(ec))) continue;  // a symlink to a file is read
    if (name == "run.meta" || name == "plan.config" || absl::EndsWith(name, ".events")) {
      fs::copy_file(e.path(), to / name, ec);
      if (ec) return absl::InternalError(absl::StrCat(e.path().string(), ": ", ec.message()));
    }
  }
  return absl::OkStatus();
}

std::string RealFolder(int r) { return r == 0 ? "real" : absl::StrCat("real-", r + 1); }

std::vector<std::string> NodeNames(const Scenario& s) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < s.total_nodes(); ++i) out.push_back(absl::StrCat("n", i));
  return out;
}

FigureSettings SettingsOf(const Scenario& s) {
  FigureSettings f;
  f.settle_us = s.settle.ns() / 1000;
  f.stable_rounds = static_cast<int>(s.convergence.stable_rounds);
  f.rmr_epsilon = s.convergence.rmr_epsilon;
  f.round_us = absl::ToInt64Microseconds(s.heartbeat.broadcast_heartbeat_interval);
  return f;
}

absl::StatusOr<ClusterRecord> Simulate(const Scenario& scenario) {
  SimRecord record;
  RunOptions options;
  options.observers.push_back(&record);
  options.on_built = [&](const Simulation& sim) { record.Attach(&sim); };
  absl::StatusOr<RunResult> run = RunScenario(scenario, options);
  if (!run.ok()) return run.status();
  return record.Finish(scenario.duration);
}

std::set<std::string> Reasons(const ClusterRecord& r) {
  std::set<std::string> out;
  for (const auto& c : r.closes) out.insert(c.reason);
  return out;
}

std::string MainHandler(const std::vector<ComparedFigure>& figures) {
  for (const auto& f : figures) {
    if (absl::StartsWith(f.name, "heartbeat.")) return "heartbeat";
  }
  return "application";
}

// What is refused before anything runs or is written: bad counts, a
// scenario a real run cannot apply, no Erlang or no Partisan for a live run.
// Returns the code paths of a live run (none for --recorded).
absl::StatusOr<std::vector<std::string>> CheckBeforeWriting(const Scenario& scenario,
                                                            const ValidateOptions& o) {
  if (o.seeds < 1 || o.repeat < 1) {
    return absl::InvalidArgumentError("--seeds and --repeat must be at least 1");
  }
  if (absl::StatusOr<ClusterPlan> plan = PlanCluster(scenario, 20000); !plan.ok()) {
    return plan.status();
  }
  if (!o.recorded_dir.empty()) return std::vector<std::string>{};
  if (absl::Status st = CheckErlang(); !st.ok()) return st;
  return PartisanCodePaths(o.partisan_dir, o.on_progress);
}

// The real runs, into `staging`/real, real-2, ...: run live, or copied from
// --recorded; each read back.
absl::StatusOr<std::vector<RealRun>> CollectRealRuns(const Scenario& scenario,
                                                     const ValidateOptions& o,
                                                     const std::vector<std::string>& code_paths,
                                                     const fs::path& staging) {
  const std::vector<std::string> names = NodeNames(scenario);
  const int64_t end_us = scenario.duration.ns() / 1000;
  std::vector<RealRun> real;
  for (int r = 0; r < o.repeat; ++r) {
    const fs::path dir = staging / RealFolder(r);
    if (!o.recorded_dir.empty()) {
      if (absl::Status st = CopyRecording(scenario, fs::path(o.recorded_dir) / RealFolder(r), dir);
          !st.ok()) {
        return st;
      }
    } else {
      Progress(o, absl::StrFormat("real run %d of %d: %d nodes for %s", r + 1, o.repeat,
                                  scenario.total_nodes(), FormatSimDuration(scenario.duration)));
      fs::create_directories(dir);
      if (absl::Status st = RunRealCluster(scenario, code_paths, dir, o); !st.ok()) return st;
    }
    absl::StatusOr<RealRun> run = ReadRealRun(dir.string(), names, end_us);
    if (!run.ok()) return run.status();
    real.push_back(std::move(*run));
  }
  return real;
}

// The simulation's latency: the real runs' one-hop latencies, pooled.
absl::StatusOr<std::vector<SimDuration>> MeasuredOneHopLatency(const std::vector<RealRun>& real) {
  std::vector<SimDuration> samples;
  for (const RealRun& run : real) {
    for (int64_t us : OneHopLatenciesUs(run.record)) {
      samples.push_back(SimDuration::Microseconds(us));
    }
  }
  if (samples.empty()) {
    return absl::FailedPreconditionError(
        "the real run recorded no payload a root pushed to a neighbour: no one-hop latency to "
        "simulate with (does the scenario broadcast? see real/controller.log)");
  }
  return samples;
}

// The simulated scenario over --seeds seeds from its own.
absl::StatusOr<std::vector<ClusterRecord>> SimulateSeeds(const Scenario& sim_scenario,
                                                         const ValidateOptions& o) {
  std::vector<ClusterRecord> sims;
  for (int k = 0; k < o.seeds; ++k) {
    if (Stopped(o)) return absl::CancelledError("interrupted");
    Scenario s = sim_scenario;
    s.seed = sim_scenario.seed + static_cast<uint64_t>(k);
    Progress(o, absl::StrFormat("simulating seed %d (%d of %d)", s.seed, k + 1, o.seeds));
    absl::StatusOr<ClusterRecord> record = Simulate(s);
    if (!record.ok()) return record.status();
    sims.push_back(std::move(*record));
  }
  return sims;
}

// Both sides' figures, by one definition and over the same close reasons,
// judged.
ValidateResult Judge(const std::vector<RealRun>& real, const std::vector<ClusterRecord>& sims,
                     const FigureSettings& settings, const std::vector<SimDuration>& samples) {
  std::set<std::string> reasons;
  for (const RealRun& run : real) reasons.merge(Reasons(run.record));
  for (const ClusterRecord& r : sims) reasons.merge(Reasons(r));
  const std::vector<std::string> reason_list(reasons.begin(), reasons.end());
  std::vector<std::vector<Figure>> real_figures, sim_figures;
  for (const RealRun& run : real) {
    real_figures.push_back(ComputeFigures(run.record, settings, reason_list));
  }
  for (const ClusterRecord& r : sims) {
    sim_figures.push_back(ComputeFigures(r, settings, reason_list));
  }
  ValidateResult result;
  result.figures = Compare(real_figures, sim_figures);
  result.outside = CountOutside(result.figures);
  result.table = ComparisonTable(result.figures);
  std::vector<SimDuration> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  result.one_hop_samples = static_cast<int64_t>(samples.size());
  result.one_hop_median_ms = static_cast<double>(sorted[(sorted.size() - 1) / 2].ns()) / 1e6;
  for (const RealRun& run : real) {
    for (const std::string& late : run.late) result.notes.push_back("real run: " + late);
  }
  return result;
}

// What validate.html shows.
ValidateReportInputs ReportOf(const Scenario& scenario, const ValidateOptions& o,
                              const std::vector<RealRun>& real,
                              const std::vector<ClusterRecord>& sims,
                              const FigureSettings& settings,
                              const std::vector<SimDuration>& samples,
                              const ValidateResult& result) {
  ValidateReportInputs report;
  report.scenario_name = scenario.name;
  report.command = o.command;
  report.partisan = absl::StrCat("Partisan ", real.front().partisan_vsn, " (",
                                 o.recorded_dir.empty() ? o.partisan_dir : o.recorded_dir,
                                 "), OTP ", real.front().otp_release);
  report.seeds = o.seeds;
  report.repeats = o.repeat;
  report.figures = result.figures;
  report.latency_handler = MainHandler(result.figures);
  for (const RealRun& run : real) {
    report.real_latencies_us.push_back(
        FirstDeliveryLatenciesUs(run.record, settings, report.latency_handler));
  }
  for (const ClusterRecord& r : sims) {
    report.sim_latencies_us.push_back(
        FirstDeliveryLatenciesUs(r, settings, report.latency_handler));
  }
  for (SimDuration d : samples) report.one_hop_us.push_back(d.ns() / 1000);
  report.notes = result.notes;
  return report;
}

nlohmann::json ManifestOf(const Scenario& scenario, const ValidateOptions& o,
                          const RealRun& first_real, const ValidateResult& result) {
  return {
      {"plumsim_version", kPlumsimVersion},
      {"format", 1},
      {"validate_of", scenario.source_path},
      {"command", o.command},
      {"seed", scenario.seed},
      {"seeds", o.seeds},
      {"repeat", o.repeat},
      {"partisan_vsn", first_real.partisan_vsn},
      {"otp_release", first_real.otp_release},
      {"one_hop_samples", result.one_hop_samples},
      {"figures_outside", result.outside},
      {"complete", true},
  };
}

}  // namespace

absl::StatusOr<std::vector<std::string>> PartisanCodePaths(
    const std::string& dir, const std::function<void(const std::string&)>& on_progress) {
  const fs::path root = fs::absolute(dir);
  const fs::path lib = root / "_build" / "default" / "lib";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return absl::InvalidArgumentError(absl::StrCat("--partisan ", dir, ": no such folder"));
  }
  std::vector<std::string> paths = CompiledPartisan(lib);
  if (!paths.empty()) return paths;
  const std::string missing =
      absl::StrCat("--partisan ", dir, ": no compiled Partisan (",
                   (lib / "partisan/ebin/partisan.app").string(), " is missing)");
  if (!fs::exists(root / "rebar.config", ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(missing, ", and no rebar.config: is it a Partisan checkout?"));
  }
  if (!FindProgram("rebar3")) {
    return absl::InvalidArgumentError(absl::StrCat(
        missing,
        "; run `rebar3 compile` in it (Debian: apt install rebar3), or see docs/validate.md"));
  }
  if (on_progress) on_progress(absl::StrCat("building Partisan: rebar3 compile in ", dir));
  char log_name[] = "/tmp/plumsim-rebar3-XXXXXX";
  const int fd = mkstemp(log_name);
  if (fd >= 0) close(fd);
  absl::StatusOr<int> rc = RunToCompletion(
      {"sh", "-c", "cd \"$1\" && exec rebar3 compile", "sh", root.string()}, log_name);
  const std::string tail = Tail(log_name, 15);
  fs::remove(log_name, ec);
  paths = CompiledPartisan(lib);
  if (rc.ok() && *rc == 0 && !paths.empty()) return paths;
  return absl::InvalidArgumentError(
      absl::StrCat(missing,
                   ", and `rebar3 compile` there failed (it fetches uuid, types, telemetry and "
                   "opentelemetry_api from hex.pm; docs/validate.md says how to build offline):",
                   tail));
}

absl::StatusOr<ValidateResult> RunValidation(const Scenario& scenario, const ValidateOptions& o) {
  absl::StatusOr<std::vector<std::string>> code_paths = CheckBeforeWriting(scenario, o);
  if (!code_paths.ok()) return code_paths.status();
  absl::StatusOr<OutputDir> out =
      OutputDir::Open(o.out_dir, o.overwrite, scenario.source_path, OutputKind::kValidate);
  if (!out.ok()) return out.status();
  absl::StatusOr<std::vector<RealRun>> real =
      CollectRealRuns(scenario, o, *code_paths, out->staging());
  if (!real.ok()) return real.status();
  if (Stopped(o)) return absl::CancelledError("interrupted");
  absl::StatusOr<std::vector<SimDuration>> samples = MeasuredOneHopLatency(*real);
  if (!samples.ok()) return samples.status();
  Scenario sim_scenario = scenario;
  sim_scenario.network.latency = LatencyDistribution::Empirical(*samples);
  sim_scenario.expectations.clear();  // the comparison judges; the scenario's claims do not
  absl::StatusOr<std::vector<ClusterRecord>> sims = SimulateSeeds(sim_scenario, o);
  if (!sims.ok()) return sims.status();

  const FigureSettings settings = SettingsOf(scenario);
  ValidateResult result = Judge(*real, *sims, settings, *samples);
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"scenario.toml", scenario.ToToml()},
           {"sim_scenario.toml", sim_scenario.ToToml()},
           {"validate.csv", ComparisonCsv(result.figures)},
           {"validate.html",
            ValidateHtml(ReportOf(scenario, o, *real, *sims, settings, *samples, result))},
           {"manifest.json", ManifestOf(scenario, o, real->front(), result).dump(2) + "\n"}}) {
    if (absl::Status st = out->WriteFile(name, text); !st.ok()) return st;
  }
  if (absl::Status st = out->Commit(); !st.ok()) return st;
  return result;
}

}  // namespace plumsim
