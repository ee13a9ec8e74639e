// The scenario format as a table of sections (docs/scenario-format.md): each
// section's reader, writer and allowed keys live side by side in one file
// (nodes_section.cc, network_section.cc, ...), and ScenarioSections() lists
// them in reading order. Loading runs every reader in that order; ToToml runs
// every writer. A new key is added in its section's file alone: the reader's
// unknown-key check and the doc test (scenario_format_doc_test) take the
// keys from the list declared there.
#ifndef PLUMSIM_SIM_SCENARIO_SECTIONS_H_
#define PLUMSIM_SIM_SCENARIO_SECTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "sim/runtime/latency.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/scenario.h"
#include "toml++/toml.h"

namespace plumsim {

// A table of a scenario document and the keys a reader allows in it:
// "network.tcp" -> min_rto, max_rto. "" is the top level.
struct TableKeys {
  std::string path;
  std::vector<std::string> keys;
};

struct ScenarioSection {
  // Its top-level key ("nodes", "network"); "" for the top level's own keys.
  absl::string_view name;
  // Reads the section out of `root` into `scenario`, recording every error
  // in `reader` and going on, so that one load reports all of a file's.
  void (*read)(const toml::table& root, ScenarioReader* reader, Scenario* scenario);
  // Adds the section's resolved form (every default filled in) to `root`.
  void (*write)(const Scenario& scenario, toml::table* root);
  // Every table the section reads, with the keys its reader allows there
  // (a table whose keys depend on a `kind` lists the union).
  std::vector<TableKeys> (*keys)();
};

// Every section, in reading order. The order matters: the top level sets
// the seed and [nodes] the node count the later sections refer to, and the
// k-th random node set read draws from the k-th random stream.
const std::vector<ScenarioSection>& ScenarioSections();

// Each section, defined in the file named beside it.
ScenarioSection TopLevelSection();    // top_level_section.cc
ScenarioSection NodesSection();       // nodes_section.cc
ScenarioSection MembershipSection();  // membership_section.cc
ScenarioSection PlumtreeSection();    // plumtree_section.cc
ScenarioSection HeartbeatSection();   // plumtree_section.cc
ScenarioSection NetworkSection();     // network_section.cc
ScenarioSection PartisanSection();    // runtime_section.cc
ScenarioSection ProcessingSection();  // runtime_section.cc
ScenarioSection EventsSection();      // timeline_section.cc
ScenarioSection ChurnSection();       // timeline_section.cc
ScenarioSection MetricsSection();     // measurement_section.cc
ScenarioSection SnapshotsSection();   // measurement_section.cc
ScenarioSection TraceSection();       // measurement_section.cc
ScenarioSection ExpectSection();      // expect_section.cc

// Every key the top level allows, in the order its unknown-key message
// lists them: its own, then the sections', then [study] and [explore]
// (read by sim/study and sim/explore; ignored by a run). top_level_section.cc.
absl::Span<const absl::string_view> TopLevelKeys();
// The sections the top level allows that no reader here reads.
absl::Span<const absl::string_view> IgnoredSections();

// For section readers.

// Assigns `*field` when the reader returned a value.
template <typename T, typename U>
void SetIfRead(std::optional<T> value, U* field) {
  if (value) *field = static_cast<U>(*value);
}
// root[key] as a [table]: nullptr if absent, or (after recording an error)
// if it is not a table.
const toml::table* SectionTable(const toml::table& root, const char* key, ScenarioReader* reader);
// root[key] as [[tables]]: nullptr if absent, or (after recording an error)
// if it is not an array of tables.
const toml::array* SectionTables(const toml::table& root, const char* key, ScenarioReader* reader);
// A key list as TableKeys.
TableKeys KeysOf(absl::string_view path, absl::Span<const absl::string_view> keys);
// Adds the `keys` not in `table` yet, in order: for a table whose keys depend
// on its `kind`.
void AddNewKeys(absl::Span<const absl::string_view> keys, TableKeys* table);

// For section writers.

// A latency as the table the reader takes back: { kind = ..., <params> }.
toml::table LatencyToToml(const LatencyDistribution& latency);
// A protocol timer's absl::Duration as a scenario duration string.
std::string FormatPeriod(absl::Duration period);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_SCENARIO_SECTIONS_H_
