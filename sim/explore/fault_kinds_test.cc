#include "sim/explore/fault_kinds.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;

FaultKind Kind(const char* name) {
  std::optional<FaultKind> kind = FaultKind::Named(name);
  EXPECT_TRUE(kind.has_value()) << name;
  return *kind;
}

SimTime At(double seconds) {
  return SimTime::Zero() + SimDuration::Milliseconds(static_cast<int64_t>(seconds * 1000));
}

std::string Text(const TimelineEvent& e) {
  return absl::StrCat(EventKindName(e.kind), "@", FormatSimDuration(e.at.SinceStart()));
}

// The events a fault adds, as "kind@time", as WithFaults adds them.
std::vector<std::string> Events(const Scenario& base, const Fault& f) {
  std::vector<std::string> out;
  std::optional<TimelineEvent> begin = f.kind->begin(base, f);
  if (begin) out.push_back(Text(*begin));
  if (begin && f.kind->heals()) out.push_back(Text(f.kind->end(base, f)));
  return out;
}

Scenario SixNodes() {
  Scenario base;
  base.node_count = 6;
  base.network.loss = 0.05;
  base.network.latency =
      LatencyDistribution::Uniform(SimDuration::Milliseconds(2), SimDuration::Milliseconds(8));
  return base;
}

// What a schedule gives the table's draws, planted.
class FakeDraw final : public FaultDraw {
 public:
  explicit FakeDraw(int64_t nodes) { base_.node_count = nodes; }
  const Scenario& base() const override { return base_; }
  const FaultKindSettings& settings() const override { return settings_; }
  RandomStream& rng() override { return rng_; }
  int64_t Share() override { return share; }
  std::vector<NodeId> Take(int64_t count) override {
    taken.push_back(count);
    return to_take;
  }
  std::vector<NodeId> NewNodes(int64_t count) override {
    std::vector<NodeId> out;
    for (int64_t i = 0; i < count; ++i) out.push_back(static_cast<NodeId>(100 + i));
    return out;
  }

  FaultKindSettings settings_;
  int64_t share = 2;
  std::vector<NodeId> to_take = {1, 4};
  std::vector<int64_t> taken;  // the counts Take was asked for

 private:
  Scenario base_;
  RandomStream rng_{7};
};

TEST(FaultKindsTest, EachKindIsNamedOnceInTheDocumentedOrder) {
  std::vector<std::string> names;
  for (FaultKind kind : FaultKind::All()) {
    names.push_back(kind->name);
    EXPECT_EQ(FaultKind::Named(kind->name), kind);
    EXPECT_STREQ(FaultKindName(kind), kind->name);
  }
  // The default [explore] faults (docs/explore.md).
  EXPECT_THAT(names, ElementsAre("crash_restart", "crash", "partition", "partition_one_way",
                                 "link_down", "loss_spike", "latency_spike", "join", "leave",
                                 "listener_crash", "listener_down", "slow"));
  EXPECT_FALSE(FaultKind::Named("meteor").has_value());
  EXPECT_NE(Kind("crash"), Kind("crash_restart"));
}

TEST(FaultKindsTest, EachKindAddsItsEventsAndOnlyHealingKindsEnd) {
  const Scenario base = SixNodes();
  auto events = [&](const char* kind, std::vector<NodeId> nodes, SimDuration length) {
    Fault f{.kind = Kind(kind), .at = At(20), .length = length, .nodes = std::move(nodes)};
    return Events(base, f);
  };
  const SimDuration five = SimDuration::Seconds(5), none = SimDuration::Zero();
  EXPECT_THAT(events("crash_restart", {1, 2}, five), ElementsAre("crash@20s", "restart@25s"));
  EXPECT_THAT(events("crash", {1}, none), ElementsAre("crash@20s"));
  EXPECT_THAT(events("partition", {1, 2}, five), ElementsAre("partition@20s", "heal@25s"));
  EXPECT_THAT(events("partition_one_way", {1, 2}, five),
              ElementsAre("partition_one_way@20s", "heal@25s"));
  EXPECT_THAT(events("link_down", {4, 1}, five), ElementsAre("link_down@20s", "link_up@25s"));
  EXPECT_THAT(events("loss_spike", {}, five), ElementsAre("set_loss@20s", "set_loss@25s"));
  EXPECT_THAT(events("latency_spike", {}, five), ElementsAre("set_latency@20s", "set_latency@25s"));
  EXPECT_THAT(events("join", {6, 7}, none), ElementsAre("join@20s"));
  EXPECT_THAT(events("leave", {3}, none), ElementsAre("leave@20s"));
  EXPECT_THAT(events("listener_crash", {2}, none), ElementsAre("listener_down@20s"));
  EXPECT_THAT(events("listener_down", {2}, five),
              ElementsAre("listener_down@20s", "listener_up@25s"));
  EXPECT_THAT(events("slow", {2}, five), ElementsAre("slow@20s", "slow_end@25s"));
}

