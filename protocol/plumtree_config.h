// Configuration of the broadcast server and the heartbeat backend, with
// Partisan's option names and defaults (include/partisan.hrl,
// src/partisan_config.erl).
#ifndef PLUMSIM_PROTOCOL_PLUMTREE_CONFIG_H_
#define PLUMSIM_PROTOCOL_PLUMTREE_CONFIG_H_

#include "absl/time/time.h"

namespace plumsim {

// exchange_selection: how maybe_exchange picks its peer (random_peer/3).
enum class ExchangeSelection {
  kNormal,     // any other member
  kOptimized,  // prefer members in neither the eager nor the lazy set of the root
};

struct PlumtreeConfig {
  // lazy_tick_period: flush outstanding lazy pushes (?DEFAULT_LAZY_TICK_PERIOD).
  absl::Duration lazy_tick_period = absl::Milliseconds(1000);
  // exchange_tick_period: maybe start an exchange (?DEFAULT_EXCHANGE_TICK_PERIOD).
  absl::Duration exchange_tick_period = absl::Milliseconds(10000);
  // exchange_selection (partisan_config default: optimized).
  ExchangeSelection exchange_selection = ExchangeSelection::kOptimized;
  // broadcast_start_exchange_limit: at most this many running exchanges
  // before a tick starts none. Negative: Partisan's default, the number of
  // registered handlers (length(broadcast_mods)).
  int broadcast_start_exchange_limit = -1;
};

struct HeartbeatConfig {
  // broadcast: whether the backend schedules heartbeats at all. Partisan's
  // own default is false (heartbeats are opt-in there); plumsim exists to
  // study heartbeat-built trees, so its default is true. Scenarios can turn
  // it off to measure application broadcasts alone.
  bool broadcast = true;
  // broadcast_heartbeat_interval (partisan_plumtree_backend default: 10000 ms).
  absl::Duration broadcast_heartbeat_interval = absl::Milliseconds(10000);
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_PLUMTREE_CONFIG_H_
