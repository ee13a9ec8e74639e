#include "sim/scenario.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

constexpr int64_t kMaxNodes = 10'000'000;

#define PLUMSIM_ASSIGN(lhs, expr)              \
  do {                                         \
    auto plumsim_result_ = (expr);             \
    if (!plumsim_result_.ok()) return plumsim_result_.status(); \
    lhs = *std::move(plumsim_result_);         \
  } while (false)

#define PLUMSIM_RETURN_IF_ERROR(expr)          \
  do {                                         \
    absl::Status plumsim_status_ = (expr);     \
    if (!plumsim_status_.ok()) return plumsim_status_; \
  } while (false)


// Reads one TOML document into a Scenario, keeping the first error.
class Reader {
 public:
  explicit Reader(std::string source_name) : source_name_(std::move(source_name)) {}

  // "file:line:col: key: message"
  absl::Status Error(const toml::node* node, absl::string_view key,
                     absl::string_view message) const {
    std::string where = source_name_;
    if (node != nullptr) {
      const toml::source_region& src = node->source();
      if (src.path != nullptr && !src.path->empty()) where = *src.path;
      if (src.begin.line > 0) {
        absl::StrAppend(&where, ":", src.begin.line, ":", src.begin.column);
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", key.empty() ? "" : absl::StrCat(key, ": "), message));
  }

  // Fails on keys not in `allowed`.
  absl::Status CheckKeys(const toml::table& table, absl::string_view path,
                         std::initializer_list<absl::string_view> allowed) const {
    for (auto&& [key, value] : table) {
      const std::string k(key.str());
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        return Error(&value, Join(path, k),
                     absl::StrCat("unknown key; expected one of: ",
                                  absl::StrJoin(allowed, ", ")));
      }
    }
    return absl::OkStatus();
  }

  static std::string Join(absl::string_view path, absl::string_view key) {
    return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
  }

  absl::StatusOr<std::string> String(const toml::node& n, absl::string_view key) const {
    if (!n.is_string()) return Error(&n, key, "expected a string");
    return n.as_string()->get();
  }
  absl::StatusOr<int64_t> Integer(const toml::node& n, absl::string_view key,
                                  int64_t min, int64_t max) const {
    if (!n.is_integer()) return Error(&n, key, "expected an integer");
    const int64_t v = n.as_integer()->get();
    if (v < min || v > max) {
      return Error(&n, key, absl::StrCat("expected an integer in [", min, ", ", max,
                                         "], got ", v));
    }
    return v;
  }
  // A TOML float or integer; `what` names the expectation in the error.
  absl::StatusOr<double> Number(const toml::node& n, absl::string_view key,
                                absl::string_view what) const {
    if (n.is_floating_point()) return n.as_floating_point()->get();
    if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
    return Error(&n, key, absl::StrCat("expected ", what));
  }
  absl::StatusOr<double> Probability(const toml::node& n, absl::string_view key) const {
    absl::StatusOr<double> v = Number(n, key, "a probability (a number in [0, 1])");
    if (v.ok() && !(*v >= 0 && *v <= 1)) {
      return Error(&n, key, absl::StrCat("expected a probability in [0, 1], got ", *v));
    }
    return v;
  }
  absl::StatusOr<double> PositiveNumber(const toml::node& n, absl::string_view key) const {
    absl::StatusOr<double> v = Number(n, key, "a number");
    if (v.ok() && (!(*v > 0) || *v > 1e6)) return Error(&n, key, "expected a number > 0");
    return v;
  }
  absl::StatusOr<bool> Bool(const toml::node& n, absl::string_view key) const {
    if (!n.is_boolean()) return Error(&n, key, "expected true or false");
    return n.as_boolean()->get();
  }
  absl::StatusOr<SimDuration> Duration(const toml::node& n, absl::string_view key,
                                       bool positive = false) const {
    if (!n.is_string()) {
      return Error(&n, key, "expected a duration string with a unit, e.g. \"250ms\"");
    }
    absl::StatusOr<SimDuration> d = ParseSimDuration(n.as_string()->get());
    if (!d.ok()) return Error(&n, key, d.status().message());
    if (positive && *d <= SimDuration::Zero()) {
      return Error(&n, key, "expected a duration > 0");
    }
    return *d;
  }

  // A node name "n<k>" with k < total.
  absl::StatusOr<NodeId> Node(const toml::node& n, absl::string_view text,
                              absl::string_view key) const {
    absl::string_view t = absl::StripAsciiWhitespace(text);
    int64_t id;
    if (!absl::ConsumePrefix(&t, "n") || !absl::SimpleAtoi(t, &id) || id < 0) {
      return Error(&n, key,
                   absl::StrCat("expected a node name like \"n3\", got \"", text, "\""));
    }
    if (id >= total_nodes_) {
      return Error(&n, key,
                   absl::StrCat("node n", id, " does not exist (nodes are n0..n",
                                total_nodes_ - 1,
                                " counting joined ones)"));
    }
    return static_cast<NodeId>(id);
  }

  // "n3", "n0..n9", "all", or an array of those.
  absl::StatusOr<PeerSet> NodeSet(const toml::node& n, absl::string_view key) const {
    std::vector<std::string> parts;
    if (n.is_string()) {
      for (absl::string_view p : absl::StrSplit(n.as_string()->get(), ',', absl::SkipWhitespace())) {
        parts.emplace_back(p);
      }
    } else if (n.is_array()) {
      for (const toml::node& e : *n.as_array()) {
        if (!e.is_string()) return Error(&e, key, "expected node names as strings");
        parts.push_back(e.as_string()->get());
      }
    } else {
      return Error(&n, key, "expected a node set: \"n3\", \"n0..n9\", \"all\" or an array");
    }
    std::vector<NodeId> nodes;
    for (const std::string& part : parts) {
      absl::string_view p = absl::StripAsciiWhitespace(part);
      if (p == "all") {
        for (int64_t i = 0; i < total_nodes_; ++i) nodes.push_back(static_cast<NodeId>(i));
        continue;
      }
      const size_t dots = p.find("..");
      if (dots == absl::string_view::npos) {
        absl::StatusOr<NodeId> id = Node(n, p, key);
        if (!id.ok()) return id.status();
        nodes.push_back(*id);
        continue;
      }
      absl::StatusOr<NodeId> lo = Node(n, p.substr(0, dots), key);
      if (!lo.ok()) return lo.status();
      absl::StatusOr<NodeId> hi = Node(n, p.substr(dots + 2), key);
      if (!hi.ok()) return hi.status();
      if (*hi < *lo) return Error(&n, key, absl::StrCat("empty range \"", p, "\""));
      for (NodeId i = *lo; i <= *hi; ++i) nodes.push_back(i);
    }
    if (nodes.empty()) return Error(&n, key, "expected at least one node");
    return ordsets::FromList(std::move(nodes));
  }

  // A latency: "5ms" (constant) or a table {kind = ..., parameters}.
  absl::StatusOr<LatencyDistribution> Latency(const toml::node& n,
                                              absl::string_view key) const {
    if (n.is_string()) {
      absl::StatusOr<SimDuration> d = Duration(n, key);
      if (!d.ok()) return d.status();
      return LatencyDistribution::Constant(*d);
    }
    if (!n.is_table()) {
      return Error(&n, key, "expected a duration or a table such as "
                            "{ kind = \"uniform\", min = \"1ms\", max = \"5ms\" }");
    }
    const toml::table& t = *n.as_table();
    const toml::node* kind_node = t.get("kind");
    if (kind_node == nullptr) return Error(&n, key, "missing key \"kind\"");
    absl::StatusOr<std::string> kind = String(*kind_node, Join(key, "kind"));
    if (!kind.ok()) return kind.status();
    const LatencyDistribution::KindSpec* spec = nullptr;
    std::vector<std::string> names;
    for (const auto& s : LatencyDistribution::KindSpecs()) {
      if (*kind == s.name) spec = &s;
      names.push_back(s.name);
    }
    if (spec == nullptr) {
      return Error(kind_node, Join(key, "kind"),
                   absl::StrCat("unknown latency kind \"", *kind,
                                "\"; expected one of: ", absl::StrJoin(names, ", ")));
    }
    if (spec->second != nullptr) {
      PLUMSIM_RETURN_IF_ERROR(CheckKeys(t, key, {"kind", spec->first, spec->second}));
    } else {
      PLUMSIM_RETURN_IF_ERROR(CheckKeys(t, key, {"kind", spec->first}));
    }
    auto need = [&](const char* name) -> absl::StatusOr<const toml::node*> {
      const toml::node* v = t.get(name);
      if (v == nullptr) {
        return Error(&n, key, absl::StrCat("latency kind \"", *kind, "\" needs key \"",
                                           name, "\""));
      }
      return v;
    };
    LatencyDistribution out;
    out.kind = spec->kind;
    const toml::node* first;
    PLUMSIM_ASSIGN(first, need(spec->first));
    PLUMSIM_ASSIGN(out.a, Duration(*first, Join(key, spec->first)));
    if (spec->second != nullptr) {
      const toml::node* second;
      PLUMSIM_ASSIGN(second, need(spec->second));
      if (spec->second_is_shape) {
        PLUMSIM_ASSIGN(out.shape, PositiveNumber(*second, Join(key, spec->second)));
      } else {
        PLUMSIM_ASSIGN(out.b, Duration(*second, Join(key, spec->second)));
      }
    }
    if (out.kind == LatencyDistribution::Kind::kUniform && out.b < out.a) {
      return Error(&n, key, "uniform latency needs min <= max");
    }
    if (out.kind == LatencyDistribution::Kind::kExponential && out.a <= SimDuration::Zero()) {
      return Error(&n, key, "mean must be > 0");
    }
    return out;
  }

  void set_total_nodes(int64_t n) { total_nodes_ = n; }

 private:
  std::string source_name_;
  int64_t total_nodes_ = 0;
};

const toml::table* SubTable(const toml::table& root, const char* key) {
  const toml::node* n = root.get(key);
  return n == nullptr ? nullptr : n->as_table();
}

// Applies one --set override ("dotted.path=value") to the parsed document.
// The value is read as TOML ("32", "\"10s\"", "true", "[...]", "{...}"); if it
// is not valid TOML it is taken as a plain string, so --set name=foo works.
// Path segments that are numbers index arrays: events.0.at.
absl::Status ApplyOverride(toml::table& root, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  const std::string source = absl::StrCat("--set ", assignment);
  if (eq == std::string::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": expected key=value, e.g. --set nodes.count=32"));
  }
  const std::string path(absl::StripAsciiWhitespace(assignment.substr(0, eq)));
  const std::string value_text = assignment.substr(eq + 1);
  toml::table holder;
  try {
    holder = toml::parse(absl::StrCat("v = ", value_text), source);
  } catch (const toml::parse_error&) {
    holder = toml::table{{"v", value_text}};
  }
  const std::vector<std::string> segments = absl::StrSplit(path, '.');
  toml::node* current = &root;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    const std::string& seg = segments[i];
    toml::node* next = nullptr;
    if (toml::table* t = current->as_table()) {
      next = t->get(seg);
      if (next == nullptr) next = &t->insert(seg, toml::table{}).first->second;
    } else if (toml::array* a = current->as_array()) {
      size_t index;
      if (absl::SimpleAtoi(seg, &index) && index < a->size()) next = a->get(index);
    }
    if (next == nullptr || (!next->is_table() && !next->is_array())) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": ", absl::StrJoin(segments.begin(), segments.begin() + i + 1, "."),
          " is not a table or an index of an array"));
    }
    current = next;
  }
  const std::string& last = segments.back();
  absl::Status status = absl::OkStatus();
  holder.get("v")->visit([&](auto& value) {
    if (toml::table* t = current->as_table()) {
      t->insert_or_assign(last, value);
      return;
    }
    toml::array* a = current->as_array();
    size_t index;
    if (a == nullptr || !absl::SimpleAtoi(last, &index) || index >= a->size()) {
      status = absl::InvalidArgumentError(absl::StrCat(source, ": cannot set ", path));
      return;
    }
    a->replace(a->cbegin() + static_cast<long>(index), value);
  });
  return status;
}

