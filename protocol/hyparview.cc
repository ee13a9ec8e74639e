#include "protocol/hyparview.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "base/check.h"

namespace plumsim {

// HandleMessage dispatches on these indices.
static_assert(std::is_same_v<std::variant_alternative_t<5, Message>, JoinMsg>);
static_assert(std::is_same_v<std::variant_alternative_t<9, Message>, NeighborRequestMsg>);
static_assert(std::is_same_v<std::variant_alternative_t<13, Message>, ShuffleReplyMsg>);

HyParView::HyParView(Environment* env, HyParViewConfig config, int64_t epoch,
                     std::function<void(const PeerSet&)> notify)
    : env_(env),
      config_(config),
      self_(env->self()),
      order_(env->spec_order()),
      epoch_(epoch),
      notify_(std::move(notify)),
      active_{env->self()} {}

void HyParView::Start() {
  SchedulePassiveViewMaintenance();
  ScheduleRandomPromotion();
}

void HyParView::ScheduleRandomPromotion() {
  if (config_.random_promotion) {
    env_->StartTimer(config_.random_promotion_interval, TimerKind::kRandomPromotion);
  }
}

void HyParView::SchedulePassiveViewMaintenance() {
  env_->StartTimer(config_.shuffle_interval, TimerKind::kPassiveViewMaintenance);
}

// do_send_message/3 (~lines 2222-2281): partisan_peer_connections:
// dispatch_pid/1, the default channel's connection.
void HyParView::Send(NodeId to, Message message) {
  env_->Send(to, std::move(message), Channel::kDefault);
}

// notify/1: partisan_peer_service_events:update(Active).
void HyParView::Notify() {
  if (notify_) notify_(active_);
}

void HyParView::Join(NodeId contact) {
  env_->Connect(contact);
  Send(contact, JoinMsg{self_, epoch_});
}

void HyParView::HandleMessage(const Message& message) {
  switch (message.index()) {
    case 5:
      HandleJoin(std::get<JoinMsg>(message));
      break;
    case 6:
      HandleNeighbor(std::get<NeighborMsg>(message));
      break;
    case 7:
      HandleForwardJoin(std::get<ForwardJoinMsg>(message));
      break;
    case 8:
      HandleDisconnect(std::get<DisconnectMsg>(message));
      break;
    case 9:
      HandleNeighborRequest(std::get<NeighborRequestMsg>(message));
      break;
    case 10:
      HandleNeighborRejected(std::get<NeighborRejectedMsg>(message));
      break;
    case 11:
      HandleNeighborAccepted(std::get<NeighborAcceptedMsg>(message));
      break;
    case 12:
      HandleShuffle(std::get<ShuffleMsg>(message));
      break;
    case 13:
      MergeExchange(std::get<ShuffleReplyMsg>(message).exchange);
      break;  // shuffle_reply
    default:
      PLUMSIM_CHECK_MSG(false, "not a hyparview message");
  }
}

// handle_message({join, Peer, PeerTag, PeerEpoch}).
void HyParView::HandleJoin(const JoinMsg& m) {
  const NodeId peer = m.peer;
  if (!IsAddable(m.epoch, peer) || ordsets::IsElement(peer, active_, order_)) return;
  env_->Connect(peer);
  if (!env_->IsConnected(peer)) return;
  AddToActiveView(peer);
  Send(peer, NeighborMsg{self_, CurrentId(peer)});
  // Forward the join to every other active peer (active random walks).
  const PeerSet others =
      ordsets::DelElement(peer, ordsets::DelElement(self_, active_, order_), order_);
  for (NodeId p : others) {
    env_->Connect(p);
    Send(p, ForwardJoinMsg{peer, m.epoch, config_.active_rwl, self_});
  }
  Notify();
}

// handle_message({neighbor, Peer, PeerTag, DisconnectId, _Sender}).
void HyParView::HandleNeighbor(const NeighborMsg& m) {
  if (IsAddable(m.disconnect_id, m.peer)) {
    env_->Connect(m.peer);
    if (env_->IsConnected(m.peer)) AddToActiveView(m.peer);
  }
  Notify();
}

// handle_message({forward_join, Peer, PeerTag, PeerEpoch, TTL, Sender}).
void HyParView::HandleForwardJoin(const ForwardJoinMsg& m) {
  const NodeId peer = m.peer;
  auto add_and_answer = [&]() -> bool {
    env_->Connect(peer);
    if (!env_->IsConnected(peer)) return false;
    AddToActiveView(peer);
    Send(peer, NeighborMsg{self_, CurrentId(peer)});
    return true;
  };
  if (m.ttl == 0 || active_.size() == 1) {
    // The walk ends here (or this node has no peer): take the joiner.
    if (IsAddable(m.epoch, peer) && !ordsets::IsElement(peer, active_, order_)) add_and_answer();
  } else {
    // Snapshot for the Erlang's State0: a failed connect below reverts the
    // passive-view addition (the clause returns State0).
    const PeerSet passive_before = passive_;
    if (m.ttl == config_.passive_rwl) AddToPassiveView(peer);
    const std::optional<NodeId> random =
        PickRandom(active_, ordsets::FromList({m.sender, self_, peer}, order_));
    if (!random) {
      if (IsAddable(m.epoch, peer) && !ordsets::IsElement(peer, active_, order_)) {
        if (!add_and_answer()) passive_ = passive_before;
      }
    } else {
      env_->Connect(*random);
      Send(*random, ForwardJoinMsg{peer, m.epoch, m.ttl - 1, self_});
    }
  }
  Notify();
}

// handle_message({disconnect, Peer, DisconnectId}).
void HyParView::HandleDisconnect(const DisconnectMsg& m) {
  if (!IsValidDisconnect(m.peer, m.disconnect_id)) return;
  const PeerSet passive_before = passive_;
  active_ = ordsets::DelElement(m.peer, active_, order_);
  AddToPassiveView(m.peer);
  recv_message_map_[m.peer] = m.disconnect_id;
  env_->Disconnect(m.peer);
  if (active_.size() == 1) {
    // Isolated: promote a random peer of the passive view as it was before
    // this disconnect (the Erlang reads Passive from State0). No notify/1.
    PromotePeer(PickRandom(passive_before, ordsets::FromList({self_, m.peer}, order_)));
  }
}

// handle_message({neighbor_request, Peer, Priority, PeerTag, DisconnectId, Exchange}).
void HyParView::HandleNeighborRequest(const NeighborRequestMsg& m) {
  env_->Connect(m.peer);
  std::vector<NodeId> exchange_ack = SelectPeersForExchange();
  // neighbor_acceptable/3: high -> true; low -> the active view is not full.
  const bool acceptable = m.high_priority || !IsFullActive();
  if (acceptable) {
    if (IsAddable(m.disconnect_id, m.peer)) {
      if (env_->IsConnected(m.peer)) {
        Send(m.peer, NeighborAcceptedMsg{self_, CurrentId(m.peer), exchange_ack});
        AddToActiveView(m.peer);
      }
    } else {
      Send(m.peer, NeighborRejectedMsg{self_, true, std::move(exchange_ack)});
    }
  } else {
    Send(m.peer, NeighborRejectedMsg{self_, false, {}});
  }
  MergeExchange(m.exchange);
  Notify();
}

// handle_message({neighbor_rejected, Peer, Exchange}).
void HyParView::HandleNeighborRejected(const NeighborRejectedMsg& m) {
  if (!m.has_exchange) return;  // {neighbor_rejected, Peer}: no clause matches
  env_->Disconnect(m.peer);
  MergeExchange(m.exchange);
}

// handle_message({neighbor_accepted, Peer, PeerTag, DisconnectId, Exchange}).
void HyParView::HandleNeighborAccepted(const NeighborAcceptedMsg& m) {
  if (IsAddable(m.disconnect_id, m.peer)) AddToActiveView(m.peer);
  MergeExchange(m.exchange);
  Notify();
}

// handle_message({shuffle, Exchange, TTL, Sender}).
void HyParView::HandleShuffle(const ShuffleMsg& m) {
  if (m.ttl > 0 && active_.size() > 1) {
    const std::optional<NodeId> random =
        PickRandom(active_, ordsets::FromList({m.sender, self_}, order_));
    if (random) {
      env_->Connect(*random);
      Send(*random, ShuffleMsg{m.exchange, m.ttl - 1, self_});
    }
    return;
  }
  std::vector<NodeId> response = Shuffle(passive_, static_cast<int64_t>(m.exchange.size()));
  env_->Connect(m.sender);
  Send(m.sender, ShuffleReplyMsg{std::move(response), self_});
  MergeExchange(m.exchange);
}

void HyParView::OnTimer(TimerKind kind) {
  switch (kind) {
    case TimerKind::kRandomPromotion:
      // has_reached_limit({active, ...}, active_min_size)
      if (static_cast<int64_t>(active_.size()) < config_.active_min_size) {
        PromotePeer(PickRandom(passive_, {self_}));
      }
      ScheduleRandomPromotion();
      break;
    case TimerKind::kPassiveViewMaintenance: {
      std::vector<NodeId> exchange = SelectPeersForExchange();
      if (const std::optional<NodeId> peer = PickRandom(active_, {self_})) {
        env_->Connect(*peer);
        Send(*peer, ShuffleMsg{std::move(exchange), config_.active_rwl, self_});
      }
      SchedulePassiveViewMaintenance();
      break;
    }
    default:
      PLUMSIM_CHECK_MSG(false, "timer kind not owned by hyparview");
  }
}

// handle_info({'EXIT', Pid, _}): drop the peer from both views; if it was
// active, promote a random passive peer. No notify/1.
void HyParView::ConnectionDown(NodeId peer) {
  passive_ = ordsets::DelElement(peer, passive_, order_);
  if (ordsets::IsElement(peer, active_, order_)) {
    active_ = ordsets::DelElement(peer, active_, order_);
    PromotePeer(PickRandom(passive_, {self_}));
  }
}

// pick_random/2: uniformly from View -- Omit.
std::optional<NodeId> HyParView::PickRandom(const PeerSet& view, const PeerSet& omit) {
  const PeerSet candidates = ordsets::Subtract(view, omit, order_);
  if (candidates.empty()) return std::nullopt;
  return candidates[env_->UniformInt(candidates.size())];
}

// shuffle/2: one rand:uniform() per element, the first K elements kept and
// ordered by their draws.
std::vector<NodeId> HyParView::Shuffle(const PeerSet& view, int64_t k) {
  std::vector<std::pair<uint64_t, NodeId>> keyed;
  for (NodeId n : view) keyed.emplace_back(env_->UniformInt(uint64_t{1} << 53), n);
  if (static_cast<int64_t>(keyed.size()) > k)
    keyed.resize(static_cast<size_t>(std::max<int64_t>(k, 0)));
  std::sort(keyed.begin(), keyed.end());
  std::vector<NodeId> out;
  for (const auto& [key, n] : keyed) out.push_back(n);
  return out;
}

// select_peers_for_exchange/1: usort([Myself | shuffle(Active, KA)] ++
// shuffle(Passive, KP)).
std::vector<NodeId> HyParView::SelectPeersForExchange() {
  std::vector<NodeId> list = {self_};
  for (NodeId n : Shuffle(active_, config_.shuffle_k_active)) list.push_back(n);
  for (NodeId n : Shuffle(passive_, config_.shuffle_k_passive)) list.push_back(n);
  return ordsets::FromList(std::move(list), order_);
}

// add_to_active_view/3.
void HyParView::AddToActiveView(NodeId peer) {
  if (peer == self_ || ordsets::IsElement(peer, active_, order_)) return;
  const PeerSet passive = ordsets::DelElement(peer, passive_, order_);
  passive_ = passive;
  if (IsFullActive()) DropRandomElementFromActiveView();
  active_ = ordsets::AddElement(peer, active_, order_);
  passive_ = passive;  // quirk: the dropped peer's passive entry is lost
}

// add_to_passive_view/2.
void HyParView::AddToPassiveView(NodeId peer) {
  if (peer == self_ || ordsets::IsElement(peer, active_, order_) ||
      ordsets::IsElement(peer, passive_, order_)) {
    return;
  }
  if (IsFullPassive()) {
    if (const std::optional<NodeId> random = PickRandom(passive_, {self_})) {
      passive_ = ordsets::DelElement(*random, passive_, order_);
    }
  }
  passive_ = ordsets::AddElement(peer, passive_, order_);
}

// drop_random_element_from_active_view/1.
void HyParView::DropRandomElementFromActiveView() {
  const std::optional<NodeId> peer = PickRandom(active_, {self_});
  if (!peer) return;
  active_ = ordsets::DelElement(*peer, active_, order_);
  AddToPassiveView(*peer);
  env_->Connect(*peer);
  const DisconnectId next = NextId(*peer);
  sent_message_map_[*peer] = next;
  Send(*peer, DisconnectMsg{self_, next});
  env_->Disconnect(*peer);
}

// merge_exchange/2: usort(Exchange -- [Myself | Active]) into the passive view.
void HyParView::MergeExchange(const std::vector<NodeId>& exchange) {
  PeerSet to_add = ordsets::FromList(exchange, order_);
  to_add = ordsets::Subtract(ordsets::DelElement(self_, to_add, order_), active_, order_);
  for (NodeId n : to_add) AddToPassiveView(n);
}

// promote_peer/2: always priority high.
void HyParView::PromotePeer(std::optional<NodeId> peer) {
  if (!peer) return;
  std::vector<NodeId> exchange = SelectPeersForExchange();
  env_->Connect(*peer);
  Send(*peer, NeighborRequestMsg{self_, true, CurrentId(*peer), std::move(exchange)});
}

// is_addable/3 with a peer epoch.
bool HyParView::IsAddable(int64_t peer_epoch, NodeId peer) const {
  auto it = sent_message_map_.find(peer);
  return it == sent_message_map_.end() || peer_epoch >= it->second.epoch;
}

// is_addable/3 with a disconnect id.
bool HyParView::IsAddable(const DisconnectId& id, NodeId peer) const {
  auto it = sent_message_map_.find(peer);
  if (it == sent_message_map_.end()) return true;
  if (id.epoch > it->second.epoch) return true;
  if (id.epoch == it->second.epoch) return id.counter >= it->second.counter;
  return false;
}

// is_valid_disconnect/3.
bool HyParView::IsValidDisconnect(NodeId peer, const DisconnectId& id) const {
  auto it = recv_message_map_.find(peer);
  if (it == recv_message_map_.end()) return true;
  if (id.epoch > it->second.epoch) return true;
  return id.counter > it->second.counter;
}

// get_current_id/2.
DisconnectId HyParView::CurrentId(NodeId peer) const {
  auto it = recv_message_map_.find(peer);
  return it == recv_message_map_.end() ? DisconnectId{1, 0} : it->second;
}

// get_next_id/3.
DisconnectId HyParView::NextId(NodeId peer) const {
  auto it = sent_message_map_.find(peer);
  if (it == sent_message_map_.end()) return DisconnectId{epoch_, 1};
  return DisconnectId{epoch_, it->second.counter + 1};
}

}  // namespace plumsim
