#include "sim/explore/invariants.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "sim/metrics/overlay_views.h"
#include "sim/metrics/summary.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/run/runner.h"

namespace plumsim {
namespace {

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

// What HyParView's active views at the end show that only Partisan's own
// clauses explain (protocol findings; "" when views are symmetric and every
// running node is listed).
struct OverlayFindings {
  std::string unlisted;  // a running node no other running node lists
  std::string one_way;   // a running node lists a running peer that does not list it
};

constexpr char kUnlistedWhy[] =
    "a peer whose connection dies is dropped from both views without a word "
    "(partisan_hyparview_peer_service_manager handle_info({'EXIT', ...}), ~lines "
    "1135-1189), a join through a contact that is not up is lost for good "
    "(handle_cast({join, ...}), ~lines 999-1016: \"we currently ignore errors\"), and "
    "random promotion draws only from the node's own passive view (~lines 1046-1067)";
constexpr char kOneWayWhy[] =
    "'EXIT' removes the peer from the holder's views without a disconnect "
    "(partisan_hyparview_peer_service_manager handle_info({'EXIT', ...}), ~lines "
    "1135-1189), while the peer's own connection to the holder lives on (its listener's "
    "death closed only the connections it had accepted: partisan_peer_service_server "
    "handle_info({'DOWN', ..., port, ...}), ~line 120), so it keeps the holder";

constexpr char kPruneWhy[] =
    "the prune is dropped ({error, not_yet_connected} from do_send_message is ignored: "
    "partisan_hyparview_peer_service_manager do_send_message/3, ~lines "
    "2222-2281), and the node that sent the stale copy still has the pruner eager: its "
    "manager dropped the pruner on 'EXIT' without notify/1 (~lines 1135-1189), so its "
    "broadcast server was never told, and it keeps pushing";

OverlayFindings FindOverlayFindings(const Simulation& sim) {
  OverlayFindings out;
  const OverlayViews v = ReadOverlayViews(sim);
  if (!v.one_way.empty()) {
    const auto [holder, peer] = v.one_way.front();
    out.one_way = absl::StrCat(NodeName(holder), " lists ", NodeName(peer),
                               " in its active view at the end, but ", NodeName(peer),
                               " does not list ", NodeName(holder), " (", v.one_way.size(),
                               " one-way entries of ", v.entries, ")");
  }
  if (!v.unlisted.empty()) {
    out.unlisted = absl::StrCat(NodeName(v.unlisted.front()),
                                " is running at the end, and no other running node has it in its "
                                "active view (",
                                v.unlisted.size(), " such nodes of ", v.running, ")");
  }
  return out;
}

// Why a TCP connection still holds a packet (a message, or a keepalive ping
// or pong) sent before the quiet period at the end ("" if none): its
// retransmission backed off past the quiet period, or a cut outlived its
// heal.
std::string BackedOff(const Simulation& sim, SimTime quiet_from) {
  const std::optional<Network::InFlightAge> oldest = sim.network().OldestTcpInFlight();
  if (oldest && oldest->sent_at < quiet_from) {
    return absl::StrCat(
        NodeName(oldest->from), " -> ", NodeName(oldest->to), " still has a packet sent at ",
        FormatSimTime(oldest->sent_at),
        " in flight at the end: a TCP retransmission timeout backed off past the quiet "
        "period, and the connection delivers nothing behind it");
  }
  const std::optional<TcpConnections::HeldAge> held =
      sim.tcp() != nullptr ? sim.tcp()->OldestHeld() : std::nullopt;
  if (held && held->sent_at < quiet_from) {
    return absl::StrCat(NodeName(held->from), " -> ", NodeName(held->to),
                        " still holds a packet sent at ", FormatSimTime(held->sent_at),
                        " at the end: a cut outlived its heal (TCP resends at its next backed-off "
                        "retransmission after the heal, and nothing goes out before it)");
  }
  return "";
}

// One run's checks: the observers while it runs, what its end shows, and
// the report.
class RunChecks {
 public:
  RunChecks(const Scenario& scenario, const InvariantOptions& options)
      : scenario_(scenario), options_(options), trees_at_broadcast_(options.liveness_from) {}

