#include "sim/world/node_host.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "base/check.h"
#include "sim/runtime/erlang_timers.h"

namespace plumsim {

absl::StatusOr<BroadcastData> NodeHost::ObservedHandler::BroadcastDataOf(const std::any& message) {
  absl::StatusOr<BroadcastData> data = inner_->BroadcastDataOf(message);
  if (data.ok() && host_->observer_ != nullptr) {
    host_->observer_->OnOriginate(host_->id_, id_, data->id);
  }
  return data;
}

bool NodeHost::ObservedHandler::Merge(const BroadcastId& id, const Payload& payload) {
  const bool valid = inner_->Merge(id, payload);
  if (host_->observer_ != nullptr && host_->current_broadcast_ != nullptr) {
    host_->observer_->OnMerge(host_->id_, *host_->current_broadcast_, valid);
  }
  return valid;
}

NodeHost::Incarnation::Incarnation(NodeHost* host, const NodeConfig& config, int64_t epoch)
    : server(host, config.plumtree),
      backend_cast(host),
      backend(host, &backend_cast, kHeartbeatHandler, config.heartbeat, epoch),
      store(host->id_, epoch),
      store_wrapper(config.wrap_store_handler ? config.wrap_store_handler(&store, host) : nullptr),
      observed_backend(host, kHeartbeatHandler, &backend),
      observed_store(host, kStoreHandler, store_wrapper ? store_wrapper.get() : &store) {
  server.RegisterHandler(kHeartbeatHandler, &observed_backend);
  server.RegisterHandler(kStoreHandler, &observed_store);
}

NodeHost::NodeHost(NodeId id, const NodeConfig* config, EventLoop* sim, Network* network,
                   SimObserver* observer)
    : id_(id),
      config_(config),
      sim_(sim),
      network_(network),
      observer_(observer),
      rng_(config->root_seed, StreamDomain::kNode, id),
      processing_rng_(config->root_seed, StreamDomain::kProcessing, id),
      timer_rng_(config->root_seed, StreamDomain::kTimers, id) {
  network_->EnsureNode(id);
}

NodeHost::~NodeHost() = default;

void NodeHost::Boot(const PeerSet& members, int64_t epoch, std::optional<NodeId> contact) {
  PLUMSIM_CHECK(!running_);
  PLUMSIM_CHECK(epoch > epoch_);
  ++incarnation_;
  epoch_ = epoch;
  running_ = true;
  // HyParView: the node starts alone (below). Not copied there: the
  // vector would keep the capacity of a full member list per node.
  if (!config_->hyparview) members_ = members;
  rng_ = RandomStream(config_->root_seed, StreamDomain::kNode,
                      (static_cast<uint64_t>(incarnation_) << 32) | id_);
  // A new VM: its monotonic clock ticks at a phase of its own.
  timer_rng_ = RandomStream(config_->root_seed, StreamDomain::kTimers,
                            (static_cast<uint64_t>(incarnation_) << 32) | id_);
  const int64_t tick = config_->processing.timer_granularity.ns();
  vm_clock_phase_ = SimDuration::Nanoseconds(
      tick > 1 ? static_cast<int64_t>(timer_rng_.UniformInt(static_cast<uint64_t>(tick))) : 0);
  network_->SetNodeUp(id_, true);
  processes_ = {};
  elapsed_ = SimDuration::Zero();
  incarnation_state_.emplace(this, *config_, epoch);
  if (config_->hyparview) {
    // The peer service's members start as its active view: the node alone.
    members_ = PeerSet{id_};
    // partisan_hyparview_peer_service_manager:init/1 (~line 759): Epoch + 1,
    // where Epoch is read from partisan_data_dir (maybe_load_epoch_from_disk,
    // ~lines 2145-2158) or, without one, zero_epoch/0 (0). The new epoch is
    // written back by add_to_active_view/add_to_passive_view (~lines 2404,
    // 2448); plumsim stores it at boot, since a node adds its first view
    // entry within a round trip of its join.
    const int64_t hyparview_epoch = config_->persist_epoch ? stored_hyparview_epoch_ + 1 : 1;
    if (config_->persist_epoch) stored_hyparview_epoch_ = hyparview_epoch;
    incarnation_state_->hyparview = std::make_unique<HyParView>(
        this, config_->hyparview_config, hyparview_epoch, [this](const PeerSet& active) {
          // notify/1 -> partisan_peer_service_events:update -> update/1.
          // A cast to the broadcast server: its mailbox.
          members_ = active;
          Dispatch(ProcessKind::kBroadcastServer, UpdateInput{active});
        });
  }
  if (observer_ != nullptr) observer_->OnMembership(id_, members_);
  // Each process's init/1 runs as its first handler.
  // partisan_plumtree_broadcast:start_link/0: Members, Members, [].
  Run(ProcessKind::kBroadcastServer,
      [&] { incarnation_state_->server.Start(members_, members_, {}); });
  Run(ProcessKind::kBackend, [&] { incarnation_state_->backend.Start(); });
  if (config_->hyparview) {
    Run(ProcessKind::kPeerService, [&] {
      incarnation_state_->hyparview->Start();
      if (contact) incarnation_state_->hyparview->Join(*contact);
    });
  }
}

void NodeHost::Kill() {
  PLUMSIM_CHECK(running_);
  running_ = false;
  incarnation_state_.reset();
  processes_ = {};
  network_->SetNodeUp(id_, false);
  if (config_->connections != nullptr) config_->connections->Clear(id_);
  if (config_->tcp != nullptr) config_->tcp->OnNodeDown(id_);
}

SimDuration NodeHost::Slowed(SimDuration d) const {
  if (slow_factor_ == 1) return d;
  return SimDuration::Nanoseconds(
      static_cast<int64_t>(std::llround(static_cast<double>(d.ns()) * slow_factor_)));
}

bool NodeHost::Idle(ProcessKind kind) const {
  const Process& p = processes_[static_cast<int>(kind)];
  return elapsed_ == SimDuration::Zero() && p.empty() && p.busy_until <= sim_->now();
}

template <typename F>
void NodeHost::Run(ProcessKind kind, F&& handle) {
  const SimDuration outer = elapsed_;
  const ProcessKind outer_kind = handling_;
  handling_ = kind;
  elapsed_ =
      config_->free_processing[static_cast<int>(kind)]
          ? SimDuration::Zero()
          : Slowed(config_->processing.per_message[static_cast<int>(kind)].Sample(processing_rng_));
  if (config_->process_stats != nullptr) config_->process_stats->CountInput(kind);
  handle();
  if (elapsed_ > SimDuration::Zero()) {
    SimTime& busy_until = processes_[static_cast<int>(kind)].busy_until;
    busy_until = std::max(busy_until, sim_->now() + elapsed_);
  }
  elapsed_ = outer;
  handling_ = outer_kind;
}

void NodeHost::Dispatch(ProcessKind kind, Input input) {
  if (!running_) return;
  if (Idle(kind)) {
    Run(kind, [&] { Handle(input); });
  } else {
    Enqueue(kind, std::move(input));
  }
}

void NodeHost::Enqueue(ProcessKind kind, Input input) {
  const uint32_t incarnation = incarnation_;
  if (elapsed_ > SimDuration::Zero()) {
    // Cast by a handler whose clock is ahead: it arrives at that clock.
    sim_->ScheduleCallbackAt(Clock(),
                             [this, kind, incarnation, input = std::move(input)]() mutable {
                               if (running_ && incarnation == incarnation_)
                                 Dispatch(kind, std::move(input));
                             });
    return;
  }
  Process& p = processes_[static_cast<int>(kind)];
  if (p.mailbox == nullptr) p.mailbox = std::make_unique<std::deque<Pending>>();
  p.mailbox->push_back(Pending{std::move(input), sim_->now()});
  if (config_->process_stats != nullptr)
    config_->process_stats->CountQueued(kind, p.mailbox->size());
  if (!p.drain_scheduled) {
    p.drain_scheduled = true;
    sim_->ScheduleCallbackAt(std::max(p.busy_until, sim_->now()),
                             [this, kind, incarnation] { Drain(kind, incarnation); });
  }
}

void NodeHost::Drain(ProcessKind kind, uint32_t incarnation) {
  if (!running_ || incarnation != incarnation_) return;
  Process& p = processes_[static_cast<int>(kind)];
  p.drain_scheduled = false;
  while (!p.empty() && p.busy_until <= sim_->now()) {
    Pending next = std::move(p.mailbox->front());
    p.mailbox->pop_front();
    const SimDuration waited = sim_->now() - next.arrived;
    if (config_->process_stats != nullptr) config_->process_stats->CountWait(kind, waited);
    if (observer_ != nullptr) observer_->OnMailboxWait(id_, kind, waited);
    Run(kind, [&] { Handle(next.input); });
  }
  if (!p.empty()) {
    p.drain_scheduled = true;
    sim_->ScheduleCallbackAt(p.busy_until, [this, kind, incarnation] { Drain(kind, incarnation); });
  }
}

void NodeHost::Handle(const Input& input) {
  std::visit(
      [this](const auto& in) {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, DeliverInput>) {
          HandleDeliver(in.message);
        } else if constexpr (std::is_same_v<T, TimerInput>) {
          HandleTimer(in.kind);
        } else if constexpr (std::is_same_v<T, UpdateInput>) {
          HandleUpdate(in.members);
        } else if constexpr (std::is_same_v<T, BroadcastInput>) {
          HandleBroadcast(in);
        } else if constexpr (std::is_same_v<T, ExitInput>) {
          HandleExit(in.peer);
        } else {
          HandleReceiveCall(in);
        }
      },
      input);
}

