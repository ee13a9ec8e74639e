#include "sim/runtime/tcp_connections.h"

#include <algorithm>
#include <utility>

#include "base/check.h"

namespace plumsim {

TcpConnections::TcpConnections(EventLoop* sim, Network* network,
                               const PartisanRuntimeConfig& runtime, CrashMode crash_mode,
                               NetworkObserver* observer)
    : sim_(sim),
      network_(network),
      runtime_(runtime),
      crash_mode_(crash_mode),
      observer_(observer) {
  network_->set_blocked_sink(this);
}

TcpConnections::Conn* TcpConnections::Find(NodeId holder, NodeId peer) {
  auto it = conns_.find(Key(holder, peer));
  return it == conns_.end() ? nullptr : &it->second;
}

bool TcpConnections::IsOpen(NodeId holder, NodeId peer) const {
  return conns_.contains(Key(holder, peer));
}

const PeerSet& TcpConnections::OpenPeers(NodeId holder) const {
  static const PeerSet* const kNone = new PeerSet();
  return holder < open_.size() ? open_[holder] : *kNone;
}

TcpConnections::ConnectResult TcpConnections::Connect(NodeId holder, NodeId peer, SimTime at) {
  at = std::max(at, sim_->now());
  if (holder == peer) return {};
  if (IsOpen(holder, peer)) return {true, SimDuration::Zero()};
  if (!PathOk(holder, peer)) {
    // A host that is up but whose VM is down answers the SYN with a reset.
    const bool refused = crash_mode_ == CrashMode::kProcess && !network_->IsUp(peer) &&
                         network_->IsUp(holder) && network_->CanReach(holder, peer) &&
                         network_->CanReach(peer, holder);
    if (!refused) return {false, runtime_.connect_timeout};
    return {false, network_->SampleLatency(holder, peer) + network_->SampleLatency(peer, holder)};
  }
  // SYN, SYN-ACK; then the client's hello arrives and reset_ping/1 arms the
  // idle timer (handle_inbound({hello, _}), partisan_peer_service_client).
  const SimDuration rtt =
      network_->SampleLatency(holder, peer) + network_->SampleLatency(peer, holder);
  Conn& c = conns_[Key(holder, peer)];
  c.generation = next_generation_++;
  c.ready_at = at + rtt;
  c.ping_origin = c.ready_at;
  if (open_.size() <= holder) open_.resize(holder + 1);
  open_[holder] = ordsets::AddElement(peer, std::move(open_[holder]));
  if (holders_.size() <= peer) holders_.resize(peer + 1);
  holders_[peer] = ordsets::AddElement(holder, std::move(holders_[peer]));
  if (observer_ != nullptr) observer_->OnConnectionOpen(holder, peer);
  return {true, rtt};
}

void TcpConnections::Disconnect(NodeId holder, NodeId peer) {
  if (IsOpen(holder, peer)) Close(holder, peer, CloseReason::kDisconnect, /*notify=*/false);
}

void TcpConnections::Send(NodeId from, NodeId to, Message message, SimTime departure) {
  if (observer_ != nullptr) observer_->OnSend(from, to, message);
  Conn* c = Find(from, to);
  if (c == nullptr) {
    // do_send_message/3 without a connection: {error, not_yet_connected}.
    if (observer_ != nullptr) observer_->OnDrop(from, to, message, DropReason::kNotConnected);
    return;
  }
  const uint64_t seq = c->next_seq++;
  if (c->cut() || !c->held.empty()) {
    if (observer_ != nullptr) observer_->OnHeld(from, to, message);
    c->held.push_back(Held{seq, sim_->now(), std::move(message)});
    return;
  }
  Put(from, to, *c, seq, std::move(message), std::max(c->ready_at, departure));
}

void TcpConnections::Put(NodeId from, NodeId to, Conn& c, uint64_t seq, Message message,
                         SimTime not_before) {
  if (network_->Transmit(from, to, seq, message, not_before)) return;
  // tcp_retries2 exceeded: TCP aborts the connection (ETIMEDOUT), which
  // closes the client as a closed socket does.
  if (observer_ != nullptr) observer_->OnDrop(from, to, message, DropReason::kConnectionClosed);
  ScheduleClose(from, to, c, sim_->now(), CloseReason::kRetransmitTimeout);
}

void TcpConnections::OnBlockedArrival(NodeId from, NodeId to, uint64_t seq, SimTime sent_at,
                                      Message message) {
  Conn* c = Find(from, to);
  if (c == nullptr || c->closing) {
    if (observer_ != nullptr) observer_->OnDrop(from, to, message, DropReason::kConnectionClosed);
    return;
  }
  if (observer_ != nullptr) observer_->OnHeld(from, to, message);
  auto at = std::lower_bound(c->held.begin(), c->held.end(), seq,
                             [](const Held& h, uint64_t s) { return h.seq < s; });
  c->held.insert(at, Held{seq, sent_at, std::move(message)});
  // The cut that blocked it may be older than the connection's view of it
  // (OnPathsChanged runs once per instant): count it as cut from now.
  if (!c->cut()) MarkCut(from, to, *c);
  if (PathOk(from, to)) MaybeResume(from, to, *c);
}

SimTime TcpConnections::PingDeath(const Conn& c) const {
  // reset_ping/1 re-arms the idle timer at every pong; the last reset
  // before the cut is ping_origin + k * idle_timeout.
  const int64_t idle = runtime_.ping_idle_timeout.ns();
  SimTime last_reset = c.ping_origin;
  if (c.cut_since > c.ping_origin) {
    last_reset =
        c.ping_origin + SimDuration::Nanoseconds((c.cut_since - c.ping_origin).ns() / idle * idle);
  }
  // ping_idle_timeout fires; each ping_timeout calls partisan_retry:fail/1,
  // which returns max_retries once max_attempts pings went unanswered.
  return last_reset + runtime_.ping_idle_timeout +
         runtime_.ping_timeout * runtime_.ping_max_attempts;
}

SimTime TcpConnections::ResumeTime(const Conn& c, SimTime heal) const {
  SimTime first_unacked = c.held.empty() ? SimTime::Max() : c.held.front().sent_at;
  const SimTime first_ping = PingDeath(c) - runtime_.ping_timeout * runtime_.ping_max_attempts;
  if (first_ping < heal) first_unacked = std::min(first_unacked, first_ping);
  if (first_unacked >= heal) return heal;
  const TcpConfig& tcp = network_->config().tcp;
  for (int k = 1; k <= TcpConfig::kMaxRetransmissions; ++k) {
    const SimTime attempt = first_unacked + tcp.Backoff(k);
    if (attempt >= heal) return attempt;
  }
  return SimTime::Max();  // TCP gave up before the heal
}

void TcpConnections::MarkCut(NodeId a, NodeId b, Conn& c) {
  c.cut_since = sim_->now();
  c.death_at = PingDeath(c);
  if (c.death_at == SimTime::Max()) return;
  const uint64_t generation = c.generation;
  const SimTime death = c.death_at;
  sim_->ScheduleCallbackAt(death, [this, a, b, generation, death] {
    Conn* conn = Find(a, b);
    if (conn == nullptr || conn->generation != generation || conn->closing) return;
    if (!conn->cut() || conn->death_at != death) return;  // resumed since
    Close(a, b, CloseReason::kPingTimeout, /*notify=*/true);
  });
}

void TcpConnections::MaybeResume(NodeId a, NodeId b, Conn& c) {
  const SimTime at = ResumeTime(c, sim_->now());
  if (at >= c.death_at) return;  // the ping rule closes it first
  if (at == SimTime::Max()) {
    ScheduleClose(a, b, c, sim_->now(), CloseReason::kRetransmitTimeout);
    return;
  }
  if (c.resume_at != SimTime::Max() && c.resume_at >= sim_->now() && c.resume_at <= at) return;
  const uint64_t generation = c.generation;
  if (c.peer_gone) {
    // The retransmission (or the next ping) reaches the peer's new
    // incarnation, whose OS answers with a reset.
    SimTime contact = at;
    if (c.held.empty() && at == sim_->now()) {
      contact = PingDeath(c) - runtime_.ping_timeout * runtime_.ping_max_attempts;
      while (contact < sim_->now()) contact = contact + runtime_.ping_idle_timeout;
    }
    ScheduleClose(a, b, c, contact + network_->SampleLatency(b, a), CloseReason::kPeerClosed);
    return;
  }
  c.resume_at = at;
  sim_->ScheduleCallbackAt(at, [this, a, b, generation] { Resume(a, b, generation); });
}

void TcpConnections::Resume(NodeId a, NodeId b, uint64_t generation) {
  Conn* c = Find(a, b);
  if (c == nullptr || c->generation != generation || c->closing || !c->cut()) return;
  if (!PathOk(a, b) || sim_->now() >= c->death_at) return;  // cut again: a later heal resumes
  // The pong to the retransmitted ping resets the ping timer (reset_ping/1).
  c->cut_since = SimTime::Max();
  c->death_at = SimTime::Max();
  c->ping_origin = sim_->now();
  std::vector<Held> held = std::move(c->held);
  c->held.clear();
  for (Held& h : held) {
    if (observer_ != nullptr) observer_->OnReleased(a, b, h.message, sim_->now() - h.sent_at);
    Conn* again = Find(a, b);
    if (again == nullptr || again->closing) {
      if (observer_ != nullptr) observer_->OnDrop(a, b, h.message, DropReason::kConnectionClosed);
      continue;
    }
    Put(a, b, *again, h.seq, std::move(h.message), sim_->now());
  }
}

void TcpConnections::ScheduleClose(NodeId a, NodeId b, Conn& c, SimTime at, CloseReason reason) {
  if (c.closing) return;
  c.closing = true;
  const uint64_t generation = c.generation;
  sim_->ScheduleCallbackAt(at, [this, a, b, generation, reason] {
    Conn* conn = Find(a, b);
    if (conn == nullptr || conn->generation != generation) return;
    Close(a, b, reason, /*notify=*/true);
  });
}

void TcpConnections::Close(NodeId holder, NodeId peer, CloseReason reason, bool notify) {
  auto it = conns_.find(Key(holder, peer));
  PLUMSIM_CHECK(it != conns_.end());
  std::vector<Held> held = std::move(it->second.held);
  conns_.erase(it);
  open_[holder] = ordsets::DelElement(peer, std::move(open_[holder]));
  holders_[peer] = ordsets::DelElement(holder, std::move(holders_[peer]));
  if (observer_ != nullptr) {
    for (const Held& h : held)
      observer_->OnDrop(holder, peer, h.message, DropReason::kConnectionClosed);
    observer_->OnConnectionClose(holder, peer, reason);
  }
  if (notify && on_close_) on_close_(holder, peer);
}

void TcpConnections::OnPathsChanged() {
  for (NodeId a = 0; a < open_.size(); ++a) {
    for (NodeId b : open_[a]) {
      Conn& c = *Find(a, b);
      if (c.closing) continue;
      const bool ok = PathOk(a, b);
      if (!c.cut() && (!ok || c.peer_gone)) MarkCut(a, b, c);
      if (c.cut() && ok) MaybeResume(a, b, c);
    }
  }
}

void TcpConnections::OnNodeDown(NodeId node) {
  if (node < open_.size()) {
    const PeerSet own = open_[node];
    for (NodeId peer : own) Close(node, peer, CloseReason::kCrash, /*notify=*/false);
  }
  if (node >= holders_.size()) return;
  for (NodeId a : PeerSet(holders_[node])) {
    Conn& c = *Find(a, node);
    if (c.closing) continue;
    if (crash_mode_ == CrashMode::kProcess && network_->CanReach(node, a) && !c.peer_gone) {
      // The OS resets the dead VM's sockets: ?CLOSED_MSG reaches the client.
      ScheduleClose(a, node, c, sim_->now() + network_->SampleLatency(node, a),
                    CloseReason::kPeerClosed);
    } else {
      c.peer_gone = true;  // silent: the ping rule, or a reset after restart
      if (!c.cut()) MarkCut(a, node, c);
    }
  }
}

void TcpConnections::OnNodeUp(NodeId node) {
  if (node >= holders_.size()) return;
  for (NodeId a : PeerSet(holders_[node])) {
    Conn& c = *Find(a, node);
    if (!c.closing && c.cut() && PathOk(a, node)) MaybeResume(a, node, c);
  }
}

std::optional<TcpConnections::HeldAge> TcpConnections::OldestHeld() const {
  std::optional<HeldAge> oldest;
  for (const auto& [key, c] : conns_) {
    // Held while cut, or until the resume TCP's backoff scheduled. Held data
    // on a carrying path with no resume ahead would be stuck: a bug, which
    // this does not excuse.
    const bool waiting = c.cut() || (c.resume_at != SimTime::Max() && c.resume_at > sim_->now());
    if (c.held.empty() || !waiting) continue;
    const Held& h = c.held.front();  // ascending seq: the oldest
    const NodeId from = static_cast<NodeId>(key >> 32), to = static_cast<NodeId>(key & 0xffffffffu);
    // Ties by (from, to): the hash map's order must not show.
    if (!oldest || h.sent_at < oldest->sent_at ||
        (h.sent_at == oldest->sent_at &&
         std::pair(from, to) < std::pair(oldest->from, oldest->to))) {
      oldest = HeldAge{h.sent_at, from, to};
    }
  }
  return oldest;
}

}  // namespace plumsim
