// The metric definitions of docs/metrics.md on runs small enough to count by
// hand: 4 nodes, constant 1 ms latency, full membership.
#include "sim/metrics/metrics.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/metrics/small_run_testing.h"
#include "sim/metrics/tree_analysis.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(MetricsTest, FirstRoundFloodsSecondRoundIsATree) {
  SmallRun run(kFour);
  run.To(25);
  // Round 1 of n0: 3 direct copies (hop 1, 1 ms) + each of the 3 forwards
  // to the 2 others (stale): payload 9, RMR 9/3 - 1 = 2.
  const MessageMetrics& first = run.Message(0, 1);
  EXPECT_EQ(first.live, 4);
  EXPECT_EQ(first.delivered, 4);
  EXPECT_EQ(first.reliability(), 1.0);
  EXPECT_EQ(first.payload, 9);
  EXPECT_EQ(first.rmr(), 2.0);
  EXPECT_EQ(first.ldh, 1);
  EXPECT_THAT(first.Latencies(), ElementsAre(1000000, 1000000, 1000000));
  EXPECT_EQ(first.LatencyQuantile(0.99), 1000000);
  // Round 2: the star tree, 3 payload copies, RMR 0.
  const MessageMetrics& second = run.Message(0, 2);
  EXPECT_EQ(second.payload, 3);
  EXPECT_EQ(second.rmr(), 0.0);
  // Lazy pushes: each of the 3 others owes i_haves to its 2 lazy peers.
  EXPECT_EQ(second.i_have, 6);
  EXPECT_EQ(second.ignored_i_have, 6);
  EXPECT_EQ(second.graft, 0);
}

TEST(MetricsTest, ConvergenceIsTheStartOfTheFinalCleanRun) {
  SmallRun run(kFour);
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const std::vector<RootConvergence> roots = run.metrics->Convergence(kHeartbeatHandler);
  ASSERT_EQ(roots.size(), 4u);
  for (const RootConvergence& r : roots) {
    EXPECT_EQ(r.messages, 5);  // 10..50 s; the 60 s one is not settled
    ASSERT_TRUE(r.converged_at.has_value());
    EXPECT_EQ(*r.converged_at, run.Message(r.root, 2).sent_at);
  }
  EXPECT_EQ(MetricsCollector::Overall(roots), run.Message(3, 2).sent_at);
  // Settling: the last heartbeats (60 s) are not settled.
  EXPECT_FALSE(run.Message(0, 6).settled);
}

// Round 1 of each root floods: each of the three receivers forwards to the
// two others, whose copies arrive stale at 2 ms; both ends of such a pair
// move the other to lazy then (the prunes that land at 3 ms find them lazy
// already). From then on every root's eager graph is a star and stays one.
// Messages at 20..50 s (4 settled) witness it.
TEST(MetricsTest, TreeStableIsTheLastEagerChangeWitnessedByStableRounds) {
  for (const int64_t rounds : {3, 4, 5}) {
    SmallRun run(kFour, {absl::StrCat("metrics.stable_rounds=", rounds)});
    run.To(60);
    run.metrics->Finish(run.sim->now(), run.scenario.settle);
    const std::vector<RootConvergence> roots = run.metrics->Convergence(kHeartbeatHandler);
    ASSERT_EQ(roots.size(), 4u);
    for (const RootConvergence& r : roots) {
      SCOPED_TRACE(absl::StrCat("stable_rounds ", rounds, ", n", r.root));
      const SimTime first = run.Message(r.root, 1).sent_at;
      EXPECT_EQ(r.last_change, first + SimDuration::Milliseconds(2));
      EXPECT_GT(r.eager_changes, 0);
      if (rounds <= 4) {
        ASSERT_TRUE(r.tree_stable_at.has_value());
        EXPECT_EQ(*r.tree_stable_at, r.last_change);
      } else {
        EXPECT_FALSE(r.tree_stable_at.has_value());  // only 4 messages after it
      }
      // RMR 2 in round 1, 0 from round 2 on: settled at round 2 whatever
      // stable_rounds is, like the strict time here.
      ASSERT_TRUE(r.rmr_settled_at.has_value());
      EXPECT_EQ(*r.rmr_settled_at, run.Message(r.root, 2).sent_at);
      EXPECT_EQ(r.rmr_settled_at, r.converged_at);
    }
  }
}

// A crash takes the node's edges out of every root's graph: every root's
// last change is then at least the crash.
TEST(MetricsTest, ACrashChangesEveryRootsEagerGraph) {
  SmallRun run(std::string(kFour) + R"(
[[events]]
at = "35s"
kind = "crash"
nodes = "n3"
)",
               {"metrics.stable_rounds=2"});
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const ConvergenceReport report = run.metrics->ConvergenceOf(kHeartbeatHandler);
  ASSERT_EQ(report.roots.size(), 4u);  // n3's three settled messages count too
  for (const RootConvergence& r : report.roots) {
    SCOPED_TRACE(absl::StrCat("n", r.root));
    EXPECT_GE(r.last_change, SimTime::Zero() + SimDuration::Seconds(35));
    if (r.root == 3) {
      EXPECT_FALSE(r.tree_stable_at.has_value());  // nothing sent after the crash
    } else {
      ASSERT_TRUE(r.tree_stable_at.has_value());  // the 40 and 50 s messages
      EXPECT_LT(*r.tree_stable_at, run.Message(r.root, 4).sent_at);
    }
  }
  EXPECT_EQ(report.tree_stable.roots, 4);
  EXPECT_EQ(report.tree_stable.reached, 3);
  EXPECT_EQ(report.obstacles.roots, 1);
}

