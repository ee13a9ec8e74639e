// A few protocol nodes wired through an in-memory message queue (no
// simulator): the heartbeat tree forms. With full membership every node
// starts with all others eager; after the first heartbeat round of a root,
// redundant eager links are pruned and every other node has exactly one
// eager parent for that root, so the second round costs exactly N-1 payload
// messages (RMR 0).
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "protocol/broadcast_server.h"
#include "protocol/environment.h"
#include "protocol/heartbeat_backend.h"

namespace plumsim {
namespace {

constexpr HandlerId kHeartbeat = 0;

struct InFlight {
  NodeId from;
  NodeId to;
  Message message;
};

// Delivers messages one at a time, FIFO or in a seeded random order.
class MemoryNetwork {
 public:
  std::deque<InFlight> queue;
  std::map<std::string, int> sent_by_type;
  void Reset() { sent_by_type.clear(); }
};

class MemoryEnvironment : public Environment {
 public:
  MemoryEnvironment(NodeId self, MemoryNetwork* net, PeerSet peers)
      : self_(self), net_(net), peers_(std::move(peers)) {}
  NodeId self() const override { return self_; }
  void Send(NodeId to, Message message, Channel) override {
    ++net_->sent_by_type[MessageTypeName(message)];
    net_->queue.push_back(InFlight{self_, to, std::move(message)});
  }
  bool IsConnected(NodeId peer) const override { return ordsets::IsElement(peer, peers_); }
  PeerSet ConnectedPeers() const override { return peers_; }
  void Connect(NodeId) override {}
  void Disconnect(NodeId) override {}
  TimerHandle StartTimer(absl::Duration, TimerKind) override { return 0; }
  void CancelTimer(TimerHandle) override {}
  int64_t NowNs() const override { return 0; }
  uint64_t UniformInt(uint64_t) override { return 0; }
  void Log(LogLevel, absl::string_view) override {}
  const NodeOrder& name_order() const override { return order_; }
  const NodeOrder& spec_order() const override { return order_; }
  NodeOrder order_;

 private:
  NodeId self_;
  MemoryNetwork* net_;
  PeerSet peers_;
};

struct Node {
  Node(NodeId id, MemoryNetwork* net, const PeerSet& members)
      : env(id, net, ordsets::DelElement(id, members)),
        server(&env, PlumtreeConfig{}),
        backend(&env, &server, kHeartbeat, HeartbeatConfig{}, /*epoch=*/1) {
    server.RegisterHandler(kHeartbeat, &backend);
    server.Start(members, members, {});  // Partisan's default start
    backend.Start();
  }
  MemoryEnvironment env;
  BroadcastServer server;
  HeartbeatBackend backend;
};

class Cluster {
 public:
  explicit Cluster(int n, uint64_t shuffle_seed = 0) : shuffle_state_(shuffle_seed) {
    PeerSet members;
    for (int i = 0; i < n; ++i) members.push_back(static_cast<NodeId>(i));
    for (NodeId id : members) nodes_.push_back(std::make_unique<Node>(id, &net_, members));
  }

  // Runs the root's heartbeat and delivers until quiet. Returns how many
  // times each node merged a payload (first deliveries) or received one.
  void Heartbeat(NodeId root) {
    nodes_[root]->backend.OnTimer(TimerKind::kHeartbeat);
    Drain();
  }
  void LazyTickEverywhere() {
    for (auto& n : nodes_) n->server.OnTimer(TimerKind::kLazyTick);
    Drain();
  }

  void Drain() {
    while (!net_.queue.empty()) {
      size_t pick = 0;
      if (shuffle_state_ != 0) {
        shuffle_state_ = shuffle_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        pick = (shuffle_state_ >> 33) % net_.queue.size();
      }
      InFlight m = std::move(net_.queue[pick]);
      net_.queue.erase(net_.queue.begin() + static_cast<long>(pick));
      nodes_[m.to]->server.HandleMessage(m.message);
    }
  }

