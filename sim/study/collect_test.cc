#include "sim/study/collect.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/study/metrics_json_testing.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class StudyCollectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A folder of this test's own, under the test's temporary folder.
    dir_ = fs::path(::testing::TempDir()) / "study_collect" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    StudyRecord r;
    r.name = "t";
    r.parameters = {{"network.loss", true, {"0", "0.1"}}, {"x", false, {"a,b"}}};
    r.points = {{"p1", {0, 0}}, {"p2", {1, 0}}};
    r.replications = 3;
    for (int p = 0; p < 2; ++p) {
      for (int rep = 1; rep <= 3; ++rep) {
        r.runs.push_back(
            {absl::StrCat("p", p + 1, "-r", rep), p, rep, static_cast<uint64_t>(rep), {}});
      }
    }
    std::ofstream(dir_ / "study.json") << r.ToJson();
    // p1: three runs with reliability 1, 0.8, 0.9; p2: one complete, one
    // interrupted, one missing.
    WriteRun("p1-r1", 1, true, 0, 1.0);
    WriteRun("p1-r2", 2, true, 0, 0.8);
    WriteRun("p1-r3", 3, true, 2, 0.9);
    WriteRun("p2-r1", 1, true, 0, 0.5);
    WriteRun("p2-r2", 2, false, 0, 0.5);
  }

  void WriteRun(const std::string& id, int seed, bool complete, int failed, double reliability) {
    fs::create_directories(dir_ / "runs" / id);
    std::ofstream(dir_ / "runs" / id / "manifest.json")
        << "{\"plumsim_version\": \"0.5.0\", \"complete\": " << (complete ? "true" : "false")
        << ", \"seed\": " << seed << ", \"digest\": \"d" << id
        << "\", \"expectations_failed\": " << failed << "}";
    std::ofstream(dir_ / "runs" / id / "metrics.json")
        << TestMetricsJson({TestMessageJson("application", 0, reliability, 1, 3)}, "null");
  }

  fs::path dir_;
};

TEST_F(StudyCollectTest, OneRowPerRunAndStatisticsPerPoint) {
  absl::StatusOr<StudyResults> results = CollectStudy(dir_.string());
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(results->Counted(), 4);
  const std::string study = StudyCsv(*results);
  std::vector<std::string> rows = absl::StrSplit(study, '\n', absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_THAT(rows[0],
              HasSubstr("run,point,replication,network.loss,x,seed,status,digest,messages,"));
  EXPECT_THAT(rows[1], HasSubstr("p1-r1,p1,1,0,\"a,b\",1,ok,dp1-r1,1,1,"));
  EXPECT_THAT(rows[3], HasSubstr("p1-r3,p1,3,0,\"a,b\",3,expectation_failed,dp1-r3,1,0.9,"));
  EXPECT_THAT(rows[5], HasSubstr("p2-r2,p2,2,0.1,\"a,b\",2,incomplete,,,,"));
  EXPECT_THAT(rows[6], HasSubstr("p2-r3,p2,3,0.1,\"a,b\",3,missing,,,,"));

  const FigureStats& p1 = results->points[0][FigureColumn("reliability_min")];
  EXPECT_EQ(p1.n, 3);
  EXPECT_DOUBLE_EQ(*p1.mean, 0.9);
  EXPECT_NEAR(*p1.sd, 0.1, 1e-12);
  EXPECT_NEAR(*p1.ci95, 4.303 * 0.1 / std::sqrt(3.0), 1e-9);
  const FigureStats& p2 = results->points[1][FigureColumn("reliability_min")];
  EXPECT_EQ(p2.n, 1);
  EXPECT_FALSE(p2.sd.has_value());

  std::vector<std::string> points = absl::StrSplit(PointsCsv(*results), '\n', absl::SkipEmpty());
  ASSERT_EQ(points.size(), 3u);
  EXPECT_THAT(points[0], HasSubstr("point,network.loss,x,runs,messages_n,messages_mean,"
                                   "messages_sd,messages_ci95,messages_min,messages_max,"
                                   "reliability_min_n,reliability_min_mean"));
  EXPECT_THAT(points[1], HasSubstr("p1,0,\"a,b\",3,3,1,0,0,1,1,3,0.9,"));
  EXPECT_THAT(points[2], HasSubstr("p2,0.1,\"a,b\",1,1,1,,,1,1,1,0.5,,,0.5,0.5,"));
}

TEST_F(StudyCollectTest, ARunFolderOfAnotherSeedIsNotCounted) {
  WriteRun("p2-r2", 99, true, 0, 0.5);
  absl::StatusOr<StudyResults> results = CollectStudy(dir_.string());
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(results->runs[4].status, "bad_output");
}

TEST_F(StudyCollectTest, AFolderWithoutStudyJsonIsRefused) {
  EXPECT_EQ(CollectStudy((dir_ / "runs").string()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CsvTest, NumbersAreShortestAndMissingOnesEmpty) {
  EXPECT_EQ(CsvNumber(0.1), "0.1");
  EXPECT_EQ(CsvNumber(std::nullopt), "");
  EXPECT_EQ(CsvNumber(1.0 / 3), "0.3333333333333333");
}

}  // namespace
}  // namespace plumsim
