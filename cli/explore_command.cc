#include "cli/explore_command.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/child_processes.h"
#include "base/files.h"
#include "base/shard.h"
#include "base/text.h"
#include "cli/exit_codes.h"
#include "cli/progress_bar.h"
#include "nlohmann/json.hpp"
#include "sim/explore/explore.h"
#include "sim/kernel/digest.h"
#include "sim/output/output_dir.h"
#include "sim/output/replace_file.h"
#include "sim/run/runner.h"

namespace plumsim {

struct ExploreArgs {
  std::string file;
  std::string out;
  int64_t runs = 100;
  int jobs = 0;  // 0: the number of cores
  uint64_t seed = 1;
  std::string shard;  // "K/N"
  int shrink = 3;     // findings shrunk per invariant
  bool quiet = false;
  bool check = false;
  bool worker = false;  // internal: a --jobs worker (no merge)
};
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr int kExitFindings = kExitFailed;
constexpr int kExploreFormat = 1;
constexpr int64_t kMaxRuns = 100'000'000;

struct Loaded {
  Scenario scenario;
  ExploreSettings settings;
  std::string text_hash;  // of the scenario file's text
};

absl::StatusOr<Loaded> Load(const ExploreArgs& args) {
  absl::StatusOr<std::string> text = ReadInputFile(args.file, "scenario file");
  if (!text.ok()) return text.status();
  absl::StatusOr<Scenario> scenario = ParseScenario(*text, args.file, std::vector<std::string>{});
  if (!scenario.ok()) return scenario.status();
  absl::StatusOr<NemesisConfig> nemesis = ReadNemesisConfig(*text, args.file);
  if (!nemesis.ok()) return nemesis.status();
  if (nemesis->quiet >= scenario->duration) {
    return absl::InvalidArgumentError(absl::StrCat(
        args.file, ": explore.quiet (", FormatSimDuration(nemesis->quiet),
        ") leaves no time for faults in a run of ", FormatSimDuration(scenario->duration)));
  }
  Loaded l{*std::move(scenario), {}, ""};
  l.settings.nemesis = *std::move(nemesis);
  l.settings.seed = args.seed;
  TraceDigest digest;
  digest.AddString(*text);
  l.text_hash = digest.Hex();
  return l;
}

std::string RunFile(const std::string& dir, int64_t index, const char* suffix) {
  char name[32];
  std::snprintf(name, sizeof name, "%08lld%s", static_cast<long long>(index), suffix);
  return (fs::path(dir) / "runs" / name).string();
}

Json Marker(const ExploreArgs& args, const Loaded& l) {
  return Json{{"format", kExploreFormat},
              {"scenario", fs::absolute(args.file).lexically_normal().string()},
              {"scenario_text", l.text_hash},
              {"seed", args.seed}};
}

// The output folder: new or empty, or an exploration of the same scenario
// text and seed (resumed; more runs may be asked for). Creates it.
absl::StatusOr<std::string> OpenDir(const ExploreArgs& args, const Loaded& l) {
  if (args.out.empty()) return absl::InvalidArgumentError("--out: an output folder is required");
  if (absl::Status st = CheckOutputLocation(args.out, args.file); !st.ok()) return st;
  const std::string dir = NormaliseOutputPath(args.out).string();
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  const Json marker = Marker(args, l);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--out ", args.out, ": exists and is not a folder"));
    }
    if (!fs::is_empty(dir, ec)) {
      std::optional<std::string> old = ReadFileIfPresent((fs::path(dir) / "explore.json").string());
      if (!old) {
        return absl::InvalidArgumentError(
            absl::StrCat("--out ", args.out,
                         ": folder exists, is not empty and holds no plumsim exploration; "
                         "name a new folder"));
      }
      Json j = Json::parse(*old, nullptr, false);
      if (j != marker) {
        return absl::InvalidArgumentError(
            absl::StrCat("--out ", args.out,
                         ": holds an exploration of another scenario text or seed; "
                         "name a new folder"));
      }
    }
  }
  for (const char* sub : {"runs", "findings", "known"})
    fs::create_directories(fs::path(dir) / sub, ec);
  if (ec) return absl::UnavailableError(absl::StrCat(dir, ": cannot create: ", ec.message()));
  if (absl::Status s =
          WriteFileAtomically((fs::path(dir) / "explore.json").string(), marker.dump(1) + "\n");
      !s.ok()) {
    return s;
  }
  return dir;
}

