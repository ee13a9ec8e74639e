#include "cli/study_command.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/child_processes.h"
#include "base/files.h"
#include "base/shard.h"
#include "cli/exit_codes.h"
#include "cli/progress_bar.h"
#include "nlohmann/json.hpp"
#include "sim/output/manifest.h"
#include "sim/output/output_dir.h"
#include "sim/output/replace_file.h"
#include "sim/run/runner.h"
#include "sim/study/collect.h"
#include "sim/study/file.h"
#include "sim/study/plan.h"
#include "sim/study/plot.h"
#include "sim/study/record.h"

namespace plumsim {

struct StudyArgs {
  std::string file;
  std::string out;
  int jobs = 0;       // 0: the number of cores
  std::string shard;  // "K/N" or ""
  int shards = 0;     // jobs, slurm: 0 = one per run (slurm: at most 1000)
  bool quiet = false;
  std::string partition, time, mem;
  bool dry_run = false;
  std::string dir;  // collect, plot
};
namespace {

namespace fs = std::filesystem;

constexpr int kMaxSlurmArray = 1000;  // Slurm's default MaxArraySize is 1001

// A loaded study with its runs and the folder it writes.
struct Prepared {
  Study study;
  StudyPlan plan;
  StudyRecord record;
  std::string dir;  // normalised, absolute
};

absl::StatusOr<Prepared> Prepare(const std::string& file) {
  absl::StatusOr<Study> study = LoadStudy(file);
  if (!study.ok()) return study.status();
  absl::StatusOr<StudyPlan> plan = ExpandStudy(*study);
  if (!plan.ok()) return plan.status();
  Prepared p{*std::move(study), *std::move(plan), {}, ""};
  p.record = StudyRecord::From(p.study, p.plan);
  return p;
}

// What WriteStudyDir makes before study.json is in place: a folder that
// holds nothing but empty runs/ and logs/ and study.json's temporary file.
// Shards started at once see it while the first of them writes.
bool BeingCreated(const std::string& dir) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const bool empty_folder = (name == "runs" || name == "logs") &&
                              fs::is_directory(e.symlink_status(ec)) && fs::is_empty(e.path(), ec);
    const bool temporary =
        absl::StartsWith(name, ".study.json.tmp-") && fs::is_regular_file(e.symlink_status(ec));
    if (!empty_folder && !temporary) return false;
  }
  return !ec;
}

// Checks that `out` may hold this study: a new or empty folder, or one
// holding the same study's runs (resumed). Writes nothing.
absl::Status CheckStudyDir(Prepared* p, const std::string& out) {
  if (out.empty()) return absl::InvalidArgumentError("--out: a study folder is required");
  for (const std::string& input : {p->study.scenario_path, p->study.source_path}) {
    if (absl::Status st = CheckOutputLocation(out, input); !st.ok()) return st;
  }
  p->dir = NormaliseOutputPath(out).string();
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(p->dir, ec);
  if (!fs::exists(st)) return absl::OkStatus();
  if (!fs::is_directory(st)) {
    return absl::InvalidArgumentError(absl::StrCat("--out ", out, ": exists and is not a folder"));
  }
  if (fs::is_empty(p->dir, ec)) return absl::OkStatus();
  absl::StatusOr<StudyRecord> existing = ReadStudyRecord(p->dir);
  if (!existing.ok() && BeingCreated(p->dir)) {
    return absl::OkStatus();  // another shard is writing it: WriteStudyDir checks again
  }
  if (!existing.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", out,
                     ": folder exists, is not empty and holds no plumsim study; "
                     "name a new folder"));
  }
  if (!existing->SamePlan(p->record)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--out ", out, ": holds a different study (", existing->name, ", ", existing->runs.size(),
        " runs; the runs, seeds or values differ from this file's); name a new folder"));
  }
  return absl::OkStatus();
}

// Creates the folder and its study.json (atomically: shards started at
// once on a cluster may race here; they write the same text).
absl::Status WriteStudyDir(const Prepared& p) {
  std::error_code ec;
  fs::create_directories(fs::path(p.dir) / "runs", ec);
  if (!ec) fs::create_directories(fs::path(p.dir) / "logs", ec);
  if (ec) return absl::UnavailableError(absl::StrCat(p.dir, ": cannot create: ", ec.message()));
  if (!fs::exists(fs::path(p.dir) / "study.json")) {
    if (absl::Status st =
            WriteFileAtomically((fs::path(p.dir) / "study.json").string(), p.record.ToJson());
        !st.ok()) {
      return st;
    }
  }
  // Whoever wrote it (this shard or one racing it), it must be this study.
  absl::StatusOr<StudyRecord> written = ReadStudyRecord(p.dir);
  if (!written.ok()) return written.status();
  if (!written->SamePlan(p.record)) {
    return absl::InvalidArgumentError(absl::StrCat(
        p.dir, ": another study was written there at the same time; name a new folder"));
  }
  return absl::OkStatus();
}