void NodeHost::PrefetchState(const Message& message, int stage) const {
  if (!IsPlumtreeMessage(message)) return;
  if (stage == 0) {
    // The host's first lines, then its incarnation in place (broadcast
    // server, backend, store handler and the small wrappers after them):
    // addresses known from the node id alone, nothing to load first.
    const char* self = reinterpret_cast<const char*>(this);
    for (size_t line = 0; line < 4; ++line) __builtin_prefetch(self + 64 * line);
    const char* begin = reinterpret_cast<const char*>(&incarnation_state_);
    const char* end = begin + sizeof(incarnation_state_);
    for (const char* line = begin; line < end; line += 64) __builtin_prefetch(line);
    return;
  }
  if (!incarnation_state_) return;
  const Incarnation& state = *incarnation_state_;
  const PlumtreeKey key = PlumtreeKeyOf(message);  // read once for every hint
  if (stage == 1) {
    // Now that the tables' headers are in cache: the root's entry in the
    // root index (or its pair, when inline), the last store stream, the
    // heartbeat table's entry.
    state.server.Prefetch(key, 0);
    state.store.PrefetchLastStream();
    if (key.id != nullptr && key.handler == kHeartbeatHandler) state.backend.Prefetch(*key.id);
    return;
  }
  state.server.Prefetch(key, 1);
  if (key.id != nullptr && key.handler == kStoreHandler) state.store.PrefetchSlot(*key.id);
}

