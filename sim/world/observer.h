// What observers of a run see. The network reports sends, deliveries and
// drops (NetworkObserver); the simulation reports the rest. Observers never
// change what happens: they only record it (trace, digest, counters,
// metrics).
#ifndef PLUMSIM_SIM_WORLD_OBSERVER_H_
#define PLUMSIM_SIM_WORLD_OBSERVER_H_

#include <cstdint>
#include <vector>

#include "protocol/environment.h"
#include "protocol/message.h"
#include "sim/runtime/network.h"
#include "sim/runtime/processes.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

enum class NodeEventKind : uint8_t { kStart, kCrash, kRestart, kJoin, kLeave };
const char* NodeEventName(NodeEventKind kind);

class SimObserver : public NetworkObserver {
 public:
  void OnSend(NodeId, NodeId, const Message&) override {}
  void OnDeliver(NodeId, NodeId, const Message&) override {}
  void OnDrop(NodeId, NodeId, const Message&, DropReason) override {}
  // A protocol timer fired on `node`.
  virtual void OnTimer(NodeId /*node*/, TimerKind /*kind*/) {}
  // A process of `node` takes an input that waited `waited` in its mailbox
  // (only inputs that had to wait).
  virtual void OnMailboxWait(NodeId /*node*/, ProcessKind /*kind*/, SimDuration /*waited*/) {}
  // A node started, crashed, restarted, joined or left.
  virtual void OnNodeEvent(NodeEventKind /*kind*/, NodeId /*node*/, int64_t /*epoch*/) {}
  // A network fault or change from the timeline (partition, heal, link_*,
  // set_latency, set_loss), just before it is applied.
  virtual void OnNetworkChange(const TimelineEvent& /*event*/) {}
  // The membership handed to a node's broadcast server (start or update).
  virtual void OnMembership(NodeId /*node*/, const PeerSet& /*members*/) {}
  // `node` originated a broadcast (its own heartbeat or application message).
  virtual void OnOriginate(NodeId /*node*/, HandlerId /*handler*/, const BroadcastId& /*id*/) {}
  // A broadcast reached a node's handler: merge returned `valid`.
  virtual void OnMerge(NodeId /*node*/, const BroadcastMsg& /*message*/, bool /*valid*/) {}
  // A node's broadcast server changed its peer sets (add_eager, add_lazy,
  // reset_peers, neighbors_down; only moves that changed a set).
  virtual void OnPeersChanged(NodeId /*node*/, const PeerSetChange& /*change*/) {}
  // A timeline action (crash, restart, broadcast) could not apply to `node`
  // at this instant, for the reason given; nothing was done.
  virtual void OnSkipped(TimelineEvent::Kind /*kind*/, NodeId /*node*/, const char* /*why*/) {}
  // `node` started joining (HyParView) through `contact`, which is not up
  // or not listening: Partisan loses the join (it ignores the send error).
  virtual void OnJoinLost(NodeId /*node*/, NodeId /*contact*/) {}
};

// Forwards every callback to several observers, in the order added.
class ObserverList final : public SimObserver {
 public:
  void Add(SimObserver* observer) { observers_.push_back(observer); }
  void OnSend(NodeId a, NodeId b, const Message& m) override {
    for (auto* o : observers_) o->OnSend(a, b, m);
  }
  void OnDeliver(NodeId a, NodeId b, const Message& m) override {
    for (auto* o : observers_) o->OnDeliver(a, b, m);
  }
  void OnDrop(NodeId a, NodeId b, const Message& m, DropReason r) override {
    for (auto* o : observers_) o->OnDrop(a, b, m, r);
  }
  void OnConnectionOpen(NodeId a, NodeId b, Channel c) override {
    for (auto* o : observers_) o->OnConnectionOpen(a, b, c);
  }
  void OnConnectionClose(NodeId a, NodeId b, Channel c, CloseReason r) override {
    for (auto* o : observers_) o->OnConnectionClose(a, b, c, r);
  }
  void OnHeld(NodeId a, NodeId b, const Message& m) override {
    for (auto* o : observers_) o->OnHeld(a, b, m);
  }
  void OnReleased(NodeId a, NodeId b, const Message& m, SimDuration held) override {
    for (auto* o : observers_) o->OnReleased(a, b, m, held);
  }
  void OnRetransmit(NodeId a, NodeId b, const Message& m, int count) override {
    for (auto* o : observers_) o->OnRetransmit(a, b, m, count);
  }
  void OnTimer(NodeId n, TimerKind k) override {
    for (auto* o : observers_) o->OnTimer(n, k);
  }
  void OnMailboxWait(NodeId n, ProcessKind k, SimDuration w) override {
    for (auto* o : observers_) o->OnMailboxWait(n, k, w);
  }
  void OnNodeEvent(NodeEventKind k, NodeId n, int64_t e) override {
    for (auto* o : observers_) o->OnNodeEvent(k, n, e);
  }
  void OnNetworkChange(const TimelineEvent& e) override {
    for (auto* o : observers_) o->OnNetworkChange(e);
  }
  void OnMembership(NodeId n, const PeerSet& m) override {
    for (auto* o : observers_) o->OnMembership(n, m);
  }
  void OnOriginate(NodeId n, HandlerId h, const BroadcastId& id) override {
    for (auto* o : observers_) o->OnOriginate(n, h, id);
  }
  void OnMerge(NodeId n, const BroadcastMsg& m, bool valid) override {
    for (auto* o : observers_) o->OnMerge(n, m, valid);
  }
  void OnPeersChanged(NodeId n, const PeerSetChange& c) override {
    for (auto* o : observers_) o->OnPeersChanged(n, c);
  }
  void OnJoinLost(NodeId node, NodeId contact) override {
    for (auto* o : observers_) o->OnJoinLost(node, contact);
  }
  void OnSkipped(TimelineEvent::Kind k, NodeId n, const char* why) override {
    for (auto* o : observers_) o->OnSkipped(k, n, why);
  }

 private:
  std::vector<SimObserver*> observers_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_WORLD_OBSERVER_H_
