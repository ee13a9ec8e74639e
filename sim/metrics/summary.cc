#include "sim/metrics/summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/text.h"
#include "nlohmann/json.hpp"
#include "sim/world/node_host.h"

namespace plumsim {

std::string CountersText(const RunCounters& c) {
  std::string out = absl::StrFormat("  %-18s %12s %12s\n", "message", "sent", "delivered");
  for (int i = 0; i < kMessageTypes; ++i) {
    // Plumtree's five always; membership messages when there were any.
    if (i >= kPlumtreeMessageTypes && c.sent[i] == 0) continue;
    absl::StrAppend(&out, absl::StrFormat("  %-18s %12d %12d\n", MessageTypeName(i), c.sent[i],
                                          c.delivered[i]));
  }
  absl::StrAppend(&out, absl::StrFormat("  dropped: %d unreachable, %d lost, %d cut in flight",
                                        c.dropped[0], c.dropped[1], c.dropped[2]));
  if (c.dropped[3] > 0)
    absl::StrAppend(&out, absl::StrFormat(", %d without a connection", c.dropped[3]));
  if (c.dropped[4] > 0) {
    absl::StrAppend(&out,
                    absl::StrFormat(", %d never arrive (latency beyond the clock)", c.dropped[4]));
  }
  if (c.dropped[5] > 0) {
    absl::StrAppend(&out, absl::StrFormat(", %d lost with their connection", c.dropped[5]));
  }
  absl::StrAppend(&out, "\n");
  if (c.connections_opened > 0) {
    uint64_t closed = 0;
    for (uint64_t n : c.connections_closed) closed += n;
    absl::StrAppend(
        &out, absl::StrFormat("  connections: %d opened, %d closed", c.connections_opened, closed));
    for (int r = 0; r < kCloseReasons; ++r) {
      if (c.connections_closed[r] == 0) continue;
      absl::StrAppend(&out, absl::StrFormat(", %d %s", c.connections_closed[r],
                                            CloseReasonName(static_cast<CloseReason>(r))));
    }
    absl::StrAppend(&out, "\n");
  }
  if (c.held > 0 || c.retransmissions > 0) {
    absl::StrAppend(&out, absl::StrFormat("  tcp: %d messages held on cut connections, %d released "
                                          "(longest wait %s), %d retransmissions\n",
                                          c.held, c.released, FormatSimDuration(c.held_longest),
                                          c.retransmissions));
  }
  absl::StrAppend(
      &out, absl::StrFormat("  heartbeats: %d originated, %d first deliveries, %d stale copies\n",
                            c.originated[0], c.merged_new[0], c.merged_stale[0]));
  if (c.originated[1] > 0) {
    absl::StrAppend(&out,
                    absl::StrFormat("  application broadcasts: %d originated, %d first deliveries, "
                                    "%d stale copies\n",
                                    c.originated[1], c.merged_new[1], c.merged_stale[1]));
  }
  const uint64_t faults = c.node_events[1] + c.node_events[2] + c.node_events[3] + c.node_events[4];
  if (faults > 0) {
    absl::StrAppend(&out, absl::StrFormat("  nodes: %d crashes, %d restarts, %d joins, %d leaves\n",
                                          c.node_events[1], c.node_events[2], c.node_events[3],
                                          c.node_events[4]));
  }
  if (c.skipped > 0) {
    absl::StrAppend(&out,
                    absl::StrFormat("  timeline: %d actions skipped (node in the wrong state; "
                                    "\"skipped\" in the trace)\n",
                                    c.skipped));
  }
  return out;
}

const char* HandlerName(HandlerId handler) {
  return handler == kHeartbeatHandler ? "heartbeat"
         : handler == kStoreHandler   ? "application"
                                      : "?";
}

namespace {

std::optional<HandlerId> HandlerFilter(const std::string& name) {
  if (name == "heartbeat") return kHeartbeatHandler;
  if (name == "application") return kStoreHandler;
  return std::nullopt;
}

std::string Num(double v) { return absl::StrFormat("%.6g", v); }

// Seconds of virtual time, to the millisecond: "10.029s".
std::string Seconds(SimTime t) { return absl::StrFormat("%.3fs", t.SinceStart().ns() / 1e9); }

std::string Percent(double share) { return absl::StrFormat("%.0f%%", share * 100); }

// "tree-stable   16 of 16 roots (100%), p50 12s, p90 14s, max 15s"
std::string QuantileLine(const char* name, const ConvergenceQuantiles& q) {
  std::string line = absl::StrFormat("    %-13s %d of %d roots (%s)", name, q.reached, q.roots,
                                     Percent(q.share()));
  if (q.reached > 0) {
    absl::StrAppend(&line, ", p50 ", Seconds(q.p50), ", p90 ", Seconds(q.p90), ", max ",
                    Seconds(q.max));
  }
  return line + "\n";
}

// The convergence block of the summary: the three times over roots, and
// what keeps the roots that are not tree-stable from it.
std::string ConvergenceLines(const Scenario& scenario, const MetricsSummary& s,
                             const char* handler) {
  const ConvergenceReport& c = s.convergence;
  std::string out =
      absl::StrFormat("  convergence of %s roots (stable_rounds %d, rmr_epsilon %s)\n", handler,
                      scenario.convergence.stable_rounds, Num(scenario.convergence.rmr_epsilon));
  absl::StrAppend(&out, QuantileLine("tree-stable", c.tree_stable),
                  QuantileLine("rmr-settled", c.rmr_settled), QuantileLine("strict", c.strict));
  const ConvergenceObstacles& o = c.obstacles;
  if (o.roots > 0) {
    std::vector<std::string> rounds;
    for (size_t d = 0; d < o.grafts_by_depth.size(); ++d) {
      if (o.grafts_by_depth[d] > 0) rounds.push_back(absl::StrCat(d, ": ", o.grafts_by_depth[d]));
    }
    absl::StrAppend(
        &out, absl::StrFormat(
                  "    not tree-stable: %d roots; %s of their %d messages grafted "
                  "(grafts by depth of the grafting node: %s); %s eager-set changes per message in "
                  "the second half of the run\n",
                  o.roots,
                  Percent(o.messages > 0 ? static_cast<double>(o.messages_with_grafts) /
                                               static_cast<double>(o.messages)
                                         : 0),
                  o.messages, rounds.empty() ? "none" : absl::StrJoin(rounds, ", "),
                  Num(o.eager_changes_per_message_late)));
  }
  return out;
}

}  // namespace

MetricsSummary Summarize(const MetricsCollector& metrics, std::optional<HandlerId> handler) {
  MetricsSummary s;
  double rmr_sum = 0;
  int64_t rmr_count = 0;
  for (const MessageMetrics& m : metrics.messages()) {
    if (!m.settled || (handler && m.handler != *handler)) continue;
    ++s.messages;
    s.reliability_min = std::min(s.reliability_min, m.reliability());
    if (const auto rmr = m.rmr()) {
      rmr_sum += *rmr;
      ++rmr_count;
      s.rmr_max = std::max(s.rmr_max, *rmr);
    }
    s.ldh_max = std::max(s.ldh_max, m.ldh);
    s.latency_ns_max = std::max(s.latency_ns_max, m.LatencyQuantile(1.0));
    s.redelivered += m.redelivered;
  }
  s.rmr_mean = rmr_count > 0 ? rmr_sum / static_cast<double>(rmr_count) : 0;
  s.convergence = metrics.ConvergenceOf(handler);
  s.converged_at = MetricsCollector::Overall(s.convergence.roots);
  for (const WindowMetrics& w : metrics.windows()) {
    s.payload_messages += w.by_type[0];
    s.control_messages += w.by_type[1] + w.by_type[2] + w.by_type[3] + w.by_type[4];
  }
  return s;
}

std::vector<ExpectationResult> CheckExpectations(const Scenario& scenario,
                                                 const MetricsCollector& metrics,
                                                 const std::vector<TreeShape>& final_trees) {
  std::vector<ExpectationResult> out;
  for (const Expectation& e : scenario.expectations) {
    ExpectationResult r;
    r.line = e.line;
    const std::optional<HandlerId> handler = HandlerFilter(e.handler);
    const std::string scope = absl::StrCat(
        " (", e.handler, " messages sent from ", FormatSimDuration(e.after.SinceStart()),
        e.before == SimTime::Max() ? ""
                                   : absl::StrCat(" to ", FormatSimDuration(e.before.SinceStart())),
        ")");
    // The worst settled message in scope for a metric: returns it and its value.
    auto worst = [&](auto value_of, bool higher_is_worse) {
      const MessageMetrics* worst_message = nullptr;
      double worst_value = 0;
      for (const MessageMetrics& m : metrics.messages()) {
        if (!m.settled || m.sent_at < e.after || m.sent_at >= e.before ||
            (handler && m.handler != *handler)) {
          continue;
        }
        const std::optional<double> v = value_of(m);
        if (!v) continue;
        if (worst_message == nullptr || (higher_is_worse ? *v > worst_value : *v < worst_value)) {
          worst_message = &m;
          worst_value = *v;
        }
      }
      return std::make_pair(worst_message, worst_value);
    };
    auto describe = [](const MessageMetrics* m, double v) {
      if (m == nullptr) return std::string("no settled messages in scope");
      return absl::StrCat(Num(v), " (worst: ", NodeName(m->root), "'s message ", DebugString(m->id),
                          " sent at ", FormatSimTime(m->sent_at), ")");
    };
    switch (e.metric) {
      case Expectation::Metric::kReliabilityMin: {
        r.description = absl::StrCat("reliability_min >= ", Num(e.bound), scope);
        auto [m, v] =
            worst([](const MessageMetrics& x) -> std::optional<double> { return x.reliability(); },
                  false);
        r.passed = m != nullptr && v >= e.bound;
        r.measured = describe(m, v);
        break;
      }
      case Expectation::Metric::kReachMin: {
        r.description = absl::StrCat("reach_min >= ", Num(e.bound), scope);
        auto [m, v] = worst(
            [](const MessageMetrics& x) -> std::optional<double> { return x.reach(); }, false);
        r.passed = m != nullptr && v >= e.bound;
        r.measured = describe(m, v);
        break;
      }
      case Expectation::Metric::kRmrMax: {
        r.description = absl::StrCat("rmr_max <= ", Num(e.bound), scope);
        auto [m, v] = worst([](const MessageMetrics& x) { return x.rmr(); }, true);
        r.passed = m != nullptr && v <= e.bound;
        r.measured = describe(m, v);
        break;
      }
      case Expectation::Metric::kLdhMax: {
        r.description = absl::StrCat("ldh_max <= ", Num(e.bound), scope);
        auto [m, v] = worst(
            [](const MessageMetrics& x) -> std::optional<double> {
              return static_cast<double>(x.ldh);
            },
            true);
        r.passed = m != nullptr && v <= e.bound;
        r.measured = describe(m, v);
        break;
      }
      case Expectation::Metric::kTreesSpanning: {
        r.description = "every running root's eager graph is a spanning tree at the end";
        std::vector<std::string> bad;
        for (const TreeShape& t : final_trees) {
          if (t.root_running && !t.spanning) {
            bad.push_back(absl::StrCat(NodeName(t.root), " (", t.edge_count, " edges for ",
                                       t.live_count, " live nodes, ", t.unreached, " unreached)"));
          }
        }
        r.passed = bad.empty() && !final_trees.empty();
        r.measured = bad.empty() ? absl::StrCat("all ", final_trees.size(), " spanning")
                                 : absl::StrCat("not spanning: ", absl::StrJoin(bad, ", "));
        break;
      }
      case Expectation::Metric::kConnectionsClosed: {
        const std::string window =
            absl::StrCat("from ", FormatSimDuration(e.after.SinceStart()),
                         e.before == SimTime::Max()
                             ? std::string(" on")
                             : absl::StrCat(" to ", FormatSimDuration(e.before.SinceStart())));
        r.description =
            absl::StrCat("connections_closed", e.reason.empty() ? "" : " (" + e.reason + ")",
                         e.upper_bound ? " <= " : " >= ", Num(e.bound), " ", window);
        int64_t count = 0;
        std::optional<SimTime> first, last;
        for (const MetricsCollector::ConnectionClose& c : metrics.connection_closes()) {
          if (c.at < e.after || c.at >= e.before) continue;
          if (!e.reason.empty() && e.reason != CloseReasonName(c.reason)) continue;
          ++count;
          if (!first) first = c.at;
          last = c.at;
        }
        const double n = static_cast<double>(count);
        r.passed = e.upper_bound ? n <= e.bound : n >= e.bound;
        r.measured = count == 0 ? std::string("0")
                                : absl::StrCat(count, " (first at ", FormatSimTime(*first),
                                               ", last at ", FormatSimTime(*last), ")");
        break;
      }
      case Expectation::Metric::kTreeStableBefore:
      case Expectation::Metric::kRmrSettledBefore: {
        const bool tree = e.metric == Expectation::Metric::kTreeStableBefore;
        const char* what = tree ? "tree-stable" : "RMR-settled";
        r.description =
            absl::StrCat(Num(e.bound * 100), "% of roots ", what, " before ",
                         FormatSimDuration(e.before.SinceStart()), " (", e.handler, ")");
        const std::vector<RootConvergence> roots = metrics.Convergence(handler);
        std::vector<std::string> missing;
        int64_t reached = 0;
        for (const RootConvergence& rc : roots) {
          const std::optional<SimTime>& at = tree ? rc.tree_stable_at : rc.rmr_settled_at;
          if (at && *at < e.before) {
            ++reached;
          } else {
            missing.push_back(at ? absl::StrCat(NodeName(rc.root), " at ", FormatSimTime(*at))
                                 : absl::StrCat(NodeName(rc.root), " never"));
          }
        }
        const double share = roots.empty() ? 0 : static_cast<double>(reached) / roots.size();
        r.passed = !roots.empty() && share >= e.bound;
        if (roots.empty()) {
          r.measured = "no settled messages";
        } else {
          if (missing.size() > 10) {
            const size_t more = missing.size() - 10;
            missing.resize(10);
            missing.push_back(absl::StrCat("and ", more, " more"));
          }
          r.measured = absl::StrCat(reached, " of ", roots.size(), " (", Num(share * 100), "%)",
                                    missing.empty() ? "" : "; not: ", absl::StrJoin(missing, ", "));
        }
        break;
      }
      case Expectation::Metric::kConvergedBefore: {
        r.description = absl::StrCat("converged before ", FormatSimDuration(e.before.SinceStart()),
                                     " (", e.handler, ")");
        const std::vector<RootConvergence> roots = metrics.Convergence(handler);
        const std::optional<SimTime> at = MetricsCollector::Overall(roots);
        r.passed = at.has_value() && *at < e.before;
        if (at) {
          r.measured = absl::StrCat("converged at ", FormatSimTime(*at));
        } else {
          std::vector<std::string> not_converged;
          for (const RootConvergence& rc : roots) {
            if (!rc.converged_at) not_converged.push_back(NodeName(rc.root));
          }
          r.measured = roots.empty()
                           ? "no settled messages"
                           : absl::StrCat("not converged: ", absl::StrJoin(not_converged, ", "));
        }
        break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string SummaryTable(const Scenario& scenario, const MetricsCollector& metrics,
                         const std::vector<TreeShape>& final_trees,
                         const std::vector<ExpectationResult>& expectations) {
  std::string out = absl::StrFormat(
      "  metrics (messages sent at least %s before the end)\n"
      "  %-12s %8s %12s %9s %8s %8s %12s %14s\n",
      FormatSimDuration(scenario.settle), "handler", "messages", "reliab. min", "rmr mean",
      "rmr max", "ldh max", "latency max", "converged at");
  // Each handler's summary once: its convergence lines follow the table.
  std::string convergence;
  for (HandlerId h : {kHeartbeatHandler, kStoreHandler}) {
    const MetricsSummary s = Summarize(metrics, h);
    if (s.messages == 0) continue;
    absl::StrAppend(&convergence, ConvergenceLines(scenario, s, HandlerName(h)));
    absl::StrAppend(
        &out, absl::StrFormat(
                  "  %-12s %8d %12.4f %9.4f %8.4f %8d %12s %14s\n", HandlerName(h), s.messages,
                  s.reliability_min, s.rmr_mean, s.rmr_max, s.ldh_max,
                  FormatSimDuration(SimDuration::Nanoseconds(s.latency_ns_max)),
                  s.converged_at ? FormatSimTime(*s.converged_at) : std::string("not converged")));
  }
  out += convergence;
  int64_t spanning = 0, running = 0, depth = 0;
  for (const TreeShape& t : final_trees) {
    if (!t.root_running) continue;
    ++running;
    spanning += t.spanning;
    depth = std::max(depth, t.depth);
  }
  absl::StrAppend(&out,
                  absl::StrFormat("  trees at end: %d of %d running roots spanning, max depth %d\n",
                                  spanning, running, depth));
  if (const MetricsSummary all = Summarize(metrics, std::nullopt); all.redelivered > 0) {
    absl::StrAppend(&out, absl::StrFormat("  re-deliveries: %d (a restarted node's new incarnation "
                                          "delivered a message again; counted once in reliability "
                                          "and RMR)\n",
                                          all.redelivered));
  }
  // Mailboxes, when anything had to wait (service times, blocking connects).
  const ProcessStats& processes = metrics.simulation().process_stats();
  std::vector<std::string> waited;
  for (int k = 0; k < kProcessKinds; ++k) {
    const ProcessKind kind = static_cast<ProcessKind>(k);
    if (processes.queued(kind) == 0) continue;
    waited.push_back(absl::StrFormat(
        "%s %d of %d waited (mailbox max %d, p99 %d, longest %s)", ProcessKindName(kind),
        processes.queued(kind), processes.inputs(kind), processes.max_length(kind),
        processes.LengthQuantile(kind, 0.99), FormatSimDuration(processes.max_wait(kind))));
  }
  if (!waited.empty()) {
    absl::StrAppend(&out, "  processes: ", absl::StrJoin(waited, "; "), "\n");
  }
  if (!expectations.empty()) {
    int passed = 0;
    for (const auto& e : expectations) passed += e.passed;
    absl::StrAppend(&out, absl::StrFormat("  expectations: %d passed, %d failed\n", passed,
                                          static_cast<int>(expectations.size()) - passed));
    for (const auto& e : expectations) {
      absl::StrAppend(&out, absl::StrFormat("    %-4s %s:%d: %s\n         measured: %s\n",
                                            e.passed ? "ok" : "FAIL", scenario.source_path, e.line,
                                            e.description, e.measured));
    }
  }
  return out;
}

namespace {

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

}  // namespace

// metrics.json "processes": per process kind, the inputs handled and the
// mailbox length each found on arrival (itself included; 0 when handled at
// once), its max and 99th percentile, and the longest wait.
Json ProcessesJson(const ProcessStats& stats) {
  Json out = Json::object();
  for (int k = 0; k < kProcessKinds; ++k) {
    const ProcessKind kind = static_cast<ProcessKind>(k);
    out[ProcessKindName(kind)] = Json{{"inputs", stats.inputs(kind)},
                                      {"queued", stats.queued(kind)},
                                      {"mailbox_max", stats.max_length(kind)},
                                      {"mailbox_p99", stats.LengthQuantile(kind, 0.99)},
                                      {"wait_max_ns", stats.max_wait(kind).ns()}};
  }
  return out;
}

// metrics.json "network": what the transport did to messages.
Json NetworkJson(const Scenario& scenario, const RunCounters& stats) {
  Json dropped = Json::object();
  for (int r = 0; r < kDropReasons; ++r) {
    dropped[DropReasonName(static_cast<DropReason>(r))] = stats.dropped[r];
  }
  Json out{{"transport", TransportName(scenario.network.transport)}, {"dropped", dropped}};
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

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
// break, quotes doubled.
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