void NodeHost::Deliver(NodeId from, const Message& message) {
  if (!running_) return;
  const ProcessKind kind =
      IsPlumtreeMessage(message) ? ProcessKind::kBroadcastServer : ProcessKind::kPeerService;
  if (Idle(kind)) {
    Run(kind, [&] { HandleDeliver(message); });  // no copy on the common path
  } else {
    Enqueue(kind, DeliverInput{from, message});
  }
}

void NodeHost::DeliverByCall(NodeId from, const Message& message, MessageReceiver::Reply reply) {
  if (!running_) {
    reply(sim_->now());
    return;
  }
  Dispatch(ProcessKind::kPeerService, ReceiveCallInput{from, message, std::move(reply)});
}

// handle_call({receive_message, ...}) (partisan_hyparview_peer_service_
// manager ~lines 942-951): the manager casts the message to itself, to be
// handled after what its mailbox holds, and replies at once.
void NodeHost::HandleReceiveCall(const ReceiveCallInput& call) {
  Dispatch(ProcessKind::kPeerService, DeliverInput{call.from, call.message});
  call.reply(Clock());
}

void NodeHost::HandleDeliver(const Message& message) {
  if (!IsPlumtreeMessage(message)) {
    if (incarnation_state_->hyparview) incarnation_state_->hyparview->HandleMessage(message);
    return;
  }
  current_broadcast_ = std::get_if<BroadcastMsg>(&message);
  incarnation_state_->server.HandleMessage(message);
  current_broadcast_ = nullptr;
}

