#include "sim/explore/nemesis_config.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/scenario/reader.h"

namespace plumsim {
namespace {

std::vector<std::string> KindNames() {
  std::vector<std::string> names;
  for (FaultKind kind : FaultKind::All()) names.push_back(kind->name);
  return names;
}

void ReadKinds(const toml::node& n, ScenarioReader* r, NemesisConfig* c) {
  const toml::array* list = n.as_array();
  const std::vector<std::string> names = KindNames();
  if (list == nullptr || list->empty()) {
    r->Error(&n, "explore.faults",
             absl::StrCat("expected a non-empty list of: ", absl::StrJoin(names, ", ")));
    return;
  }
  c->kinds.clear();
  for (const toml::node& v : *list) {
    std::optional<std::string> name = r->String(v, "explore.faults");
    if (!name) continue;
    std::optional<FaultKind> kind = FaultKind::Named(*name);
    if (!kind) {
      r->Error(&v, "explore.faults",
               absl::StrCat("unknown fault \"", *name,
                            "\"; expected one of: ", absl::StrJoin(names, ", ")));
      continue;
    }
    if (std::find(c->kinds.begin(), c->kinds.end(), *kind) != c->kinds.end()) {
      r->Error(&v, "explore.faults", absl::StrCat("\"", *name, "\" is listed twice"));
      continue;
    }
    c->kinds.push_back(*kind);
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

// Every key [explore] takes: the nemesis's, then each kind's own settings
// (in the table's order), then swarm.
std::vector<absl::string_view> ExploreKeys() {
  std::vector<absl::string_view> keys = {"faults", "faults_per_run", "max_share",
                                         "start",  "quiet",          "max_fault_duration"};
  for (FaultKind kind : FaultKind::All()) {
    keys.insert(keys.end(), kind->setting_keys.begin(), kind->setting_keys.end());
  }
  keys.push_back("swarm");
  return keys;
}

void CheckExploreKeys(const toml::table& t, ScenarioReader* r) {
  r->CheckKeys(t, "explore", ExploreKeys());
}

// The keys of the nemesis itself (not of one kind).
void ReadNemesisKeys(const toml::table& t, ScenarioReader* r, NemesisConfig* c) {
  if (const toml::node* v = t.get("faults")) ReadKinds(*v, r, c);
  if (const toml::node* v = t.get("faults_per_run")) ReadCount(*v, r, c);
  if (const toml::node* v = t.get("max_share")) {
    if (auto x = r->Number(*v, "explore.max_share", 0, 1, "a share")) c->max_share = *x;
  }
  if (const toml::node* v = t.get("start")) {
    if (auto x = r->Duration(*v, "explore.start")) c->start = *x;
  }
  if (const toml::node* v = t.get("quiet")) {
    if (auto x = r->Duration(*v, "explore.quiet", SimDuration::Seconds(1))) c->quiet = *x;
  }
  if (const toml::node* v = t.get("max_fault_duration")) {
    if (auto x = r->Duration(*v, "explore.max_fault_duration", SimDuration::Seconds(1))) {
      c->max_fault_duration = *x;
    }
  }
  if (const toml::node* v = t.get("swarm")) {
    if (auto x = r->Bool(*v, "explore.swarm")) c->swarm = *x;
  }
}

}  // namespace

absl::StatusOr<NemesisConfig> ReadNemesisConfig(absl::string_view text,
                                                const std::string& source_name) {
  absl::StatusOr<toml::table> root = ParseTomlDocument(text, source_name);
  if (!root.ok()) return root.status();
  NemesisConfig c;
  c.kinds = FaultKind::All();
  const toml::node* section = root->get("explore");
  if (section == nullptr) return c;
  ScenarioReader r(source_name);
  c.location = r.Where(section);
  const toml::table* t = section->as_table();
  if (t == nullptr) {
    r.Error(section, "explore", "expected a table: [explore]");
    return r.Result();
  }
  CheckExploreKeys(*t, &r);
  ReadNemesisKeys(*t, &r, &c);
  for (FaultKind kind : FaultKind::All()) {
    if (kind->read_settings != nullptr) kind->read_settings(*t, &r, &c.kind_settings);
  }
  if (!r.ok()) return r.Result();
  return c;
}

absl::Status CheckExploreSection(absl::string_view text, const std::string& source_name) {
  return ReadNemesisConfig(text, source_name).status();
}

}  // namespace plumsim
