#include "sim/kernel/time.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(SimDurationTest, UnitsAreNanoseconds) {
  EXPECT_EQ(SimDuration::Milliseconds(250).ns(), 250000000);
  EXPECT_EQ(SimDuration::Seconds(10).ns(), 10000000000);
  EXPECT_EQ(SimDuration::Microseconds(3).ns(), 3000);
  EXPECT_EQ((SimDuration::Seconds(1) - SimDuration::Milliseconds(1)).ns(), 999000000);
}

TEST(SimDurationTest, ConvertsToAndFromAbsl) {
  EXPECT_EQ(SimDuration::FromAbsl(absl::Milliseconds(1500)), SimDuration::Milliseconds(1500));
  EXPECT_EQ(SimDuration::Seconds(2).ToAbsl(), absl::Seconds(2));
  EXPECT_EQ(SimDuration::FromAbsl(absl::InfiniteDuration()), SimDuration::Max());
}

TEST(ParseSimDurationTest, AcceptsHumanStrings) {
  EXPECT_EQ(*ParseSimDuration("250ms"), SimDuration::Milliseconds(250));
  EXPECT_EQ(*ParseSimDuration("10s"), SimDuration::Seconds(10));
  EXPECT_EQ(*ParseSimDuration("1m30s"), SimDuration::Seconds(90));
  EXPECT_EQ(*ParseSimDuration("1.5s"), SimDuration::Milliseconds(1500));
  EXPECT_EQ(*ParseSimDuration("7ns"), SimDuration::Nanoseconds(7));
  EXPECT_EQ(*ParseSimDuration("0"), SimDuration::Zero());
}

TEST(ParseSimDurationTest, RejectsBadStrings) {
  for (const char* bad : {"", "10", "ten seconds", "5 parsecs", "inf", "-1s"}) {
    auto parsed = ParseSimDuration(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
  EXPECT_NE(ParseSimDuration("10").status().message().find("250ms"), std::string::npos);
}

TEST(SimTimeTest, ArithmeticAndOrder) {
  const SimTime t = SimTime::Zero() + SimDuration::Seconds(3);
  EXPECT_EQ(t.ns(), 3000000000);
  EXPECT_LT(SimTime::Zero(), t);
  EXPECT_EQ(t - SimTime::Zero(), SimDuration::Seconds(3));
  EXPECT_EQ(FormatSimTime(t + SimDuration::Microseconds(250)), "3.000250000s");
  EXPECT_EQ(FormatSimDuration(SimDuration::Milliseconds(250)), "250ms");
}

}  // namespace
}  // namespace plumsim
