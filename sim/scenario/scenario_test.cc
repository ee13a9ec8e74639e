#include "sim/scenario/scenario.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMinimal[] = R"(
name = "t"
duration = "60s"
[nodes]
count = 4
)";

TEST(ScenarioTest, MinimalScenarioGetsPartisanDefaults) {
  absl::StatusOr<Scenario> s = ParseScenario(kMinimal, "t.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "t");
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->duration, SimDuration::Seconds(60));
  EXPECT_EQ(s->node_count, 4);
  EXPECT_EQ(s->membership, "full");
  EXPECT_EQ(s->plumtree.lazy_tick_period, absl::Seconds(1));
  EXPECT_EQ(s->plumtree.exchange_tick_period, absl::Seconds(10));
  EXPECT_EQ(s->heartbeat.broadcast_heartbeat_interval, absl::Seconds(10));
  EXPECT_TRUE(s->heartbeat.broadcast);
  // Partisan's runtime (partisan_config defaults, docs/runtime-model.md).
  EXPECT_EQ(s->network.transport, Transport::kTcp);
  EXPECT_EQ(s->network.tcp.min_rto, SimDuration::Milliseconds(200));
  EXPECT_EQ(s->crash_mode, CrashMode::kProcess);
  EXPECT_FALSE(s->partisan.persist_epoch);
  EXPECT_EQ(s->partisan.ping_idle_timeout, SimDuration::Seconds(20));
  EXPECT_EQ(s->partisan.ping_timeout, SimDuration::Seconds(10));
  EXPECT_EQ(s->partisan.ping_max_attempts, 5);
  EXPECT_EQ(s->partisan.connect_timeout, SimDuration::Seconds(1));
  EXPECT_EQ(s->partisan.connection_interval, SimDuration::Seconds(1));
}

// The example at the top of scenario.h.
TEST(ScenarioTest, CommandLineOverridesApplyAndNameTheirErrors) {
  absl::StatusOr<Scenario> s =
      ParseScenario(kMinimal, "t.toml", CommandLineOverrides({"nodes.count=64"}, "7", ""));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->node_count, 64);
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->duration, SimDuration::Seconds(60));
  EXPECT_THAT(s->ToToml(), HasSubstr("[nodes]\ncount = 64\n"));
  // Errors of arguments come in reading order: the top level, then [nodes].
  s = ParseScenario(kMinimal, "t.toml", CommandLineOverrides({"nodes.count=x"}, "", "soon"));
  EXPECT_EQ(s.status().message(),
            "--duration: duration: expected a duration with a unit such as \"250ms\", \"10s\" "
            "or \"1m30s\" (units: ns, us, ms, s, m, h), got \"soon\"\n"
            "--set nodes.count=x: nodes.count: expected an integer in [1, 10000000]");
}

TEST(ScenarioTest, RuntimeKeysReadAndReadBack) {
  absl::StatusOr<Scenario> s = ParseScenario(std::string(kMinimal) + R"(
crash = "host"
names = { n1 = "alpha@h1" }
addresses = { n2 = "10.9.0.1:9000" }
[network]
transport = "tcp"
tcp = { min_rto = "300ms", max_rto = "60s" }
[partisan]
persist_epoch = true
connection_ping = { enabled = true, idle_timeout = "5s", timeout = "2s", max_attempts = 3 }
connect_timeout = "2s"
connection_interval = "500ms"
)",
                                             "t.toml");
  // "crash" lands in [nodes] (the table kMinimal ends with).
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->crash_mode, CrashMode::kHost);
  EXPECT_EQ(s->ErlangNames(),
            (std::vector<std::string>{"n0@host", "alpha@h1", "n2@host", "n3@host"}));
  EXPECT_EQ(FormatListenAddress(s->ListenAddresses()[2]), "10.9.0.1:9000");
  EXPECT_EQ(FormatListenAddress(s->ListenAddresses()[3]), "10.0.0.4:9090");
  EXPECT_EQ(s->network.tcp.min_rto, SimDuration::Milliseconds(300));
  EXPECT_EQ(s->network.tcp.max_rto, SimDuration::Seconds(60));
  EXPECT_TRUE(s->partisan.persist_epoch);
  EXPECT_EQ(s->partisan.ping_idle_timeout, SimDuration::Seconds(5));
  EXPECT_EQ(s->partisan.ping_timeout, SimDuration::Seconds(2));
  EXPECT_EQ(s->partisan.ping_max_attempts, 3);
  EXPECT_EQ(s->partisan.connect_timeout, SimDuration::Seconds(2));
  EXPECT_EQ(s->partisan.connection_interval, SimDuration::Milliseconds(500));
  absl::StatusOr<Scenario> again = ParseScenario(s->ToToml(), "resolved.toml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToToml(), s->ToToml());
}

