#include "sim/report/time_series.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/metrics/small_run_testing.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

TEST(FaultMarksTest, SpansForCutsAndChurnInstantsForNodeEvents) {
  absl::StatusOr<Scenario> s = ParseScenario(std::string(kFour) + R"(
[[events]]
at = "10s"
kind = "partition"
groups = [["n0", "n1"], ["n2", "n3"]]
[[events]]
at = "20s"
kind = "heal"
[[events]]
at = "30s"
kind = "crash"
nodes = "n3"
[[events]]
at = "40s"
kind = "link_down"
from = "n0"
to = "n1"
)",
                                             "marks.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  const std::vector<FaultMark> marks = FaultMarks(*s);
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[0].kind, "partition");
  EXPECT_EQ(marks[0].from_s, 10);
  EXPECT_EQ(marks[0].to_s, 20);
  EXPECT_EQ(marks[1].kind, "crash");
  EXPECT_EQ(marks[1].from_s, marks[1].to_s);
  EXPECT_EQ(marks[2].kind, "link_down");  // never up again: ends with the run
  EXPECT_EQ(marks[2].to_s, 60);
  const std::string gp = FaultObjects(marks);
  EXPECT_THAT(gp, HasSubstr("set object rect from 10, graph 0 to 20, graph 1 fc rgb \"#f4b6b6\""));
  EXPECT_THAT(gp, HasSubstr("set arrow from 30, graph 0 to 30, graph 1 nohead lc rgb \"#c0392b\""));
}

TEST(BinSeriesTest, WindowsMergeToAtMostMaxPointsAndMessagesLandWhereSent) {
  SmallRun run(kFour, {"metrics.window=\"1s\""});
  run.To(59);
  run.metrics->Finish(run.sim->now(), run.scenario.settle);
  const int windows = static_cast<int>(run.metrics->windows().size());
  ASSERT_GT(windows, 50);
  const Series all = BinSeries(run.scenario, *run.metrics, 600);
  EXPECT_EQ(all.merged, 1);
  EXPECT_EQ(all.bin_s, 1.0);
  const Series merged = BinSeries(run.scenario, *run.metrics, 6);
  EXPECT_LE(merged.bins.size(), 6u);
  EXPECT_EQ(merged.merged, (windows + 5) / 6);  // the fewest windows per bin that fit
  EXPECT_EQ(merged.bin_s, merged.merged * 1.0);
  int64_t messages = 0, payload_all = 0, payload_merged = 0;
  for (const Bin& b : merged.bins) messages += b.messages, payload_merged += b.payload;
  for (const Bin& b : all.bins) payload_all += b.payload;
  EXPECT_EQ(payload_merged, payload_all);  // merging loses no traffic
  int64_t settled = 0;
  for (const MessageMetrics& m : run.metrics->messages()) settled += m.settled ? 1 : 0;
  EXPECT_EQ(messages, settled);                          // every settled message, in one bin
  EXPECT_EQ(all.bins[10].messages, 4);                   // the 10 s round, in [10 s, 11 s)
  EXPECT_EQ(all.bins[10].rmr_max, 2.0);                  // the first round floods
  EXPECT_EQ(all.bins[20].rmr_max, 0.0);                  // the second follows the trees
  EXPECT_TRUE(std::isnan(all.bins[5].reliability_min));  // no message in [5 s, 6 s)
}

}  // namespace
}  // namespace plumsim
