#include "sim/runtime/keepalive.h"

namespace plumsim {

KeepaliveTimes KeepaliveTimes::Client(const PartisanRuntimeConfig& runtime) {
  return {runtime.ping_idle_timeout, runtime.ping_timeout, runtime.ping_max_attempts};
}

KeepaliveTimes KeepaliveTimes::Server(const PartisanRuntimeConfig& runtime) {
  // IdleTimeout + trunc(IdleTimeout * 0.25), on milliseconds.
  const int64_t idle_ms = runtime.ping_idle_timeout.ns() / 1'000'000;
  return {runtime.ping_idle_timeout + SimDuration::Milliseconds(idle_ms / 4), runtime.ping_timeout,
          runtime.ping_max_attempts};
}

uint32_t Keepalive::Fire(SimTime now, const KeepaliveTimes& times) {
  if (count_ >= times.max_attempts) return 0;
  ++count_;
  ping_id_ = next_id_;
  next_id_ = next_id_ % kMaxPingId + 1;  // ids fit a packet's 28 bits
  deadline_ = now + times.retry_timeout;
  return ping_id_;
}

}  // namespace plumsim
