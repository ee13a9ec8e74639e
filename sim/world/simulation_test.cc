#include "sim/world/simulation.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/world/run_counters.h"

namespace plumsim {
namespace {

Scenario Parse(const std::string& text, const std::vector<std::string>& sets = {}) {
  absl::StatusOr<Scenario> s = ParseScenario(text, "test.toml", sets);
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

constexpr char kBase[] = R"(
name = "lifecycle"
duration = "100s"
[nodes]
count = 4
[network]
latency = "2ms"
)";

SimTime At(int64_t seconds) { return SimTime::Zero() + SimDuration::Seconds(seconds); }

TEST(SimulationTest, HeartbeatsReachEveryNode) {
  RunCounters stats;
  Simulation sim(Parse(kBase), &stats);
  sim.RunUntil(At(35));  // heartbeats at 10, 20, 30 s from 4 nodes
  EXPECT_EQ(stats.originated[kHeartbeatHandler], 12u);
  EXPECT_EQ(stats.merged_new[kHeartbeatHandler], 12u * 3);
  for (NodeId n = 0; n < 4; ++n) {
    const HeartbeatBackend* b = sim.node(n).backend();
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->table_size(), 4u);  // own + 3 others
    for (NodeId origin = 0; origin < 4; ++origin) {
      EXPECT_EQ(b->Lookup(origin)->received.DebugString(), "[1..3]");
    }
  }
}

TEST(SimulationTest, RestartGivesANewLargerEpochAndOldHeartbeatsBecomeStale) {
  Scenario s = Parse(std::string(kBase) + R"(
[[events]]
at = "25s"
kind = "crash"
nodes = "n2"
[[events]]
at = "32s"
kind = "restart"
nodes = "n2"
contact = "n0"
)");
  Simulation sim(s, nullptr);
  sim.RunUntil(At(26));
  EXPECT_FALSE(sim.node(2).running());
  EXPECT_EQ(sim.node(2).backend(), nullptr);  // all state lost
  const int64_t old_epoch = sim.node(2).epoch();
  sim.RunUntil(At(45));  // n2 restarted at 32 s, first heartbeat at 42 s
  ASSERT_TRUE(sim.node(2).running());
  EXPECT_GT(sim.node(2).epoch(), old_epoch);
  EXPECT_EQ(sim.node(2).incarnation(), 2u);
  // The restarted node starts counting from 1 again, in its new epoch.
  EXPECT_EQ(sim.node(2).backend()->monotonic(), 1);
  const HeartbeatBackend* other = sim.node(0).backend();
  const std::optional<HeartbeatBackend::Entry> entry = other->Lookup(2);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->epoch, sim.node(2).epoch());
  EXPECT_EQ(entry->received.DebugString(), "[1]");
  // A heartbeat of the old incarnation is stale now, even one never seen.
  HeartbeatBackend* mutable_other = const_cast<HeartbeatBackend*>(other);
  EXPECT_TRUE(mutable_other->IsStale(HeartbeatTimestamp{2, old_epoch, 99}.ToId()));
}

TEST(SimulationTest, CrashedNodeStaysAMemberAndMissesItsHeartbeats) {
  for (const char* transport : {"tcp", "datagram"}) {
    Scenario s = Parse(std::string(kBase) + R"(
[[events]]
at = "15s"
kind = "crash"
nodes = "n3"
)",
                       {absl::StrCat("network.transport=\"", transport, "\"")});
    RunCounters stats;
    Simulation sim(s, &stats);
    sim.RunUntil(At(35));
    // n3 sent only its 10 s heartbeat; the others keep n3 as a member.
    EXPECT_EQ(stats.originated[kHeartbeatHandler], 4u + 3u + 3u);
    EXPECT_TRUE(ordsets::IsElement(3, sim.node(0).server()->BroadcastMembers()));
    if (std::string(transport) == "datagram") {
      EXPECT_GT(stats.dropped[static_cast<int>(DropReason::kUnreachable)], 0u);
      continue;
    }
    // tcp, process crash: n3's own 6 connections (3 peers, 2 channels) go
    // with it; the OS resets the others' 6 connections to n3 one latency
    // later; sends to n3 then find no connection, and the full-membership
    // manager's reconnects are refused every connection_interval.
    EXPECT_EQ(stats.connections_closed[static_cast<int>(CloseReason::kCrash)], 6u);
    EXPECT_EQ(stats.connections_closed[static_cast<int>(CloseReason::kPeerClosed)], 6u);
    EXPECT_GT(stats.dropped[static_cast<int>(DropReason::kNotConnected)], 0u);
    EXPECT_EQ(stats.dropped[static_cast<int>(DropReason::kUnreachable)], 0u);
    EXPECT_FALSE(sim.node(0).IsConnected(3));
  }
}

