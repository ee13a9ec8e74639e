#include "sim/report/tree_picture.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <regex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace plumsim {

namespace {

using Json = nlohmann::json;

// "n12" -> 12.
// Snapshot nodes are numbers below node_count, NodeIds.
std::string Name(int64_t n) { return NodeName(static_cast<NodeId>(n)); }

std::string Title(const TreeSnapshot& s, const OrientedTree& t) {
  return absl::StrFormat(
      "root n%d at %.3fs: %d live, depth %d, %s%s", s.root, s.at_ns / 1e9, t.live.size(),
      static_cast<int64_t>(t.nodes_at_depth.size()) - 1, s.spanning ? "spanning" : "not spanning",
      t.unreached.empty() ? "" : absl::StrCat(", ", t.unreached.size(), " unreached"));
}

}  // namespace

OrientedTree Orient(const TreeSnapshot& s) {
  OrientedTree t;
  const size_t n = static_cast<size_t>(s.node_count);
  std::vector<bool> live(n, true);
  for (int64_t x : s.down) live[x] = false;
  for (int64_t x : s.cut_off) live[x] = false;
  for (size_t x = 0; x < n; ++x) {
    if (live[x]) t.live.push_back(static_cast<int64_t>(x));
  }
  std::vector<std::vector<int64_t>> adjacent(n);
  for (const auto& [a, b] : s.edges) {
    adjacent[a].push_back(b);
    adjacent[b].push_back(a);
  }
  for (auto& list : adjacent) std::sort(list.begin(), list.end());
  std::vector<int64_t> depth(n, -1), parent(n, -1);
  if (s.root_running && live[s.root]) {
    std::deque<int64_t> queue{s.root};
    depth[s.root] = 0;
    while (!queue.empty()) {
      const int64_t x = queue.front();
      queue.pop_front();
      for (int64_t y : adjacent[x]) {
        if (depth[y] >= 0) continue;
        depth[y] = depth[x] + 1;
        parent[y] = x;  // the lowest-numbered neighbour one hop closer
        queue.push_back(y);
      }
    }
  }
  t.depth = depth;
  std::vector<int64_t> children(n, 0);
  for (int64_t x : t.live) {
    if (depth[x] < 0) {
      t.unreached.push_back(x);
      continue;
    }
    if (static_cast<int64_t>(t.nodes_at_depth.size()) <= depth[x]) {
      t.nodes_at_depth.resize(depth[x] + 1, 0);
    }
    ++t.nodes_at_depth[depth[x]];
    if (parent[x] >= 0) {
      t.tree_edges.emplace_back(parent[x], x);
      ++children[parent[x]];
    }
  }
  for (int64_t x : t.live) {
    if (depth[x] >= 0) ++t.children_histogram[children[x]];
  }
  for (const auto& [a, b] : s.edges) {
    if (parent[b] == a || parent[a] == b) continue;
    t.extra_edges.emplace_back(a, b);
  }
  std::sort(t.tree_edges.begin(), t.tree_edges.end());
  return t;
}

std::string PaddedSeconds(int64_t ns, int width) {
  const int64_t ms = ns / 1000000;
  return absl::StrFormat("%0*d.%03ds", width, ms / 1000, ms % 1000);
}

std::string RadialDot(const TreeSnapshot& s, const OrientedTree& t, int64_t label_limit) {
  const bool labels = static_cast<int64_t>(t.live.size()) <= label_limit;
  std::string out = absl::StrCat(
      "digraph \"", Name(s.root), "\" {\n", "  graph [layout=twopi, root=\"", Name(s.root),
      "\", ranksep=", labels ? "0.9" : "0.6",
      // Labelled nodes are moved apart; dots stay on their ring.
      ", overlap=", labels ? "false" : "true",
      ", splines=false, outputorder=edgesfirst, bgcolor=white,\n"
      "         fontname=\"Helvetica\", fontsize=14, labelloc=t,\n"
      "         label=\"",
      Title(s, t),
      "\\nrings: eager hops from the root; orange: unreached; grey: down; dashed: cut off; "
      "red: eager edges beyond the tree\"];\n",
      "  node [shape=circle, style=filled, fillcolor=\"#cfe2f3\", color=\"#2f5f8f\", "
      "fontname=\"Helvetica\", fontsize=9, ",
      labels ? "width=0.45, fixedsize=true" : "width=0.12, fixedsize=true, label=\"\"", "];\n",
      "  edge [color=\"#2f5f8f\", arrowsize=0.5];\n");
  absl::StrAppend(&out, "  ", Name(s.root),
                  " [shape=doublecircle, fillcolor=\"#2f5f8f\", fontcolor=white, label=\"",
                  Name(s.root), "\", width=", labels ? "0.55" : "0.35", "];\n");
  for (int64_t x : t.unreached) {
    absl::StrAppend(&out, "  ", Name(x), " [fillcolor=\"#f6a04d\", color=\"#b35806\"",
                    labels ? "" : absl::StrCat(", xlabel=\"", Name(x), "\""), "];\n");
  }
  for (int64_t x : s.down) {
    absl::StrAppend(&out, "  ", Name(x), " [fillcolor=\"#bbbbbb\", color=\"#777777\"];\n");
  }
  for (int64_t x : s.cut_off) {
    absl::StrAppend(&out, "  ", Name(x), " [style=dashed, fillcolor=white];\n");
  }
  for (const auto& [parent, child] : t.tree_edges) {
    absl::StrAppend(&out, "  ", Name(parent), " -> ", Name(child), ";\n");
  }
  for (const auto& [a, b] : t.extra_edges) {
    absl::StrAppend(&out, "  ", Name(a), " -> ", Name(b),
                    " [dir=none, color=\"#d62728\", style=dashed];\n");
  }
  out += "}\n";
  return out;
}