TEST(ScenarioTest, RuntimeKeysRefuseWhatTcpCannotDo) {
  const std::pair<const char*, const char*> cases[] = {
      {"[network]\nduplicate = 0.1\n", "t.toml:7:13: network.duplicate: TCP delivers each"},
      {"[network]\nreorder = true\n", "t.toml:7:11: network.reorder: TCP delivers in order"},
      {"[network]\ntransport = \"udp\"\n", "network.transport: expected \"tcp\" or \"datagram\""},
      {"[network]\ntransport = \"datagram\"\ntcp = { min_rto = \"1s\" }\n",
       "network.tcp: only for transport = \"tcp\""},
      {"[network]\ntcp = { min_rto = \"1s\", max_rto = \"500ms\" }\n",
       "network.tcp.max_rto: must be at least min_rto"},
      {"[partisan]\nconnection_ping = { idle = \"1s\" }\n", "partisan.connection_ping.idle"},
      {"[partisan]\nconnection_ping = 5\n", "partisan.connection_ping: expected a table"},
      // maybe_enable_ping/2's `false` clause, arguments swapped in v5.0.3.
      {"[partisan]\nconnection_ping = { enabled = false }\n",
       "t.toml:7:31: partisan.connection_ping.enabled: Partisan v5.0.3 cannot run with pings "
       "disabled: maybe_enable_ping/2's clause for false has its arguments swapped"},
      {"[partisan]\nconnect_timeout = \"0s\"\n", "partisan.connect_timeout"},
      {"names = { n1 = \"n2@host\" }\n", "nodes.names: n1 and n2 are both named n2@host"},
      {"names = { n1 = \"plain\" }\n",
       "expected an Erlang node name like \"n3@host\", got \"plain\""},
      {"names = { n9 = \"a@b\" }\n", "node n9 does not exist"},
      {"addresses = { n1 = \"10.0.0.1\" }\n", "nodes.addresses: expected \"a.b.c.d:port\""},
      {"names = 3\n", "nodes.names: expected a table by node"},
  };
  for (const auto& [extra, error] : cases) {
    absl::StatusOr<Scenario> s = ParseScenario(std::string(kMinimal) + extra, "t.toml");
    ASSERT_FALSE(s.ok()) << extra;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(error)) << extra;
  }
  absl::StatusOr<Scenario> s = ParseScenario(std::string(kMinimal) + "crash = \"vm\"\n", "t.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("nodes.crash: expected \"process\" or \"host\""));
}

constexpr char kFull[] = R"(
name = "everything"
description = "all features"
seed = 42
duration = "5m"

[nodes]
count = 10
start_interval = "100ms"
start_jitter = "50ms"

[plumtree]
lazy_tick_period = "500ms"
exchange_selection = "normal"

[heartbeat]
broadcast_heartbeat_interval = "2s"

[network]
transport = "datagram"
latency = { kind = "lognormal", median = "5ms", sigma = 0.5 }
loss = 0.01
duplicate = 0.001
reorder = true

[[network.links]]
from = "n0"
to = "n1..n2"
latency = { kind = "uniform", min = "10ms", max = "20ms" }

[[events]]
at = "30s"
kind = "crash"
nodes = "n3, n5"

[[events]]
at = "10s"
kind = "partition"
groups = ["n0..n4", "n5..n9"]

[[events]]
at = "40s"
kind = "restart"
nodes = ["n3"]
contact = "n0"

[[events]]
at = "50s"
kind = "join"
nodes = "n10..n11"

[[events]]
at = "60s"
kind = "broadcast"
from = "n11"
count = 5
interval = "1s"

[[events]]
at = "70s"
kind = "set_latency"
latency = "3ms"

[[churn]]
start = "100s"
end = "200s"
mean_time_between_crashes = "10s"
downtime = "5s"

[metrics]
window = "500ms"
settle = "3s"

