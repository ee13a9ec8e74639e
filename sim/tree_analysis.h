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
#ifndef PLUMSIM_SIM_TREE_ANALYSIS_H_
#define PLUMSIM_SIM_TREE_ANALYSIS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "protocol/ordset.h"
#include "sim/simulation.h"

namespace plumsim {

using Edge = std::pair<NodeId, NodeId>;  // first < second

struct TreeShape {
  NodeId root = 0;
  bool root_running = false;
  PeerSet live;               // the root's live component, root included
  std::vector<Edge> edges;    // eager edges among live nodes, sorted
  std::vector<Edge> lazy_edges;  // lazy-only pairs among live nodes, sorted
  int64_t asymmetric_pairs = 0;
  int64_t stale_eager = 0;    // eager entries without a connection
  bool spanning = false;      // edges form a spanning tree of `live`
  int64_t depth = -1;         // largest eager-hop distance from the root
  int64_t unreached = 0;      // live nodes with no eager path from the root
  int64_t multi_parent_nodes = 0;  // nodes with > 1 eager neighbour one hop closer
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

// JSON object and Graphviz DOT text of a snapshot (eager edges solid, lazy
// edges dashed, crashed nodes grey).
std::string TreeJson(const TreeShape& tree, SimTime at);
std::string TreeDot(const Simulation& sim, const TreeShape& tree, SimTime at);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_TREE_ANALYSIS_H_
