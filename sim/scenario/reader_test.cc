#include "sim/scenario/reader.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

toml::table Parse(const std::string& text) {
  absl::StatusOr<toml::table> t = ParseTomlDocument(text, "t.toml");
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : toml::table{};
}

// The errors recorded, one a line, in reported order.
std::vector<std::string> Errors(const ScenarioReader& r) {
  if (r.ok()) return {};
  return absl::StrSplit(r.Result().message(), '\n');
}

TEST(ParseTomlDocumentTest, SyntaxErrorsHaveTheirPosition) {
  absl::StatusOr<toml::table> t = ParseTomlDocument("a = 1\n[b\n", "x.toml");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("x.toml:2:3: TOML syntax error: "));
}

TEST(ScenarioReaderTest, TypedValues) {
  const toml::table t = Parse(
      "s = \"x\"\ni = 7\nf = 0.25\nb = true\nd = \"1m30s\"\nl = \"5ms\"\n"
      "u = { kind = \"uniform\", min = \"1ms\", max = \"3ms\" }\n"
      "p = { kind = \"pareto\", scale = \"2ms\", alpha = 1.5 }\n");
  ScenarioReader r("t.toml");
  EXPECT_THAT(r.String(*t.get("s"), "s"), Optional(std::string("x")));
  EXPECT_THAT(r.Integer(*t.get("i"), "i", 0, 10), Optional(7));
  EXPECT_THAT(r.Number(*t.get("f"), "f", 0, 1), Optional(0.25));
  EXPECT_THAT(r.Number(*t.get("i"), "i", 0, 10), Optional(7.0));  // an integer is a number
  EXPECT_THAT(r.Probability(*t.get("f"), "f"), Optional(0.25));
  EXPECT_THAT(r.Bool(*t.get("b"), "b"), Optional(true));
  EXPECT_THAT(r.Duration(*t.get("d"), "d"), Optional(SimDuration::Seconds(90)));
  EXPECT_THAT(r.Period(*t.get("d"), "d"), Optional(SimDuration::Seconds(90)));
  std::optional<LatencyDistribution> l = r.Latency(*t.get("l"), "l");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->kind, LatencyDistribution::Kind::kConstant);
  EXPECT_EQ(l->a, SimDuration::Milliseconds(5));
  std::optional<LatencyDistribution> u = r.Latency(*t.get("u"), "u");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, LatencyDistribution::Kind::kUniform);
  EXPECT_EQ(u->b, SimDuration::Milliseconds(3));
  std::optional<LatencyDistribution> p = r.Latency(*t.get("p"), "p");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->shape, 1.5);
  EXPECT_TRUE(r.ok()) << r.Result();
}

TEST(ScenarioReaderTest, WrongValuesAreErrorsAtTheirPosition) {
  const toml::table t = Parse(
      "s = 1\ni = 11\nj = \"x\"\nf = 2.5\nb = 0\nd = \"soon\"\ne = \"200000h\"\n"
      "g = \"10us\"\n");
  ScenarioReader r("t.toml");
  EXPECT_EQ(r.String(*t.get("s"), "s"), std::nullopt);
  EXPECT_EQ(r.Integer(*t.get("i"), "a.i", 0, 10), std::nullopt);
  EXPECT_EQ(r.Integer(*t.get("j"), "j", 0, 10), std::nullopt);
  EXPECT_EQ(r.Probability(*t.get("f"), "f"), std::nullopt);
  EXPECT_EQ(r.Bool(*t.get("b"), "b"), std::nullopt);
  EXPECT_EQ(r.Duration(*t.get("d"), "d"), std::nullopt);
  EXPECT_EQ(r.Duration(*t.get("e"), "e"), std::nullopt);
  EXPECT_EQ(r.Period(*t.get("g"), "g"), std::nullopt);
  EXPECT_EQ(r.Duration(*t.get("s"), "s"), std::nullopt);
  const std::vector<std::string> errors = Errors(r);
  ASSERT_EQ(errors.size(), 9u) << r.Result();
  EXPECT_EQ(errors[0], "t.toml:1:5: s: expected a string");
  EXPECT_EQ(errors[1], "t.toml:1:5: s: expected a duration string with a unit, e.g. \"250ms\"");
  EXPECT_EQ(errors[2], "t.toml:2:5: a.i: expected an integer in [0, 10], got 11");
  EXPECT_EQ(errors[3], "t.toml:3:5: j: expected an integer in [0, 10]");
  EXPECT_EQ(errors[4], "t.toml:4:5: f: expected a probability in [0, 1], got 2.5");
  EXPECT_EQ(errors[5], "t.toml:5:5: b: expected true or false");
  EXPECT_THAT(errors[6], HasSubstr("t.toml:6:5: d: expected a duration with a unit"));
  EXPECT_EQ(errors[7],
            "t.toml:7:5: e: expected at most 100000h (about 11 years of virtual time), got "
            "\"200000h\"");
  EXPECT_EQ(errors[8], "t.toml:8:5: g: expected at least 1ms, got \"10us\"");
}

