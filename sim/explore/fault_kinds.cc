#include "sim/explore/fault_kinds.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace plumsim {
namespace {

using K = TimelineEvent::Kind;

TimelineEvent Event(K kind, SimTime at) {
  TimelineEvent e;
  e.kind = kind;
  e.at = at;
  return e;
}

NodeSet Set(const std::vector<NodeId>& nodes) { return NodeSet::FromIds(PeerSet(nodes)); }

// An event on the fault's nodes (crash, restart, join, leave).
TimelineEvent NodesEvent(K kind, SimTime at, const Fault& f) {
  TimelineEvent e = Event(kind, at);
  e.nodes = Set(f.nodes);
  return e;
}

// Every initial node not in `nodes`.
NodeSet Others(const Scenario& base, const std::vector<NodeId>& nodes) {
  PeerSet others;
  for (int64_t i = 0; i < base.node_count; ++i) {
    if (!std::binary_search(nodes.begin(), nodes.end(), static_cast<NodeId>(i))) {
      others.push_back(static_cast<NodeId>(i));
    }
  }
  return NodeSet::FromIds(others);
}

TimelineEvent LinkEvent(K kind, SimTime at, const Fault& f) {
  TimelineEvent e = Event(kind, at);
  e.from = Set({f.nodes[0]});
  e.to = Set({f.nodes[1]});
  return e;
}

SimTime End(const Fault& f) { return f.at + f.length; }

// listener_down on the fault's nodes (none over datagrams: a listener is a
// TCP socket).
std::optional<TimelineEvent> ListenerDown(const Scenario& base, const Fault& f, bool stays_down) {
  if (base.network.transport != Transport::kTcp) return std::nullopt;
  TimelineEvent e = NodesEvent(K::kListenerDown, f.at, f);
  e.stays_down = stays_down;
  return e;
}

// Draws for FaultNodes::kTaken: some running nodes (none left: no fault).
bool DrawTaken(FaultDraw& d, Fault* f) {
  f->nodes = d.Take(d.Share());
  return !f->nodes.empty();
}

bool DrawJoined(FaultDraw& d, Fault* f) {
  f->nodes = d.NewNodes(d.Share());
  return true;
}

// Two distinct initial nodes, in a random order.
bool DrawLink(FaultDraw& d, Fault* f) {
  const int64_t n = d.base().node_count;
  if (n < 2) return false;
  const NodeId a = static_cast<NodeId>(d.rng().UniformInt(static_cast<uint64_t>(n)));
  NodeId b = static_cast<NodeId>(d.rng().UniformInt(static_cast<uint64_t>(n - 1)));
  if (b >= a) ++b;
  f->nodes = {a, b};
  return true;
}

// A loss in [0.01, max_loss], in thousandths.
bool DrawLoss(FaultDraw& d, Fault* f) {
  f->loss = 0.01 + d.rng().UniformDouble() * std::max(0.0, d.settings().max_loss - 0.01);
  f->loss = static_cast<double>(static_cast<int64_t>(f->loss * 1000 + 0.5)) / 1000;
  return true;
}

void DescribeLoss(const Fault& f, std::string* text) { absl::StrAppend(text, " loss ", f.loss); }

constexpr absl::string_view kLossSpikeSettings[] = {"max_loss"};
constexpr absl::string_view kLatencySpikeSettings[] = {"spike_latency"};
constexpr absl::string_view kSlowSettings[] = {"slow_factor"};

// The table. Its order is that of the default [explore] faults (every kind,
// when a file lists none), which a schedule goes through drawing the kinds
// it enables: a new kind goes at the end.
constexpr FaultKindEntry kFaultKinds[] = {
    {
        .name = "crash_restart",
        .nodes = FaultNodes::kTaken,
        .draw = DrawTaken,
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          return NodesEvent(K::kCrash, f.at, f);
        },
        .end = [](const Scenario&, const Fault& f) { return NodesEvent(K::kRestart, End(f), f); },
    },
    {
        .name = "crash",
        .nodes = FaultNodes::kTaken,
        .draw = DrawTaken,
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          return NodesEvent(K::kCrash, f.at, f);
        },
    },
    {
        .name = "partition",
        .nodes = FaultNodes::kTaken,
        .exclusive_group = "cut",  // a heal ends every partition
        .draw = DrawTaken,
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          TimelineEvent e = Event(K::kPartition, f.at);
          e.groups = {Set(f.nodes)};
          return e;
        },
        .end = [](const Scenario&, const Fault& f) { return Event(K::kHeal, End(f)); },
    },
    {
        .name = "partition_one_way",
        .nodes = FaultNodes::kTaken,
        .exclusive_group = "cut",
        .draw = DrawTaken,
        .begin = [](const Scenario& base, const Fault& f) -> std::optional<TimelineEvent> {
          TimelineEvent e = Event(K::kPartitionOneWay, f.at);
          e.from = Set(f.nodes);
          e.to = Others(base, f.nodes);
          if (e.to.empty()) return std::nullopt;
          return e;
        },
        .end = [](const Scenario&, const Fault& f) { return Event(K::kHeal, End(f)); },
    },
    {
        .name = "link_down",
        .nodes = FaultNodes::kLink,
        .draw = DrawLink,
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          return LinkEvent(K::kLinkDown, f.at, f);
        },
        .end = [](const Scenario&, const Fault& f) { return LinkEvent(K::kLinkUp, End(f), f); },
    },
    {
        .name = "loss_spike",
        .nodes = FaultNodes::kNone,
        .exclusive_group = "loss",  // its end restores the scenario's loss
        .setting_keys = kLossSpikeSettings,
        .read_settings =
            [](const toml::table& t, ScenarioReader* r, FaultKindSettings* s) {
              if (const toml::node* v = t.get("max_loss")) {
                if (auto x = r->Number(*v, "explore.max_loss", 0.01, 1, "a probability")) {
                  s->max_loss = *x;
                }
              }
            },
        .draw = DrawLoss,
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          TimelineEvent e = Event(K::kSetLoss, f.at);
          e.loss = f.loss;
          return e;
        },
        .end =
            [](const Scenario& base, const Fault& f) {
              TimelineEvent e = Event(K::kSetLoss, End(f));
              e.loss = base.network.loss;
              return e;
            },
        .describe = DescribeLoss,
    },
    {
        .name = "latency_spike",
        .nodes = FaultNodes::kNone,
        .exclusive_group = "latency",  // its end restores the scenario's latency
        .setting_keys = kLatencySpikeSettings,
        .read_settings =
            [](const toml::table& t, ScenarioReader* r, FaultKindSettings* s) {
              if (const toml::node* v = t.get("spike_latency")) {
                if (auto x =
                        r->Duration(*v, "explore.spike_latency", SimDuration::Milliseconds(1))) {
                  s->spike_latency = *x;
                }
              }
            },
        .draw =
            [](FaultDraw& d, Fault* f) {
              f->spike_latency = d.settings().spike_latency;
              return true;
            },
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          TimelineEvent e = Event(K::kSetLatency, f.at);
          e.latency = LatencyDistribution::Constant(f.spike_latency);
          return e;
        },
        .end =
            [](const Scenario& base, const Fault& f) {
              TimelineEvent e = Event(K::kSetLatency, End(f));
              e.latency = base.network.latency;
              return e;
            },
    },
    {
        .name = "join",
        .nodes = FaultNodes::kJoined,
        .draw = DrawJoined,
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          return NodesEvent(K::kJoin, f.at, f);
        },
    },
    {
        .name = "leave",
        .nodes = FaultNodes::kTaken,
        .draw = DrawTaken,
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          return NodesEvent(K::kLeave, f.at, f);
        },
    },
    {
        // The listener dies and Partisan's supervisor reopens it at once
        // (tcp only): what a real cluster meets.
        .name = "listener_crash",
        .nodes = FaultNodes::kTaken,
        .draw = DrawTaken,
        .begin = [](const Scenario& base, const Fault& f) -> std::optional<TimelineEvent> {
          return ListenerDown(base, f, /*stays_down=*/false);
        },
    },
    {
        // The listener stays down for the fault's length (tcp only).
        .name = "listener_down",
        .nodes = FaultNodes::kTaken,
        .draw = DrawTaken,
        .begin = [](const Scenario& base, const Fault& f) -> std::optional<TimelineEvent> {
          return ListenerDown(base, f, /*stays_down=*/true);
        },
        .end = [](const Scenario&,
                  const Fault& f) { return NodesEvent(K::kListenerUp, End(f), f); },
    },
    {
        // A starved machine: service times and timer dispatch slow_factor
        // times longer, then back.
        .name = "slow",
        .nodes = FaultNodes::kTaken,
        .setting_keys = kSlowSettings,
        .read_settings =
            [](const toml::table& t, ScenarioReader* r, FaultKindSettings* s) {
              if (const toml::node* v = t.get("slow_factor")) {
                if (auto x = r->Number(*v, "explore.slow_factor", 1, 1e6, "a factor")) {
                  s->slow_factor = *x;
                }
              }
            },
        .draw =
            [](FaultDraw& d, Fault* f) {
              f->slow_factor = d.settings().slow_factor;
              return DrawTaken(d, f);
            },
        .begin = [](const Scenario&, const Fault& f) -> std::optional<TimelineEvent> {
          TimelineEvent e = NodesEvent(K::kSlow, f.at, f);
          e.factor = f.slow_factor;
          return e;
        },
        .end = [](const Scenario&, const Fault& f) { return NodesEvent(K::kSlowEnd, End(f), f); },
        .describe = [](const Fault& f,
                       std::string* text) { absl::StrAppend(text, " x", f.slow_factor); },
    },
};

}  // namespace

std::vector<FaultKind> FaultKind::All() {
  std::vector<FaultKind> all;
  for (const FaultKindEntry& e : kFaultKinds) all.push_back(FaultKind(&e));
  return all;
}

std::optional<FaultKind> FaultKind::Named(absl::string_view name) {
  for (const FaultKindEntry& e : kFaultKinds) {
    if (name == e.name) return FaultKind(&e);
  }
  return std::nullopt;
}

const char* FaultKindName(FaultKind kind) { return kind->name; }

std::string Fault::Describe() const {
  std::vector<std::string> names;
  for (NodeId n : nodes) names.push_back(NodeName(n));
  std::string text = kind->name;
  if (!names.empty()) {
    absl::StrAppend(&text, " ", absl::StrJoin(names, kind->nodes == FaultNodes::kLink ? "-" : ","));
  }
  if (kind->describe != nullptr) kind->describe(*this, &text);
  absl::StrAppend(&text, " at ", FormatSimDuration(at.SinceStart()));
  if (length.ns() > 0) absl::StrAppend(&text, " for ", FormatSimDuration(length));
  return text;
}

}  // namespace plumsim
