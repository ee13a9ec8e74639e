// A simulated node: the protocol objects of one node incarnation (broadcast
// server, heartbeat backend, application store handler) and the Environment
// they see, implemented over the simulator and the network.
//
// Processes (docs/runtime-model.md): the broadcast server, the backend and
// the peer service manager are each one Erlang process that handles one
// message at a time, in mailbox order. A handler takes its service time
// ([processing]) plus any time it is blocked in a connect; what it sends
// leaves, and the timers it arms (erlang:send_after, whole milliseconds)
// start, at the handler's own clock; messages arriving meanwhile wait.
// With no service time and no blocking, every input is handled the instant
// it arrives, exactly as without this layer.
//
// Crash destroys the incarnation (all state lost); Start or Restart builds a
// fresh one with a new, larger epoch. Timers of a dead incarnation are
// ignored when they fire. Each incarnation draws from its own random stream,
// derived from the root seed, the node id and the incarnation number.
#ifndef PLUMSIM_SIM_WORLD_NODE_HOST_H_
#define PLUMSIM_SIM_WORLD_NODE_HOST_H_

#include <any>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include "protocol/broadcast_server.h"
#include "protocol/environment.h"
#include "protocol/heartbeat_backend.h"
#include "protocol/hyparview.h"
#include "protocol/store_handler.h"
#include "sim/kernel/event_loop.h"
#include "sim/kernel/random.h"
#include "sim/runtime/full_membership_connector.h"
#include "sim/runtime/hyparview_connections.h"
#include "sim/runtime/network.h"
#include "sim/runtime/processes.h"
#include "sim/runtime/tcp_connections.h"
#include "sim/world/observer.h"

namespace plumsim {

// Handler ids, identical on every node (Partisan: the module atoms).
inline constexpr HandlerId kHeartbeatHandler = 0;
inline constexpr HandlerId kStoreHandler = 1;

struct NodeConfig {
  PlumtreeConfig plumtree;
  HeartbeatConfig heartbeat;
  uint64_t root_seed = 1;
  // HyParView instead of full membership: the broadcast server's members
  // are the active view, and sends need a connection (`connections`).
  bool hyparview = false;
  HyParViewConfig hyparview_config;
  HyParViewConnections* connections = nullptr;  // HyParView over datagrams
  // tcp transport: every send needs a connection (both memberships).
  TcpConnections* tcp = nullptr;
  // tcp, full membership: the peer service manager (its connect loops).
  const FullMembershipConnector* connector = nullptr;
  // [partisan] persist_epoch: HyParView's epoch grows across restarts;
  // otherwise every incarnation is epoch 1.
  bool persist_epoch = false;
  ProcessingConfig processing;
  // processing.free(kind), computed once (it is asked per message).
  std::array<bool, kProcessKinds> free_processing = {true, true, true};
  ProcessStats* process_stats = nullptr;  // counts mailboxes (may be null)
  // Erlang's orders of the nodes (sim/runtime/node_identity.h).
  NodeOrder name_order;
  NodeOrder spec_order;
  // Tests only (a planted bug for the explorer's tests): wraps each
  // incarnation's store handler. Empty in every run plumsim makes.
  std::function<std::unique_ptr<BroadcastHandler>(BroadcastHandler* store, const Environment* env)>
      wrap_store_handler;
};

class NodeHost final : public Environment, public EventHandler {
 public:
  NodeHost(NodeId id, const NodeConfig* config, EventLoop* sim, Network* network,
           SimObserver* observer);
  ~NodeHost() override;

  // Boots a fresh incarnation with the given epoch (> any earlier one of
  // this node). Full membership: `members` (Partisan's start: all members
  // eager, none lazy). HyParView: the node starts alone and joins through
  // `contact`, if any.
  void Boot(const PeerSet& members, int64_t epoch, std::optional<NodeId> contact = std::nullopt);
  // Kills the running incarnation: every protocol object and its state go.
  void Kill();
  bool running() const { return running_; }
  // A starved machine (slow / slow_end events): its processes' service
  // times and timer dispatch delays are `factor` times longer. The
  // machine's, so it outlasts a restart. 1: not starved.
  void set_slow_factor(double factor) { slow_factor_ = factor; }
  double slow_factor() const { return slow_factor_; }
  int64_t epoch() const { return epoch_; }
  uint32_t incarnation() const { return incarnation_; }

