#include "sim/world/simulation.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/check.h"

namespace plumsim {

Simulation::Simulation(const Scenario& scenario, SimObserver* observer,
                       const std::function<void(NodeConfig*)>& customize)
    : scenario_(scenario),
      observer_(observer),
      startup_rng_(scenario.seed, StreamDomain::kStartup, 0),
      fault_rng_(scenario.seed, StreamDomain::kFaults, 0) {
  node_config_.plumtree = scenario_.plumtree;
  node_config_.heartbeat = scenario_.heartbeat;
  node_config_.root_seed = scenario_.seed;
  node_config_.persist_epoch = scenario_.partisan.persist_epoch;
  node_config_.processing = scenario_.processing;
  for (int k = 0; k < kProcessKinds; ++k) {
    node_config_.free_processing[k] = scenario_.processing.free(static_cast<ProcessKind>(k));
  }
  node_config_.process_stats = &process_stats_;
  node_config_.name_order = NameOrder(scenario_.ErlangNames());
  node_config_.spec_order = SpecOrder(scenario_.ListenAddresses(), scenario_.ErlangNames());
  network_ = std::make_unique<Network>(&sim_, scenario_.network, scenario_.seed, this, observer_);
  if (scenario_.membership == "hyparview") {
    node_config_.hyparview = true;
    node_config_.hyparview_config = scenario_.hyparview;
  }
  if (scenario_.network.transport == Transport::kTcp) {
    SetUpTcp();
  } else if (hyparview()) {
    connections_ = std::make_unique<HyParViewConnections>(network_.get());
    node_config_.connections = connections_.get();
    // Datagrams: every fault that cuts connectivity kills the connections
    // it cuts at once; the holders get 'EXIT' once the fault's event is
    // over (one prune per instant, however many cuts it made).
    network_->set_on_cut(
        [this] { OncePerInstant(&prune_scheduled_, &Simulation::PruneConnections); });
  }
  for (const LinkSpec& link : scenario_.links) {
    for (NodeId a : link.from) {
      for (NodeId b : link.to) {
        if (a == b) continue;
        for (int dir = 0; dir < (link.symmetric ? 2 : 1); ++dir) {
          const NodeId from = dir == 0 ? a : b, to = dir == 0 ? b : a;
          if (link.latency) network_->SetLinkLatency(from, to, *link.latency);
          if (link.loss) network_->SetLinkLoss(from, to, *link.loss);
        }
      }
    }
  }
  if (customize) customize(&node_config_);
  const int64_t total = scenario_.total_nodes();
  nodes_ = InPlaceArray<NodeHost>(static_cast<size_t>(total));
  running_ = CountedFlags(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) {
    nodes_.EmplaceBack(static_cast<NodeId>(i), &node_config_, &sim_, network_.get(), observer_);
  }
  // Full membership: the initial nodes are members from the start, so that
  // every node's broadcast server starts with all of them eager (Partisan's
  // cluster is formed before the broadcast server starts).
  for (int64_t i = 0; i < scenario_.node_count; ++i) members_.push_back(static_cast<NodeId>(i));
  ScheduleTimeline();
}

Simulation::~Simulation() = default;

void Simulation::SetUpTcp() {
  tcp_ = std::make_unique<TcpConnections>(&sim_, network_.get(), scenario_.partisan,
                                          scenario_.crash_mode, observer_);
  tcp_->set_process_stats(&process_stats_);
  node_config_.tcp = tcp_.get();
  network_->set_on_cut([this] { OncePerInstant(&paths_scheduled_, &Simulation::PathsChanged); });
  network_->set_on_heal([this] { OncePerInstant(&paths_scheduled_, &Simulation::PathsChanged); });
  // A node's crash or start concerns only its own connections (NodeHost
  // reports the crash: TcpConnections::OnNodeDown).
  network_->set_on_node([this](NodeId node, bool up) {
    if (up) tcp_->OnNodeUp(node);
  });
  if (hyparview()) {
    // The client is linked to the manager: handle_info({'EXIT', ...}) of
    // partisan_hyparview_peer_service_manager.
    tcp_->set_on_close([this](NodeId holder, NodeId peer) { nodes_[holder].ConnectionDown(peer); });
  } else {
    connector_ = std::make_unique<FullMembershipConnector>(
        &sim_, network_.get(), tcp_.get(), scenario_.partisan, &members_, &process_stats_);
    node_config_.connector = connector_.get();
    // The clients are linked to the manager: handle_info({'EXIT', ...}).
    tcp_->set_on_close(
        [this](NodeId holder, NodeId peer) { connector_->OnConnectionExit(holder, peer); });
  }
}

void Simulation::OncePerInstant(bool* scheduled, void (Simulation::*work)()) {
  if (*scheduled) return;
  *scheduled = true;
  sim_.ScheduleCallback(SimDuration::Zero(), [this, scheduled, work] {
    *scheduled = false;
    (this->*work)();
  });
}

void Simulation::PathsChanged() { tcp_->OnPathsChanged(); }

int64_t Simulation::NextEpoch(NodeId node) {
  // The node's start time (erlang:system_time()), forced to grow.
  return std::max(sim_.now().ns() + 1, nodes_[node].epoch() + 1);
}

Payload Simulation::MakePayload(int64_t size_bytes, uint64_t sequence) {
  std::string bytes(static_cast<size_t>(size_bytes), 'x');
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    bytes[i] = static_cast<char>('a' + (sequence >> (4 * i)) % 16);
  }
  return std::make_shared<const std::string>(std::move(bytes));
}

