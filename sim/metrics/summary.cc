#include "sim/metrics/summary.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/metrics/overlay_views.h"

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
  if (c.joins_lost > 0) {
    absl::StrAppend(&out, absl::StrFormat("  joins lost: %d (through a contact not up or not "
                                          "listening; \"join_lost\" in the trace)\n",
                                          c.joins_lost));
  }
  return out;
}

namespace {

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

namespace {

// The per-handler table, then each handler's convergence lines.
std::string HandlerTable(const Scenario& scenario, const MetricsCollector& metrics) {
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
  return out + convergence;
}

// The trees at the end, and re-deliveries if any.
std::string TreesText(const MetricsCollector& metrics, const std::vector<TreeShape>& final_trees) {
  int64_t spanning = 0, running = 0, depth = 0;
  for (const TreeShape& t : final_trees) {
    if (!t.root_running) continue;
    ++running;
    spanning += t.spanning;
    depth = std::max(depth, t.depth);
  }
  std::string out = absl::StrFormat(
      "  trees at end: %d of %d running roots spanning, max depth %d\n", spanning, running, depth);
  if (const MetricsSummary all = Summarize(metrics, std::nullopt); all.redelivered > 0) {
    absl::StrAppend(&out, absl::StrFormat("  re-deliveries: %d (a restarted node's new incarnation "
                                          "delivered a message again; counted once in reliability "
                                          "and RMR)\n",
                                          all.redelivered));
  }
  return out;
}

// Mailboxes, when anything had to wait (service times, blocking calls),
// and the time blocked in calls (connects, calls into the peer service
// manager); "" if nothing waited.
std::string ProcessesText(const ProcessStats& processes) {
  std::vector<std::string> waited;
  for (int k = 0; k < kProcessKinds; ++k) {
    const ProcessKind kind = static_cast<ProcessKind>(k);
    if (processes.queued(kind) == 0 && processes.blocked(kind) == SimDuration::Zero()) continue;
    std::string line = ProcessKindName(kind);
    if (processes.queued(kind) > 0) {
      absl::StrAppend(
          &line, absl::StrFormat(" %d of %d waited (mailbox max %d, p99 %d, longest %s)",
                                 processes.queued(kind), processes.inputs(kind),
                                 processes.max_length(kind), processes.LengthQuantile(kind, 0.99),
                                 FormatSimDuration(processes.max_wait(kind))));
    }
    if (processes.blocked(kind) > SimDuration::Zero()) {
      absl::StrAppend(&line, processes.queued(kind) > 0 ? "," : "", " blocked in calls ",
                      FormatSimDuration(processes.blocked(kind)));
    }
    waited.push_back(std::move(line));
  }
  if (processes.server_blocked() > SimDuration::Zero()) {
    waited.push_back(absl::StrFormat("connection servers blocked in receive_message calls %s",
                                     FormatSimDuration(processes.server_blocked())));
  }
  if (waited.empty()) return "";
  return absl::StrCat("  processes: ", absl::StrJoin(waited, "; "), "\n");
}

// What gray failures left: HyParView views nobody returns, starved time.
std::string GrayFailuresText(const Simulation& sim) {
  std::string out;
  if (const OverlayViews v = ReadOverlayViews(sim); !v.unlisted.empty() || !v.one_way.empty()) {
    absl::StrAppend(&out,
                    absl::StrFormat("  overlay at end: %d of %d running nodes listed by no one, %d "
                                    "of %d active-view entries one-way (docs/runtime-model.md)\n",
                                    v.unlisted.size(), v.running, v.one_way.size(), v.entries));
  }
  if (const SimDuration starved = sim.StarvedTime(); starved.ns() > 0) {
    absl::StrAppend(&out, "  starved: ", FormatSimDuration(starved),
                    " of node time under slow events (service times and timer dispatch "
                    "stretched)\n");
  }
  return out;
}

}  // namespace

std::string SummaryTable(const Scenario& scenario, const MetricsCollector& metrics,
                         const std::vector<TreeShape>& final_trees,
                         const std::vector<ExpectationResult>& expectations) {
  return absl::StrCat(HandlerTable(scenario, metrics), TreesText(metrics, final_trees),
                      ProcessesText(metrics.simulation().process_stats()),
                      GrayFailuresText(metrics.simulation()),
                      ExpectationsText(scenario, expectations));
}

}  // namespace plumsim
