#include "live/cluster_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace plumsim {
namespace {

namespace fs = std::filesystem;
// Wall-clock time and OS entropy, on purpose: this file runs real processes
// (erlc, the controller of a real cluster), bounds them in real time and
// makes their cookie. Nothing here touches a simulation, whose time is
// virtual and whose randomness is the seed's.
using Clock = std::chrono::steady_clock;

std::vector<std::string> Environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    bool replaced = false;
    for (const std::string& x : extra) {
      replaced = replaced || absl::StartsWith(*e, x.substr(0, x.find('=') + 1));
    }
    if (!replaced) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts argv in a new process group with its output in log_path.
absl::StatusOr<pid_t> Spawn(std::vector<std::string> argv, const std::string& log_path,
                            const std::vector<std::string>& extra_env, bool own_group) {
  std::vector<std::string> env = Environment(extra_env);
  std::vector<char*> args = Pointers(argv), envp = Pointers(env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", strerror(rc)));
  }
  return pid;
}

// Passes on each complete line added to the log since the last call.
class LogFollower {
 public:
  LogFollower(std::string path, std::function<void(const std::string&)> on_line)
      : path_(std::move(path)), on_line_(std::move(on_line)) {}
  void Poll() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    offset_ += chunk.size();
    pending_ += chunk;
    size_t end;
    while ((end = pending_.find('\n')) != std::string::npos) {
      if (on_line_) on_line_(pending_.substr(0, end));
      pending_.erase(0, end + 1);
    }
  }

 private:
  std::string path_;
  std::function<void(const std::string&)> on_line_;
  size_t offset_ = 0;
  std::string pending_;
};

std::string ReadSmallFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Processes whose command line or environment holds `needle`.
std::vector<pid_t> ProcessesWith(const std::string& needle, const char* where) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator("/proc", ec)) {
    pid_t pid;
    if (!absl::SimpleAtoi(e.path().filename().string(), &pid) || pid == getpid()) continue;
    std::string text = ReadSmallFile(e.path() / where);
    for (char& c : text) {
      if (c == '\0') c = ' ';
    }
    if (absl::StrContains(text, needle)) out.push_back(pid);
  }
  return out;
}

int KillAll(const std::vector<pid_t>& pids) {
  for (pid_t p : pids) kill(p, SIGKILL);
  return static_cast<int>(pids.size());
}

// SIGTERM to the group, then SIGKILL after a grace period.
void StopGroup(pid_t pid, int* status) {
  kill(-pid, SIGTERM);
  const auto until = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < until) {
    if (waitpid(pid, status, WNOHANG) == pid) {
      kill(-pid, SIGKILL);  // what the controller left in its group
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-pid, SIGKILL);
  waitpid(pid, status, 0);
}

void StopEpmd(const ControllerCommand& c) {
  const std::string port = absl::StrCat("ERL_EPMD_PORT=", c.epmd_port);
  (void)RunToCompletion({"epmd", "-kill"}, "/dev/null", {port});
  // epmd -kill refuses while names are registered; an epmd of this port only.
  for (pid_t pid : ProcessesWith(port, "environ")) {
    const std::string cmd = ReadSmallFile(fs::path("/proc") / std::to_string(pid) / "comm");
    if (absl::StartsWith(cmd, "epmd")) kill(pid, SIGKILL);
  }
}

}  // namespace

std::string NewRunCookie() {
  std::random_device entropy;  // reads /dev/urandom
  return absl::StrCat("plumsim_validate_", getpid(), "_", entropy(), entropy());
}

absl::StatusOr<ControllerOutcome> RunController(const ControllerCommand& c) {
  const std::string node = absl::StrCat("plumsim_ctl@", c.host);
  std::vector<std::string> argv = {c.erl,
                                   "-noshell",
                                   "-name",
                                   node,
                                   "-setcookie",
                                   c.cookie,
                                   "-kernel",
                                   "inet_dist_use_interface",
                                   "{127,0,0,1}",
                                   "-connect_all",
                                   "false",
                                   "-pa",
                                   c.ebin,
                                   "-run",
                                   "plumsim_validate_ctl",
                                   "main",
                                   c.plan_path};
  const std::vector<std::string> env = {"ERL_EPMD_ADDRESS=127.0.0.1",
                                        absl::StrCat("ERL_EPMD_PORT=", c.epmd_port)};
  absl::StatusOr<pid_t> pid = Spawn(argv, c.log_path, env, /*own_group=*/true);
  if (!pid.ok()) return pid.status();
  ControllerOutcome outcome;
  LogFollower log(c.log_path, c.on_line);
  const auto deadline = Clock::now() + std::chrono::milliseconds(c.time_limit_ms);
  int status = 0;
  for (;;) {
    log.Poll();
    if (waitpid(*pid, &status, WNOHANG) == *pid) {
      kill(-*pid, SIGKILL);  // anything left in its group
      break;
    }
    outcome.stopped = c.stop && c.stop();
    outcome.timed_out = Clock::now() >= deadline;
    if (outcome.stopped || outcome.timed_out) {
      StopGroup(*pid, &status);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  log.Poll();
  if (WIFEXITED(status) && !outcome.stopped && !outcome.timed_out) {
    outcome.exit_code = WEXITSTATUS(status);
  }
  outcome.leftovers_killed = KillAll(ProcessesWith(c.cookie, "cmdline"));
  StopEpmd(c);
  return outcome;
}

absl::StatusOr<int> RunToCompletion(const std::vector<std::string>& argv,
                                    const std::string& log_path,
                                    const std::vector<std::string>& extra_env) {
  absl::StatusOr<pid_t> pid = Spawn(argv, log_path, extra_env, /*own_group=*/false);
  if (!pid.ok()) return pid.status();
  int status = 0;
  waitpid(*pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

absl::StatusOr<int> FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    return absl::InternalError(absl::StrCat("no free port on 127.0.0.1: ", strerror(errno)));
  }
  close(fd);
  return ntohs(a.sin_port);
}

absl::StatusOr<int> FreeLoopbackPortRange(int count) {
  auto free_port = [](int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(fd);
    return ok;
  };
  // Below Linux's ephemeral range (32768-60999), where connects take ports.
  for (int base = 20000 + (getpid() % 400) * 20; base + count < 32768; base += count + 1) {
    bool all = true;
    for (int p = base; p < base + count && all; ++p) all = free_port(p);
    if (all) return base;
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("no ", count, " consecutive free ports on 127.0.0.1 below 32768"));
}

}  // namespace plumsim
