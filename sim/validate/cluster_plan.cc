#include "sim/validate/cluster_plan.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

int64_t Ms(SimDuration d) { return d.ns() / 1'000'000; }
int64_t Ms(absl::Duration d) { return absl::ToInt64Milliseconds(d); }

std::string Where(const Scenario& s, int line, int column) {
  if (line <= 0) return s.source_path.empty() ? std::string("scenario") : s.source_path;
  return absl::StrCat(s.source_path.empty() ? "scenario" : s.source_path, ":", line, ":",
                      column > 0 ? column : 1);
}

constexpr char kApplies[] =
    "a real cluster run applies crash, restart, join, leave and broadcast only "
    "(docs/validate.md, \"What a real run can apply\")";

// What the network and node settings ask that localhost cannot give.
absl::Status CheckSettings(const Scenario& s) {
  std::vector<std::string> refused;
  const std::string where = Where(s, 0, 0);
  if (s.network.transport != Transport::kTcp) {
    refused.push_back("[network] transport = \"datagram\": Partisan's connections are TCP");
  }
  if (s.network.loss > 0 || s.network.duplicate > 0 || s.network.reorder) {
    refused.push_back("[network] loss, duplicate or reorder: localhost TCP loses nothing");
  }
  if (!s.links.empty()) refused.push_back("[[network.links]]: per-link latency or loss");
  if (!s.churn.empty()) refused.push_back("[[churn]]: write its crashes and restarts as events");
  if (s.crash_mode != CrashMode::kProcess) {
    refused.push_back("[nodes] crash = \"host\": a killed VM's OS resets its connections");
  }
  if (!s.node_names.empty() || !s.node_addresses.empty()) {
    refused.push_back("[nodes] names or addresses: a real run names nodes nK@127.0.0.1");
  }
  if (s.partisan.persist_epoch) {
    refused.push_back("[partisan] persist_epoch: a real run keeps no data dir");
  }
  if (refused.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      where, ": a real cluster on this machine cannot apply:\n  ", absl::StrJoin(refused, "\n  ")));
}

// Start times by [nodes]: the simulation's own draws for the scenario's seed
// (Simulation::ScheduleTimeline draws every start from this stream first).
std::vector<int64_t> StartTimesMs(const Scenario& s) {
  RandomStream rng(s.seed, StreamDomain::kStartup, 0);
  std::vector<int64_t> out;
  for (int64_t i = 0; i < s.node_count; ++i) {
    SimDuration at = s.start_interval * i;
    if (s.start_jitter > SimDuration::Zero()) {
      at = at + SimDuration::Nanoseconds(static_cast<int64_t>(
                    rng.UniformInt(static_cast<uint64_t>(s.start_jitter.ns()) + 1)));
    }
    out.push_back(Ms(at));
  }
  return out;
}

class Planner {
 public:
  explicit Planner(const Scenario& s) : s_(s), rng_(s.seed, StreamDomain::kValidate, 0) {}

