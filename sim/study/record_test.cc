#include "sim/study/record.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

StudyRecord Sample() {
  StudyRecord r;
  r.name = "loss";
  r.study_path = "/s/study.toml";
  r.scenario_path = "/s/base.toml";
  r.seed = 9;
  r.replications = 2;
  r.parameters = {{"network.loss", true, {"0", "0.1"}}};
  r.plot = {"rmr_mean"};
  r.selection.handler = "application";
  r.selection.measure_after = SimDuration::Seconds(20);
  r.points = {{"p1", {0}}, {"p2", {1}}};
  r.runs = {{"p1-r1", 0, 1, 11, {"network.loss=0"}},
            {"p1-r2", 0, 2, 12, {"network.loss=0"}},
            {"p2-r1", 1, 1, 11, {"network.loss=0.1"}},
            {"p2-r2", 1, 2, 12, {"network.loss=0.1"}}};
  return r;
}

class StudyRecordTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / "study_record_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  fs::path dir_;
};

TEST_F(StudyRecordTest, StudyJsonReadsBackAsTheSamePlan) {
  const StudyRecord r = Sample();
  std::ofstream(dir_ / "study.json") << r.ToJson();
  absl::StatusOr<StudyRecord> back = ReadStudyRecord(dir_.string());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->SamePlan(r));
  EXPECT_EQ(back->name, "loss");
  EXPECT_EQ(back->seed, 9u);
  EXPECT_EQ(back->parameters[0].labels, (std::vector<std::string>{"0", "0.1"}));
  EXPECT_EQ(back->selection.measure_after, SimDuration::Seconds(20));
  EXPECT_EQ(back->runs[3].sets, (std::vector<std::string>{"network.loss=0.1"}));
  EXPECT_EQ(back->ToJson(), r.ToJson());
}

TEST_F(StudyRecordTest, ThePlanIsTheRunsNotTheNameOrPaths) {
  StudyRecord a = Sample(), b = Sample();
  b.name = "another name";
  b.study_path = "/elsewhere/study.toml";
  EXPECT_TRUE(a.SamePlan(b));
  b.runs[2].seed = 99;
  EXPECT_FALSE(a.SamePlan(b));
  b = Sample();
  b.selection.handler = "heartbeat";
  EXPECT_FALSE(a.SamePlan(b));
  b = Sample();
  b.runs.pop_back();
  EXPECT_FALSE(a.SamePlan(b));
}

TEST_F(StudyRecordTest, AFolderWithoutARecordOrWithABrokenOneIsRefused) {
  absl::Status none = ReadStudyRecord(dir_.string()).status();
  EXPECT_EQ(none.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(none.message()), HasSubstr("not a study folder"));
  std::ofstream(dir_ / "study.json") << "{\"format\": 99}";
  EXPECT_THAT(std::string(ReadStudyRecord(dir_.string()).status().message()),
              HasSubstr("not a plumsim study record (format)"));
  StudyRecord r = Sample();
  r.runs[0].point = 7;  // no such point
  std::ofstream(dir_ / "study.json") << r.ToJson();
  EXPECT_THAT(std::string(ReadStudyRecord(dir_.string()).status().message()),
              HasSubstr("run's point"));
}

}  // namespace
}  // namespace plumsim
