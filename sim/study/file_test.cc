#include "sim/study/file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(StudyFileTest, ReadsParametersInFileOrderWithTheirTomlText) {
  absl::StatusOr<Study> s = ParseStudy(R"(
[study]
scenario = "base.toml"
replications = 4
seed = 9
[study.parameters]
"nodes.count" = { from = 100, to = 300, step = 100 }
"network.loss" = [0, 0.05]
"events.1.nodes" = ["random 10%", "random 20%"]
"network.latency" = [{ kind = "fixed", value = "5ms" }]
)",
                                       "dir/study.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->scenario_path, "dir/base.toml");
  EXPECT_EQ(s->name, "study");
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->replications, 4);
  ASSERT_EQ(s->parameters.size(), 4u);
  EXPECT_EQ(s->parameters[0].path, "nodes.count");
  EXPECT_THAT(s->parameters[0].values, ElementsAre("100", "200", "300"));
  EXPECT_EQ(s->parameters[0].location, "dir/study.toml:7:17");
  EXPECT_TRUE(s->parameters[0].numeric());
  EXPECT_EQ(s->parameters[1].path, "network.loss");
  EXPECT_THAT(s->parameters[1].values, ElementsAre("0", "0.05"));
  EXPECT_THAT(s->parameters[2].values, ElementsAre("\"random 10%\"", "\"random 20%\""));
  EXPECT_THAT(s->parameters[2].labels, ElementsAre("random 10%", "random 20%"));
  EXPECT_FALSE(s->parameters[2].numeric());
  EXPECT_THAT(s->parameters[3].values[0], HasSubstr("kind = \"fixed\""));
  EXPECT_EQ(s->parameters[3].values[0].front(), '{');
  EXPECT_THAT(s->plot, ElementsAre("reliability_min", "rmr_mean", "ldh_max"));
}

TEST(StudyFileTest, FloatRangesEndAtTheirBoundWithoutDrift) {
  absl::StatusOr<Study> s = ParseStudy(
      "[study]\n[study.parameters]\n\"network.loss\" = { from = 0.0, to = 0.3, step = 0.1 }\n",
      "s.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->parameters[0].values, ElementsAre("0", "0.1", "0.2", "0.3"));
  EXPECT_EQ(s->scenario_path, "s.toml");  // its own base scenario
  EXPECT_FALSE(s->seed.has_value());
}

TEST(StudyFileTest, ConstraintsNameSweptParameters) {
  absl::StatusOr<Study> s = ParseStudy(R"([study]
constraints = ["plumtree.lazy_tick_period != \"1s\"", "nodes.count >= 200"]
[study.parameters]
"nodes.count" = [100, 200]
"plumtree.lazy_tick_period" = ["1s", "2s"]
)",
                                       "s.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->constraints.size(), 2u);
  EXPECT_EQ(s->constraints[0].left.parameter, 1);
  EXPECT_EQ(s->constraints[0].right.text, "1s");
  EXPECT_EQ(s->constraints[1].op, ">=");
  EXPECT_EQ(s->constraints[1].right.number, 200);
}

void ExpectError(const std::string& text, const std::string& expected) {
  absl::StatusOr<Study> s = ParseStudy(text, "s.toml");
  ASSERT_FALSE(s.ok()) << text;
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr(expected)) << text;
}

TEST(StudyFileTest, BadInputIsReportedWithItsLocation) {
  ExpectError("name = 1\n", "s.toml:1:1: study: missing from the top level");
  ExpectError("[study]\nreplicatons = 3\n", "s.toml:2:15: study.replicatons: unknown key");
  ExpectError("[study]\nreplications = 0\n",
              "s.toml:2:16: study.replications: expected an integer");
  ExpectError("[study]\n[study.parameters]\n\"network.loss\" = 0.1\n",
              "s.toml:3:18: study.parameters.\"network.loss\": expected a list");
  ExpectError("[study]\n[study.parameters]\n\"a\" = []\n", "expected at least one value");
  ExpectError("[study]\n[study.parameters]\n\"a\" = [1, 1]\n", "value 1 is listed twice");
  ExpectError("[study]\n[study.parameters]\n\"a\" = { from = 5, to = 1, step = 1 }\n",
              "expected to >= from");
  ExpectError("[study]\n[study.parameters]\n\"a\" = { from = 1, to = 5 }\n", "step: missing");
  ExpectError("[study]\n[study.parameters]\n\"seed\" = [1, 2]\n", "replications draw the seeds");
  ExpectError("[study]\nplot = [\"rmr\"]\n", "s.toml:2:9: study.plot: unknown figure \"rmr\"");
  ExpectError("[study]\nconstraints = [\"x > 3\"]\n", "\"x\" is neither");
  ExpectError("[study]\nconstraints = [\"x\"]\n", "expected LEFT OP RIGHT");
  ExpectError("[study]\nscenario = \"b.toml\"\n[nodes]\ncount = 3\n",
              "holds only the [study] section");
  ExpectError("[study\n", "s.toml:1:7: TOML syntax error");
}

TEST(StudyFileTest, AMissingFileIsNotFound) {
  EXPECT_EQ(LoadStudy("/nonexistent/study.toml").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace plumsim
