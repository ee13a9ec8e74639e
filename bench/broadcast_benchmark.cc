// The Plumtree paper's kind of experiment: one root broadcasting application
// messages over HyParView, at 10,000, 100,000 and 1,000,000 nodes.
//
//   bazel run -c opt //bench:broadcast_benchmark     # 10k and 100k
//   bazel run -c opt //bench:broadcast_benchmark -- --benchmark_filter=tcp/100000
//   bazel run -c opt //bench:broadcast_million_benchmark  # 1M nodes: minutes, GBs
//
// Each size runs over both transports (docs/runtime-model.md): tcp,
// Partisan's connections (the default), and datagram, the idealised model.
//
// Heartbeats are off. Nodes start 100 us apart (10 s for 100,000 nodes),
// each joining HyParView through a node started before it; the overlay then
// settles for 10 s. n0 then broadcasts 100 messages (10 at 1,000,000
// nodes) of 256 bytes, 100 ms apart, through the store handler; the run ends
// 2 s after the last one. The arguments are nodes/messages.
//
// The time measured (wall_s, and the benchmark's own time) is the broadcast
// phase; building the overlay is reported apart as setup_wall_s. Counters:
// messages_per_s (protocol messages delivered per wall second, i_have and
// HyParView traffic included), events_per_s, reliability_min and rmr_mean
// over the messages, peak_rss_MB (the whole run), state_bytes_per_node.
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/scale_run.h"
#include "benchmark/benchmark.h"
#include "sim/world/node_host.h"

namespace plumsim {
namespace {

constexpr int64_t kStartIntervalUs = 100;
constexpr int64_t kSettleMs = 10000;
constexpr int64_t kMessageIntervalMs = 100;
constexpr int64_t kDrainMs = 2000;

void BM_BroadcastHyParView(benchmark::State& state, const char* transport) {
  const int64_t nodes = state.range(0);
  const int64_t messages = state.range(1);
  const int64_t broadcast_at_ms = nodes * kStartIntervalUs / 1000 + kSettleMs;
  const int64_t end_ms = broadcast_at_ms + messages * kMessageIntervalMs + kDrainMs;
  const std::string toml = absl::StrCat(
      "name = \"broadcast_", nodes, "\"\nseed = 11\nduration = \"", end_ms, "ms\"\n",
      "[nodes]\ncount = ", nodes, "\nstart_interval = \"", kStartIntervalUs, "us\"\n",
      "[membership]\nkind = \"hyparview\"\n", "[heartbeat]\nbroadcast = false\n",
      "[network]\ntransport = \"", transport,
      "\"\nlatency = { kind = \"uniform\", min = \"2ms\", max = \"8ms\" }\n", "[[events]]\nat = \"",
      broadcast_at_ms, "ms\"\nkind = \"broadcast\"\nfrom = \"n0\"\n", "count = ", messages,
      "\ninterval = \"", kMessageIntervalMs, "ms\"\nsize = 256\n");
  for (auto _ : state) {
    ResetPeakRss();
    ScaleRun run(toml);
    const double setup_wall = run.RunUntil(SimTime::FromNanoseconds(broadcast_at_ms * 1000000));
    const uint64_t events_before = run.simulation().event_loop().events_executed();
    const uint64_t messages_before = run.DeliveredMessages();
    const double wall = run.RunUntil(SimTime::FromNanoseconds(end_ms * 1000000));
    run.ReportCounters(state, wall, run.simulation().event_loop().events_executed() - events_before,
                       run.DeliveredMessages() - messages_before);
    state.counters["setup_wall_s"] = setup_wall;
    double reliability_min = 1;
    double rmr_sum = 0;
    int64_t counted = 0;
    for (const MessageMetrics& m : run.metrics().messages()) {
      if (m.handler != kStoreHandler) continue;
      reliability_min = std::min(reliability_min, m.reliability());
      if (m.rmr().has_value()) {
        rmr_sum += *m.rmr();
        ++counted;
      }
    }
    state.counters["broadcasts"] = static_cast<double>(counted);
    state.counters["reliability_min"] = reliability_min;
    state.counters["rmr_mean"] = counted > 0 ? rmr_sum / static_cast<double>(counted) : 0;
    state.SetIterationTime(wall);
  }
}
#ifndef PLUMSIM_MILLION_NODES
BENCHMARK_CAPTURE(BM_BroadcastHyParView, tcp, "tcp")
    ->Args({10000, 100})
    ->Args({100000, 100})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_BroadcastHyParView, datagram, "datagram")
    ->Args({10000, 100})
    ->Args({100000, 100})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
#else
// //bench:broadcast_million_benchmark: minutes and gigabytes, a binary of its own.
BENCHMARK_CAPTURE(BM_BroadcastHyParView, datagram, "datagram")
    ->Args({1000000, 10})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
#endif

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) { return plumsim::ScaleBenchmarkMain(argc, argv); }