void NodeHost::ConnectionDown(NodeId peer) {
  if (running_ && incarnation_state_->hyparview)
    Dispatch(ProcessKind::kPeerService, ExitInput{peer});
}

void NodeHost::HandleExit(NodeId peer) { incarnation_state_->hyparview->ConnectionDown(peer); }

void NodeHost::UpdateMembership(const PeerSet& members) {
  members_ = members;
  Dispatch(ProcessKind::kBroadcastServer, UpdateInput{members});
}

void NodeHost::HandleUpdate(const PeerSet& members) {
  if (observer_ != nullptr) observer_->OnMembership(id_, members);
  incarnation_state_->server.Update(members);
}

void NodeHost::BroadcastApplication(Payload payload) {
  Dispatch(ProcessKind::kBroadcastServer,
           BroadcastInput{std::any(StoreBroadcast{std::move(payload)}), kStoreHandler});
}

void NodeHost::HandleBroadcast(const BroadcastInput& in) {
  incarnation_state_->server.Broadcast(in.message, in.handler);
}

void NodeHost::Send(NodeId to, Message message, Channel channel) {
  if (config_->tcp != nullptr) {
    if (handling_ != ProcessKind::kPeerService && !config_->tcp->CanDispatch(id_, to, channel)) {
      SendThroughManager(to, std::move(message), channel);
      return;
    }
    config_->tcp->Send(id_, to, std::move(message), channel, Clock());
    return;
  }
  if (config_->connections != nullptr && !config_->connections->IsConnected(id_, to)) {
    // do_send_message/3 without a connection: {error, not_yet_connected}.
    if (observer_ != nullptr) {
      observer_->OnSend(id_, to, message);
      observer_->OnDrop(id_, to, message, DropReason::kNotConnected);
    }
    return;
  }
  network_->Send(id_, to, std::move(message), Clock());
}

// partisan:cast_message/4 -> forward_message/4: when the fast path
// (partisan_peer_connections:dispatch/1) finds no connection, the caller
// makes gen_server:call(?MODULE, Cmd, infinity) into the peer service
// manager (partisan_pluggable_peer_service_manager ~lines 564-571,
// partisan_hyparview_peer_service_manager ~lines 583-589) and waits until
// the manager handles it: do_send_message then tries the connections again
// (the pluggable manager on the message's channel, HyParView's on the
// default one, ~lines 2222-2234). The handler's clock moves to the reply.
void NodeHost::SendThroughManager(NodeId to, Message message, Channel channel) {
  const SimTime called_at = Clock();
  const SimTime taken_at = ManagerFreeAt(called_at);
  const Channel resend = config_->hyparview ? Channel::kDefault : channel;
  if (taken_at == called_at) {
    config_->tcp->Send(id_, to, std::move(message), resend, called_at);
    return;
  }
  const SimDuration blocked = taken_at - called_at;
  elapsed_ = elapsed_ + blocked;
  if (config_->process_stats != nullptr) config_->process_stats->CountBlocked(handling_, blocked);
  const uint32_t incarnation = incarnation_;
  sim_->ScheduleCallbackAt(
      taken_at, [this, to, resend, incarnation, taken_at, message = std::move(message)]() mutable {
        if (!running_ || incarnation != incarnation_) return;
        config_->tcp->Send(id_, to, std::move(message), resend, taken_at);
      });
}

// The manager takes the call when it is done with what it is doing now: a
// handler (HyParView's process), or a round of blocking connects (full
// membership). Messages already queued in its mailbox are not counted:
// their handling times are not known before they run.
SimTime NodeHost::ManagerFreeAt(SimTime at) const {
  if (config_->hyparview) {
    return std::max(at, processes_[static_cast<int>(ProcessKind::kPeerService)].busy_until);
  }
  if (config_->connector != nullptr) return std::max(at, config_->connector->FreeAt(id_));
  return at;
}

bool NodeHost::IsConnected(NodeId peer) const {
  if (config_->tcp != nullptr) return config_->tcp->IsOpen(id_, peer);
  if (config_->connections != nullptr) return config_->connections->IsConnected(id_, peer);
  return network_->IsConnected(id_, peer);
}

