#include "sim/compare/golden.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/metrics/summary.h"
#include "sim/scenario/reader.h"
#include "sim/world/node_host.h"
#include "toml++/toml.h"

namespace plumsim {

namespace {

double Rounded(double v) { return std::round(v * 1e6) / 1e6; }

std::string EdgeName(const Edge& e) {
  return absl::StrCat(NodeName(e.first), "-", NodeName(e.second));
}

bool ParseNode(absl::string_view text, NodeId* out) {
  uint32_t id;
  if (text.size() < 2 || text[0] != 'n' || !absl::SimpleAtoi(text.substr(1), &id)) return false;
  *out = id;
  return true;
}

std::string TreeName(NodeId root, SimTime at) {
  return absl::StrCat(NodeName(root), "@", FormatSimDuration(at.SinceStart()));
}

// Whole numbers in full (counts, nanoseconds), the rest to 6 digits.
std::string Value(const std::optional<double>& v) {
  if (!v) return "undefined";
  if (std::fabs(*v) < 1e15 && *v == std::round(*v)) return absl::StrFormat("%.0f", *v);
  return absl::StrFormat("%.6g", *v);
}

// Reads a golden file's TOML, reporting errors at their place.
class GoldenReader {
 public:
  GoldenReader(const toml::table& root, const std::string& source) : root_(root), source_(source) {}

  absl::StatusOr<Golden> Read() {
    Golden g;
    g.scenario = String(root_, "scenario").value_or("");
    g.plumsim_version = String(root_, "plumsim_version").value_or("");
    g.digest = String(root_, "digest").value_or("");
    if (std::optional<int64_t> seed = Integer(root_, "seed")) g.seed = static_cast<uint64_t>(*seed);
    if (std::optional<std::string> d = String(root_, "duration")) {
      absl::StatusOr<SimDuration> duration = ParseSimDuration(*d);
      if (duration.ok()) {
        g.duration = *duration;
      } else {
        Error(root_.get("duration"), duration.status().message());
      }
    }
    if (const toml::array* a = root_.get_as<toml::array>("overrides")) {
      for (const toml::node& o : *a) {
        if (!o.is_string()) {
          Error(&o, "overrides: expected strings");
          continue;
        }
        g.overrides.push_back(*o.value<std::string>());
      }
    }
    if (const toml::table* f = root_.get_as<toml::table>("figures")) ReadFigures(*f, &g);
    if (const toml::array* trees = root_.get_as<toml::array>("tree")) {
      for (const toml::node& t : *trees) {
        if (const toml::table* table = t.as_table()) ReadTree(*table, &g);
      }
    }
    if (!errors_.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
    return g;
  }

 private:
  void Error(const toml::node* at, absl::string_view what) {
    if (at == nullptr) {
      errors_.push_back(absl::StrCat(source_, ": ", what));
      return;
    }
    errors_.push_back(absl::StrCat(source_, ":", at->source().begin.line, ":",
                                   at->source().begin.column, ": ", what));
  }
  std::optional<std::string> String(const toml::table& t, const char* key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      Error(&t, absl::StrCat("missing \"", key, "\""));
      return std::nullopt;
    }
    if (!n->is_string()) {
      Error(n, absl::StrCat(key, ": expected a string"));
      return std::nullopt;
    }
    return *n->value<std::string>();
  }
  std::optional<int64_t> Integer(const toml::table& t, const char* key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      Error(&t, absl::StrCat("missing \"", key, "\""));
      return std::nullopt;
    }
    if (!n->is_integer()) {
      Error(n, absl::StrCat(key, ": expected an integer"));
      return std::nullopt;
    }
    return *n->value<int64_t>();
  }
  std::optional<bool> Bool(const toml::table& t, const char* key) {
    const toml::node* n = t.get(key);
    if (n == nullptr || !n->is_boolean()) {
      Error(n != nullptr ? n : &t, absl::StrCat(key, ": expected true or false"));
      return std::nullopt;
    }
    return *n->value<bool>();
  }

  // "name" = { value = 1.2, tolerance = 0.01 }; value "undefined" for none.
  void ReadFigures(const toml::table& figures, Golden* g) {
    for (const auto& [key, node] : figures) {
      const toml::table* f = node.as_table();
      if (f == nullptr) {
        Error(&node, absl::StrCat("figures.", std::string(key.str()),
                                  ": expected { value = ..., tolerance = ... }"));
        continue;
      }
      GoldenFigure figure;
      figure.name = std::string(key.str());
      const toml::node* v = f->get("value");
      if (v != nullptr && (v->is_floating_point() || v->is_integer())) {
        figure.value = *v->value<double>();
      } else if (v == nullptr || !v->is_string() || *v->value<std::string>() != "undefined") {
        Error(v != nullptr ? v : f,
              absl::StrCat("figures.", figure.name, ".value: expected a number or \"undefined\""));
        continue;
      }
      if (const toml::node* tol = f->get("tolerance")) {
        if (!(tol->is_floating_point() || tol->is_integer()) || *tol->value<double>() < 0) {
          Error(tol, absl::StrCat("figures.", figure.name, ".tolerance: expected a number >= 0"));
          continue;
        }
        figure.tolerance = *tol->value<double>();
      }
      g->figures.push_back(figure);
    }
    std::sort(g->figures.begin(), g->figures.end(),
              [](const GoldenFigure& a, const GoldenFigure& b) { return a.name < b.name; });
  }

