// The full-membership peer service's connection upkeep over tcp, with the
// Erlang it follows (partisan_pluggable_peer_service_manager, Partisan
// v5.0.x, commit c5309d4; docs/runtime-model.md, "Who connects").
#include "sim/runtime/full_membership_connector.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

constexpr SimDuration kLatency = SimDuration::Milliseconds(5);

struct Opened {
  NodeId holder, peer;
  SimTime at;
  Channel channel = Channel::kDefault;
  bool operator==(const Opened&) const = default;
};

class Recorder : public MessageReceiver, public NetworkObserver {
 public:
  explicit Recorder(EventLoop* sim) : sim_(sim) {}
  void Deliver(NodeId, NodeId, const Message&) override {}
  void OnSend(NodeId, NodeId, const Message&) override {}
  void OnDeliver(NodeId, NodeId, const Message&) override {}
  void OnDrop(NodeId, NodeId, const Message&, DropReason) override {}
  void OnConnectionOpen(NodeId holder, NodeId peer, Channel channel) override {
    opened.push_back({holder, peer, sim_->now(), channel});
  }
  std::vector<Opened> opened;

 private:
  EventLoop* sim_;
};

SimTime T(int64_t ms) { return SimTime::Zero() + SimDuration::Milliseconds(ms); }

class FullMembershipConnectorTest : public ::testing::Test {
 protected:
  FullMembershipConnectorTest() {
    NetworkConfig config;
    config.transport = Transport::kTcp;
    config.latency = LatencyDistribution::Constant(kLatency);
    net_ = std::make_unique<Network>(&sim_, config, 7, &rec_, &rec_);
    for (NodeId i = 0; i < 4; ++i) net_->SetNodeUp(i, true);
    tcp_ =
        std::make_unique<TcpConnections>(&sim_, net_.get(), runtime_, CrashMode::kProcess, &rec_);
    connector_ = std::make_unique<FullMembershipConnector>(&sim_, net_.get(), tcp_.get(), runtime_,
                                                           &members_);
  }
  void At(int64_t ms, absl::AnyInvocable<void()> f) {
    sim_.ScheduleCallbackAt(T(ms), std::move(f));
  }
  // The connections opened in [from_ms, to_ms].
  std::vector<Opened> OpenedBetween(int64_t from_ms, int64_t to_ms) const {
    std::vector<Opened> out;
    for (const Opened& o : rec_.opened) {
      if (o.at >= T(from_ms) && o.at <= T(to_ms)) out.push_back(o);
    }
    return out;
  }

  EventLoop sim_;
  Recorder rec_{&sim_};
  PartisanRuntimeConfig runtime_;  // connection_interval 1 s, connect_timeout 1 s
  PeerSet members_ = {0, 1, 2, 3};
  std::unique_ptr<Network> net_;
  std::unique_ptr<TcpConnections> tcp_;
  std::unique_ptr<FullMembershipConnector> connector_;
};

// A starting node: the running members connect to it at once; its own
// join sleeps connection_jitter in the manager (avoid_rush/0), then
// establish_connections/1 connects it to every member: the default
// channel's connections; the connections tick, waiting behind the join,
// adds the membership channel's (maybe_connect/4). No other pair.
TEST_F(FullMembershipConnectorTest, AStartingNodeIsConnectedAtOnceAndJoinsAfterAvoidRush) {
  connector_->OnStart(0);
  for (NodeId m = 1; m < 4; ++m) {
    EXPECT_TRUE(tcp_->IsOpen(m, 0)) << m;
    EXPECT_FALSE(tcp_->IsOpen(0, m)) << m;
  }
  sim_.RunUntil(T(1000));
  EXPECT_EQ(OpenedBetween(1000, 1000),
            (std::vector<Opened>{{0, 1, T(1000)}, {0, 2, T(1000)}, {0, 3, T(1000)}}));
  EXPECT_FALSE(tcp_->IsOpen(1, 2));
  EXPECT_EQ(tcp_->open_count(), 6u);
  sim_.RunUntil(T(1030));
  const Channel m = Channel::kMembership;
  EXPECT_EQ(OpenedBetween(1001, 1030),
            (std::vector<Opened>{{0, 1, T(1030), m}, {0, 2, T(1030), m}, {0, 3, T(1030), m}}));
  EXPECT_EQ(tcp_->open_count(), 9u);
}

