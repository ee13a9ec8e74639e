#include "sim/scenario/sections.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/scenario/scenario.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Every section set away from its default, every event kind and metric.
constexpr char kEverything[] = R"(
name = "everything"
description = "d"
seed = 9
duration = "100s"
[nodes]
count = 4
start_interval = "10ms"
crash = "host"
bootstrap = "earlier"
names = { n1 = "alpha@h1" }
addresses = { n2 = "10.9.0.1:9000" }
[membership]
kind = "hyparview"
active_max_size = 4
[plumtree]
exchange_selection = "normal"
broadcast_start_exchange_limit = 2
[heartbeat]
broadcast = false
[network]
latency = { kind = "pareto", scale = "2ms", alpha = 1.5 }
tcp = { min_rto = "100ms", max_rto = "10s" }
[[network.links]]
from = "n0"
to = "n1"
loss = 0.5
[partisan]
persist_epoch = true
connection_ping = { enabled = true, idle_timeout = "30s" }
[processing]
backend = { kind = "normal", mean = "1ms", stddev = "1ms" }
timer_dispatch = { peer_service = "2ms" }
[[events]]
at = "1s"
kind = "crash"
nodes = "n1"
[[events]]
at = "2s"
kind = "restart"
nodes = "n1"
contact = "n0"
[[events]]
at = "3s"
kind = "join"
nodes = "n4"
[[events]]
at = "4s"
kind = "leave"
nodes = "n4"
[[events]]
at = "5s"
kind = "partition"
groups = ["n0..n1", "n2"]
[[events]]
at = "6s"
kind = "partition_one_way"
from = "n0"
to = "n3"
[[events]]
at = "7s"
kind = "heal"
[[events]]
at = "8s"
kind = "link_down"
from = "n0"
to = "n1"
symmetric = false
[[events]]
at = "9s"
kind = "link_up"
from = "n0"
to = "n1"
[[events]]
at = "10s"
kind = "set_latency"
latency = { kind = "uniform", min = "1ms", max = "2ms" }
from = "n0"
to = "n1..n2"
[[events]]
at = "11s"
kind = "set_loss"
loss = 0.25
[[events]]
at = "12s"
kind = "broadcast"
from = "n0..n1"
count = 3
interval = "2s"
size = 100
[[events]]
at = "13s"
kind = "listener_down"
nodes = "n1"
stays_down = true
[[events]]
at = "14s"
kind = "listener_up"
nodes = "n1"
[[events]]
at = "15s"
kind = "slow"
nodes = "n0"
factor = 2.5
[[events]]
at = "16s"
kind = "slow_end"
nodes = "n0"
[[churn]]
start = "20s"
end = "30s"
mean_time_between_crashes = "5s"
downtime = "1s"
[metrics]
window = "2s"
stable_rounds = 4
[snapshots]
at = ["50s"]
roots = "random 2"
[trace]
kinds = ["peers"]
roots = "n0"
compress = "zstd"
[[expect]]
metric = "reliability_min"
at_least = 0.9
[[expect]]
metric = "reach_min"
at_least = 0.5
before = "90s"
[[expect]]
metric = "rmr_max"
at_most = 3
[[expect]]
metric = "ldh_max"
at_most = 9
handler = "all"
[[expect]]
metric = "trees_spanning"
[[expect]]
metric = "converged_before"
before = "60s"
[[expect]]
metric = "tree_stable_before"
before = "60s"
share = 0.5
[[expect]]
metric = "rmr_settled_before"
before = "60s"
[[expect]]
metric = "connections_closed"
reason = "crash"
at_most = 2
[[expect]]
metric = "unlisted_nodes"
at_most = 0
[[expect]]
metric = "one_way_views"
at_least = 3
)";

std::vector<std::string> Names() {
  std::vector<std::string> names;
  for (const ScenarioSection& s : ScenarioSections()) names.emplace_back(s.name);
  return names;
}

std::vector<std::string> KeysOfTable(const toml::table& t) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : t) keys.emplace_back(k.str());
  return keys;
}

TEST(SectionsTest, ReadingOrder) {
  EXPECT_THAT(Names(), ElementsAre("", "nodes", "membership", "plumtree", "heartbeat", "network",
                                   "partisan", "processing", "events", "churn", "metrics",
                                   "snapshots", "trace", "expect"));
}