void Simulation::ScheduleTimeline() {
  // Node starts: n_i at i * start_interval + uniform[0, start_jitter].
  for (int64_t i = 0; i < scenario_.node_count; ++i) {
    SimDuration at = scenario_.start_interval * i;
    if (scenario_.start_jitter > SimDuration::Zero()) {
      at = at + SimDuration::Nanoseconds(static_cast<int64_t>(startup_rng_.UniformInt(
                    static_cast<uint64_t>(scenario_.start_jitter.ns()) + 1)));
    }
    const NodeId node = static_cast<NodeId>(i);
    sim_.ScheduleCallbackAt(SimTime::Zero() + at, [this, node] {
      StartNode(node, NodeEventKind::kStart, BootstrapContact(node));
    });
  }
  // At one instant: node starts, then the timeline's faults and node events,
  // then its sends, then protocol timers (heartbeats): scheduled in that
  // order, and the event queue keeps that order for ties. A message sent at the
  // instant of a crash is sent after it, and its live set excludes the
  // crashed nodes (docs/metrics.md).
  for (const TimelineEvent& event : scenario_.events) {
    if (event.kind == TimelineEvent::Kind::kBroadcast) continue;
    sim_.ScheduleCallbackAt(event.at, [this, &event] { Apply(event); });
  }
  for (const TimelineEvent& event : scenario_.events) {
    if (event.kind != TimelineEvent::Kind::kBroadcast) continue;
    // count messages from the roots in turn, `interval` apart.
    for (int64_t k = 0; k < event.count; ++k) {
      const NodeId root = event.from.At(k % event.from.size());
      const int64_t size = event.size_bytes;
      const uint64_t sequence = broadcasts_scheduled_++;
      sim_.ScheduleCallbackAt(event.at + event.interval * k, [this, root, size, sequence] {
        if (!nodes_[root].running()) {
          Skipped(TimelineEvent::Kind::kBroadcast, root, "the node is not running");
          return;
        }
        nodes_[root].BroadcastApplication(MakePayload(size, sequence));
      });
    }
  }
  for (const ChurnSpec& churn : scenario_.churn) ScheduleChurn(churn, churn.start);
}

