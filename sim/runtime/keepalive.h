// One end's keepalive ping state: the ping fields of a
// partisan_peer_service_client or _server process (docs/runtime-model.md,
// "Keepalive pings"). Pure state; TcpConnections sends the packets and
// runs the timer.
//
//   const KeepaliveTimes times = KeepaliveTimes::Client(runtime);
//   Keepalive client;
//   client.Reset(hello_at, times);           // reset_ping/1: idle timer armed
//   client.Fire(client.deadline(), times);   // idle expiry: ping 1 goes out
//   client.Accepts(pong_id);             // only the latest ping's pong
#ifndef PLUMSIM_SIM_RUNTIME_KEEPALIVE_H_
#define PLUMSIM_SIM_RUNTIME_KEEPALIVE_H_

#include <cstdint>

#include "sim/kernel/time.h"
#include "sim/runtime/partisan_config.h"

namespace plumsim {

// One end's timeouts (connection_ping), shared by every connection's end of
// that kind.
struct KeepaliveTimes {
  SimDuration idle_timeout;
  SimDuration retry_timeout;
  int64_t max_attempts = 0;
  // partisan_peer_service_client:maybe_enable_ping/2 and reset_ping/1: the
  // idle timer runs idle_timeout.
  static KeepaliveTimes Client(const PartisanRuntimeConfig& runtime);
  // partisan_peer_service_server:reset_ping/1: idle_timeout +
  // trunc(idle_timeout * 0.25), "to avoid synchronization" with the client.
  static KeepaliveTimes Server(const PartisanRuntimeConfig& runtime);
};

class Keepalive {
 public:
  static constexpr uint32_t kMaxPingId = (1u << 28) - 1;

  // reset_ping/1: cancels the idle or retry timer, partisan_retry:succeed/1
  // (count 0), arms the idle timer. The latest ping's id is kept.
  void Reset(SimTime now, const KeepaliveTimes& times) {
    deadline_ = now + times.idle_timeout;
    count_ = 0;
  }
  // The timer fired (maybe_send_ping/1): partisan_retry:fail/1 returns
  // max_retries once max_attempts pings went unanswered, and the process
  // stops with {shutdown, ping_timeout}: returns 0. Otherwise the id of a
  // new ping (send_ping/1: a fresh partisan:make_ref/0), with the retry
  // timer armed for `timeout` (partisan_retry:fire/1; no backoff).
  uint32_t Fire(SimTime now, const KeepaliveTimes& times);
  // handle_inbound(#pong{id = Id}, #state{ping_id = Id}): only the pong of
  // the latest ping is valid; any other stops the process with
  // {invalid_ping_response, Pong}.
  bool Accepts(uint32_t pong_id) const { return ping_id_ != 0 && pong_id == ping_id_; }

  // When the live timer expires; Max while none is armed (before the
  // first reset_ping/1).
  SimTime deadline() const { return deadline_; }
  bool armed() const { return deadline_ != SimTime::Max(); }
  int64_t unanswered() const { return count_; }
  uint32_t ping_id() const { return ping_id_; }

 private:
  SimTime deadline_ = SimTime::Max();
  int64_t count_ = 0;     // partisan_retry's count
  uint32_t ping_id_ = 0;  // 0: undefined (the server's dummy ref is never answered either)
  uint32_t next_id_ = 1;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_KEEPALIVE_H_
