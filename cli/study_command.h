// `plumsim study ...`: check, run, jobs, slurm, collect and plot
// (docs/studies.md). Each returns the process's exit code.
#ifndef PLUMSIM_CLI_STUDY_COMMAND_H_
#define PLUMSIM_CLI_STUDY_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"

namespace plumsim {

struct StudyArgs {
  std::string file;
  std::string out;
  int jobs = 0;       // 0: the number of cores
  std::string shard;  // "K/N" or ""
  int shards = 0;     // jobs, slurm: 0 = one per run (slurm: at most 1000)
  bool quiet = false;
  std::string partition, time, mem;
  bool dry_run = false;
  std::string dir;  // collect, plot
};

// Adds the `study` command and its subcommands to `app`; `Dispatch` runs
// the one that was parsed (-1 if none).
CLI::App* AddStudyCommands(CLI::App* app, StudyArgs* args);
int DispatchStudy(CLI::App* study, const StudyArgs& args);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_STUDY_COMMAND_H_
