// What `plumsim --version` prints: the version, the git commit it was built
// from (Bazel's workspace status, tools/workspace_status.sh) and the build
// flags that matter for speed and results.
#ifndef PLUMSIM_CLI_BUILD_INFO_H_
#define PLUMSIM_CLI_BUILD_INFO_H_

#include <string>

namespace plumsim {

std::string BuildInfo();

}  // namespace plumsim

#endif  // PLUMSIM_CLI_BUILD_INFO_H_