void NodeHost::Connect(NodeId peer) {
  // The connect blocks the calling process (its clock moves on).
  if (config_->tcp != nullptr) {
    const SimDuration blocked = config_->tcp->Connect(id_, peer, Clock()).blocked;
    elapsed_ = elapsed_ + blocked;
    if (config_->process_stats != nullptr) config_->process_stats->CountBlocked(handling_, blocked);
  }
  if (config_->connections != nullptr) config_->connections->Connect(id_, peer);
}

void NodeHost::Disconnect(NodeId peer) {
  if (config_->tcp != nullptr) config_->tcp->Disconnect(id_, peer);
  if (config_->connections != nullptr) config_->connections->Disconnect(id_, peer);
}

// partisan_peer_connections:nodes/0: the peers this node has a connection
// to. HyParView: its connection table; full membership: every member
// (Partisan connects to every member).
PeerSet NodeHost::ConnectedPeers() const {
  if (config_->tcp != nullptr) return config_->tcp->OpenPeers(id_);
  if (config_->connections != nullptr) return config_->connections->ConnectedPeers(id_);
  PeerSet out;
  for (NodeId m : members_) {
    if (m != id_ && network_->IsConnected(id_, m)) out.push_back(m);
  }
  return out;
}

TimerHandle NodeHost::StartTimer(absl::Duration delay, TimerKind kind) {
  const uint64_t arg = (static_cast<uint64_t>(incarnation_) << 8) | static_cast<uint8_t>(kind);
  // erlang:send_after/3, armed at the handler's clock: it expires on a tick
  // of this VM's clock; its message then reaches the process, and the
  // handler runs, `timer_dispatch` later.
  const SimTime expiry = ErlangTimerExpiry(Clock(), SimDuration::FromAbsl(delay),
                                           config_->processing.timer_granularity, vm_clock_phase_);
  const SimDuration dispatch = Slowed(
      config_->processing.timer_dispatch[static_cast<int>(ProcessOf(kind))].Sample(timer_rng_));
  const TimerId id = sim_->StartTimerAt(expiry + dispatch, this, arg);
  return (static_cast<uint64_t>(id.slot) << 32 | id.generation) + 1;
}

void NodeHost::CancelTimer(TimerHandle timer) {
  if (timer == 0) return;
  const uint64_t raw = timer - 1;
  sim_->CancelTimer(TimerId{static_cast<uint32_t>(raw >> 32), static_cast<uint32_t>(raw)});
}

ProcessKind NodeHost::ProcessOf(TimerKind kind) {
  switch (kind) {
    case TimerKind::kLazyTick:
    case TimerKind::kExchangeTick:
      return ProcessKind::kBroadcastServer;
    case TimerKind::kHeartbeat:
      return ProcessKind::kBackend;
    case TimerKind::kRandomPromotion:
    case TimerKind::kPassiveViewMaintenance:
      return ProcessKind::kPeerService;
  }
  return ProcessKind::kPeerService;
}

void NodeHost::OnEvent(uint64_t arg) {
  const uint32_t incarnation = static_cast<uint32_t>(arg >> 8);
  const auto kind = static_cast<TimerKind>(arg & 0xff);
  if (!running_ || incarnation != incarnation_) return;  // a dead process's timer
  if (observer_ != nullptr) observer_->OnTimer(id_, kind);
  const ProcessKind process = ProcessOf(kind);
  if (Idle(process)) {
    Run(process, [&] { HandleTimer(kind); });
  } else {
    Enqueue(process, TimerInput{kind});
  }
}

void NodeHost::HandleTimer(TimerKind kind) {
  switch (kind) {
    case TimerKind::kLazyTick:
    case TimerKind::kExchangeTick:
      incarnation_state_->server.OnTimer(kind);
      break;
    case TimerKind::kHeartbeat:
      incarnation_state_->backend.OnTimer(kind);
      break;
    case TimerKind::kRandomPromotion:
    case TimerKind::kPassiveViewMaintenance:
      incarnation_state_->hyparview->OnTimer(kind);
      break;
  }
}

void NodeHost::Log(LogLevel /*level*/, absl::string_view /*text*/) {
  // Protocol logs are not part of the trace (they carry no state the trace
  // lacks); a debugging hook could print them here.
}

}  // namespace plumsim
