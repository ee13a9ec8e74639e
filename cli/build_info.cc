#include "cli/build_info.h"

#include "absl/strings/str_cat.h"
#include "cli/build_commit.h"
#include "sim/output/manifest.h"

namespace plumsim {

std::string CompilerName() {
#if defined(__clang__)
  return absl::StrCat("clang ", __clang_major__, ".", __clang_minor__, ".", __clang_patchlevel__);
#elif defined(__GNUC__)
  return absl::StrCat("g++ ", __GNUC__, ".", __GNUC_MINOR__, ".", __GNUC_PATCHLEVEL__);
#else
  return "an unknown compiler";
#endif
}

std::string BuildInfo() {
  std::string flags;
#if defined(__OPTIMIZE__)
  flags += "optimised";
#else
  flags += "not optimised";
#endif
#if defined(__SANITIZE_ADDRESS__)
  flags += ", AddressSanitizer";
#endif
#if defined(NDEBUG)
  flags += ", NDEBUG";
#endif
  return absl::StrCat("plumsim ", kPlumsimVersion, "\ncommit ", kBuildCommit, "\nbuilt with ",
                      CompilerName(), " (", flags, "), C++ ", __cplusplus, "\nmanifest format ",
                      kManifestFormat);
}

}  // namespace plumsim
