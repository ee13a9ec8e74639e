#include "base/text.h"

#include <cmath>
#include <limits>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

TEST(JsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
  EXPECT_EQ(JsonString("line\nnext\r\ttab"), "\"line\\nnext\\r\\ttab\"");
  EXPECT_EQ(JsonString(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(JsonString("n3@host é"), "\"n3@host é\"");  // UTF-8 passes through
}

TEST(TomlStringTest, QuotesAndEscapesQuotesAndBackslashes) {
  EXPECT_EQ(TomlString("n0..n3"), "\"n0..n3\"");
  EXPECT_EQ(TomlString("a \"b\" c\\d"), "\"a \\\"b\\\" c\\\\d\"");
  EXPECT_EQ(TomlString(""), "\"\"");
}

TEST(CsvFieldTest, FieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(CsvField("random 10%"), "random 10%");
  EXPECT_EQ(CsvField("n0..n3, n7"), "\"n0..n3, n7\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(ShortestNumberTextTest, ReadsBackExactlyInTheFewestDigits) {
  EXPECT_EQ(ShortestNumberText(0.1), "0.1");
  EXPECT_EQ(ShortestNumberText(40), "40");
  EXPECT_EQ(ShortestNumberText(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(ShortestNumberText(1e-9), "1e-09");
  for (double v : {0.1 + 0.2, 123456.789, 2.5e300, -7.25, std::nextafter(1.0, 2.0)}) {
    double back = 0;
    ASSERT_TRUE(absl::SimpleAtod(ShortestNumberText(v), &back)) << v;
    EXPECT_EQ(back, v);
  }
}

}  // namespace
}  // namespace plumsim
