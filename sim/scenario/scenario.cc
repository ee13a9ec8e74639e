// Reading a scenario: one function per section of the format
// (docs/scenario-format.md), in the order the document describes them. Each
// records its errors in the ScenarioReader and goes on, so that one load
// reports every error of a file. Writing the resolved form back is in
// scenario_toml.cc; the timeline's consistency checks in scenario_timeline.cc.
#include "sim/scenario/scenario.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/files.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/timeline_check.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

// Assigns `*field` when `value` holds one.
template <typename T, typename U>
void Set(std::optional<T> value, U* field) {
  if (value) *field = static_cast<U>(*value);
}

class SectionReader {
 public:
  SectionReader(const toml::table& root, ScenarioReader* r) : root_(root), r_(*r) {}

  Scenario Read() {
    s_.source_path = r_.source_name();
    r_.CheckKeys(
        root_, "",
        {"name", "description", "seed", "duration", "nodes", "membership", "plumtree", "heartbeat",
         "network", "partisan", "processing", "events", "churn", "expect", "snapshots", "metrics",
         "trace", "study", "explore"});  // read by sim/study_file and sim/nemesis; ignored by a run
    ReadTop();
    r_.set_seed(s_.seed);
    ReadNodes();
    r_.set_initial_nodes(s_.node_count);
    CountJoinedNodes();
    ReadNodeIdentities();
    ReadMembership();
    ReadPlumtree();
    ReadHeartbeat();
    ReadNetwork();
    ReadPartisan();
    ReadProcessing();
    ReadEvents();
    ReadChurn();
    ReadMetrics();
    ReadSnapshots();
    ReadTrace();
    ReadExpectations();
    if (r_.ok()) CheckTimeline(s_, &r_);
    return std::move(s_);
  }