Json RunJson(const ExploreRun& run) {
  Json j;
  j["run"] = run.index;
  j["seed"] = run.seed;
  std::vector<std::string> enabled, faults;
  for (FaultKind k : run.schedule.enabled) enabled.push_back(FaultKindName(k));
  for (const Fault& f : run.schedule.faults) faults.push_back(f.Describe());
  j["enabled"] = enabled;
  j["faults"] = faults;
  j["outcome"] = run.outcome;
  j["violations"] = Json::array();
  for (const Violation& v : run.report.violations) {
    j["violations"].push_back(
        {{"invariant", v.invariant}, {"class", v.klass}, {"detail", v.detail}});
  }
  j["digest"] = run.report.digest;
  return j;
}

volatile sig_atomic_t g_stop = 0;
void OnStop(int) { g_stop = 1; }

// Runs the runs of `shard` not done yet, in this process.
absl::Status ExploreRuns(const ExploreArgs& args, const Loaded& l, const std::string& dir,
                         const Shard& shard, const std::function<void()>& on_run) {
  for (int64_t i = 0; i < args.runs && !g_stop; ++i) {
    if (!shard.Contains(static_cast<int>(i)) || fs::exists(RunFile(dir, i, ".json"))) {
      continue;
    }
    absl::StatusOr<ExploreRun> run = ExploreOne(l.scenario, l.settings, i);
    if (!run.ok()) return run.status();
    if (absl::Status s = WriteFileAtomically(RunFile(dir, i, ".json"), RunJson(*run).dump() + "\n");
        !s.ok()) {
      return s;
    }
    on_run();
  }
  return absl::OkStatus();
}

int64_t CountDone(const std::string& dir, int64_t runs) {
  int64_t done = 0;
  for (int64_t i = 0; i < runs; ++i) done += fs::exists(RunFile(dir, i, ".json")) ? 1 : 0;
  return done;
}

// --jobs J: J worker processes, shard k of J each.
absl::Status RunWorkers(const ExploreArgs& args, const std::string& dir, int jobs,
                        ProgressBar* progress, int64_t done_before) {
  std::vector<ChildCommand> workers;
  const std::string exe = SelfExecutable();
  for (int k = 1; k <= jobs; ++k) {
    workers.push_back(
        ChildCommand{{exe, "explore", fs::absolute(args.file).string(), "--runs",
                      absl::StrCat(args.runs), "--seed", absl::StrCat(args.seed), "--out", dir,
                      "--shard", absl::StrCat(k, "/", jobs), "--jobs", "1", "--quiet", "--worker"},
                     (fs::path(dir) / absl::StrCat("worker-", k, ".log")).string()});
  }
  std::vector<std::string> failed;
  RunChildren(
      workers, jobs,
      [&](size_t k, const ChildOutcome& o) {
        if (o.exit_code != 0 && !g_stop) failed.push_back(workers[k].log_path);
      },
      [&] { progress->Draw(CountDone(dir, args.runs), args.runs, done_before); },
      [] { return g_stop != 0; });
  if (!failed.empty()) {
    return absl::UnavailableError(
        absl::StrCat("explore worker(s) failed; see ", absl::StrJoin(failed, ", ")));
  }
  return absl::OkStatus();
}

// What the finished runs found, by invariant (run indices in order).
struct Tally {
  std::vector<Json> runs;
  // Each run under its first finding: the simulator's (safety, liveness,
  // expect) or, failing one, a protocol finding.
  std::map<std::string, std::vector<int64_t>> findings, protocol, known;
  int64_t ok = 0;
};

Tally ReadRuns(const ExploreArgs& args, const std::string& dir) {
  Tally t;
  for (int64_t i = 0; i < args.runs; ++i) {
    std::optional<std::string> text = ReadFileIfPresent(RunFile(dir, i, ".json"));
    if (!text) continue;
    Json j = Json::parse(*text, nullptr, false);
    if (!j.is_object()) continue;
    std::string first_finding, first_protocol;
    for (const Json& v : j["violations"]) {
      const std::string name = v["invariant"].get<std::string>();
      if (v["class"] == "known") {
        t.known[name].push_back(i);
      } else if (v["class"] == "protocol") {
        if (first_protocol.empty()) first_protocol = name;
      } else if (first_finding.empty()) {
        first_finding = name;
      }
    }
    if (!first_finding.empty()) {
      t.findings[first_finding].push_back(i);
    } else if (!first_protocol.empty()) {
      t.protocol[first_protocol].push_back(i);
    }
    t.ok += j["outcome"] == "ok" ? 1 : 0;
    t.runs.push_back(std::move(j));
  }
  return t;
}

