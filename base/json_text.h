// Minimal JSON text helpers for plumsim's own output files.
#ifndef PLUMSIM_BASE_JSON_TEXT_H_
#define PLUMSIM_BASE_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace plumsim {

// `text` as a quoted JSON string (RFC 8259 escaping).
std::string JsonString(absl::string_view text);

}  // namespace plumsim

#endif  // PLUMSIM_BASE_JSON_TEXT_H_
