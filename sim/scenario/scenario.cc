// Loading a scenario: parse the TOML, apply the command-line overrides, run
// every section's reader in order (sections.h), then check the timeline.
// Writing the resolved form runs every section's writer.
#include "sim/scenario/scenario.h"

#include <algorithm>
#include <sstream>
#include <utility>

#include "base/files.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/timeline_check.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

Scenario ReadSections(const toml::table& root, ScenarioReader* reader) {
  Scenario s;
  s.source_path = reader->source_name();
  for (const ScenarioSection& section : ScenarioSections()) section.read(root, reader, &s);
  if (reader->ok()) CheckTimeline(s, reader);
  return s;
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source_name,
                                       const std::vector<Override>& overrides) {
  absl::StatusOr<toml::table> parsed = ParseTomlDocument(text, source_name);
  if (!parsed.ok()) return parsed.status();
  toml::table& root = *parsed;
  ScenarioReader reader(source_name);
  if (const toml::node* base = root["study"]["scenario"].node()) {
    reader.Error(base, "study.scenario",
                 "this is a study file naming its base scenario; run it with plumsim study run "
                 "(docs/studies.md)");
    return reader.Result();
  }
  ApplyOverrides(overrides, &root, &reader);
  if (!reader.ok()) return reader.Result();
  Scenario s = ReadSections(root, &reader);
  if (!reader.ok()) return reader.Result();
  return s;
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path,
                                      const std::vector<Override>& overrides) {
  absl::StatusOr<std::string> text = ReadInputFile(path, "scenario file");
  if (!text.ok()) return text.status();
  return ParseScenario(*text, path, overrides);
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path,
                                      const std::vector<std::string>& sets) {
  return LoadScenario(path, OverridesFromSets(sets));
}

absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source_name,
                                       const std::vector<std::string>& sets) {
  return ParseScenario(text, source_name, OverridesFromSets(sets));
}

std::string Scenario::ToToml() const {
  toml::table root;  // keys come out sorted, whatever the order of insertion
  for (const ScenarioSection& section : ScenarioSections()) section.write(*this, &root);
  std::ostringstream out;
  out << root << "\n";
  return out.str();
}

int64_t Scenario::total_nodes() const {
  int64_t total = node_count;
  for (const TimelineEvent& e : events) {
    if (e.kind == TimelineEvent::Kind::kJoin && !e.nodes.empty()) {
      total = std::max<int64_t>(total, int64_t{e.nodes.back()} + 1);
    }
  }
  return total;
}

std::vector<std::string> Scenario::ErlangNames() const {
  std::vector<std::string> names;
  for (int64_t i = 0; i < total_nodes(); ++i) {
    auto it = node_names.find(static_cast<NodeId>(i));
    names.push_back(it != node_names.end() ? it->second : DefaultNodeName(static_cast<NodeId>(i)));
  }
  return names;
}

std::vector<ListenAddress> Scenario::ListenAddresses() const {
  std::vector<ListenAddress> addresses;
  for (int64_t i = 0; i < total_nodes(); ++i) {
    auto it = node_addresses.find(static_cast<NodeId>(i));
    addresses.push_back(it != node_addresses.end() ? it->second
                                                   : DefaultListenAddress(static_cast<NodeId>(i)));
  }
  return addresses;
}

std::string FormatNodeSet(const PeerSet& nodes) { return NodeSet::FromIds(nodes).ToString(); }

}  // namespace plumsim
