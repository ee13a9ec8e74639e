#include "cli/exit_codes.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(ExitCodesTest, BadInputIsTwoEverythingElseThree) {
  testing::internal::CaptureStderr();
  EXPECT_EQ(Fail(absl::InvalidArgumentError("x.toml:1:1: bad")), kExitBadInput);
  EXPECT_EQ(Fail(absl::NotFoundError("x.toml: cannot open")), kExitBadInput);
  EXPECT_EQ(Fail(absl::InternalError("out: cannot write")), kExitIo);
  EXPECT_EQ(Fail(absl::UnavailableError("out: locked")), kExitIo);
  EXPECT_EQ(Fail(absl::FailedPreconditionError("gnuplot missing")), kExitIo);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("plumsim: x.toml:1:1: bad\n"), std::string::npos) << err;
  EXPECT_EQ(kExitOk, 0);
  EXPECT_EQ(kExitFailed, 1);
}

}  // namespace
}  // namespace plumsim
