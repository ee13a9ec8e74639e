#include "sim/digest.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

// Published FNV-1a 64 test vectors.
TEST(TraceDigestTest, MatchesFnv1aVectors) {
  TraceDigest empty;
  EXPECT_EQ(empty.value(), 0xcbf29ce484222325ULL);
  TraceDigest a;
  a.AddBytes("a");
  EXPECT_EQ(a.value(), 0xaf63dc4c8601ec8cULL);
  TraceDigest foobar;
  foobar.AddBytes("foobar");
  EXPECT_EQ(foobar.value(), 0x85944171f73967e8ULL);
  EXPECT_EQ(foobar.Hex(), "85944171f73967e8");
}

TEST(TraceDigestTest, StringsAreLengthPrefixed) {
  TraceDigest x, y;
  x.AddString("ab");
  x.AddString("c");
  y.AddString("a");
  y.AddString("bc");
  EXPECT_NE(x.value(), y.value());
}

TEST(TraceDigestTest, IntegersAreLittleEndianBytes) {
  TraceDigest x, y;
  x.AddUint64(0x0102030405060708ULL);
  y.AddBytes(absl::string_view("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  EXPECT_EQ(x.value(), y.value());
}

}  // namespace
}  // namespace plumsim
