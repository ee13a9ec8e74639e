// Golden files: written, read back identically, refused with their place
// when malformed, and compared within tolerances.
#include "sim/compare/golden.h"

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Golden Sample() {
  Golden g;
  g.scenario = "scenarios/quickstart.toml";
  g.seed = 7;
  g.duration = SimDuration::Seconds(60);
  g.overrides = {"nodes.count=6"};
  g.plumsim_version = "0.5.0";
  g.digest = "0123456789abcdef";
  g.figures = {{"heartbeat.converged_at_ns", std::nullopt, 0},
               {"heartbeat.rmr_mean", 1.2, 0.05},
               {"payload_messages", 616, 0}};
  g.trees = {{0, SimTime::Zero() + SimDuration::Seconds(30), true, true, 1, {{0, 1}, {0, 2}}},
             {3, SimTime::Zero() + SimDuration::Seconds(60), true, false, 2, {{1, 3}}}};
  return g;
}

TEST(GoldenTest, RoundTripsThroughItsToml) {
  const Golden g = Sample();
  const std::string text = GoldenToToml(g);
  EXPECT_TRUE(absl::StartsWith(text, kGoldenHeader));
  EXPECT_THAT(text, HasSubstr("edges = [ 'n0-n1', 'n0-n2' ]"));
  absl::StatusOr<Golden> back = ParseGolden(text, "g.golden");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->scenario, g.scenario);
  EXPECT_EQ(back->seed, 7u);
  EXPECT_EQ(back->duration, g.duration);
  EXPECT_EQ(back->overrides, g.overrides);
  EXPECT_EQ(back->digest, g.digest);
  ASSERT_EQ(back->figures.size(), 3u);
  EXPECT_FALSE(back->figures[0].value.has_value());
  EXPECT_EQ(back->figures[1].tolerance, 0.05);
  EXPECT_EQ(back->trees.size(), 2u);
  EXPECT_EQ(back->trees[1].edges, (std::vector<Edge>{{1, 3}}));
  EXPECT_THAT(CompareGolden(g, *back), IsEmpty());
}

TEST(GoldenTest, DifferencesNameEdgesAndFigures) {
  const Golden pinned = Sample();
  Golden now = Sample();
  now.figures[1].value = 1.24;  // within 0.05
  now.figures[2].value = 620;   // tolerance 0
  now.figures[0].value = 2e10;  // converged now
  now.trees[0].edges = {{0, 1}, {1, 2}};
  now.trees[0].depth = 2;
  now.trees.pop_back();
  EXPECT_THAT(
      CompareGolden(pinned, now),
      ElementsAre("figure heartbeat.converged_at_ns: undefined -> 20000000000 (tolerance 0)",
                  "figure payload_messages: 616 -> 620 (tolerance 0)",
                  "tree n0@30s: depth 1 -> 2; edges added: n1-n2; edges removed: n0-n2",
                  "tree n3@1m: pinned, not in the new run"));
}

TEST(GoldenTest, MalformedFilesAreRefusedAtTheirPlace) {
  absl::StatusOr<Golden> g = ParseGolden(
      "scenario = \"s.toml\"\nseed = 1\nduration = \"1m\"\noverrides = []\n"
      "plumsim_version = \"0.5.0\"\ndigest = \"x\"\n"
      "[figures]\n\"a\" = { value = \"lots\", tolerance = 0 }\n"
      "[[tree]]\nroot = \"n0\"\nat = \"1m\"\nrunning = true\nspanning = true\ndepth = 1\n"
      "edges = [\"n0+n1\"]\n",
      "bad.golden");
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.status().message(), HasSubstr("bad.golden:8:17: figures.a.value"));
  EXPECT_THAT(g.status().message(), HasSubstr("bad.golden:15:10: edges: expected \"nA-nB\""));
  EXPECT_THAT(ParseGolden("seed = [", "x.golden").status().message(), HasSubstr("x.golden:1:"));
}

}  // namespace
}  // namespace plumsim
