// Determinism is a feature under test (docs/architecture.md, "Determinism rules"): the same
// scenario and seed give byte-identical traces and the same digest; another seed changes them. Runs
// the shipped scenarios that exercise every random stream (latency, loss, start jitter, churn,
// protocol draws).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Traced {
  std::string digest;
  std::string trace;
};

Traced RunTraced(const Scenario& scenario, const std::string& name) {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  RunOptions options;
  options.out_dir = dir.string();
  options.write_trace = true;
  options.overwrite = true;
  absl::StatusOr<RunResult> result = RunScenario(scenario, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return {result->digest_hex, ReadAll(dir / "trace.jsonl")};
}

struct Case {
  std::string file;
  std::vector<std::string> overrides;  // keep the fastbuild test quick
};

class DeterminismTest : public ::testing::TestWithParam<Case> {};

TEST_P(DeterminismTest, SameSeedSameTraceOtherSeedOtherTrace) {
  absl::StatusOr<Scenario> scenario =
      LoadScenario("scenarios/" + GetParam().file, GetParam().overrides);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  const Traced a = RunTraced(*scenario, "a");
  const Traced b = RunTraced(*scenario, "b");
  EXPECT_GT(a.trace.size(), 1000u);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_TRUE(a.trace == b.trace) << "traces differ for the same seed";

  Scenario other = *scenario;
  other.seed = scenario->seed + 1;
  const Traced c = RunTraced(other, "c");
  EXPECT_NE(a.digest, c.digest);
  EXPECT_NE(a.trace, c.trace);
}

// The digest does not depend on whether the trace is written.
TEST_P(DeterminismTest, DigestIsTheSameWithoutTheTraceFile) {
  absl::StatusOr<Scenario> scenario =
      LoadScenario("scenarios/" + GetParam().file, GetParam().overrides);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  absl::StatusOr<RunResult> plain = RunScenario(*scenario, RunOptions{});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->digest_hex, RunTraced(*scenario, "traced").digest);
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, DeterminismTest,
    ::testing::Values(Case{"quickstart.toml", {}},
                      Case{"lossy.toml", {"duration=\"40s\"", "nodes.count=10"}},
                      Case{"hyparview_1000.toml",
                           {"nodes.count=60", "duration=\"30s\"", "snapshots.roots=\"n0\""}},
                      Case{"churn.toml",
                           {"duration=\"60s\"", "nodes.count=10", "churn.0.start=\"15s\"",
                            "churn.0.end=\"45s\"", "churn.0.mean_time_between_crashes=\"3s\"",
                            "churn.0.downtime=\"5s\""}}),
    [](const auto& info) { return info.param.file.substr(0, info.param.file.find('.')); });

}  // namespace
}  // namespace plumsim
