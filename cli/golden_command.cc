#include "cli/golden_command.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/files.h"
#include "base/text.h"
#include "cli/exit_codes.h"
#include "cli/scenario_args.h"
#include "sim/compare/golden.h"
#include "sim/output/manifest.h"
#include "sim/output/output_dir.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

struct GoldenArgs {
  ScenarioArgs scenario;                // record: SCENARIO, --seed, --duration, --set
  std::string golden;                   // record: --out; check: the second argument
  std::string roots;                    // record: which roots' trees (a node set)
  std::vector<std::string> at;          // record: when (durations; the end always)
  std::vector<std::string> tolerances;  // record: figure=tolerance
  bool overwrite = false;
  bool update = false;  // check: write the new trees and figures into GOLDEN
};

namespace {

// Runs `scenario` with snapshots of `roots` at `times` (and the end) and
// returns what a golden pins.
absl::StatusOr<Golden> Measure(Scenario scenario, const PeerSet& roots,
                               const std::vector<SimTime>& times) {
  scenario.snapshot_roots = NodeSet::FromIds(roots);
  scenario.snapshot_times.clear();
  const SimTime end = SimTime::Zero() + scenario.duration;
  for (SimTime t : times) {
    if (t < end) scenario.snapshot_times.push_back(t);
  }
  Golden g;
  g.seed = scenario.seed;
  g.duration = scenario.duration;
  g.plumsim_version = kPlumsimVersion;
  RunOptions options;
  options.on_snapshot = [&g](SimTime at, const TreeShape& tree) {
    g.trees.push_back(GoldenTreeOf(tree, at));
  };
  options.on_finished = [&g](const Simulation&, const MetricsCollector& metrics,
                             const std::vector<TreeShape>&) { g.figures = GoldenFigures(metrics); };
  absl::StatusOr<RunResult> result = RunScenario(scenario, options);
  if (!result.ok()) return result.status();
  if (!result->complete) return absl::AbortedError("the run was stopped");
  g.digest = result->digest_hex;
  return g;
}

// May `path` be (re)written as a golden? Only a new file, or with
// --overwrite a regular file that starts with the golden header.
absl::Status CheckGoldenTarget(const std::string& path, bool overwrite) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  struct stat st;
  if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", path, ": the folder ", folder, " does not exist"));
  }
  if (lstat(path.c_str(), &st) != 0) return absl::OkStatus();
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", path, ": exists and is not a regular file; nothing was written"));
  }
  absl::StatusOr<std::string> text = ReadInputFile(path, "file");
  if (!text.ok() || !absl::StartsWith(*text, kGoldenHeader)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", path, ": exists and is not a plumsim golden; nothing was written"));
  }
  if (!overwrite) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--out ", path, ": a golden exists there; pass --overwrite to record it again"));
  }
  return absl::OkStatus();
}

// The roots a recorded golden pins: --roots, else the scenario's snapshot
// roots, else n0.
absl::StatusOr<PeerSet> RootsToRecord(const GoldenArgs& args, const Scenario& scenario) {
  if (args.roots.empty()) {
    return scenario.snapshot_roots.empty() ? PeerSet{0} : scenario.snapshot_roots.ToPeerSet();
  }
  // Read as the scenario reads [snapshots] roots, named --roots in errors.
  ScenarioArgs with = args.scenario;
  with.extra.push_back(Override{"--roots", "snapshots.roots", TomlString(args.roots)});
  absl::StatusOr<Scenario> s = with.Load();
  if (!s.ok()) return s.status();
  return s->snapshot_roots.ToPeerSet();
}

// The times a recorded golden pins: --at, else the scenario's snapshot times.
absl::StatusOr<std::vector<SimTime>> TimesToRecord(const GoldenArgs& args,
                                                   const Scenario& scenario) {
  if (args.at.empty()) return scenario.snapshot_times;
  std::vector<SimTime> times;
  for (const std::string& a : args.at) {
    absl::StatusOr<SimDuration> d = ParseSimDuration(a);
    if (!d.ok() || *d > scenario.duration) {
      return absl::InvalidArgumentError(absl::StrCat("--at ", a,
                                                     ": expected a duration within the run (",
                                                     FormatSimDuration(scenario.duration), ")"));
    }
    times.push_back(SimTime::Zero() + *d);
  }
  std::sort(times.begin(), times.end());
  return times;
}