  absl::StatusOr<ClusterPlan> Plan(int first_peer_port) {
    plan_.duration_ms = Ms(s_.duration);
    for (int64_t i = 0; i < s_.total_nodes(); ++i) {
      plan_.nodes.push_back(
          {static_cast<int>(i), absl::StrCat("n", i), first_peer_port + static_cast<int>(i)});
    }
    started_at_.assign(plan_.nodes.size(), -1);
    const std::vector<int64_t> starts = StartTimesMs(s_);
    std::vector<int> order(starts.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return starts[a] < starts[b]; });
    for (int i : order) Start("start", i, starts[i], std::nullopt);
    for (const TimelineEvent& e : s_.events) {
      if (absl::Status st = Event(e); !st.ok()) return st;
    }
    // At one instant, node events before broadcasts, as the simulation
    // schedules them (Simulation::ScheduleTimeline).
    std::stable_sort(plan_.events.begin(), plan_.events.end(), [](const auto& a, const auto& b) {
      return std::pair(a.at_ms, a.kind == "broadcast") < std::pair(b.at_ms, b.kind == "broadcast");
    });
    DropBroadcastsOfStoppedRoots();
    return plan_;
  }

  // A broadcast due at a root that is not running is skipped, as the
  // simulation skips it; the controller would find no VM to call.
  void DropBroadcastsOfStoppedRoots() {
    std::vector<bool> running(plan_.nodes.size(), false);
    std::vector<ClusterPlan::Event> kept;
    for (ClusterPlan::Event& e : plan_.events) {
      if (e.kind == "broadcast" && !running[e.node]) continue;
      if (e.kind == "start" || e.kind == "restart") running[e.node] = true;
      if (e.kind == "crash" || e.kind == "leave") running[e.node] = false;
      kept.push_back(std::move(e));
    }
    plan_.events = std::move(kept);
  }

 private:
  // Full membership: join n0 unless this is n0. HyParView: [nodes] bootstrap.
  std::optional<int> Contact(int node, std::optional<NodeId> given) {
    if (given) return static_cast<int>(*given);
    if (node == 0) return std::nullopt;
    if (s_.membership != "hyparview" || s_.bootstrap == Scenario::Bootstrap::kSeed) return 0;
    std::vector<int> earlier;
    for (int i = 0; i < node; ++i) {
      if (s_.bootstrap == Scenario::Bootstrap::kEarlier || started_at_[i] >= 0)
        earlier.push_back(i);
    }
    if (earlier.empty()) return std::nullopt;
    return earlier[rng_.UniformInt(earlier.size())];
  }

  void Start(const char* kind, int node, int64_t at_ms, std::optional<NodeId> contact) {
    plan_.events.push_back({at_ms, kind, node, Contact(node, contact), 0});
    if (started_at_[node] < 0) started_at_[node] = at_ms;
  }

  absl::Status Event(const TimelineEvent& e) {
    using K = TimelineEvent::Kind;
    const int64_t at = Ms(e.at - SimTime());
    switch (e.kind) {
      case K::kCrash:
      case K::kLeave:
        for (NodeId n : e.nodes) {
          plan_.events.push_back(
              {at, e.kind == K::kCrash ? "crash" : "leave", static_cast<int>(n), std::nullopt, 0});
        }
        return absl::OkStatus();
      case K::kRestart:
      case K::kJoin:
        for (NodeId n : e.nodes) {
          Start(e.kind == K::kRestart ? "restart" : "start", static_cast<int>(n), at, e.contact);
        }
        return absl::OkStatus();
      case K::kBroadcast:
        for (int64_t k = 0; k < e.count; ++k) {
          const NodeId root = e.from.At(static_cast<size_t>(k) % e.from.size());
          plan_.events.push_back({Ms(e.at + e.interval * k - SimTime()), "broadcast",
                                  static_cast<int>(root), std::nullopt, e.size_bytes});
        }
        return absl::OkStatus();
      default:
        return absl::InvalidArgumentError(
            absl::StrCat(Where(s_, e.line, e.column), ": ", EventKindName(e.kind), ": ", kApplies));
    }
  }

  const Scenario& s_;
  RandomStream rng_;
  ClusterPlan plan_;
  std::vector<int64_t> started_at_;
};

std::string ErlangString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string NodeAtom(const ClusterPlan::Node& n, const std::string& host) {
  return absl::StrCat("'", n.name, "@", host, "'");
}

