// Reading the `[explore]` section (sim/explore/nemesis.h) of a scenario file.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/explore/nemesis.h"
#include "sim/scenario/reader.h"

namespace plumsim {
namespace {

void ReadKinds(const toml::node& n, ScenarioReader* r, NemesisConfig* c) {
  const toml::array* list = n.as_array();
  std::vector<std::string> names;
  for (int k = 0; k < kFaultKinds; ++k) names.push_back(FaultKindName(static_cast<FaultKind>(k)));
  if (list == nullptr || list->empty()) {
    r->Error(&n, "explore.faults",
             absl::StrCat("expected a non-empty list of: ", absl::StrJoin(names, ", ")));
    return;
  }
  c->kinds.clear();
  for (const toml::node& v : *list) {
    std::optional<std::string> name = r->String(v, "explore.faults");
    if (!name) continue;
    auto it = std::find(names.begin(), names.end(), *name);
    if (it == names.end()) {
      r->Error(&v, "explore.faults",
               absl::StrCat("unknown fault \"", *name,
                            "\"; expected one of: ", absl::StrJoin(names, ", ")));
      continue;
    }
    const FaultKind kind = static_cast<FaultKind>(it - names.begin());
    if (std::find(c->kinds.begin(), c->kinds.end(), kind) != c->kinds.end()) {
      r->Error(&v, "explore.faults", absl::StrCat("\"", *name, "\" is listed twice"));
      continue;
    }
    c->kinds.push_back(kind);
  }
}

void ReadCount(const toml::node& n, ScenarioReader* r, NemesisConfig* c) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    r->Error(&n, "explore.faults_per_run", "expected { min = 1, max = 6 }");
    return;
  }
  if (!r->CheckKeys(*t, "explore.faults_per_run", {"min", "max"})) return;
  if (const toml::node* v = t->get("min")) {
    if (auto x = r->Integer(*v, "explore.faults_per_run.min", 0, 1000))
      c->min_faults = static_cast<int>(*x);
  }
  if (const toml::node* v = t->get("max")) {
    if (auto x = r->Integer(*v, "explore.faults_per_run.max", 0, 1000))
      c->max_faults = static_cast<int>(*x);
  }
  if (c->max_faults < c->min_faults) r->Error(&n, "explore.faults_per_run", "expected min <= max");
}

}  // namespace

absl::StatusOr<NemesisConfig> ReadNemesisConfig(absl::string_view text,
                                                const std::string& source_name) {
  absl::StatusOr<toml::table> root = ParseTomlDocument(text, source_name);
  if (!root.ok()) return root.status();
  NemesisConfig c;
  for (int k = 0; k < kFaultKinds; ++k) c.kinds.push_back(static_cast<FaultKind>(k));
  const toml::node* section = root->get("explore");
  if (section == nullptr) return c;
  ScenarioReader r(source_name);
  c.location = r.Where(section);
  const toml::table* t = section->as_table();
  if (t == nullptr) {
    r.Error(section, "explore", "expected a table: [explore]");
    return r.Result();
  }
  r.CheckKeys(*t, "explore",
              {"faults", "faults_per_run", "max_share", "start", "quiet", "max_fault_duration",
               "max_loss", "spike_latency", "swarm"});
  if (const toml::node* v = t->get("faults")) ReadKinds(*v, &r, &c);
  if (const toml::node* v = t->get("faults_per_run")) ReadCount(*v, &r, &c);
  if (const toml::node* v = t->get("max_share")) {
    if (auto x = r.Number(*v, "explore.max_share", 0, 1, "a share")) c.max_share = *x;
  }
  if (const toml::node* v = t->get("start")) {
    if (auto x = r.Duration(*v, "explore.start")) c.start = *x;
  }
  if (const toml::node* v = t->get("quiet")) {
    if (auto x = r.Duration(*v, "explore.quiet", SimDuration::Seconds(1))) c.quiet = *x;
  }
  if (const toml::node* v = t->get("max_fault_duration")) {
    if (auto x = r.Duration(*v, "explore.max_fault_duration", SimDuration::Seconds(1))) {
      c.max_fault_duration = *x;
    }
  }
  if (const toml::node* v = t->get("max_loss")) {
    if (auto x = r.Number(*v, "explore.max_loss", 0.01, 1, "a probability")) c.max_loss = *x;
  }
  if (const toml::node* v = t->get("spike_latency")) {
    if (auto x = r.Duration(*v, "explore.spike_latency", SimDuration::Milliseconds(1))) {
      c.spike_latency = *x;
    }
  }
  if (const toml::node* v = t->get("swarm")) {
    if (auto x = r.Bool(*v, "explore.swarm")) c.swarm = *x;
  }
  if (!r.ok()) return r.Result();
  return c;
}

}  // namespace plumsim
