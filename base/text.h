// Text in plumsim's own output files: JSON strings, CSV fields and numbers
// written as short as they read back exactly.
//
//   JsonString("a \"b\"")      -> "\"a \\\"b\\\"\""
//   CsvField("n0, n1")          -> "\"n0, n1\""
//   TomlString("n0..n3")        -> "\"n0..n3\""
//   ShortestNumberText(0.1)     -> "0.1" (not 0.10000000000000001)
#ifndef PLUMSIM_BASE_TEXT_H_
#define PLUMSIM_BASE_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace plumsim {

// `text` as a quoted JSON string (RFC 8259 escaping).
std::string JsonString(absl::string_view text);

// `text` as a TOML basic string: quoted, with its quotes and backslashes
// escaped (for values handed to the scenario loader as overrides).
std::string TomlString(absl::string_view text);

// A CSV field (RFC 4180): quoted, with its quotes doubled, only when it holds
// a comma, a quote or a line break.
std::string CsvField(absl::string_view text);

// The shortest "%.*g" text (6 to 17 significant digits) that reads back as
// exactly `v`.
std::string ShortestNumberText(double v);

}  // namespace plumsim

#endif  // PLUMSIM_BASE_TEXT_H_
