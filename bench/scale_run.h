// Shared by the scale benchmarks: builds a scenario from TOML text, runs it
// under the observers a user's run has (metrics and message counts; the
// trace digest is left out, as it is a CLI feature, not the simulator's
// work), and measures wall time, peak RSS and protocol state.
#ifndef PLUMSIM_BENCH_SCALE_RUN_H_
#define PLUMSIM_BENCH_SCALE_RUN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "sim/metrics/metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run_counters.h"
#include "sim/world/simulation.h"

namespace plumsim {

// Peak resident set of this process (VmHWM), in bytes.
int64_t PeakRssBytes();
// Starts a new peak (writes 5 to /proc/self/clear_refs), so each benchmark
// reports its own.
void ResetPeakRss();

// main() of the scale benchmarks: huge pages (base/huge_pages.h), then
// Google Benchmark's usual main.
int ScaleBenchmarkMain(int argc, char** argv);

class ScaleRun {
 public:
  // Aborts on an invalid scenario: the benchmarks' scenarios are fixed.
  explicit ScaleRun(const std::string& toml);

  Simulation& simulation() { return *simulation_; }
  const MetricsCollector& metrics() const { return *metrics_; }
  MetricsCollector& mutable_metrics() { return *metrics_; }
  const RunCounters& stats() const { return stats_; }

  // Runs to `until`, printing virtual time to stderr every `report_every`
  // of it (large runs take minutes). Returns the wall seconds it took.
  double RunUntil(SimTime until, SimDuration report_every = SimDuration::Seconds(5));

  // Protocol messages delivered so far (every type, Plumtree and HyParView).
  uint64_t DeliveredMessages() const;
  // Bytes of protocol state per running node, on average, by part.
  struct StateBytes {
    double server = 0;           // the broadcast server's own record and common sets
    double root_index = 0;       // root -> (eager, lazy) pair: what each root costs
    double pairs = 0;            // the distinct pairs, their sets and index
    double moves = 0;            // RootPeers' remembered moves
    double outstanding = 0;      // the outstanding i_have table
    double heartbeat_table = 0;  // the heartbeat backend's table
    double total() const {
      return server + root_index + pairs + moves + outstanding + heartbeat_table;
    }
  };
  StateBytes StateBytesPerNode() const;

  // Sets the usual counters: events/s, messages/s, wall and virtual seconds,
  // peak RSS, state per node. `wall_seconds` is the time measured.
  void ReportCounters(benchmark::State& state, double wall_seconds, uint64_t events,
                      uint64_t messages) const;

 private:
  Scenario scenario_;
  ObserverList observers_;
  RunCounters stats_;
  std::unique_ptr<Simulation> simulation_;
  std::unique_ptr<MetricsCollector> metrics_;
};

}  // namespace plumsim

#endif  // PLUMSIM_BENCH_SCALE_RUN_H_
