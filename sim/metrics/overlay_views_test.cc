#include "sim/metrics/overlay_views.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/scenario/scenario.h"

namespace plumsim {
namespace {

using ::testing::IsEmpty;
using ::testing::Not;

Scenario Parse(const std::string& text) {
  absl::StatusOr<Scenario> s = ParseScenario(text, "o.toml");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

constexpr char kOverlay[] = R"(
name = "overlay"
duration = "40s"
[nodes]
count = 12
start_interval = "10ms"
[membership]
kind = "hyparview"
[network]
latency = "3ms"
)";

SimTime At(int64_t seconds) { return SimTime::Zero() + SimDuration::Seconds(seconds); }

// A quiet overlay: every running node listed, every entry returned.
TEST(OverlayViewsTest, AQuietOverlayIsSymmetricAndListsEveryone) {
  Simulation sim(Parse(kOverlay), nullptr);
  sim.RunUntil(At(40));
  const OverlayViews v = ReadOverlayViews(sim);
  EXPECT_TRUE(v.hyparview);
  EXPECT_EQ(v.running, 12);
  EXPECT_GT(v.entries, 12);
  EXPECT_THAT(v.unlisted, IsEmpty());
  EXPECT_THAT(v.one_way, IsEmpty());
}

// A dead listener (n3) and its aftermath: the peers that held connections
// to it dropped it; n3 still lists them.
TEST(OverlayViewsTest, ADeadListenerLeavesOneWayEntriesFromItsNode) {
  Simulation sim(Parse(std::string(kOverlay) + R"(
[[events]]
at = "20s"
kind = "listener_down"
nodes = "n3"
)"),
                 nullptr);
  sim.RunUntil(At(20) + SimDuration::Milliseconds(100));
  const OverlayViews v = ReadOverlayViews(sim);
  ASSERT_THAT(v.one_way, Not(IsEmpty()));
  for (const auto& [holder, peer] : v.one_way) EXPECT_EQ(holder, 3u);
  EXPECT_EQ(v.unlisted, std::vector<NodeId>{3});
}

TEST(OverlayViewsTest, FullMembershipHasNoViews) {
  Simulation sim(Parse("name = \"f\"\nduration = \"5s\"\n[nodes]\ncount = 3\n"), nullptr);
  sim.RunUntil(At(5));
  const OverlayViews v = ReadOverlayViews(sim);
  EXPECT_FALSE(v.hyparview);
  EXPECT_THAT(v.unlisted, IsEmpty());
}

}  // namespace
}  // namespace plumsim
