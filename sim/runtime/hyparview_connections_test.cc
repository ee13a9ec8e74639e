// HyParView's connection table over the datagram transport
// (partisan_peer_connections): connect/1 succeeds at once when the peer is
// reachable, a connection dies when the network stops carrying it, and
// Prune() hands the dead ones to their holders' 'EXIT' handling
// (partisan_hyparview_peer_service_manager:handle_info({'EXIT', ...})).
#include "sim/runtime/hyparview_connections.h"

#include <memory>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

class NullReceiver : public MessageReceiver, public NetworkObserver {
 public:
  void Deliver(NodeId, NodeId, const Message&) override {}
  void OnSend(NodeId, NodeId, const Message&) override {}
  void OnDeliver(NodeId, NodeId, const Message&) override {}
  void OnDrop(NodeId, NodeId, const Message&, DropReason) override {}
};

using Pairs = std::vector<std::pair<NodeId, NodeId>>;

class HyParViewConnectionsTest : public ::testing::Test {
 protected:
  HyParViewConnectionsTest() {
    NetworkConfig config;
    config.transport = Transport::kDatagram;
    net_ = std::make_unique<Network>(&sim_, config, 7, &null_, &null_);
    for (NodeId i = 0; i < 4; ++i) net_->SetNodeUp(i, true);
  }
  EventLoop sim_;
  NullReceiver null_;
  std::unique_ptr<Network> net_;
  HyParViewConnections conns_{nullptr};
  void SetUp() override { conns_ = HyParViewConnections(net_.get()); }
};

TEST_F(HyParViewConnectionsTest, ConnectIsOneDirectionAndImmediate) {
  conns_.Connect(0, 2);
  conns_.Connect(0, 1);
  EXPECT_TRUE(conns_.IsConnected(0, 1));
  EXPECT_TRUE(conns_.IsConnected(0, 2));
  EXPECT_FALSE(conns_.IsConnected(1, 0));                // the peer holds none back
  EXPECT_EQ(conns_.ConnectedPeers(0), (PeerSet{1, 2}));  // ascending
  EXPECT_EQ(conns_.ConnectedPeers(3), PeerSet{});
}

TEST_F(HyParViewConnectionsTest, AConnectToAnUnreachablePeerMakesNothingEvenAfterTheHeal) {
  net_->Partition({{0, 1}, {2, 3}});
  conns_.Connect(0, 2);
  EXPECT_FALSE(conns_.IsConnected(0, 2));
  net_->Heal();
  EXPECT_FALSE(conns_.IsConnected(0, 2));
  net_->SetNodeUp(3, false);
  conns_.Connect(0, 3);
  net_->SetNodeUp(3, true);
  EXPECT_FALSE(conns_.IsConnected(0, 3));
}

TEST_F(HyParViewConnectionsTest, DisconnectRemovesOnlyThatDirection) {
  conns_.Connect(0, 1);
  conns_.Connect(1, 0);
  conns_.Disconnect(0, 1);
  EXPECT_FALSE(conns_.IsConnected(0, 1));
  EXPECT_TRUE(conns_.IsConnected(1, 0));
}

// A send needs a live connection: one whose path is cut does not count,
// even before Prune() removes it.
TEST_F(HyParViewConnectionsTest, ACutConnectionIsNotConnected) {
  conns_.Connect(0, 1);
  conns_.Connect(0, 2);
  net_->Partition({{0, 2}, {1, 3}});
  EXPECT_FALSE(conns_.IsConnected(0, 1));
  EXPECT_EQ(conns_.ConnectedPeers(0), PeerSet{2});
}

// The holders of dead connections get them back as (holder, peer),
// ascending, once; what the network still carries stays.
TEST_F(HyParViewConnectionsTest, PruneReturnsTheDeadConnectionsAscendingAndForgetsThem) {
  conns_.Connect(2, 0);
  conns_.Connect(0, 3);
  conns_.Connect(0, 1);
  conns_.Connect(1, 0);
  conns_.Connect(3, 2);
  net_->Partition({{0, 2}, {1, 3}});
  EXPECT_EQ(conns_.Prune(), (Pairs{{0, 1}, {0, 3}, {1, 0}, {3, 2}}));
  EXPECT_EQ(conns_.Prune(), Pairs{});
  net_->Heal();
  // Dead is dead: the heal does not bring them back.
  EXPECT_FALSE(conns_.IsConnected(0, 1));
  EXPECT_EQ(conns_.ConnectedPeers(0), PeerSet{});
  EXPECT_TRUE(conns_.IsConnected(2, 0));
}

// Connectivity is per direction: a one-way cut kills only the connections
// that send across it.
TEST_F(HyParViewConnectionsTest, AOneWayCutKillsOnlyTheConnectionsThatSendAcrossIt) {
  conns_.Connect(0, 1);
  conns_.Connect(1, 0);
  net_->PartitionOneWay({0}, {1});
  EXPECT_EQ(conns_.Prune(), (Pairs{{0, 1}}));
  EXPECT_TRUE(conns_.IsConnected(1, 0));
}

// A crashed node's own connections vanish with it (no 'EXIT' to itself);
// its peers' connections to it die and are theirs to prune.
TEST_F(HyParViewConnectionsTest, ACrashClearsTheNodesOwnAndKillsThoseToIt) {
  conns_.Connect(1, 0);
  conns_.Connect(1, 2);
  conns_.Connect(0, 1);
  conns_.Connect(2, 1);
  conns_.Connect(2, 3);
  net_->SetNodeUp(1, false);
  conns_.Clear(1);
  EXPECT_EQ(conns_.ConnectedPeers(1), PeerSet{});
  EXPECT_EQ(conns_.Prune(), (Pairs{{0, 1}, {2, 1}}));
  EXPECT_TRUE(conns_.IsConnected(2, 3));
}

}  // namespace
}  // namespace plumsim