  // A message from the network.
  void Deliver(NodeId from, const Message& message);
  // tcp, a HyParView message: its connection's server process calls the
  // peer service (receive_message/3); `reply` runs when the call is
  // handled, with the handler's clock.
  void DeliverByCall(NodeId from, const Message& message, MessageReceiver::Reply reply);
  // The full-membership peer service's update/1 callback.
  void UpdateMembership(const PeerSet& members);
  // HyParView: the connection to `peer` died ('EXIT').
  void ConnectionDown(NodeId peer);
  // The application asks to broadcast `payload` (StoreHandler).
  void BroadcastApplication(Payload payload);

  // The running incarnation's objects (null when not running).
  const BroadcastServer* server() const {
    return incarnation_state_ ? &incarnation_state_->server : nullptr;
  }
  const HeartbeatBackend* backend() const {
    return incarnation_state_ ? &incarnation_state_->backend : nullptr;
  }
  const StoreHandler* store() const {
    return incarnation_state_ ? &incarnation_state_->store : nullptr;
  }
  const HyParView* hyparview() const {
    return incarnation_state_ ? incarnation_state_->hyparview.get() : nullptr;
  }

  // --- Environment ---
  NodeId self() const override { return id_; }
  void Send(NodeId to, Message message, Channel channel) override;
  bool IsConnected(NodeId peer) const override;
  PeerSet ConnectedPeers() const override;
  void Connect(NodeId peer) override;
  void Disconnect(NodeId peer) override;
  TimerHandle StartTimer(absl::Duration delay, TimerKind kind) override;
  void CancelTimer(TimerHandle timer) override;
  int64_t NowNs() const override { return Clock().ns(); }
  uint64_t UniformInt(uint64_t n) override { return rng_.UniformInt(n); }
  void Log(LogLevel level, absl::string_view text) override;
  void PeersChanged(const PeerSetChange& change) override {
    if (observer_ != nullptr) observer_->OnPeersChanged(id_, change);
  }
  const NodeOrder& name_order() const override { return config_->name_order; }
  const NodeOrder& spec_order() const override { return config_->spec_order; }

  // Timer events.
  void OnEvent(uint64_t arg) override;
  // A hint that `message` arrives soon. Stage 0: this host's own record;
  // stage 1: its incarnation's state (the broadcast server's and store's
  // records); stage 2: the root's entry and the store's last stream.
  void PrefetchState(const Message& message, int stage) const;

 private:
  // What a process's mailbox can hold.
  struct DeliverInput {
    NodeId from;
    Message message;
  };
  struct TimerInput {
    TimerKind kind;
  };
  struct UpdateInput {
    PeerSet members;
  };  // update/1 (a cast)
  struct BroadcastInput {
    std::any message;
    HandlerId handler;
  };  // broadcast/2 (a cast)
  struct ExitInput {
    NodeId peer;
  };  // 'EXIT' of a connection
  struct ReceiveCallInput {
    NodeId from;
    Message message;
    MessageReceiver::Reply reply;
  };  // receive_message/3 (a call from a connection's server process)
  using Input = std::variant<DeliverInput, TimerInput, UpdateInput, BroadcastInput, ExitInput,
                             ReceiveCallInput>;
  struct Pending {
    Input input;
    SimTime arrived;
  };
  struct Process {
    SimTime busy_until;
    // Allocated when something first waits: a std::deque allocates on
    // construction, and most processes never queue anything.
    std::unique_ptr<std::deque<Pending>> mailbox;
    bool drain_scheduled = false;
    bool empty() const { return mailbox == nullptr || mailbox->empty(); }
  };
  // Whether `kind` can handle an input at once (idle, nothing queued, and
  // not called from a handler whose clock is ahead of now).
  bool Idle(ProcessKind kind) const;
  // `d` times the machine's slow factor.
  SimDuration Slowed(SimDuration d) const;
  // Runs one handler of `kind` now: `handle` sees the handler's clock.
  template <typename F>
  void Run(ProcessKind kind, F&& handle);
  void Handle(const Input& input);
  // Queues an input for a busy process (or delivers it at the calling
  // handler's clock).
  void Enqueue(ProcessKind kind, Input input);
  // Handles `input` at once if the process is idle, else queues it.
  void Dispatch(ProcessKind kind, Input input);
  void Drain(ProcessKind kind, uint32_t incarnation);
  // The running handler's clock.
  SimTime Clock() const { return sim_->now() + elapsed_; }

