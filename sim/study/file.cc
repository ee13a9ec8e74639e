#include "sim/study/file.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/files.h"
#include "base/text.h"
#include "sim/scenario/reader.h"
#include "sim/study/figures.h"
#include "toml++/toml.h"

namespace plumsim {
namespace {

constexpr int kMaxReplications = 100000;
constexpr size_t kMaxValuesPerParameter = 100000;

// A TOML value as the text --set reads back ("0.05", "\"10ms\"",
// "{ kind = \"fixed\", value = \"5ms\" }").
std::string TomlText(const toml::node& value) {
  toml::table holder;
  holder.insert("v", value);
  if (toml::table* t = holder.get("v")->as_table()) t->is_inline(true);
  std::ostringstream out;
  out << toml::toml_formatter(holder, toml::format_flags::none);
  std::string text = out.str();
  absl::string_view v = absl::StripAsciiWhitespace(text);
  absl::ConsumePrefix(&v, "v = ");
  return std::string(v);
}

class StudyReader {
 public:
  StudyReader(const toml::table& root, ScenarioReader* r) : root_(root), r_(*r) {}

  Study Read() {
    study_.source_path = r_.source_name();
    const toml::table* section = root_["study"].as_table();
    if (section == nullptr) {
      r_.Missing(nullptr, "study", "a study file has a [study] section; docs/studies.md");
      return study_;
    }
    r_.CheckKeys(*section, "study",
                 {"scenario", "name", "seed", "replications", "parameters", "constraints", "plot",
                  "handler", "measure_after"});
    ReadBase(*section);
    ReadParameters(*section);
    ReadConstraints(*section);
    ReadPlot(*section);
    return study_;
  }

 private:
  void ReadBase(const toml::table& section) {
    const std::filesystem::path source(r_.source_name());
    if (const toml::node* n = section.get("scenario")) {
      if (std::optional<std::string> path = r_.String(*n, "study.scenario")) {
        std::filesystem::path p(*path);
        study_.scenario_path = p.is_absolute() ? p.string() : (source.parent_path() / p).string();
        for (auto&& [key, value] : root_) {
          if (key.str() != "study") {
            r_.Error(&value, std::string(key.str()),
                     "a study file that names its scenario (study.scenario) holds only the "
                     "[study] section; put scenario settings in the scenario or sweep them");
          }
        }
      }
    } else {
      study_.scenario_path = source.string();  // the file is its own base scenario
    }
    study_.name = source.stem().string();
    if (const toml::node* n = section.get("name")) {
      if (auto v = r_.String(*n, "study.name")) study_.name = *v;
    }
    if (const toml::node* n = section.get("seed")) {
      if (auto v = r_.Integer(*n, "study.seed", 0, INT64_MAX)) {
        study_.seed = static_cast<uint64_t>(*v);
      }
    }
    if (const toml::node* n = section.get("replications")) {
      if (auto v = r_.Integer(*n, "study.replications", 1, kMaxReplications)) {
        study_.replications = static_cast<int>(*v);
      }
    }
    if (const toml::node* n = section.get("handler")) {
      if (auto v = r_.String(*n, "study.handler")) study_.handler = *v;
    }
    if (const toml::node* n = section.get("measure_after")) {
      if (auto v = r_.Duration(*n, "study.measure_after")) study_.measure_after = *v;
    }
  }

  void ReadParameters(const toml::table& section) {
    const toml::table* params = section["parameters"].as_table();
    if (params == nullptr) {
      if (const toml::node* n = section.get("parameters")) {
        r_.Error(n, "study.parameters", "expected a table of \"dotted.path\" = values");
      }
      return;  // no parameters: one point, replications only
    }
    std::vector<std::pair<std::string, const toml::node*>> ordered;
    for (auto&& [key, value] : *params) ordered.emplace_back(std::string(key.str()), &value);
    // toml++ keeps keys sorted; the study's order is the file's.
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      const toml::source_position& pa = a.second->source().begin;
      const toml::source_position& pb = b.second->source().begin;
      return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
    });
    for (const auto& [path, node] : ordered) ReadParameter(path, *node);
  }