// A run is done when its folder holds a complete manifest of its seed.
enum class RunState { kMissing, kIncomplete, kDone };

RunState StateOf(const std::string& dir, const StudyRecord::Run& run) {
  const fs::path run_dir = fs::path(dir) / "runs" / run.id;
  absl::StatusOr<Manifest> m = ReadManifest(run_dir);
  if (absl::IsNotFound(m.status())) {
    return fs::exists(run_dir) ? RunState::kIncomplete : RunState::kMissing;
  }
  if (m.ok() && m->kind == ManifestKind::kRun && m->complete && m->seed == run.seed) {
    return RunState::kDone;
  }
  return RunState::kIncomplete;
}

std::vector<std::string> RunArgs(const std::string& exe, const std::string& dir,
                                 const StudyRecord& record, const StudyRecord::Run& run,
                                 bool overwrite) {
  std::vector<std::string> argv = {exe, "run", record.scenario_path, "--seed",
                                   absl::StrCat(run.seed)};
  for (const std::string& set : run.sets) {
    argv.push_back("--set");
    argv.push_back(set);
  }
  argv.push_back("--out");
  argv.push_back((fs::path(dir) / "runs" / run.id).string());
  argv.push_back("--quiet");
  argv.push_back("--no-report");                 // the study has its own tables and plots
  if (overwrite) argv.push_back("--overwrite");  // an interrupted run's folder
  return argv;
}

std::string Quote(const std::vector<std::string>& words) {
  std::vector<std::string> quoted;
  for (const std::string& w : words) quoted.push_back(ShellQuote(w));
  return absl::StrJoin(quoted, " ");
}

int Check(const StudyArgs& args) {
  absl::StatusOr<Prepared> p = Prepare(args.file);
  if (!p.ok()) return Fail(p.status());
  const StudyRecord& r = p->record;
  std::printf(
      "# %s: valid study \"%s\": %zu point(s) x %d replication(s) = %zu run(s) of %s, "
      "study seed %llu\n",
      args.file.c_str(), r.name.c_str(), r.points.size(), r.replications, r.runs.size(),
      p->study.scenario_path.c_str(), static_cast<unsigned long long>(r.seed));
  std::vector<std::string> header = {"run", "seed"};
  for (const StudyRecord::Parameter& param : r.parameters) header.push_back(param.path);
  std::printf("%s\n", absl::StrJoin(header, "\t").c_str());
  for (const StudyRecord::Run& run : r.runs) {
    std::vector<std::string> row = {run.id, absl::StrCat(run.seed)};
    for (const std::string& label :
         p->plan.Labels(p->study, p->plan.points[static_cast<size_t>(run.point)])) {
      row.push_back(label);
    }
    std::printf("%s\n", absl::StrJoin(row, "\t").c_str());
  }
  return kExitOk;
}

volatile sig_atomic_t g_stop_requested = 0;
void OnStudyStop(int) { g_stop_requested = 1; }

// The runs of a shard still to run, as commands.
struct Pending {
  std::vector<ChildCommand> commands;
  std::vector<size_t> run_of_command;
  int in_shard = 0, already_done = 0;
};

Pending PendingRuns(const Prepared& p, const Shard& shard) {
  Pending out;
  const StudyRecord& r = p.record;
  const std::string exe = SelfExecutable();
  for (size_t i = 0; i < r.runs.size(); ++i) {
    if (!shard.Contains(static_cast<int>(i))) continue;
    ++out.in_shard;
    const RunState state = StateOf(p.dir, r.runs[i]);
    if (state == RunState::kDone) {
      ++out.already_done;
      continue;
    }
    out.commands.push_back(
        ChildCommand{RunArgs(exe, p.dir, r, r.runs[i], state == RunState::kIncomplete),
                     (fs::path(p.dir) / "logs" / absl::StrCat(r.runs[i].id, ".log")).string()});
    out.run_of_command.push_back(i);
  }
  return out;
}

std::string OutcomeText(const ChildOutcome& o) {
  if (!o.error.empty()) return o.error;
  return o.signal != 0 ? absl::StrCat("signal ", o.signal) : absl::StrCat("exit ", o.exit_code);
}