// A reachable host whose VM is down refuses after one round trip. The join
// at 1 s blocks 30 ms (two handshakes and node 2's refusal, 10 ms each);
// the connections tick due at 1 s waits for the manager, opens the
// membership channel to 1 and 3 and finds node 2 refusing again (30 ms);
// the next tick comes one interval after that and opens node 2's default
// channel.
TEST_F(FullMembershipConnectorTest, ARefusedConnectDelaysTheNextRoundByItsRoundTrip) {
  net_->SetNodeUp(2, false);
  connector_->OnStart(0);
  At(1500, [this] { net_->SetNodeUp(2, true); });
  sim_.RunUntil(T(3000));
  const Channel m = Channel::kMembership;
  EXPECT_EQ(OpenedBetween(1001, 3000),
            (std::vector<Opened>{{0, 1, T(1030), m}, {0, 3, T(1030), m}, {0, 2, T(2060)}}));
  EXPECT_FALSE(tcp_->IsOpen(2, 0));  // node 2's own connector would do that
  EXPECT_EQ(connector_->connect_attempts(), 3u + 3u + 1u);
}

// Each unreachable member blocks the manager connect_timeout (?TIMEOUT of
// partisan_peer_service_client:connect/3): the join at 1 s blocks 3 s; the
// connections tick due at 1 s runs at 4 s (3 s more), and re-arms after.
// The blocked time counts as the peer service's.
TEST_F(FullMembershipConnectorTest, EachUnreachableMemberBlocksTheManagerForTheConnectTimeout) {
  ProcessStats stats;
  connector_ = std::make_unique<FullMembershipConnector>(&sim_, net_.get(), tcp_.get(), runtime_,
                                                         &members_, &stats);
  net_->Partition({{0}, {1, 2, 3}});
  connector_->OnStart(0);
  EXPECT_EQ(tcp_->open_count(), 0u);
  At(4500, [this] { net_->Heal(); });
  sim_.RunUntil(T(9000));
  // Join 1-4 s, tick 4-7 s, next tick at 8 s.
  const std::vector<Opened> expected = {{0, 1, T(8000)}, {0, 2, T(8000)}, {0, 3, T(8000)}};
  EXPECT_EQ(rec_.opened, expected);
  // 3 + 3 s of timeouts, then three handshakes of 10 ms at 8 s.
  EXPECT_EQ(stats.blocked(ProcessKind::kPeerService), SimDuration::Milliseconds(6030));
}

// handle_info(connections, _): each round re-connects what is missing, one
// channel per round. (The join's three handshakes held the manager 30 ms,
// the first tick's three more 30 ms, so the ticks run at x.06 s.)
TEST_F(FullMembershipConnectorTest, ARoundReconnectsADroppedConnection) {
  connector_->OnStart(0);
  At(1500, [this] { tcp_->Disconnect(0, 1); });
  sim_.RunUntil(T(3500));
  EXPECT_EQ(OpenedBetween(1501, 3500),
            (std::vector<Opened>{{0, 1, T(2060)}, {0, 1, T(3070), Channel::kMembership}}));
}

