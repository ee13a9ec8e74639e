// Tree pictures: the snapshot read back, oriented from the root, and the
// text handed to Graphviz and gnuplot.
#include "sim/report/tree_picture.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

// n0 is the root; n0-n1, n1-n2, n0-n3 and n2-n3 (a cycle: n2 and n3 are
// both reached, n2 through n1, and the n2-n3 edge is beyond the tree);
// n4 is live but has no eager edge; n5 is down, n6 cut off.
constexpr char kSnapshot[] = R"({"root":"n0","at_ns":60000000000,"root_running":true,
  "live":5,"spanning":false,"depth":2,"unreached":1,"multi_parent_nodes":1,
  "asymmetric_pairs":0,"stale_eager":0,"degree_histogram":{},
  "edges":[["n0","n1"],["n1","n2"],["n0","n3"],["n2","n3"]],"lazy_edges":[],
  "node_count":7,"down":["n5"],"cut_off":["n6"]})";

TEST(TreePictureTest, OrientsFromTheRootAndFindsTheUnreached) {
  absl::StatusOr<TreeSnapshot> s = ParseTreeSnapshot(kSnapshot, "t.json");
  ASSERT_TRUE(s.ok()) << s.status();
  const OrientedTree t = Orient(*s);
  EXPECT_THAT(t.live, ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(t.tree_edges, ElementsAre(Pair(0, 1), Pair(0, 3), Pair(1, 2)));
  EXPECT_THAT(t.extra_edges, ElementsAre(Pair(2, 3)));
  EXPECT_THAT(t.unreached, ElementsAre(4));
  EXPECT_THAT(t.nodes_at_depth, ElementsAre(1, 2, 1));
  // children: n0 two, n1 one, n2 and n3 none.
  EXPECT_THAT(t.children_histogram, ElementsAre(Pair(0, 2), Pair(1, 1), Pair(2, 1)));
}

TEST(TreePictureTest, RadialDotMarksEveryKindOfNode) {
  const TreeSnapshot s = *ParseTreeSnapshot(kSnapshot, "t.json");
  const std::string dot = RadialDot(s, Orient(s));
  EXPECT_THAT(dot, HasSubstr("layout=twopi, root=\"n0\""));
  EXPECT_THAT(dot, HasSubstr("n0 [shape=doublecircle"));
  EXPECT_THAT(dot, HasSubstr("n0 -> n1;"));
  EXPECT_THAT(dot, HasSubstr("n1 -> n2;"));
  EXPECT_THAT(dot, Not(HasSubstr("n2 -> n1;")));
  EXPECT_THAT(dot, HasSubstr("n2 -> n3 [dir=none, color=\"#d62728\""));
  EXPECT_THAT(dot, HasSubstr("n4 [fillcolor=\"#f6a04d\""));  // unreached
  EXPECT_THAT(dot, HasSubstr("n5 [fillcolor=\"#bbbbbb\""));  // down
  EXPECT_THAT(dot, HasSubstr("n6 [style=dashed"));           // cut off
  EXPECT_THAT(dot, HasSubstr("5 live, depth 2, not spanning, 1 unreached"));
  // Past the label limit nodes are dots.
  EXPECT_THAT(RadialDot(s, Orient(s), 3), HasSubstr("label=\"\""));
}

// twopi's output, trimmed: the root at (100,100), n1 and n3 at 72 points
// (depth 1), n2 at 144 (depth 2).
TEST(TreePictureTest, DepthRingsGoThroughEachDepthsNodes) {
  const TreeSnapshot s = *ParseTreeSnapshot(kSnapshot, "t.json");
  const OrientedTree t = Orient(s);
  const std::string laid =
      "digraph n0 {\n\tgraph [bb=\"0,0,300,300\", layout=twopi, lp=\"150,290\", root=n0];\n"
      "\tn0\t[pos=\"100,100\", shape=doublecircle];\n"
      "\tn1\t[fillcolor=\"#cfe2f3\",\n\t\tpos=\"172,100\"];\n"
      "\tn3\t[pos=\"100,28\"];\n\tn2\t[pos=\"244,100\"];\n"
      "\tn0 -> n1\t[pos=\"e,160,100 120,100\"];\n}\n";
  const std::string ringed = AddDepthRings(laid, s, t);
  EXPECT_THAT(ringed, HasSubstr("ring1 [shape=circle, style=dashed"));
  EXPECT_THAT(ringed, HasSubstr("width=2.000, pos=\"100.00,100.00\""));  // radius 72 pt
  EXPECT_THAT(ringed, HasSubstr("ring2 [shape=circle"));
  EXPECT_THAT(ringed, HasSubstr("width=4.000, pos=\"100.00,100.00\""));
  EXPECT_THAT(ringed, HasSubstr("ring2_label [shape=plaintext, style=\"\", label=\"2\""));
  // neato -n2 must not lay it out again, nor keep the old box and title place.
  EXPECT_THAT(ringed, Not(HasSubstr("layout=twopi")));
  EXPECT_THAT(ringed, Not(HasSubstr("bb=")));
  EXPECT_THAT(ringed, Not(HasSubstr("lp=")));
  EXPECT_LT(ringed.find("ring1"), ringed.find("\tn0\t"));  // drawn first: behind
  // Nothing laid out: unchanged.
  EXPECT_EQ(AddDepthRings("digraph x {}", s, t), "digraph x {}");
}

TEST(TreePictureTest, HistogramScriptCarriesItsData) {
  const TreeSnapshot s = *ParseTreeSnapshot(kSnapshot, "t.json");
  const std::string gp = HistogramScript(s, Orient(s), "n0@0060.000s");
  EXPECT_THAT(gp, HasSubstr("$depth << EOD\n0 1\n1 2\n2 1\nEOD\n"));
  EXPECT_THAT(gp, HasSubstr("$children << EOD\n0 2\n1 1\n2 1\nEOD\n"));
  EXPECT_THAT(gp, HasSubstr("set output \"n0@0060.000s.svg\""));
  EXPECT_THAT(gp, HasSubstr("set output \"n0@0060.000s.png\""));
}

TEST(TreePictureTest, FileNamesSortInTimeOrder) {
  EXPECT_EQ(PaddedSeconds(60000000000, 4), "0060.000s");
  EXPECT_EQ(PaddedSeconds(5500000000, 4), "0005.500s");
  EXPECT_LT(PaddedSeconds(5500000000, 4), PaddedSeconds(60000000000, 4));
  EXPECT_EQ(PaddedSeconds(123456789000000, 4), "123456.789s");
}

}  // namespace
}  // namespace plumsim
