#include "sim/metrics/metrics_files.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/text.h"
#include "nlohmann/json.hpp"
#include "sim/metrics/summary.h"

namespace plumsim {
namespace {

std::string Num(double v) { return absl::StrFormat("%.6g", v); }

using Json = nlohmann::ordered_json;

Json OptTime(const std::optional<SimTime>& t) { return t ? Json(t->ns()) : Json(nullptr); }

// A finite double, or null (JSON has no NaN or infinity).
Json Real(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json MessageJson(const MessageMetrics& m) {
  const auto rmr = m.rmr();
  return Json{{"root", NodeName(m.root)},
              {"handler", HandlerName(m.handler)},
              {"id", Json::array({NodeName(m.id.origin), m.id.epoch, m.id.sequence})},
              {"sent_at_ns", m.sent_at.ns()},
              {"settled", m.settled},
              {"live", m.live},
              {"delivered", m.delivered},
              {"delivered_outside", m.delivered_outside},
              {"redelivered", m.redelivered},
              {"reliability", Real(m.reliability())},
              {"rmr", rmr ? Real(*rmr) : Json(nullptr)},
              {"ldh", m.ldh},
              {"latency_ns_max", m.LatencyQuantile(1.0)},
              {"latency_ns_p50", m.LatencyQuantile(0.5)},
              {"latency_ns_p90", m.LatencyQuantile(0.9)},
              {"latency_ns_p99", m.LatencyQuantile(0.99)},
              {"payload", m.payload},
              {"i_have", m.i_have},
              {"ignored_i_have", m.ignored_i_have},
              {"graft", m.graft}};
}

Json EdgeList(std::vector<std::pair<NodeId, NodeId>> edges) {
  std::sort(edges.begin(), edges.end());
  Json out = Json::array();
  for (const auto& [a, b] : edges) out.push_back(Json::array({NodeName(a), NodeName(b)}));
  return out;
}

Json QuantilesJson(const ConvergenceQuantiles& q) {
  return Json{{"reached", q.reached},
              {"share", Real(q.share())},
              {"p50_ns", q.reached > 0 ? Json(q.p50.ns()) : Json(nullptr)},
              {"p90_ns", q.reached > 0 ? Json(q.p90.ns()) : Json(nullptr)},
              {"max_ns", q.reached > 0 ? Json(q.max.ns()) : Json(nullptr)}};
}

// metrics.json summary.convergence: over the roots of every handler.
Json ConvergenceJson(const Scenario& scenario, const ConvergenceReport& c) {
  const ConvergenceObstacles& o = c.obstacles;
  Json per_root = Json::array();
  for (const RootConvergence& r : c.roots) {
    per_root.push_back(Json::array({NodeName(r.root), OptTime(r.tree_stable_at),
                                    OptTime(r.rmr_settled_at), OptTime(r.converged_at)}));
  }
  return Json{{"stable_rounds", scenario.convergence.stable_rounds},
              {"rmr_epsilon", Real(scenario.convergence.rmr_epsilon)},
              {"roots", static_cast<int64_t>(c.roots.size())},
              {"tree_stable", QuantilesJson(c.tree_stable)},
              {"rmr_settled", QuantilesJson(c.rmr_settled)},
              {"strict", QuantilesJson(c.strict)},
              {"not_tree_stable",
               Json{{"roots", o.roots},
                    {"messages", o.messages},
                    {"messages_with_grafts", o.messages_with_grafts},
                    {"grafts_by_depth", o.grafts_by_depth},
                    {"eager_changes_per_message_late", Real(o.eager_changes_per_message_late)}}},
              {"per_root_columns",
               Json::array({"root", "tree_stable_at_ns", "rmr_settled_at_ns", "converged_at_ns"})},
              {"per_root", std::move(per_root)}};
}

Json RootJson(const TreeShape& t, const MetricsCollector& metrics,
              const std::vector<RootConvergence>& convergence) {
  const RootConvergence* rc = nullptr;
  for (const RootConvergence& r : convergence) {
    if (r.root == t.root) rc = &r;
  }

  std::vector<std::pair<NodeId, NodeId>> delivery;
  if (auto tree = metrics.delivery_trees().find(t.root); tree != metrics.delivery_trees().end()) {
    delivery = tree->second;
  }
  Json edge_list = Json::array();
  for (const Edge& e : t.edges)
    edge_list.push_back(Json::array({NodeName(e.first), NodeName(e.second)}));
  return Json{{"root", NodeName(t.root)},
              {"running", t.root_running},
              {"converged_at_ns", rc ? OptTime(rc->converged_at) : Json(nullptr)},
              {"tree_stable_at_ns", OptTime(rc ? rc->tree_stable_at : std::nullopt)},
              {"rmr_settled_at_ns", OptTime(rc ? rc->rmr_settled_at : std::nullopt)},
              {"eager_changes", rc ? rc->eager_changes : 0},
              {"spanning", t.spanning},
              {"live", t.live_count},
              {"depth", t.depth},
              {"multi_parent_nodes", t.multi_parent_nodes},
              {"asymmetric_pairs", t.asymmetric_pairs},
              {"stale_eager", t.stale_eager},
              {"edges", std::move(edge_list)},
              {"delivery_tree", EdgeList(std::move(delivery))}};
}

// metrics.json "processes": per process kind, the inputs handled and the
// mailbox length each found on arrival (itself included; 0 when handled at
// once), its max and 99th percentile, the longest wait, and the total time
// its handlers were blocked in calls (connects, calls into the peer service
// manager); "connection_servers": the connections' server processes' time
// blocked in receive_message calls.
Json ProcessesJson(const ProcessStats& stats) {
  Json out = Json::object();
  for (int k = 0; k < kProcessKinds; ++k) {
    const ProcessKind kind = static_cast<ProcessKind>(k);
    out[ProcessKindName(kind)] = Json{{"inputs", stats.inputs(kind)},
                                      {"queued", stats.queued(kind)},
                                      {"mailbox_max", stats.max_length(kind)},
                                      {"mailbox_p99", stats.LengthQuantile(kind, 0.99)},
                                      {"wait_max_ns", stats.max_wait(kind).ns()},
                                      {"blocked_ns", stats.blocked(kind).ns()}};
  }
  out["connection_servers"] =
      Json{{"calls", stats.server_calls()}, {"blocked_ns", stats.server_blocked().ns()}};
  return out;
}

// metrics.json "network": what the transport did to messages.
Json NetworkJson(const Scenario& scenario, const RunCounters& stats) {
  Json dropped = Json::object();
  for (int r = 0; r < kDropReasons; ++r) {
    dropped[DropReasonName(static_cast<DropReason>(r))] = stats.dropped[r];
  }
  Json out{{"transport", TransportName(scenario.network.transport)},
           {"dropped", dropped},
           {"joins_lost", stats.joins_lost}};
  if (scenario.network.transport == Transport::kTcp) {
    Json closed = Json::object();
    for (int r = 0; r < kCloseReasons; ++r) {
      closed[CloseReasonName(static_cast<CloseReason>(r))] = stats.connections_closed[r];
    }
    out["connections_opened"] = stats.connections_opened;
    out["connections_closed"] = closed;
    out["held"] = stats.held;
    out["released"] = stats.released;
    out["held_longest_ns"] = stats.held_longest.ns();
    out["retransmissions"] = stats.retransmissions;
  }
  return out;
}

}  // namespace

std::string MetricsJson(const Scenario& scenario, const MetricsCollector& metrics,
                        const std::vector<TreeShape>& final_trees, const RunCounters* stats) {
  const MetricsSummary s = Summarize(metrics, std::nullopt);
  Json out;
  out["scenario"] = scenario.name;
  out["seed"] = scenario.seed;
  out["settle_ns"] = scenario.settle.ns();
  out["summary"] = Json{{"reliability_min", Real(s.reliability_min)},
                        {"rmr_mean", Real(s.rmr_mean)},
                        {"rmr_max", Real(s.rmr_max)},
                        {"ldh_max", s.ldh_max},
                        {"latency_ns_max", s.latency_ns_max},
                        {"converged_at_ns", OptTime(s.converged_at)},
                        {"convergence", ConvergenceJson(scenario, s.convergence)},
                        {"messages", s.messages},
                        {"payload_messages", s.payload_messages},
                        {"control_messages", s.control_messages},
                        {"redelivered", s.redelivered}};
  if (stats != nullptr) out["network"] = NetworkJson(scenario, *stats);
  out["processes"] = ProcessesJson(metrics.simulation().process_stats());
  Json& messages = out["messages"] = Json::array();
  for (const MessageMetrics& m : metrics.messages()) messages.push_back(MessageJson(m));
  const std::vector<RootConvergence> convergence = metrics.Convergence(kHeartbeatHandler);
  Json& roots = out["roots"] = Json::array();
  for (const TreeShape& t : final_trees) roots.push_back(RootJson(t, metrics, convergence));
  return out.dump(1) + "\n";
}

std::string MessagesCsv(const Scenario& scenario, const MetricsCollector& metrics) {
  std::string out =
      "scenario,seed,root,handler,epoch,sequence,sent_at_ns,settled,live,delivered,"
      "delivered_outside,"
      "reliability,rmr,ldh,latency_ns_max,latency_ns_p50,latency_ns_p90,latency_ns_p99,"
      "payload,i_have,ignored_i_have,graft,redelivered\n";
  for (const MessageMetrics& m : metrics.messages()) {
    const auto rmr = m.rmr();
    absl::StrAppend(&out, CsvField(scenario.name), ",", scenario.seed, ",", NodeName(m.root), ",",
                    HandlerName(m.handler), ",", m.id.epoch, ",", m.id.sequence, ",",
                    m.sent_at.ns(), ",", m.settled ? 1 : 0, ",", m.live, ",", m.delivered, ",",
                    m.delivered_outside, ",", Num(m.reliability()), ",", rmr ? Num(*rmr) : "", ",",
                    m.ldh, ",", m.LatencyQuantile(1.0), ",", m.LatencyQuantile(0.5), ",",
                    m.LatencyQuantile(0.9), ",", m.LatencyQuantile(0.99), ",", m.payload, ",",
                    m.i_have, ",", m.ignored_i_have, ",", m.graft, ",", m.redelivered, "\n");
  }
  return out;
}

std::string TimeseriesCsv(const Scenario& scenario, const MetricsCollector& metrics) {
  std::string out =
      "scenario,seed,window_start_ns,window_ns,live_nodes,originated,payload,first_deliveries,"
      "stale_copies,rmr,prune,i_have,ignored_i_have,graft,membership,eager_changes\n";
  for (const WindowMetrics& w : metrics.windows()) {
    const auto rmr = w.rmr();
    absl::StrAppend(
        &out, CsvField(scenario.name), ",", scenario.seed, ",", w.start.ns(), ",",
        scenario.metrics_window.ns(), ",", w.live_nodes, ",", w.originated, ",", w.payload, ",",
        w.first_deliveries, ",", w.stale_copies, ",", rmr ? Num(*rmr) : "", ",", w.by_type[1], ",",
        w.by_type[2], ",", w.by_type[3], ",", w.by_type[4], ",",
        std::accumulate(w.by_type.begin() + kPlumtreeMessageTypes, w.by_type.end(), int64_t{0}),
        ",", w.eager_changes, "\n");
  }
  return out;
}

}  // namespace plumsim
