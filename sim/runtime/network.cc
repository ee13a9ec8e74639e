#include "sim/runtime/network.h"

#include <algorithm>
#include <utility>

#include "base/check.h"

namespace plumsim {
namespace {

// Lane bits above the node id (Schedule): a connection's back stream, and
// its channel.
constexpr NodeId kBackLane = NodeId{1} << 31;
constexpr NodeId kMembershipLane = NodeId{1} << 30;

}  // namespace

const char* DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kUnreachable:
      return "unreachable";
    case DropReason::kLoss:
      return "loss";
    case DropReason::kCut:
      return "cut";
    case DropReason::kNotConnected:
      return "not_connected";
    case DropReason::kNeverArrives:
      return "never_arrives";
    case DropReason::kConnectionClosed:
      return "connection_closed";
  }
  return "?";
}

const char* CloseReasonName(CloseReason reason) {
  switch (reason) {
    case CloseReason::kPingTimeout:
      return "ping_timeout";
    case CloseReason::kPeerClosed:
      return "peer_closed";
    case CloseReason::kCrash:
      return "crash";
    case CloseReason::kDisconnect:
      return "disconnect";
    case CloseReason::kRetransmitTimeout:
      return "retransmit_timeout";
    case CloseReason::kInvalidPingResponse:
      return "invalid_ping_response";
    case CloseReason::kListenerClosed:
      return "listener_closed";
  }
  return "?";
}

bool Network::Cut::Separates(NodeId from, NodeId to) const {
  switch (kind) {
    case Kind::kGroups: {
      const uint32_t gf = from < group.size() ? group[from] : 0;
      const uint32_t gt = to < group.size() ? group[to] : 0;
      return gf != gt;
    }
    case Kind::kOneWay:
      return from < from_set.size() && from_set[from] && to < to_set.size() && to_set[to];
    case Kind::kLink:
      return from == a && to == b;
    case Kind::kNode:
      return from == a || to == a;
  }
  return false;
}

Network::Network(EventLoop* sim, NetworkConfig config, uint64_t root_seed,
                 MessageReceiver* receiver, NetworkObserver* observer)
    : sim_(sim),
      config_(std::move(config)),
      rng_(root_seed, StreamDomain::kNetwork, 0),
      receiver_(receiver),
      observer_(observer) {
  sim_->EnablePrefetchHints();  // Prefetch: the slot, then the receiver
}

void Network::AddCut(Cut cut, bool notify) {
  cuts_.push_back(std::move(cut));
  if (notify && on_cut_) on_cut_();
}

void Network::EnsureNode(NodeId node) {
  PLUMSIM_CHECK(node < kMembershipLane);  // the lane bits (Schedule)
  if (up_.size() <= node) up_.resize(node + 1, false);
}

void Network::SetNodeUp(NodeId node, bool up) {
  EnsureNode(node);
  const bool was_up = up_[node];
  up_[node] = up;
  if (was_up && !up) {
    Cut cut{Cut::Kind::kNode, {}, {}, {}, node, 0};
    AddCut(std::move(cut), /*notify=*/!on_node_);
  }
  if (was_up != up && on_node_) {
    on_node_(node, up);
  } else if (!was_up && up && on_heal_) {
    on_heal_();
  }
}

bool Network::Reachable(NodeId from, NodeId to) const {
  if (!group_.empty()) {
    const uint32_t gf = from < group_.size() ? group_[from] : 0;
    const uint32_t gt = to < group_.size() ? group_[to] : 0;
    if (gf != gt) return false;
  }
  for (const Cut& cut : one_way_) {
    if (cut.Separates(from, to)) return false;
  }
  return links_down_.empty() || !links_down_.contains(LinkKey(from, to));
}

bool Network::IsConnected(NodeId from, NodeId to) const {
  return from != to && IsUp(from) && IsUp(to) && Reachable(from, to);
}

const Network::LinkOverride* Network::Override(NodeId from, NodeId to) const {
  if (overrides_.empty()) return nullptr;
  auto it = overrides_.find(LinkKey(from, to));
  return it == overrides_.end() ? nullptr : &it->second;
}

SimDuration Network::SampleLatency(NodeId from, NodeId to) {
  const LinkOverride* link = Override(from, to);
  return (link != nullptr && link->latency ? *link->latency : config_.latency).Sample(rng_);
}

