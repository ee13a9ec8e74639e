#include "sim/metrics/metrics.h"

#include <algorithm>
#include <cmath>

#include "sim/metrics/tree_analysis.h"

namespace plumsim {

const char* HandlerName(HandlerId handler) {
  return handler == kHeartbeatHandler ? "heartbeat"
         : handler == kStoreHandler   ? "application"
                                      : "?";
}

std::optional<HandlerId> HandlerByName(const std::string& name) {
  if (name == "heartbeat") return kHeartbeatHandler;
  if (name == "application") return kStoreHandler;
  return std::nullopt;
}

double MessageMetrics::reliability() const {
  return live > 0 ? static_cast<double>(delivered) / static_cast<double>(live) : 1.0;
}

double MessageMetrics::reach() const {
  if (running <= 0) return 0;
  return std::min(
      1.0, static_cast<double>(delivered + delivered_outside) / static_cast<double>(running));
}

std::optional<double> MessageMetrics::rmr() const {
  const int64_t all = delivered + delivered_outside;
  if (all <= 1) return std::nullopt;
  return static_cast<double>(payload) / static_cast<double>(all - 1) - 1.0;
}

void MessageMetrics::AddLatency(int64_t ns) {
  if (ns >= 0 && ns <= int64_t{UINT32_MAX}) {
    if (short_latencies_ns.size() == short_latencies_ns.capacity()) {
      // At most live - 1 nodes (the root excluded) first-deliver it while
      // live: grow to that bound rather than past it. A doubled vector held
      // up to twice its latencies, 0.6 GB of the 10,000-node heartbeat run.
      const size_t bound = live > 1 ? static_cast<size_t>(live - 1) : 1;
      size_t grown = std::max<size_t>(2 * short_latencies_ns.capacity(), 8);
      if (short_latencies_ns.size() < bound) grown = std::min(grown, bound);
      short_latencies_ns.reserve(grown);
    }
    short_latencies_ns.push_back(static_cast<uint32_t>(ns));
  } else {
    long_latencies_ns.push_back(ns);
  }
}

MetricsCollector::Bytes MetricsCollector::ApproximateBytes() const {
  Bytes bytes;
  bytes.messages = messages_.capacity() * sizeof(MessageMetrics) +
                   index_.capacity() * (sizeof(MessageKey) + sizeof(uint32_t) + 1);
  for (const MessageMetrics& m : messages_) {
    bytes.messages += m.short_latencies_ns.capacity() * sizeof(uint32_t) +
                      m.long_latencies_ns.capacity() * sizeof(int64_t) +
                      m.delivered_by.capacity() / 8;
  }
  for (const auto& [root, tree] : delivery_trees_) {
    bytes.delivery_trees += sizeof(root) + sizeof(tree) + tree.capacity() * sizeof(tree[0]);
  }
  return bytes;
}

std::vector<int64_t> MessageMetrics::Latencies() const {
  std::vector<int64_t> all(short_latencies_ns.begin(), short_latencies_ns.end());
  all.insert(all.end(), long_latencies_ns.begin(), long_latencies_ns.end());
  return all;
}

int64_t MessageMetrics::LatencyQuantile(double q) const {
  std::vector<int64_t> sorted = Latencies();
  if (sorted.empty()) return 0;
  std::sort(sorted.begin(), sorted.end());
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::optional<double> WindowMetrics::rmr() const {
  if (first_deliveries == 0) return std::nullopt;
  return static_cast<double>(payload) / static_cast<double>(first_deliveries) - 1.0;
}

namespace {

bool NodesCanRestart(const Scenario& s) {
  if (!s.churn.empty()) return true;
  for (const TimelineEvent& e : s.events) {
    if (e.kind == TimelineEvent::Kind::kRestart) return true;
  }
  return false;
}

}  // namespace

MetricsCollector::MetricsCollector(const Simulation* sim, SimDuration window)
    : sim_(sim), window_(window), nodes_can_restart_(NodesCanRestart(sim->scenario())) {}

WindowMetrics& MetricsCollector::Window() {
  const int64_t index = sim_->now().ns() / window_.ns();
  while (static_cast<int64_t>(windows_.size()) <= index) {
    if (!windows_.empty()) windows_.back().live_nodes = running_;
    WindowMetrics w;
    w.start = SimTime::Zero() + window_ * static_cast<int64_t>(windows_.size());
    windows_.push_back(w);
  }
  return windows_.back();
}

MessageMetrics* MetricsCollector::Find(const BroadcastId& id, HandlerId handler) {
  auto it = index_.find(MessageKey{handler, id});
  return it == index_.end() ? nullptr : &messages_[it->second];
}

std::shared_ptr<const std::vector<bool>> MetricsCollector::LiveSet(NodeId root) {
  if (cached_version_ != connectivity_version_) {
    cached_version_ = connectivity_version_;
    all_running_.reset();
    component_of_.clear();
  }
  const bool cuts = sim_->network().HasActiveCuts();
  if (!cuts && all_running_ != nullptr) return all_running_;
  if (cuts) {
    auto it = component_of_.find(root);
    if (it != component_of_.end()) return it->second;
  }
  auto set = std::make_shared<std::vector<bool>>(sim_->node_count(), false);
  const PeerSet component = LiveComponent(*sim_, root);
  for (NodeId n : component) (*set)[n] = true;
  if (!cuts) {
    all_running_ = set;
  } else {
    for (NodeId n : component) component_of_[n] = set;  // one component, shared
  }
  return set;
}

void MetricsCollector::OnNodeEvent(NodeEventKind kind, NodeId, int64_t) {
  ++connectivity_version_;
  WindowMetrics& w = Window();  // close earlier windows with the old count
  const bool up = kind == NodeEventKind::kStart || kind == NodeEventKind::kRestart ||
                  kind == NodeEventKind::kJoin;
  running_ += up ? 1 : -1;
  // A node that goes takes its edges out of every root's eager graph (one
  // that comes resets its sets: a reset_peers, counted there).
  if (!up) {
    last_global_change_ = sim_->now();
    ++w.eager_changes;
  }
}

void MetricsCollector::OnPeersChanged(NodeId, const PeerSetChange& change) {
  using Kind = PeerSetChange::Kind;
  if ((change.kind == Kind::kAddEager || change.kind == Kind::kAddLazy) && !change.eager_changed) {
    return;  // only the lazy set changed
  }
  ++Window().eager_changes;
  if (change.kind == Kind::kResetPeers || change.kind == Kind::kNeighborsDown) {
    last_global_change_ = sim_->now();
    return;
  }
  if (root_changes_.size() <= change.root) root_changes_.resize(change.root + 1);
  RootChanges& r = root_changes_[change.root];
  r.last = sim_->now();
  ++r.count;
}

void MetricsCollector::OnOriginate(NodeId node, HandlerId handler, const BroadcastId& id) {
  MessageMetrics m;
  m.root = node;
  m.handler = handler;
  m.id = id;
  m.sent_at = sim_->now();
  m.live_set = LiveSet(node);
  m.live = std::count(m.live_set->begin(), m.live_set->end(), true);
  m.running = running_;
  if (nodes_can_restart_) {
    m.delivered_by.assign(sim_->node_count(), false);
    m.delivered_by[node] = true;  // the root delivers its own message
  }
  index_[MessageKey{handler, id}] = static_cast<uint32_t>(messages_.size());
  messages_.push_back(std::move(m));
  if (Tracked(node)) {
    latest_of_root_[node] = MessageKey{handler, id};
    delivery_trees_[node].clear();
  }
  ++Window().originated;
}

void MetricsCollector::OnDeliver(NodeId, NodeId, const Message& message) {
  WindowMetrics& w = Window();
  ++w.by_type[message.index()];
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, BroadcastMsg> || std::is_same_v<T, IHaveMsg> ||
                      std::is_same_v<T, IgnoredIHaveMsg> || std::is_same_v<T, GraftMsg>) {
          MessageMetrics* m = Find(x.id, x.handler);
          if (m == nullptr) return;
          if constexpr (std::is_same_v<T, BroadcastMsg>) {
            ++m->payload;
            ++w.payload;
          } else if constexpr (std::is_same_v<T, IHaveMsg>) {
            ++m->i_have;
          } else if constexpr (std::is_same_v<T, IgnoredIHaveMsg>) {
            ++m->ignored_i_have;
          } else {
            ++m->graft;
            grafts_.emplace_back(static_cast<uint32_t>(m - messages_.data()), x.round);
          }
        }
      },
      message);
}

