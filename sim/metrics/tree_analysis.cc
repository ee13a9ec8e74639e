#include "sim/metrics/tree_analysis.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "base/check.h"

namespace plumsim {

void TreeShape::KeepFiguresOnly() {
  // Swapped out, not assigned {}: assignment would keep the capacity.
  PeerSet().swap(live);
  std::vector<Edge>().swap(edges);
  std::vector<Edge>().swap(lazy_edges);
  degree_histogram.clear();
}

namespace {

constexpr uint32_t kNoComponent = 0xffffffffu;

// The eager graph's adjacency in two arrays (neighbours of x are
// neighbours[offset[x] .. offset[x + 1])), in edge order: a list per node
// cost n allocations per root.
struct Adjacency {
  std::vector<uint32_t> offset;
  std::vector<NodeId> neighbours;
  absl::Span<const NodeId> Of(NodeId x) const {
    return absl::MakeConstSpan(neighbours.data() + offset[x], offset[x + 1] - offset[x]);
  }
};

Adjacency BuildAdjacency(size_t n, const std::vector<Edge>& edges) {
  Adjacency adj;
  adj.offset.assign(n + 1, 0);
  for (const Edge& e : edges) {
    ++adj.offset[e.first + 1];
    ++adj.offset[e.second + 1];
  }
  for (size_t i = 0; i < n; ++i) adj.offset[i + 1] += adj.offset[i];
  adj.neighbours.resize(adj.offset[n]);
  std::vector<uint32_t> fill(adj.offset.begin(), adj.offset.end() - 1);
  for (const Edge& e : edges) {
    adj.neighbours[fill[e.first]++] = e.second;
    adj.neighbours[fill[e.second]++] = e.first;
  }
  return adj;
}

// What a tree's eager and lazy sets alone decide: the edges among live nodes
// and their counts. `eager_of(a)` / `lazy_of(a)` are node a's sets.
struct EagerGraph {
  std::vector<Edge> edges;
  std::vector<Edge> lazy_edges;
  int64_t asymmetric_pairs = 0;
  int64_t stale_eager = 0;
  Adjacency adjacency;
};

template <typename EagerOf, typename LazyOf>
EagerGraph BuildEagerGraph(const Simulation& sim, const PeerSet& live,
                           const std::vector<bool>& is_live, EagerOf eager_of, LazyOf lazy_of) {
  const size_t n = sim.node_count();
  EagerGraph g;
  // a forwards to b for this root.
  auto forwards = [&](NodeId a, NodeId b) {
    return ordsets::IsElement(b, eager_of(a), sim.node(a).name_order()) &&
           sim.node(a).IsConnected(b);
  };
  for (NodeId a : live) {
    for (NodeId b : eager_of(a)) {
      if (b >= n || b == a) continue;
      if (!sim.node(a).IsConnected(b)) {
        ++g.stale_eager;
        continue;
      }
      if (!is_live[b]) continue;
      const bool mutual = forwards(b, a);
      if (!mutual) ++g.asymmetric_pairs;
      if (!mutual || a < b) g.edges.emplace_back(std::min(a, b), std::max(a, b));
    }
  }
  std::sort(g.edges.begin(), g.edges.end());
  g.edges.erase(std::unique(g.edges.begin(), g.edges.end()), g.edges.end());
  g.adjacency = BuildAdjacency(n, g.edges);
  // Lazy pairs (from either side) that are not also eager edges.
  std::vector<Edge> lazy;
  for (NodeId a : live) {
    for (NodeId b : lazy_of(a)) {
      if (b < n && is_live[b] && b != a) lazy.emplace_back(std::min(a, b), std::max(a, b));
    }
  }
  std::sort(lazy.begin(), lazy.end());
  lazy.erase(std::unique(lazy.begin(), lazy.end()), lazy.end());
  for (const Edge& e : lazy) {
    if (!std::binary_search(g.edges.begin(), g.edges.end(), e)) g.lazy_edges.push_back(e);
  }
  return g;
}

// What depends on where the root sits: levels from the root over the eager
// graph give the depth, the unreached nodes and the multi-parent nodes.
// `level` has one entry per node, all -1; they are -1 again on return.
void MeasureFromRoot(const Adjacency& adj, const PeerSet& live, NodeId root,
                     std::vector<int32_t>* level, TreeShape* t) {
  std::vector<NodeId> order = {root};  // breadth-first order
  (*level)[root] = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const NodeId a = order[i];
    t->depth = std::max<int64_t>(t->depth, (*level)[a]);
    for (NodeId b : adj.Of(a)) {
      if ((*level)[b] < 0) {
        (*level)[b] = (*level)[a] + 1;
        order.push_back(b);
      }
    }
  }
  for (NodeId x : live) {
    if ((*level)[x] < 0) ++t->unreached;
    if (x == root || (*level)[x] < 0) continue;
    int64_t parents = 0;
    for (NodeId y : adj.Of(x)) parents += (*level)[y] == (*level)[x] - 1;
    if (parents > 1) ++t->multi_parent_nodes;
  }
  for (NodeId x : order) (*level)[x] = -1;
}

// MeasureFromRoot for up to 64 roots of one graph at once: bit i of a node's
// word stands for roots[i]. Each level computes, per live node, which roots'
// frontiers reach it first (and through two or more neighbours: a
// multi-parent node), so a level costs one pass over the graph for 64 roots.
// Results go to (*out)[roots[i]].
void MeasureFromRoots(const Adjacency& adj, const PeerSet& live, absl::Span<const NodeId> roots,
                      std::vector<uint64_t>* visited, std::vector<uint64_t>* frontier,
                      std::vector<uint64_t>* next, std::vector<TreeAnalyzer::FromRoot>* out) {
  PLUMSIM_CHECK(roots.size() <= 64);
  for (NodeId x : live) (*visited)[x] = (*frontier)[x] = 0;
  for (size_t i = 0; i < roots.size(); ++i) {
    (*visited)[roots[i]] |= uint64_t{1} << i;
    (*frontier)[roots[i]] |= uint64_t{1} << i;
    (*out)[roots[i]] = TreeAnalyzer::FromRoot{};
  }
  for (int64_t level = 1;; ++level) {
    uint64_t reached = 0;  // roots whose search went one level further
    for (NodeId x : live) {
      uint64_t once = 0, twice = 0;
      for (NodeId y : adj.Of(x)) {
        twice |= once & (*frontier)[y];
        once |= (*frontier)[y];
      }
      const uint64_t first = once & ~(*visited)[x];
      (*next)[x] = first;
      reached |= first;
      for (uint64_t multi = twice & first; multi != 0; multi &= multi - 1) {
        ++(*out)[roots[__builtin_ctzll(multi)]].multi_parent_nodes;
      }
    }
    if (reached == 0) break;
    for (uint64_t r = reached; r != 0; r &= r - 1) (*out)[roots[__builtin_ctzll(r)]].depth = level;
    for (NodeId x : live) {
      (*visited)[x] |= (*next)[x];
      (*frontier)[x] = (*next)[x];
    }
  }
  const uint64_t all = roots.size() == 64 ? ~uint64_t{0} : (uint64_t{1} << roots.size()) - 1;
  for (NodeId x : live) {
    for (uint64_t missed = all & ~(*visited)[x]; missed != 0; missed &= missed - 1) {
      ++(*out)[roots[__builtin_ctzll(missed)]].unreached;
    }
  }
}

// Eager degree -> live nodes with it (the same wherever the root sits).
std::map<int64_t, int64_t> DegreeHistogram(const Adjacency& adj, const PeerSet& live) {
  std::map<int64_t, int64_t> histogram;
  for (NodeId x : live) ++histogram[static_cast<int64_t>(adj.Of(x).size())];
  return histogram;
}

void Finish(TreeShape* t) { t->spanning = t->unreached == 0 && t->edge_count + 1 == t->live_count; }

// Labels `start`'s live component `label` in `component` and returns its
// nodes, ascending: every running node when the network has no cut, else a
// breadth-first search over pairs that can talk both ways (a symmetric
// relation: the same component from any of its nodes).
std::vector<NodeId> GrowComponent(const Simulation& sim, NodeId start, uint32_t label,
                                  std::vector<uint32_t>* component) {
  const size_t n = sim.node_count();
  std::vector<NodeId> members;
  if (!sim.network().HasActiveCuts()) {
    for (NodeId x = 0; x < n; ++x) {
      if (sim.node(x).running()) {
        (*component)[x] = label;
        members.push_back(x);
      }
    }
    return members;
  }
  (*component)[start] = label;
  members.push_back(start);
  for (size_t i = 0; i < members.size(); ++i) {
    const NodeId a = members[i];
    for (NodeId b = 0; b < n; ++b) {
      if ((*component)[b] != kNoComponent || !sim.node(b).running()) continue;
      if (sim.network().IsConnected(a, b) && sim.network().IsConnected(b, a)) {
        (*component)[b] = label;
        members.push_back(b);
      }
    }
  }
  std::sort(members.begin(), members.end());
  return members;
}

}  // namespace

