// Reading and writing whole files, with errors that name the path.
//
//   absl::StatusOr<std::string> text = ReadInputFile("scenarios/x.toml", "scenario");
//   if (!text.ok()) return text.status();  // "scenarios/x.toml: cannot open the scenario"
//   absl::Status st = WriteFileAtomically("study.csv", csv);
#ifndef PLUMSIM_BASE_FILES_H_
#define PLUMSIM_BASE_FILES_H_

#include <filesystem>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace plumsim {

// The text of an input file; NotFound ("PATH: cannot open the WHAT") if it
// cannot be read or is a folder.
absl::StatusOr<std::string> ReadInputFile(const std::string& path, absl::string_view what);

// The same for files that may be absent: nullopt if unreadable.
std::optional<std::string> ReadFileIfPresent(const std::string& path);

// Writes `text` to `path` through a temporary file beside it and a rename,
// so a reader sees the old file or the new one, never half of one. The
// caller decides that `path` is plumsim's to replace.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view text);

// An I/O error naming the path and the OS error: "PATH: WHAT: strerror(err)".
absl::Status IoError(const std::filesystem::path& path, absl::string_view what, int err);

}  // namespace plumsim

#endif  // PLUMSIM_BASE_FILES_H_
