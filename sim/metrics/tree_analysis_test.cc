// TreeAnalyzer shares what roots without their own sets have in common; it
// must give, for every root, exactly what the plain per-root analysis gives.
#include "sim/metrics/tree_analysis.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "sim/scenario/scenario.h"
#include "sim/world/observer.h"
#include "sim/world/simulation.h"

namespace plumsim {
namespace {

void ExpectSameTree(const TreeShape& a, const TreeShape& b) {
  EXPECT_EQ(a.root, b.root);
  EXPECT_EQ(a.root_running, b.root_running);
  EXPECT_EQ(a.live, b.live);
  EXPECT_EQ(a.edges, b.edges);
  EXPECT_EQ(a.lazy_edges, b.lazy_edges);
  EXPECT_EQ(a.asymmetric_pairs, b.asymmetric_pairs);
  EXPECT_EQ(a.stale_eager, b.stale_eager);
  EXPECT_EQ(a.spanning, b.spanning);
  EXPECT_EQ(a.depth, b.depth);
  EXPECT_EQ(a.unreached, b.unreached);
  EXPECT_EQ(a.multi_parent_nodes, b.multi_parent_nodes);
  EXPECT_EQ(a.degree_histogram, b.degree_histogram);
  EXPECT_EQ(a.live_count, b.live_count);
  EXPECT_EQ(a.edge_count, b.edge_count);
}

struct Case {
  const char* name;
  const char* toml;
  int64_t stop_s;
};

// HyParView, two application roots, crashes and a partition in force when
// analysed: most roots have no sets of their own, n0 and n7 have.
constexpr char kHyParView[] = R"(
name = "hv"
seed = 11
duration = "60s"
[nodes]
count = 150
start_interval = "20ms"
[membership]
kind = "hyparview"
active_max_size = 5
passive_max_size = 20
[heartbeat]
broadcast = false
[network]
latency = { kind = "uniform", min = "2ms", max = "8ms" }
[[events]]
at = "10s"
kind = "broadcast"
from = "n0"
count = 5
interval = "1s"
[[events]]
at = "12s"
kind = "broadcast"
from = "n7"
count = 3
interval = "1s"
[[events]]
at = "20s"
kind = "crash"
nodes = "n40..n43"
[[events]]
at = "25s"
kind = "partition"
groups = ["n0..n19", "n20..n149"]
)";

// Full membership with heartbeats: every root has its own sets.
constexpr char kFull[] = R"(
name = "full"
seed = 3
duration = "60s"
[nodes]
count = 12
[network]
latency = { kind = "uniform", min = "3ms", max = "5ms" }
[[events]]
at = "30s"
kind = "partition"
groups = ["n0..n5", "n6..n11"]
)";

class TreeAnalyzerTest : public testing::TestWithParam<Case> {};

TEST_P(TreeAnalyzerTest, SharingGivesEveryRootItsOwnAnalysis) {
  absl::StatusOr<Scenario> scenario = ParseScenario(std::string(GetParam().toml), "t.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  ObserverList observers;
  Simulation sim(*scenario, &observers);
  int shared_roots = 0, own_roots = 0, down_roots = 0, cut_roots = 0;
  for (int64_t s : {GetParam().stop_s / 2, GetParam().stop_s}) {
    sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(s));
    TreeAnalyzer analyzer(sim);
    // Prepared: the roots sharing a graph are measured 64 at a time (the
    // 130-node side of the partition takes three batches).
    TreeAnalyzer prepared(sim);
    PeerSet all;
    for (NodeId root = 0; root < sim.node_count(); ++root) all.push_back(root);
    prepared.Prepare(all);
    for (NodeId root = 0; root < sim.node_count(); ++root) {
      SCOPED_TRACE(testing::Message() << "root n" << root << " at " << s << " s");
      const TreeShape plain = analyzer.AnalyzeWithoutSharing(root);
      ExpectSameTree(analyzer.Analyze(root), plain);
      ExpectSameTree(prepared.Analyze(root), plain);
      ExpectSameTree(AnalyzeTree(sim, root), plain);
      TreeShape figures = plain;
      figures.KeepFiguresOnly();
      ExpectSameTree(analyzer.Analyze(root, /*figures_only=*/true), figures);
      bool own = false;
      for (NodeId a = 0; a < sim.node_count(); ++a) {
        if (!sim.node(a).running()) continue;
        for (NodeId r : sim.node(a).server()->RootsWithOwnSets()) own |= r == root;
      }
      ++(own ? own_roots : shared_roots);
      down_roots += !plain.root_running;
      int64_t running = 0;
      for (NodeId a = 0; a < sim.node_count(); ++a) running += sim.node(a).running();
      cut_roots += plain.root_running && plain.live_count < running;
    }
  }
  // Both paths were taken where the case says they must be.
  EXPECT_GT(own_roots, 0);
  EXPECT_GT(cut_roots, 0);  // a partition in force
  if (std::string(GetParam().name) == "hyparview") {
    EXPECT_GT(shared_roots, 0);
    EXPECT_GT(down_roots, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Runs, TreeAnalyzerTest,
                         testing::Values(Case{"hyparview", kHyParView, 30},
                                         Case{"full", kFull, 40}),
                         [](const testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace plumsim
