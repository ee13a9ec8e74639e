// [[events]] (the timeline: one table of event kinds, each with its keys,
// reader and writer) and [[churn]] (crash/restart as a Poisson process).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

using Kind = TimelineEvent::Kind;

// Reads the [[events]] tables: what the kinds share, and one method per
// kind (the table below says which).
class EventsReader {
 public:
  EventsReader(ScenarioReader* r, Scenario* s) : r_(*r), s_(*s) {}

  void ReadAll(const toml::array& events);

  void ReadNodesOnly(const toml::table& t, TimelineEvent* ev) {
    NeedNodes(t, "nodes", ev->kind, &ev->nodes);
  }
  void ReadRestartOrJoin(const toml::table& t, TimelineEvent* ev);
  void ReadPartition(const toml::table& t, TimelineEvent* ev);
  void ReadFromTo(const toml::table& t, TimelineEvent* ev) {
    NeedNodes(t, "from", ev->kind, &ev->from);
    NeedNodes(t, "to", ev->kind, &ev->to);
  }
  void ReadNothing(const toml::table&, TimelineEvent*) {}
  void ReadLink(const toml::table& t, TimelineEvent* ev) {
    ReadFromTo(t, ev);
    ReadSymmetric(t, ev);
  }
  void ReadSetLatency(const toml::table& t, TimelineEvent* ev);
  void ReadSetLoss(const toml::table& t, TimelineEvent* ev);
  void ReadBroadcast(const toml::table& t, TimelineEvent* ev);
  void ReadSlow(const toml::table& t, TimelineEvent* ev) {
    ReadNodesOnly(t, ev);
    if (const toml::node* v = t.get("factor")) {
      SetIfRead(r_.Number(*v, "events.factor", 1, 1e6, "a factor on service times"), &ev->factor);
    } else {
      r_.Missing(&t, "events.factor", "how many times slower, e.g. factor = 10");
    }
  }
  void ReadListenerDown(const toml::table& t, TimelineEvent* ev) {
    ReadNodesOnly(t, ev);
    if (const toml::node* v = t.get("stays_down")) {
      SetIfRead(r_.Bool(*v, "events.stays_down"), &ev->stays_down);
    }
  }

 private:
  void ReadEvent(const toml::table& t);
  void NeedNodes(const toml::table& t, const char* key, Kind kind, NodeSet* out);
  void CheckJoinIds(const toml::array& events);
  void ReadScope(const toml::table& t, TimelineEvent* ev);
  void ReadSymmetric(const toml::table& t, TimelineEvent* ev) {
    if (const toml::node* v = t.get("symmetric")) {
      SetIfRead(r_.Bool(*v, "events.symmetric"), &ev->symmetric);
    }
  }

  ScenarioReader& r_;
  Scenario& s_;
  std::vector<NodeSet> joined_;  // the nodes of each join so far
};

// One kind of event: its name, the keys it takes, how it is read.
struct EventKindSpec {
  Kind kind;
  const char* name;
  std::vector<absl::string_view> keys;
  void (EventsReader::*read)(const toml::table& t, TimelineEvent* ev);
};