PeerSet LiveComponent(const Simulation& sim, NodeId root) {
  if (root >= sim.node_count() || !sim.node(root).running()) return {};
  std::vector<uint32_t> component(sim.node_count(), kNoComponent);
  return GrowComponent(sim, root, 0, &component);
}

TreeShape AnalyzeTree(const Simulation& sim, NodeId root) {
  return TreeAnalyzer(sim).AnalyzeWithoutSharing(root);
}

// A component's common graph: every node's common eager and lazy sets.
struct TreeAnalyzer::Shared {
  PeerSet live;
  std::vector<bool> is_live;
  EagerGraph graph;
  std::map<int64_t, int64_t> degree_histogram;
};

TreeAnalyzer::TreeAnalyzer(const Simulation& sim) : sim_(sim) {
  component_.assign(sim.node_count(), kNoComponent);
  level_.assign(sim.node_count(), -1);
}

// Components are grown when a root first needs one: a run that snapshots
// one root searches one component, as LiveComponent does.
uint32_t TreeAnalyzer::ComponentOf(NodeId root) {
  if (root >= sim_.node_count() || !sim_.node(root).running()) return kNoComponent;
  if (component_[root] == kNoComponent) {
    const uint32_t label = static_cast<uint32_t>(members_.size());
    members_.push_back(GrowComponent(sim_, root, label, &component_));
    shared_.emplace_back();
  }
  return component_[root];
}

