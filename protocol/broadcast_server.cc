#include "protocol/broadcast_server.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/check.h"

namespace plumsim {

BroadcastServer::BroadcastServer(Environment* env, PlumtreeConfig config)
    : env_(env),
      config_(std::move(config)),
      self_(env->self()),
      order_(env->name_order()),
      root_peers_(&order_) {}

void BroadcastServer::RegisterHandler(HandlerId id, BroadcastHandler* handler) {
  PLUMSIM_CHECK(handler != nullptr);
  if (handlers_.size() <= id) handlers_.resize(id + 1, nullptr);
  PLUMSIM_CHECK_MSG(handlers_[id] == nullptr, "handler id registered twice");
  handlers_[id] = handler;
  ++registered_handlers_;
  // mods = lists:usort(Mods): ordered by module name.
  mods_.push_back(id);
  std::sort(mods_.begin(), mods_.end(), [this](HandlerId a, HandlerId b) {
    return handlers_[a]->name() < handlers_[b]->name();
  });
}

BroadcastHandler* BroadcastServer::HandlerFor(HandlerId id) const {
  return id < handlers_.size() ? handlers_[id] : nullptr;
}

// broadcast_channel/1: the handler's channel, or the default channel.
Channel BroadcastServer::ChannelFor(HandlerId id) const {
  BroadcastHandler* handler = HandlerFor(id);
  return handler == nullptr ? Channel::kDefault : handler->broadcast_channel();
}

// send/3: one cast per peer on the handler's channel.
void BroadcastServer::SendTo(NodeId peer, Message message, HandlerId handler) {
  env_->Send(peer, std::move(message), ChannelFor(handler));
}

// init/1: schedule both ticks, then reset_peers(AllMembers, InitEagers,
// InitLazys, State).
void BroadcastServer::Start(const std::vector<NodeId>& members,
                            const std::vector<NodeId>& initial_eagers,
                            const std::vector<NodeId>& initial_lazys) {
  ScheduleLazyTick();
  ScheduleExchangeTick();
  ResetPeers(ordsets::FromList(members, order_), ordsets::FromList(initial_eagers, order_),
             ordsets::FromList(initial_lazys, order_));
}

// broadcast/2: {MessageId, Payload} = Mod:broadcast_data(Broadcast), then
// handle_cast({broadcast, MessageId, Payload, Mod}): eager_push with round 0,
// root and from = this node, and schedule_lazy_push likewise.
void BroadcastServer::Broadcast(const std::any& message, HandlerId handler_id) {
  BroadcastHandler* handler = HandlerFor(handler_id);
  if (handler == nullptr) {
    env_->Log(LogLevel::kNotice, absl::StrCat("Exception on callback broadcast_data. Broadcast "
                                              "cancelled: no handler h",
                                              handler_id));
    return;
  }
  absl::StatusOr<BroadcastData> data = handler->BroadcastDataOf(message);
  if (!data.ok()) {
    env_->Log(LogLevel::kNotice, absl::StrCat("Exception on callback broadcast_data. Broadcast "
                                              "cancelled: ",
                                              data.status().ToString()));
    return;
  }
  EagerPush(data->id, data->payload, handler_id, 0, self_, self_);
  ScheduleLazyPush(data->id, handler_id, 0, self_, self_);
}

void BroadcastServer::Prefetch(const PlumtreeKey& key, int step) const {
  if (key.root == nullptr) return;
  if (step == 0) {
    root_peers_.Prefetch(*key.root);
  } else {
    root_peers_.PrefetchPair(*key.root);
  }
  // A valid broadcast adds outstanding entries for its lazy peers; an
  // ignored_i_have acknowledges one.
  if (key.kind == MessageIndex<BroadcastMsg>() || key.kind == MessageIndex<IgnoredIHaveMsg>()) {
    outstanding_.Prefetch(step);
  }
}

void BroadcastServer::HandleMessage(const Message& message) {
  switch (message.index()) {
    case 0: {
      // handle_cast({broadcast, MessageId, Message, Mod, Round, Root, From}):
      // Valid = safe_apply(Mod, merge, [MessageId, Message], false).
      const auto& m = std::get<BroadcastMsg>(message);
      BroadcastHandler* handler = HandlerFor(m.handler);
      const bool valid = handler != nullptr && handler->Merge(m.id, m.payload);
      HandleBroadcast(valid, m);
      break;
    }
    case 1: {
      // handle_cast({prune, Root, From}): move From to lazy for Root.
      const auto& m = std::get<PruneMsg>(message);
      AddLazy(m.from, m.root, MessageIndex<PruneMsg>(), BroadcastId{});
      break;
    }
    case 2: {
      // handle_cast({i_have, ...}): Stale = safe_apply(Mod, is_stale, [Id],
      // false).
      const auto& m = std::get<IHaveMsg>(message);
      BroadcastHandler* handler = HandlerFor(m.handler);
      const bool stale = handler != nullptr && handler->IsStale(m.id);
      HandleIHave(stale, m);
      break;
    }
    case 3: {
      // handle_cast({ignored_i_have, ...}): ack_outstanding.
      const auto& m = std::get<IgnoredIHaveMsg>(message);
      AckOutstanding(m.id, m.handler, m.round, m.root, m.from);
      break;
    }
    case 4: {
      // handle_cast({graft, ...}): Result = safe_apply(Mod, graft, [Id],
      // {error, nocallback}).
      const auto& m = std::get<GraftMsg>(message);
      BroadcastHandler* handler = HandlerFor(m.handler);
      const GraftResult result =
          handler != nullptr ? handler->Graft(m.id) : GraftResult::Error("nocallback");
      HandleGraft(result, m);
      break;
    }
    default:
      PLUMSIM_CHECK_MSG(false, "not a partisan_plumtree_broadcast message");
  }
}

// handle_broadcast/8.
void BroadcastServer::HandleBroadcast(bool valid, const BroadcastMsg& m) {
  if (!valid) {
    // Stale message: remove the sender from eager, set it lazy, prune it.
    AddLazy(m.from, m.root, MessageIndex<BroadcastMsg>(), m.id);
    SendTo(m.from, PruneMsg{m.root, self_}, m.handler);
    return;
  }
  // Valid message: the sender becomes eager; push on and schedule i_haves.
  AddEager(m.from, m.root, MessageIndex<BroadcastMsg>(), m.id);
  EagerPush(m.id, m.payload, m.handler, m.round + 1, m.root, m.from);
  ScheduleLazyPush(m.id, m.handler, m.round + 1, m.root, m.from);
}

// handle_ihave/7.
void BroadcastServer::HandleIHave(bool stale, const IHaveMsg& m) {
  if (stale) {
    SendTo(m.from, IgnoredIHaveMsg{m.id, m.handler, m.round, m.root, self_}, m.handler);
    return;
  }
  // Valid i_have: graft at once (Partisan's "TODO: don't graft immediately").
  SendTo(m.from, GraftMsg{m.id, m.handler, m.round, m.root, self_}, m.handler);
  AddEager(m.from, m.root, MessageIndex<IHaveMsg>(), m.id);
}

// handle_graft/7.
void BroadcastServer::HandleGraft(const GraftResult& result, const GraftMsg& m) {
  switch (result.kind) {
    case GraftResult::Kind::kStale:
      // A causally newer message exists: ack the outstanding entry.
      AckOutstanding(m.id, m.handler, m.round, m.root, m.from);
      break;
    case GraftResult::Kind::kOk:
      // No ack here: the broadcast may be lost; the next i_have and its
      // ignored_i_have act as the ack.
      AddEager(m.from, m.root, MessageIndex<GraftMsg>(), m.id);
      SendTo(m.from, BroadcastMsg{m.id, result.payload, m.handler, m.round, m.root, self_},
             m.handler);
      break;
    case GraftResult::Kind::kError:
      env_->Log(LogLevel::kError, absl::StrCat("Unable to graft message ", DebugString(m.id),
                                               " for h", m.handler, ": ", result.error));
      break;
  }
}

// handle_cast({update, NodeList}).
void BroadcastServer::Update(const std::vector<NodeId>& node_list) {
  PeerSet members = ordsets::FromList(node_list, order_);
  const PeerSet added = ordsets::Subtract(members, all_members_, order_);
  const PeerSet removed = ordsets::Subtract(all_members_, members, order_);
  if (!added.empty()) {
    // "When a new member is detected, it is simply added to the set of
    // eagerPushPeers" -- and reset_peers empties every per-root set.
    const PeerSet eager_peers = ordsets::Union(common_eagers_, added, order_);
    const PeerSet lazy_peers = common_lazys_;
    ResetPeers(std::move(members), eager_peers, lazy_peers);
  }
  NeighborsDown(removed);
}

// neighbors_down/2.
void BroadcastServer::NeighborsDown(const PeerSet& removed) {
  if (removed.empty()) return;  // every subtraction below would be a no-op
  all_members_ = ordsets::Subtract(all_members_, removed, order_);
  common_eagers_ = ordsets::Subtract(common_eagers_, removed, order_);
  common_lazys_ = ordsets::Subtract(common_lazys_, removed, order_);
  root_peers_.Transform([this, &removed](const EagerLazy& sets) {
    return EagerLazy{ordsets::Subtract(sets.eagers, removed, order_),
                     ordsets::Subtract(sets.lazys, removed, order_)};
  });
  // Delete the outstanding messages to removed peers (ets:delete/2 on the
  // duplicate_bag removes every entry of the key).
  for (NodeId peer : removed) outstanding_.Delete(peer);
  PeerSetChange report;
  report.kind = PeerSetChange::Kind::kNeighborsDown;
  report.removed = &removed;
  env_->PeersChanged(report);
}

// eager_push/7: broadcast to eager_peers(Root, From).
void BroadcastServer::EagerPush(const BroadcastId& id, const Payload& payload, HandlerId handler,
                                uint32_t round, NodeId root, NodeId from) {
  // Send never delivers synchronously (environment.h), so the set cannot
  // change while we iterate it.
  for (NodeId peer : AllEagerPeers(root)) {
    if (peer == from) continue;  // eager_peers/3 = all_filtered_peers
    SendTo(peer, BroadcastMsg{id, payload, handler, round, root, self_}, handler);
  }
}

// schedule_lazy_push/6: outstanding entries for lazy_peers(Root, From).
void BroadcastServer::ScheduleLazyPush(const BroadcastId& id, HandlerId handler, uint32_t round,
                                       NodeId root, NodeId from) {
  AddAllOutstanding(id, handler, round, root, AllLazyPeers(root), from);
}

// add_all_outstanding/5: ets:insert of {Peer, {Id, Mod, Round, Root}} per
// peer of `peers` but `except` (lazy_peers/3 = all_filtered_peers).
void BroadcastServer::AddAllOutstanding(const BroadcastId& id, HandlerId handler, uint32_t round,
                                        NodeId root, const PeerSet& peers, NodeId except) {
  outstanding_.InsertAll(peers, except, OutstandingPush{id, handler, round, root});
}

// ack_outstanding/5: ets:delete_object removes every identical entry.
void BroadcastServer::AckOutstanding(const BroadcastId& id, HandlerId handler, uint32_t round,
                                     NodeId root, NodeId from) {
  outstanding_.DeleteObject(from, OutstandingPush{id, handler, round, root});
}

// handle_info(lazy_tick): send_lazy(), then schedule the next tick.
void BroadcastServer::OnTimer(TimerKind kind) {
  switch (kind) {
    case TimerKind::kLazyTick:
      SendLazy();
      ScheduleLazyTick();
      break;
    case TimerKind::kExchangeTick:
      MaybeExchange();
      ScheduleExchangeTick();
      break;
    default:
      PLUMSIM_CHECK_MSG(false, "timer kind not owned by the broadcast server");
  }
}

// send_lazy/0: an i_have for every outstanding entry whose peer is
// connected. Entries stay until acked, so unacked ones are re-sent every
// tick. Erlang asks is_connected once per run of entries with the same peer;
// entries of one peer are contiguous here, so once per peer.
void BroadcastServer::SendLazy() {
  outstanding_.ForEach(
      [this](NodeId peer) { return env_->IsConnected(peer); },
      [this](NodeId peer, const OutstandingPush& push) {
        // send_lazy/2
        SendTo(peer, IHaveMsg{push.id, push.handler, push.round, push.root, self_}, push.handler);
      });
}

// maybe_exchange/1.
void BroadcastServer::MaybeExchange() {
  // Any connected channel counts, not specifically the broadcast channel.
  // partisan_peer_connections:nodes/0, as an ordset of names.
  const PeerSet connected = ordsets::FromList(env_->ConnectedPeers(), order_);
  NodeId root = 0;
  // random_root/2 -> `undefined` when there is no candidate. random_peer/3
  // is still evaluated with Root = undefined: a root no map holds, so the
  // common sets apply. kNoRoot stands for `undefined`.
  constexpr NodeId kNoRoot = 0xffffffffu;
  if (!RandomRoot(connected, &root)) root = kNoRoot;
  NodeId peer = 0;
  if (!RandomPeer(root, connected, &peer)) return;  // maybe_exchange(undefined, _)
  MaybeExchangeWith(peer);
}

// maybe_exchange/2.
void BroadcastServer::MaybeExchangeWith(NodeId peer) {
  if (mods_.empty()) return;
  const int limit = config_.broadcast_start_exchange_limit >= 0
                        ? config_.broadcast_start_exchange_limit
                        : registered_handlers_;
  if (static_cast<int>(exchanges_.size()) >= limit) return;
  // maybe_exchange/3 over the mods list as it is now. Each step rotates the
  // head of `mods` to the back -- but the rotation is kept only when the
  // handler is skipped (an exchange for it is already running): the Erlang
  // clause calls exchange/3 with the un-rotated State. Ported as written.
  const std::vector<HandlerId> iteration = mods_;
  for (HandlerId h : iteration) {
    std::vector<HandlerId> rotated(mods_.begin() + 1, mods_.end());
    rotated.push_back(h);
    const bool running = std::any_of(exchanges_.begin(), exchanges_.end(),
                                     [h](const RunningExchange& e) { return e.handler == h; });
    if (running) {
      env_->Log(LogLevel::kDebug,
                absl::StrCat("Ignoring exchange request for h", h, " with ", NodeName(peer),
                             ", there is already another exchange running for "
                             "the same handler."));
      mods_ = std::move(rotated);
    } else {
      StartExchange(peer, h);
    }
  }
}

// exchange/3.
void BroadcastServer::StartExchange(NodeId peer, HandlerId handler_id) {
  BroadcastHandler* handler = HandlerFor(handler_id);
  if (handler == nullptr) return;
  const ExchangeResult result = handler->Exchange(peer);
  if (result.kind == ExchangeResult::Kind::kStarted) {
    exchanges_.insert(exchanges_.begin(), RunningExchange{handler_id, peer, result.exchange});
  }
}

void BroadcastServer::ExchangeFinished(uint64_t exchange) {
  // lists:keydelete(Ref, 3, Exchanges): the first match only.
  auto it = std::find_if(exchanges_.begin(), exchanges_.end(),
                         [exchange](const RunningExchange& e) { return e.exchange == exchange; });
  if (it != exchanges_.end()) exchanges_.erase(it);
}

// random_root/2: uniformly among all members that are connected.
bool BroadcastServer::RandomRoot(const PeerSet& connected, NodeId* root) {
  return RandomOtherNode(all_members_, connected, root);
}

// random_peer/3.
bool BroadcastServer::RandomPeer(NodeId root, const PeerSet& connected, NodeId* peer) {
  PeerSet other;
  if (config_.exchange_selection == ExchangeSelection::kNormal) {
    other = ordsets::DelElement(self_, all_members_, order_);
  } else {
    // Optimized: prefer a peer outside the root's tree, more likely lagging.
    const PeerSet in_tree = ordsets::Union(AllEagerPeers(root), AllLazyPeers(root), order_);
    other = ordsets::DelElement(self_, ordsets::Subtract(all_members_, in_tree, order_), order_);
  }
  if (other.empty()) {
    return RandomOtherNode(ordsets::DelElement(self_, all_members_, order_), connected, peer);
  }
  return RandomOtherNode(other, connected, peer);
}

// random_other_node/2: lists:nth(rand:uniform(Size), Candidates ∩ Connected).
bool BroadcastServer::RandomOtherNode(const PeerSet& candidates, const PeerSet& connected,
                                      NodeId* chosen) {
  const PeerSet both = ordsets::Intersection(candidates, connected, order_);
  if (both.empty()) return false;
  *chosen = both[env_->UniformInt(both.size())];
  return true;
}

// add_eager/3 and add_lazy/3 through update_peers/5 and set_peers/4: the
// root gets its own entry in both maps (the common sets if it had none),
// with `from` moved to eager (add_eager) or to lazy (add_lazy).
void BroadcastServer::AddEager(NodeId from, NodeId root, int cause_type,
                               const BroadcastId& cause_id) {
  MovePeer(from, root, /*to_eager=*/true, cause_type, cause_id);
}

void BroadcastServer::AddLazy(NodeId from, NodeId root, int cause_type,
                              const BroadcastId& cause_id) {
  MovePeer(from, root, /*to_eager=*/false, cause_type, cause_id);
}

// update_peers/5, and the ?LOG_DEBUG of its callers when the sets changed.
void BroadcastServer::MovePeer(NodeId from, NodeId root, bool to_eager, int cause_type,
                               const BroadcastId& cause_id) {
  const RootPeers::MoveChange change =
      root_peers_.Move(root, from, to_eager, common_eagers_, common_lazys_);
  if (!change.eager && !change.lazy) return;
  PeerSetChange report;
  report.kind = to_eager ? PeerSetChange::Kind::kAddEager : PeerSetChange::Kind::kAddLazy;
  report.root = root;
  report.peer = from;
  report.eager_changed = change.eager;
  report.cause_type = cause_type;
  report.cause_id = cause_id;
  env_->PeersChanged(report);
}

// all_eager_peers/2, all_lazy_peers/2 through all_peers/3: the root's own
// set, or the common one when the root has none.
const PeerSet& BroadcastServer::AllEagerPeers(NodeId root) const {
  const EagerLazy* own = root_peers_.Find(root);
  return own == nullptr ? common_eagers_ : own->eagers;
}

const PeerSet& BroadcastServer::AllLazyPeers(NodeId root) const {
  const EagerLazy* own = root_peers_.Find(root);
  return own == nullptr ? common_lazys_ : own->lazys;
}

std::pair<PeerSet, PeerSet> BroadcastServer::GetPeers(NodeId root) const {
  return {AllEagerPeers(root), AllLazyPeers(root)};
}

// reset_peers/4.
void BroadcastServer::ResetPeers(PeerSet all_members, const PeerSet& eager_peers,
                                 const PeerSet& lazy_peers) {
  common_eagers_ = ordsets::DelElement(self_, eager_peers, order_);
  common_lazys_ = ordsets::DelElement(self_, lazy_peers, order_);
  root_peers_.Clear();
  all_members_ = std::move(all_members);
  PeerSetChange report;
  report.kind = PeerSetChange::Kind::kResetPeers;
  report.eagers = &common_eagers_;
  report.lazys = &common_lazys_;
  env_->PeersChanged(report);
}

std::vector<NodeId> BroadcastServer::RootsWithOwnSets() const { return root_peers_.Roots(); }

std::vector<std::pair<NodeId, OutstandingPush>> BroadcastServer::OutstandingEntries() const {
  std::vector<std::pair<NodeId, OutstandingPush>> out;
  out.reserve(outstanding_.size());
  outstanding_.ForEach(
      [](NodeId) { return true; },
      [&out](NodeId peer, const OutstandingPush& push) { out.emplace_back(peer, push); });
  return out;
}

BroadcastServer::StateBytes BroadcastServer::ApproximateStateBytes() const {
  StateBytes bytes;
  bytes.server = sizeof(*this) +
                 (all_members_.capacity() + common_eagers_.capacity() + common_lazys_.capacity()) *
                     sizeof(NodeId);
  bytes.root_peers = root_peers_.ApproximateBytes();
  bytes.outstanding = outstanding_.ApproximateBytes();
  return bytes;
}

// schedule_lazy_tick/1, schedule_exchange_tick/1.
void BroadcastServer::ScheduleLazyTick() {
  env_->StartTimer(config_.lazy_tick_period, TimerKind::kLazyTick);
}

void BroadcastServer::ScheduleExchangeTick() {
  env_->StartTimer(config_.exchange_tick_period, TimerKind::kExchangeTick);
}

}  // namespace plumsim
