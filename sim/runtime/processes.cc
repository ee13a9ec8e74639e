#include "sim/runtime/processes.h"

#include <cmath>

namespace plumsim {

const char* ProcessKindName(ProcessKind kind) {
  switch (kind) {
    case ProcessKind::kBroadcastServer:
      return "broadcast_server";
    case ProcessKind::kBackend:
      return "backend";
    case ProcessKind::kPeerService:
      return "peer_service";
  }
  return "?";
}

std::array<LatencyDistribution, kProcessKinds> ProcessingConfig::DefaultTimerDispatch() {
  // Calibration: docs/runtime-model.md, "Timers".
  const LatencyDistribution backend =
      LatencyDistribution::Uniform(SimDuration::Microseconds(50), SimDuration::Microseconds(500));
  const LatencyDistribution broadcast_server =
      LatencyDistribution::Uniform(SimDuration::Microseconds(200), SimDuration::Microseconds(1600));
  return {broadcast_server, backend, backend};
}

void ProcessStats::CountQueued(ProcessKind kind, size_t length) {
  std::vector<uint64_t>& l = lengths_[static_cast<int>(kind)];
  if (l.size() <= length) l.resize(length + 1, 0);
  ++l[length];
}

void ProcessStats::CountWait(ProcessKind kind, SimDuration waited) {
  SimDuration& m = max_wait_[static_cast<int>(kind)];
  if (waited > m) m = waited;
}

uint64_t ProcessStats::queued(ProcessKind kind) const {
  uint64_t n = 0;
  for (uint64_t c : lengths_[static_cast<int>(kind)]) n += c;
  return n;
}

size_t ProcessStats::max_length(ProcessKind kind) const {
  const std::vector<uint64_t>& l = lengths_[static_cast<int>(kind)];
  for (size_t n = l.size(); n > 0; --n) {
    if (l[n - 1] > 0) return n - 1;
  }
  return 0;
}

size_t ProcessStats::LengthQuantile(ProcessKind kind, double q) const {
  const uint64_t total = inputs(kind);
  if (total == 0) return 0;
  // The rank of the quantile among all arrivals, ascending; arrivals that
  // found an empty mailbox (total - queued) come first.
  const uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
  uint64_t seen = total - queued(kind);
  if (rank <= seen) return 0;
  const std::vector<uint64_t>& l = lengths_[static_cast<int>(kind)];
  for (size_t n = 1; n < l.size(); ++n) {
    seen += l[n];
    if (rank <= seen) return n;
  }
  return max_length(kind);
}

}  // namespace plumsim
