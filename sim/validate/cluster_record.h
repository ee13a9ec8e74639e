// What one run of a scenario did, in the terms a real Partisan cluster can
// report: broadcasts originated and Plumtree messages received, each node's
// effective eager and lazy sets per root over time, connections closed and
// why, timer ticks, and when each node ran. `plumsim validate` fills one from
// a real cluster's recordings (real_run.h) and one per simulated seed
// (sim_record.h), and computes the same figures from both (figures.h), so
// both sides are measured by one definition.
#ifndef PLUMSIM_SIM_VALIDATE_CLUSTER_RECORD_H_
#define PLUMSIM_SIM_VALIDATE_CLUSTER_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plumsim {

struct ClusterRecord {
  // Times are microseconds of scenario time (0: the scenario's start).
  int64_t end_us = 0;
  std::vector<std::string> nodes;  // by index: "n0", "n1", ...

  // A node's incarnation: Partisan running on it from start_us until
  // stop_us (a crash or leave), or to the end.
  struct Incarnation {
    int node = 0;
    int64_t start_us = 0;
    std::optional<int64_t> stop_us;
  };
  std::vector<Incarnation> incarnations;

  struct Origination {
    int64_t at_us = 0;
    int root = 0;
    int handler = 0;  // index into handlers
    std::string id;   // the same text at every node
  };
  std::vector<std::string> handlers;  // "heartbeat", "application", ...
  std::vector<Origination> originations;

  enum class ReceiptKind { kBroadcast, kIHave, kIgnoredIHave, kGraft, kPrune };
  struct Receipt {
    int64_t at_us = 0;
    int node = 0;
    ReceiptKind kind = ReceiptKind::kBroadcast;
    int from = 0;
    int handler = -1;  // -1 for a prune
    std::string id;    // "" for a prune
    int root = 0;
    int round = 0;  // the round the message carries (the root's push carries 0)
  };
  std::vector<Receipt> receipts;

  // A node's effective eager (or lazy) set for a root changed to `peers`.
  struct PeerSetChange {
    int64_t at_us = 0;
    int node = 0;
    int root = 0;
    bool eager = true;
    std::vector<int> peers;  // sorted node indices
  };
  std::vector<PeerSetChange> peer_sets;

  // A connection held by `node` to `peer` closed; `reason` is a plumsim
  // close reason name (CloseReasonName), or "other" for a real reason that
  // has none.
  struct Close {
    int64_t at_us = 0;
    int node = 0;
    int peer = 0;
    std::string reason;
  };
  std::vector<Close> closes;

  enum class TickKind { kLazy, kExchange, kHeartbeat };
  struct Tick {
    int64_t at_us = 0;
    int node = 0;
    TickKind kind = TickKind::kLazy;
  };
  std::vector<Tick> ticks;

  // The node index of "n3" (nullopt if unknown).
  std::optional<int> NodeIndex(const std::string& name) const;
  // The index of a handler name, added if new.
  int HandlerIndex(const std::string& name);
  // Sorts every list by time (stable), as figures.h expects.
  void SortByTime();
};

const char* ReceiptKindName(ClusterRecord::ReceiptKind kind);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_CLUSTER_RECORD_H_
