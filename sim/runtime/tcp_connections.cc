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
      observer_(observer),
      client_times_(KeepaliveTimes::Client(runtime)),
      server_times_(KeepaliveTimes::Server(runtime)) {
  network_->set_tcp_sink(this);
}

TcpConnections::Conn* TcpConnections::Find(NodeId holder, NodeId peer, Channel channel) {
  auto it = index_.find(Key(holder, peer, channel));
  return it == index_.end() ? nullptr : &slots_[it->second];
}

TcpConnections::Conn* TcpConnections::Live(TcpPacket packet) {
  if (packet.conn >= slots_.size()) return nullptr;
  Conn& c = slots_[packet.conn];
  return c.generation == packet.generation ? &c : nullptr;
}

bool TcpConnections::IsOpen(NodeId holder, NodeId peer) const {
  return holder < open_.size() && ordsets::IsElement(peer, open_[holder]);
}

bool TcpConnections::IsOpen(NodeId holder, NodeId peer, Channel channel) const {
  return index_.contains(Key(holder, peer, channel));
}

const PeerSet& TcpConnections::OpenPeers(NodeId holder) const {
  static const PeerSet* const kNone = new PeerSet();
  return holder < open_.size() ? open_[holder] : *kNone;
}

bool TcpConnections::StreamOk(NodeId holder, NodeId peer, bool back) const {
  return back ? network_->IsConnected(peer, holder) : network_->IsConnected(holder, peer);
}

// maybe_connect/3 (partisan_peer_service_manager, ~lines 354-419): no
// connection to the peer yet: the default channel's only. maybe_connect/4
// (~lines 430-494): otherwise each channel below its parallelism (1) gets
// one, in maps:to_list/1 order (partisan_membership sorts before
// undefined), whether or not the one before it succeeded.
TcpConnections::ConnectResult TcpConnections::Connect(NodeId holder, NodeId peer, SimTime at) {
  at = std::max(at, sim_->now());
  if (holder == peer) return {};
  if (!IsOpen(holder, peer)) return ConnectChannel(holder, peer, Channel::kDefault, at);
  ConnectResult result{true};
  for (const Channel channel : {Channel::kMembership, Channel::kDefault}) {
    if (IsOpen(holder, peer, channel)) continue;
    const ConnectResult r = ConnectChannel(holder, peer, channel, at + result.blocked);
    result.blocked = result.blocked + r.blocked;
    result.attempts += r.attempts;
    result.opened += r.opened;
  }
  return result;
}

