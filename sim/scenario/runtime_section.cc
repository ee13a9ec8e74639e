// [partisan] (partisan_config: epochs, the keepalive ping rule, connects)
// and [processing] (each node's processes' service times).
#include "absl/strings/str_cat.h"
#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

constexpr absl::string_view kPartisanKeys[] = {"persist_epoch",     "connection_ping",
                                               "connect_timeout",   "connection_interval",
                                               "periodic_interval", "connection_jitter"};
constexpr absl::string_view kConnectionPingKeys[] = {"enabled", "idle_timeout", "timeout",
                                                     "max_attempts"};
// per_message, then one key per ProcessKindName, then the timer keys.
constexpr absl::string_view kProcessingKeys[] = {"per_message",       "broadcast_server",
                                                 "backend",           "peer_service",
                                                 "timer_granularity", "timer_dispatch"};
// processing.timer_dispatch as a table per process: one key per ProcessKindName.
constexpr absl::string_view kProcessKindKeys[] = {"broadcast_server", "backend", "peer_service"};

// partisan.connection_ping = { enabled, idle_timeout, timeout, max_attempts }
void ReadConnectionPing(const toml::node& ping, ScenarioReader* r, Scenario* s) {
  if (!ping.is_table()) {
    r->Error(&ping, "partisan.connection_ping",
             "expected a table, e.g. { enabled = true, idle_timeout = \"20s\", "
             "timeout = \"10s\", max_attempts = 5 }");
    return;
  }
  const toml::table& t = *ping.as_table();
  r->CheckKeys(t, "partisan.connection_ping", kConnectionPingKeys);
  PartisanRuntimeConfig& c = s->partisan;
  if (const toml::node* x = t.get("enabled")) {
    // maybe_enable_ping/2's clause for `false` has its arguments swapped in
    // v5.0.3 (partisan_peer_service_client.erl ~line 493,
    // partisan_peer_service_server.erl ~line 301): init/1 fails with
    // function_clause and no connection ever opens.
    if (std::optional<bool> enabled = r->Bool(*x, "partisan.connection_ping.enabled");
        enabled && !*enabled) {
      r->Error(x, "partisan.connection_ping.enabled",
               "Partisan v5.0.3 cannot run with pings disabled: maybe_enable_ping/2's clause "
               "for false has its arguments swapped (partisan_peer_service_client.erl line "
               "493, partisan_peer_service_server.erl line 301), so every connection's init "
               "fails with function_clause and no connection opens; leave it true");
    }
  }
  if (const toml::node* x = t.get("idle_timeout")) {
    SetIfRead(r->Period(*x, "partisan.connection_ping.idle_timeout"), &c.ping_idle_timeout);
  }
  if (const toml::node* x = t.get("timeout")) {
    SetIfRead(r->Period(*x, "partisan.connection_ping.timeout"), &c.ping_timeout);
  }
  if (const toml::node* x = t.get("max_attempts")) {
    SetIfRead(r->Integer(*x, "partisan.connection_ping.max_attempts", 0, 1000),
              &c.ping_max_attempts);
  }
}

void ReadPartisan(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* p = SectionTable(root, "partisan", r);
  if (p == nullptr) return;
  r->CheckKeys(*p, "partisan", kPartisanKeys);
  PartisanRuntimeConfig& c = s->partisan;
  if (const toml::node* v = p->get("persist_epoch")) {
    SetIfRead(r->Bool(*v, "partisan.persist_epoch"), &c.persist_epoch);
  }
  if (const toml::node* v = p->get("connect_timeout")) {
    SetIfRead(r->Period(*v, "partisan.connect_timeout"), &c.connect_timeout);
  }
  if (const toml::node* v = p->get("connection_interval")) {
    SetIfRead(r->Period(*v, "partisan.connection_interval"), &c.connection_interval);
  }
  if (const toml::node* v = p->get("periodic_interval")) {
    SetIfRead(r->Period(*v, "partisan.periodic_interval"), &c.periodic_interval);
  }
  if (const toml::node* v = p->get("connection_jitter")) {
    SetIfRead(r->Duration(*v, "partisan.connection_jitter", SimDuration::Zero()),
              &c.connection_jitter);
  }
  if (const toml::node* ping = p->get("connection_ping")) ReadConnectionPing(*ping, r, s);
}

