#include "tests/golden_cases.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/metrics.h"
#include "sim/node_host.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/simulation.h"
#include "sim/tree_analysis.h"

namespace plumsim {

const std::vector<GoldenCase>& GoldenCases() {
  static const auto* cases = new std::vector<GoldenCase>{
      {"quickstart", "quickstart.toml", {}, {"n0", "n3"}},
      {"lossy", "lossy.toml", {}, {"n0", "n5"}},
      {"crash_restart", "crash_restart.toml", {}, {"n0", "n2"}},
      {"partition_heal", "partition_heal.toml", {}, {"n0", "n6"}},
      {"partition_tcp", "partition_tcp.toml", {}, {"n0", "n6"}},
      {"churn", "churn.toml", {"nodes.count=12"}, {"n0", "n1"}},
      {"large_full",
       "large_full.toml",
       {"nodes.count=40", "duration=\"30s\"", "network.links.0.to=\"n20..n27\"",
        "snapshots.roots=\"n0, n20\""},
       {"n0", "n20"}},
  };
  return *cases;
}

absl::StatusOr<std::string> GoldenText(const GoldenCase& c, const std::string& workspace) {
  absl::StatusOr<Scenario> scenario =
      LoadScenario(absl::StrCat(workspace, "/scenarios/", c.scenario), c.overrides);
  if (!scenario.ok()) return scenario.status();
  ObserverList observers;
  Simulation sim(*scenario, &observers);
  MetricsCollector metrics(&sim, scenario->metrics_window);
  observers.Add(&metrics);
  sim.Run();
  metrics.Finish(sim.now(), scenario->settle);

  std::string out = absl::StrCat("# plumsim golden: scenarios/", c.scenario, " seed ",
                                 scenario->seed, " overrides [", absl::StrJoin(c.overrides, " "),
                                 "]\n# regenerate (then review the diff): "
                                 "bazel run //tests:update_goldens\n");
  const MetricsSummary s = Summarize(metrics, kHeartbeatHandler);
  auto line = [&](absl::string_view key, const auto& value) {
    absl::StrAppend(&out, key, " ", value, "\n");
  };
  line("heartbeat.messages", s.messages);
  line("heartbeat.reliability_min", absl::StrFormat("%.6f", s.reliability_min));
  line("heartbeat.rmr_mean", absl::StrFormat("%.6f", s.rmr_mean));
  line("heartbeat.rmr_max", absl::StrFormat("%.6f", s.rmr_max));
  line("heartbeat.ldh_max", s.ldh_max);
  line("heartbeat.latency_ns_max", s.latency_ns_max);
  line("heartbeat.converged_at_ns",
       s.converged_at ? absl::StrCat(s.converged_at->ns()) : std::string("not_converged"));
  line("payload_messages", s.payload_messages);
  line("control_messages", s.control_messages);
  for (const std::string& name : c.roots) {
    const NodeId root = static_cast<NodeId>(std::stoul(name.substr(1)));
    const TreeShape t = AnalyzeTree(sim, root);
    line(absl::StrCat("tree ", name, " running"), t.root_running ? "true" : "false");
    line(absl::StrCat("tree ", name, " spanning"), t.spanning ? "true" : "false");
    line(absl::StrCat("tree ", name, " depth"), t.depth);
    for (const Edge& e : t.edges) {
      absl::StrAppend(&out, "tree ", name, " edge ", NodeName(e.first), "-", NodeName(e.second),
                      "\n");
    }
  }
  return out;
}

}  // namespace plumsim
