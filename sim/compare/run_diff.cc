#include "sim/compare/run_diff.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "sim/metrics/tree_snapshot.h"

namespace plumsim {

namespace {

using Json = nlohmann::json;

absl::StatusOr<Json> Parse(absl::string_view text, absl::string_view what) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return absl::InvalidArgumentError(absl::StrCat(what, ": not a JSON object"));
  return j;
}

// Scalars under `j`, by dotted path.
void Flatten(const Json& j, const std::string& path, std::map<std::string, Json>* out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == "per_root" || key == "per_root_columns") continue;  // one per root: too long
      Flatten(value, path.empty() ? key : absl::StrCat(path, ".", key), out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Flatten(j[i], absl::StrCat(path, ".", i), out);
  } else {
    (*out)[path] = j;
  }
}

std::string Show(const Json& j) { return j.dump(); }

// "n0-n3", sorted as text (as plumsim diff has always listed them).
std::set<std::string> EdgeNames(const std::vector<std::pair<int64_t, int64_t>>& edges) {
  std::set<std::string> out;
  for (const auto& [x, y] : edges) {
    out.insert(
        absl::StrCat(NodeName(static_cast<NodeId>(x)), "-", NodeName(static_cast<NodeId>(y))));
  }
  return out;
}

std::string Show(bool b) { return b ? "true" : "false"; }
std::string Show(int64_t n) { return absl::StrCat(n); }

std::string List(const std::vector<std::string>& items) {
  std::vector<std::string> shown(items.begin(), items.begin() + std::min<size_t>(items.size(), 20));
  if (items.size() > 20) shown.push_back(absl::StrCat("and ", items.size() - 20, " more"));
  return absl::StrJoin(shown, " ");
}

}  // namespace

absl::StatusOr<EventDivergence> FirstDivergence(TraceLineReader& a, TraceLineReader& b,
                                                int context) {
  EventDivergence d;
  std::deque<std::string> recent;
  std::string la, lb;
  for (int64_t line = 1;; ++line) {
    const bool more_a = a.Next(&la);
    const bool more_b = b.Next(&lb);
    if (!a.error().empty()) return absl::InternalError(a.error());
    if (!b.error().empty()) return absl::InternalError(b.error());
    if (!more_a && !more_b) return d;
    if (more_a && more_b && la == lb) {
      recent.push_back(la);
      if (static_cast<int>(recent.size()) > context) recent.pop_front();
      continue;
    }
    d.diverged = true;
    d.line = line;
    d.before.assign(recent.begin(), recent.end());
    if (more_a) d.a = la;
    if (more_b) d.b = lb;
    return d;
  }
}

absl::StatusOr<std::vector<std::string>> DiffFigures(absl::string_view metrics_a,
                                                     absl::string_view metrics_b) {
  absl::StatusOr<Json> a = Parse(metrics_a, "A's metrics.json");
  if (!a.ok()) return a.status();
  absl::StatusOr<Json> b = Parse(metrics_b, "B's metrics.json");
  if (!b.ok()) return b.status();
  std::map<std::string, Json> fa, fb;
  for (const char* section : {"summary", "network"}) {
    if (a->contains(section)) Flatten((*a)[section], section, &fa);
    if (b->contains(section)) Flatten((*b)[section], section, &fb);
  }
  std::vector<std::string> out;
  for (const auto& [key, va] : fa) {
    auto it = fb.find(key);
    if (it == fb.end()) {
      out.push_back(absl::StrCat(key, ": ", Show(va), " -> (absent)"));
    } else if (it->second != va) {
      out.push_back(absl::StrCat(key, ": ", Show(va), " -> ", Show(it->second)));
    }
  }
  for (const auto& [key, vb] : fb) {
    if (!fa.contains(key)) out.push_back(absl::StrCat(key, ": (absent) -> ", Show(vb)));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> DiffTree(absl::string_view tree_a,
                                                  absl::string_view tree_b) {
  absl::StatusOr<TreeSnapshot> a = ParseTreeSnapshot(tree_a, "A's tree");
  if (!a.ok()) return a.status();
  absl::StatusOr<TreeSnapshot> b = ParseTreeSnapshot(tree_b, "B's tree");
  if (!b.ok()) return b.status();
  std::vector<std::string> out;
  const std::set<std::string> ea = EdgeNames(a->edges), eb = EdgeNames(b->edges);
  std::vector<std::string> added, removed;
  std::set_difference(eb.begin(), eb.end(), ea.begin(), ea.end(), std::back_inserter(added));
  std::set_difference(ea.begin(), ea.end(), eb.begin(), eb.end(), std::back_inserter(removed));
  if (!added.empty()) out.push_back(absl::StrCat("edges added: ", List(added)));
  if (!removed.empty()) out.push_back(absl::StrCat("edges removed: ", List(removed)));
  auto changed = [&](const char* key, auto va, auto vb) {
    if (va != vb) out.push_back(absl::StrCat(key, " ", Show(va), " -> ", Show(vb)));
  };
  changed("root_running", a->root_running, b->root_running);
  changed("live", a->live, b->live);
  changed("spanning", a->spanning, b->spanning);
  changed("depth", a->depth, b->depth);
  changed("unreached", a->unreached, b->unreached);
  changed("multi_parent_nodes", a->multi_parent_nodes, b->multi_parent_nodes);
  changed("asymmetric_pairs", a->asymmetric_pairs, b->asymmetric_pairs);
  changed("stale_eager", a->stale_eager, b->stale_eager);
  // Degrees: how many live nodes have each eager degree.
  std::map<int64_t, std::pair<int64_t, int64_t>> degrees;
  for (const auto& [degree, n] : a->degree_histogram) degrees[degree].first = n;
  for (const auto& [degree, n] : b->degree_histogram) degrees[degree].second = n;
  for (const auto& [degree, counts] : degrees) {
    if (counts.first != counts.second) {
      out.push_back(
          absl::StrCat("degree ", degree, ": ", counts.first, " -> ", counts.second, " nodes"));
    }
  }
  return out;
}

}  // namespace plumsim
