#include "protocol/store_handler.h"

#include <memory>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

Payload P(const char* s) { return std::make_shared<const std::string>(s); }

TEST(StoreHandlerTest, AssignsIdsAndStoresOwnMessages) {
  StoreHandler h(3, 50);
  auto first = h.BroadcastDataOf(std::any(StoreBroadcast{P("a")}));
  auto second = h.BroadcastDataOf(std::any(StoreBroadcast{P("b")}));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->id, (BroadcastId{3, 50, 1}));
  EXPECT_EQ(second->id, (BroadcastId{3, 50, 2}));
  EXPECT_TRUE(h.IsStale(first->id));
  EXPECT_EQ(h.sent_count(), 2);
  EXPECT_FALSE(h.BroadcastDataOf(std::any(42)).ok());
}

TEST(StoreHandlerTest, MergeDeliversOnceAndGraftServesTheStore) {
  StoreHandler h(1, 1);
  const BroadcastId id{7, 2, 9};
  EXPECT_FALSE(h.IsStale(id));
  EXPECT_EQ(h.Graft(id).kind, GraftResult::Kind::kError);
  EXPECT_TRUE(h.Merge(id, P("x")));
  EXPECT_FALSE(h.Merge(id, P("x")));
  EXPECT_TRUE(h.IsStale(id));
  const GraftResult g = h.Graft(id);
  ASSERT_EQ(g.kind, GraftResult::Kind::kOk);
  EXPECT_EQ(*g.payload, "x");
  EXPECT_EQ(h.Exchange(2).kind, ExchangeResult::Kind::kIgnore);
}

}  // namespace
}  // namespace plumsim