std::string AddDepthRings(absl::string_view laid_out, const TreeSnapshot& s,
                          const OrientedTree& t) {
  // Node statements of twopi's output: `nID [... pos="X,Y" ...]` (edge
  // positions are lists of points, so they do not match).
  static const std::regex kNodePos(
      R"re((?:^|[\s;{])n(\d+)\s*\[[^\]]*?pos="(-?[\d.]+),(-?[\d.]+)")re");
  const std::string text(laid_out);
  std::map<int64_t, std::pair<double, double>> pos;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kNodePos);
       it != std::sregex_iterator(); ++it) {
    pos[std::stoll((*it)[1].str())] = {std::stod((*it)[2].str()), std::stod((*it)[3].str())};
  }
  const auto root = pos.find(s.root);
  const size_t brace = text.find('{');
  if (root == pos.end() || brace == std::string::npos) return text;
  const auto [rx, ry] = root->second;
  std::vector<double> sum(t.nodes_at_depth.size(), 0);
  std::vector<int64_t> count(t.nodes_at_depth.size(), 0);
  for (const auto& [node, xy] : pos) {
    if (node >= static_cast<int64_t>(t.depth.size()) || t.depth[node] <= 0) continue;
    sum[t.depth[node]] += std::hypot(xy.first - rx, xy.second - ry);
    ++count[t.depth[node]];
  }
  std::string rings;
  for (size_t d = 1; d < sum.size(); ++d) {
    if (count[d] == 0) continue;
    const double r = sum[d] / static_cast<double>(count[d]);
    absl::StrAppend(&rings, "  ring", d,
                    " [shape=circle, style=dashed, color=\"#c8c8c8\", "
                    "fillcolor=none, label=\"\", fixedsize=true, width=",
                    absl::StrFormat("%.3f", 2 * r / 72), ", pos=\"",
                    absl::StrFormat("%.2f,%.2f", rx, ry), "\"];\n", "  ring", d,
                    "_label [shape=plaintext, style=\"\", label=\"", d,
                    "\", fontcolor=\"#999999\", fontsize=9, width=0.2, height=0.2, pos=\"",
                    absl::StrFormat("%.2f,%.2f", rx, ry + r), "\"];\n");
  }
  // First in the graph, so drawn first: behind the tree. The layout
  // attribute goes: it would make neato lay the graph out with twopi again.
  std::string rest = text.substr(brace + 1);
  // So do the bounding box and the label's place: the rings reach past
  // them, and neato -n2 computes both again.
  static const std::regex kLayout(
      R"re(\b(layout\s*=\s*"?twopi"?|bb\s*=\s*"[^"]*"|lp\s*=\s*"[^"]*")\s*,?)re");
  rest = std::regex_replace(rest, kLayout, "");
  return absl::StrCat(text.substr(0, brace + 1), "\n", rings, rest);
}

std::string HistogramScript(const TreeSnapshot& s, const OrientedTree& t,
                            absl::string_view output_base) {
  std::string depth_data, children_data;
  for (size_t d = 0; d < t.nodes_at_depth.size(); ++d) {
    absl::StrAppend(&depth_data, d, " ", t.nodes_at_depth[d], "\n");
  }
  for (const auto& [children, nodes] : t.children_histogram) {
    absl::StrAppend(&children_data, children, " ", nodes, "\n");
  }
  const std::string title = Title(s, t);
  std::string body =
      absl::StrCat("$depth << EOD\n", depth_data, "EOD\n$children << EOD\n", children_data, "EOD\n",
                   "set style fill solid 0.8 border -1\nset boxwidth 0.8\nset grid ytics\n"
                   "set logscale y\nset yrange [0.8:*]\n",
                   "set multiplot layout 1,2 title \"", title, "\"\n",
                   "set title \"nodes at each depth (eager hops from the root)\"\n"
                   "set xlabel \"depth (hops)\"\nset ylabel \"nodes\"\n"
                   "plot $depth using 1:2 with boxes lc rgb \"#2f5f8f\" notitle\n",
                   "set title \"fan-out: nodes with each number of children\"\n"
                   "set xlabel \"children (eager)\"\nset ylabel \"nodes\"\n"
                   "plot $children using 1:2 with boxes lc rgb \"#f6a04d\" notitle\n",
                   "unset multiplot\n");
  return absl::StrCat("# plumsim trees: depth and fan-out of ", Name(s.root), "'s tree (",
                      t.live.size(), " live nodes: too many to draw)\n",
                      "set terminal svg size 1100,480 dynamic font \"Helvetica,12\"\n",
                      "set output \"", output_base, ".svg\"\n", body,
                      "set terminal pngcairo size 1100,480 font \"Helvetica,10\"\n",
                      "set output \"", output_base, ".png\"\n",
                      // A multiplot is not replotted: draw it again for the second terminal.
                      body, "unset output\n");
}

}  // namespace plumsim