void Network::Send(NodeId from, NodeId to, Message message, SimTime departure) {
  departure = std::max(departure, sim_->now());
  if (observer_ != nullptr) observer_->OnSend(from, to, message);
  if (!IsConnected(from, to)) {
    if (observer_ != nullptr) {
      observer_->OnDrop(from, to, message, DropReason::kUnreachable);
    }
    return;
  }
  const LinkOverride* link = Override(from, to);
  const double loss = link != nullptr && link->loss ? *link->loss : config_.loss;
  const LatencyDistribution& latency =
      link != nullptr && link->latency ? *link->latency : config_.latency;
  // Draws, in a fixed order: loss (only when a loss rate is set), latency,
  // duplication (only when set), then the duplicate's latency.
  if (loss > 0 && rng_.Bernoulli(loss)) {
    if (observer_ != nullptr) observer_->OnDrop(from, to, message, DropReason::kLoss);
    return;
  }
  // The duplicate decision is drawn after the first latency, as before.
  const SimDuration first_latency = latency.Sample(rng_);
  if (config_.duplicate > 0 && rng_.Bernoulli(config_.duplicate)) {
    Schedule(from, to, message, departure, first_latency);
    Schedule(from, to, std::move(message), departure, latency.Sample(rng_));
  } else {
    Schedule(from, to, std::move(message), departure, first_latency);
  }
}

// A segment lost k times in a row arrives after k retransmission timeouts
// (RFC 6298 5.5: the RTO doubles per retransmission, up to max_rto). No
// fast retransmit: Partisan's traffic is too sparse for duplicate acks.
bool Network::Transmit(NodeId from, NodeId to, uint64_t seq, Message message, SimTime not_before,
                       TcpPacket packet) {
  const LinkOverride* link = Override(from, to);
  const double loss = link != nullptr && link->loss ? *link->loss : config_.loss;
  int losses = 0;
  if (loss > 0) {
    while (losses <= TcpConfig::kMaxRetransmissions && rng_.Bernoulli(loss)) ++losses;
  }
  if (losses > TcpConfig::kMaxRetransmissions) return false;
  if (losses > 0 && observer_ != nullptr && packet.is_message()) {
    observer_->OnRetransmit(from, to, message, losses);
  }
  const SimDuration latency = SampleLatency(from, to);
  const SimTime departure = std::max(sim_->now(), not_before);
  const SimDuration delay = config_.tcp.Backoff(losses);
  if (delay.ns() >= SimTime::Max().ns() - departure.ns() - 1) return false;
  Schedule(from, to, std::move(message), departure + delay, latency, seq, packet);
  return true;
}

bool Network::Schedule(NodeId from, NodeId to, Message message, SimTime departure,
                       SimDuration latency, uint64_t seq, TcpPacket packet) {
  // A heavy-tailed draw (pareto, lognormal) can exceed what the clock can
  // hold: such a message never arrives; it is dropped, counted and traced.
  if (latency.ns() >= SimTime::Max().ns() - departure.ns()) {
    if (observer_ != nullptr && packet.is_message()) {
      observer_->OnDrop(from, to, message, DropReason::kNeverArrives);
    }
    return false;
  }
  SimTime arrival = departure + latency;
  if (!config_.reorder) {
    // Each stream of each connection has its own lane (node ids stay below
    // 2^30).
    NodeId lane = packet.back ? (to | kBackLane) : to;
    if (packet.channel == Channel::kMembership) lane |= kMembershipLane;
    arrival = link_clocks_.Clamp(from, lane, arrival, sim_->now());
  }
  const uint32_t slot = free_slots_.Take(slots_.size());
  if (slot == slots_.size()) slots_.emplace_back();
  InFlight& f = slots_[slot];
  f.from = from;
  f.to = to;
  f.cuts_at_send = static_cast<uint32_t>(cuts_.size());
  f.message = std::move(message);
  if (config_.transport == Transport::kTcp) {
    if (tcp_slots_.size() <= slot) tcp_slots_.resize(slots_.size());
    tcp_slots_[slot] = TcpSlot{seq, sim_->now(), packet};
  }
  sim_->ScheduleAt(arrival, this, slot);
  return true;
}

void Network::Prefetch(uint64_t slot_arg, int stage) {
  const InFlight& f = slots_[static_cast<uint32_t>(slot_arg)];
  if (stage == 0) {
    __builtin_prefetch(&f);
    __builtin_prefetch(reinterpret_cast<const char*>(&f) + 64);
    return;
  }
  receiver_->PrefetchReceiver(f.to, f.message, stage - 1);
}

void Network::OnEvent(uint64_t slot_arg) {
  const uint32_t slot = static_cast<uint32_t>(slot_arg);
  InFlight f = std::move(slots_[slot]);
  free_slots_.Release(slot);
  if (config_.transport == Transport::kTcp) {
    OnTcpArrival(std::move(f), tcp_slots_[slot]);
    return;
  }
  bool cut = false;
  for (size_t i = f.cuts_at_send; i < cuts_.size() && !cut; ++i) {
    cut = cuts_[i].Separates(f.from, f.to);
  }
  if (cut || !IsUp(f.to)) {
    if (observer_ != nullptr) observer_->OnDrop(f.from, f.to, f.message, DropReason::kCut);
    return;
  }
  if (observer_ != nullptr) observer_->OnDeliver(f.from, f.to, f.message);
  receiver_->Deliver(f.from, f.to, f.message);
}

