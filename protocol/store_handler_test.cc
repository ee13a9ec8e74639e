#include "protocol/store_handler.h"

#include <memory>
#include <set>
#include <string>
#include <tuple>

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

// Many incarnations, sequences out of order and ids beyond the dense range:
// the store answers as a set of ids would.
TEST(StoreHandlerTest, BehavesAsASetOfIds) {
  StoreHandler h(0, 1);
  std::set<std::tuple<NodeId, int64_t, int64_t>> ids;
  uint64_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const NodeId origin = static_cast<NodeId>((x >> 33) % 5);
    const int64_t epoch = static_cast<int64_t>((x >> 40) % 3);
    int64_t sequence = static_cast<int64_t>((x >> 20) % 300) - 5;       // some below 1
    if ((x >> 50) % 97 == 0) sequence = (int64_t{1} << 30) + sequence;  // far past
    const BroadcastId id{origin, epoch, sequence};
    const bool known = ids.count({origin, epoch, sequence}) > 0;
    ASSERT_EQ(h.IsStale(id), known) << i;
    ASSERT_EQ(h.Graft(id).kind, known ? GraftResult::Kind::kOk : GraftResult::Kind::kError);
    const std::string text = std::to_string(sequence);
    ASSERT_EQ(h.Merge(id, P(text.c_str())), !known) << i;
    ids.insert({origin, epoch, sequence});
    const GraftResult g = h.Graft(id);
    ASSERT_EQ(g.kind, GraftResult::Kind::kOk);
    if (!known) {
      ASSERT_EQ(*g.payload, text);
    }
    ASSERT_EQ(h.delivered_count(), ids.size());
  }
}

// Runs of ids from one stream, as a node hears one root at a time: the
// last stream's words are read and written through its inline header while
// the stream grows and others are added, and every answer and payload
// stays that of a set of ids.
TEST(StoreHandlerTest, RunsFromOneStreamAnswerAsASet) {
  StoreHandler h(0, 1);
  std::set<std::tuple<NodeId, int64_t, int64_t>> ids;
  uint64_t x = 777;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 20;
  };
  for (int run = 0; run < 400; ++run) {
    const NodeId origin = static_cast<NodeId>(next() % 7);
    const int64_t epoch = static_cast<int64_t>(next() % 2);
    const int64_t start = static_cast<int64_t>(next() % 2000) + 1;
    const int length = static_cast<int>(next() % 60) + 1;
    for (int k = 0; k < length; ++k) {
      const int64_t sequence = start + static_cast<int64_t>(next() % 90);
      const BroadcastId id{origin, epoch, sequence};
      const bool known = ids.count({origin, epoch, sequence}) > 0;
      ASSERT_EQ(h.IsStale(id), known) << run << " " << k;
      const std::string text = std::to_string(origin) + "/" + std::to_string(sequence);
      ASSERT_EQ(h.Merge(id, P(text.c_str())), !known) << run << " " << k;
      ids.insert({origin, epoch, sequence});
      // An earlier id of the same run keeps its payload as the stream grows.
      const BroadcastId first{origin, epoch, start};
      if (ids.count({origin, epoch, start}) > 0) {
        const GraftResult g = h.Graft(first);
        ASSERT_EQ(g.kind, GraftResult::Kind::kOk);
        ASSERT_EQ(*g.payload, std::to_string(origin) + "/" + std::to_string(start));
      }
    }
  }
  EXPECT_EQ(h.delivered_count(), ids.size());
}

}  // namespace
}  // namespace plumsim