bool TreeAnalyzer::HasOwnSets(NodeId root) {
  if (has_own_sets_.empty()) {
    const size_t n = sim_.node_count();
    has_own_sets_.assign(n, false);
    for (NodeId a = 0; a < n; ++a) {
      if (!sim_.node(a).running()) continue;
      for (NodeId r : sim_.node(a).server()->RootsWithOwnSets()) {
        if (r < n) has_own_sets_[r] = true;
      }
    }
  }
  return has_own_sets_[root];
}

TreeAnalyzer::~TreeAnalyzer() = default;

const TreeAnalyzer::Shared& TreeAnalyzer::SharedGraph(uint32_t component) {
  std::unique_ptr<Shared>& shared = shared_[component];
  if (shared == nullptr) {
    shared = std::make_unique<Shared>();
    shared->live = members_[component];
    shared->is_live.assign(sim_.node_count(), false);
    for (NodeId x : shared->live) shared->is_live[x] = true;
    shared->graph = BuildEagerGraph(
        sim_, shared->live, shared->is_live,
        [this](NodeId a) -> const PeerSet& { return sim_.node(a).server()->common_eagers(); },
        [this](NodeId a) -> const PeerSet& { return sim_.node(a).server()->common_lazys(); });
    shared->degree_histogram = DegreeHistogram(shared->graph.adjacency, shared->live);
  }
  return *shared;
}