[snapshots]
at = ["60s", "30s"]
roots = "n0..n1"

[[expect]]
metric = "reliability_min"
at_least = 0.99
after = "20s"
handler = "all"

[[expect]]
metric = "converged_before"
before = "2m"

[[expect]]
metric = "trees_spanning"
)";

TEST(ScenarioTest, ParsesEveryFeatureAndSortsEvents) {
  absl::StatusOr<Scenario> s = ParseScenario(kFull, "full.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->seed, 42u);
  EXPECT_EQ(s->total_nodes(), 12);
  EXPECT_EQ(s->network.latency.kind, LatencyDistribution::Kind::kLogNormal);
  EXPECT_EQ(s->links.size(), 1u);
  EXPECT_EQ(s->links[0].to.ToPeerSet(), (PeerSet{1, 2}));
  ASSERT_EQ(s->events.size(), 6u);
  EXPECT_EQ(s->events[0].kind, TimelineEvent::Kind::kPartition);  // sorted by time
  EXPECT_EQ(s->events[1].nodes.ToPeerSet(), (PeerSet{3, 5}));
  EXPECT_EQ(s->events[2].contact, NodeId{0});
  EXPECT_EQ(s->events[4].from.ToPeerSet(), (PeerSet{11}));
  EXPECT_EQ(s->churn[0].nodes.size(), 10);  // default: the initial nodes
  EXPECT_EQ(s->metrics_window, SimDuration::Milliseconds(500));
  EXPECT_EQ(s->settle, SimDuration::Seconds(3));
  EXPECT_EQ(s->snapshot_times, (std::vector<SimTime>{SimTime::Zero() + SimDuration::Seconds(30),
                                                     SimTime::Zero() + SimDuration::Seconds(60)}));
  EXPECT_EQ(s->snapshot_roots.ToPeerSet(), (PeerSet{0, 1}));
  ASSERT_EQ(s->expectations.size(), 3u);
  EXPECT_EQ(s->expectations[0].metric, Expectation::Metric::kReliabilityMin);
  EXPECT_EQ(s->expectations[0].bound, 0.99);
  EXPECT_EQ(s->expectations[0].handler, "all");
  EXPECT_EQ(s->expectations[1].before, SimTime::Zero() + SimDuration::Seconds(120));
}

TEST(ScenarioTest, HyParViewOptionsWithPartisanDefaults) {
  absl::StatusOr<Scenario> s = ParseScenario(std::string(kMinimal) + R"(
[membership]
kind = "hyparview"
active_max_size = 5
shuffle_interval = "5s"
)",
                                             "t.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->membership, "hyparview");
  EXPECT_EQ(s->hyparview.active_max_size, 5);
  EXPECT_EQ(s->hyparview.active_min_size, 3);
  EXPECT_EQ(s->hyparview.passive_max_size, 30);
  EXPECT_EQ(s->hyparview.shuffle_interval, absl::Seconds(5));
  EXPECT_EQ(s->hyparview.random_promotion_interval, absl::Seconds(5));
  absl::StatusOr<Scenario> again = ParseScenario(s->ToToml(), "resolved.toml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToToml(), s->ToToml());
}

// plumsim validate hands the simulation a real cluster's one-hop latencies.
TEST(ScenarioTest, AnEmpiricalLatencyIsReadAndWrittenBack) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(
name = "e"
duration = "10s"
[nodes]
count = 3
[network]
latency = { kind = "empirical", samples = ["1.5ms", "900us", "2ms"] }
)",
                                             "t.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->network.latency.kind, LatencyDistribution::Kind::kEmpirical);
  EXPECT_EQ(*s->network.latency.samples, (std::vector<SimDuration>{SimDuration::Microseconds(1500),
                                                                   SimDuration::Microseconds(900),
                                                                   SimDuration::Milliseconds(2)}));
  EXPECT_THAT(s->ToToml(), HasSubstr(R"(samples = [ '1.5ms', '900us', '2ms' ])"));
  absl::StatusOr<Scenario> again = ParseScenario(s->ToToml(), "resolved.toml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToToml(), s->ToToml());
}

TEST(ScenarioTest, AnEmpiricalLatencyWithoutSamplesIsAnErrorAtItsPosition) {
  for (const char* latency :
       {R"({ kind = "empirical" })", R"({ kind = "empirical", samples = [] })",
        R"({ kind = "empirical", samples = ["1ms", "soon"] })"}) {
    absl::StatusOr<Scenario> s = ParseScenario(
        absl::StrCat("name = \"e\"\nduration = \"10s\"\n[nodes]\ncount = 3\n[network]\nlatency = ",
                     latency, "\n"),
        "t.toml");
    ASSERT_FALSE(s.ok()) << latency;
    EXPECT_THAT(s.status().message(), HasSubstr("t.toml:6:")) << s.status();
    EXPECT_THAT(s.status().message(), HasSubstr("network.latency.samples")) << s.status();
    EXPECT_THAT(s.status().message(), Not(HasSubstr("t.toml:1:"))) << s.status();
  }
}

TEST(ScenarioTest, ResolvedFormReadsBackIdentically) {
  absl::StatusOr<Scenario> s = ParseScenario(kFull, "full.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  const std::string resolved = s->ToToml();
  absl::StatusOr<Scenario> again = ParseScenario(resolved, "resolved.toml");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << resolved;
  EXPECT_EQ(again->ToToml(), resolved);
}

TEST(ScenarioTest, SetOverridesValuesByDottedPath) {
  absl::StatusOr<Scenario> s = ParseScenario(
      kFull, "full.toml",
      {"nodes.start_jitter=\"1s\"", "seed=7", "network.loss=0.5", "name=renamed",
       "heartbeat.broadcast=false", "events.0.at=\"31s\"", "plumtree.lazy_tick_period=2s"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->start_jitter, SimDuration::Seconds(1));
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->network.loss, 0.5);
  EXPECT_EQ(s->name, "renamed");
  EXPECT_FALSE(s->heartbeat.broadcast);
  EXPECT_EQ(s->plumtree.lazy_tick_period, absl::Seconds(2));
  EXPECT_EQ(s->events[1].at, SimTime::Zero() + SimDuration::Seconds(31));
}

struct BadCase {
  std::string text;
  std::string expected;
};

TEST(ScenarioTest, ErrorsNameFileLineColumnAndWhatWasExpected) {
  const std::vector<BadCase> cases = {
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 0\n",
       "t.toml:4:9: nodes.count: expected an integer in [1,"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\ncolour = 1\n",
       "t.toml:5:10: nodes.colour: unknown key"},
      {"name = \"x\"\nduration = \"soon\"\n[nodes]\ncount = 2\n",
       "t.toml:2:12: duration: expected a duration"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes\ncount = 2\n", "t.toml:3:7: TOML syntax error"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[[events]]\nat = \"0s\"\nkind = "
       "\"crash\"\nnodes = \"n7\"\n",
       "t.toml:8:9: events.nodes: node n7 does not exist"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[[events]]\nat = \"2s\"\nkind = "
       "\"heal\"\n",
       "events.at: is after the end of the run"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[network]\nloss = 1.5\n",
       "t.toml:6:8: network.loss: expected a probability in [0, 1]"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[network]\nlatency = { kind = "
       "\"gamma\" }\n",
       "network.latency.kind: unknown latency kind \"gamma\"; expected one of: constant, uniform"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[[events]]\nat = \"0s\"\nkind = "
       "\"explode\"\n",
       "events.kind: unknown event kind \"explode\""},
      {"duration = \"1s\"\n[nodes]\ncount = 2\n", "name: missing"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[[events]]\nat = \"0s\"\nkind = "
       "\"join\"\nnodes = \"n3\"\n",
       "events.nodes: n2 never joins"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[[expect]]\nmetric = \"speed\"\n",
       "t.toml:6:10: expect.metric: unknown metric \"speed\""},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[[expect]]\nmetric = \"rmr_max\"\n",
       "expect.at_most: missing from this table (rmr_max needs at_most = <number>)"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[snapshots]\nat = [\"5s\"]\n",
       "snapshots.at: is after the end of the run"},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[membership]\nkind = \"gossip\"\n",
       "membership.kind: expected \"full\" or \"hyparview\""},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[membership]\nactive_rwl = 3\n",
       "membership.active_rwl: only for kind = \"hyparview\""},
      {"name = \"x\"\nduration = \"1s\"\n[nodes]\ncount = 2\n[membership]\nkind = "
       "\"hyparview\"\nactive_min_size = 9\n",
       "membership.active_max_size: needs 2 <= active_max_size"},
  };
  for (const BadCase& c : cases) {
    absl::StatusOr<Scenario> s = ParseScenario(c.text, "t.toml");
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(c.expected)) << c.text;
  }
}

