// The explorer end to end in the library: fault schedules are deterministic
// and well formed; a planted bug (a store handler that forgets a message 2 s
// after delivering it, so a copy arriving later -- held by a TCP connection
// across a partition -- is delivered again) is found and shrunk to a few
// faults, deterministically; the real handler breaks nothing on the same
// schedules; ddmin finds the minimal fault set of a synthetic predicate.
#include "sim/explore/explore.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/explore/nemesis.h"
#include "sim/explore/shrink.h"
#include "sim/run/runner.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

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

// The planted bug: delivers a message again when a copy arrives more than
// 2 s after the first (a seen-cache with expiry, a classic mistake).
class ForgetfulStore final : public BroadcastHandler {
 public:
  ForgetfulStore(BroadcastHandler* inner, const Environment* env) : inner_(inner), env_(env) {}
  absl::string_view name() const override { return inner_->name(); }
  absl::StatusOr<BroadcastData> BroadcastDataOf(const std::any& m) override {
    return inner_->BroadcastDataOf(m);
  }
  bool Merge(const BroadcastId& id, const Payload& payload) override {
    const int64_t now = env_->NowNs();
    if (inner_->Merge(id, payload)) {
      first_[id] = now;
      return true;
    }
    auto it = first_.find(id);
    if (it != first_.end() && now - it->second > 2'000'000'000) {
      it->second = now;
      return true;  // forgotten: delivered again
    }
    return false;
  }
  bool IsStale(const BroadcastId& id) override { return inner_->IsStale(id); }
  GraftResult Graft(const BroadcastId& id) override { return inner_->Graft(id); }
  ExchangeResult Exchange(NodeId peer) override { return inner_->Exchange(peer); }

 private:
  BroadcastHandler* inner_;
  const Environment* env_;
  std::map<BroadcastId, int64_t> first_;
};

void Plant(NodeConfig* config) {
  config->wrap_store_handler = [](BroadcastHandler* store, const Environment* env) {
    return std::make_unique<ForgetfulStore>(store, env);
  };
}

struct Fixture {
  Scenario base;
  ExploreSettings settings;
};

Fixture Load(bool planted) {
  absl::StatusOr<Scenario> s = ParseScenario(kBase, "planted.toml", std::vector<std::string>{});
  EXPECT_TRUE(s.ok()) << s.status();
  absl::StatusOr<NemesisConfig> n = ReadNemesisConfig(kBase, "planted.toml");
  EXPECT_TRUE(n.ok()) << n.status();
  Fixture f{*s, {}};
  f.settings.nemesis = *n;
  f.settings.seed = 11;
  if (planted) f.settings.customize_nodes = Plant;
  return f;
}

// Liveness judged on messages sent from `liveness_from_s`; no fault after
// `quiet_from_s`.
InvariantOptions Window(int64_t liveness_from_s, int64_t quiet_from_s) {
  InvariantOptions o;
  o.liveness_from = SimTime::Zero() + SimDuration::Seconds(liveness_from_s);
  o.quiet_from = SimTime::Zero() + SimDuration::Seconds(quiet_from_s);
  return o;
}

TEST(NemesisTest, SchedulesAreDeterministicAndWellFormed) {
  Fixture f = Load(false);
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const FaultSchedule a = MakeFaultSchedule(f.settings.nemesis, f.base, seed);
    const FaultSchedule b = MakeFaultSchedule(f.settings.nemesis, f.base, seed);
    ASSERT_EQ(a.faults.size(), b.faults.size());
    std::vector<std::pair<SimTime, SimTime>> partitions;
    for (size_t i = 0; i < a.faults.size(); ++i) {
      const Fault& x = a.faults[i];
      EXPECT_EQ(x.Describe(), b.faults[i].Describe());
      EXPECT_GE(x.at, SimTime::Zero() + SimDuration::Seconds(10)) << x.Describe();
      EXPECT_LE(x.at + x.length, SimTime::Zero() + SimDuration::Seconds(70)) << x.Describe();
      if (i > 0) {
        EXPECT_LE(a.faults[i - 1].at, x.at);
      }
      if (x.kind == FaultKind::kPartition) partitions.push_back({x.at, x.at + x.length});
      for (NodeId n : x.nodes) EXPECT_LT(n, 12u);
    }
    for (size_t i = 0; i < partitions.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        EXPECT_TRUE(partitions[i].first > partitions[j].second ||
                    partitions[j].first > partitions[i].second)
            << "overlapping partitions, seed " << seed;
      }
    }
    EXPECT_LE(a.faults.size(), 6u);
  }
}

