// The explorer's nemesis: random fault schedules added to a base scenario
// (docs/explore.md). Each fault is one unit for shrinking: a crash and its
// restart, a partition and its heal, a loss spike and its end.
//
// The mix comes from the scenario file's `[explore]` section:
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
#ifndef PLUMSIM_SIM_EXPLORE_NEMESIS_H_
#define PLUMSIM_SIM_EXPLORE_NEMESIS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/kernel/time.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

enum class FaultKind {
  kCrashRestart,
  kCrash,
  kPartition,
  kPartitionOneWay,
  kLinkDown,
  kLossSpike,
  kLatencySpike,
  kJoin,
  kLeave,
};
inline constexpr int kFaultKinds = 9;
const char* FaultKindName(FaultKind kind);

struct NemesisConfig {
  std::vector<FaultKind> kinds;  // enabled (default: all)
  int min_faults = 1;
  int max_faults = 6;
  double max_share = 0.3;
  SimDuration start = SimDuration::Seconds(10);
  SimDuration quiet = SimDuration::Seconds(60);
  SimDuration max_fault_duration = SimDuration::Seconds(30);
  double max_loss = 0.3;
  SimDuration spike_latency = SimDuration::Milliseconds(200);
  bool swarm = true;
  std::string location;  // where [explore] was ("" if absent)
};

// Reads `[explore]` of a scenario file's text (defaults if absent);
// InvalidArgument with file:line:col for bad keys or values.
absl::StatusOr<NemesisConfig> ReadNemesisConfig(absl::string_view text,
                                                const std::string& source_name);

struct Fault {
  FaultKind kind = FaultKind::kCrash;
  SimTime at;
  SimDuration length;         // to the restart / heal / end (0: permanent)
  std::vector<NodeId> nodes;  // crashed, partitioned away, joined, leaving; link_down: {from, to}
  double loss = 0;            // loss_spike
  SimDuration spike_latency;  // latency_spike: the fixed latency meanwhile
  std::string Describe() const;  // "crash_restart n3,n7 at 31s for 12s"
};

struct FaultSchedule {
  std::vector<FaultKind> enabled;  // this run's subset
  std::vector<Fault> faults;       // in time order
};

// The schedule of one run: deterministic in (config, base, seed). Faults
// fit in [start, duration - quiet]; partitions (either kind) do not
// overlap each other, nor loss spikes, nor latency spikes, since a heal ends
// every partition and a spike's end restores the base value; crash, leave
// and partition victims are running nodes no other fault holds.
FaultSchedule MakeFaultSchedule(const NemesisConfig& config, const Scenario& base, uint64_t seed);

// `base` with the faults' timeline events added (and joined nodes counted).
Scenario WithFaults(const Scenario& base, const std::vector<Fault>& faults);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_NEMESIS_H_