TEST(ScenarioTest, BadOverridesAreErrors) {
  absl::StatusOr<Scenario> s = ParseScenario(kMinimal, "t.toml", {"nodes.count"});
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("--set nodes.count: expected key=value"));
  s = ParseScenario(kMinimal, "t.toml", {"nodes.count=\"many\""});
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("nodes.count: expected an integer"));
  s = ParseScenario(kMinimal, "t.toml", {"name.first=1"});
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("is not a table"));
}

TEST(ScenarioTest, MissingFileIsAnError) {
  absl::StatusOr<Scenario> s = LoadScenario("/nonexistent/x.toml");
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("/nonexistent/x.toml: cannot open"));
}

TEST(ScenarioTest, FormatNodeSetCompressesRanges) {
  EXPECT_EQ(FormatNodeSet({0, 1, 2, 3, 7, 9, 10}), "n0..n3, n7, n9..n10");
}

TEST(ScenarioTest, ReportsEveryErrorAtOnceInFileOrder) {
  absl::StatusOr<Scenario> s = ParseScenario(
      "name = 3\nduration = \"1s\"\n[nodes]\ncount = 0\n[network]\nloss = 2\nbogus = 1\n",
      "t.toml");
  ASSERT_FALSE(s.ok());
  const std::vector<std::string> lines = absl::StrSplit(s.status().message(), '\n');
  ASSERT_EQ(lines.size(), 4u) << s.status();
  EXPECT_THAT(lines[0], HasSubstr("t.toml:1:8: name: expected a string"));
  EXPECT_THAT(lines[1], HasSubstr("t.toml:4:9: nodes.count: expected an integer in [1,"));
  EXPECT_THAT(lines[2], HasSubstr("t.toml:6:8: network.loss: expected a probability"));
  EXPECT_THAT(lines[3], HasSubstr("t.toml:7:9: network.bogus: unknown key"));
  // At most kMaxReportedErrors, then a count of the rest.
  std::string many = "name = \"m\"\nduration = \"1s\"\n[nodes]\ncount = 1\n";
  for (int i = 0; i < 30; ++i) absl::StrAppend(&many, "[[events]]\nat = \"2s\"\nkind = \"heal\"\n");
  s = ParseScenario(many, "m.toml");
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("... and 10 more error(s)"));
}

