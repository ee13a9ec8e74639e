// What a run measures and writes: [metrics] (windows, settling, how
// convergence is judged), [snapshots] (tree snapshots) and [trace] (what
// trace.jsonl holds), with the trace's vocabulary of event kinds.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

constexpr absl::string_view kMetricsKeys[] = {"window", "settle", "stable_rounds", "rmr_epsilon"};
constexpr absl::string_view kSnapshotsKeys[] = {"at", "roots"};
constexpr absl::string_view kTraceKeys[] = {"kinds", "nodes", "roots", "compress"};

void ReadMetrics(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* m = SectionTable(root, "metrics", r);
  const toml::node* window = m != nullptr ? m->get("window") : nullptr;
  if (m != nullptr) {
    r->CheckKeys(*m, "metrics", kMetricsKeys);
    if (const toml::node* v = m->get("stable_rounds")) {
      SetIfRead(r->Integer(*v, "metrics.stable_rounds", 1, 1'000'000),
                &s->convergence.stable_rounds);
    }
    if (const toml::node* v = m->get("rmr_epsilon")) {
      SetIfRead(r->Number(*v, "metrics.rmr_epsilon", 0, 1e6), &s->convergence.rmr_epsilon);
    }
    if (window != nullptr) {
      SetIfRead(r->Duration(*window, "metrics.window", kMinTimerPeriod), &s->metrics_window);
    }
    if (const toml::node* v = m->get("settle")) {
      SetIfRead(r->Duration(*v, "metrics.settle"), &s->settle);
    }
  }
  // One timeseries.csv row per window, kept in memory: bounded.
  if (s->metrics_window.ns() > 0 && s->duration.ns() / s->metrics_window.ns() > 10'000'000) {
    r->Error(window != nullptr ? window : root.get("duration"),
             window != nullptr ? "metrics.window" : "duration",
             absl::StrCat("with a metrics window of ", FormatSimDuration(s->metrics_window),
                          " this makes more than 10,000,000 timeseries rows; set a longer "
                          "[metrics] window"));
  }
}

void WriteMetrics(const Scenario& s, toml::table* root) {
  root->insert("metrics", toml::table{{"window", FormatSimDuration(s.metrics_window)},
                                      {"settle", FormatSimDuration(s.settle)},
                                      {"stable_rounds", s.convergence.stable_rounds},
                                      {"rmr_epsilon", s.convergence.rmr_epsilon}});
}

void ReadSnapshots(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* snap = SectionTable(root, "snapshots", r);
  if (snap == nullptr) return;
  r->CheckKeys(*snap, "snapshots", kSnapshotsKeys);
  if (const toml::node* v = snap->get("at")) {
    if (!v->is_array()) {
      r->Error(v, "snapshots.at", "expected an array of durations");
    } else {
      for (const toml::node& e : *v->as_array()) {
        std::optional<SimDuration> d = r->Duration(e, "snapshots.at");
        if (!d) continue;
        if (*d > s->duration) r->Error(&e, "snapshots.at", "is after the end of the run");
        s->snapshot_times.push_back(SimTime::Zero() + *d);
      }
      std::sort(s->snapshot_times.begin(), s->snapshot_times.end());
    }
  }
  if (const toml::node* v = snap->get("roots")) {
    SetIfRead(r->Nodes(*v, "snapshots.roots"), &s->snapshot_roots);
  }
}

void WriteSnapshots(const Scenario& s, toml::table* root) {
  if (s.snapshot_times.empty() && s.snapshot_roots.empty()) return;
  toml::table snap;
  toml::array times;
  for (SimTime t : s.snapshot_times) times.push_back(FormatSimDuration(t.SinceStart()));
  snap.insert("at", std::move(times));
  if (!s.snapshot_roots.empty()) snap.insert("roots", s.snapshot_roots.ToString());
  root->insert("snapshots", std::move(snap));
}