// The top level allows its own keys, each section's name and the ignored
// sections, nothing else.
TEST(SectionsTest, TopLevelKeysAreTheSections) {
  std::vector<std::string> expected = TopLevelSection().keys()[0].keys;
  std::vector<std::string> names = Names();
  names.erase(names.begin());  // the top level's own
  std::vector<std::string> listed(TopLevelKeys().begin() + expected.size(),
                                  TopLevelKeys().end() - IgnoredSections().size());
  EXPECT_THAT(std::set<std::string>(listed.begin(), listed.end()),
              ElementsAreArray(std::set<std::string>(names.begin(), names.end())));
  EXPECT_EQ(listed.size(), names.size());
  EXPECT_THAT(
      std::vector<std::string>(TopLevelKeys().begin(), TopLevelKeys().begin() + expected.size()),
      ElementsAreArray(expected));
  EXPECT_THAT(std::vector<std::string>(TopLevelKeys().end() - IgnoredSections().size(),
                                       TopLevelKeys().end()),
              ElementsAre("study", "explore"));
}

TEST(SectionsTest, KeysBelongToTheirSection) {
  for (const ScenarioSection& section : ScenarioSections()) {
    for (const TableKeys& t : section.keys()) {
      if (section.name.empty()) {
        EXPECT_EQ(t.path, "");
      } else {
        EXPECT_TRUE(t.path == section.name ||
                    absl::StartsWith(t.path, absl::StrCat(section.name, ".")))
            << t.path;
      }
      EXPECT_FALSE(t.keys.empty()) << t.path;
      EXPECT_EQ(std::set<std::string>(t.keys.begin(), t.keys.end()).size(), t.keys.size())
          << t.path;
    }
  }
}

