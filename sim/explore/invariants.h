// What every explored run is checked against (docs/explore.md says why
// Partisan's logic guarantees each, or why it is only expected):
//
// safety, at every instant:
//   duplicate_delivery   a handler delivers a message twice in one incarnation
//                        of a node (merge/2 answers true once per message:
//                        the store's and the heartbeat backend's is_stale)
//   reliability_range    a message's reliability outside [0, 1] or RMR < 0
//   delivery_across_cut  a message delivered from a node to one it cannot
//                        reach at that instant (partition, one-way cut, link down)
// liveness, after the quiet period (no fault in the run's last `quiet`):
//   live_unreached       a message sent in the liveness window misses a live node
//   tree_not_spanning    a root running at the end had, at its last
//                        broadcast in the window, an eager graph that was
//                        not a spanning tree of its live component
// and the scenario's own [[expect]] entries (invariant `expect`).
//
// protocol findings, at the end of a run with a quiet period (HyParView):
// behaviour Partisan's own clauses produce, not a simulator bug, each
// reported with the Erlang clause that explains it (class "protocol"):
//   unlisted_node        a running node that no other running node has in
//                        its active view
//   one_way_views        a running node lists a running peer in its active
//                        view that does not list it back
//   undelivered_prune    in the liveness window, a prune dropped because its
//                        sender holds no connection to the node it prunes:
//                        that node keeps it eager and pushes stale copies
// A liveness violation that one of these explains is a protocol finding
// too (unless the islands or a backed-off retransmission below make it
// known).
//
// A liveness violation is *known* (docs/explore.md) when
//   - HyParView's active views at the end split the running nodes into
//     islands: HyParView never retries a dead connection
//     (docs/runtime-model.md), so nothing repairs the split; or
//   - over tcp, a message sent before the quiet period is still in flight
//     or held on its connection at the end: its retransmission timeout
//     backed off (doubling to max_rto) past the quiet period, or a cut
//     outlived its heal (held data goes out at the next backed-off
//     retransmission), and the connection delivers nothing behind it.
#ifndef PLUMSIM_SIM_EXPLORE_INVARIANTS_H_
#define PLUMSIM_SIM_EXPLORE_INVARIANTS_H_

#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "sim/metrics/metrics.h"
#include "sim/scenario/scenario.h"
#include "sim/world/node_host.h"
#include "sim/world/observer.h"
#include "sim/world/simulation.h"

namespace plumsim {

struct Violation {
  std::string invariant;  // "duplicate_delivery", ...
  std::string klass;      // "safety", "liveness", "expect", "protocol" or "known"
  std::string detail;     // the first instance, in words
};

struct InvariantReport {
  std::vector<Violation> violations;  // at most one per invariant
  std::string digest;
  int64_t liveness_messages = 0;  // messages the liveness check judged
  bool Breaks(const std::string& invariant, const std::string& klass) const;
};

struct InvariantOptions {
  // Messages sent at or after this time (and settled) must reach every live
  // node; Max: no liveness check.
  SimTime liveness_from = SimTime::Max();
  // Where the quiet period begins (no fault after it): a TCP message sent
  // before it and still in flight at the end makes liveness violations
  // known (a retransmission backed off past the quiet period).
  SimTime quiet_from = SimTime::Max();
  // Tests only: a planted bug (Simulation's constructor).
  std::function<void(NodeConfig*)> customize_nodes;
};

// Runs `scenario` (as plumsim run does, writing nothing) and checks it.
absl::StatusOr<InvariantReport> CheckInvariants(const Scenario& scenario,
                                                const InvariantOptions& options);

// Counts valid merges of one message by one incarnation of a node: the
// duplicate_delivery check (also the swarm test's).
class DeliveredOnce final : public SimObserver {
 public:
  void OnNodeEvent(NodeEventKind kind, NodeId node, int64_t epoch) override;
  void OnMerge(NodeId node, const BroadcastMsg& m, bool valid) override;
  int64_t duplicates = 0;
  std::string first;  // the first duplicate, in words

 private:
  absl::flat_hash_map<NodeId, int64_t> epoch_;
  absl::flat_hash_set<std::tuple<NodeId, int64_t, HandlerId, NodeId, int64_t, uint64_t>> seen_;
};

// undelivered_prune: counts prunes dropped for want of a connection at or
// after `from` (the liveness window): the sender of a stale copy stays
// eager for good.
class PruneDropWatch final : public SimObserver {
 public:
  explicit PruneDropWatch(SimTime from) : from_(from) {}
  void set_simulation(const Simulation* sim) { sim_ = sim; }
  void OnDrop(NodeId from, NodeId to, const Message& message, DropReason reason) override;
  int64_t drops = 0;
  std::string first;  // the first one, in words

 private:
  const SimTime from_;
  const Simulation* sim_ = nullptr;
};

// delivery_across_cut: counts deliveries from a node to one the network
// cannot carry its messages to at that instant.
class CutWatch final : public SimObserver {
 public:
  // The run's simulation, once it exists (RunOptions::on_built).
  void set_simulation(const Simulation* sim) { sim_ = sim; }
  void OnDeliver(NodeId from, NodeId to, const Message& message) override;
  int64_t violations = 0;
  std::string first;  // the first one, in words

 private:
  const Simulation* sim_ = nullptr;
};

// reliability_range: what is out of range in one message's metrics
// (reliability outside [0, 1], a negative RMR), in words; nullopt if
// nothing is.
std::optional<std::string> ReliabilityOutOfRange(const MessageMetrics& m);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_INVARIANTS_H_