TEST(ScenarioReaderTest, LatencyErrors) {
  const toml::table t = Parse(
      "a = { kind = \"gamma\" }\n"
      "b = { kind = \"uniform\", min = \"3ms\", max = \"1ms\" }\n"
      "c = { kind = \"normal\", mean = \"1ms\" }\n"
      "d = { kind = \"exponential\", mean = \"0s\" }\n"
      "e = { min = \"1ms\" }\n"
      "f = { kind = \"constant\", value = \"1ms\", extra = 1 }\n"
      "g = 5\n");
  ScenarioReader r("t.toml");
  for (const char* key : {"a", "b", "c", "d", "e", "f", "g"}) {
    EXPECT_EQ(r.Latency(*t.get(key), key), std::nullopt) << key;
  }
  EXPECT_THAT(
      Errors(r),
      ElementsAre(
          "t.toml:1:14: a.kind: unknown latency kind \"gamma\"; expected one of: constant, "
          "uniform, normal, exponential, lognormal, pareto, empirical",
          "t.toml:2:5: b: uniform latency needs min <= max",
          "t.toml:3:5: c.stddev: missing from this table (latency kind \"normal\" needs it)",
          "t.toml:4:5: d: mean must be > 0",
          "t.toml:5:5: e.kind: missing from this table (e.g. kind = \"uniform\")",
          "t.toml:6:49: f.extra: unknown key; expected one of: kind, value",
          "t.toml:7:5: g: expected a duration or a table such as { kind = \"uniform\", min = "
          "\"1ms\", max = \"5ms\" }"));
}

TEST(ScenarioReaderTest, UnknownKeysListWhatIsAllowed) {
  const toml::table t = Parse("[nodes]\ncount = 1\ncolour = 2\n");
  ScenarioReader r("t.toml");
  EXPECT_TRUE(r.CheckKeys(t, "", {"nodes"}));
  EXPECT_FALSE(r.CheckKeys(*t.get("nodes")->as_table(), "nodes", {"count", "crash"}));
  EXPECT_THAT(Errors(r),
              ElementsAre("t.toml:3:10: nodes.colour: unknown key; expected one of: count, crash"));
}

TEST(ScenarioReaderTest, MissingKeysPointAtTheirTable) {
  const toml::table t = Parse("a = 1\n\n[nodes]\nx = 1\n");
  ScenarioReader r("t.toml");
  r.Missing(nullptr, "name", "every scenario needs a name");
  r.Missing(t.get("nodes")->as_table(), "nodes.count", "");
  r.ErrorAt(2, 7, "events", "by hand");
  EXPECT_THAT(Errors(r),
              ElementsAre("t.toml:1:1: name: missing from the top level (every scenario needs a "
                          "name)",
                          "t.toml:2:7: events: by hand",
                          "t.toml:3:1: nodes.count: missing from this table"));
}

// A value an argument put there is named by it, and its errors come after
// the file's, in the order they were recorded.
TEST(ScenarioReaderTest, ValuesFromArgumentsAreNamedByThem) {
  toml::table t = Parse("a = \"x\"\nb = 1\n");
  ScenarioReader r("t.toml");
  t.insert_or_assign("c", toml::table{{"d", "y"}});
  r.MarkFromArgument(*t.get("c"), "--set c={d=\"y\"}");
  t.insert_or_assign("e", 5);
  r.MarkFromArgument(*t.get("e"), "--seed");
  EXPECT_EQ(r.Where(t.get("a")), "t.toml:1:5");
  EXPECT_EQ(r.Where((*t.get("c")->as_table()).get("d")), "--set c={d=\"y\"}");  // marked inside
  EXPECT_EQ(r.Where(nullptr), "t.toml:1:1");
  r.Bool(*t.get("e"), "seed");
  r.Integer(*t.get("c"), "c", 0, 1);
  r.Bool(*t.get("b"), "b");
  r.Bool(*t.get("a"), "a");
  EXPECT_THAT(Errors(r), ElementsAre("t.toml:1:5: a: expected true or false",
                                     "t.toml:2:5: b: expected true or false",
                                     "--seed: seed: expected true or false",
                                     "--set c={d=\"y\"}: c: expected an integer in [0, 1]"));
}

