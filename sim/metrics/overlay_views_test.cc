#include "sim/metrics/overlay_views.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/scenario/scenario.h"

namespace plumsim {
namespace {

using ::testing::IsEmpty;
using ::testing::Not;

// 16 HyParView nodes for 40 s, with `events` added.
Scenario Overlay(const std::string& events = "") {
  absl::StatusOr<Scenario> s =
      ParseScenario(absl::StrCat("name = \"overlay\"\nduration = \"40s\"\n[nodes]\ncount = 16\n"
                                 "start_interval = \"20ms\"\n[membership]\nkind = \"hyparview\"\n",
                                 events),
                    "o.toml");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

SimTime At(int64_t seconds) { return SimTime::Zero() + SimDuration::Seconds(seconds); }

// A quiet overlay: every running node listed, every entry returned.
TEST(OverlayViewsTest, AQuietOverlayIsSymmetricAndListsEveryone) {
  Simulation sim(Overlay(), nullptr);
  sim.RunUntil(At(40));
  const OverlayViews v = ReadOverlayViews(sim);
  EXPECT_TRUE(v.hyparview);
  EXPECT_EQ(v.running, 16);
  EXPECT_GT(v.entries, 16);
  EXPECT_THAT(v.unlisted, IsEmpty());
  EXPECT_THAT(v.one_way, IsEmpty());
}

// A dead listener (n3) and its aftermath: the peers that held connections
// to it dropped it; n3 still lists them.
TEST(OverlayViewsTest, ADeadListenerLeavesOneWayEntriesFromItsNode) {
  Simulation sim(Overlay("[[events]]\nat = \"20s\"\nkind = \"listener_down\"\nnodes = \"n3\"\n"),
                 nullptr);
  sim.RunUntil(At(20) + SimDuration::Milliseconds(100));
  const OverlayViews v = ReadOverlayViews(sim);
  ASSERT_THAT(v.one_way, Not(IsEmpty()));
  for (const auto& [holder, peer] : v.one_way) EXPECT_EQ(holder, 3u);
  EXPECT_EQ(v.unlisted, std::vector<NodeId>{3});
}

TEST(OverlayViewsTest, FullMembershipHasNoViews) {
  absl::StatusOr<Scenario> full =
      ParseScenario("name = \"f\"\nduration = \"5s\"\n[nodes]\ncount = 3\n", "f.toml");
  ASSERT_TRUE(full.ok()) << full.status();
  Simulation sim(*full, nullptr);
  sim.RunUntil(At(5));
  const OverlayViews v = ReadOverlayViews(sim);
  EXPECT_FALSE(v.hyparview);
  EXPECT_THAT(v.unlisted, IsEmpty());
}

}  // namespace
}  // namespace plumsim
