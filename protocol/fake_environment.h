// A scripted Environment for protocol unit tests: records every message sent
// and timer started, lets the test decide which peers are connected, and
// answers random draws from a queue the test fills (or with 0).
#ifndef PLUMSIM_PROTOCOL_FAKE_ENVIRONMENT_H_
#define PLUMSIM_PROTOCOL_FAKE_ENVIRONMENT_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "protocol/environment.h"

namespace plumsim {

struct SentMessage {
  NodeId to;
  Message message;
  Channel channel;
  friend bool operator==(const SentMessage& a, const SentMessage& b) {
    return a.to == b.to && a.message == b.message && a.channel == b.channel;
  }
};

// For readable gtest failures.
void PrintTo(const SentMessage& sent, std::ostream* os);

struct StartedTimer {
  absl::Duration delay;
  TimerKind kind;
  TimerHandle handle;
};

class FakeEnvironment : public Environment {
 public:
  explicit FakeEnvironment(NodeId self) : self_(self) {}

  NodeId self() const override { return self_; }
  void Send(NodeId to, Message message, Channel channel) override {
    sent.push_back(SentMessage{to, std::move(message), channel});
  }
  bool IsConnected(NodeId peer) const override { return ordsets::IsElement(peer, connected); }
  PeerSet ConnectedPeers() const override { return connected; }
  void Connect(NodeId peer) override {
    connects.push_back(peer);
    if (!ordsets::IsElement(peer, unreachable)) connected = ordsets::AddElement(peer, connected);
  }
  void Disconnect(NodeId peer) override {
    disconnects.push_back(peer);
    connected = ordsets::DelElement(peer, connected);
  }
  TimerHandle StartTimer(absl::Duration delay, TimerKind kind) override {
    timers.push_back(StartedTimer{delay, kind, ++last_timer_});
    return last_timer_;
  }
  void CancelTimer(TimerHandle timer) override { cancelled.push_back(timer); }
  int64_t NowNs() const override { return now_ns; }
  uint64_t UniformInt(uint64_t n) override {
    draws.push_back(n);
    if (scripted_draws.empty()) return 0;
    const uint64_t v = scripted_draws.front();
    scripted_draws.pop_front();
    return v % n;
  }
  void Log(LogLevel level, absl::string_view text) override {
    logs.emplace_back(level, std::string(text));
  }
  void PeersChanged(const PeerSetChange& change) override {
    PeerChange c{change.kind,       change.root,     change.peer, change.eager_changed,
                 change.cause_type, change.cause_id, {}};
    if (change.eagers != nullptr) c.peers = *change.eagers;
    if (change.removed != nullptr) c.peers = *change.removed;
    peer_changes.push_back(c);
  }
  const NodeOrder& name_order() const override { return names; }
  const NodeOrder& spec_order() const override { return specs; }

  // Returns and clears what was sent so far.
  std::vector<SentMessage> TakeSent() {
    std::vector<SentMessage> out;
    out.swap(sent);
    return out;
  }

  PeerSet connected;
  PeerSet unreachable;           // Connect() to these fails
  std::vector<NodeId> connects;  // every Connect() call
  std::vector<NodeId> disconnects;
  int64_t now_ns = 0;
  std::deque<uint64_t> scripted_draws;
  std::vector<uint64_t> draws;  // the n of every UniformInt(n) call
  std::vector<SentMessage> sent;
  std::vector<StartedTimer> timers;
  std::vector<TimerHandle> cancelled;
  std::vector<std::pair<LogLevel, std::string>> logs;
  // Every PeersChanged report; `peers`: the new common eagers (reset_peers)
  // or the removed peers (neighbors_down).
  struct PeerChange {
    PeerSetChange::Kind kind;
    NodeId root, peer;
    bool eager_changed;
    int cause_type;
    BroadcastId cause_id;
    PeerSet peers;
  };
  std::vector<PeerChange> peer_changes;
  NodeOrder names;  // ascending id unless a test sets ranks
  NodeOrder specs;

 private:
  NodeId self_;
  TimerHandle last_timer_ = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_FAKE_ENVIRONMENT_H_