// Churn: crashes form a Poisson process (exponential gaps with the given
// mean) between start and end; each picks a running node of the set
// uniformly and restarts it after `downtime`.
void Simulation::ScheduleChurn(const ChurnSpec& churn, SimTime after) {
  const double gap_ns =
      fault_rng_.Exponential(static_cast<double>(churn.mean_time_between_crashes.ns()));
  // A gap past the end also covers draws too large for the clock.
  if (!(gap_ns < static_cast<double>((churn.end - after).ns()))) return;
  const SimTime at = after + SimDuration::Nanoseconds(static_cast<int64_t>(gap_ns));
  if (at >= churn.end) return;
  sim_.ScheduleCallbackAt(at, [this, churn, at] {
    PeerSet candidates;
    for (NodeId n : churn.nodes) {
      if (nodes_[n].running()) candidates.push_back(n);
    }
    if (!candidates.empty()) {
      const NodeId victim = candidates[fault_rng_.UniformInt(candidates.size())];
      StopNode(victim, NodeEventKind::kCrash);
      sim_.ScheduleCallback(churn.downtime, [this, victim] {
        if (!nodes_[victim].running() && ordsets::IsElement(victim, members_)) {
          StartNode(victim, NodeEventKind::kRestart,
                    PickContact(victim, std::nullopt, static_cast<NodeId>(nodes_.size())));
        }
      });
    }
    ScheduleChurn(churn, at);
  });
}

void Simulation::StartNode(NodeId node, NodeEventKind why, std::optional<NodeId> contact) {
  NodeHost& host = nodes_[node];
  if (host.running()) return;
  const int64_t epoch = NextEpoch(node);
  if (observer_ != nullptr) observer_->OnNodeEvent(why, node, epoch);
  // handle_cast({join, Peer}) (partisan_hyparview_peer_service_manager
  // ~lines 999-1016) connects, sends the join and ignores the error ("we
  // currently ignore errors"): through a contact that is not up (or does
  // not listen) the join is lost for good. Counted here; the protocol
  // loses it by itself.
  if (contact && *contact != node && observer_ != nullptr &&
      (!nodes_[*contact].running() || (tcp_ != nullptr && !tcp_->Listening(*contact)))) {
    observer_->OnJoinLost(node, *contact);
  }
  host.Boot(members_, epoch, contact);
  running_.Set(node, true);
  if (connector_ != nullptr) connector_->OnStart(node);
}

// HyParView bootstrap ([nodes] bootstrap): "started", a node running at
// this one's start, uniformly (n0 starts alone); "earlier", a lower id,
// uniformly, whether it has started or not; "seed", n0. The last two are
// how a deployment configures its nodes, and with start_jitter the contact
// may not be up yet: the join is lost (StartNode).
std::optional<NodeId> Simulation::BootstrapContact(NodeId node) {
  if (!hyparview() || scenario_.bootstrap == Scenario::Bootstrap::kStarted) {
    return PickContact(node, std::nullopt, node);
  }
  if (node == 0) return std::nullopt;
  if (scenario_.bootstrap == Scenario::Bootstrap::kSeed) return NodeId{0};
  return static_cast<NodeId>(startup_rng_.UniformInt(node));
}

std::optional<NodeId> Simulation::PickContact(NodeId node, std::optional<NodeId> given,
                                              NodeId below) {
  if (!hyparview()) return std::nullopt;
  if (given) return given;
  // The r-th running node below `below` other than `node`, r uniform,
  // counted and found in O(log n) (CountedFlags).
  const size_t end = std::min<size_t>(below, running_.size());
  const bool skip_node = node < end && running_.Get(node);
  size_t count = running_.CountBelow(end) - (skip_node ? 1 : 0);
  if (count == 0) return std::nullopt;
  size_t r = startup_rng_.UniformInt(count);
  // Step over `node` itself: the r-th among the others is the (r+1)-th
  // overall once r reaches node's own rank.
  if (skip_node && r >= running_.CountBelow(node)) ++r;
  return static_cast<NodeId>(running_.Select(r));
}

void Simulation::PruneConnections() {
  if (connections_ == nullptr) return;
  for (const auto& [holder, peer] : connections_->Prune()) {
    nodes_[holder].ConnectionDown(peer);
  }
}

void Simulation::StopNode(NodeId node, NodeEventKind why) {
  NodeHost& host = nodes_[node];
  if (!host.running()) return;
  if (observer_ != nullptr) observer_->OnNodeEvent(why, node, host.epoch());
  host.Kill();
  running_.Set(node, false);
  if (connector_ != nullptr) connector_->OnStop(node);
}