  void ReadTree(const toml::table& t, Golden* g) {
    GoldenTree tree;
    if (std::optional<std::string> root = String(t, "root")) {
      if (!ParseNode(*root, &tree.root))
        Error(t.get("root"), "root: expected a node such as \"n0\"");
    }
    if (std::optional<std::string> at = String(t, "at")) {
      absl::StatusOr<SimDuration> d = ParseSimDuration(*at);
      if (d.ok()) {
        tree.at = SimTime::Zero() + *d;
      } else {
        Error(t.get("at"), d.status().message());
      }
    }
    tree.running = Bool(t, "running").value_or(false);
    tree.spanning = Bool(t, "spanning").value_or(false);
    tree.depth = Integer(t, "depth").value_or(-1);
    const toml::array* edges = t.get_as<toml::array>("edges");
    if (edges == nullptr) {
      Error(&t, "missing \"edges\" (a list such as [\"n0-n1\"])");
    } else {
      for (const toml::node& e : *edges) {
        const std::optional<std::string> text = e.value<std::string>();
        const std::vector<std::string> ends =
            text ? absl::StrSplit(*text, '-') : std::vector<std::string>{};
        Edge edge;
        if (ends.size() != 2 || !ParseNode(ends[0], &edge.first) ||
            !ParseNode(ends[1], &edge.second)) {
          Error(&e, "edges: expected \"nA-nB\"");
          continue;
        }
        if (edge.first > edge.second) std::swap(edge.first, edge.second);
        tree.edges.push_back(edge);
      }
      std::sort(tree.edges.begin(), tree.edges.end());
    }
    g->trees.push_back(std::move(tree));
  }