  // The run's options; `this` must outlive the run.
  RunOptions Options() {
    RunOptions run;
    run.observers = {&once_, &cuts_, &trees_at_broadcast_, &prunes_};
    run.customize_nodes = options_.customize_nodes;
    run.on_built = [this](const Simulation& sim) {
      cuts_.set_simulation(&sim);
      prunes_.set_simulation(&sim);
      trees_at_broadcast_.set_simulation(&sim);
    };
    run.on_finished = [this](const Simulation& sim, const MetricsCollector& metrics,
                             const std::vector<TreeShape>& trees) {
      islands_ = OverlayIslands(sim);
      overlay_ = FindOverlayFindings(sim);
      backed_off_ = BackedOff(sim, options_.quiet_from);
      verdicts_ = CheckExpectations(scenario_, metrics, trees);
      CheckMessages(metrics);
      if (std::optional<std::string> not_spanning = trees_at_broadcast_.FirstNotSpanning(sim)) {
        liveness_.push_back({"tree_not_spanning", "liveness", *not_spanning});
      }
    };
    return run;
  }

  // Safety, then liveness (known or not), then the first failed [[expect]].
  InvariantReport Report(const std::string& digest) {
    report_.digest = digest;
    if (once_.duplicates > 0) {
      report_.violations.push_back({"duplicate_delivery", "safety",
                                    absl::StrCat(once_.first, " (", once_.duplicates, " in all)")});
    }
    if (cuts_.violations > 0) {
      report_.violations.push_back({"delivery_across_cut", "safety",
                                    absl::StrCat(cuts_.first, " (", cuts_.violations, " in all)")});
    }
    for (Violation& v : liveness_) report_.violations.push_back(ClassLiveness(std::move(v)));
    for (const ExpectationResult& e : verdicts_) {
      if (e.passed) continue;
      report_.violations.push_back(
          {"expect", "expect",
           absl::StrCat("[[expect]] ", e.description, "; measured ", e.measured)});
      break;
    }
    // The end of a run with a quiet period: what the faults left for good.
    if (options_.liveness_from != SimTime::Max()) {
      if (!overlay_.unlisted.empty()) {
        report_.violations.push_back(
            {"unlisted_node", "protocol", absl::StrCat(overlay_.unlisted, "; ", kUnlistedWhy)});
      }
      if (!overlay_.one_way.empty()) {
        report_.violations.push_back(
            {"one_way_views", "protocol", absl::StrCat(overlay_.one_way, "; ", kOneWayWhy)});
      }
      if (prunes_.drops > 0) {
        report_.violations.push_back(
            {"undelivered_prune", "protocol",
             absl::StrCat(prunes_.first, " (", prunes_.drops, " in the window); ", kPruneWhy)});
      }
    }
    return std::move(report_);
  }

 private:
  // reliability_range (reported at once) and live_unreached, each at its
  // first message.
  void CheckMessages(const MetricsCollector& metrics) {
    std::string range, unreached;
    for (const MessageMetrics& m : metrics.messages()) {
      if (range.empty()) range = ReliabilityOutOfRange(m).value_or("");
      if (!m.settled || m.sent_at < options_.liveness_from) continue;
      ++report_.liveness_messages;
      if (unreached.empty() && m.reliability() < 1) {
        unreached = absl::StrCat(NodeName(m.root), "'s ", HandlerName(m.handler),
                                 " message sent at ", FormatSimTime(m.sent_at), " reached ",
                                 m.delivered, " of ", m.live, " live nodes");
      }
    }
    if (!range.empty()) report_.violations.push_back({"reliability_range", "safety", range});
    if (!unreached.empty()) liveness_.push_back({"live_unreached", "liveness", unreached});
  }