void ReadTraceKinds(const toml::node& v, ScenarioReader* r, Scenario* s) {
  if (!v.is_array()) {
    r->Error(&v, "trace.kinds",
             "expected an array of event kinds, e.g. [\"add_eager\", \"graft\"]");
    return;
  }
  for (const toml::node& e : *v.as_array()) {
    std::optional<std::string> kind = r->String(e, "trace.kinds");
    if (!kind) continue;
    if (!IsTraceKind(*kind)) {
      r->Error(&e, "trace.kinds",
               absl::StrCat("unknown event kind \"", *kind, "\"; expected one of ",
                            absl::StrJoin(TraceKinds(), ", ")));
      continue;
    }
    s->trace.kinds.push_back(*kind);
  }
}

void ReadTrace(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* t = SectionTable(root, "trace", r);
  if (t == nullptr) return;
  r->CheckKeys(*t, "trace", kTraceKeys);
  if (const toml::node* v = t->get("kinds")) ReadTraceKinds(*v, r, s);
  if (const toml::node* v = t->get("nodes"))
    SetIfRead(r->Nodes(*v, "trace.nodes"), &s->trace.nodes);
  if (const toml::node* v = t->get("roots"))
    SetIfRead(r->Nodes(*v, "trace.roots"), &s->trace.roots);
  if (const toml::node* v = t->get("compress")) {
    if (std::optional<std::string> c = r->String(*v, "trace.compress")) {
      if (*c == "zstd" || *c == "none") {
        s->trace.zstd = *c == "zstd";
      } else {
        r->Error(v, "trace.compress", "expected \"zstd\" or \"none\"");
      }
    }
  }
}

void WriteTrace(const Scenario& s, toml::table* root) {
  if (s.trace.is_default()) return;
  toml::table t;
  if (!s.trace.kinds.empty()) {
    toml::array kinds;
    for (const std::string& k : s.trace.kinds) kinds.push_back(k);
    t.insert("kinds", std::move(kinds));
  }
  if (!s.trace.nodes.empty()) t.insert("nodes", s.trace.nodes.ToString());
  if (!s.trace.roots.empty()) t.insert("roots", s.trace.roots.ToString());
  t.insert("compress", s.trace.zstd ? "zstd" : "none");
  root->insert("trace", std::move(t));
}

std::vector<TableKeys> MetricsKeys() { return {KeysOf("metrics", kMetricsKeys)}; }
std::vector<TableKeys> SnapshotsKeys() { return {KeysOf("snapshots", kSnapshotsKeys)}; }
std::vector<TableKeys> TraceKeys() { return {KeysOf("trace", kTraceKeys)}; }

}  // namespace

const std::vector<std::string>& TraceKinds() {
  static const auto* const kinds = new std::vector<std::string>{"send",
                                                                "deliver",
                                                                "drop",
                                                                "held",
                                                                "released",
                                                                "retransmit",
                                                                "timer",
                                                                "mailbox_wait",
                                                                "connection_open",
                                                                "connection_close",
                                                                "start",
                                                                "crash",
                                                                "restart",
                                                                "join",
                                                                "leave",
                                                                "join_lost",
                                                                "partition",
                                                                "partition_one_way",
                                                                "heal",
                                                                "link_down",
                                                                "link_up",
                                                                "set_latency",
                                                                "set_loss",
                                                                "listener_down",
                                                                "listener_up",
                                                                "slow",
                                                                "slow_end",
                                                                "membership",
                                                                "originate",
                                                                "merge",
                                                                "skipped",
                                                                "add_eager",
                                                                "add_lazy",
                                                                "reset_peers",
                                                                "neighbors_down",
                                                                "node",
                                                                "network",
                                                                "peers"};
  return *kinds;
}

bool IsTraceKind(absl::string_view kind) {
  const std::vector<std::string>& kinds = TraceKinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

ScenarioSection MetricsSection() { return {"metrics", &ReadMetrics, &WriteMetrics, &MetricsKeys}; }
ScenarioSection SnapshotsSection() {
  return {"snapshots", &ReadSnapshots, &WriteSnapshots, &SnapshotsKeys};
}
ScenarioSection TraceSection() { return {"trace", &ReadTrace, &WriteTrace, &TraceKeys}; }

}  // namespace plumsim
