#include "cli/build_info.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(BuildInfoTest, NamesTheCompilerThatBuiltIt) {
#if defined(__clang__)
  EXPECT_THAT(CompilerName(), StartsWith("clang "));
#else
  EXPECT_THAT(CompilerName(), StartsWith("g++ "));
#endif
  EXPECT_THAT(BuildInfo(), HasSubstr("built with " + CompilerName() + " ("));
}

TEST(BuildInfoTest, SaysTheVersionCommitAndManifestFormat) {
  const std::string info = BuildInfo();
  EXPECT_THAT(info, StartsWith("plumsim "));
  EXPECT_THAT(info, HasSubstr("\ncommit "));
  EXPECT_THAT(info, HasSubstr("\nmanifest format "));
}

}  // namespace
}  // namespace plumsim
