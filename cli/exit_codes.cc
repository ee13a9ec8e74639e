#include "cli/exit_codes.h"

#include <cstdio>
#include <string>

namespace plumsim {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "plumsim: %s\n", std::string(status.message()).c_str());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
      return kExitBadInput;
    default:
      return kExitIo;
  }
}

}  // namespace plumsim
