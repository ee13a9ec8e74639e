#include "sim/study/plot.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/child_processes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/study/metrics_json_testing.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// loss in {0, 0.1} x transport in {tcp, datagram}: rmr_mean per point.
StudyResults Results() {
  StudyResults r;
  r.record.name = "loss";
  r.record.replications = 3;
  r.record.parameters = {{"network.loss", true, {"0", "0.1"}},
                         {"network.transport", false, {"tcp", "datagram"}}};
  r.record.plot = {"rmr_mean"};
  r.record.points = {{"p1", {0, 0}}, {"p2", {0, 1}}, {"p3", {1, 0}}, {"p4", {1, 1}}};
  const double means[] = {0.5, 1, 1.5, 2};  // exact in binary
  for (double mean : means) {
    std::vector<FigureStats> figures(StudyFigures().size());
    FigureStats& s = figures[FigureColumn("rmr_mean")];
    s.n = 3;
    s.mean = mean;
    s.ci95 = 0.25;
    r.points.push_back(figures);
  }
  return r;
}

TEST(StudyPlotTest, OneLinePerValueOfTheOtherParametersWithItsConfidenceBand) {
  const PlotFiles f = StudyPlot(Results(), "rmr_mean");
  // Two data blocks (tcp, datagram), x from the first parameter.
  EXPECT_THAT(f.data, HasSubstr("# network.transport = tcp\n# x mean ci_low ci_high label n\n"
                                "0 0.5 0.25 0.75 \"0\" 3\n0.1 1.5 1.25 1.75 \"0.1\" 3\n"));
  EXPECT_THAT(f.data, HasSubstr("# network.transport = datagram\n"));
  EXPECT_THAT(f.script, HasSubstr("'rmr_mean.dat' index 0 using 1:3:4 with filledcurves"));
  EXPECT_THAT(f.script, HasSubstr("'rmr_mean.dat' index 1 using 1:2 with linespoints"));
  EXPECT_THAT(f.script, HasSubstr("set output 'rmr_mean.png'"));
  EXPECT_THAT(f.script, HasSubstr("set output 'rmr_mean.svg'"));
  EXPECT_THAT(f.script, HasSubstr("mean, 95% CI over 3 seeds"));
}

class DrawStudyPlotsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / "draw_study_plots";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  fs::path dir_;
};

TEST_F(DrawStudyPlotsTest, AStudyWithoutParametersHasNothingToPlot) {
  StudyResults r = Results();
  r.record.parameters.clear();
  EXPECT_EQ(DrawStudyPlots(dir_.string(), r).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DrawStudyPlotsTest, APictureWithoutItsPlumsimScriptIsNotReplaced) {
  fs::create_directories(dir_ / "plots");
  std::ofstream(dir_ / "plots" / "rmr_mean.png") << "my own picture";
  absl::Status st = DrawStudyPlots(dir_.string(), Results()).status();
  EXPECT_THAT(std::string(st.message()), HasSubstr("not replaced"));
  std::ifstream in(dir_ / "plots" / "rmr_mean.png");
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "my own picture");
}

TEST_F(DrawStudyPlotsTest, GnuplotDrawsEveryDeclaredFigure) {
  if (!FindProgram("gnuplot")) GTEST_SKIP() << "gnuplot is not installed (tools/setup)";
  absl::StatusOr<std::vector<std::string>> written = DrawStudyPlots(dir_.string(), Results());
  ASSERT_TRUE(written.ok()) << written.status();
  for (const char* f : {"rmr_mean.png", "rmr_mean.svg", "rmr_mean.gp", "rmr_mean.dat"}) {
    EXPECT_TRUE(fs::exists(dir_ / "plots" / f)) << f;
  }
  // Drawn again over its own files.
  EXPECT_TRUE(DrawStudyPlots(dir_.string(), Results()).ok());
}

}  // namespace
}  // namespace plumsim
