#include "protocol/interval_set.h"

#include <set>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(IntervalSetTest, EmptySet) {
  IntervalSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.Contains(0));
  EXPECT_EQ(s.size(), 0);
  EXPECT_EQ(s.DebugString(), "[]");
}

TEST(IntervalSetTest, ConsecutiveElementsCoalesce) {
  IntervalSet s;
  for (int64_t i = 1; i <= 1000; ++i) s.Add(i);
  EXPECT_EQ(s.interval_count(), 1u);
  EXPECT_EQ(s.size(), 1000);
  EXPECT_EQ(s.DebugString(), "[1..1000]");
}

TEST(IntervalSetTest, GapsMakeIntervalsAndFillingAGapMergesNeighbours) {
  IntervalSet s{1, 2, 3, 5, 7, 8, 9};
  EXPECT_EQ(s.DebugString(), "[1..3, 5, 7..9]");
  EXPECT_EQ(s.interval_count(), 3u);
  EXPECT_FALSE(s.Contains(4));
  EXPECT_FALSE(s.Contains(6));
  EXPECT_TRUE(s.Contains(5));
  s.Add(6);  // joins 5 and 7..9
  EXPECT_EQ(s.DebugString(), "[1..3, 5..9]");
  s.Add(4);  // joins everything
  EXPECT_EQ(s.DebugString(), "[1..9]");
  EXPECT_EQ(s.size(), 9);
}

TEST(IntervalSetTest, AddingPresentElementsChangesNothing) {
  IntervalSet s{1, 2, 3, 10};
  const IntervalSet before = s;
  s.Add(2);
  s.Add(10);
  EXPECT_EQ(s, before);
}

TEST(IntervalSetTest, InsertBeforeAndAdjacentBelow) {
  IntervalSet s{10, 11};
  s.Add(5);
  EXPECT_EQ(s.DebugString(), "[5, 10..11]");
  s.Add(9);
  EXPECT_EQ(s.DebugString(), "[5, 9..11]");
  s.Add(-3);
  EXPECT_EQ(s.DebugString(), "[-3, 5, 9..11]");
}

// Against a std::set reference: any insertion order gives the same
// canonical form (sorted, disjoint, non-adjacent).
TEST(IntervalSetTest, MatchesReferenceSetInAnyOrder) {
  uint64_t x = 5;  // a local LCG: protocol tests do not depend on sim/
  auto uniform150 = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int64_t>((x >> 33) % 150);
  };
  for (int round = 0; round < 50; ++round) {
    IntervalSet s;
    std::set<int64_t> ref;
    for (int i = 0; i < 200; ++i) {
      const int64_t v = uniform150();
      s.Add(v);
      ref.insert(v);
    }
    for (int64_t v = -1; v <= 151; ++v) {
      ASSERT_EQ(s.Contains(v), ref.count(v) == 1) << v;
    }
    EXPECT_EQ(s.size(), static_cast<int64_t>(ref.size()));
    const auto& ivs = s.intervals();
    for (size_t i = 0; i < ivs.size(); ++i) {
      ASSERT_LE(ivs[i].low, ivs[i].high);
      if (i > 0) {
        ASSERT_GT(ivs[i].low, ivs[i - 1].high + 1);  // non-adjacent
      }
    }
  }
}

}  // namespace
}  // namespace plumsim
