// A node's incarnations and its processes (docs/runtime-model.md,
// "Processes"), driven directly on an EventLoop and a datagram Network.
#include "sim/world/node_host.h"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

constexpr SimDuration kMs = SimDuration::Milliseconds(1);
SimTime T(int64_t ms) { return SimTime::Zero() + kMs * ms; }

class Recorder final : public SimObserver, public MessageReceiver {
 public:
  explicit Recorder(const EventLoop* sim) : sim_(sim) {}
  void Deliver(NodeId from, NodeId to, const Message&) override { delivered.push_back({from, to}); }
  void OnSend(NodeId, NodeId to, const Message&) override { log.push_back("send " + N(to)); }
  void OnDrop(NodeId, NodeId to, const Message&, DropReason r) override {
    log.push_back("drop " + N(to) + " " + DropReasonName(r));
  }
  void OnTimer(NodeId, TimerKind kind) override { timers.push_back({kind, sim_->now()}); }
  void OnMailboxWait(NodeId, ProcessKind kind, SimDuration waited) override {
    waits.push_back({kind, waited});
  }
  void OnMembership(NodeId, const PeerSet& members) override {
    memberships.push_back({members, sim_->now()});
  }
  std::vector<SimTime> TimesOf(TimerKind kind) const {
    std::vector<SimTime> out;
    for (const auto& [k, at] : timers) {
      if (k == kind) out.push_back(at);
    }
    return out;
  }

  std::vector<std::pair<NodeId, NodeId>> delivered;
  std::vector<std::string> log;
  std::vector<std::pair<TimerKind, SimTime>> timers;
  std::vector<std::pair<ProcessKind, SimDuration>> waits;
  std::vector<std::pair<PeerSet, SimTime>> memberships;

 private:
  static std::string N(NodeId n) { return "n" + std::to_string(n); }
  const EventLoop* sim_;
};

// One node host (node 0) of three nodes in a datagram network.
class NodeHostTest : public ::testing::Test {
 protected:
  NodeHostTest() {
    NetworkConfig net;
    net.transport = Transport::kDatagram;
    net.latency = LatencyDistribution::Constant(kMs * 5);
    network_ = std::make_unique<Network>(&sim_, net, 9, &rec_, &rec_);
    for (NodeId n = 0; n < 3; ++n) network_->SetNodeUp(n, true);
  }
  NodeHost& Host() {
    if (host_ == nullptr)
      host_ = std::make_unique<NodeHost>(0, &config_, &sim_, network_.get(), &rec_);
    return *host_;
  }
  // No protocol timers of their own within a test's time, unless asked.
  void Quiet() {
    config_.heartbeat.broadcast = false;
    config_.plumtree.lazy_tick_period = absl::Seconds(1000);
    config_.plumtree.exchange_tick_period = absl::Seconds(1000);
  }
  // Timers that fire exactly their delay after they are armed: no tick of
  // the VM's clock, no dispatch (for tests about something else).
  void ExactTimers() {
    config_.processing.timer_granularity = SimDuration::Nanoseconds(1);
    config_.processing.timer_dispatch.fill(LatencyDistribution::Constant(SimDuration::Zero()));
  }
  void At(int64_t ms, absl::AnyInvocable<void()> f) {
    sim_.ScheduleCallbackAt(T(ms), std::move(f));
  }

  EventLoop sim_;
  Recorder rec_{&sim_};
  NodeConfig config_;
  std::unique_ptr<Network> network_;
  std::unique_ptr<NodeHost> host_;
};

TEST_F(NodeHostTest, BootBuildsAFreshIncarnationAndKillDestroysIt) {
  NodeHost& host = Host();
  EXPECT_FALSE(host.running());
  host.Boot({0, 1, 2}, 5);
  EXPECT_TRUE(host.running());
  EXPECT_EQ(host.epoch(), 5);
  EXPECT_EQ(host.incarnation(), 1u);
  ASSERT_NE(host.server(), nullptr);
  EXPECT_NE(host.backend(), nullptr);
  EXPECT_NE(host.store(), nullptr);
  EXPECT_EQ(host.hyparview(), nullptr);  // full membership
  ASSERT_EQ(rec_.memberships.size(), 1u);
  EXPECT_EQ(rec_.memberships[0].first, (PeerSet{0, 1, 2}));
  host.Kill();
  EXPECT_FALSE(host.running());
  EXPECT_EQ(host.server(), nullptr);  // all state lost
  EXPECT_EQ(host.backend(), nullptr);
  EXPECT_FALSE(network_->IsUp(0));
  host.Boot({0, 1, 2}, 6);
  EXPECT_TRUE(network_->IsUp(0));
  EXPECT_EQ(host.incarnation(), 2u);
  EXPECT_EQ(host.epoch(), 6);
}

TEST_F(NodeHostTest, EachBootNeedsALargerEpochAndAStoppedNode) {
  NodeHost& host = Host();
  host.Boot({0}, 5);
  EXPECT_DEATH(host.Boot({0}, 6), "check failed: !running_");
  host.Kill();
  EXPECT_DEATH(host.Kill(), "check failed: running_");
  EXPECT_DEATH(host.Boot({0}, 5), "check failed: epoch > epoch_");
}

