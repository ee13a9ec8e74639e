// `plumsim golden record|check`: tree-shape regression for any scenario
// (docs/golden.md).
#ifndef PLUMSIM_CLI_GOLDEN_COMMAND_H_
#define PLUMSIM_CLI_GOLDEN_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

// Adds `golden` with its `record` and `check` subcommands.
Command AddGoldenCommands(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_GOLDEN_COMMAND_H_
