#include "sim/metrics/expectations.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/metrics/overlay_views.h"

namespace plumsim {
namespace {

std::string Num(double v) { return absl::StrFormat("%.6g", v); }

// " (heartbeat messages sent from 20s to 40s)"
std::string MessageScope(const Expectation& e) {
  return absl::StrCat(
      " (", e.handler, " messages sent from ", FormatSimDuration(e.after.SinceStart()),
      e.before == SimTime::Max() ? ""
                                 : absl::StrCat(" to ", FormatSimDuration(e.before.SinceStart())),
      ")");
}

// The worst settled message in the expectation's scope by `value_of` (a
// message without a value does not count), and that value.
template <typename ValueOf>
std::pair<const MessageMetrics*, double> WorstMessage(const Expectation& e,
                                                      const MetricsCollector& metrics,
                                                      ValueOf value_of, bool higher_is_worse) {
  const std::optional<HandlerId> handler = HandlerByName(e.handler);
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
  return {worst_message, worst_value};
}

// reliability_min, reach_min, rmr_max, ldh_max: a bound on the worst
// settled message in scope.
void CheckMessageBound(const Expectation& e, const MetricsCollector& metrics,
                       ExpectationResult* r) {
  std::pair<const MessageMetrics*, double> worst;
  const char* name = "";
  bool upper = true;
  switch (e.metric) {
    case Expectation::Metric::kReliabilityMin:
      name = "reliability_min";
      upper = false;
      worst = WorstMessage(
          e, metrics,
          [](const MessageMetrics& x) -> std::optional<double> { return x.reliability(); }, false);
      break;
    case Expectation::Metric::kReachMin:
      name = "reach_min";
      upper = false;
      worst = WorstMessage(
          e, metrics, [](const MessageMetrics& x) -> std::optional<double> { return x.reach(); },
          false);
      break;
    case Expectation::Metric::kRmrMax:
      name = "rmr_max";
      worst = WorstMessage(
          e, metrics, [](const MessageMetrics& x) { return x.rmr(); }, true);
      break;
    default:  // kLdhMax
      name = "ldh_max";
      worst = WorstMessage(
          e, metrics,
          [](const MessageMetrics& x) -> std::optional<double> {
            return static_cast<double>(x.ldh);
          },
          true);
  }
  const auto [m, v] = worst;
  r->description = absl::StrCat(name, upper ? " <= " : " >= ", Num(e.bound), MessageScope(e));
  r->passed = m != nullptr && (upper ? v <= e.bound : v >= e.bound);
  r->measured = m == nullptr
                    ? std::string("no settled messages in scope")
                    : absl::StrCat(Num(v), " (worst: ", NodeName(m->root), "'s message ",
                                   DebugString(m->id), " sent at ", FormatSimTime(m->sent_at), ")");
}

void CheckTreesSpanning(const std::vector<TreeShape>& final_trees, ExpectationResult* r) {
  r->description = "every running root's eager graph is a spanning tree at the end";
  std::vector<std::string> bad;
  for (const TreeShape& t : final_trees) {
    if (t.root_running && !t.spanning) {
      bad.push_back(absl::StrCat(NodeName(t.root), " (", t.edge_count, " edges for ", t.live_count,
                                 " live nodes, ", t.unreached, " unreached)"));
    }
  }
  r->passed = bad.empty() && !final_trees.empty();
  r->measured = bad.empty() ? absl::StrCat("all ", final_trees.size(), " spanning")
                            : absl::StrCat("not spanning: ", absl::StrJoin(bad, ", "));
}

void CheckConnectionsClosed(const Expectation& e, const MetricsCollector& metrics,
                            ExpectationResult* r) {
  const std::string window = absl::StrCat(
      "from ", FormatSimDuration(e.after.SinceStart()),
      e.before == SimTime::Max() ? std::string(" on")
                                 : absl::StrCat(" to ", FormatSimDuration(e.before.SinceStart())));
  r->description = absl::StrCat("connections_closed", e.reason.empty() ? "" : " (" + e.reason + ")",
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
  r->passed = e.upper_bound ? n <= e.bound : n >= e.bound;
  r->measured = count == 0 ? std::string("0")
                           : absl::StrCat(count, " (first at ", FormatSimTime(*first), ", last at ",
                                          FormatSimTime(*last), ")");
}

// unlisted_nodes, one_way_views: HyParView's active views at the end.
void CheckViewCount(const Expectation& e, const MetricsCollector& metrics, ExpectationResult* r) {
  const bool unlisted = e.metric == Expectation::Metric::kUnlistedNodes;
  r->description = absl::StrCat(unlisted ? "unlisted_nodes" : "one_way_views",
                                e.upper_bound ? " <= " : " >= ", Num(e.bound), " at the end");
  const OverlayViews v = ReadOverlayViews(metrics.simulation());
  std::vector<std::string> shown;
  if (unlisted) {
    for (NodeId n : v.unlisted) shown.push_back(NodeName(n));
  } else {
    for (const auto& [holder, peer] : v.one_way) {
      shown.push_back(absl::StrCat(NodeName(holder), "->", NodeName(peer)));
    }
  }
  const size_t count = shown.size();
  const double n = static_cast<double>(count);
  r->passed = e.upper_bound ? n <= e.bound : n >= e.bound;
  if (shown.size() > 10) {
    const size_t more = shown.size() - 10;
    shown.resize(10);
    shown.push_back(absl::StrCat("and ", more, " more"));
  }
  r->measured = absl::StrCat(count,
                             unlisted ? absl::StrCat(" of ", v.running, " running nodes")
                                      : absl::StrCat(" of ", v.entries, " entries"),
                             shown.empty() ? "" : ": ", absl::StrJoin(shown, ", "));
}

// tree_stable_before, rmr_settled_before: a share of roots reached it.
void CheckConvergedShare(const Expectation& e, const MetricsCollector& metrics,
                         ExpectationResult* r) {
  const bool tree = e.metric == Expectation::Metric::kTreeStableBefore;
  const char* what = tree ? "tree-stable" : "RMR-settled";
  r->description = absl::StrCat(Num(e.bound * 100), "% of roots ", what, " before ",
                                FormatSimDuration(e.before.SinceStart()), " (", e.handler, ")");
  const std::vector<RootConvergence> roots = metrics.Convergence(HandlerByName(e.handler));
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
  r->passed = !roots.empty() && share >= e.bound;
  if (roots.empty()) {
    r->measured = "no settled messages";
    return;
  }
  if (missing.size() > 10) {
    const size_t more = missing.size() - 10;
    missing.resize(10);
    missing.push_back(absl::StrCat("and ", more, " more"));
  }
  r->measured = absl::StrCat(reached, " of ", roots.size(), " (", Num(share * 100), "%)",
                             missing.empty() ? "" : "; not: ", absl::StrJoin(missing, ", "));
}

// converged_before: the strict convergence of every root.
void CheckConvergedBefore(const Expectation& e, const MetricsCollector& metrics,
                          ExpectationResult* r) {
  r->description = absl::StrCat("converged before ", FormatSimDuration(e.before.SinceStart()), " (",
                                e.handler, ")");
  const std::vector<RootConvergence> roots = metrics.Convergence(HandlerByName(e.handler));
  const std::optional<SimTime> at = MetricsCollector::Overall(roots);
  r->passed = at.has_value() && *at < e.before;
  if (at) {
    r->measured = absl::StrCat("converged at ", FormatSimTime(*at));
    return;
  }
  std::vector<std::string> not_converged;
  for (const RootConvergence& rc : roots) {
    if (!rc.converged_at) not_converged.push_back(NodeName(rc.root));
  }
  r->measured = roots.empty() ? "no settled messages"
                              : absl::StrCat("not converged: ", absl::StrJoin(not_converged, ", "));
}

ExpectationResult Check(const Expectation& e, const MetricsCollector& metrics,
                        const std::vector<TreeShape>& final_trees) {
  ExpectationResult r;
  r.line = e.line;
  switch (e.metric) {
    case Expectation::Metric::kReliabilityMin:
    case Expectation::Metric::kReachMin:
    case Expectation::Metric::kRmrMax:
    case Expectation::Metric::kLdhMax:
      CheckMessageBound(e, metrics, &r);
      break;
    case Expectation::Metric::kTreesSpanning:
      CheckTreesSpanning(final_trees, &r);
      break;
    case Expectation::Metric::kConnectionsClosed:
      CheckConnectionsClosed(e, metrics, &r);
      break;
    case Expectation::Metric::kTreeStableBefore:
    case Expectation::Metric::kRmrSettledBefore:
      CheckConvergedShare(e, metrics, &r);
      break;
    case Expectation::Metric::kConvergedBefore:
      CheckConvergedBefore(e, metrics, &r);
      break;
    case Expectation::Metric::kUnlistedNodes:
    case Expectation::Metric::kOneWayViews:
      CheckViewCount(e, metrics, &r);
      break;
  }
  return r;
}

}  // namespace

std::vector<ExpectationResult> CheckExpectations(const Scenario& scenario,
                                                 const MetricsCollector& metrics,
                                                 const std::vector<TreeShape>& final_trees) {
  std::vector<ExpectationResult> out;
  for (const Expectation& e : scenario.expectations) out.push_back(Check(e, metrics, final_trees));
  return out;
}

std::string ExpectationsText(const Scenario& scenario,
                             const std::vector<ExpectationResult>& expectations) {
  if (expectations.empty()) return "";
  int passed = 0;
  for (const auto& e : expectations) passed += e.passed;
  std::string out = absl::StrFormat("  expectations: %d passed, %d failed\n", passed,
                                    static_cast<int>(expectations.size()) - passed);
  for (const auto& e : expectations) {
    absl::StrAppend(&out, absl::StrFormat("    %-4s %s:%d: %s\n         measured: %s\n",
                                          e.passed ? "ok" : "FAIL", scenario.source_path, e.line,
                                          e.description, e.measured));
  }
  return out;
}

}  // namespace plumsim
