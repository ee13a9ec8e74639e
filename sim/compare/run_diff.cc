#include "sim/compare/run_diff.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

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

std::string Show(const Json& j) {
  if (j.is_number_float()) {
    std::string s = j.dump();
    return s;
  }
  return j.dump();
}

std::string EdgeText(const Json& e) {
  return absl::StrCat(e[0].get<std::string>(), "-", e[1].get<std::string>());
}

std::set<std::string> Edges(const Json& tree) {
  std::set<std::string> out;
  if (!tree.contains("edges") || !tree["edges"].is_array()) return out;
  for (const Json& e : tree["edges"]) {
    if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
      out.insert(EdgeText(e));
    }
  }
  return out;
}

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
  absl::StatusOr<Json> a = Parse(tree_a, "A's tree");
  if (!a.ok()) return a.status();
  absl::StatusOr<Json> b = Parse(tree_b, "B's tree");
  if (!b.ok()) return b.status();
  std::vector<std::string> out;
  const std::set<std::string> ea = Edges(*a), eb = Edges(*b);
  std::vector<std::string> added, removed;
  std::set_difference(eb.begin(), eb.end(), ea.begin(), ea.end(), std::back_inserter(added));
  std::set_difference(ea.begin(), ea.end(), eb.begin(), eb.end(), std::back_inserter(removed));
  if (!added.empty()) out.push_back(absl::StrCat("edges added: ", List(added)));
  if (!removed.empty()) out.push_back(absl::StrCat("edges removed: ", List(removed)));
  for (const char* key : {"root_running", "live", "spanning", "depth", "unreached",
                          "multi_parent_nodes", "asymmetric_pairs", "stale_eager"}) {
    const Json va = a->value(key, Json()), vb = b->value(key, Json());
    if (va != vb) out.push_back(absl::StrCat(key, " ", Show(va), " -> ", Show(vb)));
  }
  // Degrees: how many live nodes have each eager degree.
  const Json da = a->value("degree_histogram", Json::object());
  const Json db = b->value("degree_histogram", Json::object());
  std::set<std::string> degrees;
  for (const auto& [k, v] : da.items()) degrees.insert(k);
  for (const auto& [k, v] : db.items()) degrees.insert(k);
  std::vector<std::pair<int, std::string>> changes;
  for (const std::string& k : degrees) {
    const int64_t na = da.value(k, int64_t{0}), nb = db.value(k, int64_t{0});
    if (na != nb) {
      changes.emplace_back(std::stoi(k),
                           absl::StrCat("degree ", k, ": ", na, " -> ", nb, " nodes"));
    }
  }
  std::sort(changes.begin(), changes.end());
  for (const auto& [degree, text] : changes) out.push_back(text);
  return out;
}

}  // namespace plumsim
