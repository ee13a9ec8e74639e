// report.html of a run (plumsim run --out; docs/report.md): one
// self-contained page with the summary figures, the expectations, figures
// over time with the fault windows shaded, control traffic, convergence per
// root, the runtime model's mailboxes and connections, and pictures of the
// snapshot roots' trees. Plots are gnuplot's SVG, trees Graphviz's, inlined:
// the page needs no network and no other file.
//
//   RunOptions options;
//   options.out_dir = "out/run1";
//   options.make_report = [](const ReportInputs& in) { return MakeRunReport(in); };
//   RunScenario(scenario, options);  // writes out/run1/report.html
#ifndef PLUMSIM_SIM_REPORT_HTML_REPORT_H_
#define PLUMSIM_SIM_REPORT_HTML_REPORT_H_

#include <cstdint>
#include <string>

#include "sim/report/drawings.h"
#include "sim/run/runner.h"

namespace plumsim {

struct ReportSettings {
  DrawingPrograms programs;       // gnuplot, twopi, neato (on PATH)
  int max_tree_pictures = 6;      // snapshot roots drawn at the end
  int64_t max_tree_nodes = 2000;  // beyond: depth and fan-out histograms
  int max_points = 600;           // time bins per plot; windows are merged beyond
  int jobs = 2;                   // gnuplot / twopi processes at once
};

std::string MakeRunReport(const ReportInputs& in, const ReportSettings& settings = {});

}  // namespace plumsim

#endif  // PLUMSIM_SIM_REPORT_HTML_REPORT_H_
