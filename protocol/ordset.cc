#include "protocol/ordset.h"

#include "absl/strings/str_cat.h"

namespace plumsim {

std::string NodeName(NodeId node) { return absl::StrCat("n", node); }

}  // namespace plumsim