// Each writer adds its own section and nothing else; together they are the
// resolved form.
TEST(SectionsTest, EachWriterWritesItsOwnSection) {
  absl::StatusOr<Scenario> s = ParseScenario(kEverything, "e.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  std::set<std::string> all;
  for (const ScenarioSection& section : ScenarioSections()) {
    toml::table root;
    section.write(*s, &root);
    const std::vector<std::string> keys = KeysOfTable(root);
    if (section.name.empty()) {
      EXPECT_THAT(keys, ElementsAre("description", "duration", "name", "seed"));
    } else {
      EXPECT_THAT(keys, ElementsAre(std::string(section.name)));
    }
    all.insert(keys.begin(), keys.end());
  }
  EXPECT_EQ(all.size(), ScenarioSections().size() + 3);
  absl::StatusOr<Scenario> again = ParseScenario(s->ToToml(), "resolved.toml");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << s->ToToml();
  EXPECT_EQ(again->ToToml(), s->ToToml());
}

TEST(SectionsTest, OptionalSectionsAreLeftOutWhenEmpty) {
  absl::StatusOr<Scenario> s = ParseScenario(
      "name = \"m\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[network]\ntransport = "
      "\"datagram\"\n",
      "m.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  toml::table root;
  for (const ScenarioSection& section : ScenarioSections()) section.write(*s, &root);
  EXPECT_THAT(KeysOfTable(root),
              ElementsAre("description", "duration", "heartbeat", "membership", "metrics", "name",
                          "network", "nodes", "partisan", "plumtree", "processing", "seed"));
  EXPECT_FALSE(root["network"]["tcp"]);                 // tcp only
  EXPECT_FALSE(root["membership"]["active_max_size"]);  // hyparview only
}

// [processing] timer_dispatch: one latency value for every process, or a
// table per process over the defaults.
TEST(SectionsTest, TimerDispatchIsOneValueOrOnePerProcess) {
  const std::string base = "name = \"t\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[processing]\n";
  absl::StatusOr<Scenario> all = ParseScenario(base + "timer_dispatch = \"0s\"\n", "t.toml");
  ASSERT_TRUE(all.ok()) << all.status();
  for (const LatencyDistribution& d : all->processing.timer_dispatch) {
    EXPECT_EQ(d.DebugString(), LatencyDistribution::Constant(SimDuration::Zero()).DebugString());
  }
  absl::StatusOr<Scenario> one = ParseScenario(
      base +
          "timer_dispatch = { backend = { kind = \"uniform\", min = \"1us\", max = \"2us\" } }\n",
      "t.toml");
  ASSERT_TRUE(one.ok()) << one.status();
  const auto defaults = ProcessingConfig::DefaultTimerDispatch();
  EXPECT_EQ(one->processing.timer_dispatch[1].DebugString(), "uniform(1us, 2us)");
  EXPECT_EQ(one->processing.timer_dispatch[0].DebugString(), defaults[0].DebugString());
  EXPECT_EQ(one->processing.timer_dispatch[2].DebugString(), defaults[2].DebugString());
  absl::StatusOr<Scenario> bad =
      ParseScenario(base + "timer_dispatch = { manager = \"1ms\" }\n", "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("t.toml:6:"));
  EXPECT_THAT(bad.status().message(), HasSubstr("manager"));
}

TEST(SectionsTest, EveryEventKindAndMetricReadsBack) {
  absl::StatusOr<Scenario> s = ParseScenario(kEverything, "e.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  std::vector<std::string> kinds, metrics;
  for (const TimelineEvent& e : s->events) kinds.push_back(EventKindName(e.kind));
  for (const Expectation& e : s->expectations) metrics.push_back(ExpectationMetricName(e.metric));
  EXPECT_THAT(kinds,
              ElementsAre("crash", "restart", "join", "leave", "partition", "partition_one_way",
                          "heal", "link_down", "link_up", "set_latency", "set_loss", "broadcast",
                          "listener_down", "listener_up", "slow", "slow_end"));
  EXPECT_TRUE(s->events[12].stays_down);
  EXPECT_EQ(s->events[14].factor, 2.5);
  EXPECT_EQ(s->bootstrap, Scenario::Bootstrap::kEarlier);
  EXPECT_THAT(metrics,
              ElementsAre("reliability_min", "reach_min", "rmr_max", "ldh_max", "trees_spanning",
                          "converged_before", "tree_stable_before", "rmr_settled_before",
                          "connections_closed", "unlisted_nodes", "one_way_views"));
  EXPECT_TRUE(s->expectations[9].upper_bound);
  EXPECT_FALSE(s->expectations[10].upper_bound);
  EXPECT_EQ(s->expectations[10].bound, 3);
  EXPECT_EQ(s->expectations[2].bound, 3);
  EXPECT_EQ(s->expectations[7].bound, 1.0);  // share's default
  EXPECT_TRUE(s->expectations[8].upper_bound);
  EXPECT_EQ(s->events[11].size_bytes, 100);
}

// A listener is a TCP socket; a slow event needs its factor; bootstrap names
// one of three rules. Each error says where.
TEST(SectionsTest, GrayFailureEventsAreCheckedWhereWritten) {
  const std::string head = "name = \"g\"\nduration = \"10s\"\n[nodes]\ncount = 2\n";
  absl::StatusOr<Scenario> s =
      ParseScenario(head +
                        "[network]\ntransport = \"datagram\"\n[[events]]\nat = \"1s\"\n"
                        "kind = \"listener_down\"\nnodes = \"n1\"\n",
                    "g.toml");
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("g.toml:7:1: events: listener_down needs network.transport = \"tcp\""));
  s = ParseScenario(head + "[[events]]\nat = \"1s\"\nkind = \"slow\"\nnodes = \"n1\"\n", "g.toml");
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("events.factor"));
  s = ParseScenario(head +
                        "[[events]]\nat = \"1s\"\nkind = \"slow\"\nnodes = \"n1\"\n"
                        "factor = 0.5\n",
                    "g.toml");
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("g.toml:9:10: events.factor"));
  s = ParseScenario("name = \"g\"\nduration = \"10s\"\n[nodes]\ncount = 2\nbootstrap = \"any\"\n",
                    "g.toml");
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("g.toml:5:13: nodes.bootstrap: expected \"started\", \"earlier\" or "
                        "\"seed\""));
}