absl::StatusOr<Scenario> FromTable(const toml::table& root, const std::string& source) {
  Reader r(source);
  Scenario s;
  s.source_path = source;
  PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(
      root, "",
      {"name", "description", "seed", "duration", "nodes", "membership", "plumtree",
       "heartbeat", "network", "events", "churn", "expect", "snapshots", "metrics"}));

  // name, description, seed, duration
  const toml::node* name = root.get("name");
  if (name == nullptr) return r.Error(nullptr, "name", "missing (every scenario needs a name)");
  PLUMSIM_ASSIGN(s.name, r.String(*name, "name"));
  if (const toml::node* d = root.get("description")) {
    PLUMSIM_ASSIGN(s.description, r.String(*d, "description"));
  }
  if (const toml::node* seed = root.get("seed")) {
    int64_t v;
    PLUMSIM_ASSIGN(v, r.Integer(*seed, "seed", 0, INT64_MAX));
    s.seed = static_cast<uint64_t>(v);
  }
  const toml::node* duration = root.get("duration");
  if (duration == nullptr) return r.Error(nullptr, "duration", "missing (e.g. duration = \"60s\")");
  PLUMSIM_ASSIGN(s.duration, r.Duration(*duration, "duration", /*positive=*/true));

  // [nodes]
  const toml::table* nodes = SubTable(root, "nodes");
  if (nodes == nullptr) {
    return r.Error(root.get("nodes"), "nodes", "missing table [nodes] with count = N");
  }
  PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(*nodes, "nodes", {"count", "start_interval", "start_jitter"}));
  const toml::node* count = nodes->get("count");
  if (count == nullptr) return r.Error(root.get("nodes"), "nodes.count", "missing");
  PLUMSIM_ASSIGN(s.node_count, r.Integer(*count, "nodes.count", 1, kMaxNodes));
  if (const toml::node* v = nodes->get("start_interval")) {
    PLUMSIM_ASSIGN(s.start_interval, r.Duration(*v, "nodes.start_interval"));
  }
  if (const toml::node* v = nodes->get("start_jitter")) {
    PLUMSIM_ASSIGN(s.start_jitter, r.Duration(*v, "nodes.start_jitter"));
  }

  // Joined nodes count as existing for node references: find them first.
  int64_t total = s.node_count;
  const toml::array* events = nullptr;
  if (const toml::node* ev = root.get("events")) {
    events = ev->as_array();
    if (events == nullptr || !ev->is_array_of_tables()) {
      return r.Error(ev, "events", "expected an array of tables: [[events]]");
    }
    for (const toml::node& e : *events) {
      const toml::table& t = *e.as_table();
      const toml::node* kind = t.get("kind");
      const toml::node* which = t.get("nodes");
      if (kind != nullptr && kind->is_string() && kind->as_string()->get() == "join" &&
          which != nullptr) {
        r.set_total_nodes(kMaxNodes);
        absl::StatusOr<PeerSet> joined = r.NodeSet(*which, "events.nodes");
        if (!joined.ok()) return joined.status();
        total = std::max<int64_t>(total, joined->back() + 1);
      }
    }
  }
  if (total > kMaxNodes) return r.Error(nullptr, "nodes", "too many nodes");
  r.set_total_nodes(total);

  // [membership]
  if (const toml::table* m = SubTable(root, "membership")) {
    PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(
        *m, "membership",
        {"kind", "active_max_size", "active_min_size", "active_rwl", "passive_max_size",
         "passive_rwl", "random_promotion", "random_promotion_interval", "shuffle_interval",
         "shuffle_k_active", "shuffle_k_passive"}));
    if (const toml::node* kind = m->get("kind")) {
      PLUMSIM_ASSIGN(s.membership, r.String(*kind, "membership.kind"));
      if (s.membership != "full" && s.membership != "hyparview") {
        return r.Error(kind, "membership.kind", "expected \"full\" or \"hyparview\"");
      }
    }
    HyParViewConfig& h = s.hyparview;
    const std::pair<const char*, int64_t*> sizes[] = {
        {"active_max_size", &h.active_max_size},   {"active_min_size", &h.active_min_size},
        {"active_rwl", &h.active_rwl},             {"passive_max_size", &h.passive_max_size},
        {"passive_rwl", &h.passive_rwl},           {"shuffle_k_active", &h.shuffle_k_active},
        {"shuffle_k_passive", &h.shuffle_k_passive}};
    for (const auto& [key, field] : sizes) {
      if (const toml::node* v = m->get(key)) {
        if (s.membership != "hyparview") {
          return r.Error(v, absl::StrCat("membership.", key), "only for kind = \"hyparview\"");
        }
        PLUMSIM_ASSIGN(*field, r.Integer(*v, absl::StrCat("membership.", key), 0, 1000));
      }
    }
    if (const toml::node* v = m->get("random_promotion")) {
      PLUMSIM_ASSIGN(h.random_promotion, r.Bool(*v, "membership.random_promotion"));
    }
    SimDuration d;
    if (const toml::node* v = m->get("random_promotion_interval")) {
      PLUMSIM_ASSIGN(d, r.Duration(*v, "membership.random_promotion_interval", true));
      h.random_promotion_interval = d.ToAbsl();
    }
    if (const toml::node* v = m->get("shuffle_interval")) {
      PLUMSIM_ASSIGN(d, r.Duration(*v, "membership.shuffle_interval", true));
      h.shuffle_interval = d.ToAbsl();
    }
    if (h.active_max_size < 2 || h.active_min_size > h.active_max_size) {
      return r.Error(m->get("active_max_size") ? m->get("active_max_size") : root.get("membership"),
                     "membership.active_max_size",
                     "needs 2 <= active_max_size and active_min_size <= active_max_size "
                     "(both count the node itself, as in Partisan)");
    }
  } else if (root.get("membership") != nullptr) {
    return r.Error(root.get("membership"), "membership", "expected a table");
  }

  // [plumtree]
  if (const toml::table* p = SubTable(root, "plumtree")) {
    PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(
        *p, "plumtree",
        {"lazy_tick_period", "exchange_tick_period", "exchange_selection",
         "broadcast_start_exchange_limit"}));
    SimDuration d;
    if (const toml::node* v = p->get("lazy_tick_period")) {
      PLUMSIM_ASSIGN(d, r.Duration(*v, "plumtree.lazy_tick_period", true));
      s.plumtree.lazy_tick_period = d.ToAbsl();
    }
    if (const toml::node* v = p->get("exchange_tick_period")) {
      PLUMSIM_ASSIGN(d, r.Duration(*v, "plumtree.exchange_tick_period", true));
      s.plumtree.exchange_tick_period = d.ToAbsl();
    }
    if (const toml::node* v = p->get("exchange_selection")) {
      std::string sel;
      PLUMSIM_ASSIGN(sel, r.String(*v, "plumtree.exchange_selection"));
      if (sel == "optimized") {
        s.plumtree.exchange_selection = ExchangeSelection::kOptimized;
      } else if (sel == "normal") {
        s.plumtree.exchange_selection = ExchangeSelection::kNormal;
      } else {
        return r.Error(v, "plumtree.exchange_selection", "expected \"optimized\" or \"normal\"");
      }
    }
    if (const toml::node* v = p->get("broadcast_start_exchange_limit")) {
      int64_t limit;
      PLUMSIM_ASSIGN(limit, r.Integer(*v, "plumtree.broadcast_start_exchange_limit", 0, 1000));
      s.plumtree.broadcast_start_exchange_limit = static_cast<int>(limit);
    }
  }

  // [heartbeat]
  if (const toml::table* h = SubTable(root, "heartbeat")) {
    PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(*h, "heartbeat", {"broadcast", "broadcast_heartbeat_interval"}));
    if (const toml::node* v = h->get("broadcast")) {
      PLUMSIM_ASSIGN(s.heartbeat.broadcast, r.Bool(*v, "heartbeat.broadcast"));
    }
    if (const toml::node* v = h->get("broadcast_heartbeat_interval")) {
      SimDuration d;
      PLUMSIM_ASSIGN(d, r.Duration(*v, "heartbeat.broadcast_heartbeat_interval", true));
      s.heartbeat.broadcast_heartbeat_interval = d.ToAbsl();
    }
  }

  // [network]
  if (const toml::table* n = SubTable(root, "network")) {
    PLUMSIM_RETURN_IF_ERROR(
        r.CheckKeys(*n, "network", {"latency", "loss", "duplicate", "reorder", "links"}));
    if (const toml::node* v = n->get("latency")) {
      PLUMSIM_ASSIGN(s.network.latency, r.Latency(*v, "network.latency"));
    }
    if (const toml::node* v = n->get("loss")) {
      PLUMSIM_ASSIGN(s.network.loss, r.Probability(*v, "network.loss"));
    }
    if (const toml::node* v = n->get("duplicate")) {
      PLUMSIM_ASSIGN(s.network.duplicate, r.Probability(*v, "network.duplicate"));
    }
    if (const toml::node* v = n->get("reorder")) {
      PLUMSIM_ASSIGN(s.network.reorder, r.Bool(*v, "network.reorder"));
    }
    if (const toml::node* v = n->get("links")) {
      if (!v->is_array_of_tables()) {
        return r.Error(v, "network.links", "expected [[network.links]] tables");
      }
      for (const toml::node& e : *v->as_array()) {
        const toml::table& t = *e.as_table();
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "network.links",
                                            {"from", "to", "symmetric", "latency", "loss"}));
        LinkSpec link;
        const toml::node* from = t.get("from");
        const toml::node* to = t.get("to");
        if (from == nullptr || to == nullptr) {
          return r.Error(&e, "network.links", "needs both \"from\" and \"to\"");
        }
        PLUMSIM_ASSIGN(link.from, r.NodeSet(*from, "network.links.from"));
        PLUMSIM_ASSIGN(link.to, r.NodeSet(*to, "network.links.to"));
        if (const toml::node* x = t.get("symmetric")) {
          PLUMSIM_ASSIGN(link.symmetric, r.Bool(*x, "network.links.symmetric"));
        }
        if (const toml::node* x = t.get("latency")) {
          LatencyDistribution l;
          PLUMSIM_ASSIGN(l, r.Latency(*x, "network.links.latency"));
          link.latency = l;
        }
        if (const toml::node* x = t.get("loss")) {
          double p;
          PLUMSIM_ASSIGN(p, r.Probability(*x, "network.links.loss"));
          link.loss = p;
        }
        if (!link.latency && !link.loss) {
          return r.Error(&e, "network.links", "sets neither \"latency\" nor \"loss\"");
        }
        s.links.push_back(std::move(link));
      }
    }
  }

  // [[events]]
  std::set<NodeId> joined_so_far;
  if (events != nullptr) {
    for (const toml::node& e : *events) {
      const toml::table& t = *e.as_table();
      TimelineEvent ev;
      const toml::node* at = t.get("at");
      const toml::node* kind_node = t.get("kind");
      if (at == nullptr) return r.Error(&e, "events.at", "missing");
      if (kind_node == nullptr) return r.Error(&e, "events.kind", "missing");
      SimDuration at_d;
      PLUMSIM_ASSIGN(at_d, r.Duration(*at, "events.at"));
      if (at_d > s.duration) {
        return r.Error(at, "events.at",
                       absl::StrCat("is after the end of the run (duration ",
                                    FormatSimDuration(s.duration), ")"));
      }
      ev.at = SimTime::Zero() + at_d;
      std::string kind;
      PLUMSIM_ASSIGN(kind, r.String(*kind_node, "events.kind"));
      auto node_set = [&](const char* key, PeerSet* out) -> absl::Status {
        const toml::node* v = t.get(key);
        if (v == nullptr) {
          return r.Error(&e, absl::StrCat("events.", key),
                         absl::StrCat("missing (needed by kind \"", kind, "\")"));
        }
        absl::StatusOr<PeerSet> set = r.NodeSet(*v, absl::StrCat("events.", key));
        if (!set.ok()) return set.status();
        *out = *std::move(set);
        return absl::OkStatus();
      };
      auto optional_contact = [&]() -> absl::Status {
        if (const toml::node* v = t.get("contact")) {
          absl::StatusOr<std::string> name = r.String(*v, "events.contact");
          if (!name.ok()) return name.status();
          absl::StatusOr<NodeId> id = r.Node(*v, *name, "events.contact");
          if (!id.ok()) return id.status();
          ev.contact = *id;
        }
        return absl::OkStatus();
      };
      auto optional_scope = [&]() -> absl::Status {
        const bool has_from = t.get("from") != nullptr, has_to = t.get("to") != nullptr;
        if (has_from != has_to) {
          return r.Error(&e, "events", "give both \"from\" and \"to\", or neither");
        }
        if (has_from) {
          PLUMSIM_RETURN_IF_ERROR(node_set("from", &ev.from));
          PLUMSIM_RETURN_IF_ERROR(node_set("to", &ev.to));
        }
        if (const toml::node* v = t.get("symmetric")) {
          absl::StatusOr<bool> b = r.Bool(*v, "events.symmetric");
          if (!b.ok()) return b.status();
          ev.symmetric = *b;
        }
        return absl::OkStatus();
      };
      if (kind == "crash" || kind == "leave") {
        ev.kind = kind == "crash" ? TimelineEvent::Kind::kCrash : TimelineEvent::Kind::kLeave;
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "events", {"at", "kind", "nodes"}));
        PLUMSIM_RETURN_IF_ERROR(node_set("nodes", &ev.nodes));
      } else if (kind == "restart" || kind == "join") {
        ev.kind = kind == "restart" ? TimelineEvent::Kind::kRestart : TimelineEvent::Kind::kJoin;
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "events", {"at", "kind", "nodes", "contact"}));
        PLUMSIM_RETURN_IF_ERROR(node_set("nodes", &ev.nodes));
        PLUMSIM_RETURN_IF_ERROR(optional_contact());
        if (ev.kind == TimelineEvent::Kind::kJoin) {
          for (NodeId n : ev.nodes) {
            if (n < s.node_count) {
              return r.Error(t.get("nodes"), "events.nodes",
                             absl::StrCat(NodeName(n), " is present from the start (nodes.count = ",
                                          s.node_count, "); join introduces new nodes n",
                                          s.node_count, " and up"));
            }
            if (!joined_so_far.insert(n).second) {
              return r.Error(t.get("nodes"), "events.nodes",
                             absl::StrCat(NodeName(n), " joins twice"));
            }
          }
        }
      } else if (kind == "partition") {
        ev.kind = TimelineEvent::Kind::kPartition;
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "events", {"at", "kind", "groups"}));
        const toml::node* groups = t.get("groups");
        if (groups == nullptr || !groups->is_array() || groups->as_array()->size() < 1) {
          return r.Error(groups != nullptr ? groups : &e, "events.groups",
                         "expected an array of node sets, e.g. [\"n0..n4\", \"n5..n9\"]");
        }
        std::set<NodeId> seen;
        for (const toml::node& g : *groups->as_array()) {
          PeerSet set;
          PLUMSIM_ASSIGN(set, r.NodeSet(g, "events.groups"));
          for (NodeId n : set) {
            if (!seen.insert(n).second) {
              return r.Error(&g, "events.groups",
                             absl::StrCat(NodeName(n), " is in two groups"));
            }
          }
          ev.groups.push_back(std::move(set));
        }
      } else if (kind == "partition_one_way") {
        ev.kind = TimelineEvent::Kind::kPartitionOneWay;
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "events", {"at", "kind", "from", "to"}));
        PLUMSIM_RETURN_IF_ERROR(node_set("from", &ev.from));
        PLUMSIM_RETURN_IF_ERROR(node_set("to", &ev.to));
      } else if (kind == "heal") {
        ev.kind = TimelineEvent::Kind::kHeal;
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "events", {"at", "kind"}));
      } else if (kind == "link_down" || kind == "link_up") {
        ev.kind = kind == "link_down" ? TimelineEvent::Kind::kLinkDown
                                      : TimelineEvent::Kind::kLinkUp;
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "events", {"at", "kind", "from", "to", "symmetric"}));
        PLUMSIM_RETURN_IF_ERROR(node_set("from", &ev.from));
        PLUMSIM_RETURN_IF_ERROR(node_set("to", &ev.to));
        PLUMSIM_RETURN_IF_ERROR(optional_scope());
      } else if (kind == "set_latency") {
        ev.kind = TimelineEvent::Kind::kSetLatency;
        PLUMSIM_RETURN_IF_ERROR(
            r.CheckKeys(t, "events", {"at", "kind", "latency", "from", "to", "symmetric"}));
        const toml::node* v = t.get("latency");
        if (v == nullptr) return r.Error(&e, "events.latency", "missing");
        LatencyDistribution l;
        PLUMSIM_ASSIGN(l, r.Latency(*v, "events.latency"));
        ev.latency = l;
        PLUMSIM_RETURN_IF_ERROR(optional_scope());
      } else if (kind == "set_loss") {
        ev.kind = TimelineEvent::Kind::kSetLoss;
        PLUMSIM_RETURN_IF_ERROR(
            r.CheckKeys(t, "events", {"at", "kind", "loss", "from", "to", "symmetric"}));
        const toml::node* v = t.get("loss");
        if (v == nullptr) return r.Error(&e, "events.loss", "missing");
        PLUMSIM_ASSIGN(ev.loss, r.Probability(*v, "events.loss"));
        PLUMSIM_RETURN_IF_ERROR(optional_scope());
      } else if (kind == "broadcast") {
        ev.kind = TimelineEvent::Kind::kBroadcast;
        PLUMSIM_RETURN_IF_ERROR(
            r.CheckKeys(t, "events", {"at", "kind", "from", "count", "interval", "size"}));
        PLUMSIM_RETURN_IF_ERROR(node_set("from", &ev.from));
        if (const toml::node* v = t.get("count")) {
          PLUMSIM_ASSIGN(ev.count, r.Integer(*v, "events.count", 1, 100'000'000));
        }
        if (const toml::node* v = t.get("interval")) {
          PLUMSIM_ASSIGN(ev.interval, r.Duration(*v, "events.interval"));
        }
        if (const toml::node* v = t.get("size")) {
          PLUMSIM_ASSIGN(ev.size_bytes, r.Integer(*v, "events.size", 0, 1 << 20));
        }
      } else {
        return r.Error(kind_node, "events.kind",
                       absl::StrCat("unknown event kind \"", kind,
                                    "\"; expected crash, restart, join, leave, partition, "
                                    "partition_one_way, heal, link_down, link_up, "
                                    "set_latency, set_loss or broadcast"));
      }
      s.events.push_back(std::move(ev));
    }
    for (int64_t id = s.node_count; id < total; ++id) {
      if (!joined_so_far.contains(static_cast<NodeId>(id))) {
        const toml::node* where = nullptr;
        for (const toml::node& e : *events) {
          const toml::node* kind = e.as_table()->get("kind");
          if (kind != nullptr && kind->value_or(std::string()) == "join") {
            where = e.as_table()->get("nodes");
          }
        }
        return r.Error(where, "events.nodes",
                       absl::StrCat(NodeName(static_cast<NodeId>(id)),
                                    " never joins: joined nodes must take the ids after "
                                    "the initial ones without gaps"));
      }
    }
    std::stable_sort(s.events.begin(), s.events.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  }

  // [[churn]]
  if (const toml::node* c = root.get("churn")) {
    if (!c->is_array_of_tables()) return r.Error(c, "churn", "expected [[churn]] tables");
    for (const toml::node& e : *c->as_array()) {
      const toml::table& t = *e.as_table();
      PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(
          t, "churn", {"start", "end", "nodes", "mean_time_between_crashes", "downtime"}));
      ChurnSpec churn;
      for (const char* key : {"start", "end", "mean_time_between_crashes", "downtime"}) {
        if (t.get(key) == nullptr) {
          return r.Error(&e, absl::StrCat("churn.", key), "missing");
        }
      }
      SimDuration start, end;
      PLUMSIM_ASSIGN(start, r.Duration(*t.get("start"), "churn.start"));
      PLUMSIM_ASSIGN(end, r.Duration(*t.get("end"), "churn.end"));
      if (end <= start || end > s.duration) {
        return r.Error(t.get("end"), "churn.end", "expected start < end <= duration");
      }
      churn.start = SimTime::Zero() + start;
      churn.end = SimTime::Zero() + end;
      PLUMSIM_ASSIGN(churn.mean_time_between_crashes,
                     r.Duration(*t.get("mean_time_between_crashes"),
                                "churn.mean_time_between_crashes", true));
      PLUMSIM_ASSIGN(churn.downtime, r.Duration(*t.get("downtime"), "churn.downtime", true));
      if (const toml::node* v = t.get("nodes")) {
        PLUMSIM_ASSIGN(churn.nodes, r.NodeSet(*v, "churn.nodes"));
      } else {
        for (int64_t i = 0; i < s.node_count; ++i) churn.nodes.push_back(static_cast<NodeId>(i));
      }
      s.churn.push_back(std::move(churn));
    }
  }
  // [metrics]
  if (const toml::table* m = SubTable(root, "metrics")) {
    PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(*m, "metrics", {"window", "settle"}));
    if (const toml::node* v = m->get("window")) {
      PLUMSIM_ASSIGN(s.metrics_window, r.Duration(*v, "metrics.window", true));
    }
    if (const toml::node* v = m->get("settle")) {
      PLUMSIM_ASSIGN(s.settle, r.Duration(*v, "metrics.settle"));
    }
  }

  // [snapshots]
  if (const toml::table* snap = SubTable(root, "snapshots")) {
    PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(*snap, "snapshots", {"at", "roots"}));
    if (const toml::node* v = snap->get("at")) {
      if (!v->is_array()) return r.Error(v, "snapshots.at", "expected an array of durations");
      for (const toml::node& e : *v->as_array()) {
        SimDuration d;
        PLUMSIM_ASSIGN(d, r.Duration(e, "snapshots.at"));
        if (d > s.duration) return r.Error(&e, "snapshots.at", "is after the end of the run");
        s.snapshot_times.push_back(SimTime::Zero() + d);
      }
      std::sort(s.snapshot_times.begin(), s.snapshot_times.end());
    }
    if (const toml::node* v = snap->get("roots")) {
      PLUMSIM_ASSIGN(s.snapshot_roots, r.NodeSet(*v, "snapshots.roots"));
    }
  }

  // [[expect]]
  if (const toml::node* x = root.get("expect")) {
    if (!x->is_array_of_tables()) return r.Error(x, "expect", "expected [[expect]] tables");
    for (const toml::node& e : *x->as_array()) {
      const toml::table& t = *e.as_table();
      Expectation ex;
      ex.line = static_cast<int>(e.source().begin.line);
      const toml::node* metric = t.get("metric");
      if (metric == nullptr) return r.Error(&e, "expect.metric", "missing");
      std::string name;
      PLUMSIM_ASSIGN(name, r.String(*metric, "expect.metric"));
      const char* bound_key = nullptr;
      if (name == "reliability_min") {
        ex.metric = Expectation::Metric::kReliabilityMin;
        bound_key = "at_least";
      } else if (name == "rmr_max") {
        ex.metric = Expectation::Metric::kRmrMax;
        bound_key = "at_most";
      } else if (name == "ldh_max") {
        ex.metric = Expectation::Metric::kLdhMax;
        bound_key = "at_most";
      } else if (name == "trees_spanning") {
        ex.metric = Expectation::Metric::kTreesSpanning;
      } else if (name == "converged_before") {
        ex.metric = Expectation::Metric::kConvergedBefore;
      } else {
        return r.Error(metric, "expect.metric",
                       absl::StrCat("unknown metric \"", name,
                                    "\"; expected reliability_min, rmr_max, ldh_max, "
                                    "trees_spanning or converged_before"));
      }
      if (ex.metric == Expectation::Metric::kTreesSpanning) {
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "expect", {"metric"}));
      } else if (ex.metric == Expectation::Metric::kConvergedBefore) {
        PLUMSIM_RETURN_IF_ERROR(r.CheckKeys(t, "expect", {"metric", "before", "handler"}));
        const toml::node* before = t.get("before");
        if (before == nullptr) return r.Error(&e, "expect.before", "missing");
        SimDuration d;
        PLUMSIM_ASSIGN(d, r.Duration(*before, "expect.before"));
        ex.before = SimTime::Zero() + d;
      } else {
        PLUMSIM_RETURN_IF_ERROR(
            r.CheckKeys(t, "expect", {"metric", "after", "handler", bound_key}));
        const toml::node* bound = t.get(bound_key);
        if (bound == nullptr) {
          return r.Error(&e, absl::StrCat("expect.", bound_key),
                         absl::StrCat("missing (", name, " needs ", bound_key, " = <number>)"));
        }
        if (bound->is_integer()) {
          ex.bound = static_cast<double>(bound->as_integer()->get());
        } else if (bound->is_floating_point()) {
          ex.bound = bound->as_floating_point()->get();
        } else {
          return r.Error(bound, absl::StrCat("expect.", bound_key), "expected a number");
        }
        if (const toml::node* after = t.get("after")) {
          SimDuration d;
          PLUMSIM_ASSIGN(d, r.Duration(*after, "expect.after"));
          ex.after = SimTime::Zero() + d;
        }
      }
      if (const toml::node* h = t.get("handler")) {
        PLUMSIM_ASSIGN(ex.handler, r.String(*h, "expect.handler"));
        if (ex.handler != "heartbeat" && ex.handler != "application" && ex.handler != "all") {
          return r.Error(h, "expect.handler", "expected \"heartbeat\", \"application\" or \"all\"");
        }
      }
      s.expectations.push_back(ex);
    }
  }
  return s;
}

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
    case Expectation::Metric::kReliabilityMin: return "reliability_min";
    case Expectation::Metric::kRmrMax: return "rmr_max";
    case Expectation::Metric::kLdhMax: return "ldh_max";
    case Expectation::Metric::kTreesSpanning: return "trees_spanning";
    case Expectation::Metric::kConvergedBefore: return "converged_before";
  }
  return "?";
}

