// The one drawing pipeline (report.html and `plumsim trees`): gnuplot
// scripts, and radial trees that Graphviz's twopi lays out, that get their
// depth rings (sim/report/tree_picture.h, AddDepthRings) and that neato -n2
// then draws where twopi put every node. Programs run as child processes,
// `jobs` at a time; they are looked up on PATH (tools/setup installs
// graphviz and gnuplot-nox).
//
//   Drawings d = Drawings::Temporary({.jobs = 2});
//   d.Plot("rmr", "set terminal svg\nset output 'rmr.svg'\nplot x\n");
//   d.RadialTree("n0", RadialDot(snapshot, tree),
//                [&](const std::string& laid) { return AddDepthRings(laid, snapshot, tree); });
//   d.Run();
//   std::string svg = d.Svg("n0");  // "" when it failed: d.Error("n0") says why
#ifndef PLUMSIM_SIM_REPORT_DRAWINGS_H_
#define PLUMSIM_SIM_REPORT_DRAWINGS_H_

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/child_processes.h"

namespace plumsim {

struct DrawingPrograms {
  std::string gnuplot = "gnuplot";
  std::string twopi = "twopi";
  std::string neato = "neato";
};

// FailedPrecondition naming what is missing (and the Debian package) when
// a program the drawings need cannot be run: twopi and neato for
// `graphs`, gnuplot for `plots`.
absl::Status CheckDrawingPrograms(const DrawingPrograms& programs, bool graphs, bool plots);

class Drawings {
 public:
  struct Options {
    DrawingPrograms programs;
    int jobs = 2;      // programs at once
    bool png = false;  // radial trees as NAME.png too (plots name their own outputs)
  };

  // Draws into `dir`, an existing folder of the caller's: NAME.svg (and
  // NAME.png), beside the sources NAME.gp or NAME.dot (the laid-out tree
  // with its rings: `neato -n2` redraws it); its layouts and logs are gone
  // when Run returns.
  Drawings(std::filesystem::path dir, Options options);
  // Draws into a private temporary folder, removed with everything
  // Drawings wrote there when it goes.
  static Drawings Temporary(Options options);

  Drawings(Drawings&& other) noexcept;
  Drawings& operator=(Drawings&&) = delete;
  ~Drawings();

  // A gnuplot script, run in the folder: it names its own outputs
  // (`set output 'NAME.svg'`). Kept as NAME.gp.
  void Plot(const std::string& name, const std::string& script);
  // A radial tree: `dot` for twopi; `rings` turns the laid-out text into
  // what neato -n2 draws.
  void RadialTree(const std::string& name, const std::string& dot,
                  std::function<std::string(const std::string&)> rings);

  // The folder drawn into (for a temporary one, gone with Drawings).
  const std::filesystem::path& dir() const { return dir_; }

  // How many programs Run starts (when nothing fails).
  size_t steps() const { return queued_.size() + rings_.size(); }
  // Runs everything queued: twopi and gnuplot, then neato. `on_step` is
  // called as each program ends; with `stop_at_first_failure` nothing new
  // starts after a failure.
  void Run(const std::function<void()>& on_step = nullptr, bool stop_at_first_failure = false);

  // NAME's SVG text from its <svg element on; "" if it was not drawn.
  std::string Svg(const std::string& name) const;
  // Why NAME was not drawn ("twopi failed on n0: ..."); "" if it was.
  std::string Error(const std::string& name) const;
  // The first failure of Run, in queue order; "" if none.
  std::string FirstError() const;

 private:
  struct Step {
    std::string name;
    ChildCommand command;
  };
  Drawings(std::filesystem::path dir, Options options, bool temporary);
  std::filesystem::path PathOf(const std::string& name, const char* suffix) const;
  void Write(const std::filesystem::path& path, const std::string& text);
  void RunSteps(const std::vector<Step>& steps, const std::function<void()>& on_step, bool stop);
  std::vector<Step> DrawLaidOutTrees();

  std::filesystem::path dir_;
  Options options_;
  bool temporary_ = false;
  std::vector<std::filesystem::path> written_;  // removed at the end (all, if temporary_)
  std::vector<Step> queued_;
  std::vector<std::string> order_;  // names in queue order
  std::map<std::string, std::function<std::string(const std::string&)>> rings_;
  std::map<std::string, std::string> errors_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_REPORT_DRAWINGS_H_