// The full-membership peer service tells every running node's broadcast
// server about a change of members (update/1).
void Simulation::PublishMembership() {
  for (NodeHost& node : nodes_) node.UpdateMembership(members_);
}

void Simulation::Apply(const TimelineEvent& e) {
  using K = TimelineEvent::Kind;
  switch (e.kind) {
    case K::kCrash:
      ApplyCrash(e);
      break;
    case K::kRestart:
      ApplyRestart(e);
      break;
    case K::kJoin:
      ApplyJoin(e);
      break;
    case K::kLeave:
      ApplyLeave(e);
      break;
    case K::kPartition:
    case K::kPartitionOneWay:
    case K::kHeal:
      ApplyPartition(e);
      break;
    case K::kLinkDown:
    case K::kLinkUp:
    case K::kSetLatency:
    case K::kSetLoss:
      ApplyLinkChange(e);
      break;
    case K::kBroadcast:
      break;  // scheduled message by message in ScheduleTimeline
    case K::kListenerDown:
    case K::kListenerUp:
      ApplyListener(e);
      break;
    case K::kSlow:
    case K::kSlowEnd:
      ApplySlow(e);
      break;
  }
}

// slow, slow_end: the machine's factor, whether a VM runs on it or not.
void Simulation::ApplySlow(const TimelineEvent& e) {
  if (observer_ != nullptr) observer_->OnNetworkChange(e);
  const double factor = e.kind == TimelineEvent::Kind::kSlow ? e.factor : 1;
  for (NodeId n : e.nodes) {
    NodeHost& host = nodes_[n];
    if (host.slow_factor() != 1) starved_ = starved_ + (sim_.now() - slow_since_[n]);
    host.set_slow_factor(factor);
    if (factor != 1) {
      if (slow_since_.size() <= n) slow_since_.resize(n + 1);
      slow_since_[n] = sim_.now();
    }
  }
}

SimDuration Simulation::StarvedTime() const {
  SimDuration total = starved_;
  for (NodeId n = 0; n < slow_since_.size(); ++n) {
    if (nodes_[n].slow_factor() != 1) total = total + (sim_.now() - slow_since_[n]);
  }
  return total;
}

// listener_down, listener_up (tcp only: the reader refuses them otherwise).
// Observers see the change first; a node that is not running has no
// listener to change.
void Simulation::ApplyListener(const TimelineEvent& e) {
  PLUMSIM_CHECK(tcp_ != nullptr);
  if (observer_ != nullptr) observer_->OnNetworkChange(e);
  for (NodeId n : e.nodes) {
    if (!nodes_[n].running()) {
      Skipped(e.kind, n, "the node is not running");
      continue;
    }
    if (e.kind == TimelineEvent::Kind::kListenerDown) {
      tcp_->ListenerDown(n, e.stays_down);
    } else {
      tcp_->ListenerUp(n);
    }
  }
}

void Simulation::ApplyCrash(const TimelineEvent& e) {
  for (NodeId n : e.nodes) {
    if (!nodes_[n].running()) {
      Skipped(e.kind, n, "the node is not running");
      continue;
    }
    StopNode(n, NodeEventKind::kCrash);
  }
}

// A crashed node stays a member with full membership; it rejoins with
// fresh state. The contact node matters only to partial-view services.
void Simulation::ApplyRestart(const TimelineEvent& e) {
  for (NodeId n : e.nodes) {
    if (nodes_[n].running() || !ordsets::IsElement(n, members_)) {
      Skipped(e.kind, n, nodes_[n].running() ? "the node is running" : "the node is not a member");
      continue;
    }
    StartNode(n, NodeEventKind::kRestart,
              PickContact(n, e.contact, static_cast<NodeId>(nodes_.size())));
  }
}

void Simulation::ApplyJoin(const TimelineEvent& e) {
  for (NodeId n : e.nodes) members_ = ordsets::AddElement(n, members_);
  for (NodeId n : e.nodes) {
    StartNode(n, NodeEventKind::kJoin,
              PickContact(n, e.contact, static_cast<NodeId>(nodes_.size())));
  }
  if (!hyparview()) PublishMembership();
}