const char* EventKindName(TimelineEvent::Kind kind) {
  switch (kind) {
    case TimelineEvent::Kind::kCrash: return "crash";
    case TimelineEvent::Kind::kRestart: return "restart";
    case TimelineEvent::Kind::kJoin: return "join";
    case TimelineEvent::Kind::kLeave: return "leave";
    case TimelineEvent::Kind::kPartition: return "partition";
    case TimelineEvent::Kind::kPartitionOneWay: return "partition_one_way";
    case TimelineEvent::Kind::kHeal: return "heal";
    case TimelineEvent::Kind::kLinkDown: return "link_down";
    case TimelineEvent::Kind::kLinkUp: return "link_up";
    case TimelineEvent::Kind::kSetLatency: return "set_latency";
    case TimelineEvent::Kind::kSetLoss: return "set_loss";
    case TimelineEvent::Kind::kBroadcast: return "broadcast";
  }
  return "?";
}

int64_t Scenario::total_nodes() const {
  int64_t total = node_count;
  for (const TimelineEvent& e : events) {
    if (e.kind == TimelineEvent::Kind::kJoin && !e.nodes.empty()) {
      total = std::max<int64_t>(total, e.nodes.back() + 1);
    }
  }
  return total;
}

std::string FormatNodeSet(const PeerSet& nodes) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < nodes.size();) {
    size_t j = i;
    while (j + 1 < nodes.size() && nodes[j + 1] == nodes[j] + 1) ++j;
    parts.push_back(j == i ? NodeName(nodes[i])
                           : absl::StrCat(NodeName(nodes[i]), "..", NodeName(nodes[j])));
    i = j + 1;
  }
  return absl::StrJoin(parts, ", ");
}

