// The top level: name, description, seed, duration; and which top-level
// keys a scenario file may hold at all.
#include <cstdint>
#include <iterator>
#include <vector>

#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

constexpr absl::string_view kOwnKeys[] = {"name", "description", "seed", "duration"};
// The sections' keys, in the order the unknown-key message lists them (not
// quite reading order: [[expect]] is read last). sections_test checks that
// they name the sections of ScenarioSections().
constexpr absl::string_view kSectionKeys[] = {
    "nodes",  "membership", "plumtree", "heartbeat", "network", "partisan", "processing",
    "events", "churn",      "expect",   "snapshots", "metrics", "trace"};
constexpr absl::string_view kIgnoredSections[] = {"study", "explore"};

void ReadTopLevel(const toml::table& root, ScenarioReader* r, Scenario* s) {
  r->CheckKeys(root, "", TopLevelKeys());
  if (const toml::node* v = root.get("name")) {
    SetIfRead(r->String(*v, "name"), &s->name);
  } else {
    r->Missing(nullptr, "name", "every scenario needs a name");
  }
  if (const toml::node* v = root.get("description")) {
    SetIfRead(r->String(*v, "description"), &s->description);
  }
  if (const toml::node* v = root.get("seed")) {
    SetIfRead(r->Integer(*v, "seed", 0, INT64_MAX), &s->seed);
  }
  if (const toml::node* v = root.get("duration")) {
    SetIfRead(r->Duration(*v, "duration", SimDuration::Nanoseconds(1)), &s->duration);
  } else {
    r->Missing(nullptr, "duration", "e.g. duration = \"60s\"");
  }
  r->set_seed(s->seed);  // random node sets draw from it
}

void WriteTopLevel(const Scenario& s, toml::table* root) {
  root->insert("name", s.name);
  root->insert("description", s.description);
  root->insert("seed", static_cast<int64_t>(s.seed));
  root->insert("duration", FormatSimDuration(s.duration));
}

std::vector<TableKeys> TopLevelTableKeys() { return {KeysOf("", kOwnKeys)}; }

}  // namespace

absl::Span<const absl::string_view> TopLevelKeys() {
  static const auto* const keys = [] {
    auto* all = new std::vector<absl::string_view>(std::begin(kOwnKeys), std::end(kOwnKeys));
    all->insert(all->end(), std::begin(kSectionKeys), std::end(kSectionKeys));
    all->insert(all->end(), std::begin(kIgnoredSections), std::end(kIgnoredSections));
    return all;
  }();
  return *keys;
}
absl::Span<const absl::string_view> IgnoredSections() { return kIgnoredSections; }

ScenarioSection TopLevelSection() {
  return {"", &ReadTopLevel, &WriteTopLevel, &TopLevelTableKeys};
}

}  // namespace plumsim
