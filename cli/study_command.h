// `plumsim study ...`: check, run, jobs, slurm, collect and plot
// (docs/studies.md). Each returns the process's exit code.
#ifndef PLUMSIM_CLI_STUDY_COMMAND_H_
#define PLUMSIM_CLI_STUDY_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

// Adds the `study` command and its subcommands to `app`; `Dispatch` runs
// the one that was parsed (-1 if none).
Command AddStudyCommands(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_STUDY_COMMAND_H_
