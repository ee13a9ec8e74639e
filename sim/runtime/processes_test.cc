#include "sim/runtime/processes.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(ProcessStatsTest, QuantilesCountArrivalsThatFoundAnEmptyMailbox) {
  ProcessStats stats;
  const ProcessKind bs = ProcessKind::kBroadcastServer;
  for (int i = 0; i < 100; ++i) stats.CountInput(bs);
  // 3 of the 100 found a queue: lengths 1, 2 and 5.
  stats.CountQueued(bs, 1);
  stats.CountQueued(bs, 2);
  stats.CountQueued(bs, 5);
  EXPECT_EQ(stats.queued(bs), 3u);
  EXPECT_EQ(stats.max_length(bs), 5u);
  EXPECT_EQ(stats.LengthQuantile(bs, 0.97), 0u);  // 97 found it empty
  EXPECT_EQ(stats.LengthQuantile(bs, 0.98), 1u);
  EXPECT_EQ(stats.LengthQuantile(bs, 0.99), 2u);
  EXPECT_EQ(stats.LengthQuantile(bs, 1.0), 5u);
  EXPECT_EQ(stats.inputs(ProcessKind::kBackend), 0u);
  EXPECT_EQ(stats.LengthQuantile(ProcessKind::kBackend, 0.99), 0u);
  stats.CountWait(bs, SimDuration::Milliseconds(3));
  stats.CountWait(bs, SimDuration::Milliseconds(1));
  EXPECT_EQ(stats.max_wait(bs), SimDuration::Milliseconds(3));
  stats.CountBlocked(ProcessKind::kPeerService, SimDuration::Seconds(1));
  stats.CountBlocked(ProcessKind::kPeerService, SimDuration::Milliseconds(10));
  EXPECT_EQ(stats.blocked(ProcessKind::kPeerService), SimDuration::Milliseconds(1010));
  EXPECT_EQ(stats.blocked(bs), SimDuration::Zero());
}

TEST(ProcessingConfigTest, FreeOnlyForAZeroConstant) {
  ProcessingConfig c;
  EXPECT_TRUE(c.free(ProcessKind::kPeerService));
  c.per_message[2] = LatencyDistribution::Constant(SimDuration::Microseconds(50));
  EXPECT_FALSE(c.free(ProcessKind::kPeerService));
  EXPECT_TRUE(c.free(ProcessKind::kBackend));
}

}  // namespace
}  // namespace plumsim
