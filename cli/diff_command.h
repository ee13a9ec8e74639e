// `plumsim diff RUN_A RUN_B`: what differs between two run folders
// (docs/cli.md): the first diverging trace event, figures, tree snapshots.
#ifndef PLUMSIM_CLI_DIFF_COMMAND_H_
#define PLUMSIM_CLI_DIFF_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

Command AddDiffCommand(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_DIFF_COMMAND_H_