TEST(NemesisTest, BadExploreSectionsAreReportedWithTheirLocation) {
  absl::StatusOr<NemesisConfig> bad =
      ReadNemesisConfig("[explore]\nfaults = [\"crash\", \"meteor\"]\n", "e.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("e.toml:2:20: explore.faults: unknown fault \"meteor\""));
  absl::StatusOr<NemesisConfig> range =
      ReadNemesisConfig("[explore]\nfaults_per_run = { min = 4, max = 2 }\n", "e.toml");
  EXPECT_THAT(std::string(range.status().message()), HasSubstr("expected min <= max"));
  absl::StatusOr<NemesisConfig> key = ReadNemesisConfig("[explore]\nrate = 3\n", "e.toml");
  EXPECT_THAT(std::string(key.status().message()),
              HasSubstr("e.toml:2:8: explore.rate: unknown key"));
}

TEST(ShrinkTest, DdminKeepsExactlyTheFaultsThatMatter) {
  Fixture f = Load(false);
  std::vector<Fault> faults;
  for (int i = 0; i < 9; ++i) {
    Fault x;
    x.kind = FaultKind::kCrash;
    x.at = SimTime::Zero() + SimDuration::Seconds(10 + i);
    x.nodes = {static_cast<NodeId>(i + 1)};
    faults.push_back(x);
  }
  int tests = 0;
  const FindingTest needs_3_and_7 = [&](const Scenario&, const std::vector<Fault>& kept) {
    ++tests;
    bool three = false, seven = false;
    for (const Fault& x : kept) {
      three = three || x.nodes[0] == 3;
      seven = seven || x.nodes[0] == 7;
    }
    return three && seven;
  };
  std::vector<Fault> kept = MinimizeFaults(f.base, faults, needs_3_and_7);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].nodes[0], 3u);
  EXPECT_EQ(kept[1].nodes[0], 7u);
  EXPECT_LT(tests, 40);
}

TEST(ExploreTest, ThePlantedDoubleDeliveryIsFoundAndShrunk) {
  Fixture planted = Load(true);
  std::optional<ExploreRun> found;
  for (int64_t i = 0; i < 40 && !found; ++i) {
    absl::StatusOr<ExploreRun> run = ExploreOne(planted.base, planted.settings, i);
    ASSERT_TRUE(run.ok()) << run.status();
    if (run->finding() != nullptr && run->finding()->invariant == "duplicate_delivery")
      found = *run;
  }
  ASSERT_TRUE(found.has_value()) << "40 runs did not find the planted bug";
  EXPECT_EQ(found->finding()->klass, "safety");

  absl::StatusOr<ShrunkFinding> shrunk =
      ShrinkFinding(planted.base, planted.settings, *found, "findings/duplicate_delivery-1.toml");
  ASSERT_TRUE(shrunk.ok()) << shrunk.status();
  EXPECT_LE(shrunk->faults.size(), 2u) << shrunk->toml;
  EXPECT_LE(shrunk->faults.size(), found->schedule.faults.size());
  EXPECT_EQ(shrunk->violation.invariant, "duplicate_delivery");
  EXPECT_THAT(shrunk->toml, HasSubstr("# plumsim explore finding: duplicate_delivery (safety)"));
  EXPECT_THAT(shrunk->toml, HasSubstr("plumsim run findings/duplicate_delivery-1.toml"));

  // Deterministic: the same finding shrinks to the same file.
  absl::StatusOr<ShrunkFinding> again =
      ShrinkFinding(planted.base, planted.settings, *found, "findings/duplicate_delivery-1.toml");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->toml, shrunk->toml);

  // The file is an ordinary scenario: with the bug it breaks the invariant,
  // with Partisan's handler it does not.
  absl::StatusOr<Scenario> file =
      ParseScenario(shrunk->toml, "finding.toml", std::vector<std::string>{});
  ASSERT_TRUE(file.ok()) << file.status() << shrunk->toml;
  InvariantOptions with_bug;
  with_bug.customize_nodes = Plant;
  absl::StatusOr<InvariantReport> bug = CheckInvariants(*file, with_bug);
  ASSERT_TRUE(bug.ok());
  EXPECT_TRUE(bug->Breaks("duplicate_delivery", "safety"));
  EXPECT_EQ(bug->digest, shrunk->digest);
  absl::StatusOr<InvariantReport> real = CheckInvariants(*file, InvariantOptions{});
  ASSERT_TRUE(real.ok());
  EXPECT_FALSE(real->Breaks("duplicate_delivery", "safety"));
}

TEST(ExploreTest, PartisansHandlerBreaksNoSafetyInvariantOnTheSameSchedules) {
  Fixture f = Load(false);
  for (int64_t i = 0; i < 15; ++i) {
    absl::StatusOr<ExploreRun> run = ExploreOne(f.base, f.settings, i);
    ASSERT_TRUE(run.ok()) << run.status();
    for (const Violation& v : run->report.violations) {
      EXPECT_NE(v.klass, "safety") << "run " << i << ": " << v.invariant << ": " << v.detail;
    }
    // Same index, same run.
    absl::StatusOr<ExploreRun> again = ExploreOne(f.base, f.settings, i);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->report.digest, run->report.digest);
  }
}

