#include "sim/explore/nemesis.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

// 12 nodes, 100 s; faults in [10 s, 70 s].
constexpr char kBase[] = R"(
name = "nemesis"
seed = 3
duration = "100s"
[nodes]
count = 12
[network]
latency = { kind = "uniform", min = "2ms", max = "8ms" }
[[events]]
at = "5s"
kind = "broadcast"
from = "n0"
[explore]
faults_per_run = { min = 2, max = 8 }
max_share = 0.4
start = "10s"
quiet = "30s"
max_fault_duration = "20s"
)";

struct Loaded {
  Scenario base;
  NemesisConfig config;
};

Loaded Load(const std::string& more = "") {
  const std::string text = kBase + more;
  absl::StatusOr<Scenario> s = ParseScenario(text, "n.toml", std::vector<std::string>{});
  EXPECT_TRUE(s.ok()) << s.status();
  absl::StatusOr<NemesisConfig> c = ReadNemesisConfig(text, "n.toml");
  EXPECT_TRUE(c.ok()) << c.status();
  return {*s, *c};
}

std::string Text(const FaultSchedule& s) {
  std::vector<std::string> parts;
  for (FaultKind k : s.enabled) parts.push_back(k->name);
  parts.push_back("|");
  for (const Fault& f : s.faults) parts.push_back(f.Describe());
  return absl::StrJoin(parts, " ");
}

bool Contains(const std::vector<FaultKind>& kinds, FaultKind kind) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

TEST(NemesisTest, SchedulesDependOnTheSeedAlone) {
  const Loaded a = Load(), b = Load();
  std::set<std::string> distinct;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const std::string text = Text(MakeFaultSchedule(a.config, a.base, seed));
    EXPECT_EQ(text, Text(MakeFaultSchedule(b.config, b.base, seed))) << seed;
    distinct.insert(text);
  }
  EXPECT_GT(distinct.size(), 95u) << "seeds should give their own schedules";
}

TEST(NemesisTest, SchedulesRespectTheMixAndTheWindow) {
  const Loaded l = Load();
  const SimTime start = SimTime::Zero() + SimDuration::Seconds(10);
  const SimTime window_end = SimTime::Zero() + SimDuration::Seconds(70);
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const FaultSchedule s = MakeFaultSchedule(l.config, l.base, seed);
    ASSERT_FALSE(s.enabled.empty());
    EXPECT_LE(s.faults.size(), 8u);
    for (size_t i = 0; i < s.faults.size(); ++i) {
      const Fault& f = s.faults[i];
      EXPECT_TRUE(Contains(s.enabled, f.kind)) << f.Describe();
      EXPECT_GE(f.at, start) << f.Describe();
      EXPECT_LE(f.at + f.length, window_end) << f.Describe();
      EXPECT_EQ(f.at.ns() % 1'000'000, 0) << "whole milliseconds: " << f.Describe();
      EXPECT_EQ(f.length > SimDuration::Zero(), f.kind->heals()) << f.Describe();
      EXPECT_LE(f.length, SimDuration::Seconds(20)) << f.Describe();
      if (i > 0) {
        EXPECT_LE(s.faults[i - 1].at, f.at) << "time order";
      }
    }
  }
}

// A heal ends every partition, a spike's end restores the base's value:
// faults of one exclusive group never overlap.
TEST(NemesisTest, FaultsOfAnExclusiveGroupDoNotOverlap) {
  const Loaded l = Load();
  int checked = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const FaultSchedule s = MakeFaultSchedule(l.config, l.base, seed);
    for (size_t i = 0; i < s.faults.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const Fault &a = s.faults[i], &b = s.faults[j];
        const std::string group = a.kind->exclusive_group;
        if (group.empty() || group != b.kind->exclusive_group) continue;
        ++checked;
        EXPECT_TRUE(a.at > b.at + b.length || b.at > a.at + a.length)
            << "seed " << seed << ": " << a.Describe() << " / " << b.Describe();
      }
    }
  }
  EXPECT_GT(checked, 50) << "too few pairs to judge";
}

