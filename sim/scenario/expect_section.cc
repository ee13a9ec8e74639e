// [[expect]]: checks at the end of a run (docs/metrics.md defines each
// metric). One table of metrics, each with its keys and how it is read.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

using Metric = Expectation::Metric;

struct MetricSpec;
using ReadMetric = void (*)(const toml::table& t, const MetricSpec& spec, ScenarioReader* r,
                            const Scenario& s, Expectation* ex);

// One metric: its name, the keys it takes and how they are read.
struct MetricSpec {
  Metric metric;
  const char* name;
  std::vector<absl::string_view> keys;
  ReadMetric read;
  const char* bound_key = nullptr;  // at_least / at_most, for a bounded message metric
};

void ReadHandler(const toml::table& t, ScenarioReader* r, Expectation* ex) {
  if (const toml::node* h = t.get("handler")) {
    SetIfRead(r->String(*h, "expect.handler"), &ex->handler);
    if (ex->handler != "heartbeat" && ex->handler != "application" && ex->handler != "all") {
      r->Error(h, "expect.handler", "expected \"heartbeat\", \"application\" or \"all\"");
    }
  }
}

void ReadTime(const toml::table& t, const char* key, ScenarioReader* r, SimTime* out) {
  if (const toml::node* v = t.get(key)) {
    if (auto d = r->Duration(*v, absl::StrCat("expect.", key))) *out = SimTime::Zero() + *d;
  }
}

// A bound on the messages sent in [after, before): reliability_min, rmr_max...
void ReadBounded(const toml::table& t, const MetricSpec& spec, ScenarioReader* r, const Scenario&,
                 Expectation* ex) {
  ReadTime(t, "before", r, &ex->before);
  if (const toml::node* bound = t.get(spec.bound_key)) {
    SetIfRead(r->Number(*bound, absl::StrCat("expect.", spec.bound_key), -1e12, 1e12), &ex->bound);
  } else {
    r->Missing(&t, absl::StrCat("expect.", spec.bound_key),
               absl::StrCat(spec.name, " needs ", spec.bound_key, " = <number>"));
  }
  ReadTime(t, "after", r, &ex->after);
  ReadHandler(t, r, ex);
}

void NeedBefore(const toml::table& t, ScenarioReader* r, Expectation* ex) {
  if (t.get("before") == nullptr) {
    r->Missing(&t, "expect.before", "e.g. before = \"60s\"");
    return;
  }
  ReadTime(t, "before", r, &ex->before);
}

// converged_before: a deadline.
void ReadDeadline(const toml::table& t, const MetricSpec&, ScenarioReader* r, const Scenario&,
                  Expectation* ex) {
  NeedBefore(t, r, ex);
  ReadHandler(t, r, ex);
}

// tree_stable_before, rmr_settled_before: a share of roots before a deadline.
void ReadShareDeadline(const toml::table& t, const MetricSpec&, ScenarioReader* r, const Scenario&,
                       Expectation* ex) {
  ex->bound = 1.0;
  if (const toml::node* v = t.get("share"))
    SetIfRead(r->Number(*v, "expect.share", 0, 1), &ex->bound);
  NeedBefore(t, r, ex);
  ReadHandler(t, r, ex);
}

// trees_spanning: no options (a handler given is still read, after the
// unknown-key error).
void ReadNoOptions(const toml::table& t, const MetricSpec&, ScenarioReader* r, const Scenario&,
                   Expectation* ex) {
  ReadHandler(t, r, ex);
}

// One of at_least / at_most: a count's bound.
void ReadCountBound(const toml::table& t, absl::string_view metric, ScenarioReader* r,
                    Expectation* ex) {
  const toml::node* at_least = t.get("at_least");
  const toml::node* at_most = t.get("at_most");
  if ((at_least == nullptr) == (at_most == nullptr)) {
    r->Error(&t, "expect", absl::StrCat(metric, " needs one of at_least or at_most"));
    return;
  }
  ex->upper_bound = at_most != nullptr;
  const toml::node* bound = ex->upper_bound ? at_most : at_least;
  SetIfRead(r->Number(*bound, ex->upper_bound ? "expect.at_most" : "expect.at_least", 0, 1e12),
            &ex->bound);
}