// The first incarnation's heartbeat (due at 10 s) dies with it; the second,
// booted at 7 s, beats at 17 s and 27 s.
TEST_F(NodeHostTest, TimersOfADeadIncarnationAreIgnored) {
  ExactTimers();
  NodeHost& host = Host();
  host.Boot({0, 1, 2}, 1);
  At(5000, [&] { host.Kill(); });
  At(7000, [&] { host.Boot({0, 1, 2}, 2); });
  sim_.RunUntil(T(30000));
  EXPECT_EQ(rec_.TimesOf(TimerKind::kHeartbeat), (std::vector<SimTime>{T(17000), T(27000)}));
}

// Each incarnation draws from a stream of its own (root seed, node id,
// incarnation): what the first incarnation drew does not shift the second.
TEST_F(NodeHostTest, EachIncarnationHasItsOwnRandomStream) {
  auto second_incarnation_draws = [](int first_draws) {
    EventLoop sim;
    NetworkConfig net;
    net.transport = Transport::kDatagram;
    Recorder rec(&sim);
    Network network(&sim, net, 9, &rec, &rec);
    NodeConfig config;
    NodeHost host(0, &config, &sim, &network, &rec);
    host.Boot({0}, 1);
    std::vector<uint64_t> first;
    for (int i = 0; i < first_draws; ++i) first.push_back(host.UniformInt(1000000));
    host.Kill();
    host.Boot({0}, 2);
    std::vector<uint64_t> second;
    for (int i = 0; i < 5; ++i) second.push_back(host.UniformInt(1000000));
    return std::make_pair(first, second);
  };
  const auto [first_a, second_a] = second_incarnation_draws(5);
  const auto [first_b, second_b] = second_incarnation_draws(50);
  EXPECT_EQ(second_a, second_b);
  EXPECT_NE(second_a, first_a);
  EXPECT_EQ(std::vector<uint64_t>(first_b.begin(), first_b.begin() + 5), first_a);
}

// A 20 ms service time for the broadcast server: its init runs at 0 s; of
// two update/1 casts at 1 s the first is handled at once, the second waits
// 20 ms in the mailbox.
TEST_F(NodeHostTest, ABusyProcessQueuesItsInputsInMailboxOrder) {
  Quiet();
  config_.processing.per_message[static_cast<int>(ProcessKind::kBroadcastServer)] =
      LatencyDistribution::Constant(kMs * 20);
  config_.free_processing[static_cast<int>(ProcessKind::kBroadcastServer)] = false;
  ProcessStats stats;
  config_.process_stats = &stats;
  NodeHost& host = Host();
  host.Boot({0, 1, 2}, 1);
  At(1000, [&] {
    host.UpdateMembership({0, 1});
    host.UpdateMembership({0});
  });
  sim_.RunUntil(T(2000));
  ASSERT_EQ(rec_.memberships.size(), 3u);
  EXPECT_EQ(rec_.memberships[1], std::make_pair(PeerSet{0, 1}, T(1000)));
  EXPECT_EQ(rec_.memberships[2], std::make_pair(PeerSet{0}, T(1020)));
  ASSERT_EQ(rec_.waits.size(), 1u);
  EXPECT_EQ(rec_.waits[0], std::make_pair(ProcessKind::kBroadcastServer, kMs * 20));
  EXPECT_EQ(stats.inputs(ProcessKind::kBroadcastServer), 3u);  // init and two casts
  EXPECT_EQ(stats.queued(ProcessKind::kBroadcastServer), 1u);
  EXPECT_EQ(stats.inputs(ProcessKind::kBackend), 1u);  // its init, free
}

// erlang:send_after/3 (sim/runtime/erlang_timers.h): a timer expires on a
// tick of its VM's clock, which falls at the incarnation's own phase within
// the millisecond; delays are whole milliseconds.
TEST_F(NodeHostTest, TimersExpireOnTicksOfTheirVmsClock) {
  Quiet();
  config_.processing.timer_dispatch.fill(LatencyDistribution::Constant(SimDuration::Zero()));
  NodeHost& host = Host();
  host.Boot({0}, 1);
  host.StartTimer(absl::Microseconds(1500), TimerKind::kLazyTick);  // 2 ms
  host.StartTimer(absl::Milliseconds(3), TimerKind::kLazyTick);
  const TimerHandle cancelled = host.StartTimer(absl::Milliseconds(4), TimerKind::kLazyTick);
  host.CancelTimer(cancelled);
  host.CancelTimer(0);  // no timer: harmless
  sim_.RunUntil(T(10));
  const std::vector<SimTime> fired = rec_.TimesOf(TimerKind::kLazyTick);
  ASSERT_EQ(fired.size(), 2u);
  // Armed at 0, between two ticks (or on one): each fires the first tick at
  // or after 0 plus its delay, at the same phase.
  const SimDuration phase = fired[0] - T(2);
  EXPECT_GE(phase, SimDuration::Zero());
  EXPECT_LT(phase, kMs);
  EXPECT_EQ(fired[1], T(3) + phase);
}

