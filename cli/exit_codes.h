// The exit codes every plumsim command shares (docs/cli.md), and how an
// error status becomes one.
#ifndef PLUMSIM_CLI_EXIT_CODES_H_
#define PLUMSIM_CLI_EXIT_CODES_H_

#include "absl/status/status.h"

namespace plumsim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed =
    1;  // an expectation failed, a finding, a replay differed, stopped
inline constexpr int kExitBadInput = 2;  // nothing is written
inline constexpr int kExitIo = 3;

// Prints "plumsim: <message>" on stderr; InvalidArgument and NotFound are
// bad input (2), anything else an I/O or resource error (3).
int Fail(const absl::Status& status);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_EXIT_CODES_H_