TcpConnections::ConnectResult TcpConnections::ConnectChannel(NodeId holder, NodeId peer,
                                                             Channel channel, SimTime at) {
  const bool was_open = IsOpen(holder, peer);
  if (!not_listening_.empty() && !Listening(peer) && PathOk(holder, peer)) {
    // Nothing listens on the peer's port: its OS answers the SYN with a
    // reset, and partisan_peer_service_client:init/1 stops `normal`
    // ("Node isn't online just yet", maybe_connect/3 ~line 400).
    return {was_open, network_->SampleLatency(holder, peer) + network_->SampleLatency(peer, holder),
            1, 0};
  }
  if (!PathOk(holder, peer)) {
    // A host that is up but whose VM is down answers the SYN with a reset.
    const bool refused = crash_mode_ == CrashMode::kProcess && !network_->IsUp(peer) &&
                         network_->IsUp(holder) && network_->CanReach(holder, peer) &&
                         network_->CanReach(peer, holder);
    if (!refused) return {was_open, runtime_.connect_timeout, 1, 0};
    return {was_open, network_->SampleLatency(holder, peer) + network_->SampleLatency(peer, holder),
            1, 0};
  }
  // SYN, SYN-ACK: connect returns to the client's init/1, whose ACK
  // completes the server's accept. The server process then speaks first:
  // acceptor_continue (partisan_peer_service_server) sends {hello, Node}.
  // No timer is armed on either end until its first reset_ping/1.
  const SimDuration syn = network_->SampleLatency(holder, peer);
  const SimDuration syn_ack = network_->SampleLatency(peer, holder);
  // connect/3's timeout (?TIMEOUT) runs out before a slow handshake ends.
  if (syn + syn_ack > runtime_.connect_timeout) {
    return {was_open, runtime_.connect_timeout, 1, 0};
  }
  const SimDuration ack = network_->SampleLatency(holder, peer);
  PLUMSIM_CHECK(next_generation_ != 0);  // 2^32 connections
  const uint32_t slot = free_slots_.Take(slots_.size());
  if (slot == slots_.size()) slots_.emplace_back();
  Conn& c = slots_[slot];
  c = Conn{};
  c.holder = holder;
  c.peer = peer;
  c.channel = channel;
  c.slot = slot;
  c.generation = next_generation_++;
  c.ready_at = at + syn + syn_ack;
  index_[Key(holder, peer, channel)] = slot;
  if (!was_open) {
    if (open_.size() <= holder) open_.resize(holder + 1);
    open_[holder] = ordsets::AddElement(peer, std::move(open_[holder]));
    if (holders_.size() <= peer) holders_.resize(peer + 1);
    holders_[peer] = ordsets::AddElement(holder, std::move(holders_[peer]));
  } else {
    if (complete_.size() <= holder) complete_.resize(holder + 1);
    ++complete_[holder];  // the pair's other channel was open
  }
  if (observer_ != nullptr) observer_->OnConnectionOpen(holder, peer, channel);
  SendPacket(holder, peer, c, /*back=*/true, Word(Kind::kServerHello), Message{},
             at + syn + syn_ack + ack);
  return {true, syn + syn_ack, 1, 1};
}

void TcpConnections::Disconnect(NodeId holder, NodeId peer) {
  for (const Channel channel : kChannels) {
    if (Conn* c = Find(holder, peer, channel)) Close(*c, CloseReason::kDisconnect, false);
  }
}

void TcpConnections::Send(NodeId from, NodeId to, Message message, Channel channel,
                          SimTime departure) {
  if (observer_ != nullptr) observer_->OnSend(from, to, message);
  Conn* c = Find(from, to, channel);
  if (c == nullptr && channel != Channel::kDefault) c = Find(from, to, Channel::kDefault);
  if (c == nullptr) {
    // do_send_message/3 without a connection: {error, not_yet_connected}.
    if (observer_ != nullptr) observer_->OnDrop(from, to, message, DropReason::kNotConnected);
    return;
  }
  SendPacket(from, to, *c, /*back=*/false, 0, std::move(message), std::max(c->ready_at, departure));
}

void TcpConnections::SendPacket(NodeId holder, NodeId peer, Conn& c, bool back, uint32_t word,
                                Message message, SimTime not_before) {
  Stream& s = back ? c.back : c.out;
  const uint64_t seq = s.next_seq++;
  const bool hold = s.cut || !s.held.empty() || (!back && c.peer_gone);
  if (hold) {
    const NodeId from = back ? peer : holder, to = back ? holder : peer;
    if (word == 0 && observer_ != nullptr) observer_->OnHeld(from, to, message);
    s.held.push_back(Held{seq, sim_->now(), word, std::move(message)});
    // The peer's host is back: this packet meets its new OS.
    if (!back && c.peer_gone && network_->IsConnected(holder, peer)) {
      ResetByNewPeer(holder, peer, c, std::max(sim_->now(), not_before));
    }
    return;
  }
  Put(holder, peer, c, back, seq, word, std::move(message), not_before);
}

void TcpConnections::Put(NodeId holder, NodeId peer, Conn& c, bool back, uint64_t seq,
                         uint32_t word, Message message, SimTime not_before) {
  const NodeId from = back ? peer : holder, to = back ? holder : peer;
  if (network_->Transmit(from, to, seq, message, not_before,
                         TcpPacket{c.slot, c.generation, word, back, c.channel})) {
    return;
  }
  // tcp_retries2 exceeded: TCP aborts the connection (ETIMEDOUT), which
  // closes the client as a closed socket does.
  if (word == 0 && observer_ != nullptr) {
    observer_->OnDrop(from, to, message, DropReason::kConnectionClosed);
  }
  ScheduleClose(holder, peer, c, sim_->now(), CloseReason::kRetransmitTimeout);
}