// --tolerance figure=number, set on the golden's figures.
absl::Status SetTolerances(const std::vector<std::string>& flags, Golden* g) {
  std::map<std::string, double> tolerances;
  for (const std::string& t : flags) {
    const std::vector<std::string> kv = absl::StrSplit(t, absl::MaxSplits('=', 1));
    double v;
    if (kv.size() != 2 || !absl::SimpleAtod(kv[1], &v) || v < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tolerance ", t, ": expected figure=number, e.g. heartbeat.rmr_mean=0.05"));
    }
    tolerances[kv[0]] = v;
  }
  for (GoldenFigure& f : g->figures) {
    if (auto it = tolerances.find(f.name); it != tolerances.end()) {
      f.tolerance = it->second;
      tolerances.erase(it);
    }
  }
  if (tolerances.empty()) return absl::OkStatus();
  std::vector<std::string> names;
  for (const GoldenFigure& f : g->figures) names.push_back(f.name);
  return absl::InvalidArgumentError(absl::StrCat("--tolerance ", tolerances.begin()->first,
                                                 ": no such figure; the figures are ",
                                                 absl::StrJoin(names, ", ")));
}

absl::StatusOr<Golden> RecordGolden(const GoldenArgs& args) {
  if (absl::Status st = CheckGoldenTarget(args.golden, args.overwrite); !st.ok()) return st;
  absl::StatusOr<Scenario> scenario = args.scenario.Load();
  if (!scenario.ok()) return scenario.status();
  absl::StatusOr<PeerSet> roots = RootsToRecord(args, *scenario);
  if (!roots.ok()) return roots.status();
  absl::StatusOr<std::vector<SimTime>> times = TimesToRecord(args, *scenario);
  if (!times.ok()) return times.status();
  absl::StatusOr<Golden> g = Measure(*scenario, *roots, *times);
  if (!g.ok()) return g.status();
  g->scenario = args.scenario.file;
  g->overrides = args.scenario.sets;
  return g;
}

int Record(const GoldenArgs& args) {
  absl::StatusOr<Golden> g = RecordGolden(args);
  if (!g.ok()) return Fail(g.status());
  if (absl::Status st = SetTolerances(args.tolerances, &*g); !st.ok()) return Fail(st);
  if (absl::Status st = WriteFileAtomically(args.golden, GoldenToToml(*g)); !st.ok()) {
    return Fail(st);
  }
  std::printf("golden recorded: %s (%zu trees, %zu figures, digest %s)\n", args.golden.c_str(),
              g->trees.size(), g->figures.size(), g->digest.c_str());
  return kExitOk;
}

// The golden's scenario measured again at the pinned roots and times;
// only the pinned (root, time) pairs are kept.
absl::StatusOr<Golden> MeasureAgain(const GoldenArgs& args, const Golden& pinned) {
  absl::StatusOr<Scenario> scenario = LoadScenario(
      args.scenario.file, CommandLineOverrides(pinned.overrides, absl::StrCat(pinned.seed),
                                               FormatSimDuration(pinned.duration)));
  if (!scenario.ok()) return scenario.status();
  PeerSet roots;
  std::vector<SimTime> times;
  for (const GoldenTree& t : pinned.trees) {
    roots.push_back(t.root);
    times.push_back(t.at);
  }
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (NodeId r : roots) {
    if (r >= scenario->total_nodes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          args.golden, ": pins a tree of n", r, ", which ", args.scenario.file, " does not have"));
    }
  }
  absl::StatusOr<Golden> now = Measure(*scenario, roots, times);
  if (!now.ok()) return now.status();
  // Every root is snapshotted at every pinned time: drop what is not pinned.
  std::vector<GoldenTree> kept;
  for (const GoldenTree& t : now->trees) {
    for (const GoldenTree& p : pinned.trees) {
      if (p.root == t.root && p.at == t.at) {
        kept.push_back(t);
        break;
      }
    }
  }
  now->trees = std::move(kept);
  return now;
}

