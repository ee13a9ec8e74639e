// plumsim validate as a library (docs/validate.md): runs a scenario on a
// real Partisan cluster on this machine (or reads an earlier real run's
// recordings), simulates it over seeds with the latency the real cluster
// measured, and writes the two side by side.
//
//   ValidateOptions o;
//   o.partisan_dir = "/src/partisan";  // a Partisan checkout, compiled
//   o.out_dir = "out/quickstart-real";
//   absl::StatusOr<ValidateResult> r = RunValidation(*scenario, o);
//   if (!r.ok()) return Fail(r.status());  // 2 bad input, 3 the real run failed
//   std::cout << r->table;
//   return r->outside > 0 ? 1 : 0;
#ifndef PLUMSIM_SIM_VALIDATE_VALIDATE_H_
#define PLUMSIM_SIM_VALIDATE_VALIDATE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario/scenario.h"
#include "sim/validate/comparison.h"

namespace plumsim {

struct ValidateOptions {
  std::string partisan_dir;  // a Partisan checkout (compiled, or compiled here with rebar3)
  // Instead of a live cluster: an earlier validate folder whose real/
  // (real-2/, ...) recordings are compared again.
  std::string recorded_dir;
  std::string out_dir;
  bool overwrite = false;
  int seeds = 5;        // simulated seeds: the scenario's seed, seed + 1, ...
  int repeat = 1;       // real runs
  std::string command;  // the command line, for the manifest and report
  std::function<void(const std::string&)> on_progress;
  std::function<bool()> stop;  // Ctrl-C
};

struct ValidateResult {
  std::vector<ComparedFigure> figures;
  int outside = 0;
  std::string table;  // the summary's table
  std::vector<std::string> notes;
  int64_t one_hop_samples = 0;
  double one_hop_median_ms = 0;
};

// The compiled code of a Partisan checkout: DIR/_build/default/lib/*/ebin,
// after `rebar3 compile` in DIR when none is there and rebar3 is installed.
// InvalidArgument says exactly what is missing.
absl::StatusOr<std::vector<std::string>> PartisanCodePaths(
    const std::string& dir, const std::function<void(const std::string&)>& on_progress);

absl::StatusOr<ValidateResult> RunValidation(const Scenario& scenario,
                                             const ValidateOptions& options);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_VALIDATE_H_
