#include "sim/study/plan.h"

#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/files.h"
#include "sim/kernel/random.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/scenario.h"

namespace plumsim {
namespace {

std::string Padded(int value, int count) {
  const int width = static_cast<int>(absl::StrCat(count).size());
  std::string text = absl::StrCat(value);
  return std::string(static_cast<size_t>(std::max(0, width - static_cast<int>(text.size()))), '0') +
         text;
}

// The value a constraint operand takes at a point.
struct Value {
  std::optional<double> number;
  std::string text;
};

Value Evaluate(const Study& study, const StudyPoint& point,
               const StudyConstraint::Operand& operand) {
  if (operand.parameter < 0) return Value{operand.number, operand.text};
  const StudyParameter& p = study.parameters[static_cast<size_t>(operand.parameter)];
  const size_t i = static_cast<size_t>(point.value_index[static_cast<size_t>(operand.parameter)]);
  return Value{p.numbers[i], p.labels[i]};
}

bool Holds(const Study& study, const StudyPoint& point, const StudyConstraint& c) {
  const Value a = Evaluate(study, point, c.left);
  const Value b = Evaluate(study, point, c.right);
  if (a.number && b.number) {
    const double x = *a.number, y = *b.number;
    if (c.op == "<") return x < y;
    if (c.op == "<=") return x <= y;
    if (c.op == ">") return x > y;
    if (c.op == ">=") return x >= y;
    if (c.op == "==") return x == y;
    return x != y;
  }
  // A string on either side: compare the labels as text.
  const std::string x = a.number ? absl::StrCat(*a.number) : a.text;
  const std::string y = b.number ? absl::StrCat(*b.number) : b.text;
  return c.op == "==" ? x == y : x != y;
}

std::vector<StudyPoint> Grid(const Study& study) {
  std::vector<StudyPoint> points;
  std::vector<int> index(study.parameters.size(), 0);
  while (true) {
    StudyPoint point{"", index};
    bool keep = true;
    for (const StudyConstraint& c : study.constraints) keep = keep && Holds(study, point, c);
    if (keep) points.push_back(std::move(point));
    // Odometer, the last parameter fastest.
    int k = static_cast<int>(index.size()) - 1;
    for (; k >= 0; --k) {
      if (++index[static_cast<size_t>(k)] <
          static_cast<int>(study.parameters[static_cast<size_t>(k)].values.size())) {
        break;
      }
      index[static_cast<size_t>(k)] = 0;
    }
    if (k < 0) break;
  }
  for (size_t i = 0; i < points.size(); ++i) {
    points[i].id =
        absl::StrCat("p", Padded(static_cast<int>(i) + 1, static_cast<int>(points.size())));
  }
  return points;
}

std::vector<Override> PointOverrides(const Study& study, const StudyPoint& point) {
  std::vector<Override> overrides;
  for (size_t k = 0; k < study.parameters.size(); ++k) {
    const StudyParameter& p = study.parameters[k];
    const std::string& value = p.values[static_cast<size_t>(point.value_index[k])];
    overrides.push_back(Override{
        absl::StrCat(p.location, ": \"", p.path, "\" = ", value, " (point ", point.id, ")"), p.path,
        value});
  }
  return overrides;
}

}  // namespace

uint64_t ReplicationSeed(uint64_t study_seed, int replication) {
  return DeriveStreamSeed(study_seed, StreamDomain::kStudy, static_cast<uint64_t>(replication)) &
         static_cast<uint64_t>(INT64_MAX);
}

std::vector<std::string> StudyPlan::Labels(const Study& study, const StudyPoint& point) const {
  std::vector<std::string> labels;
  for (size_t k = 0; k < study.parameters.size(); ++k) {
    labels.push_back(study.parameters[k].labels[static_cast<size_t>(point.value_index[k])]);
  }
  return labels;
}

absl::StatusOr<StudyPlan> ExpandStudy(const Study& study) {
  // The base scenario's text, read once and parsed per point.
  absl::StatusOr<std::string> text = ReadInputFile(study.scenario_path, "scenario file");
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat(study.source_path, ": study.scenario: ", text.status().message()));
  }
  absl::StatusOr<Scenario> base =
      ParseScenario(*text, study.scenario_path, std::vector<Override>{});
  if (!base.ok()) return base.status();
  StudyPlan plan;
  plan.scenario_path = study.scenario_path;
  plan.seed = study.seed.value_or(base->seed);
  plan.points = Grid(study);
  if (plan.points.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        study.source_path, ": study.constraints: no point of the grid meets every constraint"));
  }
  // Every point's values must make a valid scenario.
  for (const StudyPoint& point : plan.points) {
    absl::StatusOr<Scenario> s =
        ParseScenario(*text, study.scenario_path, PointOverrides(study, point));
    if (!s.ok()) {
      std::vector<std::string> values;
      for (const Override& o : PointOverrides(study, point)) {
        values.push_back(absl::StrCat(o.path, "=", o.value));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("point ", point.id, " (", absl::StrJoin(values, ", "), ") of ",
                       study.source_path, " makes an invalid scenario:\n", s.status().message()));
    }
  }
  for (size_t p = 0; p < plan.points.size(); ++p) {
    for (int r = 1; r <= study.replications; ++r) {
      StudyRun run;
      run.index = static_cast<int>(plan.runs.size());
      run.point = static_cast<int>(p);
      run.replication = r;
      run.id = absl::StrCat(plan.points[p].id, "-r", Padded(r, study.replications));
      run.seed = ReplicationSeed(plan.seed, r);
      for (const Override& o : PointOverrides(study, plan.points[p])) {
        run.sets.push_back(absl::StrCat(o.path, "=", o.value));
      }
      plan.runs.push_back(std::move(run));
    }
  }
  return plan;
}

}  // namespace plumsim
