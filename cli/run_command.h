// `plumsim run FILE`: simulate a scenario, print its summary and trace
// digest, and with --out write its folder (docs/cli.md, docs/output-formats.md).
#ifndef PLUMSIM_CLI_RUN_COMMAND_H_
#define PLUMSIM_CLI_RUN_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

Command AddRunCommand(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_RUN_COMMAND_H_