// HyParView has no graceful leave in Partisan: the node stops and its peers
// see its connections die.
void Simulation::ApplyLeave(const TimelineEvent& e) {
  for (NodeId n : e.nodes) {
    StopNode(n, NodeEventKind::kLeave);
    members_ = ordsets::DelElement(n, members_);
  }
  if (!hyparview()) PublishMembership();
}

// partition, partition_one_way, heal: observers see the change first.
void Simulation::ApplyPartition(const TimelineEvent& e) {
  using K = TimelineEvent::Kind;
  if (observer_ != nullptr) observer_->OnNetworkChange(e);
  if (e.kind == K::kPartition) {
    std::vector<PeerSet> groups;
    for (const NodeSet& g : e.groups) groups.push_back(g.ToPeerSet());
    network_->Partition(groups);
  } else if (e.kind == K::kPartitionOneWay) {
    network_->PartitionOneWay(e.from.ToPeerSet(), e.to.ToPeerSet());
  } else {
    network_->Heal();
  }
}

// link_down, link_up, set_latency, set_loss: on every link from `from` to
// `to` (both ways if symmetric), or the defaults when `from` is empty.
void Simulation::ApplyLinkChange(const TimelineEvent& e) {
  using K = TimelineEvent::Kind;
  if (observer_ != nullptr) observer_->OnNetworkChange(e);
  if (e.from.empty()) {
    if (e.kind == K::kSetLatency) network_->SetDefaultLatency(*e.latency);
    if (e.kind == K::kSetLoss) network_->SetDefaultLoss(e.loss);
    return;
  }
  for (NodeId a : e.from) {
    for (NodeId b : e.to) {
      if (a == b) continue;
      for (int dir = 0; dir < (e.symmetric ? 2 : 1); ++dir) {
        const NodeId from = dir == 0 ? a : b, to = dir == 0 ? b : a;
        if (e.kind == K::kLinkDown) network_->SetLinkDown(from, to, true);
        if (e.kind == K::kLinkUp) network_->SetLinkDown(from, to, false);
        if (e.kind == K::kSetLatency) network_->SetLinkLatency(from, to, *e.latency);
        if (e.kind == K::kSetLoss) network_->SetLinkLoss(from, to, e.loss);
      }
    }
  }
}

void Simulation::Skipped(TimelineEvent::Kind kind, NodeId node, const char* why) {
  if (observer_ != nullptr) observer_->OnSkipped(kind, node, why);
}

void Simulation::PrefetchReceiver(NodeId to, const Message& message, int stage) {
  if (to < nodes_.size()) nodes_[to].PrefetchState(message, stage);
}

void Simulation::Deliver(NodeId from, NodeId to, const Message& message) {
  nodes_[to].Deliver(from, message);
}

void Simulation::DeliverByCall(NodeId from, NodeId to, const Message& message, Reply reply) {
  nodes_[to].DeliverByCall(from, message, std::move(reply));
}

bool Simulation::Run(const std::function<void()>& progress, SimDuration progress_step,
                     const std::vector<SimTime>& pauses, const std::function<void()>& on_pause) {
  const SimTime end = SimTime::Zero() + scenario_.duration;
  size_t next_pause = 0;
  while (next_pause < pauses.size() && pauses[next_pause] < sim_.now()) ++next_pause;
  while (sim_.now() < end || (next_pause < pauses.size() && pauses[next_pause] <= end)) {
    SimTime next = std::min(end, sim_.now() + progress_step);
    const bool pausing = next_pause < pauses.size() && pauses[next_pause] <= next;
    if (pausing) next = pauses[next_pause];
    sim_.RunUntil(next);
    if (sim_.stop_requested()) {
      if (progress) progress();
      return false;
    }
    if (pausing) {
      if (on_pause) on_pause();
      ++next_pause;
    }
    if (progress) progress();
    if (sim_.stop_requested()) return false;
  }
  return true;
}

void Simulation::RunUntil(SimTime until) { sim_.RunUntil(until); }

}  // namespace plumsim