// Full membership over tcp re-connects what died, every connection_interval
// (partisan_pluggable_peer_service_manager:schedule_connections/0).
TEST(SimulationTest, FullMembershipReconnectsAfterTheCrashedNodeRestarts) {
  Scenario s = Parse(std::string(kBase) + R"(
[[events]]
at = "15s"
kind = "crash"
nodes = "n3"
[[events]]
at = "20s"
kind = "restart"
nodes = "n3"
)");
  RunCounters stats;
  Simulation sim(s, &stats);
  sim.RunUntil(At(19));
  EXPECT_FALSE(sim.node(0).IsConnected(3));
  sim.RunUntil(At(22));
  for (NodeId n = 0; n < 3; ++n) {
    EXPECT_TRUE(sim.node(n).IsConnected(3)) << n;
    EXPECT_TRUE(sim.node(3).IsConnected(n)) << n;
  }
  // 12 pairs with 2 channels each at the start; 6 pairs again after the
  // restart.
  EXPECT_EQ(stats.connections_opened, 24u + 12u);
}

// Node names are atoms: the broadcast server's ordsets follow their text
// (n10 and n11 before n2); [nodes] names can change the order.
TEST(SimulationTest, BroadcastServerSetsFollowErlangNameOrder) {
  Scenario s = Parse(std::string(kBase), {"nodes.count=12"});
  Simulation sim(s, nullptr);
  sim.RunUntil(At(1));
  EXPECT_EQ(sim.node(3).server()->common_eagers(), (PeerSet{0, 10, 11, 1, 2, 4, 5, 6, 7, 8, 9}));
  Scenario renamed = Parse(R"(
name = "renamed"
duration = "10s"
[nodes]
count = 12
names = { n0 = "z@host" }
)");
  Simulation sim2(renamed, nullptr);
  sim2.RunUntil(At(1));
  EXPECT_EQ(sim2.node(3).server()->common_eagers(), (PeerSet{10, 11, 1, 2, 4, 5, 6, 7, 8, 9, 0}));
}

// Counts the timers each node's processes ran.
class TimerCounter : public SimObserver {
 public:
  void OnTimer(NodeId node, TimerKind kind) override {
    if (node == 0 && kind == TimerKind::kLazyTick) ++lazy_ticks_n0;
  }
  int lazy_ticks_n0 = 0;
};

// A gen_server handles one message at a time: with a service time, a
// burst queues in the mailbox. schedule_tick/3 re-arms the lazy tick with
// erlang:send_after/3 inside the handler, so each tick's handling time
// shifts every later tick (partisan_plumtree_broadcast:handle_info(lazy_tick)).
TEST(SimulationTest, ServiceTimeQueuesMessagesAndDelaysReArmedTimers) {
  TimerCounter free_ticks, slow_ticks;
  Simulation free_run(Parse(std::string(kBase)), &free_ticks);
  free_run.RunUntil(At(100));
  Simulation slow(Parse(std::string(kBase) + R"(
[processing]
broadcast_server = "20ms"
)"),
                  &slow_ticks);
  slow.RunUntil(At(100));
  EXPECT_EQ(free_run.process_stats().queued(ProcessKind::kBroadcastServer), 0u);
  EXPECT_GT(slow.process_stats().queued(ProcessKind::kBroadcastServer), 0u);
  EXPECT_GE(slow.process_stats().max_length(ProcessKind::kBroadcastServer), 2u);
  EXPECT_GT(slow.process_stats().max_wait(ProcessKind::kBroadcastServer), SimDuration::Zero());
  EXPECT_EQ(slow.process_stats().queued(ProcessKind::kBackend), 0u);
  // Free: ERTS's tick makes each period 1001 or 1002 ms (the re-arm comes
  // timer_dispatch after the tick the timer fired on), 99 ticks in 100 s.
  // Slow: 1 s + 20 ms + the same (at least; queued inputs delay them more).
  EXPECT_EQ(free_ticks.lazy_ticks_n0, 99);
  EXPECT_LE(slow_ticks.lazy_ticks_n0, 98);
  EXPECT_GE(slow_ticks.lazy_ticks_n0, 90);
}

