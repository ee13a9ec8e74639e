// Puts a real cluster's figures beside the simulation's over seeds and
// judges each (docs/validate.md, "Verdicts"): a real value matches when it
// lies within the simulated range widened by the figure's tolerance.
#ifndef PLUMSIM_SIM_VALIDATE_COMPARISON_H_
#define PLUMSIM_SIM_VALIDATE_COMPARISON_H_

#include <optional>
#include <string>
#include <vector>

#include "sim/validate/figures.h"

namespace plumsim {

struct ComparedFigure {
  std::string name;
  std::vector<std::optional<double>> real;  // one per real run (--repeat)
  std::vector<std::optional<double>> sim;   // one per seed
  double tolerance = 0;
  // "match", "outside", "n/a" (undefined on both sides) or "info" (not judged).
  std::string verdict;
  std::optional<double> RealMin() const;
  std::optional<double> RealMax() const;
  std::optional<double> SimMin() const;
  std::optional<double> SimMax() const;
  std::optional<double> SimMean() const;
};

// Figures of each real run and of each seed, every list in the same order
// and with the same names (ComputeFigures with the same reasons).
std::vector<ComparedFigure> Compare(const std::vector<std::vector<Figure>>& real_runs,
                                    const std::vector<std::vector<Figure>>& sim_runs);

int CountOutside(const std::vector<ComparedFigure>& figures);

// validate.csv: figure,real_min,real_max,sim_min,sim_mean,sim_max,tolerance,verdict
// (undefined values empty).
std::string ComparisonCsv(const std::vector<ComparedFigure>& figures);

// The summary's table, one line per figure.
std::string ComparisonTable(const std::vector<ComparedFigure>& figures);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_COMPARISON_H_