void TcpConnections::OnBlockedArrival(NodeId from, NodeId to, uint64_t seq, SimTime sent_at,
                                      Message message, TcpPacket packet) {
  const bool back = packet.back;
  Conn* c = Live(packet);
  if (c == nullptr || c->closing || (back && c->peer_gone)) {
    if (packet.is_message() && observer_ != nullptr) {
      observer_->OnDrop(from, to, message, DropReason::kConnectionClosed);
    }
    return;
  }
  if (packet.is_message() && observer_ != nullptr) observer_->OnHeld(from, to, message);
  Stream& s = back ? c->back : c->out;
  auto at = std::lower_bound(s.held.begin(), s.held.end(), seq,
                             [](const Held& h, uint64_t q) { return h.seq < q; });
  s.held.insert(at, Held{seq, sent_at, packet.word, std::move(message)});
  // The cut that blocked it may not be known to the stream yet
  // (OnPathsChanged runs once per instant).
  s.cut = true;
  if (StreamOk(c->holder, c->peer, back)) MaybeResume(c->holder, c->peer, *c, back);
}

void TcpConnections::OnControlArrival(NodeId /*from*/, NodeId /*to*/, TcpPacket packet) {
  const bool back = packet.back;
  Conn* c = Live(packet);
  if (c == nullptr || c->closing) return;
  const NodeId holder = c->holder, peer = c->peer;
  const Kind kind = static_cast<Kind>(packet.word & 15u);
  const uint32_t arg = packet.word >> 4;
  if (back) {
    ClientReceives(holder, peer, *c, kind, arg);
  } else {
    ServerReceives(holder, peer, *c, kind, arg);
  }
}

TcpPacketSink::Arrival TcpConnections::OnMessageArrival(NodeId from, NodeId to, TcpPacket packet,
                                                        Message& message) {
  Conn* c = Live(packet);
  if (c == nullptr) {
    // The client closed since: the server still reads what reached it
    // before the client's FIN, unless it had stopped itself (its socket is
    // closed).
    if (stopped_servers_.contains(packet.generation)) return Arrival::kDrop;
  } else {
    if (c->server.stopped) return Arrival::kDrop;
    // handle_inbound/2's catch-all clause (partisan_peer_service_server):
    // any message re-arms the server's ping timer.
    ResetPing(c->holder, c->peer, *c, /*server=*/true);
  }
  if (auto it = blocked_servers_.find(packet.generation); it != blocked_servers_.end()) {
    it->second.unread.push_back(std::move(message));  // the server is in a call
    return Arrival::kTaken;
  }
  if (IsPlumtreeMessage(message)) return Arrival::kDeliver;
  CallManager(packet.generation, from, to, message);
  return Arrival::kTaken;
}

void TcpConnections::CallManager(uint32_t generation, NodeId from, NodeId to,
                                 const Message& message) {
  blocked_servers_[generation] = BlockedServer{from, to, {}};
  const SimTime called_at = sim_->now();
  network_->DeliverByCall(from, to, message, [this, generation, called_at](SimTime at) {
    OnManagerReply(generation, called_at, at);
  });
}

void TcpConnections::OnManagerReply(uint32_t generation, SimTime called_at, SimTime at) {
  at = std::max(at, sim_->now());
  if (process_stats_ != nullptr) process_stats_->CountServerBlocked(at - called_at);
  if (at == sim_->now()) {
    ReadOn(generation);
    return;
  }
  sim_->ScheduleCallbackAt(at, [this, generation] { ReadOn(generation); });
}

