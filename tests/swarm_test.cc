// Swarm test: random valid scenarios (tests/swarm_scenario.h), each run
// twice with the same seed (byte-identical outputs) and checked against
// invariants that Partisan's logic really guarantees:
//   - no handler delivers a message twice in one incarnation of a node
//     (merge/2 returns true once: the store and heartbeat handlers' is_stale);
//   - reliability of every message is within [0, 1];
//   - with full membership, no loss and every fault healed, later heartbeats
//     reach every live node (eager push plus lazy i_have/graft repair).
// A few dozen scenarios in the suite; thousands on demand:
//   bazel test //tests:swarm_test --test_env=SWARM_SCENARIOS=5000
//     --test_env=SWARM_FIRST=1000 --test_timeout=7200   (one command line)
// A failing scenario is printed (and written to the test's undeclared
// outputs) so that `plumsim run` reproduces it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/explore/invariants.h"
#include "sim/metrics/metrics.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/world/simulation.h"
#include "tests/swarm_scenario.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

int64_t EnvInt(const char* name, int64_t fallback) {
  int64_t v;
  const char* text = std::getenv(name);
  return text != nullptr && absl::SimpleAtoi(text, &v) ? v : fallback;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every file of two run folders, byte for byte.
void ExpectSameFolders(const fs::path& a, const fs::path& b, const std::string& context) {
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(a)) {
    if (!entry.is_regular_file()) continue;
    const fs::path rel = fs::relative(entry.path(), a);
    if (rel == "manifest.json") continue;  // holds nothing run-dependent but is compared below
    ++files;
    EXPECT_EQ(ReadAll(entry.path()), ReadAll(b / rel)) << rel << " differs\n" << context;
  }
  EXPECT_GT(files, 3) << context;
}

void Keep(const std::string& name, const std::string& toml) {
  if (const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    std::ofstream(fs::path(dir) / name) << toml;
  }
}

void CheckOne(uint64_t seed) {
  const SwarmScenario swarm = MakeSwarmScenario(seed);
  const std::string context = absl::StrCat("swarm scenario ", seed, ":\n", swarm.toml);
  absl::StatusOr<Scenario> scenario =
      ParseScenario(swarm.toml, absl::StrCat("swarm-", seed, ".toml"));
  ASSERT_TRUE(scenario.ok()) << scenario.status() << "\n" << context;

  // Invariants, observed in one run.
  ObserverList observers;
  Simulation simulation(*scenario, &observers);
  DeliveredOnce once;
  MetricsCollector metrics(&simulation, scenario->metrics_window);
  metrics.TrackDeliveryTrees(PeerSet{});
  observers.Add(&once);
  observers.Add(&metrics);
  ASSERT_TRUE(simulation.Run());
  metrics.Finish(simulation.now(), scenario->settle);
  EXPECT_EQ(once.duplicates, 0) << "a handler delivered twice in one incarnation\n" << context;
  int64_t checked = 0;
  for (const MessageMetrics& m : metrics.messages()) {
    EXPECT_GE(m.reliability(), 0.0) << context;
    EXPECT_LE(m.reliability(), 1.0) << NodeName(m.root) << " seq " << m.id.sequence << "\n"
                                    << context;
    if (swarm.deliver_all_after && m.settled && m.handler == kHeartbeatHandler &&
        m.sent_at >= *swarm.deliver_all_after) {
      ++checked;
      EXPECT_EQ(m.reliability(), 1.0)
          << NodeName(m.root) << "'s heartbeat sent at " << FormatSimTime(m.sent_at) << " reached "
          << m.delivered << " of " << m.live << " live nodes\n"
          << context;
    }
  }
  if (swarm.deliver_all_after) {
    EXPECT_GT(checked, 0) << context;
  }

  // Determinism: two runs, byte-identical outputs.
  const fs::path base = fs::path(std::getenv("TEST_TMPDIR")) / absl::StrCat("swarm-", seed);
  RunOptions options;
  options.write_trace = true;
  options.overwrite = true;
  options.out_dir = (base / "a").string();
  absl::StatusOr<RunResult> a = RunScenario(*scenario, options);
  options.out_dir = (base / "b").string();
  absl::StatusOr<RunResult> b = RunScenario(*scenario, options);
  ASSERT_TRUE(a.ok() && b.ok()) << context;
  EXPECT_EQ(a->digest_hex, b->digest_hex) << context;
  ExpectSameFolders(base / "a", base / "b", context);
  fs::remove_all(base);
  if (::testing::Test::HasFailure()) Keep(absl::StrCat("swarm-", seed, ".toml"), swarm.toml);
}

TEST(SwarmTest, RandomScenariosKeepTheInvariantsAndReplayExactly) {
  const int64_t count = EnvInt("SWARM_SCENARIOS", 40);
  const int64_t first = EnvInt("SWARM_FIRST", 1);
  int64_t with_liveness = 0;
  for (int64_t seed = first; seed < first + count; ++seed) {
    CheckOne(static_cast<uint64_t>(seed));
    with_liveness += MakeSwarmScenario(static_cast<uint64_t>(seed)).deliver_all_after.has_value();
    if (::testing::Test::HasFailure()) break;  // one scenario's report at a time
  }
  std::printf("swarm: %lld scenarios from seed %lld, %lld with the delivery check\n",
              static_cast<long long>(count), static_cast<long long>(first),
              static_cast<long long>(with_liveness));
  EXPECT_GT(with_liveness, 0);
}

// The 40 scenarios the suite runs include each gray failure.
TEST(SwarmTest, TheSuitesScenariosIncludeTheGrayFailures) {
  int listener = 0, slow = 0, bootstrap = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const std::string toml = MakeSwarmScenario(seed).toml;
    listener += absl::StrContains(toml, "kind = \"listener_down\"");
    slow += absl::StrContains(toml, "kind = \"slow\"");
    bootstrap += absl::StrContains(toml, "bootstrap = ");
  }
  EXPECT_GT(listener, 0);
  EXPECT_GT(slow, 0);
  EXPECT_GT(bootstrap, 0);
}

// The generator itself is deterministic and valid.
TEST(SwarmTest, GeneratorIsDeterministic) {
  EXPECT_EQ(MakeSwarmScenario(17).toml, MakeSwarmScenario(17).toml);
  EXPECT_NE(MakeSwarmScenario(17).toml, MakeSwarmScenario(18).toml);
}

}  // namespace
}  // namespace plumsim