  const toml::table& root_;
  const std::string& source_;
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<GoldenFigure> GoldenFigures(const MetricsCollector& metrics) {
  std::vector<GoldenFigure> out;
  auto add = [&out](std::string name, std::optional<double> value) {
    if (value) value = Rounded(*value);
    out.push_back(GoldenFigure{std::move(name), value, 0});
  };
  int64_t payload = 0, control = 0;
  for (HandlerId h : {kHeartbeatHandler, kStoreHandler}) {
    const MetricsSummary s = Summarize(metrics, h);
    payload = s.payload_messages;
    control = s.control_messages;
    if (s.messages == 0) continue;
    const std::string p = absl::StrCat(HandlerName(h), ".");
    add(p + "messages", static_cast<double>(s.messages));
    add(p + "reliability_min", s.reliability_min);
    add(p + "rmr_mean", s.rmr_mean);
    add(p + "rmr_max", s.rmr_max);
    add(p + "ldh_max", static_cast<double>(s.ldh_max));
    add(p + "latency_ns_max", static_cast<double>(s.latency_ns_max));
    add(p + "converged_at_ns",
        s.converged_at ? std::optional<double>(s.converged_at->ns()) : std::nullopt);
    add(p + "tree_stable_share", s.convergence.tree_stable.share());
    add(p + "rmr_settled_share", s.convergence.rmr_settled.share());
  }
  add("payload_messages", static_cast<double>(payload));  // whole run, every handler
  add("control_messages", static_cast<double>(control));
  std::sort(out.begin(), out.end(),
            [](const GoldenFigure& a, const GoldenFigure& b) { return a.name < b.name; });
  return out;
}

GoldenTree GoldenTreeOf(const TreeShape& tree, SimTime at) {
  return GoldenTree{tree.root, at, tree.root_running, tree.spanning, tree.depth, tree.edges};
}

std::string GoldenToToml(const Golden& g) {
  toml::table root;
  root.insert("scenario", g.scenario);
  root.insert("seed", static_cast<int64_t>(g.seed));
  root.insert("duration", FormatSimDuration(g.duration));
  toml::array overrides;
  for (const std::string& o : g.overrides) overrides.push_back(o);
  root.insert("overrides", std::move(overrides));
  root.insert("plumsim_version", g.plumsim_version);
  root.insert("digest", g.digest);
  toml::table figures;
  for (const GoldenFigure& f : g.figures) {
    toml::table entry;
    if (f.value) {
      entry.insert("value", *f.value);
    } else {
      entry.insert("value", "undefined");
    }
    entry.insert("tolerance", f.tolerance);
    entry.is_inline(true);
    figures.insert(f.name, std::move(entry));
  }
  root.insert("figures", std::move(figures));
  toml::array trees;
  for (const GoldenTree& t : g.trees) {
    toml::array edges;
    for (const Edge& e : t.edges) edges.push_back(EdgeName(e));
    trees.push_back(toml::table{{"root", NodeName(t.root)},
                                {"at", FormatSimDuration(t.at.SinceStart())},
                                {"running", t.running},
                                {"spanning", t.spanning},
                                {"depth", t.depth},
                                {"edges", std::move(edges)}});
  }
  root.insert("tree", std::move(trees));
  std::ostringstream out;
  out << kGoldenHeader << ": eager trees and figures of one run (docs/golden.md).\n"
      << "# Check: plumsim golden check " << g.scenario << " THIS_FILE\n"
      << "# Figures pass within `tolerance` (absolute); edit it to allow drift.\n"
      << root << "\n";
  return out.str();
}

absl::StatusOr<Golden> ParseGolden(absl::string_view text, const std::string& source) {
  absl::StatusOr<toml::table> root = ParseTomlDocument(text, source);
  if (!root.ok()) return root.status();
  return GoldenReader(*root, source).Read();
}

std::vector<std::string> CompareGolden(const Golden& pinned, const Golden& now) {
  std::vector<std::string> out;
  std::map<std::string, const GoldenFigure*> current;
  for (const GoldenFigure& f : now.figures) current[f.name] = &f;
  for (const GoldenFigure& f : pinned.figures) {
    auto it = current.find(f.name);
    if (it == current.end()) {
      out.push_back(
          absl::StrCat("figure ", f.name, ": ", Value(f.value), " pinned, not measured now"));
      continue;
    }
    const std::optional<double>& v = it->second->value;
    current.erase(it);
    const bool same =
        (!f.value && !v) || (f.value && v && std::fabs(*f.value - *v) <= f.tolerance + 5e-7);
    if (!same) {
      out.push_back(absl::StrCat("figure ", f.name, ": ", Value(f.value), " -> ", Value(v),
                                 " (tolerance ", absl::StrFormat("%g", f.tolerance), ")"));
    }
  }
  for (const auto& [name, f] : current) {
    out.push_back(absl::StrCat("figure ", name, ": not pinned, measured ", Value(f->value)));
  }
  std::map<std::pair<int64_t, NodeId>, const GoldenTree*> trees;
  for (const GoldenTree& t : now.trees) trees[{t.at.ns(), t.root}] = &t;
  for (const GoldenTree& t : pinned.trees) {
    const std::string name = TreeName(t.root, t.at);
    auto it = trees.find({t.at.ns(), t.root});
    if (it == trees.end()) {
      out.push_back(absl::StrCat("tree ", name, ": pinned, not in the new run"));
      continue;
    }
    const GoldenTree& n = *it->second;
    trees.erase(it);
    std::vector<std::string> changes;
    if (t.running != n.running) {
      changes.push_back(absl::StrCat("running ", t.running ? "true" : "false", " -> ",
                                     n.running ? "true" : "false"));
    }
    if (t.spanning != n.spanning) {
      changes.push_back(absl::StrCat("spanning ", t.spanning ? "true" : "false", " -> ",
                                     n.spanning ? "true" : "false"));
    }
    if (t.depth != n.depth) changes.push_back(absl::StrCat("depth ", t.depth, " -> ", n.depth));
    std::vector<Edge> added, removed;
    std::set_difference(n.edges.begin(), n.edges.end(), t.edges.begin(), t.edges.end(),
                        std::back_inserter(added));
    std::set_difference(t.edges.begin(), t.edges.end(), n.edges.begin(), n.edges.end(),
                        std::back_inserter(removed));
    auto list = [](const std::vector<Edge>& edges) {
      std::vector<std::string> names;
      for (const Edge& e : edges) names.push_back(EdgeName(e));
      if (names.size() > 20) {
        const size_t more = names.size() - 20;
        names.resize(20);
        names.push_back(absl::StrCat("and ", more, " more"));
      }
      return absl::StrJoin(names, " ");
    };
    if (!added.empty()) changes.push_back(absl::StrCat("edges added: ", list(added)));
    if (!removed.empty()) changes.push_back(absl::StrCat("edges removed: ", list(removed)));
    if (!changes.empty()) {
      out.push_back(absl::StrCat("tree ", name, ": ", absl::StrJoin(changes, "; ")));
    }
  }
  for (const auto& [key, t] : trees) {
    out.push_back(absl::StrCat("tree ", TreeName(t->root, t->at), ": in the new run, not pinned"));
  }
  return out;
}

}  // namespace plumsim