// Every kind, in the order the unknown-kind message lists them.
const std::vector<EventKindSpec>& EventKinds() {
  using R = EventsReader;
  static const auto* const kinds = new std::vector<EventKindSpec>{
      {Kind::kCrash, "crash", {"at", "kind", "nodes", "of"}, &R::ReadNodesOnly},
      {Kind::kRestart, "restart", {"at", "kind", "nodes", "contact", "of"}, &R::ReadRestartOrJoin},
      {Kind::kJoin, "join", {"at", "kind", "nodes", "contact", "of"}, &R::ReadRestartOrJoin},
      {Kind::kLeave, "leave", {"at", "kind", "nodes", "of"}, &R::ReadNodesOnly},
      {Kind::kPartition, "partition", {"at", "kind", "groups"}, &R::ReadPartition},
      {Kind::kPartitionOneWay, "partition_one_way", {"at", "kind", "from", "to"}, &R::ReadFromTo},
      {Kind::kHeal, "heal", {"at", "kind"}, &R::ReadNothing},
      {Kind::kLinkDown, "link_down", {"at", "kind", "from", "to", "symmetric"}, &R::ReadLink},
      {Kind::kLinkUp, "link_up", {"at", "kind", "from", "to", "symmetric"}, &R::ReadLink},
      {Kind::kSetLatency,
       "set_latency",
       {"at", "kind", "latency", "from", "to", "symmetric"},
       &R::ReadSetLatency},
      {Kind::kSetLoss,
       "set_loss",
       {"at", "kind", "loss", "from", "to", "symmetric"},
       &R::ReadSetLoss},
      {Kind::kBroadcast,
       "broadcast",
       {"at", "kind", "from", "count", "interval", "size"},
       &R::ReadBroadcast},
      {Kind::kListenerDown,
       "listener_down",
       {"at", "kind", "nodes", "of", "stays_down"},
       &R::ReadListenerDown},
      {Kind::kListenerUp, "listener_up", {"at", "kind", "nodes", "of"}, &R::ReadNodesOnly},
      {Kind::kSlow, "slow", {"at", "kind", "nodes", "of", "factor"}, &R::ReadSlow},
      {Kind::kSlowEnd, "slow_end", {"at", "kind", "nodes", "of"}, &R::ReadNodesOnly},
  };
  return *kinds;
}

// "crash, restart, ... or broadcast"
std::string EventKindList() {
  std::string out;
  const std::vector<EventKindSpec>& kinds = EventKinds();
  for (size_t i = 0; i < kinds.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : i + 1 == kinds.size() ? " or " : ", ", kinds[i].name);
  }
  return out;
}