// [nodes] bootstrap = "seed": every node joins through n0, as a deployment
// configures it. With start_jitter some start before n0 does, and their
// join is lost for good (handle_cast({join, ...}) ignores the error,
// partisan_hyparview_peer_service_manager ~lines 999-1016): they stay
// alone, listed by nobody. "started" (the default) never loses one.
TEST(SimulationTest, AJoinThroughAContactNotUpYetIsLostForGood) {
  const std::string overlay = R"(
name = "race"
duration = "60s"
[nodes]
count = 10
start_interval = "0s"
start_jitter = "2s"
bootstrap = "seed"
[membership]
kind = "hyparview"
[network]
latency = "3ms"
)";
  RunCounters stats;
  Simulation sim(Parse(overlay), &stats);
  sim.RunUntil(At(60));
  ASSERT_GT(stats.joins_lost, 0u);
  int alone = 0;
  for (NodeId n = 1; n < 10; ++n) {
    if (sim.node(n).hyparview()->active().size() == 1) ++alone;  // itself only
  }
  EXPECT_EQ(static_cast<uint64_t>(alone), stats.joins_lost);
  RunCounters started_stats;
  Simulation started(Parse(overlay, {"nodes.bootstrap=\"started\""}), &started_stats);
  started.RunUntil(At(60));
  EXPECT_EQ(started_stats.joins_lost, 0u);
}

// slow / slow_end: a starved machine's service times and timer dispatch
// are `factor` times longer while it lasts, and only on that machine.
TEST(SimulationTest, ASlowNodeQueuesWhileStarvedAndOnlyThen) {
  const std::string base = std::string(kBase) + R"(
[processing]
broadcast_server = "2ms"
)";
  TimerCounter plain_ticks, slow_ticks;
  Simulation plain(Parse(base), &plain_ticks);
  plain.RunUntil(At(100));
  Simulation slow(Parse(base + R"(
[[events]]
at = "20s"
kind = "slow"
nodes = "n0"
factor = 50
[[events]]
at = "60s"
kind = "slow_end"
nodes = "n0"
)"),
                  &slow_ticks);
  slow.RunUntil(At(100));
  EXPECT_EQ(slow.StarvedTime(), SimDuration::Seconds(40));
  EXPECT_EQ(plain.StarvedTime(), SimDuration::Zero());
  EXPECT_EQ(slow.node(0).slow_factor(), 1);
  // 100 ms per message on n0 for 40 s: its lazy ticks come later, its
  // mailbox waits; n1 keeps its pace.
  EXPECT_GT(slow.process_stats().max_wait(ProcessKind::kBroadcastServer),
            plain.process_stats().max_wait(ProcessKind::kBroadcastServer));
  EXPECT_LT(slow_ticks.lazy_ticks_n0, plain_ticks.lazy_ticks_n0 - 2);
}

