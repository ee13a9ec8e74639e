#include "sim/metrics/metrics_files.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/metrics/small_run_testing.h"
#include "sim/metrics/tree_analysis.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(MetricsFilesTest, TimeseriesCountsByWindow) {
  SmallRun run(kFour, {"metrics.window=\"10s\""});
  run.To(29);  // events at exactly 30 s would open a fourth window
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const std::vector<WindowMetrics>& w = run.metrics->windows();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].originated, 0);
  EXPECT_EQ(w[1].originated, 4);  // the 10 s round
  EXPECT_EQ(w[1].first_deliveries, 12);
  EXPECT_EQ(w[1].payload, 4 * 9);
  EXPECT_EQ(w[1].rmr(), 2.0);
  EXPECT_EQ(w[2].payload, 4 * 3);  // the 20 s round: trees
  EXPECT_EQ(w[2].rmr(), 0.0);
  EXPECT_EQ(w[2].live_nodes, 4);
  const std::string csv = TimeseriesCsv(run.scenario, *run.metrics);
  EXPECT_THAT(csv, HasSubstr("four,1,10000000000,10000000000,4,4,36,12,24,2,"));
}

TEST(MetricsFilesTest, MetricsJsonHoldsTheSummaryEveryMessageAndEveryRoot) {
  SmallRun run(kFour);
  run.To(60);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  std::vector<TreeShape> trees;
  for (NodeId r = 0; r < 4; ++r) trees.push_back(AnalyzeTree(*run.sim, r));
  const nlohmann::json j = nlohmann::json::parse(MetricsJson(run.scenario, *run.metrics, trees));
  EXPECT_EQ(j["scenario"], "four");
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["summary"]["reliability_min"], 1.0);
  int64_t settled = 0;
  for (const nlohmann::json& m : j["messages"]) settled += m["settled"].get<bool>() ? 1 : 0;
  EXPECT_EQ(j["summary"]["messages"], settled);
  EXPECT_EQ(j["messages"].size(), run.metrics->messages().size());
  EXPECT_FALSE(j.contains("network"));  // no counters given
  ASSERT_EQ(j["roots"].size(), 4u);
  EXPECT_EQ(j["roots"][0]["root"], "n0");
  EXPECT_TRUE(j["roots"][0]["spanning"].get<bool>());
  EXPECT_EQ(j["roots"][0]["edges"].size(), 3u);  // a spanning tree of 4 nodes
  EXPECT_EQ(j["messages"][0]["id"][0], "n0");
}

TEST(MetricsFilesTest, MessagesCsvHasOneRowPerMessageAndQuotesTheName) {
  SmallRun run(kFour, {"name=\"four, quoted\""});
  run.To(25);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const std::string csv = MessagesCsv(run.scenario, *run.metrics);
  EXPECT_THAT(csv, StartsWith("scenario,seed,root,handler,epoch,sequence,sent_at_ns,"));
  EXPECT_THAT(csv, HasSubstr("\"four, quoted\",1,n0,heartbeat,1,1,10"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'),
            static_cast<long>(run.metrics->messages().size()) + 1);
}

}  // namespace
}  // namespace plumsim
