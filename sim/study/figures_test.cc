#include "sim/study/figures.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "sim/study/metrics_json_testing.h"

namespace plumsim {
namespace {

TEST(StudyFiguresTest, MeasuresSettledMessagesOfTheHandlerAfterTheTime) {
  const std::string metrics =
      TestMetricsJson({TestMessageJson("application", 1000, 0.5, 3, 7),
                       TestMessageJson("application", 5000, 1, 1, 4),
                       TestMessageJson("application", 6000, 0.9, 0, 5),
                       TestMessageJson("heartbeat", 7000, 0.1, 9, 9),
                       TestMessageJson("application", 8000, 0.1, 9, 9, /*settled=*/false)},
                      "2000000000");
  absl::StatusOr<FigureValues> all = ComputeFigures(metrics, {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*(*all)[FigureColumn("messages")], 4);
  EXPECT_EQ(*(*all)[FigureColumn("reliability_min")], 0.1);
  absl::StatusOr<FigureValues> some =
      ComputeFigures(metrics, {"application", SimDuration::Nanoseconds(5000)});
  ASSERT_TRUE(some.ok());
  const FigureValues& f = *some;
  EXPECT_EQ(*f[FigureColumn("messages")], 2);
  EXPECT_EQ(*f[FigureColumn("reliability_min")], 0.9);
  EXPECT_DOUBLE_EQ(*f[FigureColumn("reliability_mean")], 0.95);
  EXPECT_DOUBLE_EQ(*f[FigureColumn("rmr_mean")], 0.5);
  EXPECT_EQ(*f[FigureColumn("rmr_max")], 1);
  EXPECT_EQ(*f[FigureColumn("ldh_max")], 5);
  EXPECT_DOUBLE_EQ(*f[FigureColumn("latency_p99")], 4);
  EXPECT_DOUBLE_EQ(*f[FigureColumn("latency_max")], 5);
  EXPECT_DOUBLE_EQ(*f[FigureColumn("converged_at")], 2);
  EXPECT_EQ(*f[FigureColumn("connections_closed")], 3);
  absl::StatusOr<FigureValues> none =
      ComputeFigures(TestMetricsJson({}, "null"), {"application", SimDuration::Zero()});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*(*none)[FigureColumn("messages")], 0);
  EXPECT_FALSE((*none)[FigureColumn("reliability_min")].has_value());
  EXPECT_FALSE((*none)[FigureColumn("converged_at")].has_value());
  EXPECT_FALSE(ComputeFigures("{\"x\": 1}", {}).ok());
  EXPECT_FALSE(ComputeFigures("not json", {}).ok());
}

TEST(StudyFiguresTest, EveryFigureHasAUniqueNameAndIsFoundByIt) {
  std::vector<std::string> names;
  for (const FigureInfo& f : StudyFigures()) {
    ASSERT_NE(FindStudyFigure(f.name), nullptr) << f.name;
    EXPECT_EQ(FindStudyFigure(f.name)->name, f.name);
    names.push_back(f.name);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::unique(names.begin(), names.end()), names.end());
  EXPECT_EQ(FindStudyFigure("no_such_figure"), nullptr);
}

}  // namespace
}  // namespace plumsim
