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
  // erlang:send_after/3 takes whole milliseconds: timer delays are rounded
  // up to a multiple of this.
  SimDuration timer_granularity = SimDuration::Milliseconds(1);
  bool free(ProcessKind kind) const {
    const LatencyDistribution& d = per_message[static_cast<int>(kind)];
    return d.kind == LatencyDistribution::Kind::kConstant && d.a == SimDuration::Zero();
  }
};

// Mailbox statistics over all nodes, per process kind: how many messages
// each kind handled and the mailbox length each found on arrival (0 when
// handled at once), and the longest wait.
class ProcessStats {
 public:
  void CountInput(ProcessKind kind) { ++inputs_[static_cast<int>(kind)]; }
  // A message found `length` messages ahead of it (length >= 1).
  void CountQueued(ProcessKind kind, size_t length);
  void CountWait(ProcessKind kind, SimDuration waited);

  uint64_t inputs(ProcessKind kind) const { return inputs_[static_cast<int>(kind)]; }
  uint64_t queued(ProcessKind kind) const;
  size_t max_length(ProcessKind kind) const;
  // The q-quantile (0 < q <= 1) of the length found on arrival.
  size_t LengthQuantile(ProcessKind kind, double q) const;
  SimDuration max_wait(ProcessKind kind) const { return max_wait_[static_cast<int>(kind)]; }

 private:
  std::array<uint64_t, kProcessKinds> inputs_{};
  // lengths_[k][n]: arrivals that found n messages ahead (n >= 1).
  std::array<std::vector<uint64_t>, kProcessKinds> lengths_;
  std::array<SimDuration, kProcessKinds> max_wait_{};
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_PROCESSES_H_
