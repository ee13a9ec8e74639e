#include "sim/study/plot.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/child_processes.h"
#include "sim/output/replace_file.h"

namespace plumsim {
namespace {

size_t FigureIndex(const std::string& name) {
  const std::vector<FigureInfo>& figures = StudyFigures();
  for (size_t i = 0; i < figures.size(); ++i) {
    if (name == figures[i].name) return i;
  }
  return figures.size();
}

// Text inside a gnuplot double-quoted string.
std::string Quoted(const std::string& text) {
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
}

std::string Number(const std::optional<double>& v) { return v ? CsvNumber(v) : "?"; }

}  // namespace

PlotFiles StudyPlot(const StudyResults& results, const std::string& figure) {
  const StudyRecord& r = results.record;
  const size_t f = FigureIndex(figure);
  const FigureInfo& info = StudyFigures()[f];
  const StudyRecord::Parameter& x = r.parameters.front();
  // Series: the points grouped by the values of the other parameters.
  std::map<std::vector<int>, std::vector<size_t>> series;
  for (size_t p = 0; p < r.points.size(); ++p) {
    std::vector<int> others(r.points[p].value_index.begin() + 1, r.points[p].value_index.end());
    series[others].push_back(p);
  }
  PlotFiles out;
  std::vector<std::string> titles;
  for (const auto& [others, points] : series) {
    std::vector<std::string> parts;
    for (size_t k = 1; k < r.parameters.size(); ++k) {
      parts.push_back(absl::StrCat(r.parameters[k].path, " = ",
                                   r.parameters[k].labels[static_cast<size_t>(others[k - 1])]));
    }
    titles.push_back(parts.empty() ? "mean" : absl::StrJoin(parts, ", "));
    absl::StrAppend(&out.data, "# ", titles.back(), "\n# x mean ci_low ci_high label n\n");
    for (size_t p : points) {
      const int xi = r.points[p].value_index[0];
      const FigureStats& s = results.points[p][f];
      std::optional<double> low = s.mean, high = s.mean;
      if (s.mean && s.ci95) {
        low = *s.mean - *s.ci95;
        high = *s.mean + *s.ci95;
      }
      const std::string xpos = x.numeric ? x.labels[static_cast<size_t>(xi)] : absl::StrCat(xi);
      absl::StrAppend(&out.data, xpos, " ", Number(s.mean), " ", Number(low), " ", Number(high),
                      " ", Quoted(x.labels[static_cast<size_t>(xi)]), " ", s.n, "\n");
    }
    absl::StrAppend(&out.data, "\n\n");
  }
  std::string& g = out.script;
  absl::StrAppend(&g, "# plumsim study plot: ", figure, " of study ", r.name, " (data in ", figure,
                  ".dat)\n");
  absl::StrAppend(&g, "set datafile missing \"?\"\n");
  absl::StrAppend(&g, "set title ", Quoted(absl::StrCat(r.name, ": ", info.label)),
                  " noenhanced\n");
  absl::StrAppend(&g, "set xlabel ", Quoted(x.path), " noenhanced\n");
  absl::StrAppend(&g, "set ylabel ", Quoted(info.label), " noenhanced\n");
  absl::StrAppend(&g, "set key below noenhanced title ",
                  Quoted(absl::StrCat("mean, 95% CI over ", r.replications, " seeds")), "\n");
  absl::StrAppend(&g, "set grid\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n");
  if (!x.numeric) absl::StrAppend(&g, "set xtics rotate by -30\n");
  std::vector<std::string> plots;
  const std::string xtic = x.numeric ? "" : ":xtic(5)";
  for (size_t i = 0; i < titles.size(); ++i) {
    plots.push_back(absl::StrCat("'", figure, ".dat' index ", i,
                                 " using 1:3:4 with filledcurves fs transparent solid 0.18 "
                                 "noborder lc ",
                                 i + 1, " notitle"));
    plots.push_back(absl::StrCat("'", figure, ".dat' index ", i, " using 1:2", xtic,
                                 " with linespoints lw 2 pt 7 lc ", i + 1, " title ",
                                 Quoted(titles[i])));
  }
  const std::string plot = absl::StrCat("plot ", absl::StrJoin(plots, ", \\\n     "), "\n");
  absl::StrAppend(&g, "set terminal pngcairo size 1000,600 font \"sans,11\"\n");
  absl::StrAppend(&g, "set output '", figure, ".png'\n", plot);
  absl::StrAppend(&g, "set terminal svg size 1000,600 dynamic font \"sans,11\"\n");
  absl::StrAppend(&g, "set output '", figure, ".svg'\nreplot\nset output\n");
  return out;
}

absl::StatusOr<std::vector<std::string>> DrawStudyPlots(const std::string& dir,
                                                        const StudyResults& results) {
  if (results.record.parameters.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, ": the study sweeps no parameter; there is nothing to plot against"));
  }
  const std::filesystem::path plots =
      std::filesystem::absolute(std::filesystem::path(dir) / "plots");
  std::vector<std::string> written;
  for (const std::string& figure : results.record.plot) {
    const size_t f = FigureIndex(figure);
    bool any = false;
    for (const std::vector<FigureStats>& point : results.points) any = any || point[f].mean;
    if (!any) {
      std::fprintf(stderr, "plumsim: %s: no run has a value (e.g. none converged); not drawn\n",
                   figure.c_str());
      continue;
    }
    // A picture is replaced only beside its plumsim script: one with no
    // script is somebody else's.
    const bool own_script = std::filesystem::exists(plots / absl::StrCat(figure, ".gp"));
    for (const char* ext : {".png", ".svg"}) {
      const std::filesystem::path picture = plots / absl::StrCat(figure, ext);
      if ((std::filesystem::exists(picture) || std::filesystem::is_symlink(picture)) &&
          (!own_script || std::filesystem::is_symlink(picture))) {
        return absl::InvalidArgumentError(absl::StrCat(
            picture.string(), ": not replaced: it does not look like a picture plumsim drew"));
      }
    }
    PlotFiles files = StudyPlot(results, figure);
    // plumsim's own files in its study folder: each starts with a line it wrote.
    if (absl::Status st =
            ReplaceOwnFile(dir, absl::StrCat("plots/", figure, ".dat"), files.data, "# ");
        !st.ok()) {
      return st;
    }
    if (absl::Status st = ReplaceOwnFile(dir, absl::StrCat("plots/", figure, ".gp"), files.script,
                                         "# plumsim study plot");
        !st.ok()) {
      return st;
    }
    ChildCommand gnuplot{{"gnuplot", "-e", absl::StrCat("cd '", plots.string(), "'"),
                          (plots / absl::StrCat(figure, ".gp")).string()},
                         (plots / "gnuplot.log").string()};
    ChildOutcome outcome;
    RunChildren(
        {gnuplot}, 1, [&](size_t, const ChildOutcome& o) { outcome = o; }, [] {},
        [] { return false; });
    if (!outcome.error.empty() || outcome.exit_code != 0) {
      return absl::UnavailableError(
          absl::StrCat("gnuplot failed on ", (plots / absl::StrCat(figure, ".gp")).string(),
                       outcome.error.empty() ? "" : absl::StrCat(": ", outcome.error), " (see ",
                       (plots / "gnuplot.log").string(), "; tools/setup installs gnuplot-nox)"));
    }
    written.push_back((plots / absl::StrCat(figure, ".png")).string());
    written.push_back((plots / absl::StrCat(figure, ".svg")).string());
  }
  return written;
}

}  // namespace plumsim
