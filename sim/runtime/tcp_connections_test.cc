// Each rule of the tcp transport, with the Erlang source it follows
// (Partisan v5.0.x, commit c5309d4; docs/runtime-model.md).
#include "sim/runtime/tcp_connections.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

constexpr SimDuration kLatency = SimDuration::Milliseconds(5);

struct Arrival {
  NodeId from, to;
  uint32_t n;
  SimTime at;
};

struct Closed {
  NodeId holder, peer;
  CloseReason reason;
  SimTime at;
  Channel channel = Channel::kDefault;
};

class Recorder : public MessageReceiver, public NetworkObserver {
 public:
  explicit Recorder(EventLoop* sim) : sim_(sim) {}
  // A HyParView message is recorded as n = kCallMark.
  static constexpr uint32_t kCallMark = 1000;
  void Deliver(NodeId from, NodeId to, const Message& m) override {
    const uint32_t n = IsPlumtreeMessage(m) ? std::get<BroadcastMsg>(m).round : kCallMark;
    arrivals.push_back({from, to, n, sim_->now()});
  }
  // The peer service takes each call when the test says (replies), or at
  // once.
  void DeliverByCall(NodeId from, NodeId to, const Message& m, Reply reply) override {
    Deliver(from, to, m);
    if (hold_calls) {
      replies.push_back(std::move(reply));
    } else {
      reply(sim_->now());
    }
  }
  bool hold_calls = false;
  std::vector<Reply> replies;
  void OnSend(NodeId, NodeId, const Message&) override {}
  void OnDeliver(NodeId, NodeId, const Message&) override {}
  void OnDrop(NodeId, NodeId, const Message&, DropReason r) override { drops.push_back(r); }
  void OnConnectionClose(NodeId a, NodeId b, Channel c, CloseReason r) override {
    closed.push_back({a, b, r, sim_->now(), c});
  }
  void OnHeld(NodeId, NodeId, const Message&) override { ++held; }
  void OnRetransmit(NodeId, NodeId, const Message&, int count) override {
    retransmissions += count;
  }
  std::vector<Arrival> arrivals;
  std::vector<DropReason> drops;
  std::vector<Closed> closed;
  int held = 0;
  int retransmissions = 0;

 private:
  EventLoop* sim_;
};

Message Msg(uint32_t n) { return BroadcastMsg{{}, nullptr, 0, n, 0, 0}; }

class TcpTest : public ::testing::Test {
 protected:
  void Make(PartisanRuntimeConfig runtime = {}, CrashMode crash = CrashMode::kProcess,
            double loss = 0) {
    NetworkConfig config;
    config.transport = Transport::kTcp;
    config.latency = LatencyDistribution::Constant(kLatency);
    config.loss = loss;
    net_ = std::make_unique<Network>(&sim_, config, 7, &rec_, &rec_);
    for (NodeId i = 0; i < 4; ++i) net_->SetNodeUp(i, true);
    tcp_ = std::make_unique<TcpConnections>(&sim_, net_.get(), runtime, crash, &rec_);
    // As Simulation wires it: one re-evaluation per instant after faults.
    auto changed = [this] {
      sim_.ScheduleCallback(SimDuration::Zero(), [this] { tcp_->OnPathsChanged(); });
    };
    net_->set_on_cut(changed);
    net_->set_on_heal(changed);
    net_->set_on_node([this](NodeId node, bool up) {
      if (up) tcp_->OnNodeUp(node);
    });
    tcp_->set_on_close([this](NodeId a, NodeId b) { exits.push_back({a, b}); });
  }
  void RunTo(SimDuration t) { sim_.RunUntil(SimTime::Zero() + t); }
  void At(SimDuration t, absl::AnyInvocable<void()> f) {
    sim_.ScheduleCallbackAt(SimTime::Zero() + t, std::move(f));
  }

  EventLoop sim_;
  Recorder rec_{&sim_};
  std::unique_ptr<Network> net_;
  std::unique_ptr<TcpConnections> tcp_;
  std::vector<std::pair<NodeId, NodeId>> exits;
};

