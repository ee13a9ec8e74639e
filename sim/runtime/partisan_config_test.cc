#include "sim/runtime/partisan_config.h"

#include <string>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(TcpConfigTest, BackoffDoublesFromMinRtoUpToMaxRto) {
  TcpConfig tcp;  // RFC 6298 5.5; Linux TCP_RTO_MIN 200 ms, TCP_RTO_MAX 120 s
  EXPECT_EQ(tcp.Backoff(0), SimDuration::Zero());
  EXPECT_EQ(tcp.Backoff(1), SimDuration::Milliseconds(200));
  EXPECT_EQ(tcp.Backoff(3), SimDuration::Milliseconds(1400));
  // 0.2 .. 102.4 s (10 timeouts), then capped at 120 s.
  EXPECT_EQ(tcp.Backoff(10), SimDuration::Milliseconds(204600));
  EXPECT_EQ(tcp.Backoff(11), SimDuration::Milliseconds(324600));
}

TEST(TcpConfigTest, BackoffFollowsTheConfiguredBoundsAndStaysAtTheCap) {
  TcpConfig tcp;
  tcp.min_rto = SimDuration::Seconds(1);
  tcp.max_rto = SimDuration::Seconds(3);
  // 1 + 2 + 3 + 3 + 3: the doubling stops at max_rto and stays there.
  EXPECT_EQ(tcp.Backoff(5), SimDuration::Seconds(12));
  // min_rto == max_rto: every timeout is the same.
  tcp.max_rto = tcp.min_rto;
  EXPECT_EQ(tcp.Backoff(TcpConfig::kMaxRetransmissions), SimDuration::Seconds(15));
}

// A segment lost k times in a row arrives min_rto * (2^k - 1) after its
// send (docs/runtime-model.md), while the cap is not reached.
TEST(TcpConfigTest, BackoffIsMinRtoTimesTwoToTheKMinusOneBelowTheCap) {
  TcpConfig tcp;
  for (int k = 0; k <= 10; ++k) {
    EXPECT_EQ(tcp.Backoff(k), tcp.min_rto * ((int64_t{1} << k) - 1)) << k;
  }
}

TEST(PartisanConfigTest, NamesAreTheScenarioFileWords) {
  EXPECT_STREQ(TransportName(Transport::kTcp), "tcp");
  EXPECT_STREQ(TransportName(Transport::kDatagram), "datagram");
  EXPECT_STREQ(CrashModeName(CrashMode::kProcess), "process");
  EXPECT_STREQ(CrashModeName(CrashMode::kHost), "host");
}

// partisan_config defaults (v5.0.x): connection_ping, ?TIMEOUT of
// partisan_peer_service_client, schedule_connections/0's interval, and no
// partisan_data_dir (zero_epoch/0).
TEST(PartisanConfigTest, DefaultsArePartisans) {
  const PartisanRuntimeConfig config;
  EXPECT_FALSE(config.persist_epoch);
  EXPECT_EQ(config.ping_idle_timeout, SimDuration::Seconds(20));
  EXPECT_EQ(config.ping_timeout, SimDuration::Seconds(10));
  EXPECT_EQ(config.ping_max_attempts, 5);
  EXPECT_EQ(config.connect_timeout, SimDuration::Seconds(1));
  EXPECT_EQ(config.connection_interval, SimDuration::Seconds(1));
  EXPECT_EQ(TcpConfig::kMaxRetransmissions, 15);  // Linux tcp_retries2
}

}  // namespace
}  // namespace plumsim
