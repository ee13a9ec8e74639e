#include "sim/scenario/reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

constexpr absl::string_view kRandomSyntax =
    "expected \"random 40%\" or \"random 4000\", optionally followed by \"of n100..n9999\"";

}  // namespace

absl::StatusOr<toml::table> ParseTomlDocument(absl::string_view text,
                                              const std::string& source_name) {
  try {
    return toml::parse(std::string_view(text.data(), text.size()), source_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ":", e.source().begin.line, ":", e.source().begin.column,
                     ": TOML syntax error: ", std::string(e.description())));
  }
}

void ScenarioReader::MarkFromArgument(const toml::node& node, const std::string& argument) {
  from_argument_[&node] = argument;
  if (const toml::table* t = node.as_table()) {
    for (auto&& [k, v] : *t) MarkFromArgument(v, argument);
  } else if (const toml::array* a = node.as_array()) {
    for (const toml::node& v : *a) MarkFromArgument(v, argument);
  }
}

std::string ScenarioReader::Where(const toml::node* node) const {
  if (node != nullptr) {
    if (auto it = from_argument_.find(node); it != from_argument_.end()) return it->second;
    const toml::source_region& src = node->source();
    if (src.begin.line > 0) {
      return absl::StrCat(source_name_, ":", src.begin.line, ":", src.begin.column);
    }
  }
  return absl::StrCat(source_name_, ":1:1");
}

void ScenarioReader::Error(const toml::node* node, absl::string_view key,
                           absl::string_view message) {
  Diagnostic d{0, 1, 1, ""};
  if (node != nullptr) {
    if (from_argument_.contains(node)) {
      d.order = 1;
    } else if (node->source().begin.line > 0) {
      d.line = static_cast<int>(node->source().begin.line);
      d.column = static_cast<int>(node->source().begin.column);
    }
  }
  d.text = absl::StrCat(Where(node), ": ", key.empty() ? "" : absl::StrCat(key, ": "), message);
  errors_.push_back(std::move(d));
}

void ScenarioReader::Missing(const toml::table* table, absl::string_view key,
                             absl::string_view hint) {
  const std::string where = table == nullptr ? "the top level" : "this table";
  Error(table, key,
        absl::StrCat("missing from ", where, hint.empty() ? "" : " (", hint,
                     hint.empty() ? "" : ")"));
}

void ScenarioReader::ErrorAt(int line, int column, absl::string_view key,
                             absl::string_view message) {
  errors_.push_back(
      Diagnostic{0, line, column,
                 absl::StrCat(source_name_, ":", line, ":", column, ": ", key, ": ", message)});
}

