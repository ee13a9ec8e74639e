// Plumtree metrics of a run (docs/metrics.md defines each one): per
// broadcast message reliability, RMR, LDH and delivery latency; control
// traffic per message and per time window; convergence per root. An
// observer: it never changes the run.
#ifndef PLUMSIM_SIM_METRICS_METRICS_H_
#define PLUMSIM_SIM_METRICS_METRICS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/world/observer.h"
#include "sim/world/simulation.h"

namespace plumsim {

// A handler's name in outputs and scenario files: "heartbeat" (Partisan's
// plumtree backend), "application" (the store handler); "?" for others.
const char* HandlerName(HandlerId handler);
// The handler of that name; nullopt for any other name (e.g. "all").
std::optional<HandlerId> HandlerByName(const std::string& name);

struct MessageMetrics {
  NodeId root = 0;
  HandlerId handler = 0;
  BroadcastId id;
  SimTime sent_at;
  int64_t live = 0;       // live nodes reachable from the root at send, root included
  int64_t running = 0;    // nodes running at send, root included
  int64_t delivered = 1;  // distinct live nodes that delivered it, the root included
  // Deliveries by a later incarnation of a node that had delivered it
  // already (it crashed and restarted, and its fresh state took the message
  // again: legitimate in Partisan). Not in reliability, RMR or latency.
  int64_t redelivered = 0;
  std::vector<bool> delivered_by;  // per node, kept only when nodes can restart
  int64_t delivered_outside = 0;   // deliveries by nodes not live at send (e.g. across a
                                   // partition, repaired after the heal; joined later)
  // Which nodes were live at send (shared by messages sent under the same
  // connectivity).
  std::shared_ptr<const std::vector<bool>> live_set;
  int64_t payload = 0;                                // payload copies received (first and stale)
  int64_t i_have = 0, ignored_i_have = 0, graft = 0;  // received, for this id
  int64_t ldh = 0;  // largest hop count of a live first delivery (root's push = 1)
  // Live first deliveries, from sent_at: below 2^32 ns (4.3 s) in 4 bytes,
  // the rest apart. A 10,000-node heartbeat round records 10^8 of them.
  std::vector<uint32_t> short_latencies_ns;
  std::vector<int64_t> long_latencies_ns;
  void AddLatency(int64_t ns);
  // Every latency recorded, in no particular order.
  std::vector<int64_t> Latencies() const;
  bool settled = false;  // sent at least `settle` before the end

  double reliability() const;
  // Share of the nodes running at send that delivered it, wherever they
  // were: (delivered + delivered_outside) / running, at most 1.
  double reach() const;
  // payload / (all deliveries - 1) - 1, counting the root and deliveries
  // outside the live set; nullopt when nobody but the root delivered.
  std::optional<double> rmr() const;
  // Quantile q in [0, 1] of the first-delivery latencies (nearest rank);
  // 0 when nobody but the root delivered.
  int64_t LatencyQuantile(double q) const;
};

struct WindowMetrics {
  SimTime start;
  int64_t payload = 0;  // payload copies received
  int64_t first_deliveries = 0;
  int64_t stale_copies = 0;
  std::array<int64_t, kMessageTypes> by_type{};  // received, by Message type
  int64_t originated = 0;
  int64_t live_nodes = 0;  // running nodes at the end of the window
  // Changes of eager graphs: add_eager/add_lazy moves that changed a root's
  // eager set, plus reset_peers and neighbors_down (any root's).
  int64_t eager_changes = 0;
  std::optional<double> rmr() const;  // payload / first_deliveries - 1
};

// Per root; docs/metrics.md, "Convergence", defines each time.
struct RootConvergence {
  NodeId root = 0;
  int64_t messages = 0;  // settled messages of this root
  // Strict: the first message of the final run with reliability 1 and RMR 0.
  std::optional<SimTime> converged_at;  // nullopt: not converged
  // The last change of the root's eager graph, when at least stable_rounds
  // settled messages of the root were sent after it (and none changed it).
  std::optional<SimTime> tree_stable_at;
  // The first message of the final run of messages with RMR <= rmr_epsilon
  // (undefined RMR counts as within).
  std::optional<SimTime> rmr_settled_at;
  SimTime last_change;               // the last change of its eager graph
  int64_t eager_changes = 0;         // moves of its eager sets over the run
  int64_t messages_with_grafts = 0;  // settled messages that were grafted
};

// Per run: how many roots reached a time, and its quantiles over them.
struct ConvergenceQuantiles {
  int64_t roots = 0;      // roots with settled messages
  int64_t reached = 0;    // of them, how many have the time
  SimTime p50, p90, max;  // nearest rank over the roots that reached it
  double share() const { return roots > 0 ? static_cast<double>(reached) / roots : 0; }
};

// What keeps roots from a stable tree: over the settled messages of the
// roots that are not tree-stable.
struct ConvergenceObstacles {
  int64_t roots = 0;     // roots not tree-stable
  int64_t messages = 0;  // their settled messages
  int64_t messages_with_grafts = 0;
  // Grafts received for those messages, by the depth of the grafting node
  // on the lazy path it grafted (the round the graft carries + 1: a lazy
  // neighbour of the root grafts round 0). Index 0 is unused.
  std::vector<int64_t> grafts_by_depth;
  // Changes of eager graphs per root message over the second half of the run.
  double eager_changes_per_message_late = 0;
};

struct ConvergenceReport {
  std::vector<RootConvergence> roots;
  ConvergenceQuantiles strict, tree_stable, rmr_settled;
  ConvergenceObstacles obstacles;
};

class MetricsCollector final : public SimObserver {
 public:
  MetricsCollector(const Simulation* sim, SimDuration window);
  const Simulation& simulation() const { return *sim_; }