// What `study run` prints at the end, and its exit code.
int Report(const StudyArgs& args, const Prepared& p, const Pending& pending, int done,
           int expectation_failures, const std::vector<std::string>& failures) {
  std::printf("study %s: %d of %d run(s) done%s in %s\n", p.record.name.c_str(),
              pending.already_done + done, pending.in_shard,
              args.shard.empty() ? "" : absl::StrCat(" (shard ", args.shard, ")").c_str(),
              p.dir.c_str());
  if (g_stop_requested) {
    std::printf("interrupted: run the same command again to resume (completed runs are kept)\n");
    return kExitFailed;
  }
  if (!failures.empty()) {
    std::printf("%zu run(s) failed: %s (logs in %s/logs/); run again to retry them\n",
                failures.size(), absl::StrJoin(failures, ", ").c_str(), p.dir.c_str());
    return kExitIo;
  }
  std::printf("next: plumsim study collect %s\n", ShellQuote(p.dir).c_str());
  if (expectation_failures > 0) {
    // Data, not an error: a sweep into heavy loss fails a scenario's
    // [[expect]] entries by design.
    std::printf("%d run(s) failed an [[expect]] entry (status expectation_failed in study.csv)\n",
                expectation_failures);
  }
  return kExitOk;
}

int Run(const StudyArgs& args) {
  absl::StatusOr<Prepared> p = Prepare(args.file);
  if (!p.ok()) return Fail(p.status());
  Shard shard;
  if (!args.shard.empty()) {
    absl::StatusOr<Shard> s = ParseShard(args.shard);
    if (!s.ok()) return Fail(s.status());
    shard = *s;
  }
  if (args.jobs < 0) return Fail(absl::InvalidArgumentError("--jobs: expected at least 1"));
  const int jobs = JobsOrDefault(args.jobs);
  if (absl::Status st = CheckStudyDir(&*p, args.out); !st.ok()) return Fail(st);
  if (absl::Status st = WriteStudyDir(*p); !st.ok()) return Fail(st);

  const StudyRecord& r = p->record;
  const Pending pending = PendingRuns(*p, shard);
  const bool tty = isatty(STDERR_FILENO);
  if (!args.quiet) {
    std::fprintf(stderr,
                 "plumsim study %s: %d run(s)%s, %d done before, %zu to run, %d at a time\n",
                 r.name.c_str(), pending.in_shard,
                 args.shard.empty() ? "" : absl::StrCat(" in shard ", args.shard).c_str(),
                 pending.already_done, pending.commands.size(), jobs);
  }
  g_stop_requested = 0;
  signal(SIGINT, OnStudyStop);
  signal(SIGTERM, OnStudyStop);
  ProgressBar bar(!args.quiet, tty);
  const int64_t total = static_cast<int64_t>(pending.commands.size());
  int done = 0, expectation_failures = 0;
  std::vector<std::string> failures;
  RunChildren(
      pending.commands, jobs,
      [&](size_t c, const ChildOutcome& outcome) {
        const StudyRecord::Run& run = r.runs[pending.run_of_command[c]];
        // Exit 1: an [[expect]] entry failed; the run is complete all the
        // same (an interrupted one is redone on the next start).
        if ((outcome.exit_code == 0 || outcome.exit_code == 1) &&
            StateOf(p->dir, run) == RunState::kDone) {
          ++done;
          expectation_failures += outcome.exit_code == 1 ? 1 : 0;
        } else if (!g_stop_requested) {
          failures.push_back(run.id);
          std::fprintf(stderr, "%splumsim study: run %s failed (%s); see %s\n", tty ? "\n" : "",
                       run.id.c_str(), OutcomeText(outcome).c_str(),
                       pending.commands[c].log_path.c_str());
        }
        if (!tty) bar.Draw(done, total);
      },
      [&] {
        if (tty) bar.Draw(done, total);
      },
      [] { return g_stop_requested != 0; });
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  bar.Finish();
  return Report(args, *p, pending, done, expectation_failures, failures);
}

// The `study run` command of shard K of N, as printed for other runners.
std::vector<std::string> ShardCommand(const Prepared& p, const std::string& shard) {
  return {SelfExecutable(),
          "study",
          "run",
          fs::absolute(p.study.source_path).lexically_normal().string(),
          "--out",
          p.dir,
          "--shard",
          shard,
          "--jobs",
          "1",
          "--quiet"};
}

int ShardCount(const StudyArgs& args, const Prepared& p, int cap) {
  const int runs = static_cast<int>(p.record.runs.size());
  return args.shards > 0 ? std::min(args.shards, runs) : std::min(runs, cap);
}