// partisan_peer_service_client:init/1 connects synchronously; the first
// data leaves after the handshake's round trip.
TEST_F(TcpTest, ConnectTakesARoundTripAndSendsNeedAConnection) {
  Make();
  tcp_->Send(0, 1, Msg(0));  // do_send_message/3: {error, not_yet_connected}
  ASSERT_EQ(rec_.drops.size(), 1u);
  EXPECT_EQ(rec_.drops[0], DropReason::kNotConnected);
  ASSERT_TRUE(tcp_->Connect(0, 1).open);
  EXPECT_TRUE(tcp_->IsOpen(0, 1));
  EXPECT_FALSE(tcp_->IsOpen(1, 0));  // one connection per ordered pair
  tcp_->Send(0, 1, Msg(1));
  RunTo(SimDuration::Seconds(1));
  ASSERT_EQ(rec_.arrivals.size(), 1u);
  EXPECT_EQ(rec_.arrivals[0].at, SimTime::Zero() + kLatency * 3);  // RTT + latency
}

// The caller waits: a round trip for a reachable peer, ?TIMEOUT (1 s,
// partisan_peer_service_client:connect/3) for an unreachable one, a round
// trip for the reset of a host whose VM is down.
TEST_F(TcpTest, ConnectBlocksTheCallerAndFailsWhenUnreachable) {
  Make();
  net_->Partition({{0, 1}, {2, 3}});
  TcpConnections::ConnectResult r = tcp_->Connect(0, 2);
  EXPECT_FALSE(r.open);
  EXPECT_EQ(r.blocked, SimDuration::Seconds(1));
  net_->SetNodeUp(1, false);
  r = tcp_->Connect(0, 1);
  EXPECT_FALSE(r.open);
  EXPECT_EQ(r.blocked, kLatency * 2);  // refused
  net_->SetNodeUp(1, true);
  r = tcp_->Connect(0, 1);
  EXPECT_TRUE(r.open);
  EXPECT_EQ(r.blocked, kLatency * 2);
  r = tcp_->Connect(0, 1);  // the membership channel's
  EXPECT_EQ(r.blocked, kLatency * 2);
  r = tcp_->Connect(0, 1);  // every channel open: no wait
  EXPECT_TRUE(r.open);
  EXPECT_EQ(r.blocked, SimDuration::Zero());
  EXPECT_EQ(r.attempts, 0);
}

// A dead listener (acceptor.erl failure/2 exits the listen socket): every
// server process node 1 accepted monitors the socket and stops `normal`
// (partisan_peer_service_server handle_info({'DOWN', MRef, port, _, _}),
// ~line 120), closing its socket, so each holder's client sees ?CLOSED_MSG
// one latency later and its peer service gets 'EXIT'. Node 1's own
// connections live on and carry. While the listener stays down a connect
// is refused after a round trip ("Node isn't online just yet",
// partisan_peer_service_manager maybe_connect/3 ~line 400); once it is up
// again a connect succeeds, and nothing reconnects by itself.
TEST_F(TcpTest, ADeadListenerClosesInboundConnectionsOnly) {
  Make();
  tcp_->Connect(0, 1);
  tcp_->Connect(0, 1);  // both channels
  tcp_->Connect(2, 1);
  tcp_->Connect(1, 3);  // node 1's own
  At(SimDuration::Seconds(1), [this] { tcp_->ListenerDown(1, /*stays_down=*/true); });
  At(SimDuration::Seconds(2), [this] {
    EXPECT_FALSE(tcp_->IsOpen(0, 1));
    EXPECT_FALSE(tcp_->IsOpen(2, 1));
    EXPECT_TRUE(tcp_->IsOpen(1, 3));
    tcp_->Send(1, 3, Msg(7));
    const TcpConnections::ConnectResult refused = tcp_->Connect(0, 1);
    EXPECT_FALSE(refused.open);
    EXPECT_EQ(refused.blocked, kLatency * 2);
    tcp_->ListenerUp(1);
    EXPECT_FALSE(tcp_->IsOpen(0, 1));  // nothing came back by itself
    EXPECT_TRUE(tcp_->Connect(0, 1).open);
  });
  RunTo(SimDuration::Seconds(3));
  ASSERT_EQ(rec_.closed.size(), 3u);
  for (const Closed& c : rec_.closed) {
    EXPECT_EQ(c.peer, 1u);
    EXPECT_EQ(c.reason, CloseReason::kListenerClosed);
    EXPECT_EQ(c.at, SimTime::Zero() + SimDuration::Seconds(1) + kLatency);
  }
  EXPECT_EQ(exits.size(), 3u);  // one 'EXIT' per connection
  ASSERT_EQ(rec_.arrivals.size(), 1u);
  EXPECT_EQ(rec_.arrivals[0].to, 3u);
}