TEST(ScenarioReaderTest, ReportsAtMostTheCapThenACount) {
  std::string text;
  for (int i = 0; i < kMaxReportedErrors + 5; ++i) absl::StrAppend(&text, "k", i, " = 1\n");
  const toml::table t = Parse(text);
  ScenarioReader r("t.toml");
  for (int i = kMaxReportedErrors + 4; i >= 0; --i) {  // recorded backwards, reported in order
    r.String(*t.get(absl::StrCat("k", i)), absl::StrCat("k", i));
  }
  EXPECT_EQ(r.error_count(), static_cast<size_t>(kMaxReportedErrors + 5));
  const std::vector<std::string> errors = Errors(r);
  ASSERT_EQ(errors.size(), static_cast<size_t>(kMaxReportedErrors + 1));
  EXPECT_EQ(errors[0], "t.toml:1:6: k0: expected a string");
  EXPECT_EQ(errors[kMaxReportedErrors - 1],
            absl::StrCat("t.toml:", kMaxReportedErrors, ":", kMaxReportedErrors >= 10 ? 7 : 6,
                         ": k", kMaxReportedErrors - 1, ": expected a string"));
  EXPECT_EQ(errors.back(), "... and 5 more error(s)");
}

TEST(ScenarioReaderTest, NodeReferences) {
  const toml::table t = Parse("a = \"n3\"\nb = \"x3\"\nc = \"n4\"\nd = \"n-1\"\n");
  ScenarioReader r("t.toml");
  r.set_total_nodes(4);
  EXPECT_THAT(r.Node(*t.get("a"), "n3", "a"), Optional(NodeId{3}));
  EXPECT_THAT(r.Node(*t.get("a"), " n3 ", "a"), Optional(NodeId{3}));
  EXPECT_EQ(r.Node(*t.get("b"), "x3", "b"), std::nullopt);
  EXPECT_EQ(r.Node(*t.get("c"), "n4", "c"), std::nullopt);
  EXPECT_EQ(r.Node(*t.get("d"), "n-1", "d"), std::nullopt);
  EXPECT_THAT(Errors(r),
              ElementsAre("t.toml:2:5: b: expected a node name like \"n3\", got \"x3\"",
                          "t.toml:3:5: c: node n4 does not exist (nodes are n0..n3 counting "
                          "joined ones)",
                          "t.toml:4:5: d: expected a node name like \"n3\", got \"n-1\""));
}

TEST(ScenarioReaderTest, NodeSets) {
  const toml::table t = Parse(
      "a = \"n0..n3, n7, n5\"\nb = \"all\"\nc = [\"n1\", \"n8..n9\"]\n"
      "d = \"n3..n1\"\ne = [\"n1\", 2]\nf = 3\ng = \"\"\n");
  ScenarioReader r("t.toml");
  r.set_total_nodes(10);
  EXPECT_THAT(r.Nodes(*t.get("a"), "a"), Optional(NodeSet::FromRanges({{0, 3}, {5, 5}, {7, 7}})));
  EXPECT_THAT(r.Nodes(*t.get("b"), "b"), Optional(NodeSet::Interval(0, 9)));
  EXPECT_THAT(r.Nodes(*t.get("c"), "c"), Optional(NodeSet::FromRanges({{1, 1}, {8, 9}})));
  ASSERT_TRUE(r.ok()) << r.Result();
  for (const char* key : {"d", "e", "f", "g"}) EXPECT_EQ(r.Nodes(*t.get(key), key), std::nullopt);
  EXPECT_THAT(
      Errors(r),
      ElementsAre("t.toml:4:5: d: empty range \"n3..n1\"",
                  "t.toml:5:12: e: expected node names as strings",
                  "t.toml:6:5: f: expected a node set: \"n3\", \"n0..n9\", \"all\" or an array",
                  "t.toml:7:5: g: expected at least one node"));
}

