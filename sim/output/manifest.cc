#include "sim/output/manifest.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "base/files.h"

namespace plumsim {
namespace {

std::string StringOr(const nlohmann::json& j, const char* key, std::string fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

template <typename T>
T NumberOr(const nlohmann::json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<T>() : fallback;
}

}  // namespace

absl::StatusOr<Manifest> ParseManifest(const std::string& text, const std::string& where) {
  auto refuse = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": not a manifest plumsim wrote (", why, ")"));
  };
  Manifest m;
  m.json = nlohmann::json::parse(text, nullptr, false);
  if (m.json.is_discarded() || !m.json.is_object()) return refuse("not a JSON object");
  const auto version = m.json.find("plumsim_version");
  if (version == m.json.end() || !version->is_string()) return refuse("no \"plumsim_version\"");
  m.version = version->get<std::string>();
  const auto digest = m.json.find("digest");
  const auto pictures = m.json.find("pictures_of");
  const auto validate = m.json.find("validate_of");
  if (digest != m.json.end() && digest->is_string()) {
    m.kind = ManifestKind::kRun;
    m.digest = digest->get<std::string>();
  } else if (pictures != m.json.end() && pictures->is_string()) {
    m.kind = ManifestKind::kPictures;
  } else if (validate != m.json.end() && validate->is_string()) {
    m.kind = ManifestKind::kValidate;
  } else {
    return refuse("neither a \"digest\", \"pictures_of\" nor \"validate_of\"");
  }
  m.format = NumberOr<int64_t>(m.json, "format", 1);
  const auto complete = m.json.find("complete");
  m.complete = complete != m.json.end() && complete->is_boolean() && complete->get<bool>();
  m.seed = NumberOr<uint64_t>(m.json, "seed", 0);
  m.expectations_failed = NumberOr<int64_t>(m.json, "expectations_failed", 0);
  m.scenario_path = StringOr(m.json, "scenario_path", "");
  m.trace = StringOr(m.json, "trace", "");
  m.trace_lines = NumberOr<int64_t>(m.json, "trace_lines", -1);
  m.trace_events = NumberOr<int64_t>(m.json, "trace_events", -1);
  return m;
}

absl::StatusOr<Manifest> ReadManifest(const std::filesystem::path& dir) {
  const std::string path = (dir / "manifest.json").string();
  std::optional<std::string> text = ReadFileIfPresent(path);
  if (!text) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  return ParseManifest(*text, path);
}

absl::StatusOr<Manifest> ReadRunManifest(const std::filesystem::path& dir) {
  absl::StatusOr<Manifest> m = ReadManifest(dir);
  if (absl::IsNotFound(m.status())) {
    return absl::InvalidArgumentError(absl::StrCat(
        dir.string(), ": not a run folder (no manifest.json; plumsim run --out writes one)"));
  }
  if (m.ok() && m->kind != ManifestKind::kRun) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir.string(), ": not a run folder (it holds plumsim trees pictures)"));
  }
  return m;
}

}  // namespace plumsim
