#include "sim/explore/explore.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/explore/forgetful_store.h"
#include "sim/run/runner.h"

namespace plumsim {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

struct Loaded {
  Scenario scenario;
  ExploreSettings settings;
};

Loaded Load(const std::string& text, uint64_t seed = 11) {
  absl::StatusOr<Scenario> s = ParseScenario(text, "x.toml", std::vector<std::string>{});
  EXPECT_TRUE(s.ok()) << s.status();
  absl::StatusOr<NemesisConfig> n = ReadNemesisConfig(text, "x.toml");
  EXPECT_TRUE(n.ok()) << n.status();
  Loaded l{*s, {}};
  l.settings.nemesis = *n;
  l.settings.seed = seed;
  return l;
}

// What `plumsim run` of run i's faulted scenario prints as its digest.
std::string PlainDigest(const Loaded& l, const ExploreRun& run) {
  const Scenario faulted =
      WithFaults(ExploreBase(l.scenario, l.settings, run.index), run.schedule.faults);
  absl::StatusOr<Scenario> again =
      ParseScenario(faulted.ToToml(), "f.toml", std::vector<std::string>{});
  EXPECT_TRUE(again.ok()) << again.status();
  absl::StatusOr<RunResult> r = RunScenario(*again, RunOptions{});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->digest_hex : "";
}

// 10 nodes, full membership over TCP, heartbeats; faults in [10 s, 40 s].
constexpr char kTen[] = R"(
name = "ten"
seed = 1
duration = "70s"
[nodes]
count = 10
[heartbeat]
broadcast_heartbeat_interval = "1s"
[explore]
faults_per_run = { min = 1, max = 4 }
quiet = "30s"
max_fault_duration = "10s"
)";

TEST(ExploreTest, RunIIsTheBaseWithItsSeedAndItsSchedule) {
  const Loaded l = Load(kTen);
  for (int64_t i = 0; i < 3; ++i) {
    absl::StatusOr<ExploreRun> run = ExploreOne(l.scenario, l.settings, i);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->index, i);
    EXPECT_EQ(run->seed, ExploreRunSeed(11, i));
    EXPECT_EQ(ExploreBase(l.scenario, l.settings, i).seed, run->seed);
    EXPECT_LE(run->seed, static_cast<uint64_t>(INT64_MAX)) << "a seed scenario files can hold";
    const FaultSchedule schedule =
        MakeFaultSchedule(l.settings.nemesis, ExploreBase(l.scenario, l.settings, i), run->seed);
    ASSERT_EQ(run->schedule.faults.size(), schedule.faults.size());
    for (size_t k = 0; k < schedule.faults.size(); ++k) {
      EXPECT_EQ(run->schedule.faults[k].Describe(), schedule.faults[k].Describe());
    }
    // Exactly the run `plumsim run` makes of the faulted scenario.
    EXPECT_EQ(run->report.digest, PlainDigest(l, *run)) << "run " << i;
  }
  EXPECT_NE(ExploreRunSeed(11, 0), ExploreRunSeed(11, 1));
  EXPECT_NE(ExploreRunSeed(11, 0), ExploreRunSeed(12, 0));
}

TEST(ExploreTest, LivenessIsJudgedOnTheSecondHalfOfTheQuietPeriod) {
  const Loaded l = Load(kTen);
  EXPECT_EQ(LivenessFrom(l.scenario, l.settings.nemesis),
            SimTime::Zero() + SimDuration::Seconds(55));
}

// The outcome: "ok", "finding" (a violation not known), or "known".
TEST(ExploreTest, TheOutcomeSaysWhetherTheRunFoundSomething) {
  // No window for faults (quiet from 40 s, start at 40 s): the base alone.
  const std::string no_faults = "start = \"40s\"\n";
  absl::StatusOr<ExploreRun> ok =
      ExploreOne(Load(kTen + no_faults).scenario, Load(kTen + no_faults).settings, 0);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->schedule.faults.empty());
  EXPECT_EQ(ok->outcome, "ok");
  EXPECT_EQ(ok->finding(), nullptr);

  // An [[expect]] entry no run meets: every peer starts eager, so the first
  // heartbeats flood (RMR 8 among 10 nodes) before prunes make a tree.
  const Loaded expect = Load(absl::StrCat(kTen, no_faults, R"(
[[expect]]
metric = "rmr_max"
at_most = 0
)"));
  absl::StatusOr<ExploreRun> finding = ExploreOne(expect.scenario, expect.settings, 0);
  ASSERT_TRUE(finding.ok()) << finding.status();
  EXPECT_EQ(finding->outcome, "finding");
  ASSERT_NE(finding->finding(), nullptr);
  EXPECT_EQ(finding->finding()->invariant, "expect");
}

// A planted bug, a store handler that forgets a message 2 s after
// delivering it, is found by some run within 40 (a copy held by a TCP
// connection across a partition arrives late) and shrunk to a few faults,
// deterministically; the finding file is an ordinary scenario.
constexpr char kPlanted[] = R"(
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