// Partisan's supervisor reopens the listener at once (a permanent child of
// partisan_acceptor_socket_pool_sup): the inbound connections are gone,
// but a connect right after succeeds.
TEST_F(TcpTest, AListenerReopenedAtOnceAcceptsTheNextConnect) {
  Make();
  tcp_->Connect(0, 1);
  At(SimDuration::Seconds(1), [this] {
    tcp_->ListenerDown(1, /*stays_down=*/false);
    EXPECT_TRUE(tcp_->Listening(1));
  });
  At(SimDuration::Seconds(2), [this] {
    EXPECT_FALSE(tcp_->IsOpen(0, 1));
    EXPECT_TRUE(tcp_->Connect(0, 1).open);
  });
  RunTo(SimDuration::Seconds(3));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kListenerClosed);
}

// receive_message/3 (partisan_hyparview_peer_service_manager ~lines
// 608-625): the server process hands a HyParView message to its manager by
// gen_server:call and reads nothing more from that connection until the
// manager replies (handle_call({receive_message, ...}), ~lines 942-951).
// The Plumtree message behind it waits; one on the pair's other connection
// does not (Plumtree messages go straight to their process:
// disable_fast_receive = false, partisan_config ~line 469).
TEST_F(TcpTest, AHyParViewMessageHoldsItsConnectionUntilTheManagerTakesIt) {
  Make();
  ProcessStats stats;
  tcp_->set_process_stats(&stats);
  rec_.hold_calls = true;
  tcp_->Connect(0, 1);
  tcp_->Connect(0, 1);
  At(SimDuration::Seconds(1), [this] {
    tcp_->Send(0, 1, ShuffleMsg{{2}, 1, 0}, Channel::kDefault);
    tcp_->Send(0, 1, Msg(1), Channel::kDefault);
    tcp_->Send(0, 1, Msg(2), Channel::kMembership);
  });
  At(SimDuration::Seconds(2), [this] {
    ASSERT_EQ(rec_.arrivals.size(), 2u);
    EXPECT_EQ(rec_.arrivals[0].n, Recorder::kCallMark);
    EXPECT_EQ(rec_.arrivals[1].n, 2u);
    ASSERT_EQ(rec_.replies.size(), 1u);
    rec_.replies[0](SimTime::Zero() + SimDuration::Milliseconds(2500));  // taken at 2.5 s
  });
  RunTo(SimDuration::Seconds(3));
  ASSERT_EQ(rec_.arrivals.size(), 3u);
  EXPECT_EQ(rec_.arrivals[2].n, 1u);
  EXPECT_EQ(rec_.arrivals[2].at, SimTime::Zero() + SimDuration::Milliseconds(2500));
  EXPECT_EQ(stats.server_calls(), 1u);
  EXPECT_EQ(stats.server_blocked(),
            SimDuration::Milliseconds(2500) - SimDuration::Seconds(1) - kLatency);
}

// A server process blocked in its call dies with its VM: what it had not
// read is lost, and the late reply finds nothing.
TEST_F(TcpTest, ABlockedServerDiesWithItsNode) {
  Make();
  rec_.hold_calls = true;
  tcp_->Connect(0, 1);
  At(SimDuration::Seconds(1), [this] {
    tcp_->Send(0, 1, ShuffleMsg{{2}, 1, 0}, Channel::kDefault);
    tcp_->Send(0, 1, Msg(1), Channel::kDefault);
  });
  At(SimDuration::Seconds(2), [this] {
    net_->SetNodeUp(1, false);
    tcp_->OnNodeDown(1);
    ASSERT_EQ(rec_.replies.size(), 1u);
    rec_.replies[0](sim_.now());
  });
  RunTo(SimDuration::Seconds(3));
  EXPECT_EQ(rec_.arrivals.size(), 1u);
  ASSERT_EQ(rec_.drops.size(), 1u);
  EXPECT_EQ(rec_.drops[0], DropReason::kConnectionClosed);
}

