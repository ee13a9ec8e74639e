#include "bench/scale_run.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/huge_pages.h"

namespace plumsim {

int64_t PeakRssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      int64_t kb = 0;
      const std::string digits = line.substr(6, line.size() - 6 - 3);
      if (absl::SimpleAtoi(digits, &kb)) return kb * 1024;
    }
  }
  return -1;
}

void ResetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

int ScaleBenchmarkMain(int argc, char** argv) {
  UseHugePages(argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

ScaleRun::ScaleRun(const std::string& toml) {
  absl::StatusOr<Scenario> scenario = ParseScenario(toml, "benchmark");
  PLUMSIM_CHECK_MSG(scenario.ok(), scenario.status().ToString().c_str());
  scenario_ = *std::move(scenario);
  simulation_ = std::make_unique<Simulation>(scenario_, &observers_);
  metrics_ = std::make_unique<MetricsCollector>(simulation_.get(), scenario_.metrics_window);
  metrics_->TrackDeliveryTrees(PeerSet{});  // no report: no delivery trees
  observers_.Add(&stats_);
  observers_.Add(metrics_.get());
}

double ScaleRun::RunUntil(SimTime until, SimDuration report_every) {
  const auto start = std::chrono::steady_clock::now();
  EventLoop& sim = simulation_->event_loop();
  while (sim.now() < until) {
    SimTime next = sim.now() + report_every;
    if (until < next) next = until;
    simulation_->RunUntil(next);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "  [%s] virtual %.1fs, wall %.1fs, %llu events, peak RSS %.0f MB\n",
                 scenario_.name.c_str(), static_cast<double>(sim.now().ns()) / 1e9, wall,
                 static_cast<unsigned long long>(sim.events_executed()),
                 static_cast<double>(PeakRssBytes()) / 1e6);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

uint64_t ScaleRun::DeliveredMessages() const {
  uint64_t n = 0;
  for (uint64_t d : stats_.delivered) n += d;
  return n;
}

ScaleRun::StateBytes ScaleRun::StateBytesPerNode() const {
  StateBytes bytes;
  int64_t running = 0;
  for (size_t i = 0; i < simulation_->node_count(); ++i) {
    const NodeHost& node = simulation_->node(static_cast<NodeId>(i));
    if (node.server() == nullptr) continue;
    ++running;
    const BroadcastServer::StateBytes server = node.server()->ApproximateStateBytes();
    bytes.server += static_cast<double>(server.server);
    bytes.root_index += static_cast<double>(server.root_peers.root_index);
    bytes.pairs += static_cast<double>(server.root_peers.pairs);
    bytes.moves += static_cast<double>(server.root_peers.moves);
    bytes.outstanding += static_cast<double>(server.outstanding);
    bytes.heartbeat_table += static_cast<double>(node.backend()->ApproximateTableBytes());
  }
  if (running == 0) return bytes;
  const double n = static_cast<double>(running);
  for (double* part : {&bytes.server, &bytes.root_index, &bytes.pairs, &bytes.moves,
                       &bytes.outstanding, &bytes.heartbeat_table}) {
    *part /= n;
  }
  return bytes;
}

void ScaleRun::ReportCounters(benchmark::State& state, double wall_seconds, uint64_t events,
                              uint64_t messages) const {
  state.counters["nodes"] = static_cast<double>(simulation_->node_count());
  state.counters["wall_s"] = wall_seconds;
  state.counters["virtual_s"] = static_cast<double>(simulation_->now().ns()) / 1e9;
  state.counters["events"] = static_cast<double>(events);
  state.counters["events_per_s"] = static_cast<double>(events) / wall_seconds;
  state.counters["messages"] = static_cast<double>(messages);
  state.counters["messages_per_s"] = static_cast<double>(messages) / wall_seconds;
  state.counters["peak_rss_MB"] = static_cast<double>(PeakRssBytes()) / 1e6;
  const StateBytes bytes = StateBytesPerNode();
  state.counters["state_bytes_per_node"] = bytes.total();
  // Its parts (docs/performance.md, "Where a heartbeat run's memory goes").
  state.counters["state_server_B"] = bytes.server;
  state.counters["state_root_index_B"] = bytes.root_index;
  state.counters["state_pairs_B"] = bytes.pairs;
  state.counters["state_moves_B"] = bytes.moves;
  state.counters["state_outstanding_B"] = bytes.outstanding;
  state.counters["state_heartbeat_table_B"] = bytes.heartbeat_table;
  // What the metrics hold beside it (the whole run's, not per node).
  const MetricsCollector::Bytes metrics = metrics_->ApproximateBytes();
  state.counters["metrics_messages_MB"] = static_cast<double>(metrics.messages) / 1e6;
  state.counters["metrics_delivery_trees_MB"] = static_cast<double>(metrics.delivery_trees) / 1e6;
}

}  // namespace plumsim
