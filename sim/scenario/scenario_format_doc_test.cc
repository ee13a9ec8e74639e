// docs/scenario-format.md against the readers: every key a section's reader
// accepts is shown in that section's TOML examples, and every key the
// examples show is one the reader accepts. The keys come from the section
// table (sections.h), the same lists the readers' unknown-key checks use.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runtime/latency.h"
#include "sim/scenario/sections.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The tables whose keys a latency value takes ({ kind = "uniform", ... }),
// wherever it stands.
constexpr char kLatency[] = "<latency>";

// A table path -> the keys the readers accept there.
using Schema = std::map<std::string, std::set<std::string>>;

Schema ReaderSchema() {
  Schema schema;
  for (const ScenarioSection& section : ScenarioSections()) {
    for (const TableKeys& table : section.keys()) {
      schema[table.path].insert(table.keys.begin(), table.keys.end());
    }
  }
  std::set<std::string>& latency = schema[kLatency];
  latency.insert("kind");
  for (const LatencyDistribution::KindSpec& spec : LatencyDistribution::KindSpecs()) {
    latency.insert(spec.first);
    if (spec.second != nullptr) latency.insert(spec.second);
  }
  return schema;
}

// A key shown in a TOML example of the doc.
struct ShownKey {
  std::string table;  // "network.tcp", kLatency; "" for the top level
  std::string key;
  int line;
  std::set<std::string> heading_sections;  // what the "## ..." above it names
};

std::string Parent(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}
std::string Last(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}
std::string Root(const std::string& path) { return path.substr(0, path.find('.')); }

// The top-level sections a "## " heading names: `[x]` or `[[x]]` in
// backticks; "Top level" names the top level ("").
std::set<std::string> HeadingSections(const std::string& heading) {
  std::set<std::string> out;
  if (absl::StrContains(heading, "Top level")) out.insert("");
  static const std::regex kSection(R"(`\[\[?([a-z_.]+)\]\]?`)");
  for (std::sregex_iterator it(heading.begin(), heading.end(), kSection), end; it != end; ++it) {
    out.insert(Root((*it)[1].str()));
  }
  return out;
}

// Every key the doc's ```toml blocks show, by table. A block starts in the
// first section its heading names; [table] and [[table]] headers move it.
// Each other line that is not a comment must read as TOML on its own.
// Inline tables: a schema table's (network.tcp = { ... }) keys count as
// that table's, a latency's ({ kind = ... }) as kLatency's; others (names
// by node) are values, not keys.
std::vector<ShownKey> ShownKeys(const std::string& doc, const Schema& schema,
                                std::vector<std::string>* problems) {
  static const std::regex kHeader(R"(^\s*\[\[?\s*([A-Za-z0-9_.]+)\s*\]\]?\s*(#.*)?$)");
  std::vector<ShownKey> shown;
  std::set<std::string> heading;
  std::string table;
  bool in_toml = false;
  int line_no = 0;
  for (const absl::string_view view : absl::StrSplit(doc, '\n')) {
    const std::string line(view);
    ++line_no;
    if (absl::StartsWith(line, "## ")) heading = HeadingSections(line);
    if (absl::StartsWith(line, "```")) {
      in_toml = !in_toml && line == "```toml";
      table = heading.empty() ? "" : *heading.begin();
      continue;
    }
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (!in_toml || text.empty() || absl::StartsWith(text, "#")) continue;
    std::smatch header;
    if (std::regex_match(line, header, kHeader)) {
      table = header[1].str();
      if (!Parent(table).empty()) shown.push_back({Parent(table), Last(table), line_no, heading});
      continue;
    }
    toml::table parsed;
    try {
      parsed = toml::parse(line);
    } catch (const toml::parse_error& e) {
      problems->push_back(
          absl::StrCat("scenario-format.md:", line_no, ": not one TOML key = value: ", line));
      continue;
    }
    for (const auto& [key, value] : parsed) {
      const std::string k(key.str());
      shown.push_back({table, k, line_no, heading});
      const toml::table* inner = value.as_table();
      if (inner == nullptr) continue;
      const std::string path = table.empty() ? k : absl::StrCat(table, ".", k);
      const std::string inner_table = schema.contains(path)     ? path
                                      : inner->contains("kind") ? kLatency
                                                                : "";
      if (inner_table.empty()) continue;
      for (const auto& [inner_key, unused] : *inner) {
        shown.push_back({inner_table, std::string(inner_key.str()), line_no, heading});
      }
    }
  }
  return shown;
}