// Partisan's own store handler, on the schedules that find the planted bug,
// breaks no safety invariant, and every explored run is reproducible from
// its index.
TEST(ExploreTest, PartisansHandlerBreaksNoSafetyInvariantOnTheSameSchedules) {
  const Loaded base = Load(kPlanted);
  for (int64_t i = 0; i < 15; ++i) {
    absl::StatusOr<ExploreRun> run = ExploreOne(base.scenario, base.settings, i);
    ASSERT_TRUE(run.ok()) << run.status();
    for (const Violation& v : run->report.violations) {
      EXPECT_NE(v.klass, "safety") << "run " << i << ": " << v.invariant << ": " << v.detail;
    }
    absl::StatusOr<ExploreRun> again = ExploreOne(base.scenario, base.settings, i);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->report.digest, run->report.digest);  // same index, same run
  }
}

TEST(ExploreTest, ThePlantedDoubleDeliveryIsFoundAndShrunk) {
  Loaded planted = Load(kPlanted);
  planted.settings.customize_nodes = PlantForgetfulStore;
  std::optional<ExploreRun> found;
  for (int64_t i = 0; i < 40 && !found; ++i) {
    absl::StatusOr<ExploreRun> run = ExploreOne(planted.scenario, planted.settings, i);
    ASSERT_TRUE(run.ok()) << run.status();
    if (run->finding() != nullptr && run->finding()->invariant == "duplicate_delivery") {
      found = *run;
    }
  }
  ASSERT_TRUE(found.has_value()) << "40 runs did not find the planted bug";
  EXPECT_EQ(found->outcome, "finding");
  EXPECT_EQ(found->finding()->klass, "safety");

  absl::StatusOr<ShrunkFinding> shrunk = ShrinkFinding(planted.scenario, planted.settings, *found,
                                                       "findings/duplicate_delivery-1.toml");
  ASSERT_TRUE(shrunk.ok()) << shrunk.status();
  EXPECT_LE(shrunk->faults.size(), 2u) << shrunk->toml;
  EXPECT_LE(shrunk->faults.size(), found->schedule.faults.size());
  EXPECT_EQ(shrunk->violation.invariant, "duplicate_delivery");
  EXPECT_THAT(shrunk->toml, HasSubstr("# plumsim explore finding: duplicate_delivery (safety)"));
  EXPECT_THAT(shrunk->toml, HasSubstr("plumsim run findings/duplicate_delivery-1.toml"));
  EXPECT_THAT(shrunk->toml, HasSubstr("explore FILE --check reports it"));
  EXPECT_THAT(shrunk->toml, EndsWith("\n[explore]\nquiet = \"30s\"\n"));

  // Deterministic: the same finding shrinks to the same file.
  absl::StatusOr<ShrunkFinding> again = ShrinkFinding(planted.scenario, planted.settings, *found,
                                                      "findings/duplicate_delivery-1.toml");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->toml, shrunk->toml);

  // The file is an ordinary scenario: with the bug it breaks the invariant,
  // with Partisan's handler it does not.
  absl::StatusOr<Scenario> file =
      ParseScenario(shrunk->toml, "finding.toml", std::vector<std::string>{});
  ASSERT_TRUE(file.ok()) << file.status() << shrunk->toml;
  InvariantOptions with_bug;
  with_bug.customize_nodes = PlantForgetfulStore;
  absl::StatusOr<InvariantReport> bug = CheckInvariants(*file, with_bug);
  ASSERT_TRUE(bug.ok());
  EXPECT_TRUE(bug->Breaks("duplicate_delivery", "safety"));
  EXPECT_EQ(bug->digest, shrunk->digest);
  absl::StatusOr<InvariantReport> real = CheckInvariants(*file, InvariantOptions{});
  ASSERT_TRUE(real.ok());
  EXPECT_FALSE(real->Breaks("duplicate_delivery", "safety"));
}

// A finding of the base alone (the first heartbeats flood): no fault to
// shrink; the file ends with the [[expect]] entry, which `plumsim run`
// fails.
TEST(ExploreTest, AnExpectFindingShrinksToAFileThatFailsItsExpect) {
  const Loaded l = Load(absl::StrCat(kTen, "start = \"40s\"\n", R"(
[[expect]]
metric = "rmr_max"
at_most = 0
)"));
  absl::StatusOr<ExploreRun> run = ExploreOne(l.scenario, l.settings, 2);
  ASSERT_TRUE(run.ok()) << run.status();
  absl::StatusOr<ShrunkFinding> shrunk = ShrinkFinding(l.scenario, l.settings, *run, "e.toml");
  ASSERT_TRUE(shrunk.ok()) << shrunk.status();
  EXPECT_TRUE(shrunk->faults.empty());
  EXPECT_THAT(shrunk->violation.detail, HasSubstr("rmr_max <= 0"));
  EXPECT_EQ(shrunk->violation.invariant, "expect");
  EXPECT_THAT(shrunk->toml, HasSubstr("none: the base scenario alone breaks it"));
  EXPECT_THAT(shrunk->toml, HasSubstr("Found by run 2 of plumsim explore x.toml --seed 11"));
  EXPECT_THAT(shrunk->toml, HasSubstr("The [[expect]] entry at the end fails with it (exit 1)."));
  absl::StatusOr<Scenario> file = ParseScenario(shrunk->toml, "e.toml", std::vector<std::string>{});
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->expectations.size(), 1u);
  absl::StatusOr<RunResult> plain = RunScenario(*file, RunOptions{});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->expectations_failed, 1);
  EXPECT_EQ(plain->digest_hex, shrunk->digest);
}

}  // namespace
}  // namespace plumsim
