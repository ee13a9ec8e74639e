// What `plumsim --version` prints: the version, the git commit it was built
// from (Bazel's workspace status, tools/workspace_status.sh) and the build
// flags that matter for speed and results.
#ifndef PLUMSIM_CLI_BUILD_INFO_H_
#define PLUMSIM_CLI_BUILD_INFO_H_

#include <string>

namespace plumsim {

// The compiler this binary was built with, by its own name: "g++ 12.2.0",
// "clang 14.0.6" (clang also defines __GNUC__, so it is asked first).
std::string CompilerName();

std::string BuildInfo();

}  // namespace plumsim

#endif  // PLUMSIM_CLI_BUILD_INFO_H_
