// [plumtree] (partisan_plumtree_broadcast) and [heartbeat]
// (partisan_plumtree_backend): the protocol's options, Partisan's names.
#include <cstdint>
#include <string>

#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

constexpr absl::string_view kPlumtreeKeys[] = {"lazy_tick_period", "exchange_tick_period",
                                               "exchange_selection",
                                               "broadcast_start_exchange_limit"};
constexpr absl::string_view kHeartbeatKeys[] = {"broadcast", "broadcast_heartbeat_interval"};

void ReadPlumtree(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* p = SectionTable(root, "plumtree", r);
  if (p == nullptr) return;
  r->CheckKeys(*p, "plumtree", kPlumtreeKeys);
  if (const toml::node* v = p->get("lazy_tick_period")) {
    if (auto d = r->Period(*v, "plumtree.lazy_tick_period")) {
      s->plumtree.lazy_tick_period = d->ToAbsl();
    }
  }
  if (const toml::node* v = p->get("exchange_tick_period")) {
    if (auto d = r->Period(*v, "plumtree.exchange_tick_period")) {
      s->plumtree.exchange_tick_period = d->ToAbsl();
    }
  }
  if (const toml::node* v = p->get("exchange_selection")) {
    const std::optional<std::string> sel = r->String(*v, "plumtree.exchange_selection");
    if (sel == "optimized") {
      s->plumtree.exchange_selection = ExchangeSelection::kOptimized;
    } else if (sel == "normal") {
      s->plumtree.exchange_selection = ExchangeSelection::kNormal;
    } else if (sel) {
      r->Error(v, "plumtree.exchange_selection", "expected \"optimized\" or \"normal\"");
    }
  }
  if (const toml::node* v = p->get("broadcast_start_exchange_limit")) {
    SetIfRead(r->Integer(*v, "plumtree.broadcast_start_exchange_limit", 0, 1000),
              &s->plumtree.broadcast_start_exchange_limit);
  }
}

void WritePlumtree(const Scenario& s, toml::table* root) {
  const PlumtreeConfig& p = s.plumtree;
  toml::table t{{"lazy_tick_period", FormatPeriod(p.lazy_tick_period)},
                {"exchange_tick_period", FormatPeriod(p.exchange_tick_period)},
                {"exchange_selection",
                 p.exchange_selection == ExchangeSelection::kOptimized ? "optimized" : "normal"}};
  if (p.broadcast_start_exchange_limit >= 0) {
    t.insert("broadcast_start_exchange_limit",
             static_cast<int64_t>(p.broadcast_start_exchange_limit));
  }
  root->insert("plumtree", std::move(t));
}

void ReadHeartbeat(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* h = SectionTable(root, "heartbeat", r);
  if (h == nullptr) return;
  r->CheckKeys(*h, "heartbeat", kHeartbeatKeys);
  if (const toml::node* v = h->get("broadcast")) {
    SetIfRead(r->Bool(*v, "heartbeat.broadcast"), &s->heartbeat.broadcast);
  }
  if (const toml::node* v = h->get("broadcast_heartbeat_interval")) {
    if (auto d = r->Period(*v, "heartbeat.broadcast_heartbeat_interval")) {
      s->heartbeat.broadcast_heartbeat_interval = d->ToAbsl();
    }
  }
}

void WriteHeartbeat(const Scenario& s, toml::table* root) {
  root->insert("heartbeat", toml::table{{"broadcast", s.heartbeat.broadcast},
                                        {"broadcast_heartbeat_interval",
                                         FormatPeriod(s.heartbeat.broadcast_heartbeat_interval)}});
}

std::vector<TableKeys> PlumtreeKeys() { return {KeysOf("plumtree", kPlumtreeKeys)}; }
std::vector<TableKeys> HeartbeatKeys() { return {KeysOf("heartbeat", kHeartbeatKeys)}; }

}  // namespace

ScenarioSection PlumtreeSection() {
  return {"plumtree", &ReadPlumtree, &WritePlumtree, &PlumtreeKeys};
}
ScenarioSection HeartbeatSection() {
  return {"heartbeat", &ReadHeartbeat, &WriteHeartbeat, &HeartbeatKeys};
}

}  // namespace plumsim