TEST(MetricsTest, ConvergenceQuantilesAndObstaclesUnderLoss) {
  SmallRun run(kFour, {"network.loss=0.3"});
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const ConvergenceReport report = run.metrics->ConvergenceOf(kHeartbeatHandler);
  const ConvergenceQuantiles& q = report.tree_stable;
  EXPECT_EQ(q.roots, 4);
  if (q.reached > 0) {
    EXPECT_LE(q.p50, q.p90);
    EXPECT_LE(q.p90, q.max);
  }
  // Lost copies are repaired by grafts: some root is not stable, and the
  // obstacles count its grafted messages by the grafting node's depth.
  ASSERT_GT(report.obstacles.roots, 0);
  EXPECT_GT(report.obstacles.messages_with_grafts, 0);
  int64_t grafts = 0;
  for (int64_t g : report.obstacles.grafts_by_depth) grafts += g;
  EXPECT_GT(grafts, 0);
  ASSERT_FALSE(report.obstacles.grafts_by_depth.empty());
  EXPECT_EQ(report.obstacles.grafts_by_depth[0], 0);  // depth 0 is the root
}

TEST(MetricsTest, TreeAnalysisOfTheStar) {
  SmallRun run(kFour);
  run.To(15);
  const TreeShape t = AnalyzeTree(*run.sim, 0);
  EXPECT_TRUE(t.spanning);
  EXPECT_EQ(t.depth, 1);
  EXPECT_EQ(t.edges, (std::vector<Edge>{{0, 1}, {0, 2}, {0, 3}}));
  EXPECT_EQ(t.lazy_edges, (std::vector<Edge>{{1, 2}, {1, 3}, {2, 3}}));
  EXPECT_EQ(t.asymmetric_pairs, 0);
  EXPECT_EQ(t.multi_parent_nodes, 0);
  EXPECT_EQ(t.degree_histogram, (std::map<int64_t, int64_t>{{1, 3}, {3, 1}}));
  // Before any heartbeat every node has everyone eager: not a tree.
  SmallRun fresh(kFour);
  fresh.To(5);
  const TreeShape mesh = AnalyzeTree(*fresh.sim, 0);
  EXPECT_FALSE(mesh.spanning);
  EXPECT_EQ(mesh.edges.size(), 6u);
  EXPECT_EQ(mesh.multi_parent_nodes, 0);  // all at depth 1
}

TEST(MetricsTest, LiveSetExcludesCrashedAndCutOffNodes) {
  SmallRun run(std::string(kFour) + R"(
[[events]]
at = "15s"
kind = "crash"
nodes = "n3"
[[events]]
at = "25s"
kind = "partition"
groups = ["n0..n1", "n2..n3"]
[[events]]
at = "35s"
kind = "heal"
)");
  run.To(45);
  EXPECT_EQ(run.Message(0, 2).live, 3);  // n3 down at 20 s
  EXPECT_EQ(run.Message(0, 2).reliability(), 1.0);
  const MessageMetrics& cut = run.Message(0, 3);  // 30 s: n2 across the cut
  EXPECT_EQ(cut.live, 2);
  EXPECT_EQ(cut.delivered, 2);
  // After the heal n2 grafts it: delivered outside the live set.
  EXPECT_EQ(cut.delivered_outside, 1);
  EXPECT_EQ(cut.reliability(), 1.0);
  const TreeShape during = [&] {
    SmallRun r2(run.scenario.ToToml());
    r2.To(30);
    return AnalyzeTree(*r2.sim, 0);
  }();
  EXPECT_EQ(during.live, (PeerSet{0, 1}));
}

TEST(MetricsTest, DeliveryTreesOnlyForTrackedRoots) {
  SmallRun all(kFour);
  all.To(25);
  EXPECT_EQ(all.metrics->delivery_trees().size(), 4u);  // every root by default
  // n0's second heartbeat went down the star: each other node got it from n0.
  std::vector<std::pair<NodeId, NodeId>> tree = all.metrics->delivery_trees().at(0);
  std::sort(tree.begin(), tree.end());
  EXPECT_THAT(tree, ElementsAre(std::pair<NodeId, NodeId>{1, 0}, std::pair<NodeId, NodeId>{2, 0},
                                std::pair<NodeId, NodeId>{3, 0}));

  SmallRun some(kFour);
  some.metrics->TrackDeliveryTrees(PeerSet{2});
  some.To(25);
  EXPECT_EQ(some.metrics->delivery_trees().size(), 1u);
  EXPECT_EQ(some.metrics->delivery_trees().count(2), 1u);
  // Tracking changes no metric.
  EXPECT_EQ(some.Message(0, 1).payload, all.Message(0, 1).payload);

  SmallRun none(kFour);
  none.metrics->TrackDeliveryTrees(PeerSet{});
  none.To(25);
  EXPECT_TRUE(none.metrics->delivery_trees().empty());
}