// "random 40%": a share of the initial nodes, drawn from the seed; the k-th
// random set read draws from the k-th stream.
TEST(ScenarioReaderTest, RandomNodeSets) {
  const toml::table t = Parse(
      "a = \"random 40%\"\nb = \"random 3 of n10..n19\"\nc = \"random 100%\"\n"
      "d = [\"n19\", \"random 1\"]\n");
  auto draw = [&](uint64_t seed, const char* key) {
    ScenarioReader r("t.toml");
    r.set_total_nodes(20);
    r.set_initial_nodes(10);
    r.set_seed(seed);
    std::optional<NodeSet> first = r.Nodes(*t.get(key), key);
    std::optional<NodeSet> second = r.Nodes(*t.get(key), key);
    EXPECT_TRUE(r.ok()) << r.Result();
    return std::make_pair(first.value_or(NodeSet()), second.value_or(NodeSet()));
  };
  const auto [a1, a2] = draw(1, "a");
  EXPECT_EQ(a1.size(), 4);
  EXPECT_LE(a1.back(), 9u);                // of the initial nodes
  EXPECT_EQ(draw(1, "a").first, a1);       // the same seed, the same set
  EXPECT_FALSE(draw(2, "a").first == a1);  // another seed, another
  EXPECT_FALSE(a2 == a1);                  // the second set, the second stream
  EXPECT_EQ(a2.size(), 4);
  const NodeSet b = draw(1, "b").first;
  EXPECT_EQ(b.size(), 3);
  EXPECT_GE(b.front(), 10u);
  EXPECT_EQ(draw(1, "c").first, NodeSet::Interval(0, 9));
  const NodeSet d = draw(1, "d").first;
  EXPECT_EQ(d.size(), 2);
  EXPECT_TRUE(d.Contains(19));
  // A population given beside the string (an event's `of`).
  ScenarioReader r("t.toml");
  r.set_total_nodes(20);
  r.set_initial_nodes(10);
  const NodeSet population = NodeSet::Interval(15, 19);
  std::optional<NodeSet> of = r.Nodes(*t.get("a"), "a", &population);
  ASSERT_TRUE(of.has_value()) << r.Result();
  EXPECT_EQ(of->size(), 2);
  EXPECT_GE(of->front(), 15u);
}

TEST(ScenarioReaderTest, RandomNodeSetErrors) {
  const toml::table t = Parse(
      "a = \"random 0%\"\nb = \"random 101%\"\nc = \"random 11\"\nd = \"random 2.5\"\n"
      "e = \"random lots\"\nf = \"random 10% of n3..n99\"\ng = \"random 10% of n3..n5\"\n"
      "h = \"random 2\"\ni = \"n1\"\n");
  ScenarioReader r("t.toml");
  r.set_total_nodes(10);
  r.set_initial_nodes(10);
  const NodeSet population = NodeSet::Interval(0, 4);
  for (const char* key : {"a", "b", "c", "d", "e", "f"}) {
    EXPECT_EQ(r.Nodes(*t.get(key), key), std::nullopt) << key;
  }
  EXPECT_EQ(r.Nodes(*t.get("g"), "g", &population), std::nullopt);
  EXPECT_EQ(r.Nodes(*t.get("h"), "h", nullptr, "join takes no random set"), std::nullopt);
  EXPECT_EQ(r.Nodes(*t.get("i"), "i", &population), std::nullopt);
  EXPECT_THAT(
      Errors(r),
      ElementsAre(
          "t.toml:1:5: a: \"random 0%\" of 10 nodes is no node",
          "t.toml:2:5: b: a share of at most 100%, got \"random 101%\"",
          "t.toml:3:5: c: a whole number of nodes, at most the 10 to draw from, got \"random "
          "11\"",
          "t.toml:4:5: d: a whole number of nodes, at most the 10 to draw from, got \"random "
          "2.5\"",
          "t.toml:5:5: e: expected \"random 40%\" or \"random 4000\", optionally followed by "
          "\"of n100..n9999\", got \"random lots\"",
          "t.toml:6:5: f: node n99 does not exist (nodes are n0..n9 counting joined ones)",
          "t.toml:7:5: g: give the population either in the string (\"of ...\") or as `of`, not "
          "both",
          "t.toml:8:5: h: join takes no random set",
          "t.toml:9:5: i: `of` applies only to a random node set (\"random 40%\")"));
}

}  // namespace
}  // namespace plumsim