// partisan_peer_service_client:init/1 connects inside the manager's call:
// the HyParView manager waits a round trip per connect, and what arrives
// meanwhile waits in its mailbox. Over datagrams connects are instant.
TEST(SimulationTest, BlockingConnectsMakeTheManagersMailboxWait) {
  const std::string overlay = std::string(R"(
name = "overlay"
duration = "20s"
[nodes]
count = 60
start_interval = "10ms"
[membership]
kind = "hyparview"
[network]
latency = "3ms"
)");
  Simulation tcp(Parse(overlay), nullptr);
  tcp.RunUntil(At(20));
  Simulation datagram(Parse(overlay, {"network.transport=\"datagram\""}), nullptr);
  datagram.RunUntil(At(20));
  EXPECT_GT(tcp.process_stats().queued(ProcessKind::kPeerService), 0u);
  EXPECT_GE(tcp.process_stats().max_wait(ProcessKind::kPeerService), SimDuration::Milliseconds(1));
  EXPECT_EQ(datagram.process_stats().queued(ProcessKind::kPeerService), 0u);
  EXPECT_GT(tcp.process_stats().inputs(ProcessKind::kPeerService), 0u);
  // Each connect blocks the manager a round trip (6 ms) at least: the total
  // is counted per process kind; only the manager connects. The broadcast
  // server waits too when it sends to a peer it has no connection to (a
  // sender it made eager): forward_message/4 calls the busy manager.
  const ProcessStats& stats = tcp.process_stats();
  EXPECT_GE(stats.blocked(ProcessKind::kPeerService), SimDuration::Milliseconds(6) * 60);
  EXPECT_GT(stats.blocked(ProcessKind::kBroadcastServer), SimDuration::Zero());
  EXPECT_LT(stats.blocked(ProcessKind::kBroadcastServer), stats.blocked(ProcessKind::kPeerService));
  EXPECT_EQ(stats.blocked(ProcessKind::kBackend), SimDuration::Zero());
  EXPECT_EQ(datagram.process_stats().blocked(ProcessKind::kPeerService), SimDuration::Zero());
}

// A dead listener (docs/runtime-model.md, "A dead listener"): n3's inbound
// connections close (partisan_peer_service_server stops on the listen
// socket's 'DOWN'); each peer holding one gets 'EXIT' and drops n3 from its
// views without telling it (partisan_hyparview_peer_service_manager
// handle_info({'EXIT', ...}), ~lines 1135-1189). n3's own connections live
// on, so it keeps those peers: one-way active views.
TEST(SimulationTest, ADeadListenerLeavesOneWayActiveViews) {
  const std::string overlay = std::string(R"(
name = "listener"
duration = "40s"
[nodes]
count = 12
start_interval = "10ms"
[membership]
kind = "hyparview"
[network]
latency = "3ms"
[[events]]
at = "20s"
kind = "listener_down"
nodes = "n3"
)");
  RunCounters stats;
  Simulation sim(Parse(overlay), &stats);
  sim.RunUntil(At(20) - SimDuration::Milliseconds(1));
  auto lists_n3 = [&sim](NodeId n) {
    const PeerSet& active = sim.node(n).hyparview()->active();
    return n != 3 && std::find(active.begin(), active.end(), 3u) != active.end();
  };
  PeerSet listed_by;
  for (NodeId n = 0; n < 12; ++n) {
    if (lists_n3(n)) listed_by.push_back(n);
  }
  ASSERT_FALSE(listed_by.empty());
  sim.RunUntil(At(20) + SimDuration::Milliseconds(100));
  EXPECT_GT(stats.connections_closed[static_cast<int>(CloseReason::kListenerClosed)], 0u);
  for (NodeId n : listed_by) EXPECT_FALSE(lists_n3(n)) << "n" << n;
  // n3 still lists its peers, and still has connections to them.
  int one_way = 0;
  for (NodeId peer : sim.node(3).hyparview()->active()) {
    if (peer == 3) continue;
    EXPECT_TRUE(sim.node(3).IsConnected(peer));
    one_way += lists_n3(peer) ? 0 : 1;
  }
  EXPECT_GT(one_way, 0);
}

