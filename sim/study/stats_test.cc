#include "sim/study/stats.h"

#include <cmath>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(StudyStatsTest, MeanSdAndConfidenceIntervalOfTheMean) {
  FigureStats s = Summarise({1, 2, 3, 4, 5});
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(*s.mean, 3);
  EXPECT_NEAR(*s.sd, 1.5811388, 1e-6);
  EXPECT_NEAR(*s.ci95, 2.776 * 1.5811388 / std::sqrt(5.0), 1e-6);
  EXPECT_EQ(*s.min, 1);
  EXPECT_EQ(*s.max, 5);
}

TEST(StudyStatsTest, OneValueHasNoSpreadAndNoneHasNothing) {
  FigureStats one = Summarise({0.5});
  EXPECT_EQ(*one.mean, 0.5);
  EXPECT_FALSE(one.sd.has_value());
  EXPECT_FALSE(one.ci95.has_value());
  FigureStats none = Summarise({});
  EXPECT_EQ(none.n, 0);
  EXPECT_FALSE(none.mean.has_value());
}

TEST(StudyStatsTest, StudentTQuantilesMatchTablesAndApproachTheNormal) {
  EXPECT_DOUBLE_EQ(StudentT975(1), 12.706);
  EXPECT_DOUBLE_EQ(StudentT975(9), 2.262);
  EXPECT_NEAR(StudentT975(40), 2.0211, 1e-3);
  EXPECT_NEAR(StudentT975(60), 2.0003, 1e-3);
  EXPECT_NEAR(StudentT975(120), 1.9799, 1e-3);
  EXPECT_NEAR(StudentT975(100000), 1.95999, 1e-4);
  for (int df = 1; df < 200; ++df) EXPECT_GT(StudentT975(df), StudentT975(df + 1)) << df;
}

}  // namespace
}  // namespace plumsim
