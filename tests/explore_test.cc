// The explorer against Partisan's protocol, across packages: on the
// schedules that find the planted bug of sim/explore/explore_test.cc
// (sim/explore/forgetful_store.h), Partisan's own store handler breaks no
// safety invariant, and every explored run is reproducible from its index.
// Each unit of the explorer has its tests beside it (sim/explore/*_test.cc);
// the command's are tests/explore_cli_test.sh.
#include "sim/explore/explore.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

constexpr char kBase[] = R"(
name = "planted"
seed = 3
duration = "100s"
[nodes]
count = 12
[heartbeat]
broadcast = false
[network]
latency = { kind = "uniform", min = "2ms", max = "8ms" }
[[events]]
at = "5s"
kind = "broadcast"
from = "n0"
count = 95
interval = "1s"
[explore]
faults = ["crash_restart", "partition", "link_down", "loss_spike", "latency_spike"]
faults_per_run = { min = 2, max = 6 }
start = "10s"
quiet = "30s"
max_fault_duration = "20s"
)";

TEST(ExploreTest, PartisansHandlerBreaksNoSafetyInvariantOnTheSameSchedules) {
  absl::StatusOr<Scenario> base = ParseScenario(kBase, "planted.toml", std::vector<std::string>{});
  ASSERT_TRUE(base.ok()) << base.status();
  absl::StatusOr<NemesisConfig> nemesis = ReadNemesisConfig(kBase, "planted.toml");
  ASSERT_TRUE(nemesis.ok()) << nemesis.status();
  ExploreSettings settings;
  settings.nemesis = *nemesis;
  settings.seed = 11;
  for (int64_t i = 0; i < 15; ++i) {
    absl::StatusOr<ExploreRun> run = ExploreOne(*base, settings, i);
    ASSERT_TRUE(run.ok()) << run.status();
    for (const Violation& v : run->report.violations) {
      EXPECT_NE(v.klass, "safety") << "run " << i << ": " << v.invariant << ": " << v.detail;
    }
    // Same index, same run.
    absl::StatusOr<ExploreRun> again = ExploreOne(*base, settings, i);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->report.digest, run->report.digest);
  }
}

}  // namespace
}  // namespace plumsim