// forward_message/4 (partisan_pluggable_peer_service_manager ~lines
// 564-571): a send that finds no connection becomes gen_server:call into
// the manager, which is blocked in its connect loop: n3 is cut off for
// good, its connections die by ping timeout (~80 s), and from then on
// every round the manager tries n3 twice (Members ++ Pending), 1 s each.
// The broadcast servers' sends to n3 wait for it, and so does what they
// send after them: heartbeats among n0..n2 arrive late.
TEST(SimulationTest, SendsWithoutAConnectionWaitForTheManagersConnects) {
  Scenario s = Parse(std::string(kBase) + R"(
[[events]]
at = "10s"
kind = "partition"
groups = ["n0..n2", "n3"]
)");
  RunCounters stats;
  Simulation sim(s, &stats);
  sim.RunUntil(At(75));
  EXPECT_EQ(sim.process_stats().blocked(ProcessKind::kBroadcastServer), SimDuration::Zero());
  sim.RunUntil(At(100));
  EXPECT_GT(stats.connections_closed[static_cast<int>(CloseReason::kPingTimeout)], 0u);
  EXPECT_GE(sim.process_stats().blocked(ProcessKind::kBroadcastServer), SimDuration::Seconds(1));
  EXPECT_EQ(sim.process_stats().blocked(ProcessKind::kBackend), SimDuration::Zero());
}

TEST(SimulationTest, JoinAndLeaveUpdateEveryBroadcastServer) {
  Scenario s = Parse(std::string(kBase) + R"(
[[events]]
at = "15s"
kind = "join"
nodes = "n4"
[[events]]
at = "25s"
kind = "leave"
nodes = "n1"
)");
  Simulation sim(s, nullptr);
  sim.RunUntil(At(16));
  EXPECT_EQ(sim.node(0).server()->BroadcastMembers(), (PeerSet{0, 1, 2, 3, 4}));
  EXPECT_EQ(sim.node(4).server()->common_eagers(), (PeerSet{0, 1, 2, 3}));
  sim.RunUntil(At(26));
  EXPECT_FALSE(sim.node(1).running());
  EXPECT_EQ(sim.node(0).server()->BroadcastMembers(), (PeerSet{0, 2, 3, 4}));
  EXPECT_EQ(sim.members(), (PeerSet{0, 2, 3, 4}));
}

constexpr char kPartition15To35[] = R"(
[[events]]
at = "15s"
kind = "partition"
groups = ["n0..n1", "n2..n3"]
[[events]]
at = "35s"
kind = "heal"
)";

TEST(SimulationTest, DatagramPartitionDropsAcrossAndHealRestores) {
  Scenario s = Parse(std::string(kBase) + kPartition15To35, {"network.transport=\"datagram\""});
  Simulation sim(s, nullptr);
  sim.RunUntil(At(34));
  // n0 got n2's heartbeats 1 only (10 s); 20 s and 30 s were cut off.
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1]");
  sim.RunUntil(At(37));
  // Within a lazy tick of the heal, the i_haves held back while n2's side
  // was unreachable are sent; n0 grafts heartbeats 2 and 3.
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1..3]");
  sim.RunUntil(At(45));
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1..4]");
}

constexpr char kPartition15To25[] = R"(
[[events]]
at = "15s"
kind = "partition"
groups = ["n0..n1", "n2..n3"]
[[events]]
at = "25s"
kind = "heal"
)";

// tcp: during a 10 s cut each client pings at most once (its idle timer
// runs 20 s from its last pong), so the pong that comes back is its latest
// ping's and no connection dies; what was sent across waits, and arrives
// with TCP's first retransmission after the heal. Nothing crosses between
// 15 and 20 s (the trees are built); the 20 s heartbeats are the first
// unacknowledged data, retransmitted 0.2, 0.6, 1.4, 3, 6.2 s later: at
// 26.2 s, not at the heal (25 s).
TEST(SimulationTest, TcpShortPartitionHoldsMessagesAndDeliversThemAfterTheHeal) {
  RunCounters stats;
  Simulation sim(Parse(std::string(kBase) + kPartition15To25), &stats);
  sim.RunUntil(At(24));
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1]");
  EXPECT_TRUE(sim.node(0).IsConnected(2));  // the connection lives
  sim.RunUntil(At(26));
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1]");
  sim.RunUntil(At(27));
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1..2]");
  sim.RunUntil(At(100));
  uint64_t closed = 0;
  for (uint64_t c : stats.connections_closed) closed += c;
  EXPECT_EQ(closed, 0u);
  EXPECT_GT(stats.held, 0u);
  EXPECT_EQ(stats.released, stats.held);
  EXPECT_EQ(stats.held_longest, SimDuration::Milliseconds(6200));
  EXPECT_EQ(stats.dropped[static_cast<int>(DropReason::kCut)], 0u);
}