TEST(ScenarioTest, MissingKeysPointAtTheirTable) {
  absl::StatusOr<Scenario> s = ParseScenario("description = \"x\"\n", "t.toml");
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("t.toml:1:1: name: missing from the top level"));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("t.toml:1:1: duration: missing"));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("t.toml:1:1: nodes: missing"));
  s = ParseScenario("name = \"x\"\nduration = \"1s\"\n\n[nodes]\nstart_interval = \"1s\"\n",
                    "t.toml");
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("t.toml:4:1: nodes.count: missing from this table"));
}

TEST(ScenarioTest, SetErrorsNameTheArgument) {
  absl::StatusOr<Scenario> s =
      ParseScenario(kMinimal, "t.toml", std::vector<std::string>{"nodes.count=\"x\""});
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("--set nodes.count=\"x\": nodes.count: expected an integer"));
  s = ParseScenario(kMinimal, "t.toml", std::vector<std::string>{"network={ latency = 5 }"});
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("--set network={ latency = 5 }: network.latency: expected a duration"));
}

TEST(ScenarioTest, TimesMustFitTheClockAndTimersAMillisecond) {
  const std::pair<std::string, std::string> cases[] = {
      {"duration = \"2562048h\"", "duration: expected at most 100000h"},
      {"duration = \"200000h\"", "duration: expected at most 100000h"},
      {"[network]\nlatency = \"3000000h\"", "network.latency: expected at most 100000h"},
      {"[plumtree]\nlazy_tick_period = \"2562048h\"", "plumtree.lazy_tick_period"},
      {"[plumtree]\nlazy_tick_period = \"1ns\"", "expected at least 1ms"},
      {"[membership]\nkind = \"hyparview\"\nshuffle_interval = \"10us\"", "expected at least 1ms"},
      {"[metrics]\nwindow = \"1ns\"", "metrics.window: expected at least 1ms"},
      {"[[events]]\nat = \"1s\"\nkind = \"broadcast\"\nfrom = \"n0\"\ncount = 100000000\n"
       "interval = \"100000h\"",
       "events.count: 100000000 messages 100000h apart would end after the run"},
      {"[[churn]]\nstart = \"0s\"\nend = \"10s\"\nmean_time_between_crashes = \"1ns\"\n"
       "downtime = \"1s\"",
       "churn.mean_time_between_crashes: expected at least 1ms"},
  };
  for (const auto& [extra, expected] : cases) {
    std::string text = "name = \"x\"\nduration = \"60s\"\n[nodes]\ncount = 4\n";
    if (absl::StartsWith(extra, "duration")) {
      text = absl::StrCat("name = \"x\"\n", extra, "\n[nodes]\ncount = 4\n");
    } else {
      absl::StrAppend(&text, extra, "\n");
    }
    absl::StatusOr<Scenario> s = ParseScenario(text, "t.toml");
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(expected)) << text;
  }
}