int Jobs(const StudyArgs& args) {
  absl::StatusOr<Prepared> p = Prepare(args.file);
  if (!p.ok()) return Fail(p.status());
  if (absl::Status st = CheckStudyDir(&*p, args.out); !st.ok()) return Fail(st);
  const int n = ShardCount(args, *p, static_cast<int>(p->record.runs.size()));
  for (int k = 1; k <= n; ++k) {
    std::printf("%s\n", Quote(ShardCommand(*p, absl::StrCat(k, "/", n))).c_str());
  }
  return kExitOk;
}

std::string SlurmScript(const StudyArgs& args, const Prepared& p, int shards) {
  std::string s = "#!/bin/bash\n";
  absl::StrAppend(&s, "# plumsim study ", p.record.name, ": ", p.record.runs.size(), " runs in ",
                  shards, " array tasks (written by plumsim study slurm)\n");
  absl::StrAppend(&s, "#SBATCH --job-name=plumsim-", p.record.name, "\n");
  absl::StrAppend(&s, "#SBATCH --array=1-", shards, "\n");
  absl::StrAppend(&s, "#SBATCH --cpus-per-task=1\n");
  absl::StrAppend(&s, "#SBATCH --output=", (fs::path(p.dir) / "slurm" / "task-%a.out").string(),
                  "\n");
  if (!args.partition.empty()) absl::StrAppend(&s, "#SBATCH --partition=", args.partition, "\n");
  if (!args.time.empty()) absl::StrAppend(&s, "#SBATCH --time=", args.time, "\n");
  if (!args.mem.empty()) absl::StrAppend(&s, "#SBATCH --mem=", args.mem, "\n");
  std::vector<std::string> command = ShardCommand(p, "SHARD");
  std::string line = Quote(command);
  const std::string quoted_shard = ShellQuote("SHARD");
  line.replace(line.find(quoted_shard), quoted_shard.size(),
               absl::StrCat("\"${SLURM_ARRAY_TASK_ID}/", shards, "\""));
  absl::StrAppend(&s, "exec ", line, "\n");
  return s;
}

int Slurm(const StudyArgs& args) {
  absl::StatusOr<Prepared> p = Prepare(args.file);
  if (!p.ok()) return Fail(p.status());
  if (absl::Status st = CheckStudyDir(&*p, args.out); !st.ok()) return Fail(st);
  for (const std::string* v : {&args.partition, &args.time, &args.mem}) {
    if (v->find_first_of("\n\r") != std::string::npos) {
      return Fail(absl::InvalidArgumentError("--partition, --time, --mem: one line each"));
    }
  }
  const int shards = ShardCount(args, *p, kMaxSlurmArray);
  const std::string script = SlurmScript(args, *p, shards);
  const std::string script_path = (fs::path(p->dir) / "slurm" / "study.sbatch").string();
  if (args.dry_run) {
    std::printf("%s# submit with: sbatch --parsable %s\n", script.c_str(),
                ShellQuote(script_path).c_str());
    return kExitOk;
  }
  if (absl::Status st = WriteStudyDir(*p); !st.ok()) return Fail(st);
  if (absl::Status st =
          ReplaceOwnFile(p->dir, "slurm/study.sbatch", script, "#!/bin/bash\n# plumsim study");
      !st.ok()) {
    return Fail(st);
  }
  const std::string log = (fs::path(p->dir) / "slurm" / "sbatch.log").string();
  ChildOutcome outcome;
  RunChildren(
      {ChildCommand{{"/usr/bin/env", "sbatch", "--parsable", script_path}, log}}, 1,
      [&](size_t, const ChildOutcome& o) { outcome = o; }, [] {}, [] { return false; });
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  if (outcome.exit_code != 0) {
    std::fprintf(stderr, "plumsim: sbatch failed (%s):\n%s", script_path.c_str(),
                 text.str().c_str());
    return kExitIo;
  }
  std::string job = text.str();
  job.erase(job.find_last_not_of(" \n\r") + 1);
  std::printf("submitted Slurm job %s: %zu runs in %d array tasks (%s)\n", job.c_str(),
              p->record.runs.size(), shards, script_path.c_str());
  std::printf("when it is done: plumsim study collect %s\n", ShellQuote(p->dir).c_str());
  return kExitOk;
}

