// `plumsim trees DIR`: draws the tree snapshots of a run folder
// (DIR/trees/*.json) with Graphviz's radial layout, or as depth and fan-out
// histograms (gnuplot) past --max-nodes, into DIR/pictures/ (docs/cli.md).
#ifndef PLUMSIM_CLI_TREES_COMMAND_H_
#define PLUMSIM_CLI_TREES_COMMAND_H_

#include <cstdint>

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace plumsim {

Command AddTreesCommand(CLI::App* app);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_TREES_COMMAND_H_
