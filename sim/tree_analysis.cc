#include "sim/tree_analysis.h"

#include <algorithm>
#include <deque>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"

namespace plumsim {

PeerSet LiveComponent(const Simulation& sim, NodeId root) {
  const size_t n = sim.node_count();
  if (root >= n || !sim.node(root).running()) return {};
  PeerSet out;
  if (!sim.network().HasActiveCuts()) {
    for (NodeId i = 0; i < n; ++i) {
      if (sim.node(i).running()) out.push_back(i);
    }
    return out;
  }
  // Breadth-first over pairs that can talk both ways.
  std::vector<bool> seen(n, false);
  std::deque<NodeId> queue = {root};
  seen[root] = true;
  while (!queue.empty()) {
    const NodeId a = queue.front();
    queue.pop_front();
    out.push_back(a);
    for (NodeId b = 0; b < n; ++b) {
      if (seen[b] || !sim.node(b).running()) continue;
      if (sim.network().IsConnected(a, b) && sim.network().IsConnected(b, a)) {
        seen[b] = true;
        queue.push_back(b);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void TreeShape::KeepFiguresOnly() {
  // Swapped out, not assigned {}: assignment would keep the capacity.
  PeerSet().swap(live);
  std::vector<Edge>().swap(edges);
  std::vector<Edge>().swap(lazy_edges);
  degree_histogram.clear();
}

TreeShape AnalyzeTree(const Simulation& sim, NodeId root) {
  TreeShape t;
  t.root = root;
  t.root_running = root < sim.node_count() && sim.node(root).running();
  t.live = LiveComponent(sim, root);
  if (t.live.empty()) return t;
  const size_t n = sim.node_count();
  std::vector<bool> live(n, false);
  for (NodeId x : t.live) live[x] = true;

  std::vector<Edge> lazy;
  // a forwards to b for this root.
  auto forwards = [&](NodeId a, NodeId b) {
    return ordsets::IsElement(b, sim.node(a).server()->GetEagerPeers(root),
                              sim.node(a).name_order()) &&
           sim.node(a).IsConnected(b);
  };
  for (NodeId a : t.live) {
    const BroadcastServer* server = sim.node(a).server();
    for (NodeId b : server->GetEagerPeers(root)) {
      if (b >= n || b == a) continue;
      if (!sim.node(a).IsConnected(b)) {
        ++t.stale_eager;
        continue;
      }
      if (!live[b]) continue;
      const bool mutual = forwards(b, a);
      if (!mutual) ++t.asymmetric_pairs;
      if (!mutual || a < b) t.edges.emplace_back(std::min(a, b), std::max(a, b));
    }
  }
  std::sort(t.edges.begin(), t.edges.end());
  t.edges.erase(std::unique(t.edges.begin(), t.edges.end()), t.edges.end());
  // The eager graph's adjacency in two arrays (neighbours of x are
  // neighbours[offset[x] .. offset[x + 1])), in edge order: a list per
  // node cost n allocations per root, and every root is analysed.
  std::vector<uint32_t> offset(n + 1, 0);
  for (const Edge& e : t.edges) {
    ++offset[e.first + 1];
    ++offset[e.second + 1];
  }
  for (size_t i = 0; i < n; ++i) offset[i + 1] += offset[i];
  std::vector<NodeId> neighbours(offset[n]);
  {
    std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
    for (const Edge& e : t.edges) {
      neighbours[fill[e.first]++] = e.second;
      neighbours[fill[e.second]++] = e.first;
    }
  }
  auto adjacent = [&](NodeId x) {
    return absl::MakeConstSpan(neighbours.data() + offset[x], offset[x + 1] - offset[x]);
  };
  // Lazy pairs (from either side) that are not also eager edges.
  for (NodeId a : t.live) {
    for (NodeId b : sim.node(a).server()->GetLazyPeers(root)) {
      if (b < n && live[b] && b != a) lazy.emplace_back(std::min(a, b), std::max(a, b));
    }
  }
  std::sort(lazy.begin(), lazy.end());
  lazy.erase(std::unique(lazy.begin(), lazy.end()), lazy.end());
  for (const Edge& e : lazy) {
    if (!std::binary_search(t.edges.begin(), t.edges.end(), e)) t.lazy_edges.push_back(e);
  }

  // Levels from the root over the eager graph.
  std::vector<int64_t> level(n, -1);
  std::deque<NodeId> queue = {root};
  level[root] = 0;
  while (!queue.empty()) {
    const NodeId a = queue.front();
    queue.pop_front();
    t.depth = std::max(t.depth, level[a]);
    for (NodeId b : adjacent(a)) {
      if (level[b] < 0) {
        level[b] = level[a] + 1;
        queue.push_back(b);
      }
    }
  }
  for (NodeId x : t.live) {
    if (level[x] < 0) ++t.unreached;
    ++t.degree_histogram[static_cast<int64_t>(adjacent(x).size())];
    if (x == root || level[x] < 0) continue;
    int64_t parents = 0;
    for (NodeId y : adjacent(x)) parents += level[y] == level[x] - 1;
    if (parents > 1) ++t.multi_parent_nodes;
  }
  t.spanning = t.unreached == 0 && t.edges.size() + 1 == t.live.size();
  t.live_count = static_cast<int64_t>(t.live.size());
  t.edge_count = static_cast<int64_t>(t.edges.size());
  return t;
}

namespace {

std::string EdgeListJson(const std::vector<Edge>& edges) {
  return absl::StrCat("[",
                      absl::StrJoin(edges, ",",
                                    [](std::string* out, const Edge& e) {
                                      absl::StrAppend(out, "[\"", NodeName(e.first), "\",\"",
                                                      NodeName(e.second), "\"]");
                                    }),
                      "]");
}

}  // namespace

std::string TreeJson(const TreeShape& t, SimTime at) {
  std::vector<std::string> degrees;
  for (const auto& [degree, count] : t.degree_histogram) {
    degrees.push_back(absl::StrCat("\"", degree, "\":", count));
  }
  return absl::StrCat(
      "{\"root\":\"", NodeName(t.root), "\",\"at_ns\":", at.ns(),
      ",\"root_running\":", t.root_running ? "true" : "false",
      ",\"live\":", t.live.size(), ",\"spanning\":", t.spanning ? "true" : "false",
      ",\"depth\":", t.depth, ",\"unreached\":", t.unreached,
      ",\"multi_parent_nodes\":", t.multi_parent_nodes,
      ",\"asymmetric_pairs\":", t.asymmetric_pairs, ",\"stale_eager\":", t.stale_eager,
      ",\"degree_histogram\":{",
      absl::StrJoin(degrees, ","), "},\"edges\":", EdgeListJson(t.edges),
      ",\"lazy_edges\":", EdgeListJson(t.lazy_edges), "}\n");
}

std::string TreeDot(const Simulation& sim, const TreeShape& t, SimTime at) {
  std::string out = absl::StrCat("graph \"", NodeName(t.root), "@", FormatSimTime(at),
                                 "\" {\n  label=\"root ", NodeName(t.root), " at ",
                                 FormatSimTime(at), t.spanning ? ", spanning" : ", not spanning",
                                 ", depth ", t.depth, "\";\n  node [shape=circle];\n");
  absl::StrAppend(&out, "  ", NodeName(t.root), " [shape=doublecircle];\n");
  for (NodeId x = 0; x < sim.node_count(); ++x) {
    if (!sim.node(x).running()) {
      absl::StrAppend(&out, "  ", NodeName(x),
                      " [style=filled, fillcolor=grey, label=\"", NodeName(x), "\\n(down)\"];\n");
    } else if (!ordsets::IsElement(x, t.live)) {
      absl::StrAppend(&out, "  ", NodeName(x), " [style=dotted, label=\"", NodeName(x),
                      "\\n(cut off)\"];\n");
    }
  }
  for (const Edge& e : t.edges) {
    absl::StrAppend(&out, "  ", NodeName(e.first), " -- ", NodeName(e.second), ";\n");
  }
  for (const Edge& e : t.lazy_edges) {
    absl::StrAppend(&out, "  ", NodeName(e.first), " -- ", NodeName(e.second),
                    " [style=dashed, color=grey];\n");
  }
  out += "}\n";
  return out;
}

}  // namespace plumsim
