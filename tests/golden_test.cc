// Tree-shape regression: the final trees of selected roots and the summary
// metrics of six scenario+seed pairs must match tests/golden/. On a
// mismatch the test prints which edges and figures changed. Regenerating is
// a deliberate act: bazel run //tests:update_goldens, then review the diff.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/golden_cases.h"

namespace plumsim {
namespace {

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesTheGoldenFile) {
  const GoldenCase& c = GetParam();
  std::ifstream in("tests/golden/" + c.name + ".txt");
  ASSERT_TRUE(in.good()) << "tests/golden/" << c.name
                         << ".txt is missing; run bazel run //tests:update_goldens";
  std::stringstream golden;
  golden << in.rdbuf();
  absl::StatusOr<std::string> now = GoldenText(c, ".");
  ASSERT_TRUE(now.ok()) << now.status();
  if (*now == golden.str()) return;
  const std::vector<std::string> want = absl::StrSplit(golden.str(), '\n');
  const std::vector<std::string> got = absl::StrSplit(*now, '\n');
  const std::set<std::string> want_set(want.begin(), want.end()), got_set(got.begin(), got.end());
  std::string diff;
  for (const std::string& l : want) {
    if (!got_set.count(l)) diff += "  - " + l + "\n";
  }
  for (const std::string& l : got) {
    if (!want_set.count(l)) diff += "  + " + l + "\n";
  }
  ADD_FAILURE() << c.name << " differs from tests/golden/" << c.name
                << ".txt (- golden, + now):\n"
                << diff
                << "If the change is intended: bazel run //tests:update_goldens and review "
                   "the diff.";
}

INSTANTIATE_TEST_SUITE_P(Shipped, GoldenTest, ::testing::ValuesIn(GoldenCases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace plumsim