// Then its message reaches the process, and the handler runs, the process
// kind's timer_dispatch later. A handler re-arming its timer does so a
// little after a tick: each period is one tick longer than its delay.
TEST_F(NodeHostTest, ATimerRunsItsDispatchAfterItsTickAndPeriodsGainATick) {
  config_.heartbeat.broadcast = false;
  config_.plumtree.exchange_tick_period = absl::Seconds(1000);
  config_.plumtree.lazy_tick_period = absl::Milliseconds(1000);
  config_.processing.timer_dispatch[static_cast<int>(ProcessKind::kBroadcastServer)] =
      LatencyDistribution::Constant(SimDuration::Microseconds(300));
  NodeHost& host = Host();
  host.Boot({0}, 1);  // init arms the first lazy tick at 0
  sim_.RunUntil(T(5000));
  const std::vector<SimTime> ticks = rec_.TimesOf(TimerKind::kLazyTick);
  ASSERT_EQ(ticks.size(), 4u);
  // 1000 ms after the first tick at or after 0, plus the dispatch.
  EXPECT_GE(ticks[0], T(1000) + SimDuration::Microseconds(300));
  EXPECT_LT(ticks[0], T(1001) + SimDuration::Microseconds(300));
  for (size_t i = 1; i < ticks.size(); ++i) EXPECT_EQ(ticks[i] - ticks[i - 1], kMs * 1001);
}

// Every incarnation is a new VM: its own clock phase, drawn from its own
// stream (reproducible for a seed).
TEST_F(NodeHostTest, EachIncarnationTicksAtItsOwnPhase) {
  Quiet();
  config_.processing.timer_dispatch.fill(LatencyDistribution::Constant(SimDuration::Zero()));
  NodeHost& host = Host();
  std::vector<SimDuration> phases;
  for (int incarnation = 1; incarnation <= 4; ++incarnation) {
    const int64_t boot_ms = 100 * incarnation;
    At(boot_ms, [&, incarnation, boot_ms] {
      host.Boot({0}, incarnation);
      host.StartTimer(absl::Milliseconds(5), TimerKind::kLazyTick);
      At(boot_ms + 10, [&, boot_ms] {
        phases.push_back(rec_.TimesOf(TimerKind::kLazyTick).back() - T(boot_ms + 5));
        host.Kill();
      });
    });
  }
  sim_.RunUntil(T(1000));
  ASSERT_EQ(phases.size(), 4u);
  for (SimDuration p : phases) {
    EXPECT_GE(p, SimDuration::Zero());
    EXPECT_LT(p, kMs);
  }
  EXPECT_EQ(std::set<SimDuration>(phases.begin(), phases.end()).size(), 4u);
}

TEST_F(NodeHostTest, AGranularityOfOneNanosecondKeepsTheExactDelay) {
  Quiet();
  ExactTimers();
  NodeHost& host = Host();
  host.Boot({0}, 1);
  host.StartTimer(absl::Microseconds(1500), TimerKind::kLazyTick);
  sim_.RunUntil(T(10));
  EXPECT_EQ(rec_.TimesOf(TimerKind::kLazyTick),
            std::vector<SimTime>{SimTime::Zero() + SimDuration::Microseconds(1500)});
}

// HyParView over datagrams: do_send_message/3 without a connection gives
// {error, not_yet_connected}: the send is seen and dropped.
TEST_F(NodeHostTest, WithAConnectionTableASendNeedsAConnection) {
  Quiet();
  HyParViewConnections connections(network_.get());
  config_.connections = &connections;
  NodeHost& host = Host();
  host.Boot({0, 1}, 1);
  host.Send(1, PruneMsg{}, Channel::kDefault);
  EXPECT_EQ(rec_.log, (std::vector<std::string>{"send n1", "drop n1 not_connected"}));
  host.Connect(1);
  EXPECT_TRUE(host.IsConnected(1));
  EXPECT_EQ(host.ConnectedPeers(), PeerSet{1});
  host.Send(1, PruneMsg{}, Channel::kDefault);
  sim_.RunUntil(T(100));
  EXPECT_EQ(rec_.delivered, (std::vector<std::pair<NodeId, NodeId>>{{0, 1}}));
}

// Full membership: partisan_peer_connections:nodes/0 is every member the
// network reaches, without the node itself.
TEST_F(NodeHostTest, FullMembershipConnectedPeersAreTheReachableMembers) {
  Quiet();
  NodeHost& host = Host();
  host.Boot({0, 1, 2}, 1);
  EXPECT_EQ(host.ConnectedPeers(), (PeerSet{1, 2}));
  network_->Partition({{0, 1}, {2}});
  EXPECT_EQ(host.ConnectedPeers(), PeerSet{1});
  EXPECT_FALSE(host.IsConnected(2));
}

}  // namespace
}  // namespace plumsim
