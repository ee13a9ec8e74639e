#include "sim/study/figures.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

std::string Message(const std::string& handler, int64_t sent_at_ns, double reliability, double rmr,
                    int ldh, bool settled = true) {
  return absl::StrCat("{\"handler\": \"", handler, "\", \"sent_at_ns\": ", sent_at_ns,
                      ", \"settled\": ", settled ? "true" : "false",
                      ", \"reliability\": ", reliability, ", \"rmr\": ", rmr, ", \"ldh\": ", ldh,
                      ", \"latency_ns_p99\": 4000000, \"latency_ns_max\": 5000000}");
}

std::string Metrics(const std::vector<std::string>& messages, const std::string& converged) {
  return absl::StrCat("{\"summary\": {\"converged_at_ns\": ", converged,
                      ", \"payload_messages\": 10, \"control_messages\": 20},"
                      " \"network\": {\"connections_closed\": {\"ping_timeout\": 2, \"crash\": 1}},"
                      " \"messages\": [",
                      absl::StrJoin(messages, ", "), "]}");
}

size_t Figure(const char* name) {
  for (size_t i = 0; i < StudyFigures().size(); ++i) {
    if (std::string(StudyFigures()[i].name) == name) return i;
  }
  return 1000;
}

TEST(StudyFiguresTest, MeasuresSettledMessagesOfTheHandlerAfterTheTime) {
  const std::string metrics =
      Metrics({Message("application", 1000, 0.5, 3, 7), Message("application", 5000, 1, 1, 4),
               Message("application", 6000, 0.9, 0, 5), Message("heartbeat", 7000, 0.1, 9, 9),
               Message("application", 8000, 0.1, 9, 9, /*settled=*/false)},
              "2000000000");
  absl::StatusOr<FigureValues> all = ComputeFigures(metrics, {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*(*all)[Figure("messages")], 4);
  EXPECT_EQ(*(*all)[Figure("reliability_min")], 0.1);
  absl::StatusOr<FigureValues> some =
      ComputeFigures(metrics, {"application", SimDuration::Nanoseconds(5000)});
  ASSERT_TRUE(some.ok());
  const FigureValues& f = *some;
  EXPECT_EQ(*f[Figure("messages")], 2);
  EXPECT_EQ(*f[Figure("reliability_min")], 0.9);
  EXPECT_DOUBLE_EQ(*f[Figure("reliability_mean")], 0.95);
  EXPECT_DOUBLE_EQ(*f[Figure("rmr_mean")], 0.5);
  EXPECT_EQ(*f[Figure("rmr_max")], 1);
  EXPECT_EQ(*f[Figure("ldh_max")], 5);
  EXPECT_DOUBLE_EQ(*f[Figure("latency_p99")], 4);
  EXPECT_DOUBLE_EQ(*f[Figure("latency_max")], 5);
  EXPECT_DOUBLE_EQ(*f[Figure("converged_at")], 2);
  EXPECT_EQ(*f[Figure("connections_closed")], 3);
  absl::StatusOr<FigureValues> none =
      ComputeFigures(Metrics({}, "null"), {"application", SimDuration::Zero()});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*(*none)[Figure("messages")], 0);
  EXPECT_FALSE((*none)[Figure("reliability_min")].has_value());
  EXPECT_FALSE((*none)[Figure("converged_at")].has_value());
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
