// [membership]: the peer service, "full" or "hyparview" with HyParView's
// options (Partisan's names and defaults).
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

constexpr absl::string_view kMembershipKeys[] = {"kind",
                                                 "active_max_size",
                                                 "active_min_size",
                                                 "active_rwl",
                                                 "passive_max_size",
                                                 "passive_rwl",
                                                 "random_promotion",
                                                 "random_promotion_interval",
                                                 "shuffle_interval",
                                                 "shuffle_k_active",
                                                 "shuffle_k_passive"};

// The integer options, each only for kind = "hyparview".
void ReadViewSizes(const toml::table& m, ScenarioReader* r, Scenario* s) {
  HyParViewConfig& h = s->hyparview;
  const std::pair<const char*, int64_t*> sizes[] = {{"active_max_size", &h.active_max_size},
                                                    {"active_min_size", &h.active_min_size},
                                                    {"active_rwl", &h.active_rwl},
                                                    {"passive_max_size", &h.passive_max_size},
                                                    {"passive_rwl", &h.passive_rwl},
                                                    {"shuffle_k_active", &h.shuffle_k_active},
                                                    {"shuffle_k_passive", &h.shuffle_k_passive}};
  for (const auto& [key, field] : sizes) {
    const toml::node* v = m.get(key);
    if (v == nullptr) continue;
    const std::string path = absl::StrCat("membership.", key);
    if (s->membership != "hyparview") {
      r->Error(v, path, "only for kind = \"hyparview\"");
      continue;
    }
    SetIfRead(r->Integer(*v, path, 0, 1000), field);
  }
}

void ReadMembership(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* m = SectionTable(root, "membership", r);
  if (m == nullptr) return;
  r->CheckKeys(*m, "membership", kMembershipKeys);
  if (const toml::node* kind = m->get("kind")) {
    SetIfRead(r->String(*kind, "membership.kind"), &s->membership);
    if (s->membership != "full" && s->membership != "hyparview") {
      r->Error(kind, "membership.kind", "expected \"full\" or \"hyparview\"");
    }
  }
  ReadViewSizes(*m, r, s);
  HyParViewConfig& h = s->hyparview;
  if (const toml::node* v = m->get("random_promotion")) {
    SetIfRead(r->Bool(*v, "membership.random_promotion"), &h.random_promotion);
  }
  if (const toml::node* v = m->get("random_promotion_interval")) {
    if (auto d = r->Period(*v, "membership.random_promotion_interval")) {
      h.random_promotion_interval = d->ToAbsl();
    }
  }
  if (const toml::node* v = m->get("shuffle_interval")) {
    if (auto d = r->Period(*v, "membership.shuffle_interval")) h.shuffle_interval = d->ToAbsl();
  }
  if (h.active_max_size < 2 || h.active_min_size > h.active_max_size) {
    const toml::node* where = m->get("active_max_size");
    r->Error(where != nullptr ? where : m, "membership.active_max_size",
             "needs 2 <= active_max_size and active_min_size <= active_max_size "
             "(both count the node itself, as in Partisan)");
  }
}

void WriteMembership(const Scenario& s, toml::table* root) {
  toml::table m{{"kind", s.membership}};
  if (s.membership == "hyparview") {
    const HyParViewConfig& h = s.hyparview;
    m.insert("active_max_size", h.active_max_size);
    m.insert("active_min_size", h.active_min_size);
    m.insert("active_rwl", h.active_rwl);
    m.insert("passive_max_size", h.passive_max_size);
    m.insert("passive_rwl", h.passive_rwl);
    m.insert("random_promotion", h.random_promotion);
    m.insert("random_promotion_interval", FormatPeriod(h.random_promotion_interval));
    m.insert("shuffle_interval", FormatPeriod(h.shuffle_interval));
    m.insert("shuffle_k_active", h.shuffle_k_active);
    m.insert("shuffle_k_passive", h.shuffle_k_passive);
  }
  root->insert("membership", std::move(m));
}

std::vector<TableKeys> MembershipKeys() { return {KeysOf("membership", kMembershipKeys)}; }

}  // namespace

ScenarioSection MembershipSection() {
  return {"membership", &ReadMembership, &WriteMembership, &MembershipKeys};
}

}  // namespace plumsim
