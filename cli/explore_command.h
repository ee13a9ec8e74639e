// `plumsim explore SCENARIO --runs N --out DIR`: random fault schedules
// against invariants, findings shrunk to minimal scenario files
// (docs/explore.md); `plumsim explore FILE --check` checks one run.
#ifndef PLUMSIM_CLI_EXPLORE_COMMAND_H_
#define PLUMSIM_CLI_EXPLORE_COMMAND_H_

#include <cstdint>

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

Command AddExploreCommand(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_EXPLORE_COMMAND_H_