// A partition splits HyParView for good over datagrams (the cut kills the
// connections at once and HyParView never retries): the liveness
// violations are known; full membership heals the same cut.
TEST(InvariantsTest, AHyParViewSplitIsKnownAndFullMembershipHeals) {
  const std::string text = R"(
name = "split"
seed = 4
duration = "120s"
[nodes]
count = 10
[membership]
kind = "MEMBERSHIP"
[heartbeat]
broadcast_heartbeat_interval = "2s"
[network]
transport = "datagram"
[[events]]
at = "20s"
kind = "partition"
groups = ["n0..n4"]
[[events]]
at = "40s"
kind = "heal"
)";
  InvariantOptions options = Window(/*liveness_from_s=*/90, /*quiet_from_s=*/60);
  for (const char* membership : {"hyparview", "full"}) {
    std::string scenario_text = text;
    scenario_text.replace(scenario_text.find("MEMBERSHIP"), 10, membership);
    absl::StatusOr<Scenario> s =
        ParseScenario(scenario_text, "split.toml", std::vector<std::string>{});
    ASSERT_TRUE(s.ok()) << s.status();
    absl::StatusOr<InvariantReport> r = CheckInvariants(*s, options);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_GT(r->liveness_messages, 0);
    if (std::string(membership) == "hyparview") {
      EXPECT_TRUE(r->Breaks("live_unreached", "known"));
      EXPECT_TRUE(r->Breaks("tree_not_spanning", "known"));
      for (const Violation& v : r->violations) EXPECT_EQ(v.klass, "known") << v.detail;
    } else {
      EXPECT_TRUE(r->violations.empty()) << r->violations.front().detail;
    }
  }
}

// Over TCP a 30 s cut healed at 40 s holds its data until the first
// backed-off retransmission after the heal (61 s): a run ending at 60 s
// misses nodes, a known case (a partition outliving its heal).
TEST(InvariantsTest, DataACutHoldsPastTheQuietPeriodIsKnown) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(
name = "held"
seed = 4
duration = "60s"
[nodes]
count = 6
[heartbeat]
broadcast_heartbeat_interval = "1s"
[[events]]
at = "10s"
kind = "partition"
groups = ["n0..n2"]
[[events]]
at = "40s"
kind = "heal"
)",
                                             "held.toml", std::vector<std::string>{});
  ASSERT_TRUE(s.ok()) << s.status();
  InvariantOptions options = Window(/*liveness_from_s=*/50, /*quiet_from_s=*/40);
  absl::StatusOr<InvariantReport> r = CheckInvariants(*s, options);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->Breaks("live_unreached", "known"));
  EXPECT_THAT(r->violations.front().detail, HasSubstr("a cut outlived its heal"));
  // Judged from the heal on (the quiet period begins after the data was
  // sent), the same run is a finding.
  options.quiet_from = SimTime::Zero() + SimDuration::Seconds(5);
  absl::StatusOr<InvariantReport> strict = CheckInvariants(*s, options);
  ASSERT_TRUE(strict.ok());
  EXPECT_TRUE(strict->Breaks("live_unreached", "liveness"));
}

// Found by exploring explore_full: a node that joins at x.985 s fires its
// lazy tick with each heartbeat, so its i_have overtakes the eager copy, a
// peer grafts at once (Partisan grafts without a timer), and the late copy's
// prune removes the extra eager link milliseconds later. A run ending 15 ms
// after such a heartbeat sees the transient link; the tree as it stands at
// each broadcast spans, and that is what tree_not_spanning judges.
TEST(InvariantsTest, ATransientGraftAtTheEndIsNoFinding) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(
name = "graft-race"
seed = 3524715175421591476
duration = "148s"
[nodes]
count = 13
start_interval = "10ms"
[heartbeat]
broadcast_heartbeat_interval = "2s"
[network]
latency = { kind = "uniform", min = "2ms", max = "8ms" }
[[events]]
at = "17.644s"
kind = "join"
nodes = "n13"
[[events]]
at = "57.985s"
kind = "join"
nodes = "n14..n15"
)",
                                             "race.toml", std::vector<std::string>{});
  ASSERT_TRUE(s.ok()) << s.status();
  InvariantOptions options = Window(/*liveness_from_s=*/118, /*quiet_from_s=*/88);
  bool transient_at_end = false;
  RunOptions probe;
  probe.on_finished = [&](const Simulation&, const MetricsCollector&,
                          const std::vector<TreeShape>& trees) {
    for (const TreeShape& t : trees) transient_at_end = transient_at_end || !t.spanning;
  };
  ASSERT_TRUE(RunScenario(*s, probe).ok());
  EXPECT_TRUE(transient_at_end) << "the end no longer falls in a graft race; pick another end";
  absl::StatusOr<InvariantReport> r = CheckInvariants(*s, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->violations.empty())
      << r->violations.front().invariant << ": " << r->violations.front().detail;
}

}  // namespace
}  // namespace plumsim
