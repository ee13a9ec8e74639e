#include "sim/report/html_report.h"

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScenario[] = R"(
name = "report <&> test"
duration = "40s"
[nodes]
count = 5
[network]
latency = "1ms"
[[events]]
at = "15s"
kind = "partition"
groups = [["n0", "n1"], ["n2", "n3", "n4"]]
[[events]]
at = "25s"
kind = "heal"
)";

// The report of a small run made with `settings` (report.html is written
// to a folder of the test's own; the page is returned).
std::string Report(const ReportSettings& settings) {
  absl::StatusOr<Scenario> scenario = ParseScenario(kScenario, "report.toml");
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  const fs::path out = fs::path(testing::TempDir()) / "html_report_test";
  fs::remove_all(out);
  RunOptions options;
  options.out_dir = out.string();
  std::string page;
  options.make_report = [&](const ReportInputs& in) {
    page = MakeRunReport(in, settings);
    return page;
  };
  absl::StatusOr<RunResult> result = RunScenario(*scenario, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return page;
}

TEST(HtmlReportTest, TextFromTheScenarioIsEscaped) {
  ReportSettings settings;
  settings.programs.gnuplot = settings.programs.twopi = "no-such-program";
  const std::string page = Report(settings);
  EXPECT_THAT(page, HasSubstr("report &lt;&amp;&gt; test"));
  EXPECT_THAT(page, Not(HasSubstr("report <&> test")));
}

TEST(HtmlReportTest, AFigureThatCouldNotBeDrawnSaysWhyAndThePageIsStillWhole) {
  ReportSettings settings;
  settings.programs.gnuplot = settings.programs.twopi = "no-such-program";
  const std::string page = Report(settings);
  EXPECT_THAT(page, HasSubstr("class=\"missing\"><p>not drawn: no-such-program failed on "));
  EXPECT_THAT(page, Not(HasSubstr("<svg")));
  EXPECT_THAT(page, HasSubstr("data-figure=\"summary.reliability_min\""));  // the figures
  EXPECT_THAT(page, HasSubstr("<h2 id=\"text\">The run's summary</h2>"));
  EXPECT_THAT(page, HasSubstr("</html>"));
}

TEST(HtmlReportTest, OnlyTheFirstSnapshotRootsAreDrawn) {
  ReportSettings settings;
  settings.programs.gnuplot = settings.programs.twopi = "no-such-program";
  settings.max_tree_pictures = 2;
  const std::string page = Report(settings);
  EXPECT_THAT(page, HasSubstr("id=\"tree_n0\""));
  EXPECT_THAT(page, HasSubstr("id=\"tree_n1\""));
  EXPECT_THAT(page, Not(HasSubstr("id=\"tree_n2\"")));
}

TEST(HtmlReportTest, EveryFigureIsDrawnWhenTheProgramsAreThere) {
  if (!CheckDrawingPrograms({}, /*graphs=*/true, /*plots=*/true).ok()) {
    GTEST_SKIP() << "gnuplot or Graphviz is not installed (tools/setup)";
  }
  const std::string page = Report(ReportSettings{});
  EXPECT_THAT(page, HasSubstr("<figure id=\"reliability\"><svg"));
  EXPECT_THAT(page, HasSubstr("<figure id=\"tree_n0\"><svg"));
  EXPECT_THAT(page, Not(HasSubstr("class=\"missing\"")));
}

}  // namespace
}  // namespace plumsim
