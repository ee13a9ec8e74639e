// plumsim diff's comparisons: the first diverging trace line (plain and
// zstd), figures, and tree snapshots.
#include "sim/compare/run_diff.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

fs::path Write(const std::string& name, const std::string& text, bool zstd) {
  const fs::path path = fs::path(::testing::TempDir()) / name;
  auto file = TraceFile::Create(path, zstd, path);
  EXPECT_TRUE(file.ok());
  (*file)->Write(text);
  EXPECT_TRUE((*file)->Close().ok());
  return path;
}

EventDivergence Diverge(const std::string& a, const std::string& b, bool zstd_a, bool zstd_b,
                        int context) {
  auto ra = TraceLineReader::Open(Write(zstd_a ? "a.jsonl.zst" : "a.jsonl", a, zstd_a));
  auto rb = TraceLineReader::Open(Write(zstd_b ? "b.jsonl.zst" : "b.jsonl", b, zstd_b));
  EXPECT_TRUE(ra.ok() && rb.ok());
  absl::StatusOr<EventDivergence> d = FirstDivergence(**ra, **rb, context);
  EXPECT_TRUE(d.ok()) << d.status();
  return *d;
}

TEST(RunDiffTest, FirstDivergenceWithTheEventsBeforeIt) {
  std::string common;
  for (int i = 0; i < 100000; ++i) common += "{\"t\":" + std::to_string(i) + "}\n";
  for (bool za : {false, true}) {
    for (bool zb : {false, true}) {
      const EventDivergence d =
          Diverge(common + "{\"x\":1}\n{\"y\":1}\n", common + "{\"x\":2}\n", za, zb, 2);
      ASSERT_TRUE(d.diverged);
      EXPECT_EQ(d.line, 100001);
      EXPECT_THAT(d.before, ElementsAre("{\"t\":99998}", "{\"t\":99999}"));
      EXPECT_EQ(d.a, "{\"x\":1}");
      EXPECT_EQ(d.b, "{\"x\":2}");
    }
  }
  const EventDivergence shorter = Diverge(common, common + "{\"more\":1}\n", true, false, 0);
  ASSERT_TRUE(shorter.diverged);
  EXPECT_FALSE(shorter.a.has_value());
  EXPECT_EQ(shorter.b, "{\"more\":1}");
  EXPECT_FALSE(Diverge(common, common, true, true, 3).diverged);
}

TEST(RunDiffTest, FiguresByPath) {
  const auto d = DiffFigures(
      R"({"summary":{"rmr_mean":0.5,"convergence":{"tree_stable":{"share":1},"per_root":[["n0",1]]}},
          "network":{"dropped":{"loss":3}},"messages":[1]})",
      R"({"summary":{"rmr_mean":0.75,"convergence":{"tree_stable":{"share":1},"per_root":[["n0",2]]},
          "new":true},"network":{"dropped":{"loss":3}}})");
  ASSERT_TRUE(d.ok());
  EXPECT_THAT(*d, ElementsAre("summary.rmr_mean: 0.5 -> 0.75", "summary.new: (absent) -> true"));
  EXPECT_FALSE(DiffFigures("[", "{}").ok());
}

TEST(RunDiffTest, TreesEdgesDepthAndDegrees) {
  const std::string a = R"({"root":"n0","at_ns":1,"live":4,"spanning":true,"depth":1,
      "unreached":0,"degree_histogram":{"1":3,"3":1},"node_count":4,"down":[],"cut_off":[],
      "edges":[["n0","n1"],["n0","n2"],["n0","n3"]]})";
  const std::string b = R"({"root":"n0","at_ns":1,"live":4,"spanning":true,"depth":2,
      "unreached":0,"degree_histogram":{"1":2,"2":2},"node_count":4,"down":[],"cut_off":[],
      "edges":[["n0","n1"],["n0","n2"],["n2","n3"]]})";
  const auto d = DiffTree(a, b);
  ASSERT_TRUE(d.ok());
  EXPECT_THAT(*d, ElementsAre("edges added: n2-n3", "edges removed: n0-n3", "depth 1 -> 2",
                              "degree 1: 3 -> 2 nodes", "degree 2: 0 -> 2 nodes",
                              "degree 3: 1 -> 0 nodes"));
  EXPECT_THAT(*DiffTree(a, a), IsEmpty());
  EXPECT_FALSE(DiffTree(a, R"({"edges":[]})").ok());  // not a snapshot
}

}  // namespace
}  // namespace plumsim