// What differs between the doc and the readers, one line each.
std::vector<std::string> Compare(const std::string& doc, const Schema& schema,
                                 const std::set<std::string>& ignored_sections) {
  std::vector<std::string> problems;
  const std::vector<ShownKey> shown = ShownKeys(doc, schema, &problems);
  std::set<std::pair<std::string, std::string>> shown_in_section;
  for (const ShownKey& s : shown) {
    if (ignored_sections.contains(Root(s.table))) continue;
    auto it = schema.find(s.table);
    if (it == schema.end() || !it->second.contains(s.key)) {
      problems.push_back(absl::StrCat("scenario-format.md:", s.line, ": [", s.table, "] ", s.key,
                                      ": shown in an example, but no reader accepts it"));
    }
    if (s.table == kLatency || s.heading_sections.contains(Root(s.table))) {
      shown_in_section.insert({s.table, s.key});
    }
  }
  for (const auto& [table, keys] : schema) {
    for (const std::string& key : keys) {
      if (!shown_in_section.contains({table, key})) {
        problems.push_back(absl::StrCat("[", table, "] ", key,
                                        ": accepted by the reader, but no example in the "
                                        "doc's section for it shows it"));
      }
    }
  }
  return problems;
}

std::set<std::string> Ignored() {
  return std::set<std::string>(IgnoredSections().begin(), IgnoredSections().end());
}

std::string ReadDoc() {
  std::ifstream in("docs/scenario-format.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ScenarioFormatDocTest, DocAndReadersListTheSameKeys) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty()) << "docs/scenario-format.md not found in the runfiles";
  EXPECT_THAT(Compare(doc, ReaderSchema(), Ignored()), IsEmpty());
}

TEST(ScenarioFormatDocTest, EverySectionHasItsHeading) {
  const std::string doc = ReadDoc();
  std::set<std::string> headed;
  for (const absl::string_view line : absl::StrSplit(doc, '\n')) {
    if (absl::StartsWith(line, "## ")) {
      for (const std::string& s : HeadingSections(std::string(line))) headed.insert(s);
    }
  }
  for (const ScenarioSection& section : ScenarioSections()) {
    EXPECT_TRUE(headed.contains(std::string(section.name))) << "[" << section.name << "]";
  }
}

// The comparison itself: what it reports for a doc that is out of date.
TEST(ScenarioFormatDocTest, ReportsKeysMissingOnEitherSide) {
  const Schema schema = {{"nodes", {"count", "crash"}},
                         {"network", {"latency", "tcp"}},
                         {"network.tcp", {"min_rto"}},
                         {kLatency, {"kind", "value"}}};
  const std::string doc =
      "## `[nodes]`\n```toml\n[nodes]\ncount = 3   # a comment\ncolour = \"red\"\n```\n"
      "## `[network]`\n```toml\nlatency = { kind = \"constant\", value = \"1ms\" }\n"
      "tcp = { min_rto = \"1s\", max_rto = \"2s\" }\n[study]\nrounds = 3\n```\n"
      "## Other\n```toml\n[nodes]\ncrash = \"host\"\n```\n";
  EXPECT_THAT(
      Compare(doc, schema, {"study"}),
      ElementsAre(
          "scenario-format.md:5: [nodes] colour: shown in an example, but no reader accepts it",
          "scenario-format.md:10: [network.tcp] max_rto: shown in an example, but no reader "
          "accepts it",
          "[nodes] crash: accepted by the reader, but no example in the doc's section for it "
          "shows it"));
  std::vector<std::string> problems;
  ShownKeys("## `[nodes]`\n```toml\ncount = \n```\n", schema, &problems);
  EXPECT_THAT(problems, ElementsAre(HasSubstr("scenario-format.md:3: not one TOML key = value")));
}

}  // namespace
}  // namespace plumsim