void MetricsCollector::OnConnectionClose(NodeId holder, NodeId peer, Channel /*channel*/,
                                         CloseReason reason) {
  connection_closes_.push_back(ConnectionClose{sim_->now(), holder, peer, reason});
}

void MetricsCollector::OnMerge(NodeId node, const BroadcastMsg& b, bool valid) {
  WindowMetrics& w = Window();
  if (!valid) {
    ++w.stale_copies;
    return;
  }
  ++w.first_deliveries;
  MessageMetrics* m = Find(b.id, b.handler);
  if (m == nullptr) return;
  if (!m->delivered_by.empty()) {
    if (m->delivered_by[node]) {
      ++m->redelivered;  // an earlier incarnation delivered it: counted once
      return;
    }
    m->delivered_by[node] = true;
  }
  if (node >= m->live_set->size() || !(*m->live_set)[node]) {
    ++m->delivered_outside;  // not in LDH or latency: see docs/metrics.md
  } else {
    ++m->delivered;
    m->ldh = std::max<int64_t>(m->ldh, static_cast<int64_t>(b.round) + 1);
    m->AddLatency((sim_->now() - m->sent_at).ns());
  }
  auto latest = latest_of_root_.find(m->root);
  if (latest != latest_of_root_.end() && latest->second == MessageKey{b.handler, b.id}) {
    delivery_trees_[m->root].emplace_back(node, b.from);
  }
}

