// Pictures of tree snapshots (`plumsim trees`, docs/metrics.md "Trees"):
// from a snapshot's JSON (trees/<root>@<time>.json), the eager graph
// directed parent -> child for Graphviz's radial layout (twopi: the root at
// the centre, each ring one eager hop further), or, past a size where a
// drawing stops being readable, a gnuplot script of its depth and fan-out
// histograms. Text only: the command runs Graphviz and gnuplot.
//
// Direction: a node's parent is its eager neighbour one hop closer to the
// root (the lowest-numbered one if several), found by breadth-first search
// from the root. When the eager graph is a tree (`spanning`) this is the
// only orientation it has, the one every message's delivery tree follows;
// eager edges beyond the tree (cycles, a second parent) are drawn apart.
#ifndef PLUMSIM_SIM_REPORT_TREE_PICTURE_H_
#define PLUMSIM_SIM_REPORT_TREE_PICTURE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/metrics/tree_snapshot.h"

namespace plumsim {

struct OrientedTree {
  std::vector<int64_t> live;                             // ascending
  std::vector<std::pair<int64_t, int64_t>> tree_edges;   // (parent, child)
  std::vector<std::pair<int64_t, int64_t>> extra_edges;  // eager, not parent -> child
  std::vector<int64_t> unreached;                        // live, no eager path from the root
  std::vector<int64_t> nodes_at_depth;                   // index = depth (0: the root)
  std::map<int64_t, int64_t> children_histogram;         // children -> reached nodes with that many
  std::vector<int64_t> depth;  // per node id: eager hops from the root, -1 if not reached
};

// Breadth-first from the root over the eager edges.
OrientedTree Orient(const TreeSnapshot& snapshot);

// "12.5s" as a file-name part that sorts in time order: seconds zero-padded
// to `width` digits, milliseconds: "0012.500s".
std::string PaddedSeconds(int64_t ns, int width);

// DOT text for twopi. Live nodes are circles (labelled when there are at
// most `label_limit` of them), the root a double circle at the centre;
// unreached live nodes orange, down nodes grey, cut-off nodes dashed;
// tree edges parent -> child, extra eager edges red and undirected.
std::string RadialDot(const TreeSnapshot& snapshot, const OrientedTree& tree,
                      int64_t label_limit = 150);

// Depth rings: `laid_out` is RadialDot's graph as twopi laid it out
// (`twopi -Tdot`, every node with its pos). Returns it with a dashed circle
// through each depth's nodes (at their mean distance from the root) and the
// depth written on it, drawn behind the tree: render it with `neato -n2`,
// which keeps every position (the layout, bounding box and label place go:
// neato computes them). The text unchanged if no position is found.
std::string AddDepthRings(absl::string_view laid_out, const TreeSnapshot& snapshot,
                          const OrientedTree& tree);

// A gnuplot script (its data inline) drawing, side by side, the nodes at
// each depth and how many nodes have each number of children, to
// `<output_base>.svg` and `<output_base>.png`.
std::string HistogramScript(const TreeSnapshot& snapshot, const OrientedTree& tree,
                            absl::string_view output_base);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_REPORT_TREE_PICTURE_H_
