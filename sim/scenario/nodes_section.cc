// [nodes]: how many nodes start, when, how they crash, and the Erlang names
// and listen addresses that differ from the defaults. Reading it also fixes
// which node ids exist for every later node reference: the initial ones and
// those that [[events]] join.
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "sim/runtime/node_identity.h"
#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

constexpr absl::string_view kNodesKeys[] = {"count",     "start_interval", "start_jitter", "crash",
                                            "bootstrap", "names",          "addresses"};

constexpr const char* kBootstrapNames[] = {"started", "earlier", "seed"};

void ReadBootstrap(const toml::node& v, ScenarioReader* r, Scenario* s) {
  const std::optional<std::string> name = r->String(v, "nodes.bootstrap");
  if (!name) return;
  for (size_t i = 0; i < std::size(kBootstrapNames); ++i) {
    if (*name == kBootstrapNames[i]) {
      s->bootstrap = static_cast<Scenario::Bootstrap>(i);
      return;
    }
  }
  r->Error(&v, "nodes.bootstrap", "expected \"started\", \"earlier\" or \"seed\"");
}

void ReadCrashMode(const toml::node& v, ScenarioReader* r, Scenario* s) {
  const std::optional<std::string> mode = r->String(v, "nodes.crash");
  if (mode == "process") {
    s->crash_mode = CrashMode::kProcess;
  } else if (mode == "host") {
    s->crash_mode = CrashMode::kHost;
  } else if (mode) {
    r->Error(&v, "nodes.crash", "expected \"process\" or \"host\"");
  }
}

// count, start_interval, start_jitter, crash, bootstrap.
void ReadNodeCounts(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* nodes = SectionTable(root, "nodes", r);
  if (nodes == nullptr) {
    if (root.get("nodes") == nullptr) {
      r->Missing(nullptr, "nodes", "a table [nodes] with count = N");
    }
    return;
  }
  r->CheckKeys(*nodes, "nodes", kNodesKeys);
  if (const toml::node* v = nodes->get("crash")) ReadCrashMode(*v, r, s);
  if (const toml::node* v = nodes->get("bootstrap")) ReadBootstrap(*v, r, s);
  if (const toml::node* v = nodes->get("count")) {
    SetIfRead(r->Integer(*v, "nodes.count", 1, kMaxNodes), &s->node_count);
  } else {
    r->Missing(nodes, "nodes.count", "e.g. count = 16");
  }
  if (const toml::node* v = nodes->get("start_interval")) {
    SetIfRead(r->Duration(*v, "nodes.start_interval"), &s->start_interval);
  }
  if (const toml::node* v = nodes->get("start_jitter")) {
    SetIfRead(r->Duration(*v, "nodes.start_jitter"), &s->start_jitter);
  }
  const __int128 last_start =
      static_cast<__int128>(s->start_interval.ns()) * std::max<int64_t>(0, s->node_count - 1) +
      s->start_jitter.ns();
  if (last_start > kMaxSimTime.ns()) {
    r->Error(nodes->get("start_interval"), "nodes.start_interval",
             absl::StrCat("the last node would start after ", FormatSimDuration(kMaxSimTime)));
  }
}