TEST(MetricsTest, ApproximateBytesCountWhatIsHeld) {
  SmallRun all(kFour);
  all.To(25);
  const MetricsCollector::Bytes bytes = all.metrics->ApproximateBytes();
  size_t latencies = 0;
  for (const MessageMetrics& m : all.metrics->messages()) latencies += m.Latencies().size();
  ASSERT_GT(latencies, 0u);
  EXPECT_GE(bytes.messages,
            all.metrics->messages().size() * sizeof(MessageMetrics) + latencies * sizeof(uint32_t));
  // Four roots' latest trees, three edges each.
  EXPECT_GE(bytes.delivery_trees, 4 * 3 * sizeof(std::pair<NodeId, NodeId>));
  EXPECT_EQ(bytes.total(), bytes.messages + bytes.delivery_trees);

  SmallRun none(kFour);
  none.metrics->TrackDeliveryTrees(PeerSet{});
  none.To(25);
  EXPECT_EQ(none.metrics->ApproximateBytes().delivery_trees, 0u);
}

TEST(MessageMetricsTest, LatenciesBeyondFourSecondsKeepTheirExactValue) {
  MessageMetrics m;
  m.AddLatency(3);
  m.AddLatency(int64_t{5} * 1000000000 + 7);  // 5 s: does not fit 32 bits
  m.AddLatency(1);
  EXPECT_THAT(m.Latencies(), ElementsAre(3, 1, int64_t{5} * 1000000000 + 7));
  EXPECT_EQ(m.LatencyQuantile(1.0), int64_t{5} * 1000000000 + 7);
  EXPECT_EQ(m.LatencyQuantile(0.5), 3);
  EXPECT_EQ(m.LatencyQuantile(0.0), 1);
}

// The latencies' vector grows to the live nodes that can deliver (the root
// excluded), never past them while under that bound.
TEST(MessageMetricsTest, LatenciesHoldNoMoreThanTheLiveNodesCanDeliver) {
  MessageMetrics m;
  m.live = 1001;
  for (int i = 0; i < 1000; ++i) m.AddLatency(i);
  EXPECT_EQ(m.short_latencies_ns.capacity(), 1000u);
  EXPECT_EQ(m.LatencyQuantile(1.0), 999);
  m.AddLatency(5);  // more than the bound (cannot happen in a run): still kept
  EXPECT_EQ(m.Latencies().size(), 1001u);
}

// A node that delivers a message, crashes and restarts can deliver it again
// (its new incarnation has no memory of it: legitimate in Partisan). It is
// still one node: reliability stays <= 1, and the second delivery is counted
// apart. Here n3 delivers round 2's heartbeats at 20.001 s, crashes at
// 20.0015 s and restarts at 20.2015 s; lazy pushes (i_have, then graft) hand
// the new incarnation some of them again.
TEST(MetricsTest, ReliabilityCountsDistinctNodesAcrossIncarnations) {
  SmallRun run(std::string(kFour) + R"(
[[events]]
at = "20.0015s"
kind = "crash"
nodes = "n3"
[[events]]
at = "20.2015s"
kind = "restart"
nodes = "n3"
)");
  run.To(60);
  int64_t redelivered = 0;
  for (const MessageMetrics& m : run.metrics->messages()) {
    EXPECT_LE(m.reliability(), 1.0) << NodeName(m.root) << " seq " << m.id.sequence;
    EXPECT_LE(m.delivered, m.live);
    redelivered += m.redelivered;
  }
  EXPECT_GT(redelivered, 0);
}

// A crash at the instant of a send applies first: the crashed node is not
// live for that message (scenarios/plumtree_paper.toml crashes 40 % at
// 240 s, the instant of a broadcast).
TEST(MetricsTest, FaultsAtAnInstantApplyBeforeSendsAtThatInstant) {
  SmallRun run(std::string(kFour) + R"(
[heartbeat]
broadcast = false
[[events]]
at = "5s"
kind = "broadcast"
from = "n0"
count = 2
interval = "5s"
[[events]]
at = "10s"
kind = "crash"
nodes = "n2..n3"
)");
  run.To(20);
  ASSERT_EQ(run.metrics->messages().size(), 2u);
  EXPECT_EQ(run.metrics->messages()[0].live, 4);
  EXPECT_EQ(run.metrics->messages()[1].live, 2);  // sent at 10 s, after the crash
  EXPECT_EQ(run.metrics->messages()[1].reliability(), 1.0);
}

}  // namespace
}  // namespace plumsim
