#include "sim/validate/comparison.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/check.h"
#include "base/text.h"

namespace plumsim {
namespace {

std::vector<double> Defined(const std::vector<std::optional<double>>& v) {
  std::vector<double> out;
  for (const auto& x : v) {
    if (x) out.push_back(*x);
  }
  return out;
}

std::optional<double> MinOf(const std::vector<std::optional<double>>& v) {
  std::vector<double> d = Defined(v);
  if (d.empty()) return std::nullopt;
  return *std::min_element(d.begin(), d.end());
}

std::optional<double> MaxOf(const std::vector<std::optional<double>>& v) {
  std::vector<double> d = Defined(v);
  if (d.empty()) return std::nullopt;
  return *std::max_element(d.begin(), d.end());
}

// docs/validate.md, "Verdicts".
std::string Judge(const ComparedFigure& f, bool compared) {
  if (!compared) return "info";
  const std::vector<double> real = Defined(f.real), sim = Defined(f.sim);
  if (real.empty() && sim.empty()) return "n/a";
  const bool sim_has_undefined = sim.size() < f.sim.size();
  for (const auto& x : f.real) {
    if (!x) {
      if (!sim_has_undefined) return "outside";
      continue;
    }
    if (sim.empty()) return "outside";
    const double lo = *std::min_element(sim.begin(), sim.end()) - f.tolerance;
    const double hi = *std::max_element(sim.begin(), sim.end()) + f.tolerance;
    if (*x < lo - 1e-9 || *x > hi + 1e-9) return "outside";
  }
  return "match";
}

std::string Number(const std::optional<double>& x) {
  return x ? ShortestNumberText(*x) : std::string();
}

}  // namespace

std::optional<double> ComparedFigure::RealMin() const { return MinOf(real); }
std::optional<double> ComparedFigure::RealMax() const { return MaxOf(real); }
std::optional<double> ComparedFigure::SimMin() const { return MinOf(sim); }
std::optional<double> ComparedFigure::SimMax() const { return MaxOf(sim); }
std::optional<double> ComparedFigure::SimMean() const {
  std::vector<double> d = Defined(sim);
  if (d.empty()) return std::nullopt;
  double sum = 0;
  for (double x : d) sum += x;
  return sum / static_cast<double>(d.size());
}

std::vector<ComparedFigure> Compare(const std::vector<std::vector<Figure>>& real_runs,
                                    const std::vector<std::vector<Figure>>& sim_runs) {
  PLUMSIM_CHECK(!real_runs.empty());
  std::vector<ComparedFigure> out;
  // Every figure of any run, in the order first seen (real runs first): a
  // handler or close reason one run lacks is still compared.
  std::vector<Figure> names;
  absl::flat_hash_set<std::string> seen;
  for (const auto* runs : {&real_runs, &sim_runs}) {
    for (const auto& run : *runs) {
      for (const Figure& x : run) {
        if (seen.insert(x.name).second) names.push_back(x);
      }
    }
  }
  for (size_t i = 0; i < names.size(); ++i) {
    ComparedFigure f;
    f.name = names[i].name;
    f.tolerance = names[i].tolerance;
    auto value_of = [&](const std::vector<Figure>& run) -> std::optional<double> {
      for (const Figure& x : run) {
        if (x.name == f.name) return x.value;
      }
      return std::nullopt;
    };
    for (const auto& run : real_runs) f.real.push_back(value_of(run));
    for (const auto& run : sim_runs) f.sim.push_back(value_of(run));
    f.verdict = Judge(f, names[i].compared);
    out.push_back(std::move(f));
  }
  return out;
}

int CountOutside(const std::vector<ComparedFigure>& figures) {
  return static_cast<int>(std::count_if(figures.begin(), figures.end(),
                                        [](const auto& f) { return f.verdict == "outside"; }));
}

std::string ComparisonCsv(const std::vector<ComparedFigure>& figures) {
  std::string out = "figure,real_min,real_max,sim_min,sim_mean,sim_max,tolerance,verdict\n";
  for (const ComparedFigure& f : figures) {
    absl::StrAppend(&out, f.name, ",", Number(f.RealMin()), ",", Number(f.RealMax()), ",",
                    Number(f.SimMin()), ",", Number(f.SimMean()), ",", Number(f.SimMax()), ",",
                    ShortestNumberText(f.tolerance), ",", f.verdict, "\n");
  }
  return out;
}

std::string ComparisonTable(const std::vector<ComparedFigure>& figures) {
  auto text = [](const std::optional<double>& x) {
    return x ? absl::StrFormat("%.6g", *x) : std::string("-");
  };
  std::string out = absl::StrFormat("%-44s %-19s %-27s %s\n", "figure", "real",
                                    "simulated (min..max)", "verdict");
  for (const ComparedFigure& f : figures) {
    std::string real = text(f.RealMin());
    if (f.RealMax() != f.RealMin()) real = absl::StrCat(real, "..", text(f.RealMax()));
    const std::string sim = absl::StrCat(text(f.SimMin()), "..", text(f.SimMax()));
    absl::StrAppendFormat(&out, "%-44s %-19s %-27s %s\n", f.name, real, sim, f.verdict);
  }
  return out;
}

}  // namespace plumsim
