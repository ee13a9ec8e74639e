#include "sim/scenario/memory_estimate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

Scenario Parse(const std::string& text) {
  absl::StatusOr<Scenario> s = ParseScenario(text, "m.toml");
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : Scenario();
}

TEST(MemoryEstimateTest, GrowsWithNodesAndMembership) {
  const Scenario small = Parse("name = \"s\"\nduration = \"1s\"\n[nodes]\ncount = 8\n");
  const Scenario full = Parse("name = \"s\"\nduration = \"1s\"\n[nodes]\ncount = 10000000\n");
  const Scenario hv = Parse(
      "name = \"s\"\nduration = \"1s\"\n[nodes]\ncount = 100000\n[membership]\nkind = "
      "\"hyparview\"\n[heartbeat]\nbroadcast = false\n");
  EXPECT_LT(EstimateMemoryBytes(small), 100LL << 20);
  // The measured 100,000-node HyParView broadcast peaked at 1.41 GB.
  EXPECT_GT(EstimateMemoryBytes(hv), 700LL << 20);
  EXPECT_LT(EstimateMemoryBytes(hv), 3LL << 30);
  // 10 million nodes in full membership: far beyond any machine.
  EXPECT_GT(EstimateMemoryBytes(full), 1LL << 50);
}

TEST(MemoryEstimateTest, RefusesWhatDoesNotFit) {
  const Scenario full = Parse("name = \"s\"\nduration = \"1s\"\n[nodes]\ncount = 10000000\n");
  absl::Status st = CheckMemory(full, "");
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(st.message()), HasSubstr("needs about"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("--max-memory"));
  EXPECT_TRUE(CheckMemory(full, "unlimited").ok());
  const Scenario small = Parse("name = \"s\"\nduration = \"1s\"\n[nodes]\ncount = 8\n");
  EXPECT_TRUE(CheckMemory(small, "").ok());
  EXPECT_EQ(CheckMemory(small, "1M").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(CheckMemory(small, "lots").code(), absl::StatusCode::kInvalidArgument);
}

TEST(MemoryEstimateTest, ParsesSizes) {
  EXPECT_EQ(**ParseMemorySize("16G"), 16LL << 30);
  EXPECT_EQ(**ParseMemorySize("512m"), 512LL << 20);
  EXPECT_EQ(**ParseMemorySize("1048576"), 1LL << 20);
  EXPECT_FALSE(ParseMemorySize("unlimited")->has_value());
  EXPECT_FALSE(ParseMemorySize("-1G").ok());
  EXPECT_FALSE(ParseMemorySize("").ok());
}

}  // namespace
}  // namespace plumsim