// maybe_connect/3 (partisan_peer_service_manager ~lines 354-419): a pair
// with no connection gets the default channel's only; maybe_connect/4
// (~lines 430-494): the next connect/1 opens each channel still below its
// parallelism (1), partisan_membership first (maps:to_list/1 order), each a
// blocking connect of its own. A failure on one does not stop the walk.
TEST_F(TcpTest, TheFirstConnectOpensTheDefaultChannelTheNextTheMembershipOne) {
  Make();
  TcpConnections::ConnectResult r = tcp_->Connect(0, 1);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(tcp_->IsOpen(0, 1, Channel::kDefault));
  EXPECT_FALSE(tcp_->IsOpen(0, 1, Channel::kMembership));
  EXPECT_FALSE(tcp_->IsComplete(0, 1));
  EXPECT_EQ(tcp_->CompletePeers(0), 0u);
  r = tcp_->Connect(0, 1);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.opened, 1);
  EXPECT_TRUE(tcp_->IsComplete(0, 1));
  EXPECT_EQ(tcp_->CompletePeers(0), 1u);
  EXPECT_EQ(tcp_->open_count(), 2u);
  EXPECT_EQ(tcp_->OpenPeers(0), PeerSet{1});
  // With only the membership channel's left, connect/1 re-opens the
  // default one.
  tcp_->Disconnect(0, 1);
  EXPECT_FALSE(tcp_->IsOpen(0, 1));  // disconnect/1 prunes every channel's
  EXPECT_EQ(tcp_->CompletePeers(0), 0u);
  EXPECT_TRUE(exits.empty());
}

// partisan_peer_connections:dispatch_pid/3 (~lines 920-975): a message
// goes on its channel's connection; without one, channel_fallback (true by
// default) takes the default channel's; without that either, it is
// dropped ({error, not_yet_connected}). The two connections are separate
// Each channel's connection has its own client, pings and death. The
// default channel's opened at 0 s pings at 20 s and 30 s inside a 20-40 s
// cut: the first pong, after the heal, is stale. The membership channel's,
// opened at 15 s, pings once inside it (35 s): its pong is valid. Only the
// default one closes, with one 'EXIT'; the pair stays connected.
TEST_F(TcpTest, EachChannelsConnectionDiesOnItsOwn) {
  Make();
  tcp_->Connect(0, 1);
  At(SimDuration::Seconds(15), [this] { tcp_->Connect(0, 1); });
  At(SimDuration::Seconds(20), [this] { net_->Partition({{0}, {1, 2, 3}}); });
  At(SimDuration::Seconds(40), [this] { net_->Heal(); });
  RunTo(SimDuration::Seconds(60));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].channel, Channel::kDefault);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kInvalidPingResponse);
  EXPECT_EQ(exits, (std::vector<std::pair<NodeId, NodeId>>{{0, 1}}));
  EXPECT_TRUE(tcp_->IsOpen(0, 1, Channel::kMembership));
  EXPECT_TRUE(tcp_->IsOpen(0, 1));
  EXPECT_EQ(tcp_->CompletePeers(0), 0u);
}

