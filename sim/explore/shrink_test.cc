#include "sim/explore/shrink.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;

FaultKind Kind(const char* name) { return *FaultKind::Named(name); }

SimTime At(int64_t seconds) { return SimTime::Zero() + SimDuration::Seconds(seconds); }

Scenario Base(int64_t nodes) {
  Scenario base;
  base.node_count = nodes;
  base.duration = SimDuration::Seconds(150);
  base.network.latency =
      LatencyDistribution::Uniform(SimDuration::Milliseconds(2), SimDuration::Milliseconds(8));
  return base;
}

std::vector<std::string> Described(const std::vector<Fault>& faults) {
  std::vector<std::string> out;
  for (const Fault& f : faults) out.push_back(f.Describe());
  return out;
}

// Nine crashes; the finding needs the crashes of n3 and n7 together.
TEST(MinimizeFaultsTest, DdminKeepsExactlyTheFaultsThatMatter) {
  std::vector<Fault> faults;
  for (int i = 0; i < 9; ++i) {
    faults.push_back({.kind = Kind("crash"), .at = At(10 + i), .nodes = {NodeId(i + 1)}});
  }
  int tests = 0;
  const FindingTest needs_3_and_7 = [&](const Scenario&, const std::vector<Fault>& kept) {
    ++tests;
    bool three = false, seven = false;
    for (const Fault& x : kept) {
      three = three || x.nodes[0] == 3;
      seven = seven || x.nodes[0] == 7;
    }
    return three && seven;
  };
  std::vector<Fault> kept = MinimizeFaults(Base(12), faults, needs_3_and_7);
  EXPECT_THAT(Described(kept), ElementsAre("crash n3 at 12s", "crash n7 at 16s"));
  EXPECT_LT(tests, 40) << "ddmin, not every subset";
}

TEST(MinimizeFaultsTest, NoFaultIsNeededWhenTheBaseAloneFails) {
  const std::vector<Fault> faults = {{.kind = Kind("crash"), .at = At(10), .nodes = {1}}};
  EXPECT_TRUE(MinimizeFaults(Base(4), faults, [](const Scenario&, const std::vector<Fault>&) {
                return true;
              }).empty());
}

// Dropping a fault renumbers the joins after it: ids stay dense.
TEST(RenumberJoinsTest, JoinedNodesFollowTheBaseInTimeOrder) {
  const std::vector<Fault> faults = {
      {.kind = Kind("join"), .at = At(10), .nodes = {30, 31}},
      {.kind = Kind("crash"), .at = At(11), .nodes = {2}},
      {.kind = Kind("join"), .at = At(12), .nodes = {35}},
  };
  EXPECT_THAT(Described(RenumberJoins(Base(5), faults)),
              ElementsAre("join n5,n6 at 10s", "crash n2 at 11s", "join n7 at 12s"));
}

// A finding that needs a crash_restart of two nodes, at least 4 nodes and
// 45 s: every step applies.
TEST(ShrinkTest, FewerFaultsThenNodesThenAShorterRunThenAConstantLatency) {
  const std::vector<Fault> faults = {
      {.kind = Kind("crash_restart"),
       .at = At(20),
       .length = SimDuration::Seconds(10),
       .nodes = {5, 9}},
      {.kind = Kind("partition"), .at = At(30), .length = SimDuration::Seconds(5), .nodes = {12}},
      {.kind = Kind("join"), .at = At(40), .nodes = {20}},
      {.kind = Kind("loss_spike"), .at = At(50), .length = SimDuration::Seconds(5), .loss = 0.1},
  };
  int calls = 0;
  const FindingTest test = [&](const Scenario& base, const std::vector<Fault>& kept) {
    ++calls;
    bool pair = false;
    for (const Fault& f : kept)
      pair = pair || (f.kind == Kind("crash_restart") && f.nodes.size() == 2);
    return pair && base.node_count >= 4 && base.duration >= SimDuration::Seconds(45);
  };
  const ShrinkResult r = Shrink(Base(20), faults, SimDuration::Seconds(60), test);
  // The victims n5, n9 become n1, n2 (n0 is not one of them: it stays).
  EXPECT_THAT(Described(r.faults), ElementsAre("crash_restart n1,n2 at 20s for 10s"));
  EXPECT_EQ(r.base.node_count, 4);                       // the fewest that still fail
  EXPECT_EQ(r.base.duration, SimDuration::Seconds(90));  // the fault's end + quiet
  EXPECT_EQ(r.base.network.latency.kind, LatencyDistribution::Kind::kConstant);
  EXPECT_EQ(r.base.network.latency.a, SimDuration::Milliseconds(2));
  EXPECT_TRUE(test(r.base, r.faults));
  EXPECT_EQ(r.runs, calls - 1);
}

// A finding that needs n5 itself, 120 s and the uniform latency: the steps
// that would lose it are not kept.
TEST(ShrinkTest, AStepThatLosesTheFindingIsNotKept) {
  const std::vector<Fault> faults = {
      {.kind = Kind("crash"), .at = At(20), .nodes = {5}},
      {.kind = Kind("link_down"), .at = At(25), .length = SimDuration::Seconds(5), .nodes = {9, 7}},
  };
  const FindingTest test = [](const Scenario& base, const std::vector<Fault>& kept) {
    bool five = false;
    for (const Fault& f : kept) five = five || (f.kind == Kind("crash") && f.nodes[0] == 5);
    return five && base.duration >= SimDuration::Seconds(120) &&
           base.network.latency.kind == LatencyDistribution::Kind::kUniform;
  };
  const ShrinkResult r = Shrink(Base(20), faults, SimDuration::Seconds(60), test);
  EXPECT_THAT(Described(r.faults), ElementsAre("crash n5 at 20s"));
  EXPECT_EQ(r.base.node_count, 6);  // n5 is the highest victim
  EXPECT_EQ(r.base.duration, SimDuration::Seconds(120));
  EXPECT_EQ(r.base.network.latency.kind, LatencyDistribution::Kind::kUniform);
}

// link_down's two ends are ordered (from, to): renumbering keeps the order.
TEST(ShrinkTest, RenumberingKeepsALinksDirection) {
  const std::vector<Fault> faults = {
      {.kind = Kind("link_down"), .at = At(20), .length = SimDuration::Seconds(5), .nodes = {9, 4}},
  };
  const ShrinkResult r =
      Shrink(Base(12), faults, SimDuration::Seconds(60),
             [](const Scenario&, const std::vector<Fault>& kept) { return !kept.empty(); });
  EXPECT_THAT(Described(r.faults), ElementsAre("link_down n2-n1 at 20s for 5s"));
  EXPECT_EQ(r.base.node_count, 3);
}

}  // namespace
}  // namespace plumsim