void TcpConnections::ReadOn(uint32_t generation) {
  while (true) {
    auto it = blocked_servers_.find(generation);
    if (it == blocked_servers_.end()) return;  // its node died meanwhile
    BlockedServer& server = it->second;
    if (server.unread.empty()) {
      blocked_servers_.erase(it);
      return;
    }
    const NodeId from = server.from, to = server.to;
    Message next = std::move(server.unread.front());
    server.unread.pop_front();
    if (!IsPlumtreeMessage(next)) {
      const SimTime called_at = sim_->now();
      network_->DeliverByCall(from, to, next, [this, generation, called_at](SimTime at) {
        OnManagerReply(generation, called_at, at);
      });
      return;
    }
    network_->DeliverNow(from, to, next);
  }
}

// handle_inbound/2 of partisan_peer_service_client: only what the server
// sends arrives here.
void TcpConnections::ClientReceives(NodeId holder, NodeId peer, Conn& c, Kind kind, uint32_t arg) {
  switch (kind) {
    case Kind::kServerHello:  // {hello, Node}: reply {hello, Node, Channel}
      SendPacket(holder, peer, c, false, Word(Kind::kClientHello), Message{}, sim_->now());
      ResetPing(holder, peer, c, /*server=*/false);
      return;
    case Kind::kState:  // {state, Tag, LocalState}: {connected, ...} to the manager
      ResetPing(holder, peer, c, false);
      return;
    case Kind::kPing:  // #ping{}: a pong with the same id (send_pong/2)
      SendPacket(holder, peer, c, false, Word(Kind::kPong, arg), Message{}, sim_->now());
      ResetPing(holder, peer, c, false);
      return;
    case Kind::kPong:
      if (c.client.keepalive.Accepts(arg)) {
        ResetPing(holder, peer, c, false);
      } else {
        Close(c, CloseReason::kInvalidPingResponse, /*notify=*/true);
      }
      return;
    case Kind::kFin:  // ?CLOSED_MSG: {stop, normal}
      Close(c, static_cast<CloseReason>(arg), /*notify=*/true);
      return;
    case Kind::kMessage:
    case Kind::kClientHello:
      break;
  }
  PLUMSIM_CHECK(false);  // servers send no such packet
}

// handle_inbound/2 of partisan_peer_service_server.
void TcpConnections::ServerReceives(NodeId holder, NodeId peer, Conn& c, Kind kind, uint32_t arg) {
  if (c.server.stopped) return;
  switch (kind) {
    case Kind::kClientHello:  // {hello, Node, Channel}: reply {state, Tag, LocalState}
      SendPacket(holder, peer, c, true, Word(Kind::kState), Message{}, sim_->now());
      ResetPing(holder, peer, c, /*server=*/true);
      return;
    case Kind::kPing:
      SendPacket(holder, peer, c, true, Word(Kind::kPong, arg), Message{}, sim_->now());
      ResetPing(holder, peer, c, true);
      return;
    case Kind::kPong:
      if (c.server.keepalive.Accepts(arg)) {
        ResetPing(holder, peer, c, true);
      } else {
        StopServer(holder, peer, c, CloseReason::kInvalidPingResponse);
      }
      return;
    case Kind::kMessage:
    case Kind::kServerHello:
    case Kind::kState:
    case Kind::kFin:
      break;
  }
  PLUMSIM_CHECK(false);  // clients send no such packet
}

void TcpConnections::ResetPing(NodeId holder, NodeId peer, Conn& c, bool server) {
  End& e = server ? c.server : c.client;
  e.keepalive.Reset(sim_->now(), server ? server_times_ : client_times_);
  Arm(holder, peer, c, server);
}

