#include "sim/scenario/sections.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim/kernel/time.h"

namespace plumsim {

const std::vector<ScenarioSection>& ScenarioSections() {
  static const auto* const sections = new std::vector<ScenarioSection>{
      TopLevelSection(),  NodesSection(),   MembershipSection(), PlumtreeSection(),
      HeartbeatSection(), NetworkSection(), PartisanSection(),   ProcessingSection(),
      EventsSection(),    ChurnSection(),   MetricsSection(),    SnapshotsSection(),
      TraceSection(),     ExpectSection(),
  };
  return *sections;
}

const toml::table* SectionTable(const toml::table& root, const char* key, ScenarioReader* reader) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) reader->Error(n, key, "expected a table");
  return n->as_table();
}

const toml::array* SectionTables(const toml::table& root, const char* key, ScenarioReader* reader) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_array_of_tables()) {
    reader->Error(n, key, absl::StrCat("expected an array of tables: [[", key, "]]"));
    return nullptr;
  }
  return n->as_array();
}

TableKeys KeysOf(absl::string_view path, absl::Span<const absl::string_view> keys) {
  return TableKeys{std::string(path), std::vector<std::string>(keys.begin(), keys.end())};
}

void AddNewKeys(absl::Span<const absl::string_view> keys, TableKeys* table) {
  for (absl::string_view k : keys) {
    if (std::find(table->keys.begin(), table->keys.end(), k) == table->keys.end()) {
      table->keys.emplace_back(k);
    }
  }
}

toml::table LatencyToToml(const LatencyDistribution& latency) {
  const LatencyDistribution::KindSpec& spec = latency.spec();
  if (latency.kind == LatencyDistribution::Kind::kEmpirical) {
    toml::array samples;
    for (SimDuration d : *latency.samples) samples.push_back(FormatSimDuration(d));
    return toml::table{{"kind", spec.name}, {spec.first, std::move(samples)}};
  }
  toml::table t{{"kind", spec.name}, {spec.first, FormatSimDuration(latency.a)}};
  if (spec.second != nullptr) {
    if (spec.second_is_shape) {
      t.insert(spec.second, latency.shape);
    } else {
      t.insert(spec.second, FormatSimDuration(latency.b));
    }
  }
  return t;
}

std::string FormatPeriod(absl::Duration period) {
  return FormatSimDuration(SimDuration::FromAbsl(period));
}

}  // namespace plumsim
