// Random valid scenarios for the swarm test: node counts, both memberships,
// every latency model, loss, duplication, reordering, partitions (both
// kinds), link cuts, crashes with and without restarts, joins, leaves,
// churn, application broadcasts, latency/loss changes and the gray failures
// (dead listeners, starved nodes, a racing bootstrap). As in swarm
// testing, each scenario enables a random subset of the fault kinds, so
// rare combinations get explored.
#ifndef PLUMSIM_TESTS_SWARM_SCENARIO_H_
#define PLUMSIM_TESTS_SWARM_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>

#include "sim/kernel/time.h"

namespace plumsim {

struct SwarmScenario {
  std::string toml;
  // Set when Partisan's logic guarantees delivery after this time: full
  // membership, no loss, every fault healed by then, bounded latency.
  // Heartbeats sent after it must reach every live node.
  std::optional<SimTime> deliver_all_after;
};

// The same `seed` gives the same scenario.
SwarmScenario MakeSwarmScenario(uint64_t seed);

}  // namespace plumsim

#endif  // PLUMSIM_TESTS_SWARM_SCENARIO_H_