 private:
  // A [table] (nullptr if absent; an error if present and not a table).
  const toml::table* Table(const char* key) {
    const toml::node* n = root_.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) r_.Error(n, key, "expected a table");
    return n->as_table();
  }
  // [[tables]] (nullptr if absent or not an array of tables).
  const toml::array* Tables(const char* key) {
    const toml::node* n = root_.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_array_of_tables()) {
      r_.Error(n, key, absl::StrCat("expected an array of tables: [[", key, "]]"));
      return nullptr;
    }
    return n->as_array();
  }

  // name, description, seed, duration
  void ReadTop() {
    if (const toml::node* v = root_.get("name")) {
      Set(r_.String(*v, "name"), &s_.name);
    } else {
      r_.Missing(nullptr, "name", "every scenario needs a name");
    }
    if (const toml::node* v = root_.get("description")) {
      Set(r_.String(*v, "description"), &s_.description);
    }
    if (const toml::node* v = root_.get("seed"))
      Set(r_.Integer(*v, "seed", 0, INT64_MAX), &s_.seed);
    if (const toml::node* v = root_.get("duration")) {
      Set(r_.Duration(*v, "duration", SimDuration::Nanoseconds(1)), &s_.duration);
    } else {
      r_.Missing(nullptr, "duration", "e.g. duration = \"60s\"");
    }
  }

  // [nodes]
  void ReadNodes() {
    const toml::table* nodes = Table("nodes");
    if (nodes == nullptr) {
      if (root_.get("nodes") == nullptr)
        r_.Missing(nullptr, "nodes", "a table [nodes] with count = N");
      return;
    }
    r_.CheckKeys(*nodes, "nodes",
                 {"count", "start_interval", "start_jitter", "crash", "names", "addresses"});
    if (const toml::node* v = nodes->get("crash")) {
      const std::optional<std::string> mode = r_.String(*v, "nodes.crash");
      if (mode == "process") {
        s_.crash_mode = CrashMode::kProcess;
      } else if (mode == "host") {
        s_.crash_mode = CrashMode::kHost;
      } else if (mode) {
        r_.Error(v, "nodes.crash", "expected \"process\" or \"host\"");
      }
    }
    if (const toml::node* v = nodes->get("count")) {
      Set(r_.Integer(*v, "nodes.count", 1, kMaxNodes), &s_.node_count);
    } else {
      r_.Missing(nodes, "nodes.count", "e.g. count = 16");
    }
    if (const toml::node* v = nodes->get("start_interval")) {
      Set(r_.Duration(*v, "nodes.start_interval"), &s_.start_interval);
    }
    if (const toml::node* v = nodes->get("start_jitter")) {
      Set(r_.Duration(*v, "nodes.start_jitter"), &s_.start_jitter);
    }
    const __int128 last_start =
        static_cast<__int128>(s_.start_interval.ns()) * std::max<int64_t>(0, s_.node_count - 1) +
        s_.start_jitter.ns();
    if (last_start > kMaxSimTime.ns()) {
      r_.Error(nodes->get("start_interval"), "nodes.start_interval",
               absl::StrCat("the last node would start after ", FormatSimDuration(kMaxSimTime)));
    }
  }

  // [nodes] names = { n3 = "alpha@h1" }, addresses = { n3 = "10.1.0.7:9090" }
  void ReadNodeIdentities() {
    const toml::table* nodes = root_.get("nodes") ? root_.get("nodes")->as_table() : nullptr;
    if (nodes == nullptr) return;
    if (const toml::node* v = nodes->get("names")) {
      ReadByNode(*v, "nodes.names", [&](const toml::node& x, NodeId node) {
        std::optional<std::string> name = r_.String(x, "nodes.names");
        if (!name) return;
        if (!IsValidNodeName(*name)) {
          r_.Error(
              &x, "nodes.names",
              absl::StrCat("expected an Erlang node name like \"n3@host\", got \"", *name, "\""));
          return;
        }
        s_.node_names[node] = *name;
      });
      // Names identify nodes: no two alike, defaults included.
      const int64_t total = r_.total_nodes();
      absl::flat_hash_map<std::string, NodeId> seen;
      for (int64_t i = 0; i < total; ++i) {
        auto it = s_.node_names.find(static_cast<NodeId>(i));
        const std::string name =
            it != s_.node_names.end() ? it->second : DefaultNodeName(static_cast<NodeId>(i));
        auto [other, fresh] = seen.try_emplace(name, static_cast<NodeId>(i));
        if (!fresh) {
          r_.Error(v, "nodes.names",
                   absl::StrCat(NodeName(other->second), " and n", i, " are both named ", name));
        }
      }
    }
    if (const toml::node* v = nodes->get("addresses")) {
      ReadByNode(*v, "nodes.addresses", [&](const toml::node& x, NodeId node) {
        std::optional<std::string> text = r_.String(x, "nodes.addresses");
        if (!text) return;
        std::optional<ListenAddress> address = ParseListenAddress(*text);
        if (!address) {
          r_.Error(&x, "nodes.addresses",
                   absl::StrCat("expected \"a.b.c.d:port\", got \"", *text, "\""));
          return;
        }
        s_.node_addresses[node] = *address;
      });
    }
  }

  // A table keyed by node ("n3 = ..."): `read` for each entry.
  template <typename F>
  void ReadByNode(const toml::node& v, const char* key, F read) {
    if (!v.is_table()) {
      r_.Error(&v, key, "expected a table by node, e.g. { n3 = ... }");
      return;
    }
    for (const auto& [name, x] : *v.as_table()) {
      std::optional<NodeId> node = r_.Node(x, std::string(name.str()), key);
      if (node) read(x, *node);
    }
  }

  // Joined nodes count as existing for node references: find them first.
  void CountJoinedNodes() {
    int64_t total = s_.node_count;
    const toml::node* ev = root_.get("events");
    if (ev != nullptr && ev->is_array_of_tables()) {
      ScenarioReader scan(r_.source_name());  // its errors are reported by ReadEvents
      scan.set_total_nodes(kMaxNodes);
      for (const toml::node& e : *ev->as_array()) {
        const toml::table& t = *e.as_table();
        const toml::node* kind = t.get("kind");
        const toml::node* which = t.get("nodes");
        if (kind != nullptr && kind->value_or(std::string()) == "join" && which != nullptr) {
          if (std::optional<NodeSet> joined = scan.Nodes(*which, "events.nodes")) {
            total = std::max<int64_t>(total, int64_t{joined->back()} + 1);
          }
        }
      }
    }
    r_.set_total_nodes(std::min(total, kMaxNodes));
  }

  // [membership]
  void ReadMembership() {
    const toml::table* m = Table("membership");
    if (m == nullptr) return;
    r_.CheckKeys(*m, "membership",
                 {"kind", "active_max_size", "active_min_size", "active_rwl", "passive_max_size",
                  "passive_rwl", "random_promotion", "random_promotion_interval",
                  "shuffle_interval", "shuffle_k_active", "shuffle_k_passive"});
    if (const toml::node* kind = m->get("kind")) {
      Set(r_.String(*kind, "membership.kind"), &s_.membership);
      if (s_.membership != "full" && s_.membership != "hyparview") {
        r_.Error(kind, "membership.kind", "expected \"full\" or \"hyparview\"");
      }
    }
    HyParViewConfig& h = s_.hyparview;
    const std::pair<const char*, int64_t*> sizes[] = {{"active_max_size", &h.active_max_size},
                                                      {"active_min_size", &h.active_min_size},
                                                      {"active_rwl", &h.active_rwl},
                                                      {"passive_max_size", &h.passive_max_size},
                                                      {"passive_rwl", &h.passive_rwl},
                                                      {"shuffle_k_active", &h.shuffle_k_active},
                                                      {"shuffle_k_passive", &h.shuffle_k_passive}};
    for (const auto& [key, field] : sizes) {
      const toml::node* v = m->get(key);
      if (v == nullptr) continue;
      const std::string path = absl::StrCat("membership.", key);
      if (s_.membership != "hyparview") {
        r_.Error(v, path, "only for kind = \"hyparview\"");
        continue;
      }
      Set(r_.Integer(*v, path, 0, 1000), field);
    }
    if (const toml::node* v = m->get("random_promotion")) {
      Set(r_.Bool(*v, "membership.random_promotion"), &h.random_promotion);
    }
    if (const toml::node* v = m->get("random_promotion_interval")) {
      if (auto d = r_.Period(*v, "membership.random_promotion_interval")) {
        h.random_promotion_interval = d->ToAbsl();
      }
    }
    if (const toml::node* v = m->get("shuffle_interval")) {
      if (auto d = r_.Period(*v, "membership.shuffle_interval")) h.shuffle_interval = d->ToAbsl();
    }
    if (h.active_max_size < 2 || h.active_min_size > h.active_max_size) {
      const toml::node* where = m->get("active_max_size");
      r_.Error(where != nullptr ? where : m, "membership.active_max_size",
               "needs 2 <= active_max_size and active_min_size <= active_max_size "
               "(both count the node itself, as in Partisan)");
    }
  }

  // [plumtree]
  void ReadPlumtree() {
    const toml::table* p = Table("plumtree");
    if (p == nullptr) return;
    r_.CheckKeys(*p, "plumtree",
                 {"lazy_tick_period", "exchange_tick_period", "exchange_selection",
                  "broadcast_start_exchange_limit"});
    if (const toml::node* v = p->get("lazy_tick_period")) {
      if (auto d = r_.Period(*v, "plumtree.lazy_tick_period")) {
        s_.plumtree.lazy_tick_period = d->ToAbsl();
      }
    }
    if (const toml::node* v = p->get("exchange_tick_period")) {
      if (auto d = r_.Period(*v, "plumtree.exchange_tick_period")) {
        s_.plumtree.exchange_tick_period = d->ToAbsl();
      }
    }
    if (const toml::node* v = p->get("exchange_selection")) {
      const std::optional<std::string> sel = r_.String(*v, "plumtree.exchange_selection");
      if (sel == "optimized") {
        s_.plumtree.exchange_selection = ExchangeSelection::kOptimized;
      } else if (sel == "normal") {
        s_.plumtree.exchange_selection = ExchangeSelection::kNormal;
      } else if (sel) {
        r_.Error(v, "plumtree.exchange_selection", "expected \"optimized\" or \"normal\"");
      }
    }
    if (const toml::node* v = p->get("broadcast_start_exchange_limit")) {
      Set(r_.Integer(*v, "plumtree.broadcast_start_exchange_limit", 0, 1000),
          &s_.plumtree.broadcast_start_exchange_limit);
    }
  }

  // [heartbeat]
  void ReadHeartbeat() {
    const toml::table* h = Table("heartbeat");
    if (h == nullptr) return;
    r_.CheckKeys(*h, "heartbeat", {"broadcast", "broadcast_heartbeat_interval"});
    if (const toml::node* v = h->get("broadcast")) {
      Set(r_.Bool(*v, "heartbeat.broadcast"), &s_.heartbeat.broadcast);
    }
    if (const toml::node* v = h->get("broadcast_heartbeat_interval")) {
      if (auto d = r_.Period(*v, "heartbeat.broadcast_heartbeat_interval")) {
        s_.heartbeat.broadcast_heartbeat_interval = d->ToAbsl();
      }
    }
  }

  // [network]
  void ReadNetwork() {
    const toml::table* n = Table("network");
    if (n == nullptr) return;
    r_.CheckKeys(*n, "network",
                 {"latency", "loss", "duplicate", "reorder", "links", "transport", "tcp"});
    if (const toml::node* v = n->get("transport")) {
      const std::optional<std::string> t = r_.String(*v, "network.transport");
      if (t == "tcp") {
        s_.network.transport = Transport::kTcp;
      } else if (t == "datagram") {
        s_.network.transport = Transport::kDatagram;
      } else if (t) {
        r_.Error(v, "network.transport", "expected \"tcp\" or \"datagram\"");
      }
    }
    const bool tcp = s_.network.transport == Transport::kTcp;
    if (const toml::node* v = n->get("latency"))
      Set(r_.Latency(*v, "network.latency"), &s_.network.latency);
    if (const toml::node* v = n->get("loss"))
      Set(r_.Probability(*v, "network.loss"), &s_.network.loss);
    if (const toml::node* v = n->get("duplicate")) {
      Set(r_.Probability(*v, "network.duplicate"), &s_.network.duplicate);
      if (tcp && s_.network.duplicate > 0) {
        r_.Error(v, "network.duplicate",
                 "TCP delivers each message once: only for transport = \"datagram\"");
      }
    }
    if (const toml::node* v = n->get("reorder")) {
      Set(r_.Bool(*v, "network.reorder"), &s_.network.reorder);
      if (tcp && s_.network.reorder) {
        r_.Error(v, "network.reorder", "TCP delivers in order: only for transport = \"datagram\"");
      }
    }
    if (const toml::node* v = n->get("tcp")) ReadTcp(*v, tcp);
    if (const toml::node* v = n->get("links")) {
      if (!v->is_array_of_tables()) {
        r_.Error(v, "network.links", "expected [[network.links]] tables");
        return;
      }
      for (const toml::node& e : *v->as_array()) ReadLink(*e.as_table());
    }
  }

  // [network.tcp]
  void ReadTcp(const toml::node& v, bool tcp) {
    if (!v.is_table()) {
      r_.Error(&v, "network.tcp", "expected a table");
      return;
    }
    if (!tcp) r_.Error(&v, "network.tcp", "only for transport = \"tcp\"");
    const toml::table& t = *v.as_table();
    r_.CheckKeys(t, "network.tcp", {"min_rto", "max_rto"});
    TcpConfig& c = s_.network.tcp;
    if (const toml::node* x = t.get("min_rto"))
      Set(r_.Period(*x, "network.tcp.min_rto"), &c.min_rto);
    if (const toml::node* x = t.get("max_rto"))
      Set(r_.Period(*x, "network.tcp.max_rto"), &c.max_rto);
    if (c.max_rto < c.min_rto) {
      r_.Error(t.get("max_rto") != nullptr ? t.get("max_rto") : &v, "network.tcp.max_rto",
               "must be at least min_rto");
    }
  }

  // [processing]
  void ReadProcessing() {
    const toml::table* p = Table("processing");
    if (p == nullptr) return;
    r_.CheckKeys(
        *p, "processing",
        {"per_message", "broadcast_server", "backend", "peer_service", "timer_granularity"});
    ProcessingConfig& c = s_.processing;
    if (const toml::node* v = p->get("per_message")) {
      if (std::optional<LatencyDistribution> d = r_.Latency(*v, "processing.per_message")) {
        c.per_message.fill(*d);
      }
    }
    for (int k = 0; k < kProcessKinds; ++k) {
      const char* name = ProcessKindName(static_cast<ProcessKind>(k));
      if (const toml::node* v = p->get(name)) {
        Set(r_.Latency(*v, absl::StrCat("processing.", name)), &c.per_message[k]);
      }
    }
    if (const toml::node* v = p->get("timer_granularity")) {
      Set(r_.Duration(*v, "processing.timer_granularity", SimDuration::Nanoseconds(1)),
          &c.timer_granularity);
    }
  }

  // [partisan]
  void ReadPartisan() {
    const toml::table* p = Table("partisan");
    if (p == nullptr) return;
    r_.CheckKeys(*p, "partisan",
                 {"persist_epoch", "connection_ping", "connect_timeout", "connection_interval"});
    PartisanRuntimeConfig& c = s_.partisan;
    if (const toml::node* v = p->get("persist_epoch")) {
      Set(r_.Bool(*v, "partisan.persist_epoch"), &c.persist_epoch);
    }
    if (const toml::node* v = p->get("connect_timeout")) {
      Set(r_.Period(*v, "partisan.connect_timeout"), &c.connect_timeout);
    }
    if (const toml::node* v = p->get("connection_interval")) {
      Set(r_.Period(*v, "partisan.connection_interval"), &c.connection_interval);
    }
    const toml::node* ping = p->get("connection_ping");
    if (ping == nullptr) return;
    if (!ping->is_table()) {
      r_.Error(ping, "partisan.connection_ping",
               "expected a table, e.g. { enabled = true, idle_timeout = \"20s\", "
               "timeout = \"10s\", max_attempts = 5 }");
      return;
    }
    const toml::table& t = *ping->as_table();
    r_.CheckKeys(t, "partisan.connection_ping",
                 {"enabled", "idle_timeout", "timeout", "max_attempts"});
    if (const toml::node* x = t.get("enabled")) {
      Set(r_.Bool(*x, "partisan.connection_ping.enabled"), &c.ping_enabled);
    }
    if (const toml::node* x = t.get("idle_timeout")) {
      Set(r_.Period(*x, "partisan.connection_ping.idle_timeout"), &c.ping_idle_timeout);
    }
    if (const toml::node* x = t.get("timeout")) {
      Set(r_.Period(*x, "partisan.connection_ping.timeout"), &c.ping_timeout);
    }
    if (const toml::node* x = t.get("max_attempts")) {
      Set(r_.Integer(*x, "partisan.connection_ping.max_attempts", 0, 1000), &c.ping_max_attempts);
    }
  }

  // [[network.links]]
  void ReadLink(const toml::table& t) {
    r_.CheckKeys(t, "network.links", {"from", "to", "symmetric", "latency", "loss"});
    LinkSpec link;
    const toml::node* from = t.get("from");
    const toml::node* to = t.get("to");
    if (from == nullptr) r_.Missing(&t, "network.links.from", "");
    if (to == nullptr) r_.Missing(&t, "network.links.to", "");
    if (from != nullptr) Set(r_.Nodes(*from, "network.links.from"), &link.from);
    if (to != nullptr) Set(r_.Nodes(*to, "network.links.to"), &link.to);
    if (const toml::node* x = t.get("symmetric")) {
      Set(r_.Bool(*x, "network.links.symmetric"), &link.symmetric);
    }
    if (const toml::node* x = t.get("latency"))
      link.latency = r_.Latency(*x, "network.links.latency");
    if (const toml::node* x = t.get("loss")) link.loss = r_.Probability(*x, "network.links.loss");
    if (t.get("latency") == nullptr && t.get("loss") == nullptr) {
      r_.Error(&t, "network.links", "sets neither \"latency\" nor \"loss\"");
    }
    s_.links.push_back(std::move(link));
  }

  // [[events]]
  void ReadEvents() {
    const toml::array* events = Tables("events");
    if (events == nullptr) return;
    for (const toml::node& e : *events) ReadEvent(*e.as_table());
    CheckJoinIds(*events);
    std::stable_sort(s_.events.begin(), s_.events.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  }

  void ReadEvent(const toml::table& t) {
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
    using K = TimelineEvent::Kind;
    bool known = true;
    if (*kind == "crash" || *kind == "leave") {
      ev.kind = *kind == "crash" ? K::kCrash : K::kLeave;
      r_.CheckKeys(t, "events", {"at", "kind", "nodes", "of"});
      NeedNodes(t, "nodes", *kind, &ev.nodes);
    } else if (*kind == "restart" || *kind == "join") {
      ev.kind = *kind == "restart" ? K::kRestart : K::kJoin;
      ReadRestartOrJoin(t, *kind, &ev);
    } else if (*kind == "partition") {
      ev.kind = K::kPartition;
      ReadPartition(t, &ev);
    } else if (*kind == "partition_one_way") {
      ev.kind = K::kPartitionOneWay;
      r_.CheckKeys(t, "events", {"at", "kind", "from", "to"});
      NeedNodes(t, "from", *kind, &ev.from);
      NeedNodes(t, "to", *kind, &ev.to);
    } else if (*kind == "heal") {
      ev.kind = K::kHeal;
      r_.CheckKeys(t, "events", {"at", "kind"});
    } else if (*kind == "link_down" || *kind == "link_up") {
      ev.kind = *kind == "link_down" ? K::kLinkDown : K::kLinkUp;
      r_.CheckKeys(t, "events", {"at", "kind", "from", "to", "symmetric"});
      NeedNodes(t, "from", *kind, &ev.from);
      NeedNodes(t, "to", *kind, &ev.to);
      ReadSymmetric(t, &ev);
    } else if (*kind == "set_latency") {
      ev.kind = K::kSetLatency;
      r_.CheckKeys(t, "events", {"at", "kind", "latency", "from", "to", "symmetric"});
      if (const toml::node* v = t.get("latency")) {
        ev.latency = r_.Latency(*v, "events.latency");
      } else {
        r_.Missing(&t, "events.latency", "needed by kind \"set_latency\"");
      }
      ReadScope(t, &ev);
    } else if (*kind == "set_loss") {
      ev.kind = K::kSetLoss;
      r_.CheckKeys(t, "events", {"at", "kind", "loss", "from", "to", "symmetric"});
      if (const toml::node* v = t.get("loss")) {
        Set(r_.Probability(*v, "events.loss"), &ev.loss);
      } else {
        r_.Missing(&t, "events.loss", "needed by kind \"set_loss\"");
      }
      ReadScope(t, &ev);
    } else if (*kind == "broadcast") {
      ev.kind = K::kBroadcast;
      ReadBroadcast(t, &ev);
    } else {
      known = false;
      r_.Error(kind_node, "events.kind",
               absl::StrCat("unknown event kind \"", *kind,
                            "\"; expected crash, restart, join, leave, partition, "
                            "partition_one_way, heal, link_down, link_up, "
                            "set_latency, set_loss or broadcast"));
    }
    if (known) s_.events.push_back(std::move(ev));
  }

  // A node set the event kind needs. For `nodes`, an `of` key gives the
  // population a random set ("random 40%") is drawn from.
  void NeedNodes(const toml::table& t, const char* key, const std::string& kind, NodeSet* out) {
    const std::string path = absl::StrCat("events.", key);
    std::optional<NodeSet> population;
    if (const toml::node* of = t.get("of"); of != nullptr && std::string(key) == "nodes") {
      population = r_.Nodes(*of, "events.of");
      if (!population) return;
    }
    const char* no_random =
        kind == "join" ? "join introduces the next ids in order; it takes no random set" : "";
    if (const toml::node* v = t.get(key)) {
      Set(r_.Nodes(*v, path, population ? &*population : nullptr, no_random), out);
    } else {
      r_.Missing(&t, path, absl::StrCat("needed by kind \"", kind, "\""));
    }
  }

  void ReadRestartOrJoin(const toml::table& t, const std::string& kind, TimelineEvent* ev) {
    r_.CheckKeys(t, "events", {"at", "kind", "nodes", "contact", "of"});
    NeedNodes(t, "nodes", kind, &ev->nodes);
    if (const toml::node* v = t.get("contact")) {
      if (std::optional<std::string> name = r_.String(*v, "events.contact")) {
        ev->contact = r_.Node(*v, *name, "events.contact");
      }
    }
    if (ev->kind != TimelineEvent::Kind::kJoin || ev->nodes.empty()) return;
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
  void CheckJoinIds(const toml::array& events) {
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

  void ReadPartition(const toml::table& t, TimelineEvent* ev) {
    r_.CheckKeys(t, "events", {"at", "kind", "groups"});
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
  void ReadScope(const toml::table& t, TimelineEvent* ev) {
    const bool has_from = t.get("from") != nullptr, has_to = t.get("to") != nullptr;
    if (has_from != has_to) {
      r_.Error(&t, "events", "give both \"from\" and \"to\", or neither");
    } else if (has_from) {
      Set(r_.Nodes(*t.get("from"), "events.from"), &ev->from);
      Set(r_.Nodes(*t.get("to"), "events.to"), &ev->to);
    }
    ReadSymmetric(t, ev);
  }

  void ReadSymmetric(const toml::table& t, TimelineEvent* ev) {
    if (const toml::node* v = t.get("symmetric"))
      Set(r_.Bool(*v, "events.symmetric"), &ev->symmetric);
  }

  void ReadBroadcast(const toml::table& t, TimelineEvent* ev) {
    r_.CheckKeys(t, "events", {"at", "kind", "from", "count", "interval", "size"});
    NeedNodes(t, "from", "broadcast", &ev->from);
    if (const toml::node* v = t.get("count"))
      Set(r_.Integer(*v, "events.count", 1, 100'000'000), &ev->count);
    if (const toml::node* v = t.get("interval"))
      Set(r_.Duration(*v, "events.interval"), &ev->interval);
    if (const toml::node* v = t.get("size"))
      Set(r_.Integer(*v, "events.size", 0, 1 << 20), &ev->size_bytes);
    // Every message is sent within the run: the last at at + interval * (count - 1).
    const __int128 last = static_cast<__int128>(ev->interval.ns()) * (ev->count - 1) + ev->at.ns();
    if (ev->count > 1 && last > s_.duration.ns()) {
      r_.Error(t.get("count") != nullptr ? t.get("count") : &t, "events.count",
               absl::StrCat(ev->count, " messages ", FormatSimDuration(ev->interval),
                            " apart would end after the run (duration ",
                            FormatSimDuration(s_.duration), "); lower count or interval"));
    }
  }

  // [[churn]]
  void ReadChurn() {
    const toml::array* churns = Tables("churn");
    if (churns == nullptr) return;
    for (const toml::node& e : *churns) {
      const toml::table& t = *e.as_table();
      r_.CheckKeys(t, "churn", {"start", "end", "nodes", "mean_time_between_crashes", "downtime"});
      ChurnSpec churn;
      bool ok = true;
      auto duration = [&](const char* key, SimDuration min, SimDuration* out) {
        const std::string path = absl::StrCat("churn.", key);
        if (const toml::node* v = t.get(key)) {
          std::optional<SimDuration> d = r_.Duration(*v, path, min);
          ok = ok && d.has_value();
          if (d) *out = *d;
        } else {
          r_.Missing(&t, path, "");
          ok = false;
        }
      };
      SimDuration start, end;
      duration("start", SimDuration::Zero(), &start);
      duration("end", SimDuration::Zero(), &end);
      duration("mean_time_between_crashes", kMinTimerPeriod, &churn.mean_time_between_crashes);
      duration("downtime", SimDuration::Nanoseconds(1), &churn.downtime);
      if (ok && (end <= start || end > s_.duration)) {
        r_.Error(t.get("end"), "churn.end", "expected start < end <= duration");
      }
      churn.start = SimTime::Zero() + start;
      churn.end = SimTime::Zero() + end;
      if (const toml::node* v = t.get("nodes")) {
        Set(r_.Nodes(*v, "churn.nodes"), &churn.nodes);
      } else if (s_.node_count > 0) {
        churn.nodes = NodeSet::Interval(0, static_cast<NodeId>(s_.node_count - 1));
      }
      s_.churn.push_back(std::move(churn));
    }
  }

  // [metrics]
  void ReadMetrics() {
    const toml::table* m = Table("metrics");
    const toml::node* window = m != nullptr ? m->get("window") : nullptr;
    if (m != nullptr) {
      r_.CheckKeys(*m, "metrics", {"window", "settle", "stable_rounds", "rmr_epsilon"});
      if (const toml::node* v = m->get("stable_rounds")) {
        Set(r_.Integer(*v, "metrics.stable_rounds", 1, 1'000'000), &s_.convergence.stable_rounds);
      }
      if (const toml::node* v = m->get("rmr_epsilon")) {
        Set(r_.Number(*v, "metrics.rmr_epsilon", 0, 1e6), &s_.convergence.rmr_epsilon);
      }
      if (window != nullptr) {
        Set(r_.Duration(*window, "metrics.window", kMinTimerPeriod), &s_.metrics_window);
      }
      if (const toml::node* v = m->get("settle"))
        Set(r_.Duration(*v, "metrics.settle"), &s_.settle);
    }
    // One timeseries.csv row per window, kept in memory: bounded.
    if (s_.metrics_window.ns() > 0 && s_.duration.ns() / s_.metrics_window.ns() > 10'000'000) {
      r_.Error(window != nullptr ? window : root_.get("duration"),
               window != nullptr ? "metrics.window" : "duration",
               absl::StrCat("with a metrics window of ", FormatSimDuration(s_.metrics_window),
                            " this makes more than 10,000,000 timeseries rows; set a longer "
                            "[metrics] window"));
    }
  }

  // [snapshots]
  void ReadSnapshots() {
    const toml::table* snap = Table("snapshots");
    if (snap == nullptr) return;
    r_.CheckKeys(*snap, "snapshots", {"at", "roots"});
    if (const toml::node* v = snap->get("at")) {
      if (!v->is_array()) {
        r_.Error(v, "snapshots.at", "expected an array of durations");
      } else {
        for (const toml::node& e : *v->as_array()) {
          std::optional<SimDuration> d = r_.Duration(e, "snapshots.at");
          if (!d) continue;
          if (*d > s_.duration) r_.Error(&e, "snapshots.at", "is after the end of the run");
          s_.snapshot_times.push_back(SimTime::Zero() + *d);
        }
        std::sort(s_.snapshot_times.begin(), s_.snapshot_times.end());
      }
    }
    if (const toml::node* v = snap->get("roots"))
      Set(r_.Nodes(*v, "snapshots.roots"), &s_.snapshot_roots);
  }

  // [trace]
  void ReadTrace() {
    const toml::table* t = Table("trace");
    if (t == nullptr) return;
    r_.CheckKeys(*t, "trace", {"kinds", "nodes", "roots", "compress"});
    if (const toml::node* v = t->get("kinds")) {
      if (!v->is_array()) {
        r_.Error(v, "trace.kinds",
                 "expected an array of event kinds, e.g. [\"add_eager\", \"graft\"]");
      } else {
        for (const toml::node& e : *v->as_array()) {
          std::optional<std::string> kind = r_.String(e, "trace.kinds");
          if (!kind) continue;
          if (!IsTraceKind(*kind)) {
            r_.Error(&e, "trace.kinds",
                     absl::StrCat("unknown event kind \"", *kind, "\"; expected one of ",
                                  absl::StrJoin(TraceKinds(), ", ")));
            continue;
          }
          s_.trace.kinds.push_back(*kind);
        }
      }
    }
    if (const toml::node* v = t->get("nodes")) Set(r_.Nodes(*v, "trace.nodes"), &s_.trace.nodes);
    if (const toml::node* v = t->get("roots")) Set(r_.Nodes(*v, "trace.roots"), &s_.trace.roots);
    if (const toml::node* v = t->get("compress")) {
      if (std::optional<std::string> c = r_.String(*v, "trace.compress")) {
        if (*c == "zstd" || *c == "none") {
          s_.trace.zstd = *c == "zstd";
        } else {
          r_.Error(v, "trace.compress", "expected \"zstd\" or \"none\"");
        }
      }
    }
  }

  // [[expect]]
  void ReadExpectations() {
    const toml::array* expects = Tables("expect");
    if (expects == nullptr) return;
    for (const toml::node& e : *expects) ReadExpectation(*e.as_table());
  }

  void ReadExpectation(const toml::table& t) {
    Expectation ex;
    ex.line = static_cast<int>(t.source().begin.line);
    const toml::node* metric = t.get("metric");
    if (metric == nullptr) {
      r_.Missing(&t, "expect.metric", "e.g. metric = \"reliability_min\"");
      return;
    }
    const std::optional<std::string> name = r_.String(*metric, "expect.metric");
    if (!name) return;
    using M = Expectation::Metric;
    const char* bound_key = nullptr;
    if (*name == "reliability_min") {
      ex.metric = M::kReliabilityMin;
      bound_key = "at_least";
    } else if (*name == "reach_min") {
      ex.metric = M::kReachMin;
      bound_key = "at_least";
    } else if (*name == "rmr_max") {
      ex.metric = M::kRmrMax;
      bound_key = "at_most";
    } else if (*name == "ldh_max") {
      ex.metric = M::kLdhMax;
      bound_key = "at_most";
    } else if (*name == "trees_spanning") {
      ex.metric = M::kTreesSpanning;
    } else if (*name == "converged_before") {
      ex.metric = M::kConvergedBefore;
    } else if (*name == "tree_stable_before") {
      ex.metric = M::kTreeStableBefore;
    } else if (*name == "rmr_settled_before") {
      ex.metric = M::kRmrSettledBefore;
    } else if (*name == "connections_closed") {
      ex.metric = M::kConnectionsClosed;
      ReadConnectionsClosed(t, &ex);
      s_.expectations.push_back(ex);
      return;
    } else {
      r_.Error(metric, "expect.metric",
               absl::StrCat("unknown metric \"", *name,
                            "\"; expected reliability_min, reach_min, rmr_max, ldh_max, "
                            "trees_spanning, converged_before, tree_stable_before, "
                            "rmr_settled_before or connections_closed"));
      return;
    }
    if (ex.metric == M::kTreesSpanning) {
      r_.CheckKeys(t, "expect", {"metric"});
    } else if (ex.metric == M::kConvergedBefore || ex.metric == M::kTreeStableBefore ||
               ex.metric == M::kRmrSettledBefore) {
      const bool share = ex.metric != M::kConvergedBefore;
      if (share) {
        r_.CheckKeys(t, "expect", {"metric", "before", "handler", "share"});
        ex.bound = 1.0;
        if (const toml::node* v = t.get("share")) {
          Set(r_.Number(*v, "expect.share", 0, 1), &ex.bound);
        }
      } else {
        r_.CheckKeys(t, "expect", {"metric", "before", "handler"});
      }
      if (const toml::node* before = t.get("before")) {
        if (auto d = r_.Duration(*before, "expect.before")) ex.before = SimTime::Zero() + *d;
      } else {
        r_.Missing(&t, "expect.before", "e.g. before = \"60s\"");
      }
    } else {
      r_.CheckKeys(t, "expect", {"metric", "after", "before", "handler", bound_key});
      if (const toml::node* before = t.get("before")) {
        if (auto d = r_.Duration(*before, "expect.before")) ex.before = SimTime::Zero() + *d;
      }
      if (const toml::node* bound = t.get(bound_key)) {
        Set(r_.Number(*bound, absl::StrCat("expect.", bound_key), -1e12, 1e12), &ex.bound);
      } else {
        r_.Missing(&t, absl::StrCat("expect.", bound_key),
                   absl::StrCat(*name, " needs ", bound_key, " = <number>"));
      }
      if (const toml::node* after = t.get("after")) {
        if (auto d = r_.Duration(*after, "expect.after")) ex.after = SimTime::Zero() + *d;
      }
    }
    if (const toml::node* h = t.get("handler")) {
      Set(r_.String(*h, "expect.handler"), &ex.handler);
      if (ex.handler != "heartbeat" && ex.handler != "application" && ex.handler != "all") {
        r_.Error(h, "expect.handler", "expected \"heartbeat\", \"application\" or \"all\"");
      }
    }
    s_.expectations.push_back(ex);
  }

  // metric = "connections_closed": reason, after, before, and one of
  // at_least / at_most.
  void ReadConnectionsClosed(const toml::table& t, Expectation* ex) {
    r_.CheckKeys(t, "expect", {"metric", "reason", "after", "before", "at_least", "at_most"});
    if (s_.network.transport != Transport::kTcp) {
      r_.Error(&t, "expect.metric", "connections_closed needs transport = \"tcp\"");
    }
    if (const toml::node* v = t.get("reason")) {
      Set(r_.String(*v, "expect.reason"), &ex->reason);
      bool known = false;
      std::vector<std::string> names;
      for (int i = 0; i < kCloseReasons; ++i) {
        names.push_back(CloseReasonName(static_cast<CloseReason>(i)));
        known = known || ex->reason == names.back();
      }
      if (!known) {
        r_.Error(v, "expect.reason", absl::StrCat("expected one of ", absl::StrJoin(names, ", ")));
      }
    }
    if (const toml::node* v = t.get("after")) {
      if (auto d = r_.Duration(*v, "expect.after")) ex->after = SimTime::Zero() + *d;
    }
    if (const toml::node* v = t.get("before")) {
      if (auto d = r_.Duration(*v, "expect.before")) ex->before = SimTime::Zero() + *d;
    }
    const toml::node* at_least = t.get("at_least");
    const toml::node* at_most = t.get("at_most");
    if ((at_least == nullptr) == (at_most == nullptr)) {
      r_.Error(&t, "expect", "connections_closed needs one of at_least or at_most");
      return;
    }
    ex->upper_bound = at_most != nullptr;
    const toml::node* bound = ex->upper_bound ? at_most : at_least;
    Set(r_.Number(*bound, ex->upper_bound ? "expect.at_most" : "expect.at_least", 0, 1e12),
        &ex->bound);
  }

  const toml::table& root_;
  ScenarioReader& r_;
  Scenario s_;
  std::vector<NodeSet> joined_;
};

// Applies one override to the parsed document. The value is read as TOML
// ("32", "\"10s\"", "true", "[...]", "{...}"); if it is not valid TOML it
// is taken as a plain string, so --set name=foo works. Path segments that
// are numbers index arrays: events.0.at.
void ApplyOverride(toml::table& root, const Override& o, ScenarioReader* r) {
  if (o.path.empty()) {
    r->Error(nullptr, "",
             absl::StrCat(o.argument, ": expected key=value, e.g. --set nodes.count=32"));
    return;
  }
  toml::table holder;
  try {
    holder = toml::parse(absl::StrCat("v = ", o.value), o.argument);
  } catch (const toml::parse_error&) {
    holder = toml::table{{"v", o.value}};
  }
  const std::vector<std::string> segments = absl::StrSplit(o.path, '.');
  toml::node* current = &root;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    const std::string& seg = segments[i];
    toml::node* next = nullptr;
    if (toml::table* t = current->as_table()) {
      next = t->get(seg);
      if (next == nullptr) {
        next = &t->insert(seg, toml::table{}).first->second;
        r->MarkFromArgument(*next, o.argument);
      }
    } else if (toml::array* a = current->as_array()) {
      size_t index;
      if (absl::SimpleAtoi(seg, &index) && index < a->size()) next = a->get(index);
    }
    if (next == nullptr || (!next->is_table() && !next->is_array())) {
      r->Error(nullptr, "",
               absl::StrCat(o.argument, ": ",
                            absl::StrJoin(segments.begin(), segments.begin() + i + 1, "."),
                            " is not a table or an index of an array"));
      return;
    }
    current = next;
  }
  const std::string& last = segments.back();
  holder.get("v")->visit([&](auto& value) {
    if (toml::table* t = current->as_table()) {
      auto [it, inserted] = t->insert_or_assign(last, value);
      r->MarkFromArgument(it->second, o.argument);
      return;
    }
    toml::array* a = current->as_array();
    size_t index;
    if (a == nullptr || !absl::SimpleAtoi(last, &index) || index >= a->size()) {
      r->Error(nullptr, "", absl::StrCat(o.argument, ": cannot set ", o.path));
      return;
    }
    a->replace(a->cbegin() + static_cast<long>(index), value);
    r->MarkFromArgument(*a->get(index), o.argument);
  });
}

std::vector<Override> FromSets(const std::vector<std::string>& sets) {
  std::vector<Override> out;
  for (const std::string& s : sets) out.push_back(Override::FromSet(s));
  return out;
}

}  // namespace

Override Override::FromSet(const std::string& assignment) {
  Override o;
  o.argument = absl::StrCat("--set ", assignment);
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) return o;
  o.path = std::string(absl::StripAsciiWhitespace(assignment.substr(0, eq)));
  o.value = assignment.substr(eq + 1);
  return o;
}

absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source_name,
                                       const std::vector<Override>& overrides) {
  absl::StatusOr<toml::table> parsed = ParseTomlDocument(text, source_name);
  if (!parsed.ok()) return parsed.status();
  toml::table& root = *parsed;
  ScenarioReader reader(source_name);
  if (const toml::node* base = root["study"]["scenario"].node()) {
    reader.Error(base, "study.scenario",
                 "this is a study file naming its base scenario; run it with plumsim study run "
                 "(docs/studies.md)");
    return reader.Result();
  }
  for (const Override& o : overrides) ApplyOverride(root, o, &reader);
  if (!reader.ok()) return reader.Result();
  Scenario s = SectionReader(root, &reader).Read();
  if (!reader.ok()) return reader.Result();
  return s;
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path,
                                      const std::vector<Override>& overrides) {
  absl::StatusOr<std::string> text = ReadInputFile(path, "scenario file");
  if (!text.ok()) return text.status();
  return ParseScenario(*text, path, overrides);
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path,
                                      const std::vector<std::string>& sets) {
  return LoadScenario(path, FromSets(sets));
}

absl::StatusOr<Scenario> ParseScenario(absl::string_view text, const std::string& source_name,
                                       const std::vector<std::string>& sets) {
  return ParseScenario(text, source_name, FromSets(sets));
}

}  // namespace plumsim
