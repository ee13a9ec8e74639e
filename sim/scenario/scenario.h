// A scenario: one whole experiment, loaded from a TOML file
// (docs/scenario-format.md describes every key). Loading validates
// everything up front -- unknown keys, wrong types, out-of-range values and
// references to nodes that do not exist are errors that name the file, line
// and column -- so a run never stops half-way on bad input.
//
// Example:
//
//   absl::StatusOr<Scenario> scenario = LoadScenario(
//       "scenarios/quickstart.toml",
//       CommandLineOverrides({"nodes.count=64"}, /*seed=*/"7", /*duration=*/""));
//   if (!scenario.ok()) {
//     // Every error at once, one a line, each "file:line:col: key: what was
//     // expected", or named by the argument that set the value:
//     //   --set nodes.count=x: nodes.count: expected an integer in [1, 10000000]
//     std::cerr << scenario.status().message() << "\n";
//     return 2;
//   }
//   int64_t nodes = scenario->node_count;        // 64
//   SimDuration run_for = scenario->duration;    // the file's: "60s"
//   std::string resolved = scenario->ToToml();   // every default filled in
//
// The format's sections each have one reader and one writer, side by side
// in one file (sections.h lists them); overrides.h applies command-line
// values; timeline_check.h refuses timeline events that cannot apply.
#ifndef PLUMSIM_SIM_SCENARIO_SCENARIO_H_
#define PLUMSIM_SIM_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocol/hyparview.h"
#include "protocol/ordset.h"
#include "protocol/plumtree_config.h"
#include "sim/kernel/time.h"
#include "sim/runtime/latency.h"
#include "sim/runtime/network.h"
#include "sim/runtime/node_identity.h"
#include "sim/runtime/processes.h"
#include "sim/scenario/node_set.h"
#include "sim/scenario/overrides.h"

namespace plumsim {

struct LinkSpec {
  NodeSet from;
  NodeSet to;
  bool symmetric = true;  // also the reverse direction
  std::optional<LatencyDistribution> latency;
  std::optional<double> loss;
};

struct TimelineEvent {
  enum class Kind {
    kCrash,
    kRestart,
    kJoin,
    kLeave,
    kPartition,
    kPartitionOneWay,
    kHeal,
    kLinkDown,
    kLinkUp,
    kSetLatency,
    kSetLoss,
    kBroadcast,
    kListenerDown,
    kListenerUp,
    kSlow,
    kSlowEnd,
  };
  Kind kind = Kind::kCrash;
  SimTime at;
  NodeSet nodes;                  // crash, restart, join, leave, listener_*, slow*
  std::optional<NodeId> contact;  // restart, join
  std::vector<NodeSet> groups;    // partition
  NodeSet from, to;               // partition_one_way, link_*, set_* (scope), broadcast (from)
  bool symmetric = true;          // link_down, link_up, set_latency, set_loss
  std::optional<LatencyDistribution> latency;      // set_latency
  double loss = 0;                                 // set_loss
  int64_t count = 1;                               // broadcast
  SimDuration interval = SimDuration::Seconds(1);  // broadcast
  int64_t size_bytes = 64;                         // broadcast
  // listener_down: the listener stays down until listener_up (else
  // Partisan's supervisor reopens it at once).
  bool stays_down = false;
  // slow: the factor on the nodes' service times and timer dispatch.
  double factor = 1;
  int line = 0, column = 0;  // where it was written (0: not from a file)
};
const char* EventKindName(TimelineEvent::Kind kind);

struct ChurnSpec {
  SimTime start;
  SimTime end;
  NodeSet nodes;
  SimDuration mean_time_between_crashes;
  SimDuration downtime;
};

// An expectation checked at the end of a run (exit code 1 if it fails).
// docs/metrics.md defines each metric.
// How convergence is judged ([metrics] stable_rounds, rmr_epsilon;
// docs/metrics.md, "Convergence").
struct ConvergenceSettings {
  int64_t stable_rounds = 3;  // messages of a root that must witness a state
  double rmr_epsilon = 0.01;  // RMR at or below which a message counts as settled
  friend bool operator==(const ConvergenceSettings&, const ConvergenceSettings&) = default;
};

struct Expectation {
  enum class Metric {
    kReliabilityMin,     // min reliability of messages sent in [after, end - settle]
    kRmrMax,             // max RMR of those messages
    kLdhMax,             // max LDH of those messages
    kTreesSpanning,      // every root's eager graph is a spanning tree at the end
    kConvergedBefore,    // overall convergence time < before
    kConnectionsClosed,  // tcp connections closed in [after, before), by reason
    kReachMin,           // min reach (share of running nodes that delivered) of messages
    kTreeStableBefore,   // a share of roots tree-stable before `before`
    kRmrSettledBefore,   // a share of roots RMR-settled before `before`
    kUnlistedNodes,      // HyParView: running nodes no running node lists, at the end
    kOneWayViews,        // HyParView: active-view entries not returned, at the end
  };
  Metric metric = Metric::kReliabilityMin;
  std::string handler = "heartbeat";  // "heartbeat", "application" or "all"
  SimTime after;                      // messages sent (connections closed) at or after
  double bound = 0;                   // at_least / at_most; k*Before: the share of roots
  bool upper_bound = false;           // counts (connections, views): at_most (else at_least)
  // kConvergedBefore: the deadline; message metrics and kConnectionsClosed:
  // the end of the window (sent / closed before it), Max if none.
  SimTime before = SimTime::Max();
  std::string reason;  // kConnectionsClosed: a CloseReasonName, "" for any
  int line = 0;        // where it was written, for messages
};
const char* ExpectationMetricName(Expectation::Metric metric);

// The trace's event kinds, as its "ev" field names them, and the groups
// "node" (start, crash, restart, join, leave), "network" (partition, heal,
// link and latency/loss changes) and "peers" (add_eager, add_lazy,
// reset_peers, neighbors_down). docs/output-formats.md lists each.
const std::vector<std::string>& TraceKinds();
bool IsTraceKind(absl::string_view kind);

// [trace]: what trace.jsonl holds when a run writes one (--trace). The
// digest is over every event whatever is written.
struct TraceConfig {
  std::vector<std::string> kinds;  // event kinds ("ev" names or groups); empty: all
  NodeSet nodes;                   // events naming one of these nodes; empty: all
  NodeSet roots;                   // events about one of these roots; empty: all
  bool zstd = false;               // trace.jsonl.zst instead of trace.jsonl
  bool is_default() const { return kinds.empty() && nodes.empty() && roots.empty() && !zstd; }
};

struct Scenario {
  std::string source_path;  // the file it was loaded from ("" if from text)
  std::string name;
  std::string description;
  uint64_t seed = 1;
  SimDuration duration;

