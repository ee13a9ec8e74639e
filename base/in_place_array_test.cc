#include "base/in_place_array.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

// An object that cannot move and records its destruction.
class Pinned {
 public:
  Pinned(int id, std::vector<int>* destroyed) : id_(id), destroyed_(destroyed) {}
  Pinned(const Pinned&) = delete;
  Pinned& operator=(const Pinned&) = delete;
  ~Pinned() { destroyed_->push_back(id_); }
  int id() const { return id_; }

 private:
  int id_;
  std::vector<int>* destroyed_;
};

TEST(InPlaceArrayTest, ConstructsSideBySideInIndexOrderAndDestroysInReverse) {
  std::vector<int> destroyed;
  {
    InPlaceArray<Pinned> objects(3);
    EXPECT_EQ(objects.size(), 0u);
    const Pinned* first = &objects.EmplaceBack(10, &destroyed);
    objects.EmplaceBack(11, &destroyed);
    objects.EmplaceBack(12, &destroyed);
    EXPECT_EQ(objects.size(), 3u);
    EXPECT_EQ(&objects[0], first);
    EXPECT_EQ(&objects[2], first + 2);  // contiguous, in index order
    int sum = 0;
    for (const Pinned& p : objects) sum += p.id();
    EXPECT_EQ(sum, 33);
    // Moving the array moves the storage, not the objects.
    InPlaceArray<Pinned> moved = std::move(objects);
    EXPECT_EQ(&moved[0], first);
    EXPECT_EQ(objects.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_TRUE(destroyed.empty());
  }
  EXPECT_EQ(destroyed, (std::vector<int>{12, 11, 10}));
}

TEST(InPlaceArrayTest, EmptyArrayHoldsNothing) {
  InPlaceArray<std::string> none;
  EXPECT_EQ(none.begin(), none.end());
  InPlaceArray<std::string> zero(0);
  EXPECT_EQ(zero.capacity(), 0u);
}

TEST(InPlaceArrayDeathTest, ConstructingPastTheCapacityIsAProgrammerError) {
  InPlaceArray<std::string> one(1);
  one.EmplaceBack("a");
  EXPECT_DEATH(one.EmplaceBack("b"), "full");
}

}  // namespace
}  // namespace plumsim
