#include "sim/study/collect.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/files.h"
#include "base/text.h"
#include "nlohmann/json.hpp"
#include "sim/output/manifest.h"
#include "sim/output/output_dir.h"
#include "sim/study/file.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

CollectedRun CollectRun(const fs::path& run_dir, const StudyRecord::Run& run,
                        const FigureSelection& selection) {
  CollectedRun out;
  absl::StatusOr<Manifest> manifest = ReadManifest(run_dir);
  if (absl::IsNotFound(manifest.status())) {
    out.status = "missing";
    return out;
  }
  if (!manifest.ok() || manifest->kind != ManifestKind::kRun) {
    out.status = "bad_output";
    return out;
  }
  if (!manifest->complete) {
    out.status = "incomplete";
    return out;
  }
  if (manifest->seed != run.seed) {
    out.status = "bad_output";  // a run folder of another plan
    return out;
  }
  out.digest = manifest->digest;
  std::optional<std::string> metrics = ReadFileIfPresent((run_dir / "metrics.json").string());
  absl::StatusOr<FigureValues> figures =
      metrics ? ComputeFigures(*metrics, selection)
              : absl::StatusOr<FigureValues>(absl::NotFoundError("no metrics.json"));
  if (!figures.ok()) {
    out.status = "bad_output";
    return out;
  }
  out.figures = *std::move(figures);
  out.status = manifest->expectations_failed > 0 ? "expectation_failed" : "ok";
  return out;
}

std::vector<std::string> ParameterCells(const StudyRecord& r, const StudyRecord::Point& p) {
  std::vector<std::string> cells;
  for (size_t k = 0; k < r.parameters.size(); ++k) {
    cells.push_back(CsvField(r.parameters[k].labels[static_cast<size_t>(p.value_index[k])]));
  }
  return cells;
}

}  // namespace

int StudyResults::Counted() const {
  int n = 0;
  for (const CollectedRun& r : runs) n += r.counted() ? 1 : 0;
  return n;
}

std::string CsvNumber(const std::optional<double>& value) {
  return value ? ShortestNumberText(*value) : "";
}

absl::StatusOr<StudyResults> CollectStudy(const std::string& dir) {
  absl::StatusOr<StudyRecord> record = ReadStudyRecord(dir);
  if (!record.ok()) return record.status();
  StudyResults results;
  results.record = *std::move(record);
  const StudyRecord& r = results.record;
  for (const StudyRecord::Run& run : r.runs) {
    results.runs.push_back(CollectRun(fs::path(dir) / "runs" / run.id, run, r.selection));
  }
  const size_t figures = StudyFigures().size();
  results.points.assign(r.points.size(), std::vector<FigureStats>(figures));
  for (size_t p = 0; p < r.points.size(); ++p) {
    for (size_t f = 0; f < figures; ++f) {
      std::vector<double> values;
      for (size_t i = 0; i < r.runs.size(); ++i) {
        const CollectedRun& c = results.runs[i];
        if (r.runs[i].point == static_cast<int>(p) && c.counted() && c.figures[f]) {
          values.push_back(*c.figures[f]);
        }
      }
      results.points[p][f] = Summarise(values);
    }
  }
  return results;
}

std::string StudyCsv(const StudyResults& results) {
  const StudyRecord& r = results.record;
  std::vector<std::string> header = {"run", "point", "replication"};
  for (const StudyRecord::Parameter& p : r.parameters) header.push_back(CsvField(p.path));
  for (const char* c : {"seed", "status", "digest"}) header.push_back(c);
  for (const FigureInfo& f : StudyFigures()) header.push_back(f.name);
  std::string out = absl::StrJoin(header, ",") + "\n";
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const StudyRecord::Run& run = r.runs[i];
    const CollectedRun& c = results.runs[i];
    const StudyRecord::Point& point = r.points[static_cast<size_t>(run.point)];
    std::vector<std::string> row = {run.id, point.id, absl::StrCat(run.replication)};
    for (std::string& cell : ParameterCells(r, point)) row.push_back(std::move(cell));
    row.push_back(absl::StrCat(run.seed));
    row.push_back(c.status);
    row.push_back(c.digest);
    for (size_t f = 0; f < StudyFigures().size(); ++f) {
      row.push_back(c.counted() ? CsvNumber(c.figures[f]) : "");
    }
    absl::StrAppend(&out, absl::StrJoin(row, ","), "\n");
  }
  return out;
}

std::string PointsCsv(const StudyResults& results) {
  const StudyRecord& r = results.record;
  std::vector<std::string> header = {"point"};
  for (const StudyRecord::Parameter& p : r.parameters) header.push_back(CsvField(p.path));
  header.push_back("runs");
  for (const FigureInfo& f : StudyFigures()) {
    for (const char* stat : {"_n", "_mean", "_sd", "_ci95", "_min", "_max"}) {
      header.push_back(absl::StrCat(f.name, stat));
    }
  }
  std::string out = absl::StrJoin(header, ",") + "\n";
  for (size_t p = 0; p < r.points.size(); ++p) {
    std::vector<std::string> row = {r.points[p].id};
    for (std::string& cell : ParameterCells(r, r.points[p])) row.push_back(std::move(cell));
    int runs = 0;
    for (size_t i = 0; i < r.runs.size(); ++i) {
      runs += r.runs[i].point == static_cast<int>(p) && results.runs[i].counted() ? 1 : 0;
    }
    row.push_back(absl::StrCat(runs));
    for (const FigureStats& s : results.points[p]) {
      row.push_back(absl::StrCat(s.n));
      for (const std::optional<double>& v : {s.mean, s.sd, s.ci95, s.min, s.max}) {
        row.push_back(CsvNumber(v));
      }
    }
    absl::StrAppend(&out, absl::StrJoin(row, ","), "\n");
  }
  return out;
}

}  // namespace plumsim
