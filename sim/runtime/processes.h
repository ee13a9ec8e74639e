// Erlang processes of the simulated nodes (docs/runtime-model.md,
// "Processes"): each node runs Partisan's broadcast server, heartbeat
// backend and peer service manager as mailboxes handled one message at a
// time. This header names them, holds their service-time settings, and
// counts what their mailboxes saw across all nodes.
#ifndef PLUMSIM_SIM_RUNTIME_PROCESSES_H_
#define PLUMSIM_SIM_RUNTIME_PROCESSES_H_

#include <array>
#include <cstdint>
#include <vector>

#include "sim/kernel/time.h"
#include "sim/runtime/latency.h"

namespace plumsim {

enum class ProcessKind : uint8_t {
  kBroadcastServer = 0,  // partisan_plumtree_broadcast
  kBackend = 1,          // partisan_plumtree_backend
  kPeerService = 2,      // the peer service manager (HyParView)
};
inline constexpr int kProcessKinds = 3;
const char* ProcessKindName(ProcessKind kind);

// [processing]
struct ProcessingConfig {
  // Service time per handled message, per process kind (default: none).
  std::array<LatencyDistribution, kProcessKinds> per_message = {
      LatencyDistribution::Constant(SimDuration::Zero()),
      LatencyDistribution::Constant(SimDuration::Zero()),
      LatencyDistribution::Constant(SimDuration::Zero())};
  // The tick of ERTS's timer wheel (sim/runtime/erlang_timers.h): a timer
  // fires on a tick of its VM's clock. 1 ns turns the rounding off.
  SimDuration timer_granularity = SimDuration::Milliseconds(1);
  // From a timer's expiry on the wheel to the moment its process's handler
  // re-arms it: the scheduler's latency plus the handler's work before the
  // re-arm. Per process kind; calibrated on a real cluster
  // (docs/runtime-model.md, "Timers").
  std::array<LatencyDistribution, kProcessKinds> timer_dispatch = DefaultTimerDispatch();
  static std::array<LatencyDistribution, kProcessKinds> DefaultTimerDispatch();
  bool free(ProcessKind kind) const {
    const LatencyDistribution& d = per_message[static_cast<int>(kind)];
    return d.kind == LatencyDistribution::Kind::kConstant && d.a == SimDuration::Zero();
  }
};

// Mailbox statistics over all nodes, per process kind: how many messages
// each kind handled and the mailbox length each found on arrival (0 when
// handled at once), the longest wait, and the time blocked in calls.
class ProcessStats {
 public:
  void CountInput(ProcessKind kind) { ++inputs_[static_cast<int>(kind)]; }
  // A message found `length` messages ahead of it (length >= 1).
  void CountQueued(ProcessKind kind, size_t length);
  void CountWait(ProcessKind kind, SimDuration waited);
  // A handler of `kind` was blocked in a call (a connect, or a call into
  // the peer service manager) for `blocked`.
  void CountBlocked(ProcessKind kind, SimDuration blocked) {
    blocked_[static_cast<int>(kind)] = blocked_[static_cast<int>(kind)] + blocked;
  }
  // A connection's server process waited `blocked` for its peer service to
  // take a message (receive_message/3).
  void CountServerBlocked(SimDuration blocked) {
    server_blocked_ = server_blocked_ + blocked;
    ++server_calls_;
  }
  SimDuration server_blocked() const { return server_blocked_; }
  uint64_t server_calls() const { return server_calls_; }

  uint64_t inputs(ProcessKind kind) const { return inputs_[static_cast<int>(kind)]; }
  uint64_t queued(ProcessKind kind) const;
  size_t max_length(ProcessKind kind) const;
  // The q-quantile (0 < q <= 1) of the length found on arrival.
  size_t LengthQuantile(ProcessKind kind, double q) const;
  SimDuration max_wait(ProcessKind kind) const { return max_wait_[static_cast<int>(kind)]; }
  // Total time handlers of `kind` spent blocked in calls, over all nodes.
  SimDuration blocked(ProcessKind kind) const { return blocked_[static_cast<int>(kind)]; }

 private:
  std::array<uint64_t, kProcessKinds> inputs_{};
  // lengths_[k][n]: arrivals that found n messages ahead (n >= 1).
  std::array<std::vector<uint64_t>, kProcessKinds> lengths_;
  std::array<SimDuration, kProcessKinds> max_wait_{};
  std::array<SimDuration, kProcessKinds> blocked_{};
  SimDuration server_blocked_ = SimDuration::Zero();
  uint64_t server_calls_ = 0;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_PROCESSES_H_
