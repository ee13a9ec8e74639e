#include "sim/metrics/expectations.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/metrics/small_run_testing.h"
#include "sim/metrics/tree_analysis.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

TEST(ExpectationsTest, ShareOfRootsTreeStableOrRmrSettledBeforeATime) {
  SmallRun run(std::string(kFour) + R"(
[[expect]]
metric = "tree_stable_before"
before = "15s"
[[expect]]
metric = "rmr_settled_before"
before = "15s"
[[expect]]
metric = "rmr_settled_before"
before = "25s"
share = 0.5
)");
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const std::vector<ExpectationResult> v = CheckExpectations(run.scenario, *run.metrics, {});
  ASSERT_EQ(v.size(), 3u);
  EXPECT_TRUE(v[0].passed) << v[0].measured;  // stable at about 10 s
  EXPECT_THAT(v[0].measured, HasSubstr("4 of 4 (100%)"));
  EXPECT_FALSE(v[1].passed);  // settled at the 20 s round
  EXPECT_THAT(v[1].measured, HasSubstr("0 of 4 (0%); not: n0 at 20."));
  EXPECT_TRUE(v[2].passed);
  EXPECT_THAT(v[2].description, HasSubstr("50% of roots RMR-settled before 25s"));
}

TEST(ExpectationsTest, EachVerdictSaysWhatWasMeasured) {
  SmallRun run(std::string(kFour) + R"(
[[expect]]
metric = "rmr_max"
at_most = 0.0
[[expect]]
metric = "rmr_max"
at_most = 0.0
after = "15s"
[[expect]]
metric = "converged_before"
before = "15s"
[[expect]]
metric = "trees_spanning"
[[expect]]
metric = "reliability_min"
at_least = 1.0
handler = "application"
)");
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  std::vector<TreeShape> trees;
  for (NodeId r = 0; r < 4; ++r) trees.push_back(AnalyzeTree(*run.sim, r));
  const std::vector<ExpectationResult> v = CheckExpectations(run.scenario, *run.metrics, trees);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_FALSE(v[0].passed);  // round 1 has RMR 2
  EXPECT_THAT(v[0].measured, HasSubstr("2 (worst: n0's message"));
  EXPECT_TRUE(v[1].passed);
  EXPECT_FALSE(v[2].passed);  // converges at the 20 s round
  EXPECT_THAT(v[2].measured, HasSubstr("converged at 20."));
  EXPECT_TRUE(v[3].passed);
  EXPECT_FALSE(v[4].passed);  // no application messages at all
  EXPECT_THAT(v[4].measured, HasSubstr("no settled messages"));
  const std::string text = ExpectationsText(run.scenario, v);
  EXPECT_THAT(text, HasSubstr("expectations: 2 passed, 3 failed"));
  EXPECT_THAT(text, HasSubstr("FAIL four.toml:"));
}

TEST(ExpectationsTest, ConnectionsClosedCountsByReasonInItsWindow) {
  SmallRun run(std::string(kFour) + R"(
[[events]]
at = "12s"
kind = "crash"
nodes = "n3"
[[expect]]
metric = "connections_closed"
reason = "peer_closed"
at_least = 3
after = "12s"
before = "13s"
[[expect]]
metric = "connections_closed"
at_most = 0
before = "12s"
)");
  run.To(30);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const std::vector<ExpectationResult> v = CheckExpectations(run.scenario, *run.metrics, {});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(v[0].passed) << v[0].measured;
  EXPECT_THAT(v[0].description, HasSubstr("connections_closed (peer_closed) >= 3 from 12s to 13s"));
  EXPECT_THAT(v[0].measured, HasSubstr("(first at 12."));
  EXPECT_TRUE(v[1].passed) << v[1].measured;
  EXPECT_EQ(v[1].measured, "0");
}

TEST(ExpectationsTest, NoExpectationsNoText) {
  SmallRun run(kFour);
  EXPECT_EQ(ExpectationsText(run.scenario, {}), "");
}

}  // namespace
}  // namespace plumsim
