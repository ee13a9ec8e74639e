// plumsim: the command-line interface (docs/cli.md has every command, flag
// and exit code, with examples).
//
//   plumsim run FILE [--seed N] [--duration D] [--set key=value ...]
//                    [--out DIR] [--trace] [--overwrite] [--quiet] [--max-memory SIZE]
//   plumsim check FILE [--seed N] [--duration D] [--set key=value ...]
//   plumsim replay DIR
//   plumsim study check|run|jobs|slurm FILE [--out DIR ...]; study collect|plot DIR
//   plumsim explore SCENARIO --runs N --out DIR [--jobs J] [--seed S] [--shard K/N]
//   plumsim explore FILE --check
//
// Exit codes: 0 success; 1 an expectation failed, a replay differed, or the
// run was interrupted; 2 bad input (nothing is written); 3 an I/O or
// resource error (the path and the OS error are printed).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/huge_pages.h"
#include "cli/build_info.h"
#include "cli/check_command.h"
#include "cli/command.h"
#include "cli/diff_command.h"
#include "cli/exit_codes.h"
#include "cli/explore_command.h"
#include "cli/golden_command.h"
#include "cli/replay_command.h"
#include "cli/run_command.h"
#include "cli/study_command.h"
#include "cli/trees_command.h"
#include "cli/validate_command.h"
#include "sim/output/output_dir.h"

namespace plumsim {
namespace {

int Main(int argc, char** argv) {
  // Under `bazel run`, resolve relative paths against the user's folder.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir != nullptr) {
    if (chdir(dir) != 0)
      return Fail(absl::InvalidArgumentError(absl::StrCat("cannot enter ", dir)));
  }
  // A file-size limit makes writes fail with EFBIG (reported, exit 3)
  // instead of killing the process with its staging folder in place.
  signal(SIGXFSZ, SIG_IGN);

  CLI::App app{"plumsim: a deterministic simulator of Partisan's Plumtree (docs/cli.md)",
               "plumsim"};
  app.set_version_flag("--version", BuildInfo());
  app.require_subcommand(1);
  const std::vector<Command> commands = {
      AddRunCommand(&app),     AddCheckCommand(&app),   AddReplayCommand(&app),
      AddStudyCommands(&app),  AddExploreCommand(&app), AddTreesCommand(&app),
      AddGoldenCommands(&app), AddDiffCommand(&app),    AddValidateCommand(&app)};
  if (argc > 1 && argv[1][0] != '-' &&
      app.get_subcommands([&](CLI::App* c) { return c->get_name() == argv[1]; }).empty()) {
    std::vector<std::string> names;
    for (const Command& c : commands) names.push_back(c.app->get_name());
    std::fprintf(stderr, "plumsim: unknown command '%s' (expected %s; plumsim --help)\n", argv[1],
                 absl::StrJoin(names, ", ").c_str());
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "plumsim: %s\n", e.what());
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr ||
        dynamic_cast<const CLI::RequiresError*>(&e) != nullptr) {
      std::fprintf(stderr, "%s", app.help().c_str());
    } else {
      std::fputs("run plumsim --help for the commands and flags\n", stderr);
    }
    return kExitBadInput;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return kExitBadInput;  // require_subcommand(1) makes this unreachable
}

// Out of memory: unwinding through half-updated simulator state is not safe,
// so end here. A reserve freed first leaves room to remove the staging
// folder and the lock (the only things plumsim has written), then exit 3.
char* g_memory_reserve = nullptr;

void OnOutOfMemory() {
  delete[] g_memory_reserve;
  g_memory_reserve = nullptr;
  OutputDir::CleanUpAfterFatalError();
  constexpr char kMessage[] =
      "plumsim: out of memory; nothing was written (see --max-memory in docs/cli.md)\n";
  (void)!write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  _exit(kExitIo);
}

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) {
  plumsim::UseHugePages(argv);
  plumsim::g_memory_reserve = new char[32 << 20];
  std::set_new_handler(plumsim::OnOutOfMemory);
  try {
    return plumsim::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    // An allocation that failed without the new_handler (e.g. an array size
    // past the limit): unwinding has removed any staging folder.
    plumsim::OnOutOfMemory();
  }
}
