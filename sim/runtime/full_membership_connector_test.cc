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
  bool operator==(const Opened&) const = default;
};

class Recorder : public MessageReceiver, public NetworkObserver {
 public:
  explicit Recorder(EventLoop* sim) : sim_(sim) {}
  void Deliver(NodeId, NodeId, const Message&) override {}
  void OnSend(NodeId, NodeId, const Message&) override {}
  void OnDeliver(NodeId, NodeId, const Message&) override {}
  void OnDrop(NodeId, NodeId, const Message&, DropReason) override {}
  void OnConnectionOpen(NodeId holder, NodeId peer) override {
    opened.push_back({holder, peer, sim_->now()});
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

// establish_connections/1 on join: the starting node connects to every
// member and every member to it, at once; no other pair is touched.
TEST_F(FullMembershipConnectorTest, AStartingNodeConnectsBothWaysToEveryMember) {
  connector_->OnStart(0);
  for (NodeId m = 1; m < 4; ++m) {
    EXPECT_TRUE(tcp_->IsOpen(0, m)) << m;
    EXPECT_TRUE(tcp_->IsOpen(m, 0)) << m;
  }
  EXPECT_FALSE(tcp_->IsOpen(1, 2));
  EXPECT_EQ(tcp_->OpenPeers(0), (PeerSet{1, 2, 3}));
  EXPECT_EQ(tcp_->open_count(), 6u);
}

// Members that are not running are skipped at start; the next
// handle_info(connections, _) tries them. A reachable host whose VM is down
// refuses after one round trip, so that round ends 10 ms later and the
// next one (schedule_connections/0, last) starts one interval after that.
TEST_F(FullMembershipConnectorTest, ARefusedConnectDelaysTheNextRoundByItsRoundTrip) {
  net_->SetNodeUp(2, false);
  connector_->OnStart(0);
  EXPECT_FALSE(tcp_->IsOpen(0, 2));
  At(1500, [this] { net_->SetNodeUp(2, true); });
  sim_.RunUntil(T(3000));
  // Round at 1 s: refused (0 -> 2 down). Round at 1 s + 10 ms + 1 s.
  EXPECT_EQ(OpenedBetween(1, 3000), (std::vector<Opened>{{0, 2, T(2010)}}));
  EXPECT_FALSE(tcp_->IsOpen(2, 0));  // node 2's own connector would do that
}

// A round with m unreachable members blocks the manager m * connect_timeout
// (?TIMEOUT of partisan_peer_service_client:connect/3) before the next
// connection_interval starts.
TEST_F(FullMembershipConnectorTest, EachUnreachableMemberBlocksTheRoundForTheConnectTimeout) {
  net_->Partition({{0}, {1, 2, 3}});
  connector_->OnStart(0);
  EXPECT_EQ(tcp_->open_count(), 0u);
  At(1500, [this] { net_->Heal(); });
  sim_.RunUntil(T(6000));
  // Round at 1 s: three connects time out (3 s); next round at 1 + 3 + 1 s.
  const std::vector<Opened> expected = {{0, 1, T(5000)}, {0, 2, T(5000)}, {0, 3, T(5000)}};
  EXPECT_EQ(rec_.opened, expected);
}

// handle_info(connections, _): each round re-connects what is missing.
TEST_F(FullMembershipConnectorTest, ARoundReconnectsADroppedConnection) {
  connector_->OnStart(0);
  At(500, [this] { tcp_->Disconnect(0, 1); });
  sim_.RunUntil(T(1500));
  EXPECT_EQ(OpenedBetween(1, 1500), (std::vector<Opened>{{0, 1, T(1000)}}));
}

// The tick dies with the manager: after OnStop nothing re-connects.
TEST_F(FullMembershipConnectorTest, AStoppedNodesRoundsStop) {
  connector_->OnStart(0);
  At(500, [this] {
    connector_->OnStop(0);
    tcp_->Disconnect(0, 1);
  });
  sim_.RunUntil(T(5000));
  EXPECT_EQ(OpenedBetween(1, 5000), std::vector<Opened>{});
}

// A restarted node has one round chain, its new incarnation's: the old
// incarnation's tick (due at 1 s) is ignored, the new one's comes at 1.6 s.
TEST_F(FullMembershipConnectorTest, ARestartedNodeKeepsOnlyItsNewIncarnationsRounds) {
  connector_->OnStart(0);
  At(300, [this] { connector_->OnStop(0); });
  At(600, [this] { connector_->OnStart(0); });
  At(700, [this] { tcp_->Disconnect(0, 1); });
  sim_.RunUntil(T(2000));
  EXPECT_EQ(OpenedBetween(1, 2000), (std::vector<Opened>{{0, 1, T(1600)}}));
}

}  // namespace
}  // namespace plumsim