void TreeAnalyzer::Prepare(const PeerSet& roots) {
  const size_t n = sim_.node_count();
  // The roots that share their component's common graph, by component.
  std::vector<std::vector<NodeId>> by_component;
  for (NodeId root : roots) {
    const uint32_t c = ComponentOf(root);
    if (c == kNoComponent || HasOwnSets(root)) continue;
    if (by_component.size() <= c) by_component.resize(c + 1);
    by_component[c].push_back(root);
  }
  prepared_.assign(n, false);
  from_root_.resize(n);
  std::vector<uint64_t> visited(n), frontier(n), next(n);
  for (uint32_t c = 0; c < by_component.size(); ++c) {
    const std::vector<NodeId>& batch_roots = by_component[c];
    if (batch_roots.empty()) continue;
    const Shared& shared = SharedGraph(c);
    for (size_t i = 0; i < batch_roots.size(); i += 64) {
      const absl::Span<const NodeId> batch =
          absl::MakeConstSpan(batch_roots).subspan(i, std::min<size_t>(64, batch_roots.size() - i));
      MeasureFromRoots(shared.graph.adjacency, shared.live, batch, &visited, &frontier, &next,
                       &from_root_);
      for (NodeId root : batch) prepared_[root] = true;
    }
  }
}

TreeShape TreeAnalyzer::Analyze(NodeId root, bool figures_only) {
  const uint32_t component = ComponentOf(root);
  if (component == kNoComponent || HasOwnSets(root)) {
    TreeShape t = AnalyzeWithoutSharing(root);
    if (figures_only) t.KeepFiguresOnly();
    return t;
  }
  const Shared& shared = SharedGraph(component);
  TreeShape t;
  t.root = root;
  t.root_running = true;
  t.asymmetric_pairs = shared.graph.asymmetric_pairs;
  t.stale_eager = shared.graph.stale_eager;
  t.live_count = static_cast<int64_t>(shared.live.size());
  t.edge_count = static_cast<int64_t>(shared.graph.edges.size());
  if (!prepared_.empty() && prepared_[root]) {
    t.depth = from_root_[root].depth;
    t.unreached = from_root_[root].unreached;
    t.multi_parent_nodes = from_root_[root].multi_parent_nodes;
  } else {
    MeasureFromRoot(shared.graph.adjacency, shared.live, root, &level_, &t);
  }
  Finish(&t);
  if (!figures_only) {
    t.degree_histogram = shared.degree_histogram;
    t.live = shared.live;
    t.edges = shared.graph.edges;
    t.lazy_edges = shared.graph.lazy_edges;
  }
  return t;
}

TreeShape TreeAnalyzer::AnalyzeWithoutSharing(NodeId root) {
  TreeShape t;
  t.root = root;
  t.root_running = root < sim_.node_count() && sim_.node(root).running();
  if (!t.root_running) return t;
  const uint32_t component = ComponentOf(root);
  t.live = members_[component];
  std::vector<bool> is_live(sim_.node_count(), false);
  for (NodeId x : t.live) is_live[x] = true;
  EagerGraph g = BuildEagerGraph(
      sim_, t.live, is_live,
      [this, root](NodeId a) -> const PeerSet& {
        return sim_.node(a).server()->GetEagerPeers(root);
      },
      [this, root](NodeId a) -> const PeerSet& {
        return sim_.node(a).server()->GetLazyPeers(root);
      });
  t.asymmetric_pairs = g.asymmetric_pairs;
  t.stale_eager = g.stale_eager;
  t.live_count = static_cast<int64_t>(t.live.size());
  t.edge_count = static_cast<int64_t>(g.edges.size());
  MeasureFromRoot(g.adjacency, t.live, root, &level_, &t);
  Finish(&t);
  t.degree_histogram = DegreeHistogram(g.adjacency, t.live);
  t.edges = std::move(g.edges);
  t.lazy_edges = std::move(g.lazy_edges);
  return t;
}

}  // namespace plumsim
