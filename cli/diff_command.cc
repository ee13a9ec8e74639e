#include "cli/diff_command.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/files.h"
#include "cli/exit_codes.h"
#include "nlohmann/json.hpp"
#include "sim/compare/run_diff.h"
#include "sim/output/manifest.h"
#include "sim/run/runner.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/file.h"

namespace plumsim {

struct DiffArgs {
  std::string a, b;
  int context = 5;        // equal events shown before the first difference
  bool no_rerun = false;  // without full traces, do not re-run to find the event
};

namespace fs = std::filesystem;

namespace {

struct RunFolder {
  fs::path dir;
  nlohmann::json manifest;
  std::string digest;
  fs::path full_trace;  // empty: none, or filtered
};

absl::StatusOr<RunFolder> OpenRun(const std::string& path) {
  RunFolder r;
  r.dir = path;
  absl::StatusOr<Manifest> manifest = ReadRunManifest(r.dir);
  if (!manifest.ok()) return manifest.status();
  r.manifest = manifest->json;
  r.digest = manifest->digest;
  // A trace holds every event when it has as many lines as the run events.
  if (manifest->full_trace()) r.full_trace = r.dir / manifest->trace;
  return r;
}

// Runs the folder's scenario.toml again with a full trace into `path`;
// returns the digest this plumsim gives.
absl::StatusOr<std::string> Rerun(const RunFolder& run, const fs::path& path) {
  absl::StatusOr<Scenario> scenario = LoadScenario((run.dir / "scenario.toml").string());
  if (!scenario.ok()) return scenario.status();
  scenario->trace = TraceConfig{};
  scenario->trace.zstd = true;
  absl::StatusOr<std::unique_ptr<TraceFile>> file = TraceFile::Create(path, true, path);
  if (!file.ok()) return file.status();
  RunOptions options;
  options.trace_file = file->get();
  absl::StatusOr<RunResult> result = RunScenario(*scenario, options);
  if (!result.ok()) return result.status();
  if (absl::Status st = (*file)->Close(); !st.ok()) return st;
  return result->digest_hex;
}

// trees/*.json names.
std::vector<std::string> TreeFiles(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir / "trees", ec)) {
    if (e.path().extension() == ".json") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A private folder for re-run traces, removed with everything in it (only
// what this process wrote there).
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "plumsim-diff-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempFolder() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_ / "a.jsonl.zst", ec);
    fs::remove(path_ / "b.jsonl.zst", ec);
    fs::remove(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

CLI::App* AddFlags(CLI::App* app, DiffArgs* args) {
  CLI::App* diff = app->add_subcommand(
      "diff", "What differs between two run folders: first diverging event, figures, trees");
  diff->add_option("RUN_A", args->a, "A folder written by plumsim run --out")->required();
  diff->add_option("RUN_B", args->b, "Another one")->required();
  diff->add_option("--context", args->context, "Equal events shown before the first difference")
      ->check(CLI::Range(0, 1000));
  diff->add_flag("--no-rerun", args->no_rerun,
                 "Without full traces in both folders, do not re-run the scenarios to find the "
                 "first diverging event");
  return diff;
}

// Full traces of both runs, for finding the first diverging event: the
// folders' own, else re-runs into `temp`; `note` says what was done.
absl::Status TracesToCompare(const DiffArgs& args, const RunFolder& a, const RunFolder& b,
                             const TempFolder& temp, fs::path* trace_a, fs::path* trace_b,
                             std::string* note) {
  *trace_a = a.full_trace;
  *trace_b = b.full_trace;
  if (!trace_a->empty() && !trace_b->empty()) return absl::OkStatus();
  if (args.no_rerun) {
    *note = "no full trace in both folders (--no-rerun): first diverging event not searched";
    trace_a->clear();
    return absl::OkStatus();
  }
  if (temp.path().empty()) {
    return absl::InternalError("cannot create a temporary folder for the re-runs");
  }
  std::fprintf(stderr,
               "[plumsim diff] no full trace in both folders: re-running both "
               "scenarios with one\n");
  *trace_a = temp.path() / "a.jsonl.zst";
  *trace_b = temp.path() / "b.jsonl.zst";
  absl::StatusOr<std::string> da = Rerun(a, *trace_a);
  if (!da.ok()) return da.status();
  absl::StatusOr<std::string> db = Rerun(b, *trace_b);
  if (!db.ok()) return db.status();
  if (*da != a.digest || *db != b.digest) {
    *note = absl::StrCat("re-run by plumsim ", kPlumsimVersion, ": digests ", *da, ", ", *db,
                         " (a folder was recorded by another version; the events below are "
                         "this version's)");
  }
  return absl::OkStatus();
}

absl::Status PrintFirstDivergence(const fs::path& trace_a, const fs::path& trace_b, int context) {
  absl::StatusOr<std::unique_ptr<TraceLineReader>> ra = TraceLineReader::Open(trace_a);
  if (!ra.ok()) return ra.status();
  absl::StatusOr<std::unique_ptr<TraceLineReader>> rb = TraceLineReader::Open(trace_b);
  if (!rb.ok()) return rb.status();
  absl::StatusOr<EventDivergence> d = FirstDivergence(**ra, **rb, context);
  if (!d.ok()) return d.status();
  if (!d->diverged) {
    std::printf("  the traces are identical\n");
    return absl::OkStatus();
  }
  std::printf("  first diverging event: #%lld, after %zu equal events shown\n",
              static_cast<long long>(d->line), d->before.size());
  for (const std::string& l : d->before) std::printf("    = %s\n", l.c_str());
  std::printf("    A %s\n", d->a ? d->a->c_str() : "(A's trace ends here)");
  std::printf("    B %s\n", d->b ? d->b->c_str() : "(B's trace ends here)");
  return absl::OkStatus();
}

// 1. Events: the digests, and where they differ the first diverging event.
absl::StatusOr<bool> DiffEvents(const DiffArgs& args, const RunFolder& a, const RunFolder& b) {
  if (a.digest == b.digest) {
    std::printf("  events: identical (digest %s)\n", a.digest.c_str());
    return false;
  }
  std::printf("  events: digests differ (%s, %s)\n", a.digest.c_str(), b.digest.c_str());
  TempFolder temp;
  fs::path trace_a, trace_b;
  std::string note;
  if (absl::Status st = TracesToCompare(args, a, b, temp, &trace_a, &trace_b, &note); !st.ok()) {
    return st;
  }
  if (!note.empty()) std::printf("  note: %s\n", note.c_str());
  if (!trace_a.empty() && !trace_b.empty()) {
    if (absl::Status st = PrintFirstDivergence(trace_a, trace_b, args.context); !st.ok()) {
      return st;
    }
  }
  return true;
}

// 2. Figures of metrics.json.
absl::StatusOr<bool> DiffMetrics(const RunFolder& a, const RunFolder& b) {
  absl::StatusOr<std::string> ma = ReadInputFile((a.dir / "metrics.json").string(), "file");
  absl::StatusOr<std::string> mb = ReadInputFile((b.dir / "metrics.json").string(), "file");
  if (!ma.ok() || !mb.ok()) {
    std::printf("  figures: not compared (a metrics.json is missing)\n");
    return false;
  }
  absl::StatusOr<std::vector<std::string>> figures = DiffFigures(*ma, *mb);
  if (!figures.ok()) return figures.status();
  if (figures->empty()) {
    std::printf("  figures: the same\n");
    return false;
  }
  std::printf("  figures: %zu differ\n", figures->size());
  for (const std::string& f : *figures) std::printf("    %s\n", f.c_str());
  return true;
}

// 3. Trees, snapshot by snapshot.
absl::StatusOr<bool> DiffTrees(const RunFolder& a, const RunFolder& b) {
  std::map<std::string, int> where;  // 1: A only, 2: B only, 3: both
  for (const std::string& t : TreeFiles(a.dir)) where[t] |= 1;
  for (const std::string& t : TreeFiles(b.dir)) where[t] |= 2;
  int changed = 0;
  std::string tree_lines;
  for (const auto& [name, sides] : where) {
    const std::string label = name.substr(0, name.size() - 5);  // without .json
    if (sides != 3) {
      absl::StrAppend(&tree_lines, "    ", label, ": only in ", sides == 1 ? "A" : "B", "\n");
      ++changed;
      continue;
    }
    absl::StatusOr<std::string> ja = ReadInputFile((a.dir / "trees" / name).string(), "file");
    if (!ja.ok()) return ja.status();
    absl::StatusOr<std::string> jb = ReadInputFile((b.dir / "trees" / name).string(), "file");
    if (!jb.ok()) return jb.status();
    absl::StatusOr<std::vector<std::string>> d = DiffTree(*ja, *jb);
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat(name, ": ", d.status().message()));
    if (d->empty()) continue;
    ++changed;
    absl::StrAppend(&tree_lines, "    ", label, ": ", absl::StrJoin(*d, "; "), "\n");
  }
  if (changed == 0) {
    std::printf("  trees: %zu snapshots, the same\n", where.size());
    return false;
  }
  std::printf("  trees: %d of %zu snapshots differ\n%s", changed, where.size(), tree_lines.c_str());
  return true;
}

int RunDiff(const DiffArgs& args) {
  absl::StatusOr<RunFolder> a = OpenRun(args.a);
  if (!a.ok()) return Fail(a.status());
  absl::StatusOr<RunFolder> b = OpenRun(args.b);
  if (!b.ok()) return Fail(b.status());
  std::printf("plumsim diff %s %s\n", args.a.c_str(), args.b.c_str());
  absl::StatusOr<bool> events = DiffEvents(args, *a, *b);
  if (!events.ok()) return Fail(events.status());
  absl::StatusOr<bool> figures = DiffMetrics(*a, *b);
  if (!figures.ok()) return Fail(figures.status());
  absl::StatusOr<bool> trees = DiffTrees(*a, *b);
  if (!trees.ok()) return Fail(trees.status());
  const bool different = *events || *figures || *trees;
  std::printf("%s\n", different ? "different" : "identical");
  return different ? kExitFailed : kExitOk;
}

}  // namespace

Command AddDiffCommand(CLI::App* app) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* c = AddFlags(app, args.get());
  return Command{c, [args] { return RunDiff(*args); }};
}

}  // namespace plumsim