void MetricsCollector::Finish(SimTime end, SimDuration settle) {
  for (MessageMetrics& m : messages_) {
    m.settled = m.sent_at + settle <= end;
    m.delivered_by = std::vector<bool>();  // no longer needed
  }
  // Windows up to the end, the last one with the final running count.
  const int64_t last = std::max<int64_t>(0, (end.ns() - 1) / window_.ns());
  while (static_cast<int64_t>(windows_.size()) <= last) {
    if (!windows_.empty()) windows_.back().live_nodes = running_;
    WindowMetrics w;
    w.start = SimTime::Zero() + window_ * static_cast<int64_t>(windows_.size());
    windows_.push_back(w);
  }
  if (!windows_.empty()) windows_.back().live_nodes = running_;
}

std::vector<RootConvergence> MetricsCollector::Convergence(std::optional<HandlerId> handler) const {
  const ConvergenceSettings& settings = sim_->scenario().convergence;
  // Per root, in send order (messages_ is in origination order).
  std::vector<RootConvergence> out;
  absl::flat_hash_map<NodeId, size_t> slot;
  struct State {
    std::optional<SimTime> strict;   // start of the current run at reliability 1, RMR 0
    std::optional<SimTime> settled;  // start of the current run at RMR <= epsilon
    int64_t after_change = 0;        // messages sent after the last change
  };
  std::vector<State> states;
  std::vector<bool> grafted(messages_.size(), false);
  for (const auto& [index, round] : grafts_) grafted[index] = true;
  for (size_t i = 0; i < messages_.size(); ++i) {
    const MessageMetrics& m = messages_[i];
    if (!m.settled || (handler && m.handler != *handler)) continue;
    auto [it, inserted] = slot.try_emplace(m.root, out.size());
    if (inserted) {
      RootConvergence r;
      r.root = m.root;
      r.last_change = last_global_change_;
      if (m.root < root_changes_.size()) {
        r.last_change = std::max(r.last_change, root_changes_[m.root].last);
        r.eager_changes = root_changes_[m.root].count;
      }
      out.push_back(r);
      states.emplace_back();
    }
    RootConvergence& r = out[it->second];
    State& st = states[it->second];
    ++r.messages;
    r.messages_with_grafts += grafted[i];
    const std::optional<double> rmr = m.rmr();
    if (m.reliability() >= 1.0 && (!rmr || *rmr <= 0.0)) {
      if (!st.strict) st.strict = m.sent_at;
    } else {
      st.strict.reset();
    }
    if (!rmr || *rmr <= settings.rmr_epsilon) {
      if (!st.settled) st.settled = m.sent_at;
    } else {
      st.settled.reset();
    }
    // Strictly after: a change at the instant of a send may precede it.
    if (m.sent_at > r.last_change) ++st.after_change;
  }
  const int64_t needed = std::max<int64_t>(1, settings.stable_rounds);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].converged_at = states[i].strict;
    out[i].rmr_settled_at = states[i].settled;
    if (states[i].after_change >= needed) out[i].tree_stable_at = out[i].last_change;
  }
  std::sort(out.begin(), out.end(),
            [](const RootConvergence& a, const RootConvergence& b) { return a.root < b.root; });
  return out;
}

