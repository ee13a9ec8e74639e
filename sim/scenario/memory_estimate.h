// What a scenario will need in memory, estimated before the run from
// measured per-node costs (docs/performance.md, bench/results/scaling.csv),
// so that a run too large for the machine is refused with the estimate
// instead of dying half-way. The model, per membership kind:
//   - HyParView: 16 KB per node (100,000-node broadcast: 1.41 GB); with
//     heartbeats every node keeps a table entry and outstanding state per
//     origin, about 120 bytes per node pair (10,000 nodes: 10-11.5 GB).
//   - Full membership: every node's broadcast server holds all members; with
//     heartbeats its per-root eager/lazy state is about 16 KB per node pair
//     (128 nodes: 260 MB), without them 64 bytes per pair.
//   - The tcp transport's connections: about 6 KB per node with HyParView
//     (hyparview_1000: 111 -> 117 MB), 450 bytes per ordered pair with full
//     membership (large_full, 128 nodes: 237 -> 244 MB).
//   - Per-link overrides ([[network.links]]): 64 bytes per ordered pair.
//   - Application broadcasts: 5 bytes per node per message (metrics).
// It is an estimate: within a factor of about two of the measured peaks.
#ifndef PLUMSIM_SIM_SCENARIO_MEMORY_ESTIMATE_H_
#define PLUMSIM_SIM_SCENARIO_MEMORY_ESTIMATE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

// Bytes; saturates at INT64_MAX.
int64_t EstimateMemoryBytes(const Scenario& scenario);

// MemAvailable from /proc/meminfo; nullopt where it cannot be read.
std::optional<int64_t> AvailableMemoryBytes();

// "16G", "512M", "2T", "1048576" (bytes), or "unlimited" (nullopt).
absl::StatusOr<std::optional<int64_t>> ParseMemorySize(const std::string& text);

// "1.4 GB"
std::string FormatBytes(int64_t bytes);

// Refuses (ResourceExhausted, exit 3) a scenario whose estimate exceeds
// `max_memory` (--max-memory; "" means the available memory).
absl::Status CheckMemory(const Scenario& scenario, const std::string& max_memory);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_SCENARIO_MEMORY_ESTIMATE_H_
