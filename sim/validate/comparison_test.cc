// Verdicts: a real value matches when it lies in the simulated range
// widened by the figure's tolerance (docs/validate.md, "Verdicts").
#include "sim/validate/comparison.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

std::vector<Figure> One(std::optional<double> v, double tolerance = 0.1, bool compared = true) {
  return {Figure{"x", v, tolerance, compared}};
}

std::string Verdict(std::vector<std::optional<double>> real, std::vector<std::optional<double>> sim,
                    double tolerance = 0.1, bool compared = true) {
  std::vector<std::vector<Figure>> r, s;
  for (auto v : real) r.push_back(One(v, tolerance, compared));
  for (auto v : sim) s.push_back(One(v, tolerance, compared));
  return Compare(r, s).front().verdict;
}

TEST(ComparisonTest, InsideTheWidenedRangeMatches) {
  EXPECT_EQ(Verdict({1.0}, {0.9, 1.2}), "match");
  EXPECT_EQ(Verdict({0.8}, {0.9, 1.2}), "match");  // 0.1 below, the tolerance
  EXPECT_EQ(Verdict({1.3}, {0.9, 1.2}), "match");  // 0.1 above
  EXPECT_EQ(Verdict({0.79}, {0.9, 1.2}), "outside");
  EXPECT_EQ(Verdict({1.31}, {0.9, 1.2}), "outside");
}

TEST(ComparisonTest, EveryRealRunMustMatch) {
  EXPECT_EQ(Verdict({1.0, 1.1}, {0.9, 1.2}), "match");
  EXPECT_EQ(Verdict({1.0, 2.0}, {0.9, 1.2}), "outside");
}

TEST(ComparisonTest, UndefinedValuesMatchOnlyUndefinedSeeds) {
  EXPECT_EQ(Verdict({std::nullopt}, {std::nullopt, std::nullopt}), "n/a");
  EXPECT_EQ(Verdict({std::nullopt}, {1.0, std::nullopt}), "match");
  EXPECT_EQ(Verdict({std::nullopt}, {1.0, 1.0}), "outside");
  EXPECT_EQ(Verdict({1.0}, {std::nullopt, std::nullopt}), "outside");
}

TEST(ComparisonTest, FiguresNotJudgedAreInformation) {
  EXPECT_EQ(Verdict({100.0}, {1.0}, 0, /*compared=*/false), "info");
}

// A figure some run lacks (a handler that originated nothing in the first
// real run, a close reason only a seed saw) is still compared.
TEST(ComparisonTest, AFigureOfAnyRunIsCompared) {
  std::vector<std::vector<Figure>> real = {{{"a", 1.0, 0, true}},
                                           {{"a", 1.0, 0, true}, {"c", 5.0, 0, true}}};
  std::vector<std::vector<Figure>> sim = {{{"a", 1.0, 0, true}, {"b", 2.0, 0, true}}};
  const std::vector<ComparedFigure> c = Compare(real, sim);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].name, "a");
  EXPECT_EQ(c[0].verdict, "match");
  EXPECT_EQ(c[1].name, "c");
  EXPECT_EQ(c[1].verdict, "outside");  // undefined in the first real run, not in any seed
  EXPECT_EQ(c[2].name, "b");
  EXPECT_EQ(c[2].verdict, "outside");  // the real runs have no value, every seed has one
}

TEST(ComparisonTest, CsvAndTableListEveryFigure) {
  std::vector<std::vector<Figure>> real = {{{"a", 1.0, 0.5, true}, {"b", std::nullopt, 0, true}}};
  std::vector<std::vector<Figure>> sim = {{{"a", 2.0, 0.5, true}, {"b", 3.0, 0, true}},
                                          {{"a", 4.0, 0.5, true}, {"b", 3.0, 0, true}}};
  const std::vector<ComparedFigure> c = Compare(real, sim);
  EXPECT_EQ(CountOutside(c), 2);
  EXPECT_EQ(ComparisonCsv(c),
            "figure,real_min,real_max,sim_min,sim_mean,sim_max,tolerance,verdict\n"
            "a,1,1,2,3,4,0.5,outside\n"
            "b,,,3,3,3,0,outside\n");
  EXPECT_THAT(ComparisonTable(c), HasSubstr("a"));
  EXPECT_THAT(ComparisonTable(c), HasSubstr("2..4"));
}

}  // namespace
}  // namespace plumsim
