#include "cli/build_info.h"

#include "absl/strings/str_cat.h"
#include "cli/build_commit.h"
#include "sim/output/manifest.h"
#include "sim/run/runner.h"

namespace plumsim {

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
  return absl::StrCat("plumsim ", kPlumsimVersion, "\ncommit ", kBuildCommit, "\nbuilt with g++ ",
                      __VERSION__, " (", flags, "), C++ ", __cplusplus, "\nmanifest format ",
                      kManifestFormat);
}

}  // namespace plumsim
