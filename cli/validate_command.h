// `plumsim validate`: a scenario on a real Partisan cluster on this
// machine, beside the simulation over seeds (docs/validate.md).
#ifndef PLUMSIM_CLI_VALIDATE_COMMAND_H_
#define PLUMSIM_CLI_VALIDATE_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

Command AddValidateCommand(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_VALIDATE_COMMAND_H_
