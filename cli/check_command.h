// `plumsim check FILE`: validate a scenario file (every section plumsim
// reads: the scenario, and [explore] and [study] when present) and print
// its resolved form, without running it.
#ifndef PLUMSIM_CLI_CHECK_COMMAND_H_
#define PLUMSIM_CLI_CHECK_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

Command AddCheckCommand(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_CHECK_COMMAND_H_