// A listener is Partisan's listening TCP socket: reopened at once by its
// supervisor (listener_crash) or held down until listener_up; over
// datagrams neither kind adds an event.
TEST(FaultKindsTest, ListenerKindsHoldTheListenerOrNotAndNeedTcp) {
  Scenario base = SixNodes();
  ASSERT_EQ(base.network.transport, Transport::kTcp);
  const Fault crash{.kind = Kind("listener_crash"), .at = At(20), .nodes = {2, 4}};
  const TimelineEvent reopened = *crash.kind->begin(base, crash);
  EXPECT_EQ(reopened.nodes.ToString(), "n2, n4");
  EXPECT_FALSE(reopened.stays_down);
  EXPECT_FALSE(crash.kind->heals());
  const Fault held{
      .kind = Kind("listener_down"), .at = At(20), .length = SimDuration::Seconds(5), .nodes = {3}};
  EXPECT_TRUE(held.kind->begin(base, held)->stays_down);
  EXPECT_EQ(held.kind->end(base, held).nodes.ToString(), "n3");
  base.network.transport = Transport::kDatagram;
  EXPECT_FALSE(crash.kind->begin(base, crash).has_value());
  EXPECT_FALSE(held.kind->begin(base, held).has_value());
}

TEST(FaultKindsTest, EventsCarryTheFaultsNodesAndRestoreTheBase) {
  const Scenario base = SixNodes();
  Fault one_way{.kind = Kind("partition_one_way"), .at = At(20), .nodes = {1, 2}};
  const TimelineEvent cut = *one_way.kind->begin(base, one_way);
  EXPECT_EQ(cut.from.ToString(), "n1..n2");
  EXPECT_EQ(cut.to.ToString(), "n0, n3..n5");  // every other initial node
  one_way.nodes = {0, 1, 2, 3, 4, 5};          // no other node: no cut at all
  EXPECT_FALSE(one_way.kind->begin(base, one_way).has_value());

  const Fault link{.kind = Kind("link_down"), .at = At(20), .nodes = {4, 1}};
  const TimelineEvent up = link.kind->end(base, link);
  EXPECT_EQ(up.from.ToString(), "n4");
  EXPECT_EQ(up.to.ToString(), "n1");

  const Fault loss{.kind = Kind("loss_spike"), .at = At(20), .loss = 0.25};
  EXPECT_EQ(loss.kind->begin(base, loss)->loss, 0.25);
  EXPECT_EQ(loss.kind->end(base, loss).loss, 0.05);

  const Fault slow{
      .kind = Kind("latency_spike"), .at = At(20), .spike_latency = SimDuration::Milliseconds(300)};
  const LatencyDistribution spike = *slow.kind->begin(base, slow)->latency;
  EXPECT_EQ(spike.kind, LatencyDistribution::Kind::kConstant);
  EXPECT_EQ(spike.a, SimDuration::Milliseconds(300));
  const LatencyDistribution back = *slow.kind->end(base, slow).latency;
  EXPECT_EQ(back.kind, LatencyDistribution::Kind::kUniform);
  EXPECT_EQ(back.a, SimDuration::Milliseconds(2));
  EXPECT_EQ(back.b, SimDuration::Milliseconds(8));
}