// 'EXIT' appends the lost member to Pending (maybe_append_pending/2), and
// establish_connections/1 folds over Members ++ Pending: an unreachable
// lost member costs two connect timeouts per round until it answers; the
// connect that succeeds takes it out of Pending ({connected, ...}).
TEST_F(FullMembershipConnectorTest, ALostMemberIsTriedTwicePerRoundUntilItAnswers) {
  connector_->OnStart(0);
  At(1500, [this] {
    net_->Partition({{0, 2, 3}, {1}});
    tcp_->Disconnect(0, 1);
    connector_->OnConnectionExit(0, 1);
    EXPECT_EQ(connector_->pending(0), std::vector<NodeId>{1});
  });
  At(1600, [this] { connector_->OnConnectionExit(0, 2); });  // still connected: no
  At(6500, [this] { net_->Heal(); });
  sim_.RunUntil(T(10000));
  // Ticks at 2.06 s (blocked 2 s), 5.06 s (blocked 2 s), 8.06 s: the
  // member's connect opens the default channel, its Pending entry's the
  // membership one.
  EXPECT_EQ(OpenedBetween(1501, 10000),
            (std::vector<Opened>{{0, 1, T(8060)}, {0, 1, T(8060), Channel::kMembership}}));
  EXPECT_EQ(connector_->connect_attempts(), 3u + 3u + 2u + 2u + 2u);
  EXPECT_TRUE(connector_->pending(0).empty());
}

// A member lost by 'EXIT' and then restarted: its members connect to it at
// once, and {connected, ...} takes it out of their Pending, so crashes and
// restarts do not pile up entries.
TEST_F(FullMembershipConnectorTest, AReconnectedMemberLeavesPending) {
  connector_->OnStart(0);
  connector_->OnStart(1);
  for (int cycle = 0; cycle < 3; ++cycle) {
    At(2000 + 1000 * cycle, [this] {
      connector_->OnStop(1);
      net_->SetNodeUp(1, false);
      tcp_->OnNodeDown(1);  // 1's own connections go; 0's to it closes by reset
    });
    At(2020 + 1000 * cycle, [this] { connector_->OnConnectionExit(0, 1); });
    At(2500 + 1000 * cycle, [this] {
      EXPECT_EQ(connector_->pending(0), std::vector<NodeId>{1});
      net_->SetNodeUp(1, true);
      connector_->OnStart(1);
      EXPECT_TRUE(connector_->pending(0).empty());
    });
  }
  sim_.RunUntil(T(6000));
  EXPECT_TRUE(connector_->pending(0).empty());
}

// handle_info(periodic, _) runs establish_connections/1 too, every
// periodic_interval, whatever connection_interval is.
TEST_F(FullMembershipConnectorTest, ThePeriodicTickReconnectsToo) {
  runtime_.connection_interval = SimDuration::Seconds(100);
  connector_ =
      std::make_unique<FullMembershipConnector>(&sim_, net_.get(), tcp_.get(), runtime_, &members_);
  connector_->OnStart(0);
  At(1500, [this] { tcp_->Disconnect(0, 3); });
  sim_.RunUntil(T(20000));
  const Channel m = Channel::kMembership;
  EXPECT_EQ(OpenedBetween(1001, 20000),
            (std::vector<Opened>{{0, 1, T(10000), m}, {0, 2, T(10000), m}, {0, 3, T(10000)}}));
}

// The ticks die with the manager: after OnStop nothing re-connects.
TEST_F(FullMembershipConnectorTest, AStoppedNodesRoundsStop) {
  connector_->OnStart(0);
  At(1500, [this] {
    connector_->OnStop(0);
    tcp_->Disconnect(0, 1);
  });
  sim_.RunUntil(T(30000));
  EXPECT_EQ(OpenedBetween(1501, 30000), std::vector<Opened>{});
}

// A restarted node has its new incarnation's rounds only: the old join and
// tick (due at 1 s) are ignored; the new join comes at 1.6 s.
TEST_F(FullMembershipConnectorTest, ARestartedNodeKeepsOnlyItsNewIncarnationsRounds) {
  connector_->OnStart(0);
  At(300, [this] { connector_->OnStop(0); });
  At(600, [this] { connector_->OnStart(0); });
  sim_.RunUntil(T(2000));
  EXPECT_EQ(OpenedBetween(1000, 1000), std::vector<Opened>{});
  EXPECT_EQ(OpenedBetween(1600, 1600),
            (std::vector<Opened>{{0, 1, T(1600)}, {0, 2, T(1600)}, {0, 3, T(1600)}}));
}

}  // namespace
}  // namespace plumsim
