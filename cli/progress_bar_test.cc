#include "cli/progress_bar.h"

#include <string>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(ClockTextTest, SecondsMinutesHours) {
  EXPECT_EQ(ClockText(45), "45s");
  EXPECT_EQ(ClockText(200), "3m20s");
  EXPECT_EQ(ClockText(3900), "1h5m");
}

TEST(ProgressBarTest, OneLinePerDrawWhenNotRedrawn) {
  testing::internal::CaptureStderr();
  ProgressBar bar(/*show=*/true, /*redraw=*/false);
  bar.Draw(3, 12);
  bar.Draw(6, 12);
  bar.Finish();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("3/12 runs"), std::string::npos) << err;
  EXPECT_NE(err.find("6/12 runs"), std::string::npos) << err;
  EXPECT_EQ(err.find('\r'), std::string::npos) << err;
}

TEST(ProgressBarTest, HiddenDrawsNothing) {
  testing::internal::CaptureStderr();
  ProgressBar bar(/*show=*/false, /*redraw=*/true);
  bar.Draw(1, 2);
  bar.Finish();
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

}  // namespace
}  // namespace plumsim
