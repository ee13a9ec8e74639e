// `plumsim study plot DIR`: for each figure the study declares
// (`[study] plot`), the mean over replications with its 95 % confidence
// band against the first parameter, one line per value of the others;
// drawn by gnuplot into DIR/plots/<figure>.png and .svg (the .gp script and
// .dat data beside them reproduce the picture).
#ifndef PLUMSIM_SIM_STUDY_PLOT_H_
#define PLUMSIM_SIM_STUDY_PLOT_H_

#include <string>

#include "absl/status/statusor.h"
#include "sim/study/collect.h"

namespace plumsim {

struct PlotFiles {
  std::string data;    // gnuplot data blocks, one per line
  std::string script;  // draws <figure>.png and <figure>.svg from <figure>.dat
};

// The data and script of one figure (no files written).
PlotFiles StudyPlot(const StudyResults& results, const std::string& figure);

// Writes every declared figure's files into DIR/plots and runs gnuplot on
// them; returns the pictures written. A figure no run has a value of (no
// run converged, say) is skipped with a note on stderr.
absl::StatusOr<std::vector<std::string>> DrawStudyPlots(const std::string& dir,
                                                        const StudyResults& results);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_PLOT_H_
