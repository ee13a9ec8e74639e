// Tree snapshot files (trees/<root>@<time>.json and .dot in a run folder;
// docs/output-formats.md): written at the scenario's [snapshots] times and
// at the end, read back by `plumsim trees`, `plumsim diff` and report.html.
// The writer and the reader of the JSON live here side by side.
//
//   TreeShape shape = AnalyzeTree(simulation, root);
//   std::string json = TreeJson(simulation, shape, simulation.now());
//   absl::StatusOr<TreeSnapshot> back = ParseTreeSnapshot(json, "n0@40s.json");
//   // back->edges == shape.edges (as numbers), back->spanning == shape.spanning
#ifndef PLUMSIM_SIM_METRICS_TREE_SNAPSHOT_H_
#define PLUMSIM_SIM_METRICS_TREE_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/metrics/tree_analysis.h"
#include "sim/world/simulation.h"

namespace plumsim {

// JSON object and Graphviz DOT text of a snapshot (eager edges solid, lazy
// edges dashed, crashed nodes grey).
// The JSON also lists every node that is not live: `down` (not running)
// and `cut_off` (running, not in the root's component), with `node_count`.
std::string TreeJson(const Simulation& sim, const TreeShape& tree, SimTime at);
std::string TreeDot(const Simulation& sim, const TreeShape& tree, SimTime at);

// What a snapshot's JSON says. Nodes are numbers (the n in "n12").
struct TreeSnapshot {
  int64_t root = 0;
  int64_t at_ns = 0;
  bool root_running = false;
  bool spanning = false;
  int64_t live = 0;  // live nodes: reachable from the root
  int64_t depth = 0;
  int64_t unreached = 0;
  int64_t multi_parent_nodes = 0;
  int64_t asymmetric_pairs = 0;
  int64_t stale_eager = 0;
  std::map<int64_t, int64_t> degree_histogram;  // eager degree -> live nodes with it
  int64_t node_count = 0;
  std::vector<std::pair<int64_t, int64_t>> edges;       // eager, among live nodes
  std::vector<std::pair<int64_t, int64_t>> lazy_edges;  // lazy, among live nodes
  std::vector<int64_t> down, cut_off;                   // not live
};

// Parses one snapshot; `source` names it in errors (InvalidArgument). A
// snapshot of a plumsim before 0.5.0 (no node_count, down, cut_off) is
// refused with a message that says so.
absl::StatusOr<TreeSnapshot> ParseTreeSnapshot(absl::string_view json, absl::string_view source);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_METRICS_TREE_SNAPSHOT_H_
