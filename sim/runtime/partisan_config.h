// The knobs of Partisan's runtime around the protocol (docs/runtime-model.md):
// the transport, TCP retransmission, the connection keepalive ping, connect
// timeouts, how a node crashes, and whether HyParView's epoch persists.
// Defaults are Partisan v5.0.x's (partisan_config.erl, commit c5309d4).
#ifndef PLUMSIM_SIM_RUNTIME_PARTISAN_CONFIG_H_
#define PLUMSIM_SIM_RUNTIME_PARTISAN_CONFIG_H_

#include <cstdint>

#include "sim/kernel/time.h"

namespace plumsim {

// [network] transport.
enum class Transport : uint8_t {
  kTcp,       // Partisan's: one reliable FIFO connection per ordered pair
  kDatagram,  // messages lost outright, cuts drop what is in flight
};
const char* TransportName(Transport transport);

// [network.tcp]: retransmission of a lost segment after an RTO that starts
// at min_rto and doubles per consecutive loss, capped at max_rto (RFC 6298
// section 5.5; Linux's TCP_RTO_MIN 200 ms and TCP_RTO_MAX 120 s).
struct TcpConfig {
  SimDuration min_rto = SimDuration::Milliseconds(200);
  SimDuration max_rto = SimDuration::Seconds(120);
  // Linux gives up a connection after tcp_retries2 = 15 retransmissions of
  // one segment (about 15 minutes); so does the model, for loss alone.
  static constexpr int kMaxRetransmissions = 15;
  // Sum of the first `retransmissions` timeouts: the delay a segment lost
  // that many times in a row adds before it arrives.
  SimDuration Backoff(int retransmissions) const;
};

// [nodes] crash.
enum class CrashMode : uint8_t {
  kProcess,  // the Erlang VM dies, the OS closes its sockets: peers see it
  kHost,     // the machine vanishes: peers notice only by the ping rule
};
const char* CrashModeName(CrashMode mode);

// [partisan]
struct PartisanRuntimeConfig {
  // HyParView's epoch: partisan_hyparview_peer_service_manager:init/1 reads
  // it from partisan_data_dir (maybe_load_epoch_from_disk/0); without a data
  // dir, Partisan's default, zero_epoch/0 makes every incarnation epoch 1.
  bool persist_epoch = false;
  // connection_ping (partisan_config defaults): after idle_timeout without a
  // pong, up to max_attempts pings each waiting timeout, then the
  // connection stops with {shutdown, ping_timeout}. Always enabled: in
  // v5.0.3 no connection can start with it disabled (the scenario reader
  // refuses `enabled = false` and says why).
  SimDuration ping_idle_timeout = SimDuration::Seconds(20);
  SimDuration ping_timeout = SimDuration::Seconds(10);
  int64_t ping_max_attempts = 5;
  // ?TIMEOUT in partisan_peer_service_client: a connect to an unreachable
  // host gives up after this.
  SimDuration connect_timeout = SimDuration::Seconds(1);
  // Full membership re-connects members without a connection this often
  // (partisan_pluggable_peer_service_manager:schedule_connections/0).
  SimDuration connection_interval = SimDuration::Seconds(1);
  // ... and again, over Members ++ Pending, on its periodic tick
  // (schedule_periodic/0, periodic_interval).
  SimDuration periodic_interval = SimDuration::Seconds(10);
  // A join first sleeps this long in the manager (avoid_rush/0,
  // connection_jitter; fixed, since `jitter` is false by default).
  SimDuration connection_jitter = SimDuration::Seconds(1);
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_PARTISAN_CONFIG_H_