// erlang:start_timer/3 for the end's ping_tref. A reset only moves the
// deadline; the pending event re-arms itself when it finds the deadline
// later (a cancelled timer's message is ignored, as ping_tref's match
// ignores it in Partisan).
void TcpConnections::Arm(NodeId holder, NodeId peer, Conn& c, bool server) {
  End& e = server ? c.server : c.client;
  const SimTime deadline = e.keepalive.deadline();
  if (e.event_at != SimTime::Max() && e.event_at <= deadline) return;
  e.event_at = deadline;
  const uint32_t token = ++e.token;
  const uint32_t generation = c.generation;
  const uint32_t slot = c.slot;
  sim_->ScheduleCallbackAt(deadline, [this, slot, generation, server, token] {
    OnTimer(slot, generation, server, token);
  });
}

// {timeout, Ref, ping_idle_timeout | ping_timeout}: maybe_send_ping/1.
void TcpConnections::OnTimer(uint32_t slot, uint32_t generation, bool server, uint32_t token) {
  Conn* c = Live(TcpPacket{slot, generation});
  if (c == nullptr || c->closing) return;
  const NodeId holder = c->holder, peer = c->peer;
  End& e = server ? c->server : c->client;
  if (e.token != token || e.stopped) return;
  e.event_at = SimTime::Max();
  if (e.keepalive.deadline() > sim_->now()) {
    Arm(holder, peer, *c, server);
    return;
  }
  const uint32_t id = e.keepalive.Fire(sim_->now(), server ? server_times_ : client_times_);
  if (id == 0) {  // {stop, {shutdown, ping_timeout}}
    if (server) {
      StopServer(holder, peer, *c, CloseReason::kPingTimeout);
    } else {
      Close(*c, CloseReason::kPingTimeout, /*notify=*/true);
    }
    return;
  }
  ++pings_sent_;
  SendPacket(holder, peer, *c, /*back=*/server, Word(Kind::kPing, id), Message{}, sim_->now());
  Arm(holder, peer, *c, server);
}

void TcpConnections::StopServer(NodeId holder, NodeId peer, Conn& c, CloseReason reason) {
  c.server.stopped = true;
  ++c.server.token;
  // terminate/2 closes the socket: the FIN follows what the server sent.
  SendPacket(holder, peer, c, /*back=*/true, Word(Kind::kFin, static_cast<uint32_t>(reason)),
             Message{}, sim_->now());
}

SimTime TcpConnections::ResumeTime(const Stream& s, SimTime heal) const {
  const SimTime first_unacked = s.held.empty() ? SimTime::Max() : s.held.front().sent_at;
  if (first_unacked >= heal) return heal;
  const TcpConfig& tcp = network_->config().tcp;
  for (int k = 1; k <= TcpConfig::kMaxRetransmissions; ++k) {
    const SimTime attempt = first_unacked + tcp.Backoff(k);
    if (attempt >= heal) return attempt;
  }
  return SimTime::Max();  // TCP gave up before the heal
}

void TcpConnections::MaybeResume(NodeId holder, NodeId peer, Conn& c, bool back) {
  Stream& s = back ? c.back : c.out;
  const SimTime at = ResumeTime(s, sim_->now());
  if (at == SimTime::Max()) {
    ScheduleClose(holder, peer, c, sim_->now(), CloseReason::kRetransmitTimeout);
    return;
  }
  if (!back && c.peer_gone) {
    // The retransmission reaches the peer's new incarnation; with nothing
    // held, the next packet sent does (SendPacket).
    if (!s.held.empty()) ResetByNewPeer(holder, peer, c, at);
    return;
  }
  if (s.resume_at != SimTime::Max() && s.resume_at >= sim_->now() && s.resume_at <= at) return;
  s.resume_at = at;
  const uint32_t generation = c.generation;
  const uint32_t slot = c.slot;
  sim_->ScheduleCallbackAt(
      at, [this, slot, generation, back, at] { Resume(slot, generation, back, at); });
}