TEST(ScenarioTest, TimelineEventsThatCannotApplyAreRefused) {
  const std::string head =
      "name = \"x\"\nduration = \"60s\"\n[nodes]\ncount = 4\nstart_interval = \"1s\"\n";
  auto error = [&](const std::string& events) {
    absl::StatusOr<Scenario> s = ParseScenario(head + events, "t.toml");
    return s.ok() ? std::string("ok") : std::string(s.status().message());
  };
  EXPECT_THAT(error("[[events]]\nat = \"10s\"\nkind = \"restart\"\nnodes = \"n1\"\n"),
              HasSubstr("t.toml:6:1: events: cannot restart n1 at 10s: it is running then"));
  EXPECT_THAT(error("[[events]]\nat = \"10s\"\nkind = \"crash\"\nnodes = \"n1\"\n"
                    "[[events]]\nat = \"11s\"\nkind = \"crash\"\nnodes = \"n0..n3\"\n"),
              HasSubstr("cannot crash n1 at 11s: it is crashed then"));
  EXPECT_THAT(error("[[events]]\nat = \"2.5s\"\nkind = \"crash\"\nnodes = \"n3\"\n"),
              HasSubstr("cannot crash n3 at 2.5s: it starts at 3s"));
  EXPECT_THAT(error("[[events]]\nat = \"10s\"\nkind = \"crash\"\nnodes = \"n4\"\n"
                    "[[events]]\nat = \"20s\"\nkind = \"join\"\nnodes = \"n4\"\n"),
              HasSubstr("cannot crash n4 at 10s: it has not joined yet"));
  EXPECT_THAT(error("[[events]]\nat = \"10s\"\nkind = \"leave\"\nnodes = \"n2\"\n"
                    "[[events]]\nat = \"20s\"\nkind = \"restart\"\nnodes = \"n2\"\n"),
              HasSubstr("cannot restart n2 at 20s: it has left then"));
  // Valid sequences, and churn (only the run knows) are accepted.
  EXPECT_EQ(error("[[events]]\nat = \"10s\"\nkind = \"crash\"\nnodes = \"n1\"\n"
                  "[[events]]\nat = \"20s\"\nkind = \"restart\"\nnodes = \"n1\"\n"),
            "ok");
  EXPECT_EQ(error("[[churn]]\nstart = \"5s\"\nend = \"50s\"\nmean_time_between_crashes = "
                  "\"2s\"\ndowntime = \"1s\"\n[[events]]\nat = \"30s\"\nkind = "
                  "\"restart\"\nnodes = \"n1\"\n"),
            "ok");
}

