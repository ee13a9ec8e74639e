#include "sim/run/runner.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/output/manifest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Scenario Small() {
  absl::StatusOr<Scenario> s = ParseScenario(R"(
name = "small"
duration = "60s"
[nodes]
count = 4
)",
                                             "small.toml");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

fs::path Tmp(const std::string& name) { return fs::path(std::getenv("TEST_TMPDIR")) / name; }

TEST(RunnerTest, WritesManifestScenarioAndTraceAtomically) {
  RunOptions options;
  options.out_dir = Tmp("full").string();
  options.write_trace = true;
  absl::StatusOr<RunResult> r = RunScenario(Small(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->complete);
  const std::string manifest = ReadAll(Tmp("full") / "manifest.json");
  EXPECT_THAT(manifest, HasSubstr("\"complete\": true"));
  EXPECT_THAT(manifest, HasSubstr("\"digest\": \"" + r->digest_hex + "\""));
  EXPECT_THAT(manifest, HasSubstr(absl::StrCat("\"plumsim_version\": \"", kPlumsimVersion, "\"")));
  EXPECT_TRUE(fs::exists(Tmp("full") / "trace.jsonl"));
  // The recorded run reads back and has the same scenario.
  absl::StatusOr<RecordedRun> recorded = ReadRecordedRun(Tmp("full").string());
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->digest_hex, r->digest_hex);
  EXPECT_EQ(recorded->scenario.ToToml(), Small().ToToml());
  for (const auto& entry : fs::directory_iterator(Tmp(""))) {
    EXPECT_EQ(entry.path().string().find(".plumsim-"), std::string::npos) << entry.path();
  }
}

// What Ctrl-C does: the signal handler calls RequestStop; the run ends at an
// event boundary and keeps what was complete, marked in the manifest.
// Without --out every root is analysed for the summary and the
// expectations, but only its figures are kept: the verdicts must be the
// ones a run that writes everything reaches (here a failing trees_spanning
// names the edge and node counts of the roots that fail).
TEST(RunnerTest, SummaryWithoutOutputMatchesTheWrittenRun) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(
name = "mesh"
duration = "9s"
[nodes]
count = 6
[[expect]]
metric = "trees_spanning"
)",
                                             "mesh.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  RunOptions quiet;
  absl::StatusOr<RunResult> a = RunScenario(*s, quiet);
  RunOptions writing;
  writing.out_dir = Tmp("mesh").string();
  absl::StatusOr<RunResult> b = RunScenario(*s, writing);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->summary, b->summary);
  EXPECT_EQ(a->expectations_failed, 1);  // before the first heartbeats: every eager set is the mesh
  EXPECT_THAT(a->summary, HasSubstr("(15 edges for 6 live nodes, 0 unreached)"));
  EXPECT_TRUE(fs::exists(Tmp("mesh") / "trees"));
}

TEST(RunnerTest, StoppedRunKeepsWhatWasCompleteAndSaysSo) {
  RunOptions options;
  options.out_dir = Tmp("stopped").string();
  options.write_trace = true;
  EventLoop* running = nullptr;
  options.on_start = [&](EventLoop* sim) { running = sim; };
  options.on_progress = [&](const EventLoop& sim, SimTime) {
    if (sim.now() >= SimTime::Zero() + SimDuration::Seconds(25)) running->RequestStop();
  };
  absl::StatusOr<RunResult> r = RunScenario(Small(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->complete);
  EXPECT_LT(r->reached, SimTime::Zero() + SimDuration::Seconds(60));
  const std::string manifest = ReadAll(Tmp("stopped") / "manifest.json");
  EXPECT_THAT(manifest, HasSubstr("\"complete\": false"));
  EXPECT_GT(fs::file_size(Tmp("stopped") / "trace.jsonl"), 0u);
  absl::StatusOr<RecordedRun> recorded = ReadRecordedRun(Tmp("stopped").string());
  ASSERT_TRUE(recorded.ok());
  EXPECT_FALSE(recorded->complete);
}

TEST(RunnerTest, ReplayReadsAnyJsonFormattingAndRefusesOtherFormats) {
  RunOptions options;
  options.out_dir = Tmp("recorded").string();
  absl::StatusOr<RunResult> r = RunScenario(Small(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  const fs::path manifest = Tmp("recorded") / "manifest.json";
  // The same manifest on one line, keys in another order.
  std::ofstream(manifest) << "{\"digest\":\"" << r->digest_hex
                          << "\",\"complete\":true,\"plumsim_version\":\"" << kPlumsimVersion
                          << "\",\"format\":" << kManifestFormat << "}";
  absl::StatusOr<RecordedRun> recorded = ReadRecordedRun(Tmp("recorded").string());
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->digest_hex, r->digest_hex);
  // A manifest of plumsim 0.1.0 (no format field).
  std::ofstream(manifest) << "{\"plumsim_version\": \"0.1.0\", \"digest\": \"00\", "
                             "\"complete\": true}";
  recorded = ReadRecordedRun(Tmp("recorded").string());
  ASSERT_FALSE(recorded.ok());
  EXPECT_THAT(std::string(recorded.status().message()),
              HasSubstr("written by plumsim 0.1.0 in manifest format 1"));
  std::ofstream(manifest) << "not json";
  EXPECT_THAT(std::string(ReadRecordedRun(Tmp("recorded").string()).status().message()),
              HasSubstr("not a JSON object"));
}

TEST(RunnerTest, ReproduceCommandQuotesWhatTheShellWouldSplit) {
  Scenario s = Small();
  s.source_path = "my scenarios/a.toml";
  EXPECT_EQ(ReproduceCommand(s, {"network.latency={kind=\"exponential\", mean=\"3ms\"}"}),
            "plumsim run 'my scenarios/a.toml' --seed 1 --duration 1m --set "
            "'network.latency={kind=\"exponential\", mean=\"3ms\"}'");
}

TEST(RunnerTest, RefusesANonEmptyFolderWithoutOverwrite) {
  fs::create_directories(Tmp("busy"));
  std::ofstream(Tmp("busy") / "keep") << "x";
  RunOptions options;
  options.out_dir = Tmp("busy").string();
  absl::StatusOr<RunResult> r = RunScenario(Small(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("not empty"));
  EXPECT_TRUE(fs::exists(Tmp("busy") / "keep"));
}

}  // namespace
}  // namespace plumsim
