#include "sim/explore/forgetful_store.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "protocol/fake_environment.h"
#include "protocol/store_handler.h"

namespace plumsim {
namespace {

TEST(ForgetfulStoreTest, DeliversACopyAgainMoreThanTwoSecondsAfterTheFirst) {
  StoreHandler store(/*self=*/1, /*epoch=*/1);
  FakeEnvironment env(1);
  ForgetfulStore forgetful(&store, &env);
  const BroadcastId id{.origin = 0, .epoch = 1, .sequence = 1};
  const Payload payload = std::make_shared<const std::string>("m");
  env.now_ns = 1'000'000'000;
  EXPECT_TRUE(forgetful.Merge(id, payload));
  env.now_ns = 3'000'000'000;  // 2 s later: still remembered
  EXPECT_FALSE(forgetful.Merge(id, payload));
  env.now_ns = 3'000'000'001;
  EXPECT_TRUE(forgetful.Merge(id, payload));   // forgotten: delivered again
  EXPECT_FALSE(forgetful.Merge(id, payload));  // and remembered from now
  EXPECT_TRUE(forgetful.IsStale(id));          // the rest is Partisan's
  EXPECT_EQ(forgetful.name(), StoreHandler::kName);
}

}  // namespace
}  // namespace plumsim
