#include "sim/runtime/partisan_config.h"

#include <algorithm>

namespace plumsim {

const char* TransportName(Transport transport) {
  return transport == Transport::kTcp ? "tcp" : "datagram";
}

const char* CrashModeName(CrashMode mode) {
  return mode == CrashMode::kProcess ? "process" : "host";
}

SimDuration TcpConfig::Backoff(int retransmissions) const {
  SimDuration total = SimDuration::Zero();
  SimDuration rto = min_rto;
  for (int i = 0; i < retransmissions; ++i) {
    total = total + rto;
    rto = std::min(max_rto, rto * 2);
  }
  return total;
}

}  // namespace plumsim