// FIFOs: a message on one does not wait for the other's.
TEST_F(TcpTest, AMessageGoesOnItsChannelOrFallsBackToTheDefaultOne) {
  Make();
  tcp_->Connect(0, 1);  // default only
  tcp_->Send(0, 1, Msg(1), Channel::kMembership);
  At(SimDuration::Seconds(2), [this] {
    ASSERT_EQ(rec_.arrivals.size(), 1u);  // by fallback
    tcp_->Disconnect(0, 1);
    tcp_->Send(0, 1, Msg(2), Channel::kMembership);
    ASSERT_EQ(rec_.drops.size(), 1u);
    EXPECT_EQ(rec_.drops[0], DropReason::kNotConnected);
    // Both channels, latencies drawn from 1-50 ms.
    net_->SetLinkLatency(
        0, 1,
        LatencyDistribution::Uniform(SimDuration::Milliseconds(1), SimDuration::Milliseconds(50)));
    tcp_->Connect(0, 1);
    tcp_->Connect(0, 1);
  });
  At(SimDuration::Seconds(3), [this] {
    rec_.arrivals.clear();
    for (uint32_t i = 0; i < 40; ++i) {
      tcp_->Send(0, 1, Msg(i), i % 2 == 0 ? Channel::kDefault : Channel::kMembership);
    }
  });
  RunTo(SimDuration::Seconds(4));
  // Each channel keeps its order; one channel's messages overtake the
  // other's.
  ASSERT_EQ(rec_.arrivals.size(), 40u);
  uint32_t last[2] = {0, 0};
  bool seen[2] = {false, false};
  bool overtaken = false;
  for (size_t k = 0; k < rec_.arrivals.size(); ++k) {
    const uint32_t n = rec_.arrivals[k].n;
    if (seen[n % 2]) EXPECT_GT(n, last[n % 2]) << "channel order broken at " << n;
    seen[n % 2] = true;
    last[n % 2] = n;
    if (k > 0 && n < rec_.arrivals[k - 1].n) overtaken = true;
  }
  EXPECT_TRUE(overtaken);
}

// partisan_peer_service_client:connect/3 gives up after ?TIMEOUT (1 s)
// even when the handshake would have completed later.
TEST_F(TcpTest, AHandshakeSlowerThanTheConnectTimeoutFails) {
  Make();
  net_->SetLinkLatency(0, 1, LatencyDistribution::Constant(SimDuration::Milliseconds(600)));
  net_->SetLinkLatency(1, 0, LatencyDistribution::Constant(SimDuration::Milliseconds(600)));
  const TcpConnections::ConnectResult r = tcp_->Connect(0, 1);
  EXPECT_FALSE(r.open);
  EXPECT_EQ(r.blocked, SimDuration::Seconds(1));
  EXPECT_FALSE(tcp_->IsOpen(0, 1));
}

TEST_F(TcpTest, HostCrashConnectsTimeOut) {
  Make({}, CrashMode::kHost);
  net_->SetNodeUp(1, false);
  const TcpConnections::ConnectResult r = tcp_->Connect(0, 1);
  EXPECT_FALSE(r.open);
  EXPECT_EQ(r.blocked, SimDuration::Seconds(1));  // the SYN goes unanswered
}

// A lost segment is retransmitted after the RTO (doubling per loss); later
// messages wait behind it: nothing is lost, order is kept.
TEST_F(TcpTest, LossDelaysAndKeepsOrderInsteadOfDropping) {
  Make({}, CrashMode::kProcess, /*loss=*/0.3);
  ASSERT_TRUE(tcp_->Connect(0, 1).open);
  for (uint32_t i = 0; i < 200; ++i) {
    At(SimDuration::Milliseconds(20 + 10 * i), [this, i] { tcp_->Send(0, 1, Msg(i)); });
  }
  RunTo(SimDuration::Seconds(600));
  ASSERT_EQ(rec_.arrivals.size(), 200u);
  EXPECT_TRUE(rec_.drops.empty());
  EXPECT_GT(rec_.retransmissions, 30);
  SimTime last = SimTime::Zero();
  SimDuration worst = SimDuration::Zero();
  for (uint32_t i = 0; i < 200; ++i) {
    EXPECT_EQ(rec_.arrivals[i].n, i);
    EXPECT_GE(rec_.arrivals[i].at, last);
    last = rec_.arrivals[i].at;
    const SimDuration wait =
        rec_.arrivals[i].at - (SimTime::Zero() + SimDuration::Milliseconds(20 + 10 * i));
    if (wait > worst) worst = wait;
  }
  EXPECT_GE(worst, SimDuration::Milliseconds(200) + kLatency);  // at least one RTO
}

