// The explorer's fault kinds (docs/explore.md): one table, in
// fault_kinds.cc, with an entry per kind saying everything about it: its
// name, which nodes it touches, whether it heals, the [explore] settings it
// owns, how a fault of that kind is drawn, the timeline events it adds and
// how it prints. The nemesis (sim/explore/nemesis.h) and the [explore]
// reader (sim/explore/nemesis_config.h) only go through the table, so a new
// kind is one new entry there ("Adding a fault kind" in docs/explore.md).
//
//   for (FaultKind kind : FaultKind::All()) std::cout << kind->name << "\n";
//   std::optional<FaultKind> crash = FaultKind::Named("crash");
//   Fault f{.kind = *crash, .at = SimTime::Zero() + SimDuration::Seconds(20), .nodes = {3}};
//   f.Describe();  // "crash n3 at 20s"
#ifndef PLUMSIM_SIM_EXPLORE_FAULT_KINDS_H_
#define PLUMSIM_SIM_EXPLORE_FAULT_KINDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/kernel/random.h"
#include "sim/kernel/time.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

// The [explore] settings that belong to one kind each (read by its entry).
struct FaultKindSettings {
  double max_loss = 0.3;                                       // loss_spike: its loss, at most
  SimDuration spike_latency = SimDuration::Milliseconds(200);  // latency_spike: the latency
  double slow_factor = 10;                                     // slow: the factor
};

struct FaultKindEntry;

// A kind of fault: an entry of the table. Cheap to copy; two kinds are
// equal when they are the same entry. `kind->name` reads the entry.
class FaultKind {
 public:
  // Every kind, in the table's order (the default [explore] faults).
  static std::vector<FaultKind> All();
  // The kind called `name` ("crash_restart"), if there is one.
  static std::optional<FaultKind> Named(absl::string_view name);

  const FaultKindEntry* operator->() const { return entry_; }
  bool operator==(const FaultKind& other) const = default;

 private:
  explicit FaultKind(const FaultKindEntry* entry) : entry_(entry) {}
  const FaultKindEntry* entry_;
};
const char* FaultKindName(FaultKind kind);

// One fault: one unit for shrinking (a crash and its restart, a partition
// and its heal, a loss spike and its end).
struct Fault {
  FaultKind kind;
  SimTime at = SimTime::Zero();
  SimDuration length = SimDuration::Zero();         // to the restart / heal / end (0: for good)
  std::vector<NodeId> nodes = {};                   // as kind->nodes says
  double loss = 0;                                  // loss_spike
  SimDuration spike_latency = SimDuration::Zero();  // latency_spike: the latency meanwhile
  double slow_factor = 1;                           // slow: the factor meanwhile
  std::string Describe() const;                     // "crash_restart n3,n7 at 31s for 12s"
};

// What a fault's `nodes` hold.
enum class FaultNodes {
  kNone,    // nothing: the fault changes the whole network
  kTaken,   // running initial nodes that no other fault holds (never the
            // last two: a stable core), in increasing order
  kLink,    // {from, to}: the two ends of a link, two initial nodes
  kJoined,  // new nodes, numbered after every node before them
};

// What a kind's `draw` may use: the run's random stream and the schedule's
// state. Every draw comes from the stream, so the order of the calls is
// part of the schedule.
class FaultDraw {
 public:
  virtual ~FaultDraw() = default;
  virtual const Scenario& base() const = 0;
  virtual const FaultKindSettings& settings() const = 0;
  virtual RandomStream& rng() = 0;
  // How many nodes one fault touches: uniform in [1, the max_share of the
  // initial nodes] (one draw, none if that is 1).
  virtual int64_t Share() = 0;
  // Up to `count` running nodes no fault holds yet, taken (kTaken).
  virtual std::vector<NodeId> Take(int64_t count) = 0;
  // `count` new node ids, after the ones joined before (kJoined).
  virtual std::vector<NodeId> NewNodes(int64_t count) = 0;
};

// An entry of the table: a kind of fault. Function pointers left null do
// nothing.
struct FaultKindEntry {
  // In [explore] faults, in descriptions and in explore.csv.
  const char* name;
  FaultNodes nodes;
  // Faults whose kinds share a group never overlap in time: the end of one
  // restores a network-wide state (a heal ends every partition). "": none.
  const char* exclusive_group = "";
  // The [explore] keys this kind owns, and their reader (keys under
  // `explore`; errors to `reader`).
  absl::Span<const absl::string_view> setting_keys = {};
  void (*read_settings)(const toml::table& explore, ScenarioReader* reader,
                        FaultKindSettings* settings) = nullptr;
  // Draws the fault's nodes and parameters once its time is drawn; false
  // if there is no such fault to draw (it is left out).
  bool (*draw)(FaultDraw& draw, Fault* fault) = nullptr;
  // The event starting `fault` (nullopt: the fault adds no event at all).
  std::optional<TimelineEvent> (*begin)(const Scenario& base, const Fault& fault) = nullptr;
  // The event ending it at `at + length`. Null: the fault is for good and
  // has no length.
  TimelineEvent (*end)(const Scenario& base, const Fault& fault) = nullptr;
  // Appends what a description says after the nodes (" loss 0.2").
  void (*describe)(const Fault& fault, std::string* text) = nullptr;

  bool heals() const { return end != nullptr; }
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_FAULT_KINDS_H_
