#include "sim/kernel/digest.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

// The encoding is part of the output format: these values change only with
// a deliberate format change (docs/output-formats.md).
TEST(TraceDigestTest, PinnedValues) {
  TraceDigest empty;
  EXPECT_EQ(empty.Hex(), "243f6a8885a308d3");
  TraceDigest one;
  one.AddUint64(1);
  TraceDigest foobar;
  foobar.AddString("foobar");
  EXPECT_EQ(one.Hex(), "30be04c2b7cb3813");
  EXPECT_EQ(foobar.Hex(), "6b568c2db26e1441");
}

// One step by hand: the 128-bit product of (h ^ w ^ salt) and the
// multiplier, folded.
TEST(TraceDigestTest, OneWordIsOneMultiplyFold) {
  TraceDigest d;
  d.AddUint64(0x0123456789abcdefULL);
  const unsigned __int128 p =
      static_cast<unsigned __int128>(TraceDigest::kInitial ^ 0x0123456789abcdefULL ^
                                     TraceDigest::kSalt) *
      TraceDigest::kMultiplier;
  EXPECT_EQ(d.value(), static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64));
}

TEST(TraceDigestTest, WordOrderMatters) {
  TraceDigest x, y;
  x.AddUint64(1);
  x.AddUint64(2);
  y.AddUint64(2);
  y.AddUint64(1);
  EXPECT_NE(x.value(), y.value());
}

TEST(TraceDigestTest, ZeroWordsDoNotStick) {
  TraceDigest d;
  uint64_t previous = d.value();
  for (int i = 0; i < 64; ++i) {
    d.AddUint64(0);
    EXPECT_NE(d.value(), previous) << "after " << i + 1 << " zero words";
    previous = d.value();
  }
}

TEST(TraceDigestTest, StringsAreLengthPrefixed) {
  TraceDigest x, y;
  x.AddString("ab");
  x.AddString("c");
  y.AddString("a");
  y.AddString("bc");
  EXPECT_NE(x.value(), y.value());
  TraceDigest padded, shorter;
  padded.AddString(absl::string_view("a\0", 2));
  shorter.AddString("a");
  EXPECT_NE(padded.value(), shorter.value());
}

TEST(TraceDigestTest, StringBytesArePackedLittleEndian) {
  TraceDigest x, y;
  x.AddString("\x08\x07\x06\x05\x04\x03\x02\x01\x09");
  y.AddUint64(9);
  y.AddUint64(0x0102030405060708ULL);
  y.AddUint64(0x09);
  EXPECT_EQ(x.value(), y.value());
}

}  // namespace
}  // namespace plumsim