  void ReadParameter(const std::string& path, const toml::node& node) {
    const std::string key = absl::StrCat("study.parameters.\"", path, "\"");
    StudyParameter p;
    p.path = path;
    p.location = r_.Where(&node);
    if (path.empty() || path == "seed" || absl::StartsWith(path, "study")) {
      r_.Error(&node, key,
               path == "seed" ? "the seed is not a parameter: replications draw the seeds"
                              : "expected a scenario value's dotted path, e.g. network.loss");
      return;
    }
    if (const toml::array* values = node.as_array()) {
      if (values->empty()) r_.Error(&node, key, "expected at least one value");
      for (const toml::node& v : *values) AddValue(&p, v, key);
    } else if (const toml::table* range = node.as_table()) {
      ReadRange(&p, *range, key);
    } else {
      r_.Error(&node, key,
               "expected a list of values ([0, 0.05, 0.1]) or a range "
               "({ from = 100, to = 1000, step = 100 })");
    }
    for (size_t i = 0; i < p.labels.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (p.values[i] == p.values[j]) {
          r_.Error(&node, key, absl::StrCat("value ", p.labels[i], " is listed twice"));
        }
      }
    }
    for (const StudyParameter& other : study_.parameters) {
      if (other.path == path) r_.Error(&node, key, "swept twice");
    }
    study_.parameters.push_back(std::move(p));
  }

  void AddValue(StudyParameter* p, const toml::node& v, absl::string_view key) {
    if (v.is_array() || v.is_date() || v.is_time() || v.is_date_time()) {
      r_.Error(&v, key, "expected a number, string, boolean or inline table");
      return;
    }
    p->values.push_back(TomlText(v));
    if (const toml::value<std::string>* s = v.as_string()) {
      p->labels.push_back(s->get());
      p->numbers.push_back(std::nullopt);
    } else if (v.is_integer() || v.is_floating_point()) {
      const double d = v.is_integer() ? static_cast<double>(v.as_integer()->get())
                                      : v.as_floating_point()->get();
      if (v.is_floating_point()) {
        if (!std::isfinite(d)) {
          r_.Error(&v, key, "expected a finite number");
          p->values.pop_back();
          return;
        }
        p->values.back() = ShortestNumberText(d);  // toml++ writes 17 digits
      }
      p->labels.push_back(p->values.back());
      p->numbers.push_back(d);
    } else {
      p->labels.push_back(p->values.back());
      p->numbers.push_back(std::nullopt);
    }
  }

  // { from = A, to = B, step = S }: A, A+S, ... up to B (inclusive, within
  // a millionth of a step); integers when all three are.
  void ReadRange(StudyParameter* p, const toml::table& range, const std::string& key) {
    if (!r_.CheckKeys(range, key, {"from", "to", "step"})) return;
    const toml::node* from = range.get("from");
    const toml::node* to = range.get("to");
    const toml::node* step = range.get("step");
    if (from == nullptr || to == nullptr || step == nullptr) {
      r_.Missing(&range,
                 from == nullptr ? "from"
                 : to == nullptr ? "to"
                                 : "step",
                 "a range is { from = A, to = B, step = S }");
      return;
    }
    auto a = r_.Number(*from, absl::StrCat(key, ".from"), -1e15, 1e15, "a number");
    auto b = r_.Number(*to, absl::StrCat(key, ".to"), -1e15, 1e15, "a number");
    auto s = r_.Number(*step, absl::StrCat(key, ".step"), 1e-12, 1e15, "a positive number");
    if (!a || !b || !s) return;
    if (*b < *a) {
      r_.Error(to, absl::StrCat(key, ".to"), "expected to >= from");
      return;
    }
    const double steps = std::floor((*b - *a) / *s + 1e-6);
    if (steps + 1 > kMaxValuesPerParameter) {
      r_.Error(&range, key, absl::StrCat("expected at most ", kMaxValuesPerParameter, " values"));
      return;
    }
    const bool integers = from->is_integer() && to->is_integer() && step->is_integer();
    for (int64_t i = 0; i <= static_cast<int64_t>(steps); ++i) {
      if (integers) {
        const int64_t v = from->as_integer()->get() + i * step->as_integer()->get();
        p->values.push_back(absl::StrCat(v));
        p->labels.push_back(p->values.back());
        p->numbers.push_back(static_cast<double>(v));
      } else {
        // Rounded to 12 significant digits so 0.1 * 3 reads 0.3.
        double v;
        (void)absl::SimpleAtod(absl::StrFormat("%.12g", *a + static_cast<double>(i) * *s), &v);
        p->values.push_back(ShortestNumberText(v));
        p->labels.push_back(p->values.back());
        p->numbers.push_back(v);
      }
    }
  }

  void ReadConstraints(const toml::table& section) {
    const toml::node* n = section.get("constraints");
    if (n == nullptr) return;
    const toml::array* list = n->as_array();
    if (list == nullptr) {
      r_.Error(n, "study.constraints", "expected a list of strings like \"nodes.count >= 100\"");
      return;
    }
    for (const toml::node& c : *list) {
      if (auto text = r_.String(c, "study.constraints")) ReadConstraint(*text, c);
    }
  }

  void ReadConstraint(const std::string& text, const toml::node& node) {
    static constexpr const char* kOps[] = {"<=", ">=", "==", "!=", "<", ">"};
    StudyConstraint c;
    c.text = text;
    c.location = r_.Where(&node);
    size_t at = std::string::npos;
    for (const char* op : kOps) {
      at = text.find(op);
      if (at != std::string::npos) {
        c.op = op;
        break;
      }
    }
    if (at == std::string::npos) {
      r_.Error(
          &node, "study.constraints",
          absl::StrCat("\"", text, "\": expected LEFT OP RIGHT with OP one of < <= > >= == !="));
      return;
    }
    const bool left_ok = ReadOperand(text.substr(0, at), node, &c.left);
    const bool right_ok = ReadOperand(text.substr(at + c.op.size()), node, &c.right);
    if (!left_ok || !right_ok) return;
    if (c.left.parameter < 0 && c.right.parameter < 0) {
      r_.Error(&node, "study.constraints",
               absl::StrCat("\"", text, "\": expected a swept parameter on one side"));
      return;
    }
    const bool text_side =
        (c.left.parameter < 0 && !c.left.number) || (c.right.parameter < 0 && !c.right.number);
    if (text_side && c.op != "==" && c.op != "!=") {
      r_.Error(&node, "study.constraints",
               absl::StrCat("\"", text, "\": strings compare only with == and !="));
      return;
    }
    study_.constraints.push_back(std::move(c));
  }

  bool ReadOperand(absl::string_view word, const toml::node& node, StudyConstraint::Operand* out) {
    word = absl::StripAsciiWhitespace(word);
    double number;
    if (word.size() >= 2 && (word.front() == '"' || word.front() == '\'') &&
        word.back() == word.front()) {
      out->text = std::string(word.substr(1, word.size() - 2));
      return true;
    }
    if (absl::SimpleAtod(word, &number)) {
      out->number = number;
      return true;
    }
    for (size_t i = 0; i < study_.parameters.size(); ++i) {
      if (study_.parameters[i].path == word) {
        out->parameter = static_cast<int>(i);
        return true;
      }
    }
    r_.Error(
        &node, "study.constraints",
        absl::StrCat("\"", word, "\" is neither a number, a quoted string nor a swept parameter"));
    return false;
  }

  void ReadPlot(const toml::table& section) {
    const toml::node* n = section.get("plot");
    if (n == nullptr) {
      study_.plot = {"reliability_min", "rmr_mean", "ldh_max"};
      return;
    }
    const toml::array* list = n->as_array();
    if (list == nullptr) {
      r_.Error(n, "study.plot", "expected a list of figure names, e.g. [\"reliability_min\"]");
      return;
    }
    for (const toml::node& f : *list) {
      std::optional<std::string> name = r_.String(f, "study.plot");
      if (!name) continue;
      if (FindStudyFigure(*name) == nullptr) {
        std::vector<std::string> names;
        for (const FigureInfo& info : StudyFigures()) names.push_back(info.name);
        r_.Error(&f, "study.plot",
                 absl::StrCat("unknown figure \"", *name,
                              "\"; expected one of: ", absl::StrJoin(names, ", ")));
        continue;
      }
      study_.plot.push_back(*name);
    }
  }

  const toml::table& root_;
  ScenarioReader& r_;
  Study study_;
};

}  // namespace

bool StudyParameter::numeric() const {
  return std::all_of(numbers.begin(), numbers.end(),
                     [](const std::optional<double>& n) { return n.has_value(); });
}

absl::StatusOr<Study> ParseStudy(absl::string_view text, const std::string& source_name) {
  absl::StatusOr<toml::table> root = ParseTomlDocument(text, source_name);
  if (!root.ok()) return root.status();
  ScenarioReader reader(source_name);
  Study study = StudyReader(*root, &reader).Read();
  if (!reader.ok()) return reader.Result();
  return study;
}

absl::StatusOr<Study> LoadStudy(const std::string& path) {
  absl::StatusOr<std::string> text = ReadInputFile(path, "study file");
  if (!text.ok()) return text.status();
  return ParseStudy(*text, path);
}

}  // namespace plumsim