std::string ExploreCsv(const Tally& t) {
  std::string csv = "run,seed,enabled,faults,fault_list,outcome,invariants,digest\n";
  for (const Json& r : t.runs) {
    std::vector<std::string> invariants;
    for (const Json& v : r["violations"]) {
      invariants.push_back(
          absl::StrCat(v["invariant"].get<std::string>(), ":", v["class"].get<std::string>()));
    }
    absl::StrAppend(&csv, r["run"].get<int64_t>(), ",", r["seed"].get<uint64_t>(), ",",
                    CsvField(absl::StrJoin(r["enabled"].get<std::vector<std::string>>(), " ")), ",",
                    r["faults"].size(), ",",
                    CsvField(absl::StrJoin(r["faults"].get<std::vector<std::string>>(), "; ")), ",",
                    r["outcome"].get<std::string>(), ",", CsvField(absl::StrJoin(invariants, " ")),
                    ",", r["digest"].get<std::string>(), "\n");
  }
  return csv;
}

// Run `index` as its result file recorded it, with its fault schedule
// drawn again from its seed (no need to run it again before shrinking).
ExploreRun RecordedRun(const Loaded& l, const std::vector<Json>& runs, int64_t index) {
  ExploreRun run;
  run.index = index;
  const Scenario base = ExploreBase(l.scenario, l.settings, index);
  run.seed = base.seed;
  run.schedule = MakeFaultSchedule(l.settings.nemesis, base, base.seed);
  for (const Json& r : runs) {
    if (r["run"].get<int64_t>() != index) continue;
    run.outcome = r["outcome"].get<std::string>();
    run.report.digest = r["digest"].get<std::string>();
    for (const Json& v : r["violations"]) {
      run.report.violations.push_back({v["invariant"].get<std::string>(),
                                       v["class"].get<std::string>(),
                                       v["detail"].get<std::string>()});
    }
  }
  return run;
}

// A known case's file: run `index`'s scenario, unshrunk, to replay.
std::string KnownFile(const Loaded& l, const ExploreRun& run) {
  Scenario s = WithFaults(ExploreBase(l.scenario, l.settings, run.index), run.schedule.faults);
  s.expectations.clear();
  std::string header;
  for (const Violation& v : run.report.violations) {
    absl::StrAppend(&header, "# ", v.invariant, " (", v.klass, "): ", v.detail, "\n");
  }
  return absl::StrCat("# plumsim explore: run ", run.index, ", a known case (docs/explore.md)\n",
                      header, "\n", s.ToToml());
}

// Shrinks the first `args.shrink` findings of each invariant (cached in
// runs/) into findings/<invariant>-<n>.toml, protocol findings into
// findings/protocol-<invariant>-<n>.toml; returns the paths.
absl::StatusOr<std::vector<std::string>> WriteFindings(const ExploreArgs& args, const Loaded& l,
                                                       const std::string& dir, const Tally& t) {
  std::vector<std::string> written;
  for (const bool protocol : {false, true}) {
    for (const auto& [invariant, indices] : protocol ? t.protocol : t.findings) {
      for (size_t n = 0; n < indices.size() && static_cast<int>(n) < args.shrink; ++n) {
        const std::string name =
            absl::StrCat(protocol ? "protocol-" : "", invariant, "-", n + 1, ".toml");
        const std::string target = (fs::path(dir) / "findings" / name).string();
        const std::string cache = RunFile(dir, indices[n], ".shrunk.toml");
        std::optional<std::string> text = ReadFileIfPresent(cache);
        if (!text) {
          const ExploreRun run = RecordedRun(l, t.runs, indices[n]);
          absl::StatusOr<ShrunkFinding> shrunk = ShrinkFinding(l.scenario, l.settings, run, target);
          if (!shrunk.ok()) return shrunk.status();
          text = shrunk->toml;
          if (absl::Status s = WriteFileAtomically(cache, *text); !s.ok()) return s;
        }
        if (absl::Status s = ReplaceOwnFile(dir, absl::StrCat("findings/", name), *text,
                                            "# plumsim explore finding");
            !s.ok()) {
          return s;
        }
        written.push_back(target);
      }
    }
  }
  return written;
}