absl::Status ScenarioReader::Result() const {
  if (errors_.empty()) return absl::OkStatus();
  std::vector<Diagnostic> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.order, a.line, a.column) < std::tie(b.order, b.line, b.column);
  });
  std::vector<std::string> lines;
  for (const Diagnostic& d : sorted) {
    if (static_cast<int>(lines.size()) == kMaxReportedErrors) {
      lines.push_back(
          absl::StrCat("... and ", sorted.size() - kMaxReportedErrors, " more error(s)"));
      break;
    }
    lines.push_back(d.text);
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

std::string ScenarioReader::Join(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

bool ScenarioReader::CheckKeys(const toml::table& table, absl::string_view path,
                               absl::Span<const absl::string_view> allowed) {
  bool ok = true;
  for (auto&& [key, value] : table) {
    const std::string k(key.str());
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      Error(&value, Join(path, k),
            absl::StrCat("unknown key; expected one of: ", absl::StrJoin(allowed, ", ")));
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> ScenarioReader::String(const toml::node& n, absl::string_view key) {
  if (!n.is_string()) {
    Error(&n, key, "expected a string");
    return std::nullopt;
  }
  return n.as_string()->get();
}

std::optional<int64_t> ScenarioReader::Integer(const toml::node& n, absl::string_view key,
                                               int64_t min, int64_t max) {
  if (!n.is_integer()) {
    Error(&n, key, absl::StrCat("expected an integer in [", min, ", ", max, "]"));
    return std::nullopt;
  }
  const int64_t v = n.as_integer()->get();
  if (v < min || v > max) {
    Error(&n, key, absl::StrCat("expected an integer in [", min, ", ", max, "], got ", v));
    return std::nullopt;
  }
  return v;
}

std::optional<double> ScenarioReader::Number(const toml::node& n, absl::string_view key, double min,
                                             double max, absl::string_view what) {
  double v;
  if (n.is_floating_point()) {
    v = n.as_floating_point()->get();
  } else if (n.is_integer()) {
    v = static_cast<double>(n.as_integer()->get());
  } else {
    Error(&n, key, absl::StrCat("expected ", what, " in [", min, ", ", max, "]"));
    return std::nullopt;
  }
  if (!(v >= min && v <= max)) {  // also NaN
    Error(&n, key, absl::StrCat("expected ", what, " in [", min, ", ", max, "], got ", v));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> ScenarioReader::Bool(const toml::node& n, absl::string_view key) {
  if (!n.is_boolean()) {
    Error(&n, key, "expected true or false");
    return std::nullopt;
  }
  return n.as_boolean()->get();
}

std::optional<SimDuration> ScenarioReader::Duration(const toml::node& n, absl::string_view key,
                                                    SimDuration min) {
  if (!n.is_string()) {
    Error(&n, key, "expected a duration string with a unit, e.g. \"250ms\"");
    return std::nullopt;
  }
  absl::StatusOr<SimDuration> d = ParseSimDuration(n.as_string()->get());
  if (!d.ok()) {
    Error(&n, key, d.status().message());
    return std::nullopt;
  }
  if (*d > kMaxSimTime) {
    Error(&n, key,
          absl::StrCat("expected at most ", FormatSimDuration(kMaxSimTime),
                       " (about 11 years of virtual time), got \"", n.as_string()->get(), "\""));
    return std::nullopt;
  }
  if (*d < min) {
    Error(&n, key,
          absl::StrCat("expected at least ", FormatSimDuration(min), ", got \"",
                       n.as_string()->get(), "\""));
    return std::nullopt;
  }
  return *d;
}

std::optional<LatencyDistribution> ScenarioReader::Latency(const toml::node& n,
                                                           absl::string_view key) {
  if (n.is_string()) {
    std::optional<SimDuration> d = Duration(n, key);
    if (!d) return std::nullopt;
    return LatencyDistribution::Constant(*d);
  }
  if (!n.is_table()) {
    Error(&n, key,
          "expected a duration or a table such as "
          "{ kind = \"uniform\", min = \"1ms\", max = \"5ms\" }");
    return std::nullopt;
  }
  const toml::table& t = *n.as_table();
  const LatencyDistribution::KindSpec* spec = LatencyKind(t, key);
  if (spec == nullptr) return std::nullopt;
  if (spec->kind == LatencyDistribution::Kind::kEmpirical) return EmpiricalLatency(t, key);
  std::optional<LatencyDistribution> out = LatencyParameters(t, key, *spec);
  if (!out) return std::nullopt;
  if (out->kind == LatencyDistribution::Kind::kUniform && out->b < out->a) {
    Error(&n, key, "uniform latency needs min <= max");
    return std::nullopt;
  }
  if (out->kind == LatencyDistribution::Kind::kExponential && out->a <= SimDuration::Zero()) {
    Error(&n, key, "mean must be > 0");
    return std::nullopt;
  }
  return out;
}

const LatencyDistribution::KindSpec* ScenarioReader::LatencyKind(const toml::table& t,
                                                                 absl::string_view key) {
  const toml::node* kind_node = t.get("kind");
  if (kind_node == nullptr) {
    Missing(&t, Join(key, "kind"), "e.g. kind = \"uniform\"");
    return nullptr;
  }
  std::optional<std::string> kind = String(*kind_node, Join(key, "kind"));
  if (!kind) return nullptr;
  const LatencyDistribution::KindSpec* spec = nullptr;
  std::vector<std::string> names;
  for (const auto& s : LatencyDistribution::KindSpecs()) {
    if (*kind == s.name) spec = &s;
    names.push_back(s.name);
  }
  if (spec == nullptr) {
    Error(kind_node, Join(key, "kind"),
          absl::StrCat("unknown latency kind \"", *kind,
                       "\"; expected one of: ", absl::StrJoin(names, ", ")));
  }
  return spec;
}

std::optional<LatencyDistribution> ScenarioReader::EmpiricalLatency(const toml::table& t,
                                                                    absl::string_view key) {
  bool ok = CheckKeys(t, key, {"kind", "samples"});
  const toml::node* samples = t.get("samples");
  if (samples == nullptr) {
    Missing(&t, Join(key, "samples"), "a list of durations, e.g. samples = [\"1.2ms\", \"0.9ms\"]");
    return std::nullopt;
  }
  const toml::array* list = samples->as_array();
  if (list == nullptr || list->empty()) {
    Error(samples, Join(key, "samples"),
          "expected a non-empty list of durations, e.g. [\"1.2ms\", \"0.9ms\"]");
    return std::nullopt;
  }
  std::vector<SimDuration> values;
  values.reserve(list->size());
  for (const toml::node& v : *list) {
    std::optional<SimDuration> d = Duration(v, Join(key, "samples"));
    ok = ok && d.has_value();
    if (d) values.push_back(*d);
  }
  if (!ok) return std::nullopt;
  return LatencyDistribution::Empirical(std::move(values));
}

std::optional<LatencyDistribution> ScenarioReader::LatencyParameters(
    const toml::table& t, absl::string_view key, const LatencyDistribution::KindSpec& spec) {
  bool ok = spec.second != nullptr ? CheckKeys(t, key, {"kind", spec.first, spec.second})
                                   : CheckKeys(t, key, {"kind", spec.first});
  LatencyDistribution out;
  out.kind = spec.kind;
  auto need = [&](const char* name) -> const toml::node* {
    const toml::node* v = t.get(name);
    if (v == nullptr) {
      Missing(&t, Join(key, name), absl::StrCat("latency kind \"", spec.name, "\" needs it"));
    }
    return v;
  };
  if (const toml::node* first = need(spec.first)) {
    std::optional<SimDuration> a = Duration(*first, Join(key, spec.first));
    ok = ok && a.has_value();
    if (a) out.a = *a;
  } else {
    ok = false;
  }
  if (spec.second != nullptr) {
    if (const toml::node* second = need(spec.second)) {
      if (spec.second_is_shape) {
        std::optional<double> shape = Number(*second, Join(key, spec.second), 1e-6, 1e6);
        ok = ok && shape.has_value();
        if (shape) out.shape = *shape;
      } else {
        std::optional<SimDuration> b = Duration(*second, Join(key, spec.second));
        ok = ok && b.has_value();
        if (b) out.b = *b;
      }
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<NodeId> ScenarioReader::Node(const toml::node& n, absl::string_view text,
                                           absl::string_view key) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  int64_t id;
  if (!absl::ConsumePrefix(&t, "n") || t.empty() ||
      t.find_first_not_of("0123456789") != absl::string_view::npos || !absl::SimpleAtoi(t, &id)) {
    Error(&n, key, absl::StrCat("expected a node name like \"n3\", got \"", text, "\""));
    return std::nullopt;
  }
  if (id >= total_nodes_) {
    Error(&n, key,
          absl::StrCat("node n", id, " does not exist (nodes are n0..n", total_nodes_ - 1,
                       " counting joined ones)"));
    return std::nullopt;
  }
  return static_cast<NodeId>(id);
}

std::optional<NodeSet::Range> ScenarioReader::NodeRange(const toml::node& n, absl::string_view part,
                                                        absl::string_view key) {
  const absl::string_view p = absl::StripAsciiWhitespace(part);
  if (p == "all") {
    if (total_nodes_ == 0) return std::nullopt;
    return NodeSet::Range{0, static_cast<NodeId>(total_nodes_ - 1)};
  }
  const size_t dots = p.find("..");
  if (dots == absl::string_view::npos) {
    std::optional<NodeId> id = Node(n, p, key);
    if (!id) return std::nullopt;
    return NodeSet::Range{*id, *id};
  }
  std::optional<NodeId> lo = Node(n, p.substr(0, dots), key);
  std::optional<NodeId> hi = Node(n, p.substr(dots + 2), key);
  if (!lo || !hi) return std::nullopt;
  if (*hi < *lo) {
    Error(&n, key, absl::StrCat("empty range \"", p, "\""));
    return std::nullopt;
  }
  return NodeSet::Range{*lo, *hi};
}

std::optional<NodeSet> ScenarioReader::RandomNodes(const toml::node& n, absl::string_view part,
                                                   absl::string_view key,
                                                   const NodeSet* population) {
  absl::string_view p = absl::StripAsciiWhitespace(part);
  absl::ConsumePrefix(&p, "random");
  const std::vector<absl::string_view> words = absl::StrSplit(p, ' ', absl::SkipWhitespace());
  std::optional<NodeSet> from = RandomPopulation(n, part, key, words, population);
  if (!from) return std::nullopt;
  std::optional<int64_t> count = RandomCount(n, part, key, words[0], from->size());
  if (!count) return std::nullopt;
  return DrawNodes(*from, *count);
}

std::optional<NodeSet> ScenarioReader::RandomPopulation(const toml::node& n, absl::string_view part,
                                                        absl::string_view key,
                                                        const std::vector<absl::string_view>& words,
                                                        const NodeSet* population) {
  if (words.size() == 3 && words[1] == "of") {
    if (population != nullptr) {
      Error(&n, key, "give the population either in the string (\"of ...\") or as `of`, not both");
      return std::nullopt;
    }
    std::optional<NodeSet::Range> r = NodeRange(n, words[2], key);
    if (!r) return std::nullopt;
    return NodeSet::FromRanges({*r});
  }
  if (words.size() != 1) {
    Error(&n, key, absl::StrCat(kRandomSyntax, ", got \"", part, "\""));
    return std::nullopt;
  }
  if (population != nullptr) return *population;
  if (initial_nodes_ > 0) return NodeSet::Interval(0, static_cast<NodeId>(initial_nodes_ - 1));
  return NodeSet();
}

std::optional<int64_t> ScenarioReader::RandomCount(const toml::node& n, absl::string_view part,
                                                   absl::string_view key, absl::string_view amount,
                                                   int64_t n_from) {
  const bool share = absl::ConsumeSuffix(&amount, "%");
  double value;
  if (amount.empty() || !absl::SimpleAtod(amount, &value) || !(value >= 0)) {
    Error(&n, key, absl::StrCat(kRandomSyntax, ", got \"", part, "\""));
    return std::nullopt;
  }
  int64_t count;
  if (share) {
    if (value > 100) {
      Error(&n, key, absl::StrCat("a share of at most 100%, got \"", part, "\""));
      return std::nullopt;
    }
    count = static_cast<int64_t>(static_cast<double>(n_from) * value / 100.0 + 0.5);
  } else {
    if (value != static_cast<double>(static_cast<int64_t>(value)) || value > n_from) {
      Error(&n, key,
            absl::StrCat("a whole number of nodes, at most the ", n_from, " to draw from, got \"",
                         part, "\""));
      return std::nullopt;
    }
    count = static_cast<int64_t>(value);
  }
  if (count == 0) {
    Error(&n, key, absl::StrCat("\"", part, "\" of ", n_from, " nodes is no node"));
    return std::nullopt;
  }
  return count;
}

// Selection sampling (Knuth's algorithm S): one draw per candidate, in id
// order, so the result comes out sorted and exactly `count` long.
NodeSet ScenarioReader::DrawNodes(const NodeSet& from, int64_t count) {
  RandomStream rng(seed_, StreamDomain::kNodeSets, random_sets_++);
  std::vector<NodeSet::Range> chosen;
  int64_t needed = count, left = from.size();
  for (NodeId id : from) {
    if (needed == 0) break;
    if (static_cast<int64_t>(rng.UniformInt(static_cast<uint64_t>(left))) < needed) {
      if (!chosen.empty() && chosen.back().last + 1 == id) {
        chosen.back().last = id;
      } else {
        chosen.push_back({id, id});
      }
      --needed;
    }
    --left;
  }
  return NodeSet::FromRanges(std::move(chosen));
}

std::optional<NodeSet> ScenarioReader::Nodes(const toml::node& n, absl::string_view key,
                                             const NodeSet* population,
                                             absl::string_view random_refused) {
  std::vector<std::pair<const toml::node*, std::string>> parts;
  if (n.is_string()) {
    for (absl::string_view p : absl::StrSplit(n.as_string()->get(), ',', absl::SkipWhitespace())) {
      parts.emplace_back(&n, std::string(p));
    }
  } else if (n.is_array()) {
    for (const toml::node& e : *n.as_array()) {
      if (!e.is_string()) {
        Error(&e, key, "expected node names as strings");
        return std::nullopt;
      }
      parts.emplace_back(&e, e.as_string()->get());
    }
  } else {
    Error(&n, key, "expected a node set: \"n3\", \"n0..n9\", \"all\" or an array");
    return std::nullopt;
  }
  std::vector<NodeSet::Range> ranges;
  bool ok = true;
  bool random = false;
  for (const auto& [node, part] : parts) {
    if (absl::StartsWith(absl::StripAsciiWhitespace(part), "random")) {
      random = true;
      if (!random_refused.empty()) {
        Error(node, key, random_refused);
        ok = false;
        continue;
      }
      std::optional<NodeSet> drawn = RandomNodes(*node, part, key, population);
      if (!drawn) {
        ok = false;
        continue;
      }
      ranges.insert(ranges.end(), drawn->ranges().begin(), drawn->ranges().end());
      continue;
    }
    std::optional<NodeSet::Range> r = NodeRange(*node, part, key);
    if (r) {
      ranges.push_back(*r);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (population != nullptr && !random) {
    Error(&n, key, "`of` applies only to a random node set (\"random 40%\")");
    return std::nullopt;
  }
  if (ranges.empty()) {
    Error(&n, key, "expected at least one node");
    return std::nullopt;
  }
  return NodeSet::FromRanges(std::move(ranges));
}

}  // namespace plumsim
