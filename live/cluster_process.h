// Runs the real cluster's controller (erlang/plumsim_validate_ctl.erl) as a
// child process group, bounded in wall-clock time, and makes sure that every
// process it started is gone afterwards: the group is stopped (SIGTERM, then
// SIGKILL), any VM still carrying the run's cookie is killed, and the epmd the
// run started on its own port is stopped. Nothing here touches virtual time:
// it is the one place plumsim waits on the real clock.
#ifndef PLUMSIM_LIVE_CLUSTER_PROCESS_H_
#define PLUMSIM_LIVE_CLUSTER_PROCESS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace plumsim {

struct ControllerCommand {
  std::string erl;        // the erl program
  std::string ebin;       // where the controller's .beam files are
  std::string plan_path;  // the plan (cluster_plan.h)
  std::string log_path;   // its standard output and error
  std::string cookie;     // unique to the run: how leftover VMs are found
  std::string host = "127.0.0.1";
  int epmd_port = 0;
  int64_t time_limit_ms = 0;  // wall clock; then everything is stopped
  // Each line the controller prints, as it prints it.
  std::function<void(const std::string&)> on_line;
  // Polled about ten times a second: true stops the run (Ctrl-C).
  std::function<bool()> stop;
};

struct ControllerOutcome {
  int exit_code = -1;  // -1: killed by a signal or stopped
  bool timed_out = false;
  bool stopped = false;      // by `stop`
  int leftovers_killed = 0;  // VMs still running after the group was stopped
};

// InvalidArgument-free: fails (Internal) only when the controller cannot be
// started at all.
absl::StatusOr<ControllerOutcome> RunController(const ControllerCommand& command);

// A new distribution cookie for one real run: a credential for its VMs,
// so drawn from the OS's entropy, never from the scenario's seed, which
// anyone can read. Nothing compared depends on it (PlanSignature leaves it
// out), and no simulated run sees it.
std::string NewRunCookie();
// A TCP port free on 127.0.0.1 now, and `count` consecutive ones (for the
// nodes' Partisan listeners), found by binding them.
absl::StatusOr<int> FreeLoopbackPort();
absl::StatusOr<int> FreeLoopbackPortRange(int count);

// Runs `argv` to completion (output into `log_path`), for erlc and epmd.
absl::StatusOr<int> RunToCompletion(const std::vector<std::string>& argv,
                                    const std::string& log_path,
                                    const std::vector<std::string>& extra_env = {});

}  // namespace plumsim

#endif  // PLUMSIM_LIVE_CLUSTER_PROCESS_H_
