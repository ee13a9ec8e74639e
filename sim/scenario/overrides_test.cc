#include "sim/scenario/overrides.h"

#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/scenario/reader.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;

// (argument, path, value)
std::vector<std::tuple<std::string, std::string, std::string>> Fields(
    const std::vector<Override>& overrides) {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  for (const Override& o : overrides) out.emplace_back(o.argument, o.path, o.value);
  return out;
}

TEST(OverrideTest, FromSetSplitsAtTheFirstEqualsSign) {
  EXPECT_THAT(Fields({Override::FromSet("nodes.count=64"), Override::FromSet(" a.b =x y"),
                      Override::FromSet("name=a=b"), Override::FromSet("nodes.count"),
                      Override::FromSet("=3")}),
              ElementsAre(std::make_tuple("--set nodes.count=64", "nodes.count", "64"),
                          std::make_tuple("--set  a.b =x y", "a.b", "x y"),
                          std::make_tuple("--set name=a=b", "name", "a=b"),
                          std::make_tuple("--set nodes.count", "", ""),  // refused at load
                          std::make_tuple("--set =3", "", "")));
}

TEST(CommandLineOverridesTest, SetsThenSeedThenDuration) {
  EXPECT_THAT(Fields(CommandLineOverrides({"seed=5", "nodes.count=3"}, "12", "90s")),
              ElementsAre(std::make_tuple("--set seed=5", "seed", "5"),
                          std::make_tuple("--set nodes.count=3", "nodes.count", "3"),
                          std::make_tuple("--seed", "seed", "12"),
                          std::make_tuple("--duration", "duration", "\"90s\"")));
}

TEST(CommandLineOverridesTest, EmptyMeansNotGiven) {
  EXPECT_TRUE(CommandLineOverrides({}, "", "").empty());
  EXPECT_THAT(Fields(CommandLineOverrides({}, "", "1m")),
              ElementsAre(std::make_tuple("--duration", "duration", "\"1m\"")));
  EXPECT_THAT(Fields(CommandLineOverrides({}, "0", "")),
              ElementsAre(std::make_tuple("--seed", "seed", "0")));
}

// --seed and --duration come after every --set, so they win over a --set of
// the same key whatever the order on the command line.
TEST(CommandLineOverridesTest, SeedAndDurationWinOverSets) {
  toml::table root = toml::parse("seed = 1\nduration = \"10s\"\n");
  ScenarioReader reader("t.toml");
  ApplyOverrides(CommandLineOverrides({"seed=5", "duration=\"20s\""}, "12", "30s"), &root, &reader);
  ASSERT_TRUE(reader.ok()) << reader.Result();
  EXPECT_EQ(root["seed"].value<int64_t>(), 12);
  EXPECT_EQ(root["duration"].value<std::string>(), "30s");
  EXPECT_EQ(reader.Where(root.get("seed")), "--seed");
}

TEST(CheckSeedArgumentTest, DigitsUpToInt64Max) {
  for (const char* good : {"", "0", "42", "9223372036854775807"}) {
    EXPECT_TRUE(CheckSeedArgument(good).ok()) << good;
  }
  for (const char* bad : {"9223372036854775808", "abc", "0x10", "1_000", "+5", "-1", " 7"}) {
    const absl::Status s = CheckSeedArgument(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), std::string("--seed ") + bad +
                               ": expected a whole number from 0 to 9223372036854775807");
  }
}

TEST(ApplyOverridesTest, ValuesAreTomlOrElsePlainStrings) {
  toml::table root = toml::parse("name = \"a\"\n[nodes]\ncount = 2\n");
  ScenarioReader reader("t.toml");
  ApplyOverrides(OverridesFromSets({"name=plain words", "nodes.count=32", "nodes.start=\"1s\"",
                                    "network.latency={ kind = \"constant\", value = \"2ms\" }"}),
                 &root, &reader);
  ASSERT_TRUE(reader.ok()) << reader.Result();
  EXPECT_EQ(root["name"].value<std::string>(), "plain words");
  EXPECT_EQ(root["nodes"]["count"].value<int64_t>(), 32);
  EXPECT_EQ(root["nodes"]["start"].value<std::string>(), "1s");
  // A missing table is created; what an override set is named by it.
  EXPECT_EQ(root["network"]["latency"]["value"].value<std::string>(), "2ms");
  EXPECT_EQ(reader.Where(root["network"]["latency"]["kind"].node()),
            "--set network.latency={ kind = \"constant\", value = \"2ms\" }");
  EXPECT_EQ(reader.Where(root["network"].node()),
            "--set network.latency={ kind = \"constant\", value = \"2ms\" }");
  EXPECT_EQ(reader.Where(root.get("nodes")), "t.toml:2:1");  // untouched
}

TEST(ApplyOverridesTest, NumbersIndexArrays) {
  toml::table root = toml::parse("[[events]]\nat = \"1s\"\n[[events]]\nat = \"2s\"\n");
  ScenarioReader reader("t.toml");
  ApplyOverrides(OverridesFromSets({"events.1.at=\"5s\"", "events.0={ at = \"3s\" }"}), &root,
                 &reader);
  ASSERT_TRUE(reader.ok()) << reader.Result();
  EXPECT_EQ(root["events"][0]["at"].value<std::string>(), "3s");
  EXPECT_EQ(root["events"][1]["at"].value<std::string>(), "5s");
  EXPECT_EQ(reader.Where(root["events"][0]["at"].node()), "--set events.0={ at = \"3s\" }");
}

TEST(ApplyOverridesTest, ErrorsNameTheArgumentInOrder) {
  toml::table root = toml::parse("name = \"a\"\n[[events]]\nat = \"1s\"\n");
  ScenarioReader reader("t.toml");
  ApplyOverrides(
      OverridesFromSets({"name.first=1", "events.3.at=1", "events.1=2", "nodes", "events.x.at=1"}),
      &root, &reader);
  EXPECT_EQ(reader.Result().message(),
            "t.toml:1:1: --set name.first=1: name is not a table or an index of an array\n"
            "t.toml:1:1: --set events.3.at=1: events.3 is not a table or an index of an array\n"
            "t.toml:1:1: --set events.1=2: cannot set events.1\n"
            "t.toml:1:1: --set nodes: expected key=value, e.g. --set nodes.count=32\n"
            "t.toml:1:1: --set events.x.at=1: events.x is not a table or an index of an array");
}

}  // namespace
}  // namespace plumsim