  // A liveness violation is known when the end of the run explains it.
  Violation ClassLiveness(Violation v) const {
    if (islands_ > 1) {
      v.klass = "known";
      absl::StrAppend(&v.detail, "; known: HyParView's active views split the running nodes into ",
                      islands_, " islands, and HyParView never retries a dead connection");
    } else if (!backed_off_.empty()) {
      v.klass = "known";
      absl::StrAppend(&v.detail, "; known: ", backed_off_);
    } else if (prunes_.drops > 0) {
      v.klass = "protocol";
      absl::StrAppend(&v.detail, "; protocol: ", prunes_.first, ": ", kPruneWhy);
    } else if (!overlay_.unlisted.empty() || !overlay_.one_way.empty()) {
      // Partisan's own clauses leave a node out: a protocol finding.
      v.klass = "protocol";
      absl::StrAppend(&v.detail, "; protocol: ",
                      !overlay_.unlisted.empty() ? overlay_.unlisted : overlay_.one_way, ": ",
                      !overlay_.unlisted.empty() ? kUnlistedWhy : kOneWayWhy);
    }
    return v;
  }

  const Scenario& scenario_;
  const InvariantOptions& options_;
  DeliveredOnce once_;
  CutWatch cuts_;
  PruneDropWatch prunes_{options_.liveness_from};
  TreeWatch trees_at_broadcast_;
  InvariantReport report_;
  std::vector<Violation> liveness_;
  std::vector<ExpectationResult> verdicts_;
  int islands_ = 1;
  OverlayFindings overlay_;
  std::string backed_off_;  // a TCP retransmission outliving the faults
};

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

void PruneDropWatch::OnDrop(NodeId from, NodeId to, const Message& message, DropReason reason) {
  if (reason != DropReason::kNotConnected || !std::holds_alternative<PruneMsg>(message)) return;
  if (sim_ == nullptr || sim_->now() < from_) return;
  if (drops++ == 0) {
    first =
        absl::StrCat(NodeName(from), "'s prune of ", NodeName(to), " for root ",
                     NodeName(std::get<PruneMsg>(message).root), " at ", FormatSimTime(sim_->now()),
                     " was dropped: ", NodeName(from), " holds no connection to ", NodeName(to));
  }
}

void CutWatch::OnDeliver(NodeId from, NodeId to, const Message&) {
  if (sim_ == nullptr || sim_->network().CanReach(from, to) || from == to) return;
  if (violations++ == 0) {
    first = absl::StrCat(NodeName(from), " -> ", NodeName(to), " delivered at ",
                         FormatSimTime(sim_->now()), " while ", NodeName(from), " cannot reach ",
                         NodeName(to));
  }
}

std::optional<std::string> ReliabilityOutOfRange(const MessageMetrics& m) {
  const std::optional<double> rmr = m.rmr();
  const bool out = m.reliability() < 0 || m.reliability() > 1 || (rmr && *rmr < 0);
  if (!out) return std::nullopt;
  return absl::StrCat(NodeName(m.root), "'s message sent at ", FormatSimTime(m.sent_at),
                      ": reliability ", m.reliability(), ", rmr ", rmr.value_or(0));
}

bool InvariantReport::Breaks(const std::string& invariant, const std::string& klass) const {
  return std::any_of(violations.begin(), violations.end(), [&](const Violation& v) {
    return v.invariant == invariant && v.klass == klass;
  });
}

absl::StatusOr<InvariantReport> CheckInvariants(const Scenario& scenario,
                                                const InvariantOptions& options) {
  RunChecks checks(scenario, options);
  absl::StatusOr<RunResult> result = RunScenario(scenario, checks.Options());
  if (!result.ok()) return result.status();
  return checks.Report(result->digest_hex);
}

}  // namespace plumsim
