#include "sim/metrics/tree_snapshot.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/metrics/small_run_testing.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

TEST(TreeSnapshotTest, WhatTreeJsonWritesParseTreeSnapshotReadsBack) {
  SmallRun run(std::string(kFour) + R"(
[[events]]
at = "25s"
kind = "crash"
nodes = "n3"
)");
  run.To(40);
  const TreeShape t = AnalyzeTree(*run.sim, 0);
  const std::string json = TreeJson(*run.sim, t, SimTime::Zero() + SimDuration::Seconds(40));
  absl::StatusOr<TreeSnapshot> s = ParseTreeSnapshot(json, "n0@40s.json");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->root, 0);
  EXPECT_EQ(s->at_ns, 40'000'000'000);
  EXPECT_TRUE(s->root_running);
  EXPECT_EQ(s->spanning, t.spanning);
  EXPECT_EQ(s->live, static_cast<int64_t>(t.live.size()));
  EXPECT_EQ(s->depth, t.depth);
  EXPECT_EQ(s->node_count, 4);
  EXPECT_EQ(s->down, (std::vector<int64_t>{3}));
  EXPECT_TRUE(s->cut_off.empty());
  std::vector<std::pair<int64_t, int64_t>> edges(t.edges.begin(), t.edges.end());
  EXPECT_EQ(s->edges, edges);
  std::vector<std::pair<int64_t, int64_t>> lazy(t.lazy_edges.begin(), t.lazy_edges.end());
  EXPECT_EQ(s->lazy_edges, lazy);
  EXPECT_EQ(s->degree_histogram, t.degree_histogram);
}

TEST(TreeSnapshotTest, DotShowsEagerSolidLazyDashedAndDownGrey) {
  SmallRun run(std::string(kFour) + R"(
[[events]]
at = "25s"
kind = "crash"
nodes = "n3"
)");
  run.To(40);
  const TreeShape t = AnalyzeTree(*run.sim, 0);
  const std::string dot = TreeDot(*run.sim, t, SimTime::Zero() + SimDuration::Seconds(40));
  EXPECT_THAT(dot, HasSubstr("n0 [shape=doublecircle]"));
  EXPECT_THAT(dot, HasSubstr("n3 [style=filled, fillcolor=grey"));
  EXPECT_THAT(dot, HasSubstr("n0 -- n1;"));
}

TEST(TreeSnapshotTest, RefusesWhatIsNotASnapshot) {
  EXPECT_FALSE(ParseTreeSnapshot("[]", "a.json").ok());
  EXPECT_FALSE(ParseTreeSnapshot(R"({"root":"x1","at_ns":1})", "b.json").ok());
  absl::StatusOr<TreeSnapshot> old =
      ParseTreeSnapshot(R"({"root":"n0","at_ns":1,"edges":[]})", "old.json");
  ASSERT_FALSE(old.ok());
  EXPECT_THAT(old.status().message(), HasSubstr("older than 0.5.0"));
  EXPECT_FALSE(ParseTreeSnapshot(
                   R"({"root":"n0","at_ns":1,"node_count":2,"down":[],"cut_off":[],
                       "edges":[["n0","n9"]]})",
                   "c.json")
                   .ok());
}

}  // namespace
}  // namespace plumsim
