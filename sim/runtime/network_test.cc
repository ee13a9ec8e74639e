#include "sim/runtime/network.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

struct Arrival {
  NodeId from, to;
  uint32_t round;  // used as a message counter
  SimTime at;
};

class Recorder : public MessageReceiver, public NetworkObserver {
 public:
  explicit Recorder(EventLoop* sim) : sim_(sim) {}
  void Deliver(NodeId from, NodeId to, const Message& m) override {
    arrivals.push_back({from, to, std::get<BroadcastMsg>(m).round, sim_->now()});
  }
  void OnSend(NodeId, NodeId, const Message&) override { ++sent; }
  void OnDeliver(NodeId, NodeId, const Message&) override {}
  void OnDrop(NodeId, NodeId, const Message&, DropReason r) override { drops.push_back(r); }
  std::vector<Arrival> arrivals;
  std::vector<DropReason> drops;
  int sent = 0;

 private:
  EventLoop* sim_;
};

Message Msg(uint32_t n) { return BroadcastMsg{{}, nullptr, 0, n, 0, 0}; }

class NetworkTest : public ::testing::Test {
 protected:
  void Make(NetworkConfig config, int nodes = 4) {
    config.transport = Transport::kDatagram;  // the datagram model; tcp: tcp_connections_test
    net_ = std::make_unique<Network>(&sim_, config, 7, &rec_, &rec_);
    for (int i = 0; i < nodes; ++i) net_->SetNodeUp(i, true);
  }
  EventLoop sim_;
  Recorder rec_{&sim_};
  std::unique_ptr<Network> net_;
};

TEST_F(NetworkTest, FifoPerLinkHoldsWithRandomLatency) {
  NetworkConfig config;
  config.latency = LatencyDistribution{
      LatencyDistribution::Kind::kExponential, SimDuration::Milliseconds(10), {}, 0};
  Make(config);
  for (uint32_t i = 0; i < 500; ++i) {
    net_->Send(0, 1, Msg(i));
    net_->Send(2, 1, Msg(i));
    sim_.RunUntil(sim_.now() + SimDuration::Microseconds(100));
  }
  sim_.RunUntilIdle();
  ASSERT_EQ(rec_.arrivals.size(), 1000u);
  uint32_t next0 = 0, next2 = 0;
  for (const Arrival& a : rec_.arrivals) {
    if (a.from == 0) {
      EXPECT_EQ(a.round, next0++);
    }
    if (a.from == 2) {
      EXPECT_EQ(a.round, next2++);
    }
  }
}

TEST_F(NetworkTest, ReorderLetsLaterMessagesOvertake) {
  NetworkConfig config;
  config.latency = LatencyDistribution{
      LatencyDistribution::Kind::kExponential, SimDuration::Milliseconds(10), {}, 0};
  config.reorder = true;
  Make(config);
  for (uint32_t i = 0; i < 200; ++i) net_->Send(0, 1, Msg(i));
  sim_.RunUntilIdle();
  int inversions = 0;
  for (size_t i = 1; i < rec_.arrivals.size(); ++i) {
    inversions += rec_.arrivals[i].round < rec_.arrivals[i - 1].round;
  }
  EXPECT_GT(inversions, 10);
}

TEST_F(NetworkTest, LossRateIsWithinBinomialTolerance) {
  NetworkConfig config;
  config.loss = 0.2;
  Make(config);
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) net_->Send(0, 1, Msg(0));
  sim_.RunUntilIdle();
  const double sd = std::sqrt(kN * 0.2 * 0.8);  // about 57
  EXPECT_NEAR(static_cast<double>(rec_.drops.size()), kN * 0.2, 5 * sd);
  EXPECT_EQ(rec_.drops.size() + rec_.arrivals.size(), static_cast<size_t>(kN));
  for (DropReason r : rec_.drops) EXPECT_EQ(r, DropReason::kLoss);
}

