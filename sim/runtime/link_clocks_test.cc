#include "sim/runtime/link_clocks.h"

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

SimTime Ms(int64_t ms) { return SimTime::Zero() + SimDuration::Milliseconds(ms); }

TEST(LinkClocksTest, ALaterMessageNeverArrivesFirst) {
  LinkClocks clocks;
  EXPECT_EQ(clocks.Clamp(1, 2, Ms(10), Ms(0)), Ms(10));
  EXPECT_EQ(clocks.Clamp(1, 2, Ms(4), Ms(1)), Ms(10));   // clamped
  EXPECT_EQ(clocks.Clamp(1, 3, Ms(4), Ms(1)), Ms(4));    // another link
  EXPECT_EQ(clocks.Clamp(2, 1, Ms(4), Ms(1)), Ms(4));    // the other direction
  EXPECT_EQ(clocks.Clamp(1, 2, Ms(12), Ms(2)), Ms(12));  // later: unchanged
}

TEST(LinkClocksTest, LinksWithNothingInFlightAreReused) {
  LinkClocks clocks;
  for (NodeId to = 0; to < 10; ++to) clocks.Clamp(0, to, Ms(5), Ms(0));
  EXPECT_EQ(clocks.links_held(0), 10u);
  // At 5 ms every arrival has happened: new links take their places.
  for (NodeId to = 10; to < 20; ++to) clocks.Clamp(0, to, Ms(9), Ms(5));
  EXPECT_EQ(clocks.links_held(0), 10u);
}

// Against the plain definition (a map of every link's last arrival), over
// random sends from a few senders to many receivers, across the switch to a
// sender's own table.
TEST(LinkClocksTest, MatchesAMapOfEveryLink) {
  LinkClocks clocks;
  absl::flat_hash_map<uint64_t, SimTime> every_link;
  RandomStream rng(7, StreamDomain::kNetwork, 0);
  SimTime now = SimTime::Zero();
  for (int i = 0; i < 200000; ++i) {
    now = now + SimDuration::Microseconds(static_cast<int64_t>(rng.UniformInt(51)));
    const NodeId from = static_cast<NodeId>(rng.UniformInt(4));
    // Sender 0 talks to many receivers (a full-membership push).
    const NodeId to = static_cast<NodeId>(rng.UniformInt(from == 0 ? 201 : 7));
    const SimTime drawn =
        now + SimDuration::Microseconds(static_cast<int64_t>(rng.UniformInt(8001)));
    auto [it, inserted] = every_link.try_emplace((uint64_t{from} << 32) | to, drawn);
    if (!inserted) it->second = std::max(it->second, drawn);
    ASSERT_EQ(clocks.Clamp(from, to, drawn, now), it->second) << "send " << i;
  }
  EXPECT_GT(clocks.links_held(0), LinkClocks::kShortListMax);  // it did switch
}

}  // namespace
}  // namespace plumsim
