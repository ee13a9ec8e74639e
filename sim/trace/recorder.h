// The run trace: every observable event, in execution order, fed into a
// 64-bit digest (always) and written as JSON lines (on request).
//
// Digest: a word-wise multiply-fold hash (sim/kernel/digest.h) over a canonical encoding of each
// event: its kind code, virtual time, nodes and message fields as 64-bit
// words and strings length-prefixed. The JSON line is a
// rendering of the same fields, so equal digests mean equal traces.
// docs/output-formats.md lists the fields of every event kind.
//
//   absl::StatusOr<std::unique_ptr<TraceFile>> file =
//       TraceFile::Create("trace.jsonl", /*zstd=*/false, "out/trace.jsonl");
//   if (!file.ok()) return file.status();
//   ObserverList observers;
//   Simulation simulation(scenario, &observers);
//   TraceRecorder trace(&simulation.event_loop(), file->get(), scenario.trace);
//   observers.Add(&trace);
//   simulation.Run();
//   if (absl::Status closed = (*file)->Close(); !closed.ok()) return closed;
//   std::string digest = trace.digest().Hex();  // equal digests: equal traces
//
// Pass a null TraceFile for the digest alone.
#ifndef PLUMSIM_SIM_TRACE_RECORDER_H_
#define PLUMSIM_SIM_TRACE_RECORDER_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "sim/kernel/digest.h"
#include "sim/kernel/event_loop.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/file.h"
#include "sim/world/observer.h"

namespace plumsim {

class TraceRecorder final : public SimObserver {
 public:
  // `out` may be null: digest only. `filter` chooses the lines written
  // (the digest covers every event).
  TraceRecorder(const EventLoop* sim, TraceFile* out, const TraceConfig& filter = {});

  void OnSend(NodeId from, NodeId to, const Message& m) override;
  void OnDeliver(NodeId from, NodeId to, const Message& m) override;
  void OnDrop(NodeId from, NodeId to, const Message& m, DropReason r) override;
  void OnTimer(NodeId node, TimerKind kind) override;
  void OnMailboxWait(NodeId node, ProcessKind kind, SimDuration waited) override;
  void OnConnectionOpen(NodeId holder, NodeId peer, Channel channel) override;
  void OnConnectionClose(NodeId holder, NodeId peer, Channel channel, CloseReason reason) override;
  void OnHeld(NodeId from, NodeId to, const Message& m) override;
  void OnReleased(NodeId from, NodeId to, const Message& m, SimDuration held) override;
  void OnRetransmit(NodeId from, NodeId to, const Message& m, int count) override;
  void OnNodeEvent(NodeEventKind kind, NodeId node, int64_t epoch) override;
  void OnNetworkChange(const TimelineEvent& event) override;
  void OnMembership(NodeId node, const PeerSet& members) override;
  void OnOriginate(NodeId node, HandlerId handler, const BroadcastId& id) override;
  void OnMerge(NodeId node, const BroadcastMsg& m, bool valid) override;
  void OnSkipped(TimelineEvent::Kind kind, NodeId node, const char* why) override;
  void OnJoinLost(NodeId node, NodeId contact) override;
  void OnPeersChanged(NodeId node, const PeerSetChange& change) override;

  const TraceDigest& digest() const { return digest_; }
  uint64_t events() const { return events_; }
  uint64_t lines_written() const { return lines_written_; }

 private:
  void Begin(uint8_t code, const char* name);
  void Node(const char* key, NodeId node);
  void ChannelField(Channel channel);
  void MessageFields(const Message& m);
  void Id(const BroadcastId& id);
  void End();

  const EventLoop* sim_;
  // Where lines go: null when nothing is written, or for an event the
  // filter leaves out (so its line is not even formatted).
  TraceFile* out_ = nullptr;
  TraceFile* const file_;
  TraceDigest digest_;
  uint64_t events_ = 0;
  uint64_t lines_written_ = 0;
  std::string line_;
  // The filter ([trace]): kinds wanted by event code (node and network
  // events by name), and the nodes / roots an event must name.
  bool all_kinds_ = true;
  absl::flat_hash_set<std::string> kinds_;
  const NodeSet nodes_, roots_;
  bool node_matched_ = false, root_matched_ = false;
  bool KindWanted(uint8_t code, const char* name) const;
};

const char* TimerKindName(TimerKind kind);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_TRACE_RECORDER_H_