  // The process whose mailbox a timer's message goes to.
  static ProcessKind ProcessOf(TimerKind kind);

  void HandleDeliver(const Message& message);
  void HandleTimer(TimerKind kind);
  void HandleUpdate(const PeerSet& members);
  void HandleBroadcast(const BroadcastInput& in);
  void HandleExit(NodeId peer);
  void HandleReceiveCall(const ReceiveCallInput& call);
  // tcp: the fast path found no connection to `to`: the running handler
  // calls the peer service manager and waits (forward_message/4).
  void SendThroughManager(NodeId to, Message message, Channel channel);
  // When the peer service manager can take a call made at `at`.
  SimTime ManagerFreeAt(SimTime at) const;

  // Reports merge results to the observer, then answers as the real handler.
  class ObservedHandler final : public BroadcastHandler {
   public:
    ObservedHandler(NodeHost* host, HandlerId id, BroadcastHandler* inner)
        : host_(host), id_(id), inner_(inner) {}
    absl::string_view name() const override { return inner_->name(); }
    absl::StatusOr<BroadcastData> BroadcastDataOf(const std::any& message) override;
    bool Merge(const BroadcastId& id, const Payload& payload) override;
    bool IsStale(const BroadcastId& id) override { return inner_->IsStale(id); }
    GraftResult Graft(const BroadcastId& id) override { return inner_->Graft(id); }
    ExchangeResult Exchange(NodeId peer) override { return inner_->Exchange(peer); }
    Channel broadcast_channel() const override { return inner_->broadcast_channel(); }

   private:
    NodeHost* host_;
    HandlerId id_;
    BroadcastHandler* inner_;
  };

  // The backend's broadcast/2: a cast to the broadcast server's mailbox.
  class BackendCast final : public Broadcaster {
   public:
    explicit BackendCast(NodeHost* host) : host_(host) {}
    void Broadcast(const std::any& message, HandlerId handler) override {
      host_->Dispatch(ProcessKind::kBroadcastServer, BroadcastInput{message, handler});
    }

   private:
    NodeHost* host_;
  };

  struct Incarnation {
    Incarnation(NodeHost* host, const NodeConfig& config, int64_t epoch);
    BroadcastServer server;
    BackendCast backend_cast;
    HeartbeatBackend backend;
    StoreHandler store;
    std::unique_ptr<BroadcastHandler> store_wrapper;  // NodeConfig::wrap_store_handler
    ObservedHandler observed_backend;
    ObservedHandler observed_store;
    std::unique_ptr<HyParView> hyparview;  // HyParView mode only
  };

  const NodeId id_;
  const NodeConfig* config_;
  EventLoop* sim_;
  Network* network_;
  SimObserver* observer_;
  RandomStream rng_;
  bool running_ = false;
  int64_t epoch_ = 0;
  uint32_t incarnation_ = 0;
  PeerSet members_;
  // [partisan] persist_epoch: HyParView's epoch as on disk (0: no file yet).
  int64_t stored_hyparview_epoch_ = 0;
  // In place: the broadcast server's and the store's hot lines sit right
  // after the host's own, one prefetch away (docs/performance.md).
  std::optional<Incarnation> incarnation_state_;
  // The broadcast being handled, for ObservedHandler::Merge.
  const BroadcastMsg* current_broadcast_ = nullptr;
  std::array<Process, kProcessKinds> processes_;
  SimDuration elapsed_;                               // the running handler's time so far
  ProcessKind handling_ = ProcessKind::kPeerService;  // the running handler's process
  RandomStream processing_rng_;                       // service times ([processing])
  // The incarnation's VM: where its clock's ticks fall, and its timers'
  // dispatch draws (sim/runtime/erlang_timers.h).
  RandomStream timer_rng_;
  SimDuration vm_clock_phase_;
  double slow_factor_ = 1;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_WORLD_NODE_HOST_H_
