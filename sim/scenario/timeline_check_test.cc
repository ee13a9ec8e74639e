#include "sim/scenario/timeline_check.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Kind = TimelineEvent::Kind;

// Four initial nodes n0..n3, all started at 0.
Scenario FourNodes() {
  Scenario s;
  s.node_count = 4;
  s.duration = SimDuration::Seconds(100);
  return s;
}

// An event at `seconds` on `nodes`, written on line `line` of the file.
TimelineEvent Event(Kind kind, int64_t seconds, NodeSet nodes, int line) {
  TimelineEvent e;
  e.kind = kind;
  e.at = SimTime::Zero() + SimDuration::Seconds(seconds);
  e.nodes = std::move(nodes);
  e.line = line;
  e.column = 1;
  return e;
}

NodeSet Node(NodeId id) { return NodeSet::Interval(id, id); }

// The errors CheckTimeline records, one a line.
std::vector<std::string> Check(const Scenario& s) {
  ScenarioReader reader("t.toml");
  CheckTimeline(s, &reader);
  if (reader.ok()) return {};
  return absl::StrSplit(reader.Result().message(), '\n');
}

TEST(TimelineCheckTest, ActionsThatApplyPass) {
  Scenario s = FourNodes();
  s.events = {Event(Kind::kCrash, 10, Node(1), 5),
              Event(Kind::kRestart, 20, Node(1), 9),
              Event(Kind::kJoin, 30, NodeSet::Interval(4, 5), 13),
              Event(Kind::kCrash, 40, NodeSet::Interval(0, 5), 17),
              Event(Kind::kRestart, 50, NodeSet::Interval(2, 5), 21),
              Event(Kind::kLeave, 60, Node(3), 25),
              Event(Kind::kLeave, 60, Node(0), 29)};
  EXPECT_THAT(Check(s), IsEmpty());
}

TEST(TimelineCheckTest, CrashOfANodeThatIsNotRunning) {
  Scenario s = FourNodes();
  s.events = {Event(Kind::kCrash, 10, Node(1), 5),
              Event(Kind::kCrash, 11, NodeSet::Interval(0, 3), 9),  // n1 is crashed
              Event(Kind::kLeave, 12, Node(2), 13),
              Event(Kind::kCrash, 13, Node(2), 17),
              Event(Kind::kCrash, 14, Node(4), 21),  // not joined yet
              Event(Kind::kJoin, 15, Node(4), 25)};
  EXPECT_THAT(Check(s),
              ElementsAre("t.toml:9:1: events: cannot crash n1 at 11s: it is crashed then",
                          "t.toml:17:1: events: cannot crash n2 at 13s: it has left then",
                          "t.toml:21:1: events: cannot crash n4 at 14s: it has not "
                          "joined yet then"));
}

TEST(TimelineCheckTest, RestartOfANodeThatIsNotCrashed) {
  Scenario s = FourNodes();
  s.events = {Event(Kind::kRestart, 10, Node(1), 5),  // running
              Event(Kind::kLeave, 11, Node(2), 9), Event(Kind::kRestart, 12, Node(2), 13),
              Event(Kind::kRestart, 13, Node(4), 17),  // not joined yet
              Event(Kind::kJoin, 14, Node(4), 21)};
  EXPECT_THAT(Check(s),
              ElementsAre("t.toml:5:1: events: cannot restart n1 at 10s: it is running then",
                          "t.toml:13:1: events: cannot restart n2 at 12s: it has left then",
                          "t.toml:17:1: events: cannot restart n4 at 13s: it has not joined yet "
                          "then"));
}

TEST(TimelineCheckTest, LeaveTwiceOrBeforeJoining) {
  Scenario s = FourNodes();
  s.events = {Event(Kind::kLeave, 10, Node(2), 5),
              Event(Kind::kLeave, 11, Node(2), 9),
              Event(Kind::kLeave, 12, Node(4), 13),
              Event(Kind::kJoin, 13, Node(4), 17),
              Event(Kind::kCrash, 14, Node(1), 21),
              Event(Kind::kLeave, 15, Node(1), 25)};  // a crashed node may leave
  EXPECT_THAT(Check(s),
              ElementsAre("t.toml:9:1: events: cannot leave n2 at 11s: it has left then",
                          "t.toml:13:1: events: cannot leave n4 at 12s: it has not joined yet "
                          "then"));
}

// Initial node i starts at i * start_interval: a crash or leave before
// then finds it not started.
TEST(TimelineCheckTest, CrashOrLeaveBeforeTheNodeStarts) {
  Scenario s = FourNodes();
  s.start_interval = SimDuration::Seconds(10);
  s.events = {Event(Kind::kLeave, 5, Node(2), 5),
              Event(Kind::kCrash, 25, NodeSet::FromRanges({{1, 1}, {3, 3}}), 9),
              Event(Kind::kCrash, 30, Node(0), 13)};
  EXPECT_THAT(Check(s), ElementsAre("t.toml:5:1: events: cannot leave n2 at 5s: it starts at 20s "
                                    "(nodes.start_interval)",
                                    "t.toml:9:1: events: cannot crash n3 at 25s: it starts at 30s "
                                    "(nodes.start_interval)"));
}

// Under [[churn]] from its start, a node's state is known only to the run.
TEST(TimelineCheckTest, ChurnedNodesAreLeftToTheRun) {
  Scenario s = FourNodes();
  ChurnSpec churn;
  churn.start = SimTime::Zero() + SimDuration::Seconds(20);
  churn.end = SimTime::Zero() + SimDuration::Seconds(50);
  churn.nodes = NodeSet::Interval(0, 1);
  s.churn = {churn};
  s.events = {Event(Kind::kRestart, 10, Node(0), 5),  // before the churn: checked
              Event(Kind::kRestart, 30, Node(1), 9),  // under it: the run decides
              Event(Kind::kCrash, 31, Node(1), 13), Event(Kind::kRestart, 32, Node(2), 17)};
  EXPECT_THAT(Check(s),
              ElementsAre("t.toml:5:1: events: cannot restart n0 at 10s: it is running then",
                          "t.toml:17:1: events: cannot restart n2 at 32s: it is running then"));
}

// The first node of a range in a bad state is named; ten million nodes are
// one range.
TEST(TimelineCheckTest, RangesNameTheirFirstBadNode) {
  Scenario s = FourNodes();
  s.node_count = 10'000'000;
  s.events = {Event(Kind::kCrash, 10, NodeSet::Interval(5'000'000, 5'000'009), 5),
              Event(Kind::kCrash, 20, NodeSet::Interval(0, 9'999'999), 9)};
  EXPECT_THAT(Check(s), ElementsAre("t.toml:9:1: events: cannot crash n5000000 at 20s: it is "
                                    "crashed then"));
}

}  // namespace
}  // namespace plumsim