int Collect(const StudyArgs& args) {
  absl::StatusOr<StudyResults> results = CollectStudy(args.dir);
  if (!results.ok()) return Fail(results.status());
  if (absl::Status st = ReplaceOwnFile(args.dir, "study.csv", StudyCsv(*results), "run,point,");
      !st.ok()) {
    return Fail(st);
  }
  if (absl::Status st = ReplaceOwnFile(args.dir, "points.csv", PointsCsv(*results), "point,");
      !st.ok()) {
    return Fail(st);
  }
  const int counted = results->Counted();
  const int total = static_cast<int>(results->runs.size());
  std::printf("study %s: %d of %d run(s) collected into %s/study.csv and points.csv\n",
              results->record.name.c_str(), counted, total, args.dir.c_str());
  if (counted < total) {
    std::map<std::string, int> by_status;
    for (const CollectedRun& c : results->runs) {
      if (!c.counted()) ++by_status[c.status];
    }
    std::vector<std::string> parts;
    for (const auto& [status, n] : by_status) parts.push_back(absl::StrCat(n, " ", status));
    std::printf("not counted: %s (run plumsim study run again to finish them)\n",
                absl::StrJoin(parts, ", ").c_str());
  }
  std::printf("next: plumsim study plot %s\n", ShellQuote(args.dir).c_str());
  return kExitOk;
}

int Plot(const StudyArgs& args) {
  absl::StatusOr<StudyResults> results = CollectStudy(args.dir);
  if (!results.ok()) return Fail(results.status());
  if (results->Counted() == 0) {
    return Fail(absl::InvalidArgumentError(absl::StrCat(args.dir, ": no completed run to plot")));
  }
  absl::StatusOr<std::vector<std::string>> pictures = DrawStudyPlots(args.dir, *results);
  if (!pictures.ok()) return Fail(pictures.status());
  for (const std::string& p : *pictures) std::printf("%s\n", p.c_str());
  return kExitOk;
}

CLI::App* AddFlags(CLI::App* app, StudyArgs* args) {
  CLI::App* study =
      app->add_subcommand("study", "Parameter sweeps with replications (docs/studies.md)");
  study->require_subcommand(1);
  auto file = [&](CLI::App* c) {
    c->add_option("FILE", args->file, "Study file: a [study] section (docs/studies.md)")
        ->required();
  };
  auto out = [&](CLI::App* c) {
    c->add_option("--out", args->out, "The study's folder (new, or this study's to resume)")
        ->required();
  };
  CLI::App* check = study->add_subcommand("check", "Validate a study and print its runs");
  file(check);
  CLI::App* run =
      study->add_subcommand("run", "Run every point x replication as its own process; resumable");
  file(run);
  out(run);
  run->add_option("--jobs", args->jobs, "Runs at a time (default: the number of cores)");
  run->add_option("--shard", args->shard, "K/N: run only the K-th of N slices of the runs");
  run->add_flag("--quiet", args->quiet, "No progress on stderr");
  CLI::App* jobs = study->add_subcommand(
      "jobs", "Print one `study run --shard` command per line, for GNU parallel or any runner");
  file(jobs);
  out(jobs);
  jobs->add_option("--shards", args->shards, "Number of commands (default: one per run)");
  CLI::App* slurm = study->add_subcommand("slurm", "Write and submit a Slurm job array");
  file(slurm);
  out(slurm);
  slurm->add_option("--partition", args->partition, "Slurm partition");
  slurm->add_option("--time", args->time, "Time limit per array task, e.g. 1:00:00");
  slurm->add_option("--mem", args->mem, "Memory per array task, e.g. 4G");
  slurm->add_option("--shards", args->shards, "Array tasks (default: one per run, at most 1000)");
  slurm->add_flag("--dry-run", args->dry_run, "Print the job script; write and submit nothing");
  for (const char* name : {"collect", "plot"}) {
    CLI::App* c = study->add_subcommand(
        name, std::string(name) == "collect"
                  ? "Write DIR/study.csv (one row per run) and DIR/points.csv (mean, sd, 95% CI)"
                  : "Draw each declared figure against the first parameter (PNG and SVG)");
    c->add_option("DIR", args->dir, "A study folder (written by plumsim study run)")->required();
  }
  return study;
}

int DispatchStudy(CLI::App* study, const StudyArgs& args) {
  const std::string name = study->get_subcommands().front()->get_name();
  if (name == "check") return Check(args);
  if (name == "run") return Run(args);
  if (name == "jobs") return Jobs(args);
  if (name == "slurm") return Slurm(args);
  if (name == "collect") return Collect(args);
  return Plot(args);
}

}  // namespace

Command AddStudyCommands(CLI::App* app) {
  auto args = std::make_shared<StudyArgs>();
  CLI::App* c = AddFlags(app, args.get());
  return Command{c, [c, args] { return DispatchStudy(c, *args); }};
}

}  // namespace plumsim
