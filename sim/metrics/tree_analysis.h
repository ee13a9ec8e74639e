// The shape of one root's broadcast tree, read from every running node's
// broadcast server (docs/metrics.md, "Trees").
//
// The eager graph of root r is undirected: {a, b} is an edge when a has b in
// its eager set for r and can send to b, or b has a and can send to a. A
// pair where only one side has the other is counted in `asymmetric_pairs`
// (and is still an edge). Eager entries a node cannot send over (no
// connection: with HyParView, peers dropped from the active view stay in
// the broadcast server's sets because Partisan does not notify it) are not
// edges; they are counted in `stale_eager`. Only live nodes count: running
// nodes the root can reach and be reached by, through the network as it is
// (partitions and downed links cut it).
#ifndef PLUMSIM_SIM_METRICS_TREE_ANALYSIS_H_
#define PLUMSIM_SIM_METRICS_TREE_ANALYSIS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/ordset.h"
#include "sim/world/simulation.h"

namespace plumsim {

using Edge = std::pair<NodeId, NodeId>;  // first < second

struct TreeShape {
  NodeId root = 0;
  bool root_running = false;
  PeerSet live;                  // the root's live component, root included
  std::vector<Edge> edges;       // eager edges among live nodes, sorted
  std::vector<Edge> lazy_edges;  // lazy-only pairs among live nodes, sorted
  int64_t asymmetric_pairs = 0;
  int64_t stale_eager = 0;                      // eager entries without a connection
  bool spanning = false;                        // edges form a spanning tree of `live`
  int64_t depth = -1;                           // largest eager-hop distance from the root
  int64_t unreached = 0;                        // live nodes with no eager path from the root
  int64_t multi_parent_nodes = 0;               // nodes with > 1 eager neighbour one hop closer
  std::map<int64_t, int64_t> degree_histogram;  // eager degree -> node count
  // live.size() and edges.size(), kept when a summary drops the lists.
  int64_t live_count = 0;
  int64_t edge_count = 0;
  // Drops the per-node lists, keeping the figures (a run without --out
  // analyses every root but writes none of them).
  void KeepFiguresOnly();
};

// Running nodes reachable from `root` both ways (root included); empty if
// the root is not running.
PeerSet LiveComponent(const Simulation& sim, NodeId root);

TreeShape AnalyzeTree(const Simulation& sim, NodeId root);

// Analyses many roots of one moment at a cost that does not grow with the
// roots a run never built its own sets for. Same results as AnalyzeTree for
// every root (tested), but:
// - each live component is computed once, when a root first needs it, not
//   once per root;
// - a root no node holds its own eager/lazy sets for (no message of it has
//   arrived since the last reset) has every node's common sets as its eager
//   graph: that graph's edges and counts are computed once per component,
//   and such a root costs one breadth-first search (its depth, unreached
//   nodes and multi-parent nodes depend on where it sits).
// A 5,000-node run where one root broadcast analysed all 5,000 roots in 11 s
// against 0.5 s of simulation before this (docs/performance.md).
// The simulation must not change while the analyzer is used.
class TreeAnalyzer {
 public:
  explicit TreeAnalyzer(const Simulation& sim);
  ~TreeAnalyzer();
  // Measures, in batches of 64 breadth-first searches run together, the
  // roots among `roots` that share their component's graph; Analyze then
  // looks their figures up. Optional: unprepared roots are searched one by
  // one.
  void Prepare(const PeerSet& roots);
  // The tree of `root`; with `figures_only`, as after KeepFiguresOnly.
  TreeShape Analyze(NodeId root, bool figures_only = false);

  // What depends on where a root sits in its graph.
  struct FromRoot {
    int64_t depth = 0;
    int64_t unreached = 0;
    int64_t multi_parent_nodes = 0;
  };
  // The same, without the shared common graph (tests compare the two).
  TreeShape AnalyzeWithoutSharing(NodeId root);

 private:
  struct Shared;
  const Shared& SharedGraph(uint32_t component);
  // The root's live component (grown on first use), or kNoComponent when
  // the root is not running.
  uint32_t ComponentOf(NodeId root);
  bool HasOwnSets(NodeId root);  // computed for every root on first use
  const Simulation& sim_;
  std::vector<uint32_t> component_;           // per node; kNoComponent until grown, or not running
  std::vector<std::vector<NodeId>> members_;  // per component, ascending
  std::vector<bool> has_own_sets_;            // per root: some running node holds its own sets
  std::vector<std::unique_ptr<Shared>> shared_;  // per component, when needed
  std::vector<int32_t> level_;                   // breadth-first levels, all -1 between searches
  std::vector<bool> prepared_;                   // per root: from_root_ holds its figures
  std::vector<FromRoot> from_root_;              // per root, after Prepare
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_TREE_ANALYSIS_H_
