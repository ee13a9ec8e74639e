// The figures plumsim validate compares (docs/validate.md, "The
// figures"), computed from a ClusterRecord by one definition for the real
// cluster and for each simulated seed. They follow docs/metrics.md where
// the real cluster can report the same thing; where it cannot (eager sets
// are read by polling), the simulated record is read the same way.
#ifndef PLUMSIM_SIM_VALIDATE_FIGURES_H_
#define PLUMSIM_SIM_VALIDATE_FIGURES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/validate/cluster_record.h"

namespace plumsim {

struct FigureSettings {
  int64_t settle_us = 5'000'000;  // [metrics] settle: later messages are left out
  int stable_rounds = 3;          // [metrics] stable_rounds
  double rmr_epsilon = 0.01;      // [metrics] rmr_epsilon
  int64_t poll_us = 100'000;      // the grid eager-set changes are counted on, both sides
  int64_t round_us = 10'000'000;  // a heartbeat round (tolerance of convergence times)
};

struct Figure {
  std::string name;             // "heartbeat.rmr_mean", "closes.ping_timeout"
  std::optional<double> value;  // nullopt: undefined (e.g. no settled message)
  double tolerance = 0;         // how far outside the simulated range is still a match
  bool compared = true;         // false: reported, never judged (counts of messages)
};

// Every figure, in a fixed order: per handler that originated messages,
// then connection closes by reason (every reason in `reasons`, plus those
// seen; only closes held by a node running at that instant, since a crashed
// node's own connections die unrecorded with it), then timer periods.
std::vector<Figure> ComputeFigures(const ClusterRecord& record, const FigureSettings& settings,
                                   const std::vector<std::string>& reasons = {});

// The one-hop latencies (microseconds) of a record: every payload a root
// pushed that reached a neighbour, from the root's origination to the
// receipt, from each root's second message on (its first floods every
// link at once, and on one machine the VMs then contend for its cores:
// docs/validate.md, "What cannot be compared"). What the simulation is
// given as its empirical latency.
std::vector<int64_t> OneHopLatenciesUs(const ClusterRecord& record);

// First-delivery latencies (microseconds) of settled messages of `handler`
// (a name), from each root's second message on, as the latency figures.
std::vector<int64_t> FirstDeliveryLatenciesUs(const ClusterRecord& record,
                                              const FigureSettings& settings,
                                              const std::string& handler);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_FIGURES_H_
