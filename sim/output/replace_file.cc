#include "sim/output/replace_file.h"

#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/files.h"

namespace plumsim {
namespace fs = std::filesystem;

absl::Status ReplaceOwnFile(const std::string& dir, const std::string& relative,
                            const std::string& text, const std::string& header_prefix) {
  const fs::path target = fs::path(dir) / relative;
  std::error_code ec;
  if (fs::is_symlink(target, ec) || (fs::exists(target, ec) && !fs::is_regular_file(target, ec))) {
    return absl::InvalidArgumentError(
        absl::StrCat(target.string(), ": not replaced: it is not a file plumsim wrote"));
  }
  if (fs::exists(target, ec)) {
    std::optional<std::string> old = ReadFileIfPresent(target.string());
    if (header_prefix.empty() || !old || !absl::StartsWith(*old, header_prefix)) {
      return absl::InvalidArgumentError(absl::StrCat(
          target.string(), ": not replaced: it does not look like a file plumsim wrote"));
    }
  }
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat(target.parent_path().string(), ": cannot create: ", ec.message()));
  }
  return WriteFileAtomically(target.string(), text);
}

}  // namespace plumsim
