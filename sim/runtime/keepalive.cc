#include "sim/runtime/keepalive.h"

namespace plumsim {

Keepalive Keepalive::Client(const PartisanRuntimeConfig& runtime) {
  return Keepalive(runtime.ping_idle_timeout, runtime.ping_timeout, runtime.ping_max_attempts);
}

Keepalive Keepalive::Server(const PartisanRuntimeConfig& runtime) {
  // IdleTimeout + trunc(IdleTimeout * 0.25), on milliseconds.
  const int64_t idle_ms = runtime.ping_idle_timeout.ns() / 1'000'000;
  return Keepalive(runtime.ping_idle_timeout + SimDuration::Milliseconds(idle_ms / 4),
                   runtime.ping_timeout, runtime.ping_max_attempts);
}

uint32_t Keepalive::Fire(SimTime now) {
  if (count_ >= max_attempts_) return 0;
  ++count_;
  ping_id_ = next_id_;
  next_id_ = next_id_ % kMaxPingId + 1;  // ids fit a packet's 28 bits
  deadline_ = now + retry_timeout_;
  return ping_id_;
}

}  // namespace plumsim
