// plumsim validate end to end on a real cluster's recording (testdata/,
// made by a live run on Partisan v5.0.3): the comparison, its outputs and
// the output folder rules, and what it refuses before anything is written.
// The live run itself is tests/validate_cli_test.sh's (with a Partisan build).
#include "sim/validate/validate.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kScenario[] = "sim/validate/testdata/four_nodes.toml";
constexpr char kRecording[] = "sim/validate/testdata/four_nodes";

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    out_ = fs::path(std::getenv("TEST_TMPDIR")) / name;
    fs::remove_all(out_);
    absl::StatusOr<Scenario> s = LoadScenario(kScenario);
    ASSERT_TRUE(s.ok()) << s.status();
    scenario_ = *s;
    options_.recorded_dir = kRecording;
    options_.out_dir = (out_ / "v").string();
    options_.seeds = 3;
  }
  fs::path out_;
  Scenario scenario_;
  ValidateOptions options_;
};

TEST_F(ValidateTest, ARecordingIsComparedWithTheSimulationOverSeeds) {
  absl::StatusOr<ValidateResult> r = RunValidation(scenario_, options_);
  ASSERT_TRUE(r.ok()) << r.status();
  const fs::path v = out_ / "v";
  for (const char* f : {"manifest.json", "scenario.toml", "sim_scenario.toml", "validate.csv",
                        "validate.html", "real/run.meta", "real/n0.events", "real/plan.config"}) {
    EXPECT_TRUE(fs::exists(v / f)) << f;
  }
  // Every message figure of both handlers, each judged.
  std::vector<std::string> names;
  for (const ComparedFigure& f : r->figures) {
    names.push_back(f.name);
    ASSERT_EQ(f.real.size(), 1u);
    ASSERT_EQ(f.sim.size(), 3u);
    EXPECT_THAT(f.verdict, ::testing::AnyOf("match", "outside", "n/a", "info")) << f.name;
  }
  for (const char* name :
       {"heartbeat.reliability_mean", "heartbeat.rmr_mean", "heartbeat.ldh_max",
        "heartbeat.latency_p90_ms", "heartbeat.tree_stable_share",
        "heartbeat.eager_changes_per_message_late", "application.reliability_min",
        "closes.peer_closed", "timer.lazy_period_ms", "timer.heartbeat_period_ms"}) {
    EXPECT_THAT(names, ::testing::Contains(name));
  }
  // The real cluster delivered every message while n3 was up, and its
  // crash closed its peers' connections.
  auto real = [&](const std::string& name) {
    for (const ComparedFigure& f : r->figures) {
      if (f.name == name) return f.real[0];
    }
    return std::optional<double>();
  };
  EXPECT_EQ(real("heartbeat.reliability_min"), 1.0);
  EXPECT_EQ(real("application.reliability_min"), 1.0);
  EXPECT_GE(real("closes.peer_closed").value_or(0), 3.0);
  EXPECT_NEAR(real("timer.heartbeat_period_ms").value_or(0), 5001, 1.5);
  // The simulation ran on the real one-hop latencies.
  EXPECT_GT(r->one_hop_samples, 20);
  EXPECT_THAT(Read(v / "sim_scenario.toml"), HasSubstr("kind = 'empirical'"));
  const std::string csv = Read(v / "validate.csv");
  EXPECT_TRUE(absl::StartsWith(csv, "figure,real_min,real_max,sim_min,sim_mean,sim_max,"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(r->figures.size() + 1));
  EXPECT_THAT(Read(v / "validate.html"), HasSubstr("<svg"));
  EXPECT_THAT(Read(v / "manifest.json"), HasSubstr("\"validate_of\""));
  EXPECT_EQ(r->outside, CountOutside(r->figures));
}

TEST_F(ValidateTest, TheSameRecordingGivesByteIdenticalOutputs) {
  ASSERT_TRUE(RunValidation(scenario_, options_).ok());
  const std::string csv = Read(out_ / "v" / "validate.csv");
  const std::string html = Read(out_ / "v" / "validate.html");
  // A second time: refused without --overwrite, the same with it.
  absl::StatusOr<ValidateResult> again = RunValidation(scenario_, options_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kInvalidArgument);
  options_.overwrite = true;
  ASSERT_TRUE(RunValidation(scenario_, options_).ok());
  EXPECT_EQ(Read(out_ / "v" / "validate.csv"), csv);
  EXPECT_EQ(Read(out_ / "v" / "validate.html"), html);
}

TEST_F(ValidateTest, ARecordingOfAnotherScenarioIsRefused) {
  scenario_.duration = SimDuration::Seconds(41);  // the recorded run ran 40 s
  absl::StatusOr<ValidateResult> r = RunValidation(scenario_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("was recorded for another scenario, seed"));
  EXPECT_FALSE(fs::exists(out_ / "v"));
}

TEST_F(ValidateTest, WhatARealRunCannotApplyIsRefusedBeforeAnythingIsWritten) {
  absl::StatusOr<Scenario> s = LoadScenario("sim/validate/testdata/partition.toml");
  ASSERT_TRUE(s.ok());
  absl::StatusOr<ValidateResult> r = RunValidation(*s, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("sim/validate/testdata/partition.toml:14:1:"));
  EXPECT_THAT(r.status().message(), HasSubstr("partition: a real cluster run applies"));
  EXPECT_FALSE(fs::exists(out_ / "v"));
}

TEST_F(ValidateTest, APartisanFolderWithoutABuildSaysWhatIsMissing) {
  EXPECT_THAT(
      std::string(PartisanCodePaths((out_ / "nowhere").string(), nullptr).status().message()),
      HasSubstr("no such folder"));
  fs::create_directories(out_ / "empty");
  absl::StatusOr<std::vector<std::string>> paths =
      PartisanCodePaths((out_ / "empty").string(), nullptr);
  ASSERT_FALSE(paths.ok());
  EXPECT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(paths.status().message(), HasSubstr("_build/default/lib/partisan/ebin/partisan.app"));
  EXPECT_THAT(paths.status().message(), HasSubstr("no rebar.config"));
  // A compiled layout is found without building anything.
  const fs::path lib = out_ / "built" / "_build" / "default" / "lib";
  for (const char* app : {"partisan", "types", "uuid"}) fs::create_directories(lib / app / "ebin");
  std::ofstream(lib / "partisan" / "ebin" / "partisan.app") << "{application, partisan, []}.";
  paths = PartisanCodePaths((out_ / "built").string(), nullptr);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(paths->size(), 3u);
  EXPECT_TRUE(absl::EndsWith(paths->front(), "lib/partisan/ebin"));
}

}  // namespace
}  // namespace plumsim
