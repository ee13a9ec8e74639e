// `plumsim replay DIR`: run a recorded run folder's scenario again and
// compare the trace digest with the one its manifest recorded.
#ifndef PLUMSIM_CLI_REPLAY_COMMAND_H_
#define PLUMSIM_CLI_REPLAY_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

Command AddReplayCommand(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_REPLAY_COMMAND_H_