// A cut too short for two of an end's pings to pile up kills nothing: what
// was sent across waits and arrives, in order, after the heal, at TCP's
// next retransmission (the RTO doubled while the path was cut); the one
// ping it held is answered and valid.
TEST_F(TcpTest, ShortPartitionHoldsAndReleasesInOrder) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 2).open);
  At(SimDuration::Seconds(10), [this] { net_->Partition({{0, 1}, {2, 3}}); });
  for (uint32_t i = 0; i < 5; ++i) {
    At(SimDuration::Seconds(11 + i), [this, i] { tcp_->Send(0, 2, Msg(i)); });
  }
  At(SimDuration::Seconds(18), [this] { net_->Heal(); });
  RunTo(SimDuration::Seconds(200));
  EXPECT_TRUE(rec_.closed.empty());
  EXPECT_TRUE(exits.empty());
  EXPECT_EQ(rec_.held, 5);
  ASSERT_EQ(rec_.arrivals.size(), 5u);
  // Unacknowledged since 11 s; retransmissions at 11 s + 0.2, 0.6, 1.4,
  // 3.0, 6.2, 12.6 s: the first after the heal is at 23.6 s.
  for (uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(rec_.arrivals[i].n, i);
    EXPECT_EQ(rec_.arrivals[i].at, SimTime::Zero() + SimDuration::Milliseconds(23600) + kLatency);
  }
}

// Messages in flight when the cut starts go back to wait, before those sent
// during the cut.
TEST_F(TcpTest, InFlightMessagesWaitAheadOfLaterOnes) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 2).open);
  At(SimDuration::Seconds(1), [this] {
    tcp_->Send(0, 2, Msg(0));  // arrives at 1.005 s: cut by then
    net_->Partition({{0, 1}, {2, 3}});
  });
  At(SimDuration::Seconds(1) + SimDuration::Milliseconds(1), [this] { tcp_->Send(0, 2, Msg(1)); });
  At(SimDuration::Seconds(3), [this] { net_->Heal(); });
  RunTo(SimDuration::Seconds(60));
  ASSERT_EQ(rec_.arrivals.size(), 2u);
  EXPECT_EQ(rec_.arrivals[0].n, 0u);
  EXPECT_EQ(rec_.arrivals[1].n, 1u);
  EXPECT_TRUE(rec_.closed.empty());
}

// The handshake (SYN, SYN-ACK, ACK: the server's hello leaves at 15 ms and
// arrives at 20 ms; the client's reply; the server's state at 30 ms) arms both ends; then only the
// client pings, every idle_timeout plus a round trip, and each ping re-arms the server's longer
// timer before it fires (partisan_peer_service_server:reset_ping/1).
TEST_F(TcpTest, AHealthyConnectionPingsFromTheClientOnly) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 1).open);
  RunTo(SimDuration::Seconds(100));
  // 20.03, 40.04, 60.05, 80.06 s.
  EXPECT_EQ(tcp_->pings_sent(), 4u);
  EXPECT_TRUE(rec_.closed.empty());
}

// partisan_peer_service_client: reset_ping/1 arms ping_idle_timeout after
// idle_timeout (20 s) from the last pong; maybe_send_ping/1 then sends up to
// max_attempts (5) pings, timeout (10 s) apart; partisan_retry:fail/1
// returns max_retries and the client stops with {shutdown, ping_timeout}.
// The manager gets 'EXIT'; what was held is lost.
TEST_F(TcpTest, LongPartitionClosesByPingTimeout) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 2).open);
  At(SimDuration::Seconds(45), [this] { net_->Partition({{0, 1}, {2, 3}}); });
  At(SimDuration::Seconds(50), [this] { tcp_->Send(0, 2, Msg(0)); });
  RunTo(SimDuration::Seconds(300));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].holder, 0u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kPingTimeout);
  // Last pong before the cut at 40.05 s; idle timer 60.05 s; 5 pings.
  EXPECT_EQ(rec_.closed[0].at, SimTime::Zero() + SimDuration::Milliseconds(40050 + 20000 + 50000));
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0], std::make_pair(NodeId{0}, NodeId{2}));
  EXPECT_FALSE(tcp_->IsOpen(0, 2));
  ASSERT_EQ(rec_.drops.size(), 1u);
  EXPECT_EQ(rec_.drops[0], DropReason::kConnectionClosed);
  EXPECT_TRUE(rec_.arrivals.empty());
}