TEST_F(NetworkTest, DuplicationDeliversTwice) {
  NetworkConfig config;
  config.duplicate = 1.0;
  Make(config);
  net_->Send(0, 1, Msg(3));
  sim_.RunUntilIdle();
  EXPECT_EQ(rec_.arrivals.size(), 2u);
}

// Heavy tails (pareto with alpha 0.001) draw latencies past what the clock
// holds: those messages never arrive; they are dropped and counted, and the
// run goes on (it used to abort on the scheduler's overflow check).
TEST_F(NetworkTest, LatencyBeyondTheClockIsDroppedAsNeverArrives) {
  NetworkConfig config;
  config.latency.kind = LatencyDistribution::Kind::kPareto;
  config.latency.a = SimDuration::Seconds(1);
  config.latency.shape = 0.001;
  Make(config);
  for (uint32_t i = 0; i < 200; ++i) net_->Send(0, 1, Msg(i));
  sim_.RunUntilIdle();
  const auto never = std::count(rec_.drops.begin(), rec_.drops.end(), DropReason::kNeverArrives);
  EXPECT_GT(never, 0);
  EXPECT_EQ(static_cast<size_t>(never) + rec_.arrivals.size(), 200u);
  EXPECT_STREQ(DropReasonName(DropReason::kNeverArrives), "never_arrives");
}

TEST_F(NetworkTest, SymmetricPartitionDropsBothWaysAndHealRestores) {
  Make(NetworkConfig{});
  net_->Partition({{0, 1}, {2, 3}});
  EXPECT_FALSE(net_->IsConnected(0, 2));
  EXPECT_FALSE(net_->IsConnected(3, 1));
  EXPECT_TRUE(net_->IsConnected(0, 1));
  net_->Send(0, 2, Msg(0));
  net_->Send(2, 0, Msg(0));
  net_->Send(2, 3, Msg(0));
  sim_.RunUntilIdle();
  EXPECT_EQ(rec_.arrivals.size(), 1u);
  EXPECT_EQ(rec_.drops,
            (std::vector<DropReason>{DropReason::kUnreachable, DropReason::kUnreachable}));
  net_->Heal();
  EXPECT_TRUE(net_->IsConnected(0, 2));
}

TEST_F(NetworkTest, OneWayPartitionDropsOneDirectionOnly) {
  Make(NetworkConfig{});
  net_->PartitionOneWay({0}, {1});
  EXPECT_FALSE(net_->IsConnected(0, 1));
  EXPECT_TRUE(net_->IsConnected(1, 0));
  net_->Send(0, 1, Msg(0));
  net_->Send(1, 0, Msg(0));
  sim_.RunUntilIdle();
  ASSERT_EQ(rec_.arrivals.size(), 1u);
  EXPECT_EQ(rec_.arrivals[0].from, 1u);
}

TEST_F(NetworkTest, CutDropsMessagesInFlightEvenIfHealedBeforeArrival) {
  NetworkConfig config;
  config.latency = LatencyDistribution::Constant(SimDuration::Milliseconds(10));
  Make(config);
  net_->Send(0, 2, Msg(1));
  net_->Send(0, 1, Msg(2));
  sim_.RunUntil(SimTime::Zero() + SimDuration::Milliseconds(5));
  net_->Partition({{0, 1}, {2, 3}});
  net_->Heal();
  sim_.RunUntilIdle();
  ASSERT_EQ(rec_.arrivals.size(), 1u);
  EXPECT_EQ(rec_.arrivals[0].to, 1u);
  EXPECT_EQ(rec_.drops, (std::vector<DropReason>{DropReason::kCut}));
}