void TcpConnections::Resume(uint32_t slot, uint32_t generation, bool back, SimTime at) {
  Conn* c = Live(TcpPacket{slot, generation});
  if (c == nullptr || c->closing) return;
  const NodeId holder = c->holder, peer = c->peer;
  Stream& s = back ? c->back : c->out;
  if (s.resume_at != at) return;                        // a later MaybeResume moved it
  if (!s.cut || !StreamOk(holder, peer, back)) return;  // cut again: a later heal resumes
  s.cut = false;
  s.resume_at = SimTime::Max();
  std::vector<Held> held = std::move(s.held);
  s.held.clear();
  const NodeId from = back ? peer : holder, to = back ? holder : peer;
  for (Held& h : held) {
    Conn* again = Live(TcpPacket{slot, generation});
    if (again == nullptr || again->closing) {
      if (h.word == 0 && observer_ != nullptr) {
        observer_->OnDrop(from, to, h.message, DropReason::kConnectionClosed);
      }
      continue;
    }
    if (h.word == 0 && observer_ != nullptr) {
      observer_->OnReleased(from, to, h.message, sim_->now() - h.sent_at);
    }
    Put(holder, peer, *again, back, h.seq, h.word, std::move(h.message), sim_->now());
  }
}

void TcpConnections::ResetByNewPeer(NodeId holder, NodeId peer, Conn& c, SimTime departure) {
  const SimDuration rtt =
      network_->SampleLatency(holder, peer) + network_->SampleLatency(peer, holder);
  ScheduleClose(holder, peer, c, departure + rtt, CloseReason::kPeerClosed);
}

void TcpConnections::ScheduleClose(NodeId /*a*/, NodeId /*b*/, Conn& c, SimTime at,
                                   CloseReason reason) {
  if (c.closing) return;
  c.closing = true;
  const uint32_t generation = c.generation;
  const uint32_t slot = c.slot;
  sim_->ScheduleCallbackAt(at, [this, slot, generation, reason] {
    if (Conn* live = Live(TcpPacket{slot, generation})) Close(*live, reason, /*notify=*/true);
  });
}

void TcpConnections::Close(Conn& c, CloseReason reason, bool notify) {
  const NodeId holder = c.holder, peer = c.peer;
  const Channel channel = c.channel;
  const uint32_t slot = c.slot;
  PLUMSIM_CHECK(index_.erase(Key(holder, peer, channel)) == 1);
  std::vector<Held> held = std::move(slots_[slot].out.held);
  if (slots_[slot].server.stopped && !slots_[slot].peer_gone) {
    stopped_servers_.insert(slots_[slot].generation);
  }
  slots_[slot] = Conn{};  // generation 0: no packet matches it
  free_slots_.Release(slot);
  if (IsOpen(holder, peer,
             channel == Channel::kDefault ? Channel::kMembership : Channel::kDefault)) {
    --complete_[holder];
  } else {
    open_[holder] = ordsets::DelElement(peer, std::move(open_[holder]));
    holders_[peer] = ordsets::DelElement(holder, std::move(holders_[peer]));
  }
  if (observer_ != nullptr) {
    for (const Held& h : held) {
      if (h.word == 0) observer_->OnDrop(holder, peer, h.message, DropReason::kConnectionClosed);
    }
    observer_->OnConnectionClose(holder, peer, channel, reason);
  }
  if (notify && on_close_) on_close_(holder, peer);
}

void TcpConnections::OnPathsChanged() {
  for (NodeId a = 0; a < open_.size(); ++a) {
    for (NodeId b : open_[a]) {
      for (const Channel channel : kChannels) {
        Conn* c = Find(a, b, channel);
        if (c == nullptr) continue;
        for (const bool back : {false, true}) {
          if (c->closing) break;
          Stream& s = back ? c->back : c->out;
          const bool ok = StreamOk(a, b, back);
          if (!ok) s.cut = true;
          if (s.cut && ok) MaybeResume(a, b, *c, back);
        }
      }
    }
  }
}

