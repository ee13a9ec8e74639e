// `plumsim golden record|check`: tree-shape regression for any scenario
// (docs/golden.md).
#ifndef PLUMSIM_CLI_GOLDEN_COMMAND_H_
#define PLUMSIM_CLI_GOLDEN_COMMAND_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace plumsim {

struct GoldenArgs {
  std::string scenario;
  std::string golden;  // record: --out; check: the second argument
  std::string seed, duration;
  std::vector<std::string> sets;
  std::string roots;                    // record: which roots' trees (a node set)
  std::vector<std::string> at;          // record: when (durations; the end always)
  std::vector<std::string> tolerances;  // record: figure=tolerance
  bool overwrite = false;
  bool update = false;  // check: write the new trees and figures into GOLDEN
};

// Adds `golden` with its `record` and `check` subcommands.
CLI::App* AddGoldenCommands(CLI::App* app, GoldenArgs* args);
int RunGolden(CLI::App* golden, const GoldenArgs& args);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_GOLDEN_COMMAND_H_
