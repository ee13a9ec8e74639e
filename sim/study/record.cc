#include "sim/study/record.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace plumsim {
namespace {

using Json = nlohmann::ordered_json;

std::string Absolute(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

}  // namespace

StudyRecord StudyRecord::From(const Study& study, const StudyPlan& plan) {
  StudyRecord r;
  r.name = study.name;
  r.study_path = Absolute(study.source_path);
  r.scenario_path = Absolute(study.scenario_path);
  r.seed = plan.seed;
  r.replications = study.replications;
  for (const StudyParameter& p : study.parameters) {
    r.parameters.push_back(Parameter{p.path, p.numeric(), p.labels});
  }
  r.plot = study.plot;
  r.selection = FigureSelection{study.handler, study.measure_after};
  for (const StudyPoint& p : plan.points) r.points.push_back(Point{p.id, p.value_index});
  for (const StudyRun& run : plan.runs) {
    r.runs.push_back(Run{run.id, run.point, run.replication, run.seed, run.sets});
  }
  return r;
}

std::string StudyRecord::ToJson() const {
  Json j;
  j["format"] = kStudyRecordFormat;
  j["name"] = name;
  j["study_path"] = study_path;
  j["scenario_path"] = scenario_path;
  j["seed"] = seed;
  j["replications"] = replications;
  j["parameters"] = Json::array();
  for (const Parameter& p : parameters) {
    j["parameters"].push_back({{"path", p.path}, {"numeric", p.numeric}, {"labels", p.labels}});
  }
  j["plot"] = plot;
  j["handler"] = selection.handler;
  j["measure_after_ns"] = selection.measure_after.ns();
  j["points"] = Json::array();
  for (const Point& p : points) j["points"].push_back({{"id", p.id}, {"values", p.value_index}});
  j["runs"] = Json::array();
  for (const Run& run : runs) {
    j["runs"].push_back({{"id", run.id},
                         {"point", run.point},
                         {"replication", run.replication},
                         {"seed", run.seed},
                         {"sets", run.sets}});
  }
  return j.dump(1) + "\n";
}

bool StudyRecord::SamePlan(const StudyRecord& o) const {
  if (scenario_path != o.scenario_path || runs.size() != o.runs.size() ||
      selection.handler != o.selection.handler ||
      selection.measure_after != o.selection.measure_after) {
    return false;
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& a = runs[i];
    const Run& b = o.runs[i];
    if (a.id != b.id || a.seed != b.seed || a.sets != b.sets) return false;
  }
  return true;
}

absl::StatusOr<StudyRecord> ReadStudyRecord(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "study.json").string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, ": not a study folder (no study.json; plumsim study run writes it)"));
  }
  std::stringstream text;
  text << in.rdbuf();
  Json j = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a plumsim study record (", why, ")"));
  };
  if (!j.is_object() || j.value("format", 0) != kStudyRecordFormat) return bad("format");
  StudyRecord r;
  try {
    r.name = j.at("name").get<std::string>();
    r.study_path = j.at("study_path").get<std::string>();
    r.scenario_path = j.at("scenario_path").get<std::string>();
    r.seed = j.at("seed").get<uint64_t>();
    r.replications = j.at("replications").get<int>();
    for (const Json& p : j.at("parameters")) {
      r.parameters.push_back(
          StudyRecord::Parameter{p.at("path").get<std::string>(), p.at("numeric").get<bool>(),
                                 p.at("labels").get<std::vector<std::string>>()});
    }
    r.plot = j.at("plot").get<std::vector<std::string>>();
    r.selection.handler = j.at("handler").get<std::string>();
    r.selection.measure_after = SimDuration::Nanoseconds(j.at("measure_after_ns").get<int64_t>());
    for (const Json& p : j.at("points")) {
      r.points.push_back(StudyRecord::Point{p.at("id").get<std::string>(),
                                            p.at("values").get<std::vector<int>>()});
    }
    for (const Json& run : j.at("runs")) {
      r.runs.push_back(StudyRecord::Run{run.at("id").get<std::string>(), run.at("point").get<int>(),
                                        run.at("replication").get<int>(),
                                        run.at("seed").get<uint64_t>(),
                                        run.at("sets").get<std::vector<std::string>>()});
    }
  } catch (const Json::exception& e) {
    return bad(e.what());
  }
  for (const StudyRecord::Run& run : r.runs) {
    if (run.point < 0 || run.point >= static_cast<int>(r.points.size())) return bad("run's point");
  }
  for (const StudyRecord::Point& p : r.points) {
    if (p.value_index.size() != r.parameters.size()) return bad("point's values");
    for (size_t k = 0; k < p.value_index.size(); ++k) {
      if (p.value_index[k] < 0 ||
          p.value_index[k] >= static_cast<int>(r.parameters[k].labels.size())) {
        return bad("point's values");
      }
    }
  }
  return r;
}

}  // namespace plumsim