// tcp: what TCP acknowledged is delivered; a segment whose path is cut when
// it arrives is retransmitted later, so it goes back to its connection to
// wait. Only the receiver's crash since the send loses it: the connection it
// belonged to is gone with the receiving process.
void Network::OnTcpArrival(InFlight f, TcpSlot tcp) {
  bool receiver_crashed = !IsUp(f.to);
  for (size_t i = f.cuts_at_send; i < cuts_.size() && !receiver_crashed; ++i) {
    receiver_crashed = cuts_[i].kind == Cut::Kind::kNode && cuts_[i].a == f.to;
  }
  const bool message = tcp.packet.is_message();
  if (receiver_crashed) {
    if (observer_ != nullptr && message) {
      observer_->OnDrop(f.from, f.to, f.message, DropReason::kCut);
    }
    return;
  }
  if (tcp_sink_ != nullptr) {
    if (!Reachable(f.from, f.to)) {
      tcp_sink_->OnBlockedArrival(f.from, f.to, tcp.seq, tcp.sent_at, std::move(f.message),
                                  tcp.packet);
      return;
    }
    if (!message) {
      tcp_sink_->OnControlArrival(f.from, f.to, tcp.packet);
      return;
    }
    switch (tcp_sink_->OnMessageArrival(f.from, f.to, tcp.packet, f.message)) {
      case TcpPacketSink::Arrival::kDeliver:
        break;
      case TcpPacketSink::Arrival::kDrop:
        if (observer_ != nullptr) {
          observer_->OnDrop(f.from, f.to, f.message, DropReason::kConnectionClosed);
        }
        return;
      case TcpPacketSink::Arrival::kTaken:
        return;
    }
  }
  DeliverNow(f.from, f.to, f.message);
}

void Network::DeliverNow(NodeId from, NodeId to, const Message& message) {
  if (observer_ != nullptr) observer_->OnDeliver(from, to, message);
  receiver_->Deliver(from, to, message);
}

void Network::DeliverByCall(NodeId from, NodeId to, const Message& message,
                            MessageReceiver::Reply reply) {
  if (observer_ != nullptr) observer_->OnDeliver(from, to, message);
  receiver_->DeliverByCall(from, to, message, std::move(reply));
}

std::optional<Network::InFlightAge> Network::OldestTcpInFlight() const {
  std::vector<bool> free(slots_.size(), false);
  for (uint32_t slot : free_slots_.indices()) free[slot] = true;
  std::optional<InFlightAge> oldest;
  for (size_t slot = 0; slot < slots_.size() && slot < tcp_slots_.size(); ++slot) {
    if (free[slot]) continue;
    if (!oldest || tcp_slots_[slot].sent_at < oldest->sent_at) {
      oldest = InFlightAge{tcp_slots_[slot].sent_at, slots_[slot].from, slots_[slot].to};
    }
  }
  return oldest;
}

void Network::Partition(const std::vector<PeerSet>& groups) {
  std::vector<uint32_t> group(up_.size(), 0);
  for (size_t g = 0; g < groups.size(); ++g) {
    for (NodeId n : groups[g]) {
      if (group.size() <= n) group.resize(n + 1, 0);
      group[n] = static_cast<uint32_t>(g + 1);
    }
  }
  group_ = group;
  Cut cut{Cut::Kind::kGroups, std::move(group), {}, {}, 0, 0};
  AddCut(std::move(cut));
}

void Network::PartitionOneWay(const PeerSet& from, const PeerSet& to) {
  Cut cut{Cut::Kind::kOneWay,
          {},
          std::vector<bool>(up_.size(), false),
          std::vector<bool>(up_.size(), false),
          0,
          0};
  for (NodeId n : from) {
    if (cut.from_set.size() <= n) cut.from_set.resize(n + 1, false);
    cut.from_set[n] = true;
  }
  for (NodeId n : to) {
    if (cut.to_set.size() <= n) cut.to_set.resize(n + 1, false);
    cut.to_set[n] = true;
  }
  one_way_.push_back(cut);
  AddCut(std::move(cut));
}

void Network::Heal() {
  group_.clear();
  one_way_.clear();
  if (on_heal_) on_heal_();
}

void Network::SetLinkDown(NodeId from, NodeId to, bool down) {
  if (down) {
    if (links_down_.insert(LinkKey(from, to)).second) {
      AddCut(Cut{Cut::Kind::kLink, {}, {}, {}, from, to});
    }
  } else if (links_down_.erase(LinkKey(from, to)) > 0 && on_heal_) {
    on_heal_();
  }
}

void Network::SetLinkLatency(NodeId from, NodeId to, const LatencyDistribution& latency) {
  overrides_[LinkKey(from, to)].latency = latency;
}

void Network::SetLinkLoss(NodeId from, NodeId to, double loss) {
  overrides_[LinkKey(from, to)].loss = loss;
}

}  // namespace plumsim
