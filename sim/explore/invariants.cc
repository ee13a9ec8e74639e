#include "sim/explore/invariants.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "sim/metrics/summary.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/run/runner.h"

namespace plumsim {
namespace {

// delivery_across_cut: a delivery between nodes the network separates now.
class CutWatch final : public SimObserver {
 public:
  void set_simulation(const Simulation* sim) { sim_ = sim; }
  void OnDeliver(NodeId from, NodeId to, const Message&) override {
    if (sim_ == nullptr || sim_->network().CanReach(from, to) || from == to) return;
    if (violations++ == 0) {
      first = absl::StrCat(NodeName(from), " -> ", NodeName(to), " delivered at ",
                           FormatSimTime(sim_->now()), " while ", NodeName(from), " cannot reach ",
                           NodeName(to));
    }
  }
  int64_t violations = 0;
  std::string first;

 private:
  const Simulation* sim_ = nullptr;
};

// tree_not_spanning: each root's eager graph as it stands when the root
// broadcasts (its last broadcast in the liveness window). Not at the run's
// end: a message still spreading then can show a transient extra eager link
// (an i_have sent by a lazy tick that fires with the broadcast overtakes the
// eager copy, Partisan grafts at once, and the late copy's prune removes the
// link some milliseconds later; found by the explorer).
class TreeWatch final : public SimObserver {
 public:
  explicit TreeWatch(SimTime from) : from_(from) {}
  void set_simulation(const Simulation* sim) { sim_ = sim; }
  void OnOriginate(NodeId node, HandlerId, const BroadcastId&) override {
    if (sim_ == nullptr || sim_->now() < from_) return;
    TreeShape tree = AnalyzeTree(*sim_, node);
    tree.KeepFiguresOnly();
    at_[node] = sim_->now();
    trees_[node] = std::move(tree);
  }
  // The first root (in id order) running at the end whose tree at its last
  // broadcast did not span.
  std::optional<std::string> FirstNotSpanning(const Simulation& sim) const {
    for (const auto& [root, tree] : trees_) {
      if (tree.spanning || !sim.node(root).running()) continue;
      return absl::StrCat(NodeName(root), "'s eager graph at its broadcast at ",
                          FormatSimTime(at_.at(root)), ": ", tree.edge_count, " edges over ",
                          tree.live_count, " live nodes, ", tree.unreached, " unreached");
    }
    return std::nullopt;
  }