// connections_closed: reason, after, before, and one of at_least / at_most.
void ReadConnectionsClosed(const toml::table& t, const MetricSpec&, ScenarioReader* r,
                           const Scenario& s, Expectation* ex) {
  if (s.network.transport != Transport::kTcp) {
    r->Error(&t, "expect.metric", "connections_closed needs transport = \"tcp\"");
  }
  if (const toml::node* v = t.get("reason")) {
    SetIfRead(r->String(*v, "expect.reason"), &ex->reason);
    bool known = false;
    std::vector<std::string> names;
    for (int i = 0; i < kCloseReasons; ++i) {
      names.push_back(CloseReasonName(static_cast<CloseReason>(i)));
      known = known || ex->reason == names.back();
    }
    if (!known) {
      r->Error(v, "expect.reason", absl::StrCat("expected one of ", absl::StrJoin(names, ", ")));
    }
  }
  ReadTime(t, "after", r, &ex->after);
  ReadTime(t, "before", r, &ex->before);
  ReadCountBound(t, "connections_closed", r, ex);
}

// unlisted_nodes, one_way_views: HyParView's views at the end, a count
// bounded by one of at_least / at_most.
void ReadViewCount(const toml::table& t, const MetricSpec& spec, ScenarioReader* r,
                   const Scenario& s, Expectation* ex) {
  if (s.membership != "hyparview") {
    r->Error(&t, "expect.metric",
             absl::StrCat(spec.name, " needs membership kind = \"hyparview\" (active views)"));
  }
  ReadCountBound(t, spec.name, r, ex);
}

// Every metric (each Expectation::Metric once), in the order the
// unknown-metric message lists them.
const std::vector<MetricSpec>& Metrics() {
  static const auto* const metrics = new std::vector<MetricSpec>{
      {Metric::kReliabilityMin,
       "reliability_min",
       {"metric", "after", "before", "handler", "at_least"},
       &ReadBounded,
       "at_least"},
      {Metric::kReachMin,
       "reach_min",
       {"metric", "after", "before", "handler", "at_least"},
       &ReadBounded,
       "at_least"},
      {Metric::kRmrMax,
       "rmr_max",
       {"metric", "after", "before", "handler", "at_most"},
       &ReadBounded,
       "at_most"},
      {Metric::kLdhMax,
       "ldh_max",
       {"metric", "after", "before", "handler", "at_most"},
       &ReadBounded,
       "at_most"},
      {Metric::kTreesSpanning, "trees_spanning", {"metric"}, &ReadNoOptions},
      {Metric::kConvergedBefore,
       "converged_before",
       {"metric", "before", "handler"},
       &ReadDeadline},
      {Metric::kTreeStableBefore,
       "tree_stable_before",
       {"metric", "before", "handler", "share"},
       &ReadShareDeadline},
      {Metric::kRmrSettledBefore,
       "rmr_settled_before",
       {"metric", "before", "handler", "share"},
       &ReadShareDeadline},
      {Metric::kConnectionsClosed,
       "connections_closed",
       {"metric", "reason", "after", "before", "at_least", "at_most"},
       &ReadConnectionsClosed},
      {Metric::kUnlistedNodes, "unlisted_nodes", {"metric", "at_least", "at_most"}, &ReadViewCount},
      {Metric::kOneWayViews, "one_way_views", {"metric", "at_least", "at_most"}, &ReadViewCount},
  };
  return *metrics;
}

// "reliability_min, reach_min, ... or connections_closed"
std::string MetricList() {
  std::string out;
  const std::vector<MetricSpec>& metrics = Metrics();
  for (size_t i = 0; i < metrics.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : i + 1 == metrics.size() ? " or " : ", ", metrics[i].name);
  }
  return out;
}

