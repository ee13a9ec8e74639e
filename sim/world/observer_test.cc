// ObserverList forwards every callback, with its arguments, to every
// observer, in the order they were added.
#include "sim/world/observer.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

// Logs "<name> <callback> <arguments>" for every callback.
class Logger final : public SimObserver {
 public:
  Logger(std::string name, std::vector<std::string>* log) : name_(std::move(name)), log_(log) {}
  void OnSend(NodeId a, NodeId b, const Message& m) override { Log("send", a, b, Round(m)); }
  void OnDeliver(NodeId a, NodeId b, const Message& m) override { Log("deliver", a, b, Round(m)); }
  void OnDrop(NodeId a, NodeId b, const Message& m, DropReason r) override {
    Log("drop", a, b, Round(m), DropReasonName(r));
  }
  void OnConnectionOpen(NodeId a, NodeId b, Channel) override { Log("open", a, b); }
  void OnConnectionClose(NodeId a, NodeId b, Channel, CloseReason r) override {
    Log("close", a, b, CloseReasonName(r));
  }
  void OnHeld(NodeId a, NodeId b, const Message& m) override { Log("held", a, b, Round(m)); }
  void OnReleased(NodeId a, NodeId b, const Message& m, SimDuration held) override {
    Log("released", a, b, Round(m), FormatSimDuration(held));
  }
  void OnRetransmit(NodeId a, NodeId b, const Message& m, int count) override {
    Log("retransmit", a, b, Round(m), count);
  }
  void OnTimer(NodeId n, TimerKind k) override { Log("timer", n, static_cast<int>(k)); }
  void OnMailboxWait(NodeId n, ProcessKind k, SimDuration w) override {
    Log("wait", n, ProcessKindName(k), FormatSimDuration(w));
  }
  void OnNodeEvent(NodeEventKind k, NodeId n, int64_t e) override {
    Log("node", NodeEventName(k), n, e);
  }
  void OnNetworkChange(const TimelineEvent& e) override {
    Log("network", static_cast<int>(e.kind));
  }
  void OnMembership(NodeId n, const PeerSet& m) override { Log("members", n, m.size()); }
  void OnOriginate(NodeId n, HandlerId h, const BroadcastId& id) override {
    Log("originate", n, h, id.sequence);
  }
  void OnMerge(NodeId n, const BroadcastMsg& m, bool valid) override {
    Log("merge", n, m.round, valid);
  }
  void OnPeersChanged(NodeId n, const PeerSetChange& c) override { Log("peers", n, c.peer); }
  void OnSkipped(TimelineEvent::Kind k, NodeId n, const char* why) override {
    Log("skipped", static_cast<int>(k), n, why);
  }

 private:
  static uint32_t Round(const Message& m) { return std::get<BroadcastMsg>(m).round; }
  template <typename... T>
  void Log(const T&... parts) {
    std::string line = name_;
    ((line += absl::StrCat(" ", parts)), ...);
    log_->push_back(line);
  }
  std::string name_;
  std::vector<std::string>* log_;
};

Message Msg(uint32_t round) { return BroadcastMsg{{}, nullptr, 0, round, 0, 0}; }

// Calls every SimObserver callback once, with distinct arguments.
void CallEveryCallback(SimObserver& o) {
  o.OnSend(1, 2, Msg(3));
  o.OnDeliver(2, 1, Msg(4));
  o.OnDrop(1, 3, Msg(5), DropReason::kCut);
  o.OnConnectionOpen(3, 4, Channel::kDefault);
  o.OnConnectionClose(4, 3, Channel::kDefault, CloseReason::kPingTimeout);
  o.OnHeld(5, 6, Msg(6));
  o.OnReleased(5, 6, Msg(6), SimDuration::Milliseconds(250));
  o.OnRetransmit(6, 5, Msg(7), 2);
  o.OnTimer(7, TimerKind::kHeartbeat);
  o.OnMailboxWait(8, ProcessKind::kBackend, SimDuration::Milliseconds(20));
  o.OnNodeEvent(NodeEventKind::kRestart, 9, 42);
  TimelineEvent heal;
  heal.kind = TimelineEvent::Kind::kHeal;
  o.OnNetworkChange(heal);
  o.OnMembership(10, PeerSet{1, 2, 3});
  o.OnOriginate(11, 1, BroadcastId{11, 1, 12});
  BroadcastMsg merged = std::get<BroadcastMsg>(Msg(13));
  o.OnMerge(12, merged, true);
  PeerSetChange change;
  change.peer = 14;
  o.OnPeersChanged(13, change);
  o.OnSkipped(TimelineEvent::Kind::kCrash, 15, "the node is not running");
}

TEST(ObserverListTest, ForwardsEveryCallbackToEveryObserverInTheOrderAdded) {
  std::vector<std::string> direct;
  Logger reference("x", &direct);
  CallEveryCallback(reference);
  ASSERT_EQ(direct.size(), 17u);  // every callback SimObserver has

  std::vector<std::string> log;
  Logger a("a", &log), b("b", &log), c("c", &log);
  ObserverList list;
  list.Add(&a);
  list.Add(&b);
  list.Add(&c);
  CallEveryCallback(list);
  std::vector<std::string> expected;
  for (const std::string& line : direct) {
    for (const char* name : {"a", "b", "c"}) expected.push_back(name + line.substr(1));
  }
  EXPECT_EQ(log, expected);
}

TEST(NodeEventNameTest, NamesEveryKind) {
  EXPECT_STREQ(NodeEventName(NodeEventKind::kStart), "start");
  EXPECT_STREQ(NodeEventName(NodeEventKind::kCrash), "crash");
  EXPECT_STREQ(NodeEventName(NodeEventKind::kRestart), "restart");
  EXPECT_STREQ(NodeEventName(NodeEventKind::kJoin), "join");
  EXPECT_STREQ(NodeEventName(NodeEventKind::kLeave), "leave");
}

}  // namespace
}  // namespace plumsim