  int64_t node_count = 0;                      // nodes present at the start: n0 .. n{count-1}
  SimDuration start_interval;                  // node i starts at i * start_interval
  SimDuration start_jitter;                    // plus a uniform draw in [0, start_jitter]
  CrashMode crash_mode = CrashMode::kProcess;  // [nodes] crash
  // [nodes] bootstrap: whom an initial node joins through (HyParView).
  enum class Bootstrap : uint8_t {
    kStarted,  // a node running at its start, uniformly (never lost)
    kEarlier,  // a lower id, uniformly, started or not (a racing deployment)
    kSeed,     // n0, started or not
  };
  Bootstrap bootstrap = Bootstrap::kStarted;
  // [nodes] names / addresses: Erlang node names and listen addresses that
  // differ from the defaults (sim/runtime/node_identity.h), by node.
  absl::btree_map<NodeId, std::string> node_names;
  absl::btree_map<NodeId, ListenAddress> node_addresses;

  std::string membership = "full";  // or "hyparview"
  HyParViewConfig hyparview;        // [membership] options for "hyparview"
  PlumtreeConfig plumtree;
  HeartbeatConfig heartbeat;
  NetworkConfig network;
  PartisanRuntimeConfig partisan;  // [partisan]
  ProcessingConfig processing;     // [processing]
  std::vector<LinkSpec> links;

  std::vector<TimelineEvent> events;  // sorted by time, stable
  std::vector<ChurnSpec> churn;

  // [metrics]
  SimDuration metrics_window = SimDuration::Seconds(1);  // timeseries.csv rows
  // Messages originated less than `settle` before the end are left out of
  // reliability, RMR, LDH and convergence (they may still be spreading).
  SimDuration settle = SimDuration::Seconds(5);
  ConvergenceSettings convergence;  // [metrics] stable_rounds, rmr_epsilon
  // [snapshots]: tree snapshots at these times (and always at the end), for
  // these roots (empty: every node).
  std::vector<SimTime> snapshot_times;
  NodeSet snapshot_roots;

  std::vector<Expectation> expectations;
  TraceConfig trace;  // [trace]

  // Every node that exists at some point: the initial ones and the joined.
  int64_t total_nodes() const;
  // Every node's Erlang name and listen address, defaults filled in.
  std::vector<std::string> ErlangNames() const;
  std::vector<ListenAddress> ListenAddresses() const;

  // The resolved scenario, every default filled in, as TOML that
  // ParseScenario reads back to an identical Scenario.
  std::string ToToml() const;
};

// Loads and validates a scenario file, applying `overrides` (overrides.h)
// first. Every error in the file (up to kMaxReportedErrors) is reported at
// once, one per line, each with its file:line:column or the argument it
// came from.
absl::StatusOr<Scenario> LoadScenario(const std::string& path,
                                      const std::vector<Override>& overrides = {});
// The same from text; `source_name` is used in error messages.
absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source_name,
                                       const std::vector<Override>& overrides = {});
// --set strings ("dotted.path=value"), for tests and tools.
absl::StatusOr<Scenario> LoadScenario(const std::string& path,
                                      const std::vector<std::string>& sets);
absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source_name,
                                       const std::vector<std::string>& sets);

// "n0..n3, n7": node sets in compact form; parsed back by the loader.
std::string FormatNodeSet(const PeerSet& nodes);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_SCENARIO_SCENARIO_H_