// The first known cases of each invariant, unshrunk: known/<invariant>-<n>.toml.
absl::Status WriteKnown(const ExploreArgs& args, const Loaded& l, const std::string& dir,
                        const Tally& t) {
  for (const auto& [invariant, indices] : t.known) {
    for (size_t n = 0; n < indices.size() && static_cast<int>(n) < args.shrink; ++n) {
      if (absl::Status s = ReplaceOwnFile(
              dir, absl::StrCat("known/", invariant, "-", n + 1, ".toml"),
              KnownFile(l, RecordedRun(l, t.runs, indices[n])), "# plumsim explore: run");
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

std::string Summary(const ExploreArgs& args, const std::string& dir, const Tally& t,
                    const std::vector<std::string>& shrunk, double seconds, int64_t ran_now) {
  std::string summary =
      absl::StrCat("explore ", args.file, " --seed ", args.seed, ": ", t.runs.size(), " of ",
                   args.runs, " runs done, ", t.ok, " ok\n");
  auto list = [&](const char* what, const std::map<std::string, std::vector<int64_t>>& by) {
    if (by.empty()) absl::StrAppend(&summary, "  ", what, ": none\n");
    for (const auto& [invariant, indices] : by) {
      std::vector<std::string> first;
      for (size_t i = 0; i < indices.size() && i < 5; ++i)
        first.push_back(absl::StrCat(indices[i]));
      absl::StrAppend(&summary, "  ", what, " ", invariant, ": ", indices.size(), " run(s) (",
                      absl::StrJoin(first, ", "), indices.size() > 5 ? ", ..." : "", ")\n");
    }
  };
  list("findings", t.findings);
  list("protocol findings", t.protocol);
  list("known", t.known);
  if (ran_now > 0) {
    absl::StrAppend(&summary, "  ", ran_now, " run(s) in ", static_cast<int64_t>(seconds), " s: ",
                    absl::StrFormat("%.1f", static_cast<double>(ran_now) / std::max(seconds, 1e-9)),
                    " runs/s\n");
  }
  for (const std::string& f : shrunk) absl::StrAppend(&summary, "  shrunk: ", f, "\n");
  absl::StrAppend(&summary, "  table: ", dir, "/explore.csv\n");
  return summary;
}

int Merge(const ExploreArgs& args, const Loaded& l, const std::string& dir, double seconds,
          int64_t ran_now) {
  const Tally t = ReadRuns(args, dir);
  if (absl::Status s = ReplaceOwnFile(dir, "explore.csv", ExploreCsv(t), "run,seed,enabled,");
      !s.ok()) {
    return Fail(s);
  }
  absl::StatusOr<std::vector<std::string>> shrunk = WriteFindings(args, l, dir, t);
  if (!shrunk.ok()) return Fail(shrunk.status());
  if (absl::Status s = WriteKnown(args, l, dir, t); !s.ok()) return Fail(s);
  const std::string summary = Summary(args, dir, t, *shrunk, seconds, ran_now);
  if (absl::Status s = ReplaceOwnFile(dir, "summary.txt", summary, "explore "); !s.ok()) {
    return Fail(s);
  }
  std::fputs(summary.c_str(), stdout);
  if (static_cast<int64_t>(t.runs.size()) < args.runs) {
    std::printf("not every run is done: run the same command again to finish\n");
  }
  return t.findings.empty() ? kExitOk : kExitFindings;
}

int Check(const ExploreArgs& args) {
  absl::StatusOr<Loaded> l = Load(args);
  if (!l.ok()) return Fail(l.status());
  InvariantOptions options;
  options.liveness_from = LivenessFrom(l->scenario, l->settings.nemesis);
  options.quiet_from = SimTime::Zero() + l->scenario.duration - l->settings.nemesis.quiet;
  absl::StatusOr<InvariantReport> report = CheckInvariants(l->scenario, options);
  if (!report.ok()) return Fail(report.status());
  std::printf("explore --check %s: liveness judged on %lld message(s) sent from %s\n",
              args.file.c_str(), static_cast<long long>(report->liveness_messages),
              FormatSimTime(options.liveness_from).c_str());
  bool finding = false;
  for (const Violation& v : report->violations) {
    std::printf("  %-20s %-8s %s\n", v.invariant.c_str(), v.klass.c_str(), v.detail.c_str());
    finding = finding || (v.klass != "known" && v.klass != "protocol");
  }
  if (report->violations.empty()) std::printf("  every invariant holds\n");
  std::printf("trace digest: %s\n", report->digest.c_str());
  return finding ? kExitFindings : kExitOk;
}

CLI::App* AddFlags(CLI::App* app, ExploreArgs* args) {
  CLI::App* c = app->add_subcommand(
      "explore", "Random fault schedules against invariants; findings shrunk (docs/explore.md)");
  c->add_option("SCENARIO", args->file, "Base scenario (its [explore] section sets the faults)")
      ->required();
  c->add_option("--runs", args->runs, "Runs to explore (default 100)");
  c->add_option("--out", args->out, "Output folder (new, or this exploration's to resume)");
  c->add_option("--jobs", args->jobs, "Worker processes (default: the number of cores)");
  c->add_option("--seed", args->seed, "The exploration's seed (default 1)");
  c->add_option("--shard", args->shard, "K/N: explore only the K-th of N slices of the runs");
  c->add_option("--shrink", args->shrink, "Findings shrunk per invariant (default 3)");
  c->add_flag("--quiet", args->quiet, "No progress on stderr");
  c->add_flag("--check", args->check,
              "Run SCENARIO once and check the invariants (e.g. a finding file); no --out");
  c->add_flag("--worker", args->worker, "Internal: a --jobs worker")->group("");
  return c;
}

int RunExplore(const ExploreArgs& args) {
  if (args.check) return Check(args);
  if (args.runs < 1 || args.runs > kMaxRuns) {
    return Fail(absl::InvalidArgumentError(absl::StrCat("--runs: expected 1 to ", kMaxRuns)));
  }
  if (args.jobs < 0 || args.shrink < 0) {
    return Fail(absl::InvalidArgumentError("--jobs and --shrink: expected a positive number"));
  }
  if (args.seed > static_cast<uint64_t>(INT64_MAX)) {
    return Fail(absl::InvalidArgumentError("--seed: expected 0 to 9223372036854775807"));
  }
  Shard shard;
  if (!args.shard.empty()) {
    absl::StatusOr<Shard> s = ParseShard(args.shard);
    if (!s.ok()) return Fail(s.status());
    shard = *s;
  }
  absl::StatusOr<Loaded> l = Load(args);
  if (!l.ok()) return Fail(l.status());
  absl::StatusOr<std::string> dir = OpenDir(args, *l);
  if (!dir.ok()) return Fail(dir.status());

  g_stop = 0;
  signal(SIGINT, OnStop);
  signal(SIGTERM, OnStop);
  const int jobs = JobsOrDefault(args.jobs);
  ProgressBar progress(!args.quiet && isatty(STDERR_FILENO), /*redraw=*/true);
  const int64_t done_before = CountDone(*dir, args.runs);
  int64_t done = done_before;
  absl::Status status;
  if (jobs > 1 && args.shard.empty() && !args.worker) {
    status = RunWorkers(args, *dir, jobs, &progress, done_before);
  } else {
    status =
        ExploreRuns(args, *l, *dir, shard, [&] { progress.Draw(++done, args.runs, done_before); });
  }
  const double seconds = progress.elapsed_seconds();
  progress.Finish();
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  if (!status.ok()) return Fail(status);
  if (g_stop) {
    std::printf("interrupted: run the same command again to resume (done runs are kept)\n");
    return kExitFindings;
  }
  if (args.worker) return kExitOk;
  return Merge(args, *l, *dir, seconds, CountDone(*dir, args.runs) - done_before);
}

}  // namespace

Command AddExploreCommand(CLI::App* app) {
  auto args = std::make_shared<ExploreArgs>();
  CLI::App* c = AddFlags(app, args.get());
  return Command{c, [args] { return RunExplore(*args); }};
}

}  // namespace plumsim