// A 40 s cut: the client's pings at 60.05, 70.05 and 80.05 s and the
// server's at 65.045 and 75.045 s wait on their streams. After the heal the
// server answers the client's three pings, but its pongs queue behind its
// own held pings; the client answers those, then reads the pong of its
// first ping, which is not its latest: handle_inbound/2's last #pong clause
// stops it with {invalid_ping_response, Pong}.
TEST_F(TcpTest, FortySecondCutKillsByStalePongAtTheHeal) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 2).open);
  At(SimDuration::Seconds(45), [this] { net_->Partition({{0, 1}, {2, 3}}); });
  At(SimDuration::Seconds(85), [this] { net_->Heal(); });
  RunTo(SimDuration::Seconds(300));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kInvalidPingResponse);
  // The server's stream resumes at its first retransmission after the heal
  // (65.045 + 25.4 s); its packets arrive one latency later.
  EXPECT_EQ(rec_.closed[0].at, SimTime::Zero() + SimDuration::Milliseconds(90450));
  ASSERT_EQ(exits.size(), 1u);
}

// A heal before the ping rule's deadline whose retransmission only gets
// through after it does not save the connection.
TEST_F(TcpTest, HealTooLateForTheBackoffStillCloses) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 2).open);
  At(SimDuration::Seconds(41), [this] { tcp_->Send(0, 2, Msg(0)); });
  At(SimDuration::Seconds(41), [this] { net_->Partition({{0, 1}, {2, 3}}); });
  // Unacknowledged since 41 s; retransmissions at 41 s + 51 s = 92 s
  // (still cut) and 41 s + 102.2 s = 143.2 s; the server's pings, held
  // since 65.045 s, next at 116.045 s: both after the client's deadline of
  // 40.05 + 20 + 50 = 110.05 s, when it closes.
  At(SimDuration::Seconds(95), [this] { net_->Heal(); });
  RunTo(SimDuration::Seconds(300));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kPingTimeout);
  EXPECT_EQ(rec_.closed[0].at, SimTime::Zero() + SimDuration::Milliseconds(110050));
}

// Only client -> server is cut: the server's pings still reach the client,
// whose pongs cannot come back; each server ping re-arms the client, so the
// server is the one to stop ({shutdown, ping_timeout} 75 s after its last
// inbound packet), and its FIN closes the client (?CLOSED_MSG).
TEST_F(TcpTest, OneWayCutStopsTheServerWhoseFinClosesTheClient) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 2).open);
  At(SimDuration::Seconds(45), [this] { net_->PartitionOneWay({0}, {2}); });
  RunTo(SimDuration::Seconds(300));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kPingTimeout);
  // Last inbound: the client's ping at 40.045 s; 25 s idle, 5 pings.
  EXPECT_EQ(rec_.closed[0].at,
            SimTime::Zero() + SimDuration::Milliseconds(40045 + 25000 + 50000) + kLatency);
  ASSERT_EQ(exits.size(), 1u);
}

// The server that stopped on a stale pong has closed its socket
// (terminate/2): what reaches it afterwards is lost, also what is still in
// flight after its FIN has closed the client. Here the client's stream
// resumes at 85.455 s with its pongs to the server's pings ahead of its
// data; the first is stale, so the server stops before any data sent from
// 85.3 s reaches it, and the client closes one latency later.
TEST_F(TcpTest, NothingReachesAStoppedServer) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 2).open);
  At(SimDuration::Seconds(45), [this] { net_->PartitionOneWay({0}, {2}); });
  At(SimDuration::Seconds(76), [this] { net_->Heal(); });
  const SimTime first_send = SimTime::Zero() + SimDuration::Milliseconds(85300);
  for (uint32_t i = 0; i < 200; ++i) {
    sim_.ScheduleCallbackAt(first_send + SimDuration::Milliseconds(i),
                            [this, i] { tcp_->Send(0, 2, Msg(i)); });
  }
  RunTo(SimDuration::Seconds(100));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kInvalidPingResponse);
  EXPECT_GT(rec_.closed[0].at, first_send + SimDuration::Milliseconds(150));
  EXPECT_LT(rec_.closed[0].at, first_send + SimDuration::Milliseconds(190));
  EXPECT_TRUE(rec_.arrivals.empty()) << rec_.arrivals.size() << " reached a closed socket";
}

