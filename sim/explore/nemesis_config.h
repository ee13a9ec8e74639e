// The nemesis's settings: the `[explore]` section of a scenario file
// (docs/explore.md; `plumsim run` ignores it):
//
//   [explore]
//   faults = ["crash_restart", "crash", "partition", "partition_one_way",
//             "link_down", "loss_spike", "latency_spike", "join", "leave"]
//   faults_per_run = { min = 1, max = 6 }
//   max_share = 0.3            # of the nodes one fault touches (at least 1)
//   start = "10s"              # no fault before
//   quiet = "60s"              # no fault in the last `quiet` of the run
//   max_fault_duration = "30s" # crash to restart, partition to heal, ...
//   max_loss = 0.3             # a loss spike's loss, at most
//   spike_latency = "200ms"    # a latency spike's fixed latency
//   swarm = true               # each run enables a random subset of `faults`
//
// The keys of one fault kind (max_loss, spike_latency) are its entry's, in
// sim/explore/fault_kinds.cc.
#ifndef PLUMSIM_SIM_EXPLORE_NEMESIS_CONFIG_H_
#define PLUMSIM_SIM_EXPLORE_NEMESIS_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/explore/fault_kinds.h"
#include "sim/kernel/time.h"

namespace plumsim {

struct NemesisConfig {
  std::vector<FaultKind> kinds;  // enabled (ReadNemesisConfig's default: all)
  int min_faults = 1;
  int max_faults = 6;
  double max_share = 0.3;
  SimDuration start = SimDuration::Seconds(10);
  SimDuration quiet = SimDuration::Seconds(60);
  SimDuration max_fault_duration = SimDuration::Seconds(30);
  FaultKindSettings kind_settings;
  bool swarm = true;
  std::string location;  // where [explore] was ("" if absent)
};

// Reads `[explore]` of a scenario file's text (defaults if absent);
// InvalidArgument with file:line:col for bad keys or values.
absl::StatusOr<NemesisConfig> ReadNemesisConfig(absl::string_view text,
                                                const std::string& source_name);

// For `plumsim check`: OK when a scenario file's `[explore]` section is
// absent or valid, else the errors `plumsim explore` gives for it, each
// with its file:line:col. (Explore also refuses a `quiet` as long as the
// run, a check of the run's duration that stays with the command.)
absl::Status CheckExploreSection(absl::string_view text, const std::string& source_name);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_NEMESIS_CONFIG_H_