std::string PartisanTerms(const Scenario& s) {
  const HyParViewConfig& h = s.hyparview;
  const auto flag = [](bool b) { return b ? "true" : "false"; };
  return absl::StrCat(
      "{partisan, #{membership => ", s.membership == "hyparview" ? "hyparview" : "full",
      ",\n  lazy_tick_period => ", Ms(s.plumtree.lazy_tick_period), ", exchange_tick_period => ",
      Ms(s.plumtree.exchange_tick_period), ",\n  broadcast => ", flag(s.heartbeat.broadcast),
      ", broadcast_heartbeat_interval => ", Ms(s.heartbeat.broadcast_heartbeat_interval),
      ",\n  connection_ping => #{idle_timeout => ", Ms(s.partisan.ping_idle_timeout),
      ", timeout => ", Ms(s.partisan.ping_timeout), ", max_attempts => ",
      s.partisan.ping_max_attempts, "}", ",\n  hyparview => #{active_max_size => ",
      h.active_max_size, ", active_min_size => ", h.active_min_size, ", active_rwl => ",
      h.active_rwl, ",\n    passive_max_size => ", h.passive_max_size, ", passive_rwl => ",
      h.passive_rwl, ", random_promotion => ", flag(h.random_promotion),
      ",\n    random_promotion_interval => ", Ms(h.random_promotion_interval),
      ", shuffle_interval => ", Ms(h.shuffle_interval), ",\n    shuffle_k_active => ",
      h.shuffle_k_active, ", shuffle_k_passive => ", h.shuffle_k_passive, "}}}.\n");
}

std::string EventTerm(const ClusterPlan::Event& e) {
  if (e.kind == "broadcast") {
    return absl::StrCat("{", e.at_ms, ", broadcast, ", e.node, ", ", e.size_bytes, "}");
  }
  if (e.kind == "start" || e.kind == "restart") {
    return absl::StrCat("{", e.at_ms, ", ", e.kind, ", ", e.node, ", ",
                        e.contact ? absl::StrCat(*e.contact) : "none", "}");
  }
  return absl::StrCat("{", e.at_ms, ", ", e.kind, ", ", e.node, "}");
}

}  // namespace

std::string PlanSignature(const std::string& plan_text) {
  const size_t duration = plan_text.find("{duration_ms,");
  const size_t duration_end = plan_text.find('\n', duration);
  const size_t partisan = plan_text.find("{partisan,");
  if (duration == std::string::npos || partisan == std::string::npos ||
      duration_end == std::string::npos) {
    return "";
  }
  return absl::StrCat(plan_text.substr(duration, duration_end - duration), "\n",
                      plan_text.substr(partisan));
}

absl::StatusOr<ClusterPlan> PlanCluster(const Scenario& scenario, int first_peer_port) {
  if (absl::Status st = CheckSettings(scenario); !st.ok()) return st;
  return Planner(scenario).Plan(first_peer_port);
}

std::string PlanText(const ClusterPlan& plan, const Scenario& scenario, const PlanPlaces& places) {
  std::vector<std::string> paths, nodes, events;
  for (const std::string& p : places.code_paths) paths.push_back(ErlangString(p));
  for (const auto& n : plan.nodes) {
    nodes.push_back(absl::StrCat("#{id => ", n.id, ", name => ", NodeAtom(n, places.host),
                                 ", peer_port => ", n.peer_port, "}"));
  }
  for (const auto& e : plan.events) events.push_back(EventTerm(e));
  return absl::StrCat("%% plumsim validate: the real cluster run of ", scenario.name,
                      " (docs/validate.md, \"The plan\").\n{format, 1}.\n{out_dir, ",
                      ErlangString(places.out_dir), "}.\n{code_paths, [",
                      absl::StrJoin(paths, ",\n  "), "]}.\n{cookie, ", places.cookie,
                      "}.\n{epmd_port, ", places.epmd_port, "}.\n{duration_ms, ", plan.duration_ms,
                      "}.\n{boot_timeout_ms, ", places.boot_timeout_ms, "}.\n{nodes, [",
                      absl::StrJoin(nodes, ",\n  "), "]}.\n", PartisanTerms(scenario), "{events, [",
                      absl::StrJoin(events, ",\n  "), "]}.\n");
}

}  // namespace plumsim