void EventsReader::ReadAll(const toml::array& events) {
  for (const toml::node& e : events) ReadEvent(*e.as_table());
  CheckJoinIds(events);
  std::stable_sort(s_.events.begin(), s_.events.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
}

void EventsReader::ReadEvent(const toml::table& t) {
  TimelineEvent ev;
  ev.line = static_cast<int>(t.source().begin.line);
  ev.column = static_cast<int>(t.source().begin.column);
  const toml::node* at = t.get("at");
  const toml::node* kind_node = t.get("kind");
  if (at == nullptr) r_.Missing(&t, "events.at", "when it happens, e.g. at = \"10s\"");
  if (kind_node == nullptr) r_.Missing(&t, "events.kind", "e.g. kind = \"crash\"");
  if (at == nullptr || kind_node == nullptr) return;
  if (std::optional<SimDuration> d = r_.Duration(*at, "events.at")) {
    if (*d > s_.duration) {
      r_.Error(at, "events.at",
               absl::StrCat("is after the end of the run (duration ",
                            FormatSimDuration(s_.duration), ")"));
    }
    ev.at = SimTime::Zero() + *d;
  }
  const std::optional<std::string> kind = r_.String(*kind_node, "events.kind");
  if (!kind) return;
  const std::vector<EventKindSpec>& kinds = EventKinds();
  auto spec = std::find_if(kinds.begin(), kinds.end(),
                           [&](const EventKindSpec& k) { return *kind == k.name; });
  if (spec == kinds.end()) {
    r_.Error(kind_node, "events.kind",
             absl::StrCat("unknown event kind \"", *kind, "\"; expected ", EventKindList()));
    return;
  }
  ev.kind = spec->kind;
  r_.CheckKeys(t, "events", spec->keys);
  (this->*spec->read)(t, &ev);
  s_.events.push_back(std::move(ev));
}

// A node set the event kind needs. For `nodes`, an `of` key gives the
// population a random set ("random 40%") is drawn from.
void EventsReader::NeedNodes(const toml::table& t, const char* key, Kind kind, NodeSet* out) {
  const std::string path = absl::StrCat("events.", key);
  std::optional<NodeSet> population;
  if (const toml::node* of = t.get("of"); of != nullptr && std::string(key) == "nodes") {
    population = r_.Nodes(*of, "events.of");
    if (!population) return;
  }
  const char* no_random =
      kind == Kind::kJoin ? "join introduces the next ids in order; it takes no random set" : "";
  if (const toml::node* v = t.get(key)) {
    SetIfRead(r_.Nodes(*v, path, population ? &*population : nullptr, no_random), out);
  } else {
    r_.Missing(&t, path, absl::StrCat("needed by kind \"", EventKindName(kind), "\""));
  }
}

void EventsReader::ReadRestartOrJoin(const toml::table& t, TimelineEvent* ev) {
  NeedNodes(t, "nodes", ev->kind, &ev->nodes);
  if (const toml::node* v = t.get("contact")) {
    if (std::optional<std::string> name = r_.String(*v, "events.contact")) {
      ev->contact = r_.Node(*v, *name, "events.contact");
    }
  }
  if (ev->kind != Kind::kJoin || ev->nodes.empty()) return;
  if (ev->nodes.front() < s_.node_count) {
    r_.Error(t.get("nodes"), "events.nodes",
             absl::StrCat(NodeName(ev->nodes.front()),
                          " is present from the start (nodes.count = ", s_.node_count,
                          "); join introduces new nodes n", s_.node_count, " and up"));
  }
  for (const NodeSet& earlier : joined_) {
    if (earlier.Intersects(ev->nodes)) {
      r_.Error(t.get("nodes"), "events.nodes", "a node joins twice");
      break;
    }
  }
  joined_.push_back(ev->nodes);
}

// Joined nodes take the ids after the initial ones, without gaps.
void EventsReader::CheckJoinIds(const toml::array& events) {
  std::vector<NodeSet::Range> ranges;
  for (const NodeSet& j : joined_) {
    ranges.insert(ranges.end(), j.ranges().begin(), j.ranges().end());
  }
  if (ranges.empty()) return;
  const NodeSet all = NodeSet::FromRanges(ranges);
  const bool contiguous = all.ranges().size() == 1 && all.front() <= s_.node_count;
  if (contiguous || all.front() < s_.node_count) return;  // the latter reported already
  NodeId gap = static_cast<NodeId>(s_.node_count);
  if (all.front() == s_.node_count) gap = all.ranges()[0].last + 1;
  const toml::node* where = nullptr;
  for (const toml::node& e : events) {
    const toml::node* kind = e.as_table()->get("kind");
    if (kind != nullptr && kind->value_or(std::string()) == "join") {
      where = e.as_table()->get("nodes");
    }
  }
  r_.Error(where, "events.nodes",
           absl::StrCat(NodeName(gap),
                        " never joins: joined nodes must take the ids after the initial "
                        "ones without gaps"));
}

void EventsReader::ReadPartition(const toml::table& t, TimelineEvent* ev) {
  const toml::node* groups = t.get("groups");
  if (groups == nullptr || !groups->is_array() || groups->as_array()->empty()) {
    r_.Error(groups != nullptr ? groups : &t, "events.groups",
             "expected an array of node sets, e.g. [\"n0..n4\", \"n5..n9\"]");
    return;
  }
  for (const toml::node& g : *groups->as_array()) {
    std::optional<NodeSet> set = r_.Nodes(g, "events.groups");
    if (!set) continue;
    for (const NodeSet& other : ev->groups) {
      if (other.Intersects(*set)) {
        r_.Error(&g, "events.groups", "a node is in two groups");
        break;
      }
    }
    ev->groups.push_back(*std::move(set));
  }
}

// from/to (both or neither) and symmetric, for set_latency and set_loss.
void EventsReader::ReadScope(const toml::table& t, TimelineEvent* ev) {
  const bool has_from = t.get("from") != nullptr, has_to = t.get("to") != nullptr;
  if (has_from != has_to) {
    r_.Error(&t, "events", "give both \"from\" and \"to\", or neither");
  } else if (has_from) {
    SetIfRead(r_.Nodes(*t.get("from"), "events.from"), &ev->from);
    SetIfRead(r_.Nodes(*t.get("to"), "events.to"), &ev->to);
  }
  ReadSymmetric(t, ev);
}

void EventsReader::ReadSetLatency(const toml::table& t, TimelineEvent* ev) {
  if (const toml::node* v = t.get("latency")) {
    ev->latency = r_.Latency(*v, "events.latency");
  } else {
    r_.Missing(&t, "events.latency", "needed by kind \"set_latency\"");
  }
  ReadScope(t, ev);
}

void EventsReader::ReadSetLoss(const toml::table& t, TimelineEvent* ev) {
  if (const toml::node* v = t.get("loss")) {
    SetIfRead(r_.Probability(*v, "events.loss"), &ev->loss);
  } else {
    r_.Missing(&t, "events.loss", "needed by kind \"set_loss\"");
  }
  ReadScope(t, ev);
}

void EventsReader::ReadBroadcast(const toml::table& t, TimelineEvent* ev) {
  NeedNodes(t, "from", Kind::kBroadcast, &ev->from);
  if (const toml::node* v = t.get("count")) {
    SetIfRead(r_.Integer(*v, "events.count", 1, 100'000'000), &ev->count);
  }
  if (const toml::node* v = t.get("interval")) {
    SetIfRead(r_.Duration(*v, "events.interval"), &ev->interval);
  }
  if (const toml::node* v = t.get("size")) {
    SetIfRead(r_.Integer(*v, "events.size", 0, 1 << 20), &ev->size_bytes);
  }
  // Every message is sent within the run: the last at at + interval * (count - 1).
  const __int128 last = static_cast<__int128>(ev->interval.ns()) * (ev->count - 1) + ev->at.ns();
  if (ev->count > 1 && last > s_.duration.ns()) {
    r_.Error(t.get("count") != nullptr ? t.get("count") : &t, "events.count",
             absl::StrCat(ev->count, " messages ", FormatSimDuration(ev->interval),
                          " apart would end after the run (duration ",
                          FormatSimDuration(s_.duration), "); lower count or interval"));
  }
}

void ReadEvents(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::array* events = SectionTables(root, "events", r);
  if (events == nullptr) return;
  EventsReader(r, s).ReadAll(*events);
}

toml::table EventToToml(const TimelineEvent& e) {
  toml::table t{{"at", FormatSimDuration(e.at.SinceStart())}, {"kind", EventKindName(e.kind)}};
  switch (e.kind) {
    case Kind::kCrash:
    case Kind::kLeave:
    case Kind::kListenerUp:
    case Kind::kSlowEnd:
      t.insert("nodes", e.nodes.ToString());
      break;
    case Kind::kSlow:
      t.insert("nodes", e.nodes.ToString());
      t.insert("factor", e.factor);
      break;
    case Kind::kListenerDown:
      t.insert("nodes", e.nodes.ToString());
      t.insert("stays_down", e.stays_down);
      break;
    case Kind::kRestart:
    case Kind::kJoin:
      t.insert("nodes", e.nodes.ToString());
      if (e.contact) t.insert("contact", NodeName(*e.contact));
      break;
    case Kind::kPartition: {
      toml::array groups;
      for (const NodeSet& g : e.groups) groups.push_back(g.ToString());
      t.insert("groups", std::move(groups));
      break;
    }
    case Kind::kPartitionOneWay:
      t.insert("from", e.from.ToString());
      t.insert("to", e.to.ToString());
      break;
    case Kind::kHeal:
      break;
    case Kind::kLinkDown:
    case Kind::kLinkUp:
    case Kind::kSetLatency:
    case Kind::kSetLoss:
      if (!e.from.empty()) {
        t.insert("from", e.from.ToString());
        t.insert("to", e.to.ToString());
      }
      t.insert("symmetric", e.symmetric);
      if (e.kind == Kind::kSetLatency) t.insert("latency", LatencyToToml(*e.latency));
      if (e.kind == Kind::kSetLoss) t.insert("loss", e.loss);
      break;
    case Kind::kBroadcast:
      t.insert("from", e.from.ToString());
      t.insert("count", e.count);
      t.insert("interval", FormatSimDuration(e.interval));
      t.insert("size", e.size_bytes);
      break;
  }
  return t;
}

void WriteEvents(const Scenario& s, toml::table* root) {
  if (s.events.empty()) return;
  toml::array arr;
  for (const TimelineEvent& e : s.events) arr.push_back(EventToToml(e));
  root->insert("events", std::move(arr));
}

// Every kind's keys.
std::vector<TableKeys> EventsKeys() {
  TableKeys keys{"events", {}};
  for (const EventKindSpec& kind : EventKinds()) AddNewKeys(kind.keys, &keys);
  return {keys};
}

constexpr absl::string_view kChurnKeys[] = {"start", "end", "nodes", "mean_time_between_crashes",
                                            "downtime"};

void ReadOneChurn(const toml::table& t, ScenarioReader* r, Scenario* s) {
  r->CheckKeys(t, "churn", kChurnKeys);
  ChurnSpec churn;
  bool ok = true;
  auto duration = [&](const char* key, SimDuration min, SimDuration* out) {
    const std::string path = absl::StrCat("churn.", key);
    if (const toml::node* v = t.get(key)) {
      std::optional<SimDuration> d = r->Duration(*v, path, min);
      ok = ok && d.has_value();
      if (d) *out = *d;
    } else {
      r->Missing(&t, path, "");
      ok = false;
    }
  };
  SimDuration start, end;
  duration("start", SimDuration::Zero(), &start);
  duration("end", SimDuration::Zero(), &end);
  duration("mean_time_between_crashes", kMinTimerPeriod, &churn.mean_time_between_crashes);
  duration("downtime", SimDuration::Nanoseconds(1), &churn.downtime);
  if (ok && (end <= start || end > s->duration)) {
    r->Error(t.get("end"), "churn.end", "expected start < end <= duration");
  }
  churn.start = SimTime::Zero() + start;
  churn.end = SimTime::Zero() + end;
  if (const toml::node* v = t.get("nodes")) {
    SetIfRead(r->Nodes(*v, "churn.nodes"), &churn.nodes);
  } else if (s->node_count > 0) {
    churn.nodes = NodeSet::Interval(0, static_cast<NodeId>(s->node_count - 1));
  }
  s->churn.push_back(std::move(churn));
}

void ReadChurn(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::array* churns = SectionTables(root, "churn", r);
  if (churns == nullptr) return;
  for (const toml::node& e : *churns) ReadOneChurn(*e.as_table(), r, s);
}

void WriteChurn(const Scenario& s, toml::table* root) {
  if (s.churn.empty()) return;
  toml::array arr;
  for (const ChurnSpec& c : s.churn) {
    arr.push_back(
        toml::table{{"start", FormatSimDuration(c.start.SinceStart())},
                    {"end", FormatSimDuration(c.end.SinceStart())},
                    {"nodes", c.nodes.ToString()},
                    {"mean_time_between_crashes", FormatSimDuration(c.mean_time_between_crashes)},
                    {"downtime", FormatSimDuration(c.downtime)}});
  }
  root->insert("churn", std::move(arr));
}

std::vector<TableKeys> ChurnKeys() { return {KeysOf("churn", kChurnKeys)}; }

}  // namespace

const char* EventKindName(TimelineEvent::Kind kind) {
  const std::vector<EventKindSpec>& kinds = EventKinds();
  auto spec = std::find_if(kinds.begin(), kinds.end(),
                           [&](const EventKindSpec& k) { return k.kind == kind; });
  return spec != kinds.end() ? spec->name : "?";
}

ScenarioSection EventsSection() { return {"events", &ReadEvents, &WriteEvents, &EventsKeys}; }
ScenarioSection ChurnSection() { return {"churn", &ReadChurn, &WriteChurn, &ChurnKeys}; }

}  // namespace plumsim
