// Runs commands as child processes, at most `jobs` at a time, each with
// its standard output and error in a log file: how `plumsim study run` runs
// a study's runs (each an ordinary `plumsim run` process).
#ifndef PLUMSIM_BASE_CHILD_PROCESSES_H_
#define PLUMSIM_BASE_CHILD_PROCESSES_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace plumsim {

struct ChildCommand {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::string log_path;           // stdout and stderr, truncated first
};

struct ChildOutcome {
  int exit_code = -1;  // -1 when killed by a signal or not started
  int signal = 0;
  std::string error;  // why it could not start
};

// Runs every command, `jobs` at a time, in order; `on_done(i, outcome)` is
// called as each one ends, `on_tick()` about every half second. Stops
// starting new ones when `stop()` returns true (then forwards SIGTERM to
// the running ones and waits for them). Returns how many were started.
int RunChildren(const std::vector<ChildCommand>& commands, int jobs,
                const std::function<void(size_t, const ChildOutcome&)>& on_done,
                const std::function<void()>& on_tick, const std::function<bool()>& stop);

// How many to run at once: `jobs` when given (> 0), else one per CPU.
int JobsOrDefault(int jobs);

// Where `name` would run from: itself if it holds a "/" and is executable,
// else the first executable file of that name in PATH's folders; nullopt
// if none. RunChildren runs a program named without "/" from PATH too.
std::optional<std::string> FindProgram(const std::string& name);

// The absolute path of the running executable (/proc/self/exe).
std::string SelfExecutable();

}  // namespace plumsim

#endif  // PLUMSIM_BASE_CHILD_PROCESSES_H_
