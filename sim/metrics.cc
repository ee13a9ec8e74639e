#include "sim/metrics.h"

#include <algorithm>
#include <cmath>

#include "sim/tree_analysis.h"

namespace plumsim {

double MessageMetrics::reliability() const {
  return live > 0 ? static_cast<double>(delivered) / static_cast<double>(live) : 1.0;
}

double MessageMetrics::reach() const {
  if (running <= 0) return 0;
  return std::min(1.0, static_cast<double>(delivered + delivered_outside) /
                           static_cast<double>(running));
}

std::optional<double> MessageMetrics::rmr() const {
  const int64_t all = delivered + delivered_outside;
  if (all <= 1) return std::nullopt;
  return static_cast<double>(payload) / static_cast<double>(all - 1) - 1.0;
}

void MessageMetrics::AddLatency(int64_t ns) {
  if (ns >= 0 && ns <= int64_t{UINT32_MAX}) {
    short_latencies_ns.push_back(static_cast<uint32_t>(ns));
  } else {
    long_latencies_ns.push_back(ns);
  }
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
  Window();  // close earlier windows with the old count
  const bool up = kind == NodeEventKind::kStart || kind == NodeEventKind::kRestart ||
                  kind == NodeEventKind::kJoin;
  running_ += up ? 1 : -1;
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
          }
        }
      },
      message);
}

void MetricsCollector::OnConnectionClose(NodeId holder, NodeId peer, CloseReason reason) {
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

std::vector<RootConvergence> MetricsCollector::Convergence(
    std::optional<HandlerId> handler) const {
  // Per root, in send order (messages_ is in origination order).
  std::vector<RootConvergence> out;
  absl::flat_hash_map<NodeId, size_t> slot;
  struct State {
    std::optional<SimTime> candidate;  // start of the current good run
    bool bad_last = false;
  };
  std::vector<State> states;
  for (const MessageMetrics& m : messages_) {
    if (!m.settled || (handler && m.handler != *handler)) continue;
    auto [it, inserted] = slot.try_emplace(m.root, out.size());
    if (inserted) {
      out.push_back(RootConvergence{m.root, 0, std::nullopt});
      states.emplace_back();
    }
    RootConvergence& r = out[it->second];
    State& st = states[it->second];
    ++r.messages;
    const std::optional<double> rmr = m.rmr();
    const bool good = m.reliability() >= 1.0 && (!rmr || *rmr <= 0.0);
    if (!good) {
      st.candidate.reset();
    } else if (!st.candidate) {
      st.candidate = m.sent_at;
    }
  }
  for (size_t i = 0; i < out.size(); ++i) out[i].converged_at = states[i].candidate;
  std::sort(out.begin(), out.end(),
            [](const RootConvergence& a, const RootConvergence& b) { return a.root < b.root; });
  return out;
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
