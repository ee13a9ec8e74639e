#include "sim/validate/sim_record.h"

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "sim/metrics/metrics.h"

namespace plumsim {
namespace {

using Kind = ClusterRecord::ReceiptKind;

std::vector<int> Indices(const PeerSet& peers) {
  return std::vector<int>(peers.begin(), peers.end());
}

}  // namespace

std::string RecordId(const BroadcastId& id) {
  return absl::StrCat("n", id.origin, ".", id.epoch, ".", id.sequence);
}

void SimRecord::Attach(const Simulation* sim) {
  sim_ = sim;
  const size_t n = sim->node_count();
  for (size_t i = 0; i < n; ++i) record_.nodes.push_back(absl::StrCat("n", i));
  last_eager_.assign(n, std::vector<PeerSet>(n));
  last_lazy_.assign(n, std::vector<PeerSet>(n));
  written_.assign(n * n, false);
}

int64_t SimRecord::NowUs() const { return sim_->now().ns() / 1000; }

int SimRecord::Handler(HandlerId handler) { return record_.HandlerIndex(HandlerName(handler)); }

void SimRecord::OnOriginate(NodeId node, HandlerId handler, const BroadcastId& id) {
  record_.originations.push_back({NowUs(), static_cast<int>(node), Handler(handler), RecordId(id)});
}

void SimRecord::OnDeliver(NodeId from, NodeId to, const Message& m) {
  ClusterRecord::Receipt r;
  r.at_us = NowUs();
  r.node = static_cast<int>(to);
  r.from = static_cast<int>(from);
  auto lazy = [&](Kind kind, const auto& x) {
    r.kind = kind;
    r.handler = Handler(x.handler);
    r.id = RecordId(x.id);
    r.root = static_cast<int>(x.root);
    r.round = static_cast<int>(x.round);
  };
  if (const auto* b = std::get_if<BroadcastMsg>(&m)) {
    lazy(Kind::kBroadcast, *b);
  } else if (const auto* p = std::get_if<PruneMsg>(&m)) {
    r.kind = Kind::kPrune;
    r.root = static_cast<int>(p->root);
  } else if (const auto* i = std::get_if<IHaveMsg>(&m)) {
    lazy(Kind::kIHave, *i);
  } else if (const auto* g = std::get_if<IgnoredIHaveMsg>(&m)) {
    lazy(Kind::kIgnoredIHave, *g);
  } else if (const auto* g = std::get_if<GraftMsg>(&m)) {
    lazy(Kind::kGraft, *g);
  } else {
    return;  // membership traffic
  }
  record_.receipts.push_back(std::move(r));
}

void SimRecord::OnConnectionClose(NodeId holder, NodeId peer, Channel, CloseReason reason) {
  record_.closes.push_back(
      {NowUs(), static_cast<int>(holder), static_cast<int>(peer), CloseReasonName(reason)});
}

void SimRecord::OnTimer(NodeId node, TimerKind kind) {
  using T = ClusterRecord::TickKind;
  T tick;
  switch (kind) {
    case TimerKind::kLazyTick:
      tick = T::kLazy;
      break;
    case TimerKind::kExchangeTick:
      tick = T::kExchange;
      break;
    case TimerKind::kHeartbeat:
      tick = T::kHeartbeat;
      break;
    default:
      return;
  }
  record_.ticks.push_back({NowUs(), static_cast<int>(node), tick});
}

void SimRecord::OnNodeEvent(NodeEventKind kind, NodeId node, int64_t) {
  const int n = static_cast<int>(node);
  ClusterRecord::Incarnation* open = nullptr;
  for (auto& inc : record_.incarnations) {
    if (inc.node == n && !inc.stop_us) open = &inc;
  }
  switch (kind) {
    case NodeEventKind::kStart:
    case NodeEventKind::kRestart:
    case NodeEventKind::kJoin:
      if (open == nullptr) record_.incarnations.push_back({n, NowUs(), std::nullopt});
      Snapshot(node);
      break;
    case NodeEventKind::kCrash:
    case NodeEventKind::kLeave:
      if (open != nullptr) open->stop_us = NowUs();
      break;
  }
}

void SimRecord::OnMembership(NodeId node, const PeerSet&) { Snapshot(node); }

void SimRecord::OnPeersChanged(NodeId node, const PeerSetChange&) { Snapshot(node); }

void SimRecord::Snapshot(NodeId node) {
  const BroadcastServer* server = sim_->node(node).server();
  if (server == nullptr) return;
  const size_t n = sim_->node_count();
  for (NodeId root = 0; root < n; ++root) {
    const size_t slot = static_cast<size_t>(node) * n + root;
    const PeerSet& eager = server->GetEagerPeers(root);
    const PeerSet& lazy = server->GetLazyPeers(root);
    if (!written_[slot] || eager != last_eager_[node][root]) {
      record_.peer_sets.push_back(
          {NowUs(), static_cast<int>(node), static_cast<int>(root), true, Indices(eager)});
      last_eager_[node][root] = eager;
    }
    if (!written_[slot] || lazy != last_lazy_[node][root]) {
      record_.peer_sets.push_back(
          {NowUs(), static_cast<int>(node), static_cast<int>(root), false, Indices(lazy)});
      last_lazy_[node][root] = lazy;
    }
    written_[slot] = true;
  }
}

ClusterRecord SimRecord::Finish(SimDuration duration) {
  PLUMSIM_CHECK(sim_ != nullptr);
  record_.end_us = duration.ns() / 1000;
  record_.SortByTime();
  return std::move(record_);
}

}  // namespace plumsim