void TcpConnections::OnNodeDown(NodeId node) {
  // Server processes of the dead VM, blocked in a call: what they had not
  // read dies with them.
  std::vector<uint32_t> dead;  // in connection order: the map's must not show
  for (const auto& [generation, server] : blocked_servers_) {
    if (server.to == node) dead.push_back(generation);
  }
  std::sort(dead.begin(), dead.end());
  for (const uint32_t generation : dead) {
    auto it = blocked_servers_.find(generation);
    if (observer_ != nullptr) {
      for (const Message& m : it->second.unread) {
        observer_->OnDrop(it->second.from, node, m, DropReason::kConnectionClosed);
      }
    }
    blocked_servers_.erase(it);
  }
  if (node < open_.size()) {
    const PeerSet own = open_[node];
    for (NodeId peer : own) {
      for (const Channel channel : kChannels) {
        if (Conn* c = Find(node, peer, channel)) Close(*c, CloseReason::kCrash, false);
      }
    }
  }
  if (node >= holders_.size()) return;
  for (NodeId a : PeerSet(holders_[node])) {
    for (const Channel channel : kChannels) {
      if (Conn* c = Find(a, node, channel)) PeerDown(node, a, *c);
    }
  }
}

void TcpConnections::PeerDown(NodeId node, NodeId a, Conn& c) {
  if (c.closing) return;
  if (crash_mode_ == CrashMode::kProcess && network_->CanReach(node, a) && !c.peer_gone) {
    // The OS resets the dead VM's sockets: ?CLOSED_MSG reaches the client.
    ScheduleClose(a, node, c, sim_->now() + network_->SampleLatency(node, a),
                  CloseReason::kPeerClosed);
    return;
  }
  // Silent: the client's pings go unanswered (its keepalive), or meet a
  // reset once the peer's host is back. The server end is gone.
  c.peer_gone = true;
  c.server.stopped = true;
  ++c.server.token;
  c.back = Stream{c.back.next_seq, false, SimTime::Max(), {}};
  c.out.cut = true;
}

void TcpConnections::ListenerDown(NodeId node, bool stays_down) {
  if (stays_down) not_listening_.insert(node);
  if (node >= holders_.size()) return;
  for (NodeId a : PeerSet(holders_[node])) {
    for (const Channel channel : kChannels) {
      Conn* c = Find(a, node, channel);
      if (c == nullptr || c->closing || c->server.stopped) continue;
      StopServer(a, node, *c, CloseReason::kListenerClosed);
    }
  }
}

void TcpConnections::ListenerUp(NodeId node) { not_listening_.erase(node); }

void TcpConnections::OnNodeUp(NodeId node) {
  not_listening_.erase(node);  // the new VM's acceptor listens
  if (node >= holders_.size()) return;
  for (NodeId a : PeerSet(holders_[node])) {
    for (const Channel channel : kChannels) {
      Conn* c = Find(a, node, channel);
      if (c != nullptr && !c->closing && c->out.cut && StreamOk(a, node, false)) {
        MaybeResume(a, node, *c, false);
      }
    }
  }
}

std::optional<TcpConnections::HeldAge> TcpConnections::OldestHeld() const {
  std::optional<HeldAge> oldest;
  for (const auto& [key, slot] : index_) {
    const Conn& c = slots_[slot];
    const NodeId holder = c.holder, peer = c.peer;
    for (const bool back : {false, true}) {
      const Stream& s = back ? c.back : c.out;
      // Held while cut, or until the resume TCP's backoff scheduled. Held
      // packets on a carrying path with no resume ahead would be stuck: a
      // bug, which this does not excuse.
      const bool waiting = s.cut || (s.resume_at != SimTime::Max() && s.resume_at > sim_->now());
      if (s.held.empty() || !waiting) continue;
      const Held& h = s.held.front();  // ascending seq: the oldest
      const NodeId from = back ? peer : holder, to = back ? holder : peer;
      // Ties by (from, to): the hash map's order must not show.
      if (!oldest || h.sent_at < oldest->sent_at ||
          (h.sent_at == oldest->sent_at &&
           std::pair(from, to) < std::pair(oldest->from, oldest->to))) {
        oldest = HeldAge{h.sent_at, from, to};
      }
    }
  }
  return oldest;
}

}  // namespace plumsim
