#include "sim/explore/nemesis_config.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Names(const std::vector<FaultKind>& kinds) {
  std::vector<std::string> names;
  for (FaultKind k : kinds) names.push_back(k->name);
  return names;
}

std::string Error(const std::string& text) {
  absl::StatusOr<NemesisConfig> c = ReadNemesisConfig(text, "e.toml");
  EXPECT_FALSE(c.ok()) << text;
  return std::string(c.status().message());
}

TEST(NemesisConfigTest, WithoutASectionEveryKindWithTheDefaults) {
  absl::StatusOr<NemesisConfig> c = ReadNemesisConfig("name = \"x\"\n", "e.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Names(c->kinds), Names(FaultKind::All()));
  EXPECT_EQ(c->min_faults, 1);
  EXPECT_EQ(c->max_faults, 6);
  EXPECT_EQ(c->quiet, SimDuration::Seconds(60));
  EXPECT_EQ(c->kind_settings.max_loss, 0.3);
  EXPECT_TRUE(c->swarm);
  EXPECT_EQ(c->location, "");
}

TEST(NemesisConfigTest, ReadsEveryKeyIncludingTheKindsOwn) {
  absl::StatusOr<NemesisConfig> c = ReadNemesisConfig(R"(name = "x"
[explore]
faults = ["leave", "loss_spike"]
faults_per_run = { min = 2, max = 3 }
max_share = 0.5
start = "5s"
quiet = "20s"
max_fault_duration = "4s"
max_loss = 0.125
spike_latency = "50ms"
swarm = false
)",
                                                      "e.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Names(c->kinds), (std::vector<std::string>{"leave", "loss_spike"}));
  EXPECT_EQ(c->min_faults, 2);
  EXPECT_EQ(c->max_faults, 3);
  EXPECT_EQ(c->max_share, 0.5);
  EXPECT_EQ(c->start, SimDuration::Seconds(5));
  EXPECT_EQ(c->quiet, SimDuration::Seconds(20));
  EXPECT_EQ(c->max_fault_duration, SimDuration::Seconds(4));
  EXPECT_EQ(c->kind_settings.max_loss, 0.125);
  EXPECT_EQ(c->kind_settings.spike_latency, SimDuration::Milliseconds(50));
  EXPECT_FALSE(c->swarm);
  EXPECT_EQ(c->location, "e.toml:2:1");
}

TEST(NemesisConfigTest, BadExploreSectionsAreReportedWithTheirLocation) {
  EXPECT_THAT(Error("[explore]\nfaults = [\"crash\", \"meteor\"]\n"),
              HasSubstr("e.toml:2:20: explore.faults: unknown fault \"meteor\"; expected one of: "
                        "crash_restart, crash, partition"));
  EXPECT_THAT(Error("[explore]\nfaults = [\"crash\", \"crash\"]\n"),
              HasSubstr("e.toml:2:20: explore.faults: \"crash\" is listed twice"));
  EXPECT_THAT(Error("[explore]\nfaults = []\n"),
              HasSubstr("e.toml:2:10: explore.faults: expected a non-empty list of: "));
  EXPECT_THAT(Error("[explore]\nfaults_per_run = { min = 4, max = 2 }\n"),
              HasSubstr("e.toml:2:18: explore.faults_per_run: expected min <= max"));
  EXPECT_THAT(Error("[explore]\nrate = 3\n"), HasSubstr("e.toml:2:8: explore.rate: unknown key"));
  EXPECT_THAT(Error("explore = 3\n"), HasSubstr("e.toml:1:11: explore: expected a table"));
}

// The keys a kind owns are read by its entry and listed with the others.
TEST(NemesisConfigTest, KindSettingsAreCheckedLikeTheOthers) {
  EXPECT_THAT(Error("[explore]\nmax_loss = 2\n"),
              HasSubstr("e.toml:2:12: explore.max_loss: expected a probability"));
  EXPECT_THAT(Error("[explore]\nspike_latency = \"0s\"\n"),
              HasSubstr("e.toml:2:17: explore.spike_latency:"));
  EXPECT_THAT(Error("[explore]\nmax_los = 0.2\n"),
              HasSubstr("explore.max_los: unknown key; expected one of: faults, faults_per_run, "
                        "max_share, start, quiet, max_fault_duration, max_loss, spike_latency, "
                        "slow_factor, swarm"));
}

TEST(NemesisConfigTest, EveryErrorAtOnceInFileOrder) {
  const std::string lines = Error("[explore]\nswarm = 1\nfaults = [\"meteor\"]\nmax_share = 2\n");
  EXPECT_THAT(lines, HasSubstr("e.toml:2:9: explore.swarm: expected true or false\n"
                               "e.toml:3:11: explore.faults: unknown fault \"meteor\""));
  EXPECT_THAT(lines, HasSubstr("\ne.toml:4:13: explore.max_share: expected a share in [0, 1]"));
}

TEST(CheckExploreSectionTest, GivesExploresErrorsAndAcceptsWhatExploreAccepts) {
  EXPECT_TRUE(CheckExploreSection("name = \"x\"\n", "e.toml").ok());
  EXPECT_TRUE(
      CheckExploreSection("[explore]\nfaults = [\"crash\"]\nquiet = \"30s\"\n", "e.toml").ok());
  for (const char* bad : {"[explore]\nfaults = [\"meteor\"]\n", "[explore]\nrate = 3\n",
                          "[explore]\nmax_loss = 2\n", "[explore\n"}) {
    const absl::Status st = CheckExploreSection(bad, "dir/e.toml");
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(st, ReadNemesisConfig(bad, "dir/e.toml").status()) << bad;
    EXPECT_THAT(std::string(st.message()), HasSubstr("dir/e.toml:")) << bad;
  }
}

}  // namespace
}  // namespace plumsim
