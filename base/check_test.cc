// PLUMSIM_CHECK and PLUMSIM_CHECK_MSG: a false condition prints where and
// what, then aborts; a true one does nothing. This test is built with
// NDEBUG (BUILD: local_defines), so it also shows the checks stay on in
// optimised builds.
#include "base/check.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

#ifndef NDEBUG
#error "check_test must be built with NDEBUG: the checks must not depend on it"
#endif

TEST(CheckDeathTest, AFalseConditionAbortsNamingTheFileAndTheCondition) {
  const int one = 1;
  EXPECT_DEATH(PLUMSIM_CHECK(one == 2), "base/check_test.cc:[0-9]+: check failed: one == 2");
}

TEST(CheckDeathTest, TheMessageFollowsTheCondition) {
  const int peers = 0;
  EXPECT_DEATH(PLUMSIM_CHECK_MSG(peers > 0, "a view needs a peer"),
               "check failed: peers > 0: a view needs a peer");
}

TEST(CheckTest, ATrueConditionDoesNothingAndIsEvaluatedOnce) {
  int evaluated = 0;
  PLUMSIM_CHECK(++evaluated == 1);
  PLUMSIM_CHECK_MSG(++evaluated == 2, "evaluated once");
  EXPECT_EQ(evaluated, 2);
}

TEST(CheckTest, ActsAsOneStatementInsideAnUnbracedIf) {
  bool took_else = false;
  // The do { } while (false) wrapping: the else binds to the outer if.
  if (false)
    PLUMSIM_CHECK(false);
  else
    took_else = true;
  EXPECT_TRUE(took_else);
}

}  // namespace
}  // namespace plumsim