  void OnDeliver(NodeId from, NodeId to, const Message& m) override;
  void OnNodeEvent(NodeEventKind kind, NodeId node, int64_t epoch) override;
  void OnNetworkChange(const TimelineEvent&) override { ++connectivity_version_; }
  void OnOriginate(NodeId node, HandlerId handler, const BroadcastId& id) override;
  void OnMerge(NodeId node, const BroadcastMsg& m, bool valid) override;
  void OnConnectionClose(NodeId holder, NodeId peer, Channel channel, CloseReason reason) override;
  void OnPeersChanged(NodeId node, const PeerSetChange& change) override;

  struct ConnectionClose {
    SimTime at;
    NodeId holder, peer;
    CloseReason reason;
  };
  // tcp: every connection that closed, in time order.
  const std::vector<ConnectionClose>& connection_closes() const { return connection_closes_; }

  // Closes the books at the end of the run: marks messages sent at least
  // `settle` before `end` as settled and fills the last windows.
  void Finish(SimTime end, SimDuration settle);

  const std::vector<MessageMetrics>& messages() const { return messages_; }
  // Bytes held, approximately, by part (for the memory benchmarks).
  struct Bytes {
    size_t messages = 0;        // per-message records, their latencies and delivered_by
    size_t delivery_trees = 0;  // each tracked root's latest delivery tree
    size_t total() const { return messages + delivery_trees; }
  };
  Bytes ApproximateBytes() const;
  const std::vector<WindowMetrics>& windows() const { return windows_; }
  // Per root, over settled messages of `handler` (or of every handler when
  // nullopt): the earliest send time from which every later message has
  // reliability 1 and RMR 0.
  // The new figures follow the scenario's [metrics] stable_rounds and
  // rmr_epsilon.
  std::vector<RootConvergence> Convergence(std::optional<HandlerId> handler) const;
  // The same with the run's quantiles and obstacles.
  ConvergenceReport ConvergenceOf(std::optional<HandlerId> handler) const;
  // The latest over roots; nullopt if some root has not converged or there
  // are no settled messages.
  static std::optional<SimTime> Overall(const std::vector<RootConvergence>& roots);
  // Which roots' delivery trees to keep: nullopt (the default) every root,
  // else the roots listed (none if empty). A 10,000-node heartbeat run keeps
  // 10^8 (child, parent) pairs for every root; reports need only the roots
  // they snapshot. Call before the run.
  void TrackDeliveryTrees(std::optional<PeerSet> roots) { tracked_roots_ = std::move(roots); }
  // The delivery tree of the latest message of each tracked root: child ->
  // parent (the sender of its first valid copy).
  const absl::flat_hash_map<NodeId, std::vector<std::pair<NodeId, NodeId>>>& delivery_trees()
      const {
    return delivery_trees_;
  }

 private:
  // Ids are unique per handler.
  struct MessageKey {
    HandlerId handler;
    BroadcastId id;
    friend bool operator==(const MessageKey&, const MessageKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const MessageKey& k) {
      return H::combine(std::move(h), k.handler, k.id.origin, k.id.epoch, k.id.sequence);
    }
  };
  WindowMetrics& Window();
  std::shared_ptr<const std::vector<bool>> LiveSet(NodeId root);
  MessageMetrics* Find(const BroadcastId& id, HandlerId handler);

  const Simulation* sim_;
  const SimDuration window_;
  std::vector<ConnectionClose> connection_closes_;
  // Eager-graph changes: per root (indexed by node id) its own moves, and
  // the changes that touch every root (reset_peers, neighbors_down, crashes).
  struct RootChanges {
    SimTime last;
    int64_t count = 0;
  };
  std::vector<RootChanges> root_changes_;
  SimTime last_global_change_;
  // Grafts received: (message index, round).
  std::vector<std::pair<uint32_t, uint32_t>> grafts_;
  const bool nodes_can_restart_;  // restart events or churn: track who delivered
  int64_t running_ = 0;
  std::vector<MessageMetrics> messages_;
  absl::flat_hash_map<MessageKey, uint32_t> index_;
  std::vector<WindowMetrics> windows_;
  absl::flat_hash_map<NodeId, MessageKey> latest_of_root_;
  // Live sets for the current connectivity (node events and network changes
  // bump the version): one for all when nothing is cut, else per component.
  uint64_t connectivity_version_ = 0;
  uint64_t cached_version_ = ~uint64_t{0};
  std::shared_ptr<const std::vector<bool>> all_running_;
  absl::flat_hash_map<NodeId, std::shared_ptr<const std::vector<bool>>> component_of_;
  absl::flat_hash_map<NodeId, std::vector<std::pair<NodeId, NodeId>>> delivery_trees_;
  std::optional<PeerSet> tracked_roots_;
  bool Tracked(NodeId root) const {
    return !tracked_roots_.has_value() || ordsets::IsElement(root, *tracked_roots_);
  }
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_METRICS_H_
