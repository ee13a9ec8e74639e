// Heartbeat-driven tree construction until convergence, at scale.
//
//   bazel run -c opt //bench:convergence_benchmark
//   bazel run -c opt //bench:convergence_benchmark -- --benchmark_filter=HyParView/10000
//
// Every node broadcasts a heartbeat every 10 s; each root's heartbeats build
// and repair its eager-push tree. Round r is every root's r-th heartbeat. A
// round has converged when every root's message of that round reached every
// node of the root's overlay component (HyParView can leave a few nodes in
// islands no broadcast reaches; full membership: every live node) with RMR
// 0: it travelled exactly a spanning tree of what it could reach, no
// duplicate payload on the way (docs/performance.md). The run goes round by
// round and stops at the first converged round or after a fixed number of
// rounds.
//
// Nodes start 1 ms apart (HyParView: each joins through a node started
// before it), so heartbeats of one round are spread over N ms; latency is
// uniform 3-5 ms, which keeps the triangle inequality (docs/metrics.md:
// without it graft races keep RMR above 0 in every round).
//
// Counters: virtual_s_to_converge (from the start of the run; -1 when no
// simulated round converged), rounds, roots_at_rmr0 (fraction of roots whose
// message of the last simulated round had RMR 0 and reached its component),
// events_per_s, messages_per_s (protocol messages delivered per wall
// second), wall_s, peak_rss_MB (this benchmark's own peak), and
// state_bytes_per_node (broadcast server sets, outstanding table and
// heartbeat table of a node, on average).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/scale_run.h"
#include "benchmark/benchmark.h"
#include "sim/node_host.h"

namespace plumsim {
namespace {

constexpr int64_t kStartIntervalMs = 1;
constexpr int64_t kHeartbeatS = 10;
// After a round's last heartbeat: time for its trees to finish, including
// the lazy tick (1 s) that sends i_have messages and the grafts they cause.
constexpr int64_t kRoundSettleS = 2;

std::string ConvergenceScenario(bool hyparview, int64_t nodes, int64_t rounds) {
  const int64_t join_ms = nodes * kStartIntervalMs;
  const int64_t duration_ms = join_ms + rounds * kHeartbeatS * 1000 + kRoundSettleS * 1000;
  return absl::StrCat(
      "name = \"", hyparview ? "hyparview" : "full", "_", nodes, "\"\n",
      "seed = 7\n",
      "duration = \"", duration_ms, "ms\"\n",
      "[nodes]\ncount = ", nodes, "\nstart_interval = \"", kStartIntervalMs, "ms\"\n",
      "[membership]\nkind = \"", hyparview ? "hyparview" : "full", "\"\n",
      "[heartbeat]\nbroadcast_heartbeat_interval = \"", kHeartbeatS, "s\"\n",
      "[network]\nlatency = { kind = \"uniform\", min = \"3ms\", max = \"5ms\" }\n");
}

struct RoundResult {
  int64_t messages = 0;       // this round's heartbeats seen so far
  int64_t at_rmr0 = 0;        // of them, RMR 0 and reaching their component
  SimTime last_delivery;      // latest first delivery among them
};

// Size of each running node's component of the overlay (the graph of the
// broadcast servers' members: the active views under HyParView).
std::vector<int64_t> OverlayComponentSizes(const Simulation& sim) {
  const size_t n = sim.node_count();
  std::vector<uint32_t> parent(n);
  for (uint32_t i = 0; i < n; ++i) parent[i] = i;
  auto find = [&parent](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (uint32_t i = 0; i < n; ++i) {
    const BroadcastServer* server = sim.node(i).server();
    if (server == nullptr) continue;
    for (NodeId peer : server->BroadcastMembers()) {
      if (peer < n && sim.node(peer).server() != nullptr) parent[find(i)] = find(peer);
    }
  }
  std::vector<int64_t> size(n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    if (sim.node(i).server() != nullptr) ++size[find(i)];
  }
  std::vector<int64_t> component(n, 0);
  for (uint32_t i = 0; i < n; ++i) component[i] = size[find(i)];
  return component;
}

RoundResult Round(const Simulation& sim, const MetricsCollector& metrics, int64_t round) {
  const std::vector<int64_t> component = OverlayComponentSizes(sim);
  RoundResult r;
  for (const MessageMetrics& m : metrics.messages()) {
    if (m.handler != kHeartbeatHandler || m.id.sequence != round) continue;
    ++r.messages;
    const std::optional<double> rmr = m.rmr();
    const bool reached_all = m.delivered + m.delivered_outside >= component[m.root];
    if (reached_all && rmr.has_value() && *rmr == 0.0) ++r.at_rmr0;
    const SimTime done = m.sent_at + SimDuration::Nanoseconds(m.LatencyQuantile(1.0));
    r.last_delivery = std::max(r.last_delivery, done);
  }
  return r;
}

void RunConvergence(benchmark::State& state, bool hyparview, int64_t max_rounds) {
  const int64_t nodes = state.range(0);
  for (auto _ : state) {
    ResetPeakRss();
    ScaleRun run(ConvergenceScenario(hyparview, nodes, max_rounds));
    const int64_t join_ms = nodes * kStartIntervalMs;
    double wall = 0;
    double converged_s = -1;
    int64_t rounds = 0;
    RoundResult last;
    for (int64_t r = 1; r <= max_rounds; ++r) {
      const SimTime round_end = SimTime::FromNanoseconds(
          (join_ms + r * kHeartbeatS * 1000 + kRoundSettleS * 1000) * 1000000);
      wall += run.RunUntil(round_end);
      rounds = r;
      last = Round(run.simulation(), run.metrics(), r);
      if (last.messages == nodes && last.at_rmr0 == nodes) {
        converged_s = static_cast<double>(last.last_delivery.ns()) / 1e9;
        break;
      }
    }
    run.ReportCounters(state, wall, run.simulation().simulator().events_executed(),
                       run.DeliveredMessages());
    state.counters["virtual_s_to_converge"] = converged_s;
    state.counters["rounds"] = static_cast<double>(rounds);
    state.counters["roots_at_rmr0"] =
        last.messages > 0 ? static_cast<double>(last.at_rmr0) / static_cast<double>(nodes) : 0;
    state.SetIterationTime(wall);
  }
}

void BM_HyParView(benchmark::State& state) {
  // 10,000 nodes: the first two heartbeat rounds (the target); smaller runs
  // go on until they converge or 10 rounds.
  RunConvergence(state, /*hyparview=*/true, state.range(0) >= 10000 ? 2 : 10);
}
BENCHMARK(BM_HyParView)
    ->Arg(100)->Arg(1000)->Arg(10000)
    ->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

void BM_FullMembership(benchmark::State& state) {
  RunConvergence(state, /*hyparview=*/false, 10);
}
BENCHMARK(BM_FullMembership)
    ->Arg(32)->Arg(64)->Arg(128)
    ->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) { return plumsim::ScaleBenchmarkMain(argc, argv); }
