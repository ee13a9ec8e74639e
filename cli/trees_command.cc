#include "cli/trees_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/child_processes.h"
#include "base/files.h"
#include "cli/exit_codes.h"
#include "nlohmann/json.hpp"
#include "sim/output/manifest.h"
#include "sim/output/output_dir.h"
#include "sim/report/drawings.h"
#include "sim/report/tree_picture.h"

namespace plumsim {

struct TreesArgs {
  std::string dir;
  std::string out;  // default: DIR/pictures
  bool overwrite = false;
  int64_t max_nodes = 2000;  // live nodes beyond which histograms replace the drawing
  int jobs = 0;              // 0: the number of cores
  bool quiet = false;
};

namespace fs = std::filesystem;

namespace {

struct Picture {
  TreeSnapshot snapshot;
  OrientedTree tree;
  std::string base;  // file name without extension
  bool radial = true;
};

CLI::App* AddFlags(CLI::App* app, TreesArgs* args) {
  CLI::App* trees = app->add_subcommand(
      "trees", "Draw a run's tree snapshots (DIR/trees) as radial trees or histograms");
  trees->add_option("DIR", args->dir, "A folder written by plumsim run --out")->required();
  trees->add_option("--out", args->out, "Where the pictures go (default: DIR/pictures)");
  trees->add_flag("--overwrite", args->overwrite,
                  "Replace pictures plumsim drew there before (and nothing else)");
  trees
      ->add_option("--max-nodes", args->max_nodes,
                   "Trees with more live nodes are drawn as depth and fan-out histograms")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  trees->add_option("--jobs", args->jobs, "Drawings at once (default: the number of cores)")
      ->check(CLI::Range(0, 1024));
  trees->add_flag("--quiet", args->quiet, "No progress on stderr");
  return trees;
}

// Every snapshot of DIR/trees, read before anything is written (bad input
// writes nothing), each with its file name base and how it is drawn.
absl::StatusOr<std::vector<Picture>> ReadPictures(const fs::path& dir, int64_t max_nodes) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir / "trees", ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  if (files.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat((dir / "trees").string(), ": no tree snapshots (*.json) to draw"));
  }
  std::sort(files.begin(), files.end());
  std::vector<Picture> pictures;
  int64_t latest_ns = 0;
  for (const fs::path& f : files) {
    absl::StatusOr<std::string> text = ReadInputFile(f.string(), "file");
    if (!text.ok()) return text.status();
    absl::StatusOr<TreeSnapshot> s = ParseTreeSnapshot(*text, f.string());
    if (!s.ok()) return s.status();
    Picture p;
    p.snapshot = *std::move(s);
    p.tree = Orient(p.snapshot);
    p.radial = static_cast<int64_t>(p.tree.live.size()) <= max_nodes;
    latest_ns = std::max(latest_ns, p.snapshot.at_ns);
    pictures.push_back(std::move(p));
  }
  const int width = std::max<int>(4, static_cast<int>(absl::StrCat(latest_ns / 1000000000).size()));
  for (Picture& p : pictures) {
    p.base = absl::StrCat(NodeName(static_cast<NodeId>(p.snapshot.root)), "@",
                          PaddedSeconds(p.snapshot.at_ns, width));
  }
  return pictures;
}

// Draws every picture into `folder`; returns the manifest's list of them.
absl::StatusOr<nlohmann::ordered_json> Draw(const std::vector<Picture>& pictures,
                                            const fs::path& folder, const TreesArgs& args) {
  Drawings drawings(folder, {.programs = {}, .jobs = JobsOrDefault(args.jobs), .png = true});
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Picture& p : pictures) {
    if (p.radial) {
      drawings.RadialTree(p.base, RadialDot(p.snapshot, p.tree), [&p](const std::string& laid) {
        return AddDepthRings(laid, p.snapshot, p.tree);
      });
    } else {
      drawings.Plot(p.base, HistogramScript(p.snapshot, p.tree, p.base));
    }
    list.push_back(nlohmann::ordered_json{
        {"root", NodeName(static_cast<NodeId>(p.snapshot.root))},
        {"at_ns", p.snapshot.at_ns},
        {"live", p.tree.live.size()},
        {"drawn_as", p.radial ? "radial tree" : "depth and fan-out histograms"},
        {"files", {p.base + ".svg", p.base + ".png", p.base + (p.radial ? ".dot" : ".gp")}}});
  }
  const bool progress = !args.quiet && isatty(STDERR_FILENO);
  const size_t steps = drawings.steps();
  size_t done = 0;
  drawings.Run(
      [&] {
        ++done;
        if (progress) std::fprintf(stderr, "\r[plumsim trees] %zu of %zu steps   ", done, steps);
      },
      /*stop_at_first_failure=*/true);
  if (progress) std::fputs("\n", stderr);
  if (const std::string failure = drawings.FirstError(); !failure.empty()) {
    return absl::InternalError(failure);
  }
  return list;
}

int RunTrees(const TreesArgs& args) {
  const auto wall_start = std::chrono::steady_clock::now();
  const fs::path dir = NormaliseOutputPath(args.dir);
  absl::StatusOr<Manifest> manifest = ReadRunManifest(dir);
  if (!manifest.ok()) return Fail(manifest.status());
  absl::StatusOr<std::vector<Picture>> pictures = ReadPictures(dir, args.max_nodes);
  if (!pictures.ok()) return Fail(pictures.status());
  const int64_t radial =
      std::count_if(pictures->begin(), pictures->end(), [](const Picture& p) { return p.radial; });
  const int64_t histograms = static_cast<int64_t>(pictures->size()) - radial;
  if (absl::Status st = CheckDrawingPrograms({}, radial > 0, histograms > 0); !st.ok()) {
    return Fail(st);
  }
  const std::string out = args.out.empty() ? (dir / "pictures").string() : args.out;
  absl::StatusOr<OutputDir> target =
      OutputDir::Open(out, args.overwrite, /*scenario_path=*/"", OutputKind::kPictures);
  if (!target.ok()) return Fail(target.status());
  absl::StatusOr<nlohmann::ordered_json> list = Draw(*pictures, target->staging(), args);
  if (!list.ok()) return Fail(list.status());
  nlohmann::ordered_json m;
  m["plumsim_version"] = kPlumsimVersion;
  m["pictures_of"] = dir.string();
  m["run_digest"] = manifest->digest;
  m["max_nodes"] = args.max_nodes;
  m["pictures"] = *std::move(list);
  if (absl::Status st = target->WriteFile("manifest.json", m.dump(2) + "\n"); !st.ok()) {
    return Fail(st);
  }
  if (absl::Status st = target->Commit(); !st.ok()) return Fail(st);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf(
      "trees: %zu snapshots drawn in %.1fs: %lld radial trees, %lld as histograms "
      "(more than %lld live nodes)\n  pictures  %s/\n",
      pictures->size(), wall, static_cast<long long>(radial), static_cast<long long>(histograms),
      static_cast<long long>(args.max_nodes), target->target().c_str());
  return kExitOk;
}

}  // namespace

Command AddTreesCommand(CLI::App* app) {
  auto args = std::make_shared<TreesArgs>();
  CLI::App* c = AddFlags(app, args.get());
  return Command{c, [args] { return RunTrees(*args); }};
}

}  // namespace plumsim
