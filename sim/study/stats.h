// Summary statistics of one figure over a point's replications: mean,
// sample standard deviation, the half-width of the 95 % confidence interval
// of the mean (Student's t with n - 1 degrees of freedom), min and max.
#ifndef PLUMSIM_SIM_STUDY_STATS_H_
#define PLUMSIM_SIM_STUDY_STATS_H_

#include <optional>
#include <vector>

namespace plumsim {

struct FigureStats {
  int n = 0;                                       // replications with a value
  std::optional<double> mean, sd, ci95, min, max;  // sd and ci95 need n >= 2
};

FigureStats Summarise(const std::vector<double>& values);

// The 0.975 quantile of Student's t with `df` >= 1 degrees of freedom
// (exact table to 30, then the Cornish-Fisher expansion; error < 1e-4).
double StudentT975(int df);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_STATS_H_
