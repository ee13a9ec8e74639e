// validate.html: the real cluster beside the simulation, self-contained
// (docs/validate.md, "Outputs"): the verdict table, the first-delivery
// latency distributions of both sides, and the one-hop latencies the
// simulation was given.
#ifndef PLUMSIM_SIM_VALIDATE_VALIDATE_REPORT_H_
#define PLUMSIM_SIM_VALIDATE_VALIDATE_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim/validate/comparison.h"

namespace plumsim {

struct ValidateReportInputs {
  std::string scenario_name;
  std::string command;   // how it was made
  std::string partisan;  // "Partisan 5.0.3 (DIR), OTP 25"
  int seeds = 0;
  int repeats = 0;
  std::vector<ComparedFigure> figures;
  // First-delivery latencies (us, sorted) of the main handler: per real run,
  // per seed.
  std::string latency_handler;
  std::vector<std::vector<int64_t>> real_latencies_us;
  std::vector<std::vector<int64_t>> sim_latencies_us;
  std::vector<int64_t> one_hop_us;  // the measured one-hop latencies
  std::vector<std::string> notes;   // events applied late, leftovers killed...
};

std::string ValidateHtml(const ValidateReportInputs& in);

// An SVG of empirical distribution functions (one polyline each), x in
// milliseconds. Exposed for tests.
std::string CdfSvg(const std::vector<std::vector<int64_t>>& real_us,
                   const std::vector<std::vector<int64_t>>& sim_us, const std::string& title);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_VALIDATE_REPORT_H_
