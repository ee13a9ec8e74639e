// The resolved form of a scenario: every default filled in, as TOML that
// ParseScenario reads back to an identical Scenario.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/scenario/scenario.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

toml::table LatencyTable(const LatencyDistribution& l) {
  const LatencyDistribution::KindSpec& spec = l.spec();
  toml::table t{{"kind", spec.name}, {spec.first, FormatSimDuration(l.a)}};
  if (spec.second != nullptr) {
    if (spec.second_is_shape) {
      t.insert(spec.second, l.shape);
    } else {
      t.insert(spec.second, FormatSimDuration(l.b));
    }
  }
  return t;
}

std::string Dur(absl::Duration d) { return FormatSimDuration(SimDuration::FromAbsl(d)); }

}  // namespace

const char* ExpectationMetricName(Expectation::Metric metric) {
  switch (metric) {
    case Expectation::Metric::kReliabilityMin:
      return "reliability_min";
    case Expectation::Metric::kRmrMax:
      return "rmr_max";
    case Expectation::Metric::kLdhMax:
      return "ldh_max";
    case Expectation::Metric::kTreesSpanning:
      return "trees_spanning";
    case Expectation::Metric::kConvergedBefore:
      return "converged_before";
    case Expectation::Metric::kConnectionsClosed:
      return "connections_closed";
    case Expectation::Metric::kReachMin:
      return "reach_min";
    case Expectation::Metric::kTreeStableBefore:
      return "tree_stable_before";
    case Expectation::Metric::kRmrSettledBefore:
      return "rmr_settled_before";
  }
  return "?";
}

const char* EventKindName(TimelineEvent::Kind kind) {
  switch (kind) {
    case TimelineEvent::Kind::kCrash:
      return "crash";
    case TimelineEvent::Kind::kRestart:
      return "restart";
    case TimelineEvent::Kind::kJoin:
      return "join";
    case TimelineEvent::Kind::kLeave:
      return "leave";
    case TimelineEvent::Kind::kPartition:
      return "partition";
    case TimelineEvent::Kind::kPartitionOneWay:
      return "partition_one_way";
    case TimelineEvent::Kind::kHeal:
      return "heal";
    case TimelineEvent::Kind::kLinkDown:
      return "link_down";
    case TimelineEvent::Kind::kLinkUp:
      return "link_up";
    case TimelineEvent::Kind::kSetLatency:
      return "set_latency";
    case TimelineEvent::Kind::kSetLoss:
      return "set_loss";
    case TimelineEvent::Kind::kBroadcast:
      return "broadcast";
  }
  return "?";
}

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
                                                                "partition",
                                                                "partition_one_way",
                                                                "heal",
                                                                "link_down",
                                                                "link_up",
                                                                "set_latency",
                                                                "set_loss",
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

int64_t Scenario::total_nodes() const {
  int64_t total = node_count;
  for (const TimelineEvent& e : events) {
    if (e.kind == TimelineEvent::Kind::kJoin && !e.nodes.empty()) {
      total = std::max<int64_t>(total, int64_t{e.nodes.back()} + 1);
    }
  }
  return total;
}

std::vector<std::string> Scenario::ErlangNames() const {
  std::vector<std::string> names;
  for (int64_t i = 0; i < total_nodes(); ++i) {
    auto it = node_names.find(static_cast<NodeId>(i));
    names.push_back(it != node_names.end() ? it->second : DefaultNodeName(static_cast<NodeId>(i)));
  }
  return names;
}

std::vector<ListenAddress> Scenario::ListenAddresses() const {
  std::vector<ListenAddress> addresses;
  for (int64_t i = 0; i < total_nodes(); ++i) {
    auto it = node_addresses.find(static_cast<NodeId>(i));
    addresses.push_back(it != node_addresses.end() ? it->second
                                                   : DefaultListenAddress(static_cast<NodeId>(i)));
  }
  return addresses;
}

std::string FormatNodeSet(const PeerSet& nodes) { return NodeSet::FromIds(nodes).ToString(); }

