#include "base/child_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

extern char** environ;

namespace plumsim {
namespace {

ChildOutcome Start(const ChildCommand& command, pid_t* pid) {
  ChildOutcome outcome;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, command.log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  for (const std::string& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // posix_spawnp: a program named without a "/" is looked up on PATH.
  const int rc = posix_spawnp(pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) outcome.error = std::strerror(rc);
  return outcome;
}

}  // namespace

std::string SelfExecutable() {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("plumsim") : p.string();
}

int RunChildren(const std::vector<ChildCommand>& commands, int jobs,
                const std::function<void(size_t, const ChildOutcome&)>& on_done,
                const std::function<void()>& on_tick, const std::function<bool()>& stop) {
  std::map<pid_t, size_t> running;
  size_t next = 0;
  int started = 0;
  bool stopping = false;
  while (next < commands.size() || !running.empty()) {
    if (!stopping && stop()) {
      stopping = true;
      for (const auto& [pid, i] : running) kill(pid, SIGTERM);
    }
    while (!stopping && next < commands.size() && static_cast<int>(running.size()) < jobs) {
      pid_t pid = 0;
      ChildOutcome outcome = Start(commands[next], &pid);
      if (!outcome.error.empty()) {
        on_done(next, outcome);
      } else {
        running[pid] = next;
        ++started;
      }
      ++next;
    }
    if (running.empty()) {
      if (stopping || next >= commands.size()) break;
      continue;
    }
    // Wait for a child, waking every half second for progress and signals.
    int status = 0;
    pid_t pid = 0;
    for (int waited_ms = 0; waited_ms < 500; waited_ms += 20) {
      pid = waitpid(-1, &status, WNOHANG);
      if (pid != 0 || (!stopping && stop())) break;
      usleep(20000);
    }
    if (pid > 0) {
      auto it = running.find(pid);
      if (it != running.end()) {
        ChildOutcome outcome;
        if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
        const size_t index = it->second;
        running.erase(it);
        on_done(index, outcome);
      }
    } else if (pid < 0 && errno == ECHILD) {
      running.clear();
    }
    on_tick();
  }
  return started;
}

int JobsOrDefault(int jobs) {
  return jobs > 0 ? jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::optional<std::string> FindProgram(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    std::error_code ec;
    if (access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate, ec)) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace plumsim
