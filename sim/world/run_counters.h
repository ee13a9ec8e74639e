// Counters over a whole run: messages sent, delivered and dropped by type
// and reason, connections, broadcasts originated and delivered (first copies
// merged) per handler, node events. An observer; the summary the CLI prints
// from it is sim/metrics/summary.h's CountersText.
#ifndef PLUMSIM_SIM_WORLD_RUN_COUNTERS_H_
#define PLUMSIM_SIM_WORLD_RUN_COUNTERS_H_

#include <array>
#include <cstdint>

#include "sim/world/observer.h"

namespace plumsim {

class RunCounters final : public SimObserver {
 public:
  static constexpr int kHandlers = 2;  // heartbeat, store

  void OnSend(NodeId, NodeId, const Message& m) override { ++sent[m.index()]; }
  void OnDeliver(NodeId, NodeId, const Message& m) override { ++delivered[m.index()]; }
  void OnDrop(NodeId, NodeId, const Message&, DropReason r) override {
    ++dropped[static_cast<int>(r)];
  }
  void OnSkipped(TimelineEvent::Kind, NodeId, const char*) override { ++skipped; }
  void OnJoinLost(NodeId, NodeId) override { ++joins_lost; }
  void OnConnectionOpen(NodeId, NodeId, Channel) override { ++connections_opened; }
  void OnConnectionClose(NodeId, NodeId, Channel, CloseReason r) override {
    ++connections_closed[static_cast<int>(r)];
  }
  void OnHeld(NodeId, NodeId, const Message&) override { ++held; }
  void OnReleased(NodeId, NodeId, const Message&, SimDuration d) override {
    ++released;
    if (d > held_longest) held_longest = d;
  }
  void OnRetransmit(NodeId, NodeId, const Message&, int count) override {
    retransmissions += static_cast<uint64_t>(count);
  }
  void OnNodeEvent(NodeEventKind kind, NodeId, int64_t) override {
    ++node_events[static_cast<int>(kind)];
  }
  void OnOriginate(NodeId, HandlerId h, const BroadcastId&) override {
    if (h < kHandlers) ++originated[h];
  }
  void OnMerge(NodeId, const BroadcastMsg& m, bool valid) override {
    if (m.handler < kHandlers) {
      ++(valid ? merged_new : merged_stale)[m.handler];
    }
  }

  std::array<uint64_t, kMessageTypes> sent{};
  std::array<uint64_t, kMessageTypes> delivered{};
  std::array<uint64_t, kDropReasons> dropped{};
  uint64_t skipped = 0;     // timeline actions that could not apply
  uint64_t joins_lost = 0;  // HyParView joins through a contact not up
  // tcp transport
  uint64_t connections_opened = 0;
  std::array<uint64_t, kCloseReasons> connections_closed{};
  uint64_t held = 0;      // messages that waited on a cut connection
  uint64_t released = 0;  // of those, sent on when it resumed
  SimDuration held_longest = SimDuration::Zero();
  uint64_t retransmissions = 0;
  std::array<uint64_t, 5> node_events{};
  std::array<uint64_t, kHandlers> originated{};
  std::array<uint64_t, kHandlers> merged_new{};
  std::array<uint64_t, kHandlers> merged_stale{};
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_WORLD_RUN_COUNTERS_H_