void ReadExpectation(const toml::table& t, ScenarioReader* r, Scenario* s) {
  Expectation ex;
  ex.line = static_cast<int>(t.source().begin.line);
  const toml::node* metric = t.get("metric");
  if (metric == nullptr) {
    r->Missing(&t, "expect.metric", "e.g. metric = \"reliability_min\"");
    return;
  }
  const std::optional<std::string> name = r->String(*metric, "expect.metric");
  if (!name) return;
  const std::vector<MetricSpec>& metrics = Metrics();
  auto spec = std::find_if(metrics.begin(), metrics.end(),
                           [&](const MetricSpec& m) { return *name == m.name; });
  if (spec == metrics.end()) {
    r->Error(metric, "expect.metric",
             absl::StrCat("unknown metric \"", *name, "\"; expected ", MetricList()));
    return;
  }
  ex.metric = spec->metric;
  r->CheckKeys(t, "expect", spec->keys);
  spec->read(t, *spec, r, *s, &ex);
  s->expectations.push_back(ex);
}

void ReadExpectations(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::array* expects = SectionTables(root, "expect", r);
  if (expects == nullptr) return;
  for (const toml::node& e : *expects) ReadExpectation(*e.as_table(), r, s);
}

const MetricSpec& SpecOf(Metric metric) {
  const std::vector<MetricSpec>& metrics = Metrics();
  return *std::find_if(metrics.begin(), metrics.end(),
                       [&](const MetricSpec& m) { return m.metric == metric; });
}

toml::table ExpectationToToml(const Expectation& e) {
  toml::table t{{"metric", ExpectationMetricName(e.metric)}};
  const bool windowed = e.before != SimTime::Max();
  switch (e.metric) {
    case Metric::kReliabilityMin:
    case Metric::kReachMin:
    case Metric::kRmrMax:
    case Metric::kLdhMax:
      t.insert(SpecOf(e.metric).bound_key, e.bound);
      t.insert("after", FormatSimDuration(e.after.SinceStart()));
      if (windowed) t.insert("before", FormatSimDuration(e.before.SinceStart()));
      t.insert("handler", e.handler);
      break;
    case Metric::kConnectionsClosed:
      if (!e.reason.empty()) t.insert("reason", e.reason);
      t.insert("after", FormatSimDuration(e.after.SinceStart()));
      if (windowed) t.insert("before", FormatSimDuration(e.before.SinceStart()));
      t.insert(e.upper_bound ? "at_most" : "at_least", e.bound);
      break;
    case Metric::kTreesSpanning:
      break;
    case Metric::kUnlistedNodes:
    case Metric::kOneWayViews:
      t.insert(e.upper_bound ? "at_most" : "at_least", e.bound);
      break;
    case Metric::kConvergedBefore:
      t.insert("before", FormatSimDuration(e.before.SinceStart()));
      t.insert("handler", e.handler);
      break;
    case Metric::kTreeStableBefore:
    case Metric::kRmrSettledBefore:
      t.insert("before", FormatSimDuration(e.before.SinceStart()));
      t.insert("handler", e.handler);
      t.insert("share", e.bound);
      break;
  }
  return t;
}

void WriteExpectations(const Scenario& s, toml::table* root) {
  if (s.expectations.empty()) return;
  toml::array arr;
  for (const Expectation& e : s.expectations) arr.push_back(ExpectationToToml(e));
  root->insert("expect", std::move(arr));
}

// Every metric's keys.
std::vector<TableKeys> ExpectKeys() {
  TableKeys keys{"expect", {}};
  for (const MetricSpec& m : Metrics()) AddNewKeys(m.keys, &keys);
  return {keys};
}

}  // namespace

const char* ExpectationMetricName(Expectation::Metric metric) { return SpecOf(metric).name; }

ScenarioSection ExpectSection() {
  return {"expect", &ReadExpectations, &WriteExpectations, &ExpectKeys};
}

}  // namespace plumsim