void WritePartisan(const Scenario& s, toml::table* root) {
  const PartisanRuntimeConfig& p = s.partisan;
  root->insert("partisan",
               toml::table{{"persist_epoch", p.persist_epoch},
                           {"connection_ping",
                            toml::table{{"enabled", true},
                                        {"idle_timeout", FormatSimDuration(p.ping_idle_timeout)},
                                        {"timeout", FormatSimDuration(p.ping_timeout)},
                                        {"max_attempts", p.ping_max_attempts}}},
                           {"connect_timeout", FormatSimDuration(p.connect_timeout)},
                           {"connection_interval", FormatSimDuration(p.connection_interval)},
                           {"periodic_interval", FormatSimDuration(p.periodic_interval)},
                           {"connection_jitter", FormatSimDuration(p.connection_jitter)}});
}

// processing.timer_dispatch: one latency value for every process, or a
// table of them per process ({ broadcast_server = ..., backend = ... }).
void ReadTimerDispatch(const toml::node& v, ScenarioReader* r, ProcessingConfig* c) {
  const toml::table* t = v.as_table();
  const bool per_process = t != nullptr && !t->contains("kind");
  if (!per_process) {
    if (std::optional<LatencyDistribution> d = r->Latency(v, "processing.timer_dispatch")) {
      c->timer_dispatch.fill(*d);
    }
    return;
  }
  r->CheckKeys(*t, "processing.timer_dispatch", kProcessKindKeys);
  for (int k = 0; k < kProcessKinds; ++k) {
    const char* name = ProcessKindName(static_cast<ProcessKind>(k));
    if (const toml::node* x = t->get(name)) {
      SetIfRead(r->Latency(*x, absl::StrCat("processing.timer_dispatch.", name)),
                &c->timer_dispatch[k]);
    }
  }
}

void ReadProcessing(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* p = SectionTable(root, "processing", r);
  if (p == nullptr) return;
  r->CheckKeys(*p, "processing", kProcessingKeys);
  ProcessingConfig& c = s->processing;
  if (const toml::node* v = p->get("per_message")) {
    if (std::optional<LatencyDistribution> d = r->Latency(*v, "processing.per_message")) {
      c.per_message.fill(*d);
    }
  }
  for (int k = 0; k < kProcessKinds; ++k) {
    const char* name = ProcessKindName(static_cast<ProcessKind>(k));
    if (const toml::node* v = p->get(name)) {
      SetIfRead(r->Latency(*v, absl::StrCat("processing.", name)), &c.per_message[k]);
    }
  }
  if (const toml::node* v = p->get("timer_granularity")) {
    SetIfRead(r->Duration(*v, "processing.timer_granularity", SimDuration::Nanoseconds(1)),
              &c.timer_granularity);
  }
  if (const toml::node* v = p->get("timer_dispatch")) ReadTimerDispatch(*v, r, &c);
}

void WriteProcessing(const Scenario& s, toml::table* root) {
  toml::table t{{"timer_granularity", FormatSimDuration(s.processing.timer_granularity)}};
  toml::table dispatch;
  for (int k = 0; k < kProcessKinds; ++k) {
    const char* name = ProcessKindName(static_cast<ProcessKind>(k));
    t.insert(name, LatencyToToml(s.processing.per_message[k]));
    dispatch.insert(name, LatencyToToml(s.processing.timer_dispatch[k]));
  }
  t.insert("timer_dispatch", std::move(dispatch));
  root->insert("processing", std::move(t));
}

std::vector<TableKeys> PartisanKeys() {
  return {KeysOf("partisan", kPartisanKeys),
          KeysOf("partisan.connection_ping", kConnectionPingKeys)};
}
std::vector<TableKeys> ProcessingKeys() {
  return {KeysOf("processing", kProcessingKeys),
          KeysOf("processing.timer_dispatch", kProcessKindKeys)};
}

}  // namespace

ScenarioSection PartisanSection() {
  return {"partisan", &ReadPartisan, &WritePartisan, &PartisanKeys};
}
ScenarioSection ProcessingSection() {
  return {"processing", &ReadProcessing, &WriteProcessing, &ProcessingKeys};
}

}  // namespace plumsim
