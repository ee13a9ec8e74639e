#include "sim/study/stats.h"

#include <algorithm>
#include <cmath>

namespace plumsim {

double StudentT975(int df) {
  // t_{0.975, df} for df = 1..30 (standard tables, 3 decimals).
  static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                      2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                      2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                      2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) df = 1;
  if (df <= 30) return kTable[df - 1];
  const double z = 1.959963984540054;
  const double n = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

FigureStats Summarise(const std::vector<double>& values) {
  FigureStats s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  for (double v : values) sum += v;
  const double mean = sum / s.n;
  s.mean = mean;
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  if (s.n >= 2) {
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    s.sd = std::sqrt(squares / (s.n - 1));
    s.ci95 = StudentT975(s.n - 1) * *s.sd / std::sqrt(static_cast<double>(s.n));
  }
  return s;
}

}  // namespace plumsim
