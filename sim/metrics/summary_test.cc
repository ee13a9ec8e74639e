#include "sim/metrics/summary.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/metrics/small_run_testing.h"
#include "sim/metrics/tree_analysis.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SummaryTest, SummarizeTakesSettledMessagesOfTheHandler) {
  SmallRun run(kFour);
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const MetricsSummary heartbeats = Summarize(*run.metrics, kHeartbeatHandler);
  // Rounds at 10..50 s from 4 roots are settled (settle: 10 s before 60 s).
  EXPECT_EQ(heartbeats.messages, 4 * 5);
  EXPECT_EQ(heartbeats.reliability_min, 1.0);
  EXPECT_EQ(heartbeats.rmr_max, 2.0);  // the first round floods the mesh
  EXPECT_EQ(heartbeats.ldh_max, 1);
  EXPECT_EQ(Summarize(*run.metrics, kStoreHandler).messages, 0);
  EXPECT_EQ(Summarize(*run.metrics, std::nullopt).messages, heartbeats.messages);
}

TEST(SummaryTest, TheTableHasARowPerHandlerWithMessagesAndTheTrees) {
  SmallRun run(kFour);
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  std::vector<TreeShape> trees;
  for (NodeId r = 0; r < 4; ++r) trees.push_back(AnalyzeTree(*run.sim, r));
  const std::string table = SummaryTable(run.scenario, *run.metrics, trees, {});
  EXPECT_THAT(table, HasSubstr("heartbeat          20"));
  EXPECT_THAT(table, Not(HasSubstr("application")));  // no application messages
  EXPECT_THAT(table, HasSubstr("convergence of heartbeat roots"));
  EXPECT_THAT(table, HasSubstr("tree-stable   4 of 4 roots (100%)"));
  EXPECT_THAT(table, HasSubstr("trees at end: 4 of 4 running roots spanning, max depth 1"));
  EXPECT_THAT(table, Not(HasSubstr("expectations:")));
  // The running members connect to each starting node; each node's join,
  // 1 s later, connects to the members that started before it: 0 + 1 + 2 +
  // 3 connects of a 2 ms round trip on the default channel. The connections
  // ticks then open the membership channel to the 3 others from each of the
  // 4 nodes: 12 more. 36 ms in the full-membership managers. No mailbox
  // waited.
  EXPECT_THAT(table, HasSubstr("  processes: peer_service blocked in calls 36ms\n"));
}

TEST(SummaryTest, CountersTextNamesDropsConnectionsAndNodeEvents) {
  RunCounters c;
  c.sent[0] = 7;
  c.delivered[0] = 6;
  c.dropped[1] = 1;
  c.connections_opened = 12;
  c.connections_closed[static_cast<int>(CloseReason::kPingTimeout)] = 2;
  c.node_events[static_cast<int>(NodeEventKind::kCrash)] = 1;
  c.originated[0] = 4;
  const std::string text = CountersText(c);
  EXPECT_THAT(text, HasSubstr("dropped: 0 unreachable, 1 lost, 0 cut in flight\n"));
  EXPECT_THAT(text, HasSubstr("connections: 12 opened, 2 closed, 2 ping_timeout\n"));
  EXPECT_THAT(text, HasSubstr("heartbeats: 4 originated, 0 first deliveries, 0 stale copies\n"));
  EXPECT_THAT(text, HasSubstr("nodes: 1 crashes, 0 restarts, 0 joins, 0 leaves\n"));
  EXPECT_THAT(text, Not(HasSubstr("application broadcasts")));
  EXPECT_THAT(text, Not(HasSubstr("timeline:")));
}

}  // namespace
}  // namespace plumsim