namespace {

ConvergenceQuantiles Quantiles(const std::vector<RootConvergence>& roots,
                               std::optional<SimTime> RootConvergence::*time) {
  ConvergenceQuantiles q;
  q.roots = static_cast<int64_t>(roots.size());
  std::vector<SimTime> times;
  for (const RootConvergence& r : roots) {
    if (r.*time) times.push_back(*(r.*time));
  }
  q.reached = static_cast<int64_t>(times.size());
  if (times.empty()) return q;
  std::sort(times.begin(), times.end());
  auto rank = [&](double p) {  // nearest rank
    const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(times.size())));
    return times[std::min(times.size() - 1, k == 0 ? 0 : k - 1)];
  };
  q.p50 = rank(0.5);
  q.p90 = rank(0.9);
  q.max = times.back();
  return q;
}

}  // namespace

ConvergenceReport MetricsCollector::ConvergenceOf(std::optional<HandlerId> handler) const {
  ConvergenceReport report;
  report.roots = Convergence(handler);
  report.strict = Quantiles(report.roots, &RootConvergence::converged_at);
  report.tree_stable = Quantiles(report.roots, &RootConvergence::tree_stable_at);
  report.rmr_settled = Quantiles(report.roots, &RootConvergence::rmr_settled_at);
  // Obstacles: the roots that are not tree-stable.
  ConvergenceObstacles& o = report.obstacles;
  absl::flat_hash_map<NodeId, bool> unstable;
  for (const RootConvergence& r : report.roots) {
    if (r.tree_stable_at) continue;
    unstable[r.root] = true;
    ++o.roots;
    o.messages += r.messages;
    o.messages_with_grafts += r.messages_with_grafts;
  }
  if (o.roots == 0) return report;
  for (const auto& [index, round] : grafts_) {
    const MessageMetrics& m = messages_[index];
    if (!m.settled || (handler && m.handler != *handler) || !unstable.contains(m.root)) continue;
    const size_t depth = static_cast<size_t>(round) + 1;
    if (o.grafts_by_depth.size() <= depth) o.grafts_by_depth.resize(depth + 1, 0);
    ++o.grafts_by_depth[depth];
  }
  // Second half of the run: eager changes per message originated.
  if (!windows_.empty()) {
    const size_t half = windows_.size() / 2;
    int64_t changes = 0, originated = 0;
    for (size_t i = half; i < windows_.size(); ++i) {
      changes += windows_[i].eager_changes;
      originated += windows_[i].originated;
    }
    o.eager_changes_per_message_late =
        originated > 0 ? static_cast<double>(changes) / static_cast<double>(originated) : 0;
  }
  return report;
}

std::optional<SimTime> MetricsCollector::Overall(const std::vector<RootConvergence>& roots) {
  if (roots.empty()) return std::nullopt;
  SimTime latest = SimTime::Zero();
  for (const RootConvergence& r : roots) {
    if (!r.converged_at) return std::nullopt;
    latest = std::max(latest, *r.converged_at);
  }
  return latest;
}

}  // namespace plumsim