// Crashed, leaving and partitioned nodes are distinct running nodes, never
// the last two; joined nodes follow every node before them.
TEST(NemesisTest, VictimsAreDistinctAndJoinedNodesAreNew) {
  const Loaded l = Load();
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const FaultSchedule s = MakeFaultSchedule(l.config, l.base, seed);
    std::set<NodeId> taken;
    std::vector<NodeId> joined;
    for (const Fault& f : s.faults) {
      for (NodeId n : f.nodes) {
        if (f.kind->nodes == FaultNodes::kTaken) {
          EXPECT_LT(n, 12u);
          EXPECT_TRUE(taken.insert(n).second) << "seed " << seed << ": n" << n << " taken twice";
        } else if (f.kind->nodes == FaultNodes::kJoined) {
          joined.push_back(n);
        } else {
          EXPECT_LT(n, 12u);
        }
      }
      if (f.kind->nodes == FaultNodes::kTaken) {
        EXPECT_TRUE(std::is_sorted(f.nodes.begin(), f.nodes.end()));
        EXPECT_LE(f.nodes.size(), 4u) << "max_share 0.4 of 12";
      }
    }
    EXPECT_LE(taken.size(), 10u) << "seed " << seed << ": the last two are kept";
    // In draw order, which time order may shuffle: the set is 12, 13, ...
    std::sort(joined.begin(), joined.end());
    for (size_t i = 0; i < joined.size(); ++i) EXPECT_EQ(joined[i], 12 + i);
  }
}

TEST(NemesisTest, SwarmEnablesRandomSubsetsAndWithoutItEveryKind) {
  const Loaded swarm = Load();
  std::map<std::string, int> runs_with;
  std::set<size_t> sizes;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const FaultSchedule s = MakeFaultSchedule(swarm.config, swarm.base, seed);
    sizes.insert(s.enabled.size());
    for (FaultKind k : s.enabled) ++runs_with[k->name];
  }
  EXPECT_GT(sizes.size(), 3u);
  for (FaultKind k : FaultKind::All()) {
    EXPECT_GT(runs_with[k->name], 50) << k->name;  // about half of the runs
    EXPECT_LT(runs_with[k->name], 150) << k->name;
  }

  const Loaded all = Load("swarm = false\nfaults = [\"leave\", \"crash\"]\n");
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const FaultSchedule s = MakeFaultSchedule(all.config, all.base, seed);
    EXPECT_EQ(s.enabled, all.config.kinds);
    for (const Fault& f : s.faults) EXPECT_TRUE(Contains(all.config.kinds, f.kind));
  }
}

TEST(NemesisTest, NoWindowNoFault) {
  Loaded l = Load();
  l.config.quiet = SimDuration::Seconds(90);  // the window would end at 10 s
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    EXPECT_TRUE(MakeFaultSchedule(l.config, l.base, seed).faults.empty());
  }
}

TEST(NemesisTest, WithFaultsAddsEachFaultsEventsInTimeOrderAfterTheBases) {
  const Loaded l = Load();
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const FaultSchedule s = MakeFaultSchedule(l.config, l.base, seed);
    const Scenario faulted = WithFaults(l.base, s.faults);
    size_t events = 0;
    for (const Fault& f : s.faults) events += f.kind->heals() ? 2 : 1;
    ASSERT_EQ(faulted.events.size(), l.base.events.size() + events) << Text(s);
    EXPECT_EQ(EventKindName(faulted.events[0].kind), std::string("broadcast"));
    for (size_t i = l.base.events.size() + 1; i < faulted.events.size(); ++i) {
      EXPECT_LE(faulted.events[i - 1].at, faulted.events[i].at);
    }
    // An ordinary scenario: its text reads back, joined nodes counted.
    absl::StatusOr<Scenario> again =
        ParseScenario(faulted.ToToml(), "f.toml", std::vector<std::string>{});
    ASSERT_TRUE(again.ok()) << again.status() << "\n" << Text(s);
    int64_t joined = 0;
    for (const Fault& f : s.faults) {
      if (f.kind->nodes == FaultNodes::kJoined) joined += static_cast<int64_t>(f.nodes.size());
    }
    EXPECT_EQ(again->total_nodes(), 12 + joined);
  }
}

}  // namespace
}  // namespace plumsim