// tcp: a 20 s cut holds two pings of each client across it (its idle timer
// fires ~20 s after the pong before the cut, then retries 10 s later).
// After the heal (TCP resends at 45.4 s) the pong of the first ping reaches
// a client whose latest ping is the second: every cross connection stops
// with {invalid_ping_response, Pong}, and the managers reconnect.
TEST(SimulationTest, TcpTwentySecondPartitionEndsInStalePongs) {
  RunCounters stats;
  Simulation sim(Parse(std::string(kBase) + kPartition15To35), &stats);
  sim.RunUntil(At(45));
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1]");
  sim.RunUntil(At(48));  // the backlog, then the 40 s heartbeat by graft
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1..4]");
  sim.RunUntil(At(100));
  // 8 cross pairs, both channels' connections.
  EXPECT_EQ(stats.connections_closed[static_cast<int>(CloseReason::kInvalidPingResponse)], 16u);
  EXPECT_EQ(stats.connections_closed[static_cast<int>(CloseReason::kPingTimeout)], 0u);
  EXPECT_TRUE(sim.node(0).IsConnected(2));  // reconnected
  EXPECT_EQ(sim.node(0).backend()->Lookup(2)->received.DebugString(), "[1..9]");
}

TEST(SimulationTest, ApplicationBroadcastsReachEveryNodeWithHeartbeatsOff) {
  Scenario s = Parse(std::string(kBase) + R"(
[heartbeat]
broadcast = false
[[events]]
at = "1s"
kind = "broadcast"
from = "n0..n1"
count = 10
interval = "500ms"
size = 100
)");
  RunCounters stats;
  Simulation sim(s, &stats);
  sim.RunUntil(At(20));
  EXPECT_EQ(stats.originated[kHeartbeatHandler], 0u);
  EXPECT_EQ(stats.originated[kStoreHandler], 10u);
  EXPECT_EQ(stats.merged_new[kStoreHandler], 30u);
  for (NodeId n = 0; n < 4; ++n) EXPECT_EQ(sim.node(n).store()->delivered_count(), 10u);
}

TEST(SimulationTest, ChurnCrashesAndRestartsNodes) {
  Scenario s = Parse(std::string(kBase) + R"(
[[churn]]
start = "10s"
end = "90s"
mean_time_between_crashes = "5s"
downtime = "3s"
)");
  RunCounters stats;
  Simulation sim(s, &stats);
  sim.Run();
  const uint64_t crashes = stats.node_events[static_cast<int>(NodeEventKind::kCrash)];
  const uint64_t restarts = stats.node_events[static_cast<int>(NodeEventKind::kRestart)];
  EXPECT_GT(crashes, 5u);
  EXPECT_GE(restarts + 1, crashes);  // all but possibly the last came back
}

// The usage example at the top of simulation.h, with the scenario parsed
// from text instead of loaded from scenarios/.
absl::Status RunTheHeadersExample(int64_t* heartbeats) {
  absl::StatusOr<Scenario> scenario = ParseScenario(kBase, "test.toml", {"duration=\"35s\""});
  if (!scenario.ok()) return scenario.status();
  RunCounters counters;  // an observer (sim/world/run_counters.h)
  ObserverList observers;
  observers.Add(&counters);
  Simulation simulation(*scenario, &observers);
  simulation.Run();  // to the scenario's duration
  *heartbeats = static_cast<int64_t>(counters.originated[kHeartbeatHandler]);
  EXPECT_EQ(simulation.now(), At(35));
  EXPECT_NE(simulation.node(0).backend(), nullptr);
  return absl::OkStatus();
}

TEST(SimulationTest, TheHeadersUsageExampleRunsToTheDuration) {
  int64_t heartbeats = 0;
  ASSERT_TRUE(RunTheHeadersExample(&heartbeats).ok());
  EXPECT_EQ(heartbeats, 12);  // 4 nodes at 10, 20 and 30 s
}

}  // namespace
}  // namespace plumsim