// Joined nodes count as existing for node references: find them first.
// Errors in the events are left to their own reader.
void CountJoinedNodes(const toml::table& root, ScenarioReader* r, const Scenario& s) {
  int64_t total = s.node_count;
  const toml::node* ev = root.get("events");
  if (ev != nullptr && ev->is_array_of_tables()) {
    ScenarioReader scan(r->source_name());  // its errors are reported by the events reader
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
  r->set_total_nodes(std::min(total, kMaxNodes));
}

// A table keyed by node ("n3 = ..."): `read` for each entry.
template <typename F>
void ReadByNode(const toml::node& v, const char* key, ScenarioReader* r, F read) {
  if (!v.is_table()) {
    r->Error(&v, key, "expected a table by node, e.g. { n3 = ... }");
    return;
  }
  for (const auto& [name, x] : *v.as_table()) {
    std::optional<NodeId> node = r->Node(x, std::string(name.str()), key);
    if (node) read(x, *node);
  }
}

// names = { n3 = "alpha@h1" }: no two alike, defaults included.
void ReadNodeNames(const toml::node& v, ScenarioReader* r, Scenario* s) {
  ReadByNode(v, "nodes.names", r, [&](const toml::node& x, NodeId node) {
    std::optional<std::string> name = r->String(x, "nodes.names");
    if (!name) return;
    if (!IsValidNodeName(*name)) {
      r->Error(&x, "nodes.names",
               absl::StrCat("expected an Erlang node name like \"n3@host\", got \"", *name, "\""));
      return;
    }
    s->node_names[node] = *name;
  });
  const int64_t total = r->total_nodes();
  absl::flat_hash_map<std::string, NodeId> seen;
  for (int64_t i = 0; i < total; ++i) {
    auto it = s->node_names.find(static_cast<NodeId>(i));
    const std::string name =
        it != s->node_names.end() ? it->second : DefaultNodeName(static_cast<NodeId>(i));
    auto [other, fresh] = seen.try_emplace(name, static_cast<NodeId>(i));
    if (!fresh) {
      r->Error(&v, "nodes.names",
               absl::StrCat(NodeName(other->second), " and n", i, " are both named ", name));
    }
  }
}

// addresses = { n3 = "10.1.0.7:9090" }
void ReadNodeAddresses(const toml::node& v, ScenarioReader* r, Scenario* s) {
  ReadByNode(v, "nodes.addresses", r, [&](const toml::node& x, NodeId node) {
    std::optional<std::string> text = r->String(x, "nodes.addresses");
    if (!text) return;
    std::optional<ListenAddress> address = ParseListenAddress(*text);
    if (!address) {
      r->Error(&x, "nodes.addresses",
               absl::StrCat("expected \"a.b.c.d:port\", got \"", *text, "\""));
      return;
    }
    s->node_addresses[node] = *address;
  });
}

void ReadNodes(const toml::table& root, ScenarioReader* r, Scenario* s) {
  ReadNodeCounts(root, r, s);
  r->set_initial_nodes(s->node_count);
  CountJoinedNodes(root, r, *s);
  const toml::table* nodes = root.get("nodes") ? root.get("nodes")->as_table() : nullptr;
  if (nodes == nullptr) return;
  if (const toml::node* v = nodes->get("names")) ReadNodeNames(*v, r, s);
  if (const toml::node* v = nodes->get("addresses")) ReadNodeAddresses(*v, r, s);
}

void WriteNodes(const Scenario& s, toml::table* root) {
  toml::table nodes{{"count", s.node_count},
                    {"start_interval", FormatSimDuration(s.start_interval)},
                    {"start_jitter", FormatSimDuration(s.start_jitter)},
                    {"crash", CrashModeName(s.crash_mode)}};
  // Written when set, so that resolved files of earlier runs stay the same.
  if (s.bootstrap != Scenario::Bootstrap::kStarted) {
    nodes.insert("bootstrap", kBootstrapNames[static_cast<int>(s.bootstrap)]);
  }
  if (!s.node_names.empty()) {
    toml::table t;
    for (const auto& [node, name] : s.node_names) t.insert(NodeName(node), name);
    nodes.insert("names", std::move(t));
  }
  if (!s.node_addresses.empty()) {
    toml::table t;
    for (const auto& [node, address] : s.node_addresses) {
      t.insert(NodeName(node), FormatListenAddress(address));
    }
    nodes.insert("addresses", std::move(t));
  }
  root->insert("nodes", std::move(nodes));
}

std::vector<TableKeys> NodesKeys() { return {KeysOf("nodes", kNodesKeys)}; }

}  // namespace

ScenarioSection NodesSection() { return {"nodes", &ReadNodes, &WriteNodes, &NodesKeys}; }

}  // namespace plumsim