std::string Scenario::ToToml() const {
  toml::table root;
  root.insert("name", name);
  root.insert("description", description);
  root.insert("seed", static_cast<int64_t>(seed));
  root.insert("duration", FormatSimDuration(duration));
  toml::table nodes_table{{"count", node_count},
                          {"start_interval", FormatSimDuration(start_interval)},
                          {"start_jitter", FormatSimDuration(start_jitter)},
                          {"crash", CrashModeName(crash_mode)}};
  if (!node_names.empty()) {
    toml::table t;
    for (const auto& [node, name] : node_names) t.insert(NodeName(node), name);
    nodes_table.insert("names", std::move(t));
  }
  if (!node_addresses.empty()) {
    toml::table t;
    for (const auto& [node, address] : node_addresses) {
      t.insert(NodeName(node), FormatListenAddress(address));
    }
    nodes_table.insert("addresses", std::move(t));
  }
  root.insert("nodes", std::move(nodes_table));
  toml::table membership_table{{"kind", membership}};
  if (membership == "hyparview") {
    membership_table.insert("active_max_size", hyparview.active_max_size);
    membership_table.insert("active_min_size", hyparview.active_min_size);
    membership_table.insert("active_rwl", hyparview.active_rwl);
    membership_table.insert("passive_max_size", hyparview.passive_max_size);
    membership_table.insert("passive_rwl", hyparview.passive_rwl);
    membership_table.insert("random_promotion", hyparview.random_promotion);
    membership_table.insert("random_promotion_interval", Dur(hyparview.random_promotion_interval));
    membership_table.insert("shuffle_interval", Dur(hyparview.shuffle_interval));
    membership_table.insert("shuffle_k_active", hyparview.shuffle_k_active);
    membership_table.insert("shuffle_k_passive", hyparview.shuffle_k_passive);
  }
  root.insert("membership", std::move(membership_table));
  toml::table plumtree_table{
      {"lazy_tick_period", Dur(plumtree.lazy_tick_period)},
      {"exchange_tick_period", Dur(plumtree.exchange_tick_period)},
      {"exchange_selection",
       plumtree.exchange_selection == ExchangeSelection::kOptimized ? "optimized" : "normal"}};
  if (plumtree.broadcast_start_exchange_limit >= 0) {
    plumtree_table.insert("broadcast_start_exchange_limit",
                          static_cast<int64_t>(plumtree.broadcast_start_exchange_limit));
  }
  root.insert("plumtree", std::move(plumtree_table));
  root.insert("heartbeat", toml::table{{"broadcast", heartbeat.broadcast},
                                       {"broadcast_heartbeat_interval",
                                        Dur(heartbeat.broadcast_heartbeat_interval)}});
  toml::table net{{"transport", TransportName(network.transport)},
                  {"latency", LatencyTable(network.latency)},
                  {"loss", network.loss},
                  {"duplicate", network.duplicate},
                  {"reorder", network.reorder}};
  if (!links.empty()) {
    toml::array arr;
    for (const LinkSpec& l : links) {
      toml::table t{
          {"from", l.from.ToString()}, {"to", l.to.ToString()}, {"symmetric", l.symmetric}};
      if (l.latency) t.insert("latency", LatencyTable(*l.latency));
      if (l.loss) t.insert("loss", *l.loss);
      arr.push_back(std::move(t));
    }
    net.insert("links", std::move(arr));
  }
  if (network.transport == Transport::kTcp) {
    net.insert("tcp", toml::table{{"min_rto", FormatSimDuration(network.tcp.min_rto)},
                                  {"max_rto", FormatSimDuration(network.tcp.max_rto)}});
  }
  root.insert("network", std::move(net));
  toml::table processing_table{
      {"timer_granularity", FormatSimDuration(processing.timer_granularity)}};
  for (int k = 0; k < kProcessKinds; ++k) {
    processing_table.insert(ProcessKindName(static_cast<ProcessKind>(k)),
                            LatencyTable(processing.per_message[k]));
  }
  root.insert("processing", std::move(processing_table));
  root.insert(
      "partisan",
      toml::table{{"persist_epoch", partisan.persist_epoch},
                  {"connection_ping",
                   toml::table{{"enabled", partisan.ping_enabled},
                               {"idle_timeout", FormatSimDuration(partisan.ping_idle_timeout)},
                               {"timeout", FormatSimDuration(partisan.ping_timeout)},
                               {"max_attempts", partisan.ping_max_attempts}}},
                  {"connect_timeout", FormatSimDuration(partisan.connect_timeout)},
                  {"connection_interval", FormatSimDuration(partisan.connection_interval)}});
  if (!events.empty()) {
    toml::array arr;
    for (const TimelineEvent& e : events) {
      toml::table t{{"at", FormatSimDuration(e.at.SinceStart())}, {"kind", EventKindName(e.kind)}};
      using K = TimelineEvent::Kind;
      switch (e.kind) {
        case K::kCrash:
        case K::kLeave:
          t.insert("nodes", e.nodes.ToString());
          break;
        case K::kRestart:
        case K::kJoin:
          t.insert("nodes", e.nodes.ToString());
          if (e.contact) t.insert("contact", NodeName(*e.contact));
          break;
        case K::kPartition: {
          toml::array groups;
          for (const NodeSet& g : e.groups) groups.push_back(g.ToString());
          t.insert("groups", std::move(groups));
          break;
        }
        case K::kPartitionOneWay:
          t.insert("from", e.from.ToString());
          t.insert("to", e.to.ToString());
          break;
        case K::kHeal:
          break;
        case K::kLinkDown:
        case K::kLinkUp:
        case K::kSetLatency:
        case K::kSetLoss:
          if (!e.from.empty()) {
            t.insert("from", e.from.ToString());
            t.insert("to", e.to.ToString());
          }
          t.insert("symmetric", e.symmetric);
          if (e.kind == K::kSetLatency) t.insert("latency", LatencyTable(*e.latency));
          if (e.kind == K::kSetLoss) t.insert("loss", e.loss);
          break;
        case K::kBroadcast:
          t.insert("from", e.from.ToString());
          t.insert("count", e.count);
          t.insert("interval", FormatSimDuration(e.interval));
          t.insert("size", e.size_bytes);
          break;
      }
      arr.push_back(std::move(t));
    }
    root.insert("events", std::move(arr));
  }
  if (!churn.empty()) {
    toml::array arr;
    for (const ChurnSpec& c : churn) {
      arr.push_back(
          toml::table{{"start", FormatSimDuration(c.start.SinceStart())},
                      {"end", FormatSimDuration(c.end.SinceStart())},
                      {"nodes", c.nodes.ToString()},
                      {"mean_time_between_crashes", FormatSimDuration(c.mean_time_between_crashes)},
                      {"downtime", FormatSimDuration(c.downtime)}});
    }
    root.insert("churn", std::move(arr));
  }
  root.insert("metrics", toml::table{{"window", FormatSimDuration(metrics_window)},
                                     {"settle", FormatSimDuration(settle)},
                                     {"stable_rounds", convergence.stable_rounds},
                                     {"rmr_epsilon", convergence.rmr_epsilon}});
  if (!snapshot_times.empty() || !snapshot_roots.empty()) {
    toml::table snap;
    toml::array times;
    for (SimTime t : snapshot_times) times.push_back(FormatSimDuration(t.SinceStart()));
    snap.insert("at", std::move(times));
    if (!snapshot_roots.empty()) snap.insert("roots", snapshot_roots.ToString());
    root.insert("snapshots", std::move(snap));
  }
  if (!trace.is_default()) {
    toml::table t;
    if (!trace.kinds.empty()) {
      toml::array kinds;
      for (const std::string& k : trace.kinds) kinds.push_back(k);
      t.insert("kinds", std::move(kinds));
    }
    if (!trace.nodes.empty()) t.insert("nodes", trace.nodes.ToString());
    if (!trace.roots.empty()) t.insert("roots", trace.roots.ToString());
    t.insert("compress", trace.zstd ? "zstd" : "none");
    root.insert("trace", std::move(t));
  }
  if (!expectations.empty()) {
    toml::array arr;
    for (const Expectation& e : expectations) {
      toml::table t{{"metric", ExpectationMetricName(e.metric)}};
      const bool windowed = e.before != SimTime::Max();
      switch (e.metric) {
        case Expectation::Metric::kReliabilityMin:
        case Expectation::Metric::kReachMin:
          t.insert("at_least", e.bound);
          t.insert("after", FormatSimDuration(e.after.SinceStart()));
          if (windowed) t.insert("before", FormatSimDuration(e.before.SinceStart()));
          t.insert("handler", e.handler);
          break;
        case Expectation::Metric::kRmrMax:
        case Expectation::Metric::kLdhMax:
          t.insert("at_most", e.bound);
          t.insert("after", FormatSimDuration(e.after.SinceStart()));
          if (windowed) t.insert("before", FormatSimDuration(e.before.SinceStart()));
          t.insert("handler", e.handler);
          break;
        case Expectation::Metric::kConnectionsClosed:
          if (!e.reason.empty()) t.insert("reason", e.reason);
          t.insert("after", FormatSimDuration(e.after.SinceStart()));
          if (windowed) t.insert("before", FormatSimDuration(e.before.SinceStart()));
          t.insert(e.upper_bound ? "at_most" : "at_least", e.bound);
          break;
        case Expectation::Metric::kTreesSpanning:
          break;
        case Expectation::Metric::kConvergedBefore:
          t.insert("before", FormatSimDuration(e.before.SinceStart()));
          t.insert("handler", e.handler);
          break;
        case Expectation::Metric::kTreeStableBefore:
        case Expectation::Metric::kRmrSettledBefore:
          t.insert("before", FormatSimDuration(e.before.SinceStart()));
          t.insert("handler", e.handler);
          t.insert("share", e.bound);
          break;
      }
      arr.push_back(std::move(t));
    }
    root.insert("expect", std::move(arr));
  }
  std::ostringstream out;
  out << root << "\n";
  return out.str();
}

}  // namespace plumsim