// --update: the same roots, times, overrides and tolerances, measured again.
int UpdateGolden(const GoldenArgs& args, const Golden& pinned, Golden now,
                 const std::vector<std::string>& differences) {
  now.scenario = pinned.scenario;
  now.overrides = pinned.overrides;
  for (GoldenFigure& f : now.figures) {
    for (const GoldenFigure& p : pinned.figures) {
      if (p.name == f.name) f.tolerance = p.tolerance;
    }
  }
  if (absl::Status st = CheckGoldenTarget(args.golden, /*overwrite=*/true); !st.ok()) {
    return Fail(st);
  }
  if (absl::Status st = WriteFileAtomically(args.golden, GoldenToToml(now)); !st.ok()) {
    return Fail(st);
  }
  std::printf("golden %s: updated, %zu differences recorded\n", args.golden.c_str(),
              differences.size());
  for (const std::string& d : differences) std::printf("  %s\n", d.c_str());
  return kExitOk;
}

int Check(const GoldenArgs& args) {
  absl::StatusOr<std::string> text = ReadInputFile(args.golden, "golden");
  if (!text.ok()) return Fail(text.status());
  absl::StatusOr<Golden> pinned = ParseGolden(*text, args.golden);
  if (!pinned.ok()) return Fail(pinned.status());
  absl::StatusOr<Golden> now = MeasureAgain(args, *pinned);
  if (!now.ok()) return Fail(now.status());
  const std::vector<std::string> differences = CompareGolden(*pinned, *now);
  if (args.update) return UpdateGolden(args, *pinned, *std::move(now), differences);
  const std::string versions = pinned->plumsim_version == kPlumsimVersion
                                   ? std::string()
                                   : absl::StrCat(" (recorded by plumsim ", pinned->plumsim_version,
                                                  ", checked by ", kPlumsimVersion, ")");
  if (differences.empty()) {
    std::printf("golden %s: match, %zu trees and %zu figures%s%s\n", args.golden.c_str(),
                pinned->trees.size(), pinned->figures.size(),
                now->digest == pinned->digest ? ", identical digest" : "", versions.c_str());
    return kExitOk;
  }
  std::printf("golden %s: %zu differences%s\n", args.golden.c_str(), differences.size(),
              versions.c_str());
  for (const std::string& d : differences) std::printf("  %s\n", d.c_str());
  std::printf(
      "if the change is intended, record it (same roots, times and tolerances):\n"
      "  plumsim golden check %s %s --update\n",
      args.scenario.file.c_str(), args.golden.c_str());
  return kExitFailed;
}

CLI::App* AddFlags(CLI::App* app, GoldenArgs* args) {
  CLI::App* golden = app->add_subcommand(
      "golden", "Pin a scenario's eager trees and figures, and check them again (docs/golden.md)");
  golden->require_subcommand(1);
  CLI::App* record = golden->add_subcommand("record", "Run SCENARIO and write its golden file");
  args->scenario.AddTo(record, "SCENARIO");
  record->add_option("--out", args->golden, "The golden file to write")->required();
  record->add_option("--roots", args->roots,
                     "Roots whose trees are pinned, e.g. \"n0, n3\" (default: [snapshots] roots, "
                     "else n0)");
  record
      ->add_option("--at", args->at,
                   "Times of the pinned trees, repeatable (default: [snapshots] at); the end "
                   "is always pinned")
      ->allow_extra_args(false);
  record
      ->add_option("--tolerance", args->tolerances,
                   "figure=number: how far a figure may move, repeatable (default 0)")
      ->allow_extra_args(false);
  record->add_flag("--overwrite", args->overwrite, "Replace an existing golden file");
  CLI::App* check = golden->add_subcommand(
      "check", "Run SCENARIO as the golden says; exit 1 if trees or figures changed");
  check->add_option("SCENARIO", args->scenario.file, "Scenario file")->required();
  check->add_option("GOLDEN", args->golden, "The golden file")->required();
  check->add_flag("--update", args->update,
                  "Write what the run gives into GOLDEN (same roots, times, tolerances); exit 0");
  return golden;
}

int RunGolden(CLI::App* golden, const GoldenArgs& args) {
  if (golden->get_subcommand("record")->parsed()) return Record(args);
  return Check(args);
}

}  // namespace

Command AddGoldenCommands(CLI::App* app) {
  auto args = std::make_shared<GoldenArgs>();
  CLI::App* c = AddFlags(app, args.get());
  return Command{c, [c, args] { return RunGolden(c, *args); }};
}

}  // namespace plumsim
