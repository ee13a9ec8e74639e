// `plumsim diff RUN_A RUN_B`: what differs between two run folders
// (docs/cli.md): the first diverging trace event, figures, tree snapshots.
#ifndef PLUMSIM_CLI_DIFF_COMMAND_H_
#define PLUMSIM_CLI_DIFF_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"

namespace plumsim {

struct DiffArgs {
  std::string a, b;
  int context = 5;        // equal events shown before the first difference
  bool no_rerun = false;  // without full traces, do not re-run to find the event
};

CLI::App* AddDiffCommand(CLI::App* app, DiffArgs* args);
int RunDiff(const DiffArgs& args);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_DIFF_COMMAND_H_
