#include "sim/report/drawings.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class DrawingsTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing::TempDir()) / "drawings_test";
    fs::remove_all(root_);
    fs::create_directories(root_ / "bin");
    fs::create_directories(root_ / "out");
    // A gnuplot stand-in: writes NAME.svg beside the script it is given.
    Program("fake_gnuplot",
            "f=\"$3\"; printf '<?xml version=\"1.0\"?>\\n<svg>%s</svg>' \"$f\" "
            "> \"${f%.gp}.svg\"");
    Program("failing", "echo 'something broke' >&2; exit 3");
  }
  std::string Program(const std::string& name, const std::string& body) {
    const fs::path p = root_ / "bin" / name;
    std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(p, fs::perms::owner_all);
    return p.string();
  }
  std::vector<std::string> Entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  DrawingPrograms Fake() {
    DrawingPrograms p;
    p.gnuplot = (root_ / "bin" / "fake_gnuplot").string();
    return p;
  }
  fs::path root_;
};

TEST_F(DrawingsTest, APlotIsDrawnAndItsSvgReadFromItsSvgElement) {
  Drawings d(root_ / "out", {.programs = Fake()});
  d.Plot("rmr", "plot x\n");
  EXPECT_EQ(d.steps(), 1u);
  int steps = 0;
  d.Run([&] { ++steps; });
  EXPECT_EQ(steps, 1);
  EXPECT_THAT(d.Svg("rmr"), StartsWith("<svg>"));
  EXPECT_EQ(d.Error("rmr"), "");
  EXPECT_EQ(d.FirstError(), "");
}

TEST_F(DrawingsTest, AFailureNamesTheProgramTheDrawingAndTheLog) {
  DrawingPrograms p = Fake();
  p.twopi = (root_ / "bin" / "failing").string();
  Drawings d(root_ / "out", {.programs = p});
  d.Plot("a", "plot x\n");
  d.RadialTree("tree", "digraph { a -> b }", [](const std::string& laid) { return laid; });
  d.Run();
  EXPECT_EQ(d.Svg("tree"), "");
  EXPECT_THAT(d.Error("tree"), HasSubstr("failing failed on tree: something broke"));
  EXPECT_EQ(d.FirstError(), d.Error("tree"));
  EXPECT_THAT(d.Svg("a"), StartsWith("<svg>"));  // the others are drawn
}

TEST_F(DrawingsTest, InAFolderItKeepsSourcesAndPicturesAndRemovesItsLogs) {
  Drawings d(root_ / "out", {.programs = Fake()});
  d.Plot("a", "plot x\n");
  d.Run();
  // Before Drawings goes: `plumsim trees` commits the folder right after Run.
  EXPECT_EQ(Entries(root_ / "out"), (std::vector<std::string>{"a.gp", "a.svg"}));
}

TEST_F(DrawingsTest, ATemporaryFolderIsRemovedWithEverythingItWrote) {
  fs::path dir;
  {
    Drawings d = Drawings::Temporary({.programs = Fake()});
    dir = d.dir();
    EXPECT_EQ(dir.parent_path(), fs::temp_directory_path());
    EXPECT_THAT(dir.filename().string(), StartsWith("plumsim-drawings-"));
    d.Plot("a", "plot x\n");
    d.Run();
    EXPECT_THAT(d.Svg("a"), StartsWith("<svg>"));
    EXPECT_TRUE(fs::exists(dir / "a.gp"));
    Drawings moved = std::move(d);  // the moved-from one removes nothing
    EXPECT_TRUE(fs::is_directory(dir));
    EXPECT_THAT(moved.Svg("a"), StartsWith("<svg>"));
  }
  // Only this Drawings' own folder is checked: other tests running beside
  // this one draw into temporary folders of their own.
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(DrawingsTest, RadialTreesAreLaidOutRingedAndDrawnByGraphviz) {
  if (!CheckDrawingPrograms({}, /*graphs=*/true, /*plots=*/false).ok()) {
    GTEST_SKIP() << "Graphviz is not installed (tools/setup installs it)";
  }
  Drawings d(root_ / "out", {.programs = {}, .png = true});
  std::string laid_out;
  d.RadialTree("n0", "digraph t { graph [layout=twopi, root=\"n0\"]; n0 -> n1; n0 -> n2; }",
               [&](const std::string& laid) {
                 laid_out = laid;
                 return laid;
               });
  EXPECT_EQ(d.steps(), 2u);  // twopi, then neato
  d.Run();
  EXPECT_EQ(d.FirstError(), "");
  EXPECT_THAT(laid_out, HasSubstr("pos=\""));  // twopi placed the nodes
  EXPECT_THAT(d.Svg("n0"), StartsWith("<svg"));
  EXPECT_EQ(Entries(root_ / "out"), (std::vector<std::string>{"n0.dot", "n0.png", "n0.svg"}));
}

TEST(DrawingProgramsTest, AMissingProgramIsNamedWithItsPackage) {
  DrawingPrograms p;
  p.gnuplot = "no-such-gnuplot-program";
  absl::Status st = CheckDrawingPrograms(p, /*graphs=*/false, /*plots=*/true);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(st.message()), HasSubstr("no-such-gnuplot-program"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("gnuplot-nox"));
  EXPECT_TRUE(CheckDrawingPrograms(p, /*graphs=*/false, /*plots=*/false).ok());
}

}  // namespace
}  // namespace plumsim