// A process crash: the OS closes the VM's sockets; the client's
// handle_info(?CLOSED_MSG) stops it one latency later. The crashed node's
// own connections vanish without 'EXIT' (its manager is gone).
TEST_F(TcpTest, ProcessCrashClosesPeersConnectionsAfterOneLatency) {
  Make({}, CrashMode::kProcess);
  ASSERT_TRUE(tcp_->Connect(0, 1).open);
  ASSERT_TRUE(tcp_->Connect(1, 0).open);
  At(SimDuration::Seconds(5), [this] {
    net_->SetNodeUp(1, false);
    tcp_->OnNodeDown(1);
  });
  RunTo(SimDuration::Seconds(100));
  ASSERT_EQ(rec_.closed.size(), 2u);
  EXPECT_EQ(rec_.closed[0].holder, 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kCrash);
  EXPECT_EQ(rec_.closed[1].holder, 0u);
  EXPECT_EQ(rec_.closed[1].reason, CloseReason::kPeerClosed);
  EXPECT_EQ(rec_.closed[1].at, SimTime::Zero() + SimDuration::Seconds(5) + kLatency);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0], std::make_pair(NodeId{0}, NodeId{1}));
}

// A host crash is silent: peers find out by their keepalive.
TEST_F(TcpTest, HostCrashIsFoundByThePingRule) {
  Make({}, CrashMode::kHost);
  ASSERT_TRUE(tcp_->Connect(0, 1).open);
  At(SimDuration::Seconds(5), [this] {
    net_->SetNodeUp(1, false);
    tcp_->OnNodeDown(1);
  });
  RunTo(SimDuration::Seconds(200));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kPingTimeout);
  // Last reset (state) at 30 ms; idle timer at 20.03 s; 5 pings: 70.03 s.
  EXPECT_EQ(rec_.closed[0].at, SimTime::Zero() + SimDuration::Milliseconds(70030));
}

// A host back before the ping rule's deadline answers the next ping with
// a reset: the connection to the old incarnation closes then.
TEST_F(TcpTest, HostBackBeforeTheDeadlineResetsTheConnection) {
  Make({}, CrashMode::kHost);
  ASSERT_TRUE(tcp_->Connect(0, 1).open);
  At(SimDuration::Seconds(5), [this] {
    net_->SetNodeUp(1, false);
    tcp_->OnNodeDown(1);
  });
  At(SimDuration::Seconds(10), [this] { net_->SetNodeUp(1, true); });
  RunTo(SimDuration::Seconds(200));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kPeerClosed);
  // The next ping (20.03 s) meets the new host's reset a round trip later.
  EXPECT_EQ(rec_.closed[0].at, SimTime::Zero() + SimDuration::Milliseconds(20030) + kLatency * 2);
}

TEST_F(TcpTest, DisconnectClosesWithoutExit) {
  Make();
  ASSERT_TRUE(tcp_->Connect(0, 1).open);
  tcp_->Disconnect(0, 1);
  EXPECT_FALSE(tcp_->IsOpen(0, 1));
  ASSERT_EQ(rec_.closed.size(), 1u);
  EXPECT_EQ(rec_.closed[0].reason, CloseReason::kDisconnect);
  EXPECT_TRUE(exits.empty());
}

TEST_F(TcpTest, SameSeedSameArrivals) {
  std::vector<SimTime> first;
  for (int run = 0; run < 2; ++run) {
    EventLoop sim;
    Recorder rec(&sim);
    NetworkConfig config;
    config.transport = Transport::kTcp;
    config.latency = LatencyDistribution::Constant(kLatency);
    config.loss = 0.2;
    Network net(&sim, config, 11, &rec, &rec);
    for (NodeId i = 0; i < 2; ++i) net.SetNodeUp(i, true);
    TcpConnections tcp(&sim, &net, {}, CrashMode::kProcess, &rec);
    ASSERT_TRUE(tcp.Connect(0, 1).open);
    for (uint32_t i = 0; i < 50; ++i) tcp.Send(0, 1, Msg(i));
    sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(100));
    std::vector<SimTime> times;
    for (const Arrival& a : rec.arrivals) times.push_back(a.at);
    if (run == 0)
      first = times;
    else
      EXPECT_EQ(times, first);
  }
}

}  // namespace
}  // namespace plumsim
