#include "base/files.h"

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace plumsim {
namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadInputFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in || fs::is_directory(path)) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open the ", what));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<std::string> ReadFileIfPresent(const std::string& path) {
  absl::StatusOr<std::string> text = ReadInputFile(path, "file");
  return text.ok() ? std::optional<std::string>(*std::move(text)) : std::nullopt;
}

absl::Status IoError(const fs::path& path, absl::string_view what, int err) {
  return absl::InternalError(absl::StrCat(path.string(), ": ", what, ": ", std::strerror(err)));
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view text) {
  const fs::path target(path);
  const fs::path temp =
      target.parent_path() / absl::StrCat(".", target.filename().string(), ".tmp-", getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      const int err = errno;
      std::error_code ignored;
      fs::remove(temp, ignored);  // the temporary file this call made
      return IoError(temp, "cannot write", err);
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return absl::UnavailableError(absl::StrCat(path, ": cannot write: ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace plumsim