// "all" over ten million nodes is one range: a file naming it hundreds of
// times is checked in moments, with no memory to speak of.
TEST(ScenarioTest, HugeNodeSetsStayRanges) {
  std::string text = "name = \"x\"\nduration = \"600s\"\n[nodes]\ncount = 10000000\n";
  for (int i = 0; i < 300; ++i) {
    absl::StrAppend(&text, "[[events]]\nat = \"", i % 2 == 0 ? 1 + i : 1 + i, "s\"\nkind = \"",
                    i % 2 == 0 ? "crash" : "restart", "\"\nnodes = \"all\"\n");
  }
  absl::StatusOr<Scenario> s = ParseScenario(text, "t.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->events[0].nodes.size(), 10'000'000);
  EXPECT_EQ(s->events[0].nodes.ranges().size(), 1u);
}

// "random 40%": a share of the initial nodes (or of `of`), drawn from the
// scenario's seed: the same seed gives the same set, another seed another,
// exactly the share asked for, spread over the whole id range (a contiguous
// range would favour HyParView's late joiners).
TEST(ScenarioTest, RandomNodeSetsByShare) {
  auto crash = [](const std::string& nodes, uint64_t seed, const std::string& extra = "") {
    absl::StatusOr<Scenario> s = ParseScenario(
        absl::StrCat("name = \"r\"\nseed = ", seed,
                     "\nduration = \"60s\"\n[nodes]\ncount = 10000\n[[events]]\nat = \"10s\"\n"
                     "kind = \"crash\"\nnodes = \"",
                     nodes, "\"\n", extra),
        "r.toml");
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->events[0].nodes : NodeSet();
  };
  const NodeSet a = crash("random 40%", 1);
  EXPECT_EQ(a.size(), 4000);
  EXPECT_EQ(crash("random 40%", 1), a);
  EXPECT_FALSE(crash("random 40%", 2) == a);
  int64_t low = 0;
  for (NodeId n : a) low += n < 5000;
  EXPECT_GT(low, 1800);
  EXPECT_LT(low, 2200);
  EXPECT_EQ(crash("random 4000", 1).size(), 4000);
  const NodeSet of = crash("random 10% of n100..n1099", 3);
  EXPECT_EQ(of.size(), 100);
  EXPECT_GE(of.front(), 100u);
  EXPECT_LE(of.back(), 1099u);
  const NodeSet key = crash("random 10%", 3, "of = \"n100..n1099\"\n");
  EXPECT_EQ(key, of);  // the same population, the same first stream
  EXPECT_EQ(crash("random 100%", 5).size(), 10000);
  // The resolved form lists the nodes drawn, and loads back to the same run.
  absl::StatusOr<Scenario> s = ParseScenario(
      "name = \"r\"\nduration = \"60s\"\n[nodes]\ncount = 50\n[[events]]\nat = \"10s\"\n"
      "kind = \"crash\"\nnodes = \"random 20%\"\n",
      "r.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<Scenario> again = ParseScenario(s->ToToml(), "resolved.toml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->events[0].nodes, s->events[0].nodes);
  EXPECT_EQ(again->ToToml(), s->ToToml());
}

TEST(ScenarioTest, RandomNodeSetErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {"nodes = \"random 0%\"", "is no node"},
      {"nodes = \"random 101%\"", "a share of at most 100%"},
      {"nodes = \"random 11\"", "at most the 10 to draw from"},
      {"nodes = \"random 2.5\"", "a whole number of nodes"},
      {"nodes = \"random lots\"", "expected \"random 40%\""},
      {"nodes = \"random 10% of n3..n99\"", "node n99 does not exist"},
      {"nodes = \"n1\"\nof = \"n0..n5\"", "`of` applies only to a random node set"},
  };
  for (const auto& [line, expected] : cases) {
    absl::StatusOr<Scenario> s = ParseScenario(
        absl::StrCat("name = \"r\"\nduration = \"60s\"\n[nodes]\ncount = 10\n[[events]]\n"
                     "at = \"10s\"\nkind = \"crash\"\n",
                     line, "\n"),
        "r.toml");
    ASSERT_FALSE(s.ok()) << line;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(expected)) << line;
  }
  absl::StatusOr<Scenario> join = ParseScenario(
      "name = \"r\"\nduration = \"60s\"\n[nodes]\ncount = 10\n[[events]]\nat = \"10s\"\n"
      "kind = \"join\"\nnodes = \"random 2\"\n",
      "r.toml");
  EXPECT_THAT(std::string(join.status().message()), HasSubstr("takes no random set"));
  join = ParseScenario(
      "name = \"r\"\nduration = \"60s\"\n[nodes]\ncount = 10\n[[events]]\nat = \"10s\"\n"
      "kind = \"join\"\nnodes = [\"n10\", \"random 2\"]\n",
      "r.toml");
  EXPECT_THAT(std::string(join.status().message()), HasSubstr("takes no random set"));
}

}  // namespace
}  // namespace plumsim