TEST_F(NetworkTest, CrashDropsInFlightMessagesBothWays) {
  NetworkConfig config;
  config.latency = LatencyDistribution::Constant(SimDuration::Milliseconds(10));
  Make(config);
  net_->Send(0, 1, Msg(1));
  net_->Send(1, 2, Msg(2));
  net_->Send(2, 3, Msg(3));
  sim_.RunUntil(SimTime::Zero() + SimDuration::Milliseconds(5));
  net_->SetNodeUp(1, false);
  net_->SetNodeUp(1, true);  // restarted before the messages arrive
  sim_.RunUntilIdle();
  ASSERT_EQ(rec_.arrivals.size(), 1u);
  EXPECT_EQ(rec_.arrivals[0].round, 3u);
  EXPECT_EQ(rec_.drops.size(), 2u);
}

TEST_F(NetworkTest, LinkDownAndPerLinkOverrides) {
  Make(NetworkConfig{});
  net_->SetLinkDown(0, 1, true);
  EXPECT_FALSE(net_->IsConnected(0, 1));
  EXPECT_TRUE(net_->IsConnected(1, 0));
  net_->SetLinkDown(0, 1, false);
  net_->SetLinkLatency(0, 1, LatencyDistribution::Constant(SimDuration::Seconds(2)));
  net_->SetLinkLoss(2, 3, 1.0);
  net_->Send(0, 1, Msg(0));
  net_->Send(2, 3, Msg(0));
  sim_.RunUntilIdle();
  ASSERT_EQ(rec_.arrivals.size(), 1u);
  EXPECT_EQ(rec_.arrivals[0].at, SimTime::Zero() + SimDuration::Seconds(2));
  EXPECT_EQ(rec_.drops, (std::vector<DropReason>{DropReason::kLoss}));
}

TEST(LatencyDistributionTest, SamplesHaveTheRightShape) {
  RandomStream rng(3, StreamDomain::kTest, 0);
  const auto uniform =
      LatencyDistribution::Uniform(SimDuration::Milliseconds(1), SimDuration::Milliseconds(5));
  const LatencyDistribution normal{LatencyDistribution::Kind::kNormal, SimDuration::Milliseconds(1),
                                   SimDuration::Milliseconds(2), 0};
  const LatencyDistribution pareto{
      LatencyDistribution::Kind::kPareto, SimDuration::Milliseconds(2), {}, 1.5};
  const LatencyDistribution lognormal{
      LatencyDistribution::Kind::kLogNormal, SimDuration::Milliseconds(4), {}, 0.5};
  int below_median = 0;
  for (int i = 0; i < 10000; ++i) {
    const SimDuration u = uniform.Sample(rng);
    ASSERT_GE(u, SimDuration::Milliseconds(1));
    ASSERT_LE(u, SimDuration::Milliseconds(5));
    ASSERT_GE(normal.Sample(rng), SimDuration::Zero());  // truncated at 0
    ASSERT_GE(pareto.Sample(rng), SimDuration::Milliseconds(2));
    below_median += lognormal.Sample(rng) < SimDuration::Milliseconds(4);
  }
  EXPECT_NEAR(below_median, 5000, 250);
  EXPECT_EQ(uniform.DebugString(), "uniform(1ms, 5ms)");
}

// The usage example at the top of network.h, as written there.
TEST(NetworkUsageTest, TheHeadersUsageExampleDeliversAfterTheLatency) {
  EventLoop loop;
  Recorder receiver(&loop);
  NetworkConfig config;
  config.transport = Transport::kDatagram;  // tcp sends go through TcpConnections
  config.latency = LatencyDistribution::Constant(SimDuration::Milliseconds(2));
  Network network(&loop, config, /*root_seed=*/1, &receiver, /*observer=*/nullptr);
  network.SetNodeUp(0, true);
  network.SetNodeUp(1, true);
  network.Send(0, 1, Msg(7));
  loop.RunUntilIdle();
  ASSERT_EQ(receiver.arrivals.size(), 1u);
  EXPECT_EQ(receiver.arrivals[0].from, 0u);
  EXPECT_EQ(receiver.arrivals[0].to, 1u);
  EXPECT_EQ(receiver.arrivals[0].at, SimTime::Zero() + SimDuration::Milliseconds(2));
}

}  // namespace
}  // namespace plumsim
