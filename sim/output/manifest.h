// The manifest.json every folder plumsim writes carries, and the one rule
// that says a folder is plumsim's: its manifest is a JSON object with a
// "plumsim_version" string and either a "digest" string (a run folder) or a
// "pictures_of" string (`plumsim trees` pictures).
//
//   absl::StatusOr<Manifest> m = ReadManifest("out/run1");
//   if (!m.ok()) return m.status();  // NotFound: no manifest; InvalidArgument: not plumsim's
//   if (m->kind == ManifestKind::kRun && m->complete) Use(m->digest);
//
// Writers: sim/run/runner.cc (runs), cli/trees_command.cc (pictures).
#ifndef PLUMSIM_SIM_OUTPUT_MANIFEST_H_
#define PLUMSIM_SIM_OUTPUT_MANIFEST_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace plumsim {

inline constexpr char kPlumsimVersion[] = "0.5.0";
// manifest.json's layout; `replay` refuses another.
inline constexpr int kManifestFormat = 2;

enum class ManifestKind { kRun, kPictures, kValidate };

struct Manifest {
  ManifestKind kind = ManifestKind::kRun;
  std::string version;  // plumsim_version
  int64_t format = 1;   // "format" (absent before format 2)
  nlohmann::json json;  // everything it holds
  // A run's (kRun); defaults when absent.
  std::string digest;
  bool complete = false;
  uint64_t seed = 0;
  int64_t expectations_failed = 0;
  std::string scenario_path;  // as the run was started ("" if absent)
  std::string trace;          // the trace file's name, "" without a trace
  int64_t trace_lines = -1;   // lines written (after the [trace] filter)
  int64_t trace_events = -1;  // events digested
  // The trace file holds every event (not filtered).
  bool full_trace() const { return !trace.empty() && trace_lines == trace_events; }
};

// DIR/manifest.json. NotFound ("DIR/manifest.json: cannot open") when there
// is none; InvalidArgument ("DIR/manifest.json: not a manifest plumsim
// wrote (...)") when it breaks the rule above.
absl::StatusOr<Manifest> ReadManifest(const std::filesystem::path& dir);

// A run folder's manifest: InvalidArgument "DIR: not a run folder (...)"
// when DIR has none, or holds `plumsim trees` pictures.
absl::StatusOr<Manifest> ReadRunManifest(const std::filesystem::path& dir);

// The same from text (`where` names it in errors).
absl::StatusOr<Manifest> ParseManifest(const std::string& text, const std::string& where);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_OUTPUT_MANIFEST_H_
