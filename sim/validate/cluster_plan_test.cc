// The real run's plan: what the controller is told to do for a scenario,
// and what a real run refuses.
#include "sim/validate/cluster_plan.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/run/runner.h"
#include "sim/validate/sim_record.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

constexpr char kQuick[] = R"(
name = "q"
duration = "30s"
seed = 7
[nodes]
count = 4
start_interval = "100ms"
start_jitter = "50ms"
[membership]
kind = "full"
[heartbeat]
broadcast_heartbeat_interval = "5s"
[[events]]
at = "10s"
kind = "crash"
nodes = "n2"
[[events]]
at = "15s"
kind = "restart"
nodes = "n2"
[[events]]
at = "20s"
kind = "broadcast"
from = "n0, n1"
count = 3
interval = "500ms"
size = 100
)";

Scenario Parse(const std::string& text) {
  absl::StatusOr<Scenario> s = ParseScenario(text, "v.toml");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(ClusterPlanTest, NodesStartWhenTheSimulationStartsThem) {
  const Scenario s = Parse(kQuick);
  absl::StatusOr<ClusterPlan> plan = PlanCluster(s, 21000);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->nodes.size(), 4u);
  EXPECT_EQ(plan->nodes[3].name, "n3");
  EXPECT_EQ(plan->nodes[3].peer_port, 21003);
  // The simulation's own start times for this seed (SimRecord sees them).
  SimRecord record;
  RunOptions options;
  options.observers.push_back(&record);
  options.on_built = [&](const Simulation& sim) { record.Attach(&sim); };
  ASSERT_TRUE(RunScenario(s, options).ok());
  const ClusterRecord r = record.Finish(s.duration);
  for (const ClusterPlan::Event& e : plan->events) {
    if (e.kind != "start") continue;
    int64_t simulated = -1;
    for (const auto& inc : r.incarnations) {
      if (inc.node == e.node && simulated < 0) simulated = inc.start_us / 1000;
    }
    EXPECT_EQ(e.at_ms, simulated) << "n" << e.node;
    // Full membership: every node but n0 joins n0.
    EXPECT_EQ(e.contact, e.node == 0 ? std::nullopt : std::optional<int>(0));
  }
}

TEST(ClusterPlanTest, EventsAreExpandedAndOrdered) {
  absl::StatusOr<ClusterPlan> plan = PlanCluster(Parse(kQuick), 21000);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> later;
  for (const auto& e : plan->events) {
    if (e.at_ms >= 10000) later.push_back(absl::StrCat(e.at_ms, " ", e.kind, " n", e.node));
  }
  EXPECT_THAT(later,
              ::testing::ElementsAre("10000 crash n2", "15000 restart n2", "20000 broadcast n0",
                                     "20500 broadcast n1", "21000 broadcast n0"));
  EXPECT_EQ(plan->duration_ms, 30000);
}

// A broadcast due at a root that is down is skipped, as the simulation
// skips it; at one instant a crash comes before a broadcast.
TEST(ClusterPlanTest, BroadcastsOfStoppedRootsAreSkipped) {
  std::string text = kQuick;
  text.replace(text.find("at = \"10s\""), 10, "at = \"20s\"");  // n2 crashes at 20 s
  text.replace(text.find("at = \"15s\""), 10, "at = \"29s\"");  // and restarts at 29 s
  text.replace(text.find("from = \"n0, n1\""), 15, "from = \"n2, n1\"");
  absl::StatusOr<ClusterPlan> plan = PlanCluster(Parse(text), 21000);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> later;
  for (const auto& e : plan->events) {
    if (e.at_ms >= 20000) later.push_back(absl::StrCat(e.at_ms, " ", e.kind, " n", e.node));
  }
  // The roots take turns in node order (n1, n2, n1); n2's turn is skipped.
  EXPECT_THAT(later, ::testing::ElementsAre("20000 crash n2", "20000 broadcast n1",
                                            "21000 broadcast n1", "29000 restart n2"));
}