  // Undirected eager graph of `root`: {a, b} when a and b have each other in
  // their eager sets for root. Also checks the sets are symmetric.
  std::set<std::pair<NodeId, NodeId>> EagerEdges(NodeId root) const {
    std::set<std::pair<NodeId, NodeId>> edges;
    for (const auto& a : nodes_) {
      const NodeId ida = a->env.self();
      for (NodeId b : a->server.GetEagerPeers(root)) {
        const bool symmetric = ordsets::IsElement(ida, nodes_[b]->server.GetEagerPeers(root));
        EXPECT_TRUE(symmetric) << "n" << ida << " -> n" << b << " for root n" << root;
        edges.insert({std::min(ida, b), std::max(ida, b)});
      }
    }
    return edges;
  }

  // Whether `edges` is a spanning tree of all nodes.
  bool IsSpanningTree(const std::set<std::pair<NodeId, NodeId>>& edges) const {
    const size_t n = nodes_.size();
    if (edges.size() != n - 1) return false;
    std::vector<NodeId> parent(n);
    for (NodeId i = 0; i < n; ++i) parent[i] = i;
    auto find = [&](NodeId x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (const auto& [a, b] : edges) {
      const NodeId ra = find(a), rb = find(b);
      if (ra == rb) return false;  // a cycle
      parent[ra] = rb;
    }
    return true;
  }

  MemoryNetwork& net() { return net_; }

 private:
  MemoryNetwork net_;
  std::vector<std::unique_ptr<Node>> nodes_;
  uint64_t shuffle_state_;
};

TEST(TreeFormationTest, FifoFirstRoundPrunesToAStarAndSecondRoundHasNoRedundancy) {
  constexpr int kN = 5;
  Cluster cluster(kN);
  const NodeId root = 2;
  cluster.Heartbeat(root);
  // Round 1: the root sends to 4 peers, each forwards to the other 3 (stale
  // there: 12 copies, 12 prunes).
  EXPECT_EQ(cluster.net().sent_by_type["broadcast"], 4 + 4 * 3);
  EXPECT_EQ(cluster.net().sent_by_type["prune"], 4 * 3);
  const auto edges = cluster.EagerEdges(root);
  EXPECT_TRUE(cluster.IsSpanningTree(edges));
  for (const auto& [a, b] : edges) EXPECT_TRUE(a == root || b == root);  // a star
  // Round 2: exactly N-1 payload messages, no prunes.
  cluster.net().Reset();
  cluster.Heartbeat(root);
  EXPECT_EQ(cluster.net().sent_by_type["broadcast"], kN - 1);
  EXPECT_EQ(cluster.net().sent_by_type["prune"], 0);
  EXPECT_EQ(cluster.EagerEdges(root), edges);
}

TEST(TreeFormationTest, RandomDeliveryOrderStillGivesOneParentPerNode) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    constexpr int kN = 5;
    Cluster cluster(kN, seed);
    for (NodeId root = 0; root < kN; ++root) cluster.Heartbeat(root);
    for (NodeId root = 0; root < kN; ++root) {
      EXPECT_TRUE(cluster.IsSpanningTree(cluster.EagerEdges(root)))
          << "seed " << seed << " root n" << root;
    }
    // The lazy links now carry i_haves; all are for seen ids, so they are
    // acked and the next tick is silent.
    cluster.LazyTickEverywhere();
    cluster.net().Reset();
    cluster.LazyTickEverywhere();
    EXPECT_EQ(cluster.net().sent_by_type["i_have"], 0) << "seed " << seed;
    // Second round of every root: N-1 payload messages each, no prunes.
    cluster.net().Reset();
    for (NodeId root = 0; root < kN; ++root) cluster.Heartbeat(root);
    EXPECT_EQ(cluster.net().sent_by_type["broadcast"], kN * (kN - 1)) << "seed " << seed;
    EXPECT_EQ(cluster.net().sent_by_type["prune"], 0) << "seed " << seed;
  }
}

}  // namespace
}  // namespace plumsim