std::string Scenario::ToToml() const {
  toml::table root;
  root.insert("name", name);
  root.insert("description", description);
  root.insert("seed", static_cast<int64_t>(seed));
  root.insert("duration", FormatSimDuration(duration));
  root.insert("nodes", toml::table{{"count", node_count},
                                   {"start_interval", FormatSimDuration(start_interval)},
                                   {"start_jitter", FormatSimDuration(start_jitter)}});
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
  root.insert("heartbeat",
              toml::table{{"broadcast", heartbeat.broadcast},
                          {"broadcast_heartbeat_interval",
                           Dur(heartbeat.broadcast_heartbeat_interval)}});
  toml::table net{{"latency", LatencyTable(network.latency)},
                  {"loss", network.loss},
                  {"duplicate", network.duplicate},
                  {"reorder", network.reorder}};
  if (!links.empty()) {
    toml::array arr;
    for (const LinkSpec& l : links) {
      toml::table t{{"from", FormatNodeSet(l.from)},
                    {"to", FormatNodeSet(l.to)},
                    {"symmetric", l.symmetric}};
      if (l.latency) t.insert("latency", LatencyTable(*l.latency));
      if (l.loss) t.insert("loss", *l.loss);
      arr.push_back(std::move(t));
    }
    net.insert("links", std::move(arr));
  }
  root.insert("network", std::move(net));
  if (!events.empty()) {
    toml::array arr;
    for (const TimelineEvent& e : events) {
      toml::table t{{"at", FormatSimDuration(e.at.SinceStart())}, {"kind", EventKindName(e.kind)}};
      using K = TimelineEvent::Kind;
      switch (e.kind) {
        case K::kCrash:
        case K::kLeave:
          t.insert("nodes", FormatNodeSet(e.nodes));
          break;
        case K::kRestart:
        case K::kJoin:
          t.insert("nodes", FormatNodeSet(e.nodes));
          if (e.contact) t.insert("contact", NodeName(*e.contact));
          break;
        case K::kPartition: {
          toml::array groups;
          for (const PeerSet& g : e.groups) groups.push_back(FormatNodeSet(g));
          t.insert("groups", std::move(groups));
          break;
        }
        case K::kPartitionOneWay:
          t.insert("from", FormatNodeSet(e.from));
          t.insert("to", FormatNodeSet(e.to));
          break;
        case K::kHeal:
          break;
        case K::kLinkDown:
        case K::kLinkUp:
        case K::kSetLatency:
        case K::kSetLoss:
          if (!e.from.empty()) {
            t.insert("from", FormatNodeSet(e.from));
            t.insert("to", FormatNodeSet(e.to));
          }
          t.insert("symmetric", e.symmetric);
          if (e.kind == K::kSetLatency) t.insert("latency", LatencyTable(*e.latency));
          if (e.kind == K::kSetLoss) t.insert("loss", e.loss);
          break;
        case K::kBroadcast:
          t.insert("from", FormatNodeSet(e.from));
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
      arr.push_back(toml::table{
          {"start", FormatSimDuration(c.start.SinceStart())},
          {"end", FormatSimDuration(c.end.SinceStart())},
          {"nodes", FormatNodeSet(c.nodes)},
          {"mean_time_between_crashes", FormatSimDuration(c.mean_time_between_crashes)},
          {"downtime", FormatSimDuration(c.downtime)}});
    }
    root.insert("churn", std::move(arr));
  }
  root.insert("metrics", toml::table{{"window", FormatSimDuration(metrics_window)},
                                     {"settle", FormatSimDuration(settle)}});
  if (!snapshot_times.empty() || !snapshot_roots.empty()) {
    toml::table snap;
    toml::array times;
    for (SimTime t : snapshot_times) times.push_back(FormatSimDuration(t.SinceStart()));
    snap.insert("at", std::move(times));
    if (!snapshot_roots.empty()) snap.insert("roots", FormatNodeSet(snapshot_roots));
    root.insert("snapshots", std::move(snap));
  }
  if (!expectations.empty()) {
    toml::array arr;
    for (const Expectation& e : expectations) {
      toml::table t{{"metric", ExpectationMetricName(e.metric)}};
      switch (e.metric) {
        case Expectation::Metric::kReliabilityMin:
          t.insert("at_least", e.bound);
          t.insert("after", FormatSimDuration(e.after.SinceStart()));
          t.insert("handler", e.handler);
          break;
        case Expectation::Metric::kRmrMax:
        case Expectation::Metric::kLdhMax:
          t.insert("at_most", e.bound);
          t.insert("after", FormatSimDuration(e.after.SinceStart()));
          t.insert("handler", e.handler);
          break;
        case Expectation::Metric::kTreesSpanning:
          break;
        case Expectation::Metric::kConvergedBefore:
          t.insert("before", FormatSimDuration(e.before.SinceStart()));
          t.insert("handler", e.handler);
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

absl::StatusOr<Scenario> ParseScenario(absl::string_view text,
                                       const std::string& source_name,
                                       const std::vector<std::string>& overrides) {
  toml::table root;
  try {
    root = toml::parse(std::string_view(text.data(), text.size()), source_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        source_name, ":", e.source().begin.line, ":", e.source().begin.column,
        ": TOML syntax error: ", std::string(e.description())));
  }
  for (const std::string& o : overrides) {
    try {
      absl::Status st = ApplyOverride(root, o);
      if (!st.ok()) return st;
    } catch (const toml::parse_error& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("--set ", o, ": ", std::string(e.description())));
    }
  }
  return FromTable(root, source_name);
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path,
                                      const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open the scenario file"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseScenario(buffer.str(), path, overrides);
}

}  // namespace plumsim