TEST(SectionsTest, UnknownKindsListEveryKnownOne) {
  const std::string head = "name = \"u\"\nduration = \"10s\"\n[nodes]\ncount = 2\n";
  absl::StatusOr<Scenario> s =
      ParseScenario(head + "[[events]]\nat = \"1s\"\nkind = \"explode\"\n", "u.toml");
  EXPECT_EQ(s.status().message(),
            "u.toml:7:8: events.kind: unknown event kind \"explode\"; expected crash, restart, "
            "join, leave, partition, partition_one_way, heal, link_down, link_up, set_latency, "
            "set_loss, broadcast, listener_down, listener_up, slow or slow_end");
  s = ParseScenario(head + "[[expect]]\nmetric = \"speed\"\n", "u.toml");
  EXPECT_EQ(s.status().message(),
            "u.toml:6:10: expect.metric: unknown metric \"speed\"; expected reliability_min, "
            "reach_min, rmr_max, ldh_max, trees_spanning, converged_before, tree_stable_before, "
            "rmr_settled_before, connections_closed, unlisted_nodes or one_way_views");
  s = ParseScenario(head + "colour = 1\n", "u.toml");  // lands in [nodes]
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("nodes.colour: unknown key; expected one of: count, start_interval, "
                        "start_jitter, crash, bootstrap, names, addresses"));
  s = ParseScenario("colour = 1\n" + head, "u.toml");
  EXPECT_EQ(s.status().message(),
            "u.toml:1:10: colour: unknown key; expected one of: name, description, seed, "
            "duration, nodes, membership, plumtree, heartbeat, network, partisan, processing, "
            "events, churn, expect, snapshots, metrics, trace, study, explore");
}

TEST(SectionsTest, SectionTableAndTablesRefuseOtherValues) {
  const toml::table root = toml::parse("a = 1\nb = [1]\n[c]\n[[d]]\n");
  ScenarioReader r("t.toml");
  EXPECT_EQ(SectionTable(root, "a", &r), nullptr);
  EXPECT_EQ(SectionTable(root, "x", &r), nullptr);
  EXPECT_NE(SectionTable(root, "c", &r), nullptr);
  EXPECT_EQ(SectionTables(root, "b", &r), nullptr);
  EXPECT_EQ(SectionTables(root, "x", &r), nullptr);
  EXPECT_NE(SectionTables(root, "d", &r), nullptr);
  EXPECT_EQ(r.Result().message(),
            "t.toml:1:5: a: expected a table\nt.toml:2:5: b: expected an array of tables: [[b]]");
}

TEST(SectionsTest, LatencyToTomlReadsBack) {
  for (const LatencyDistribution::KindSpec& spec : LatencyDistribution::KindSpecs()) {
    LatencyDistribution l;
    l.kind = spec.kind;
    l.a = SimDuration::Milliseconds(3);
    l.b = SimDuration::Milliseconds(4);
    l.shape = 0.5;
    if (spec.kind == LatencyDistribution::Kind::kEmpirical) {
      l = LatencyDistribution::Empirical({SimDuration::Milliseconds(3)});
    }
    toml::table holder{{"l", LatencyToToml(l)}};
    ScenarioReader r("t.toml");
    std::optional<LatencyDistribution> back = r.Latency(*holder.get("l"), "l");
    ASSERT_TRUE(back.has_value()) << spec.name << ": " << r.Result();
    EXPECT_EQ(back->kind, l.kind);
    EXPECT_EQ(back->a, l.a);
    if (spec.second != nullptr && spec.second_is_shape) {
      EXPECT_EQ(back->shape, 0.5);
    } else if (spec.second != nullptr) {
      EXPECT_EQ(back->b, l.b);
    }
  }
}

TEST(SectionsTest, Helpers) {
  EXPECT_EQ(FormatPeriod(absl::Milliseconds(1500)), "1.5s");
  int64_t field = 1;
  SetIfRead(std::optional<int>(), &field);
  EXPECT_EQ(field, 1);
  SetIfRead(std::optional<int>(7), &field);
  EXPECT_EQ(field, 7);
  constexpr absl::string_view kA[] = {"x", "y"};
  constexpr absl::string_view kB[] = {"y", "z", "x"};
  TableKeys keys = KeysOf("t", kA);
  AddNewKeys(kB, &keys);
  EXPECT_EQ(keys.path, "t");
  EXPECT_THAT(keys.keys, ElementsAre("x", "y", "z"));
  EXPECT_THAT(KeysOf("t", {}).keys, IsEmpty());
}

}  // namespace
}  // namespace plumsim
