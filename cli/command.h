// One plumsim subcommand as cli/plumsim.cc sees it: registered on the app
// (its flags bound to arguments it owns), and run when the command line
// named it. Each cli/*_command.h adds one (or a group, such as study).
//
//   Command AddDiffCommand(CLI::App* app);     // in diff_command.h
//   std::vector<Command> commands = {AddRunCommand(&app), AddDiffCommand(&app)};
//   app.parse(argc, argv);
//   for (const Command& c : commands) if (c.app->parsed()) return c.run();
#ifndef PLUMSIM_CLI_COMMAND_H_
#define PLUMSIM_CLI_COMMAND_H_

#include <functional>

#include "CLI/CLI.hpp"

namespace plumsim {

struct Command {
  CLI::App* app = nullptr;   // the subcommand
  std::function<int()> run;  // its exit code (cli/exit_codes.h)
};

}  // namespace plumsim

#endif  // PLUMSIM_CLI_COMMAND_H_
