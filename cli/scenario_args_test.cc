#include "cli/scenario_args.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;

TEST(ScenarioArgsTest, SetsThenSeedThenDurationThenExtraLaterOnesWin) {
  ScenarioArgs args;
  args.sets = {"seed=5", "nodes.count=16"};
  args.seed = "7";
  args.duration = "90s";
  args.extra = {Override{"--roots", "snapshots.roots", "\"n1\""}};
  absl::StatusOr<std::vector<Override>> o = args.Overrides();
  ASSERT_TRUE(o.ok()) << o.status();
  std::vector<std::string> paths;
  for (const Override& x : *o) paths.push_back(x.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"seed", "nodes.count", "seed", "duration",
                                             "snapshots.roots"}));
  EXPECT_EQ((*o)[2].argument, "--seed");
  EXPECT_EQ((*o)[3].value, "\"90s\"");
}

TEST(ScenarioArgsTest, ASeedThatIsNotAWholeNumberIsRefusedBeforeLoading) {
  for (const char* bad : {"-1", "0x10", "1_000", "9223372036854775808", "abc"}) {
    ScenarioArgs args;
    args.seed = bad;
    absl::Status st = args.Overrides().status();
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(st.message()), HasSubstr("expected a whole number")) << bad;
  }
  ScenarioArgs args;
  args.seed = "9223372036854775807";
  EXPECT_TRUE(args.Overrides().ok());
}

}  // namespace
}  // namespace plumsim
