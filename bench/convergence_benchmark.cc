// Heartbeat-driven tree construction until convergence, at scale.
//
//   bazel run -c opt //bench:convergence_benchmark
//   bazel run -c opt //bench:convergence_benchmark -- --benchmark_filter=HyParView/1000
//
// Every node broadcasts a heartbeat every 10 s; each root's heartbeats build
// and repair its eager-push tree. Round r is every root's r-th heartbeat.
// The run goes round by round and, after each, measures the convergence
// figures of docs/metrics.md over the roots: tree-stable (the root's eager
// graph stopped changing, witnessed by `stable_rounds` later heartbeats),
// RMR-settled (its heartbeats stay at RMR <= 0.01) and strict (RMR 0 with
// reliability 1 for ever). It stops when every root is tree-stable and
// RMR-settled, or after a fixed number of rounds.
//
// Nodes start 1 ms apart (HyParView: each joins through a node started
// before it), so heartbeats of one round are spread over N ms; latency is
// uniform 3-5 ms.
//
// Counters: stable_rounds; tree_stable_share, rmr_settled_share,
// strict_share (fractions of roots); for each of them reached by some root,
// *_p50_s, *_p90_s, *_max_s (virtual seconds from the start of the run,
// over the roots that reached it); rounds; not_stable_grafted (fraction of
// the unstable roots' messages that needed a graft); events_per_s,
// messages_per_s (protocol messages delivered per wall second), wall_s,
// peak_rss_MB (this benchmark's own peak), and state_bytes_per_node.
//
// 10,000 nodes run the first two rounds only (about 25 minutes and 10 GB
// here): there stable_rounds is 1, so a root is tree-stable when its second
// heartbeat changed nothing.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/scale_run.h"
#include "benchmark/benchmark.h"
#include "sim/world/node_host.h"

namespace plumsim {
namespace {

constexpr int64_t kStartIntervalMs = 1;
constexpr int64_t kHeartbeatS = 10;
// After a round's last heartbeat: time for its trees to finish, including
// the lazy tick (1 s) that sends i_have messages and the grafts they cause.
constexpr int64_t kRoundSettleS = 2;

std::string ConvergenceScenario(bool hyparview, int64_t nodes, int64_t rounds,
                                int64_t stable_rounds) {
  const int64_t join_ms = nodes * kStartIntervalMs;
  const int64_t duration_ms = join_ms + rounds * kHeartbeatS * 1000 + kRoundSettleS * 1000;
  return absl::StrCat(
      "name = \"", hyparview ? "hyparview" : "full", "_", nodes, "\"\n", "seed = 7\n",
      "duration = \"", duration_ms, "ms\"\n", "[nodes]\ncount = ", nodes, "\nstart_interval = \"",
      kStartIntervalMs, "ms\"\n", "[membership]\nkind = \"", hyparview ? "hyparview" : "full",
      "\"\n", "[heartbeat]\nbroadcast_heartbeat_interval = \"", kHeartbeatS, "s\"\n",
      "[network]\nlatency = { kind = \"uniform\", min = \"3ms\", max = \"5ms\" }\n",
      // A round's heartbeats are settled at the round's end.
      "[metrics]\nsettle = \"", kRoundSettleS, "s\"\nstable_rounds = ", stable_rounds, "\n");
}

void SetQuantileCounters(benchmark::State& state, const std::string& name,
                         const ConvergenceQuantiles& q) {
  state.counters[name + "_share"] = q.share();
  if (q.reached == 0) return;
  state.counters[name + "_p50_s"] = static_cast<double>(q.p50.ns()) / 1e9;
  state.counters[name + "_p90_s"] = static_cast<double>(q.p90.ns()) / 1e9;
  state.counters[name + "_max_s"] = static_cast<double>(q.max.ns()) / 1e9;
}

void RunConvergence(benchmark::State& state, bool hyparview, int64_t max_rounds,
                    int64_t stable_rounds) {
  const int64_t nodes = state.range(0);
  for (auto _ : state) {
    ResetPeakRss();
    ScaleRun run(ConvergenceScenario(hyparview, nodes, max_rounds, stable_rounds));
    const int64_t join_ms = nodes * kStartIntervalMs;
    double wall = 0;
    int64_t rounds = 0;
    ConvergenceReport report;
    for (int64_t r = 1; r <= max_rounds; ++r) {
      const SimTime round_end = SimTime::FromNanoseconds(
          (join_ms + r * kHeartbeatS * 1000 + kRoundSettleS * 1000) * 1000000);
      wall += run.RunUntil(round_end);
      rounds = r;
      // Marks the messages sent up to the round's end as settled.
      run.mutable_metrics().Finish(round_end, run.simulation().scenario().settle);
      report = run.metrics().ConvergenceOf(kHeartbeatHandler);
      if (report.tree_stable.reached == nodes && report.rmr_settled.reached == nodes) break;
    }
    run.ReportCounters(state, wall, run.simulation().event_loop().events_executed(),
                       run.DeliveredMessages());
    state.counters["stable_rounds"] = static_cast<double>(stable_rounds);
    SetQuantileCounters(state, "tree_stable", report.tree_stable);
    SetQuantileCounters(state, "rmr_settled", report.rmr_settled);
    SetQuantileCounters(state, "strict", report.strict);
    state.counters["rounds"] = static_cast<double>(rounds);
    const ConvergenceObstacles& o = report.obstacles;
    state.counters["not_stable_grafted"] =
        o.messages > 0 ? static_cast<double>(o.messages_with_grafts) / o.messages : 0;
    state.SetIterationTime(wall);
  }
}

void BM_HyParView(benchmark::State& state) {
  // 10,000 nodes: the first two heartbeat rounds (the target); smaller runs
  // go on until they converge or 10 rounds.
  const bool huge = state.range(0) >= 10000;
  RunConvergence(state, /*hyparview=*/true, huge ? 2 : 10, huge ? 1 : 3);
}
BENCHMARK(BM_HyParView)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

void BM_FullMembership(benchmark::State& state) {
  RunConvergence(state, /*hyparview=*/false, 10, 3);
}
BENCHMARK(BM_FullMembership)
    ->Arg(32)
    ->Arg(64)
    ->Arg(128)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) { return plumsim::ScaleBenchmarkMain(argc, argv); }
