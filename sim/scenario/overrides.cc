#include "sim/scenario/overrides.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace plumsim {
namespace {

// The table or array `o.path` leads to, all segments but the last, creating
// missing tables; nullptr after recording an error.
toml::node* Parent(toml::table* root, const Override& o, const std::vector<std::string>& segments,
                   ScenarioReader* r) {
  toml::node* current = root;
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
      return nullptr;
    }
    current = next;
  }
  return current;
}

void ApplyOverride(const Override& o, toml::table* root, ScenarioReader* r) {
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
  toml::node* parent = Parent(root, o, segments, r);
  if (parent == nullptr) return;
  const std::string& last = segments.back();
  holder.get("v")->visit([&](auto& value) {
    if (toml::table* t = parent->as_table()) {
      auto [it, inserted] = t->insert_or_assign(last, value);
      r->MarkFromArgument(it->second, o.argument);
      return;
    }
    toml::array* a = parent->as_array();
    size_t index;
    if (a == nullptr || !absl::SimpleAtoi(last, &index) || index >= a->size()) {
      r->Error(nullptr, "", absl::StrCat(o.argument, ": cannot set ", o.path));
      return;
    }
    a->replace(a->cbegin() + static_cast<long>(index), value);
    r->MarkFromArgument(*a->get(index), o.argument);
  });
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

std::vector<Override> OverridesFromSets(const std::vector<std::string>& sets) {
  std::vector<Override> out;
  for (const std::string& s : sets) out.push_back(Override::FromSet(s));
  return out;
}

std::vector<Override> CommandLineOverrides(const std::vector<std::string>& sets,
                                           const std::string& seed, const std::string& duration) {
  std::vector<Override> out = OverridesFromSets(sets);
  if (!seed.empty()) out.push_back(Override{"--seed", "seed", seed});
  if (!duration.empty()) {
    out.push_back(Override{"--duration", "duration", absl::StrCat("\"", duration, "\"")});
  }
  return out;
}

absl::Status CheckSeedArgument(const std::string& seed) {
  if (seed.empty()) return absl::OkStatus();
  uint64_t v;
  if (!absl::SimpleAtoi(seed, &v) || v > static_cast<uint64_t>(INT64_MAX) ||
      seed.find_first_not_of("0123456789") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--seed ", seed, ": expected a whole number from 0 to 9223372036854775807"));
  }
  return absl::OkStatus();
}

void ApplyOverrides(const std::vector<Override>& overrides, toml::table* root,
                    ScenarioReader* reader) {
  for (const Override& o : overrides) ApplyOverride(o, root, reader);
}

}  // namespace plumsim
