// `plumsim explore SCENARIO --runs N --out DIR`: random fault schedules
// against invariants, findings shrunk to minimal scenario files
// (docs/explore.md); `plumsim explore FILE --check` checks one run.
#ifndef PLUMSIM_CLI_EXPLORE_COMMAND_H_
#define PLUMSIM_CLI_EXPLORE_COMMAND_H_

#include <cstdint>
#include <string>

#include "CLI/CLI.hpp"

namespace plumsim {

struct ExploreArgs {
  std::string file;
  std::string out;
  int64_t runs = 100;
  int jobs = 0;  // 0: the number of cores
  uint64_t seed = 1;
  std::string shard;  // "K/N"
  int shrink = 3;     // findings shrunk per invariant
  bool quiet = false;
  bool check = false;
  bool worker = false;  // internal: a --jobs worker (no merge)
};

CLI::App* AddExploreCommand(CLI::App* app, ExploreArgs* args);
int RunExplore(const ExploreArgs& args);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_EXPLORE_COMMAND_H_
