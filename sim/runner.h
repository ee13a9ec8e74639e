// Runs a scenario end to end and writes its outputs: what `plumsim run` and
// `plumsim replay` do, as a library so that tests run exactly the same code.
//
// Outputs (with an output folder) are written into a temporary folder next
// to it and renamed into place when complete, so a folder either holds a
// whole run or does not exist. An interrupted run (Ctrl-C) keeps what was
// complete and says so in its manifest.
#ifndef PLUMSIM_SIM_RUNNER_H_
#define PLUMSIM_SIM_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace plumsim {

inline constexpr char kPlumsimVersion[] = "0.1.0";

struct RunOptions {
  std::string out_dir;      // empty: no files
  bool write_trace = false; // trace.jsonl (needs out_dir)
  bool overwrite = false;   // replace an existing out_dir
  std::vector<std::string> overrides;  // as given, for the manifest
  // Called with the simulator once it exists (to install a Ctrl-C handler)
  // and every step of virtual time (progress reports).
  std::function<void(Simulator*)> on_start;
  std::function<void(const Simulator&, SimTime end)> on_progress;
};

struct RunResult {
  std::string digest_hex;
  bool complete = true;  // false if stopped early (Ctrl-C)
  uint64_t events = 0;   // kernel events executed
  uint64_t trace_events = 0;
  SimTime reached;
  std::string summary;   // the human summary (stats and metrics tables)
  int expectations_failed = 0;
};

// Checks that out_dir can be written before anything runs (exit code 2 on
// failure: nothing is created).
absl::Status CheckOutputDir(const RunOptions& options);

absl::StatusOr<RunResult> RunScenario(const Scenario& scenario, const RunOptions& options);

// Reads DIR/manifest.json and DIR/scenario.toml of an earlier run.
struct RecordedRun {
  Scenario scenario;
  std::string digest_hex;
  bool complete = true;
};
absl::StatusOr<RecordedRun> ReadRecordedRun(const std::string& dir);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNNER_H_