 private:
  const SimTime from_;
  const Simulation* sim_ = nullptr;
  std::map<NodeId, TreeShape> trees_;
  std::map<NodeId, SimTime> at_;
};

// The running nodes split into islands by the HyParView active views (1:
// connected); full membership: 1.
int OverlayIslands(const Simulation& sim) {
  if (!sim.hyparview()) return 1;
  std::vector<NodeId> running;
  for (size_t i = 0; i < sim.node_count(); ++i) {
    if (sim.node(static_cast<NodeId>(i)).running()) running.push_back(static_cast<NodeId>(i));
  }
  std::map<NodeId, NodeId> parent;
  for (NodeId n : running) parent[n] = n;
  auto find = [&](NodeId x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (NodeId n : running) {
    const HyParView* h = sim.node(n).hyparview();
    if (h == nullptr) continue;
    for (NodeId peer : h->active()) {
      if (peer != n && parent.contains(peer)) parent[find(n)] = find(peer);
    }
  }
  int islands = 0;
  for (NodeId n : running) islands += find(n) == n ? 1 : 0;
  return islands;
}

}  // namespace

void DeliveredOnce::OnNodeEvent(NodeEventKind kind, NodeId node, int64_t epoch) {
  if (kind == NodeEventKind::kStart || kind == NodeEventKind::kRestart ||
      kind == NodeEventKind::kJoin) {
    epoch_[node] = epoch;
  }
}

void DeliveredOnce::OnMerge(NodeId node, const BroadcastMsg& m, bool valid) {
  if (!valid) return;
  if (!seen_.emplace(node, epoch_[node], m.handler, m.id.origin, m.id.epoch, m.id.sequence)
           .second) {
    if (duplicates++ == 0) {
      first = absl::StrCat(NodeName(node), " (epoch ", epoch_[node], ") delivered ",
                           HandlerName(m.handler), " message {", NodeName(m.id.origin), ",",
                           m.id.epoch, ",", m.id.sequence, "} twice");
    }
  }
}

bool InvariantReport::Breaks(const std::string& invariant, const std::string& klass) const {
  return std::any_of(violations.begin(), violations.end(), [&](const Violation& v) {
    return v.invariant == invariant && v.klass == klass;
  });
}

absl::StatusOr<InvariantReport> CheckInvariants(const Scenario& scenario,
                                                const InvariantOptions& options) {
  InvariantReport report;
  DeliveredOnce once;
  CutWatch cuts;
  TreeWatch trees_at_broadcast(options.liveness_from);
  RunOptions run;
  run.observers = {&once, &cuts, &trees_at_broadcast};
  run.customize_nodes = options.customize_nodes;
  run.on_built = [&](const Simulation& sim) {
    cuts.set_simulation(&sim);
    trees_at_broadcast.set_simulation(&sim);
  };
  std::vector<Violation> liveness;
  std::vector<ExpectationResult> verdicts;
  int islands = 1;
  std::string backed_off;  // a TCP retransmission outliving the faults
  run.on_finished = [&](const Simulation& sim, const MetricsCollector& metrics,
                        const std::vector<TreeShape>& trees) {
    islands = OverlayIslands(sim);
    const std::optional<Network::InFlightAge> oldest = sim.network().OldestTcpInFlight();
    if (oldest && oldest->sent_at < options.quiet_from) {
      backed_off = absl::StrCat(
          NodeName(oldest->from), " -> ", NodeName(oldest->to), " still has a message sent at ",
          FormatSimTime(oldest->sent_at),
          " in flight at the end: a TCP retransmission timeout backed off past the quiet "
          "period, and the connection delivers nothing behind it");
    }
    const std::optional<TcpConnections::HeldAge> held =
        sim.tcp() != nullptr ? sim.tcp()->OldestHeld() : std::nullopt;
    if (backed_off.empty() && held && held->sent_at < options.quiet_from) {
      backed_off =
          absl::StrCat(NodeName(held->from), " -> ", NodeName(held->to),
                       " still holds a message sent at ", FormatSimTime(held->sent_at),
                       " at the end: a cut outlived its heal (TCP resends at its next backed-off "
                       "retransmission after the heal, and nothing goes out before it)");
    }
    verdicts = CheckExpectations(scenario, metrics, trees);
    std::string range, unreached;
    for (const MessageMetrics& m : metrics.messages()) {
      const std::optional<double> rmr = m.rmr();
      if (range.empty() && (m.reliability() < 0 || m.reliability() > 1 || (rmr && *rmr < 0))) {
        range = absl::StrCat(NodeName(m.root), "'s message sent at ", FormatSimTime(m.sent_at),
                             ": reliability ", m.reliability(), ", rmr ", rmr.value_or(0));
      }
      if (!m.settled || m.sent_at < options.liveness_from) continue;
      ++report.liveness_messages;
      if (unreached.empty() && m.reliability() < 1) {
        unreached = absl::StrCat(NodeName(m.root), "'s ", HandlerName(m.handler),
                                 " message sent at ", FormatSimTime(m.sent_at), " reached ",
                                 m.delivered, " of ", m.live, " live nodes");
      }
    }
    if (!range.empty()) report.violations.push_back({"reliability_range", "safety", range});
    if (!unreached.empty()) liveness.push_back({"live_unreached", "liveness", unreached});
    if (std::optional<std::string> not_spanning = trees_at_broadcast.FirstNotSpanning(sim)) {
      liveness.push_back({"tree_not_spanning", "liveness", *not_spanning});
    }
  };
  absl::StatusOr<RunResult> result = RunScenario(scenario, run);
  if (!result.ok()) return result.status();
  report.digest = result->digest_hex;
  if (once.duplicates > 0) {
    report.violations.push_back({"duplicate_delivery", "safety",
                                 absl::StrCat(once.first, " (", once.duplicates, " in all)")});
  }
  if (cuts.violations > 0) {
    report.violations.push_back({"delivery_across_cut", "safety",
                                 absl::StrCat(cuts.first, " (", cuts.violations, " in all)")});
  }
  for (Violation& v : liveness) {
    if (islands > 1) {
      v.klass = "known";
      absl::StrAppend(&v.detail, "; known: HyParView's active views split the running nodes into ",
                      islands, " islands, and HyParView never retries a dead connection");
    } else if (!backed_off.empty()) {
      v.klass = "known";
      absl::StrAppend(&v.detail, "; known: ", backed_off);
    }
    report.violations.push_back(std::move(v));
  }
  for (const ExpectationResult& e : verdicts) {
    if (e.passed) continue;
    report.violations.push_back(
        {"expect", "expect",
         absl::StrCat("[[expect]] ", e.description, "; measured ", e.measured)});
    break;
  }
  return report;
}

}  // namespace plumsim