TEST(ClusterPlanTest, ThePlanIsErlangTermsWithEveryPartisanSetting) {
  const Scenario s = Parse(kQuick);
  absl::StatusOr<ClusterPlan> plan = PlanCluster(s, 21000);
  ASSERT_TRUE(plan.ok());
  PlanPlaces places;
  places.out_dir = "/o/real";
  places.code_paths = {"/p/_build/default/lib/partisan/ebin", "/o/real/ebin"};
  places.cookie = "c1";
  places.epmd_port = 4400;
  const std::string text = PlanText(*plan, s, places);
  EXPECT_THAT(text, HasSubstr("{out_dir, \"/o/real\"}.\n"));
  EXPECT_THAT(text, HasSubstr("{code_paths, [\"/p/_build/default/lib/partisan/ebin\",\n  "
                              "\"/o/real/ebin\"]}.\n"));
  EXPECT_THAT(text, HasSubstr("{cookie, c1}.\n{epmd_port, 4400}.\n{duration_ms, 30000}.\n"));
  EXPECT_THAT(text, HasSubstr("#{id => 3, name => 'n3@127.0.0.1', peer_port => 21003}"));
  EXPECT_THAT(text, HasSubstr("membership => full"));
  EXPECT_THAT(text, HasSubstr("lazy_tick_period => 1000, exchange_tick_period => 10000"));
  EXPECT_THAT(text, HasSubstr("broadcast_heartbeat_interval => 5000"));
  EXPECT_THAT(text, HasSubstr("idle_timeout => 20000, timeout => 10000, max_attempts => 5"));
  EXPECT_THAT(text, HasSubstr("{10000, crash, 2},\n  {15000, restart, 2, 0},"));
  EXPECT_THAT(text, HasSubstr("{20500, broadcast, 1, 100}"));
  EXPECT_THAT(text, HasSubstr("{events, [{34, start, 0, none},\n  {143, start, 1, 0},"));
}

TEST(ClusterPlanTest, HyParViewJoinsFollowTheBootstrapRule) {
  std::string text = kQuick;
  text.replace(text.find("kind = \"full\""), 13, "kind = \"hyparview\"");
  for (const char* bootstrap : {"seed", "earlier", "started"}) {
    std::string t = text;
    t.replace(t.find("[nodes]\n"), 8, absl::StrCat("[nodes]\nbootstrap = \"", bootstrap, "\"\n"));
    absl::StatusOr<ClusterPlan> plan = PlanCluster(Parse(t), 21000);
    ASSERT_TRUE(plan.ok()) << plan.status();
    for (const auto& e : plan->events) {
      if (e.kind != "start") continue;
      if (e.node == 0) {
        EXPECT_EQ(e.contact, std::nullopt);
      } else if (std::string(bootstrap) == "seed") {
        EXPECT_EQ(e.contact, 0);
      } else {
        ASSERT_TRUE(e.contact.has_value());
        EXPECT_LT(*e.contact, e.node) << bootstrap;
      }
    }
  }
}

// A plan's signature is what the run did, not where: two places give the
// same signature; another duration, setting or event another.
TEST(ClusterPlanTest, TheSignatureIsWhatTheRunDidNotWhere) {
  const Scenario s = Parse(kQuick);
  absl::StatusOr<ClusterPlan> plan = PlanCluster(s, 21000), moved = PlanCluster(s, 25000);
  ASSERT_TRUE(plan.ok() && moved.ok());
  PlanPlaces here, there;
  here.out_dir = "/tmp/a";
  here.cookie = "c1";
  there.out_dir = "/elsewhere/b";
  there.cookie = "c2";
  there.epmd_port = here.epmd_port + 1;
  const std::string a = PlanSignature(PlanText(*plan, s, here));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, PlanSignature(PlanText(*moved, s, there)));
  const std::pair<std::string, std::string> changes[] = {
      {"duration = \"30s\"", "duration = \"31s\""},
      {"size = 100", "size = 101"},
      {"[membership]", "[plumtree]\nlazy_tick_period = \"2s\"\n[membership]"}};
  for (const auto& [from, to] : changes) {
    std::string text = kQuick;
    text.replace(text.find(from), from.size(), to);
    const Scenario changed = Parse(text);
    absl::StatusOr<ClusterPlan> other = PlanCluster(changed, 21000);
    ASSERT_TRUE(other.ok()) << to;
    EXPECT_NE(a, PlanSignature(PlanText(*other, changed, here))) << to;
  }
  EXPECT_EQ(PlanSignature("not a plan"), "");
}

TEST(ClusterPlanTest, WhatOneMachineCannotApplyIsRefusedWhereItIsWritten) {
  std::string text = std::string(kQuick) + R"(
[[events]]
at = "25s"
kind = "partition"
groups = ["n0..n1", "n2..n3"]
)";
  absl::StatusOr<ClusterPlan> plan = PlanCluster(Parse(text), 21000);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(), HasSubstr("v.toml:29:1: partition: a real cluster run "
                                                 "applies crash, restart, join, leave and "
                                                 "broadcast only"));
  std::string lossy = kQuick;
  lossy.replace(lossy.find("[membership]"), 12,
                "[network]\nloss = 0.01\ntransport = \"datagram\"\n[membership]");
  plan = PlanCluster(Parse(lossy), 21000);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("transport = \"datagram\""));
  EXPECT_THAT(plan.status().message(), HasSubstr("loss"));
}

}  // namespace
}  // namespace plumsim
