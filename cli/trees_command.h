// `plumsim trees DIR`: draws the tree snapshots of a run folder
// (DIR/trees/*.json) with Graphviz's radial layout, or as depth and fan-out
// histograms (gnuplot) past --max-nodes, into DIR/pictures/ (docs/cli.md).
#ifndef PLUMSIM_CLI_TREES_COMMAND_H_
#define PLUMSIM_CLI_TREES_COMMAND_H_

#include <cstdint>
#include <string>

#include "CLI/CLI.hpp"

namespace plumsim {

struct TreesArgs {
  std::string dir;
  std::string out;  // default: DIR/pictures
  bool overwrite = false;
  int64_t max_nodes = 2000;  // live nodes beyond which histograms replace the drawing
  int jobs = 0;              // 0: the number of cores
  bool quiet = false;
};

CLI::App* AddTreesCommand(CLI::App* app, TreesArgs* args);
int RunTrees(const TreesArgs& args);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_TREES_COMMAND_H_
