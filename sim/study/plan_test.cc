#include "sim/study/plan.h"

#include <cstdlib>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A base scenario in the test's temporary folder.
std::string WriteBase() {
  const std::string path = absl::StrCat(std::getenv("TEST_TMPDIR"), "/base.toml");
  std::ofstream(path) << "name = \"base\"\nseed = 5\nduration = \"10s\"\n"
                         "[nodes]\ncount = 8\n"
                         "[[events]]\nat = \"5s\"\nkind = \"crash\"\nnodes = \"n1\"\n";
  return path;
}

Study Parse(const std::string& body) {
  absl::StatusOr<Study> s =
      ParseStudy(absl::StrCat("[study]\nscenario = \"", WriteBase(), "\"\n", body), "s.toml");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(StudyPlanTest, TheGridIsPointMajorWithTheFirstParameterSlowest) {
  absl::StatusOr<StudyPlan> plan =
      ExpandStudy(Parse("replications = 2\n[study.parameters]\n\"network.loss\" = [0, 0.1]\n"
                        "\"nodes.count\" = [4, 6, 8]\n"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->points.size(), 6u);
  EXPECT_THAT(plan->points[1].value_index, ElementsAre(0, 1));
  EXPECT_THAT(plan->points[3].value_index, ElementsAre(1, 0));
  ASSERT_EQ(plan->runs.size(), 12u);
  EXPECT_EQ(plan->runs[0].id, "p1-r1");
  EXPECT_EQ(plan->runs[3].id, "p2-r2");
  EXPECT_THAT(plan->runs[3].sets, ElementsAre("network.loss=0", "nodes.count=6"));
  EXPECT_EQ(plan->seed, 5u);  // the base scenario's
}

TEST(StudyPlanTest, ReplicationsShareSeedsAcrossPointsAndDifferFromEachOther) {
  absl::StatusOr<StudyPlan> plan = ExpandStudy(
      Parse("seed = 77\nreplications = 3\n[study.parameters]\n\"nodes.count\" = [4, 6]\n"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->runs[0].seed, plan->runs[3].seed);
  EXPECT_EQ(plan->runs[2].seed, plan->runs[5].seed);
  std::set<uint64_t> seeds = {plan->runs[0].seed, plan->runs[1].seed, plan->runs[2].seed};
  EXPECT_EQ(seeds.size(), 3u);
  for (const StudyRun& run : plan->runs) {
    EXPECT_EQ(run.seed, ReplicationSeed(77, run.replication));
    EXPECT_LE(run.seed, static_cast<uint64_t>(INT64_MAX));
  }
  EXPECT_NE(ReplicationSeed(77, 1), ReplicationSeed(78, 1));
}

TEST(StudyPlanTest, ConstraintsLeavePointsOut) {
  absl::StatusOr<StudyPlan> plan = ExpandStudy(
      Parse("constraints = [\"nodes.count > 4\", \"network.transport != \\\"datagram\\\"\"]\n"
            "[study.parameters]\n\"nodes.count\" = [4, 6, 8]\n"
            "\"network.transport\" = [\"tcp\", \"datagram\"]\n"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->runs.size(), 2u);
  EXPECT_THAT(plan->runs[0].sets, ElementsAre("nodes.count=6", "network.transport=\"tcp\""));
  EXPECT_EQ(plan->runs[0].id, "p1-r1");
  absl::StatusOr<StudyPlan> none =
      ExpandStudy(Parse("constraints = [\"nodes.count > 10\"]\n[study.parameters]\n"
                        "\"nodes.count\" = [4, 6]\n"));
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("no point of the grid"));
}

TEST(StudyPlanTest, AValueTheScenarioRefusesNamesTheParameterAndThePoint) {
  absl::StatusOr<StudyPlan> plan =
      ExpandStudy(Parse("[study.parameters]\n\"network.loss\" = [0.1, 2]\n"));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(plan.status().message()),
              HasSubstr("s.toml:4:18: \"network.loss\" = 2 (point p2)"));
  absl::StatusOr<StudyPlan> crash =
      ExpandStudy(Parse("[study.parameters]\n\"events.0.nodes\" = [\"random 50%\", \"n9\"]\n"));
  ASSERT_FALSE(crash.ok());
  EXPECT_THAT(std::string(crash.status().message()),
              HasSubstr("point p2 (events.0.nodes=\"n9\") of s.toml makes an invalid scenario"));
}

TEST(StudyPlanTest, AMissingBaseScenarioIsNotFound) {
  absl::StatusOr<Study> s = ParseStudy("[study]\nscenario = \"/nonexistent.toml\"\n", "s.toml");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ExpandStudy(*s).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace plumsim