TEST(FaultKindsTest, DescriptionsGiveKindNodesParametersAndTimes) {
  EXPECT_EQ((Fault{.kind = Kind("crash_restart"),
                   .at = At(31),
                   .length = SimDuration::Seconds(12),
                   .nodes = {3, 7}})
                .Describe(),
            "crash_restart n3,n7 at 31s for 12s");
  EXPECT_EQ((Fault{.kind = Kind("link_down"),
                   .at = At(20.5),
                   .length = SimDuration::Milliseconds(1500),
                   .nodes = {5, 2}})
                .Describe(),
            "link_down n5-n2 at 20.5s for 1.5s");
  EXPECT_EQ((Fault{.kind = Kind("loss_spike"),
                   .at = At(15.6),
                   .length = SimDuration::Milliseconds(12203),
                   .loss = 0.266})
                .Describe(),
            "loss_spike loss 0.266 at 15.6s for 12.203s");
  EXPECT_EQ((Fault{.kind = Kind("join"), .at = At(17.644), .nodes = {13}}).Describe(),
            "join n13 at 17.644s");
}

TEST(FaultKindsTest, DrawsTakeWhatTheirNodesSay) {
  for (FaultKind kind : FaultKind::All()) {
    FakeDraw draw(6);
    Fault f{.kind = kind};
    ASSERT_TRUE(kind->draw(draw, &f)) << kind->name;
    switch (kind->nodes) {
      case FaultNodes::kTaken:  // Take(Share()) and nothing else
        EXPECT_THAT(draw.taken, ElementsAre(2)) << kind->name;
        EXPECT_THAT(f.nodes, ElementsAre(1, 4)) << kind->name;
        draw.to_take.clear();
        EXPECT_FALSE(kind->draw(draw, &f)) << kind->name << ": nothing left to take";
        break;
      case FaultNodes::kJoined:
        EXPECT_THAT(f.nodes, ElementsAre(100, 101));
        break;
      case FaultNodes::kLink: {
        ASSERT_EQ(f.nodes.size(), 2u);
        EXPECT_NE(f.nodes[0], f.nodes[1]);
        EXPECT_LT(f.nodes[0], 6u);
        EXPECT_LT(f.nodes[1], 6u);
        FakeDraw one_node(1);
        EXPECT_FALSE(kind->draw(one_node, &f)) << "no link in one node";
        break;
      }
      case FaultNodes::kNone:
        EXPECT_TRUE(f.nodes.empty());
        EXPECT_TRUE(draw.taken.empty());
        break;
    }
  }
}

TEST(FaultKindsTest, SpikesDrawFromTheirSettings) {
  FakeDraw draw(6);
  draw.settings_.max_loss = 0.2;
  draw.settings_.spike_latency = SimDuration::Milliseconds(250);
  std::set<double> losses;
  for (int i = 0; i < 500; ++i) {
    Fault f{.kind = Kind("loss_spike")};
    ASSERT_TRUE(f.kind->draw(draw, &f));
    EXPECT_GE(f.loss, 0.01);
    EXPECT_LE(f.loss, 0.2);
    EXPECT_DOUBLE_EQ(f.loss * 1000, static_cast<double>(static_cast<int64_t>(f.loss * 1000 + 0.5)))
        << "whole thousandths";
    losses.insert(f.loss);
  }
  EXPECT_GT(losses.size(), 100u);
  Fault slow{.kind = Kind("latency_spike")};
  ASSERT_TRUE(slow.kind->draw(draw, &slow));
  EXPECT_EQ(slow.spike_latency, SimDuration::Milliseconds(250));
}

// A heal ends every partition and a spike's end restores the base value:
// such kinds share an exclusive group with every kind their end would undo.
TEST(FaultKindsTest, KindsWhoseEndIsNetworkWideAreExclusive) {
  EXPECT_STREQ(Kind("partition")->exclusive_group, Kind("partition_one_way")->exclusive_group);
  EXPECT_STRNE(Kind("partition")->exclusive_group, "");
  EXPECT_STRNE(Kind("loss_spike")->exclusive_group, "");
  EXPECT_STRNE(Kind("latency_spike")->exclusive_group, "");
  EXPECT_STRNE(Kind("loss_spike")->exclusive_group, Kind("latency_spike")->exclusive_group);
  EXPECT_STRNE(Kind("loss_spike")->exclusive_group, Kind("partition")->exclusive_group);
  for (const char* name : {"crash_restart", "crash", "link_down", "join", "leave"}) {
    EXPECT_STREQ(Kind(name)->exclusive_group, "") << name;
  }
}

}  // namespace
}  // namespace plumsim
