#include "sim/kernel/digest.h"

#include "absl/strings/str_format.h"

namespace plumsim {

std::string TraceDigest::Hex() const { return absl::StrFormat("%016x", hash_); }

}  // namespace plumsim
