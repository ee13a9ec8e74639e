// Regenerates tests/golden/*.txt in the source tree:
//   bazel run //tests:update_goldens
// Review the diff before committing: every changed line is a changed edge or
// figure.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/golden_cases.h"

int main() {
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (workspace == nullptr) {
    std::fprintf(stderr, "update_goldens: run me with bazel run //tests:update_goldens\n");
    return 2;
  }
  for (const plumsim::GoldenCase& c : plumsim::GoldenCases()) {
    absl::StatusOr<std::string> text = plumsim::GoldenText(c, workspace);
    if (!text.ok()) {
      std::fprintf(stderr, "update_goldens: %s: %s\n", c.name.c_str(),
                   std::string(text.status().message()).c_str());
      return 1;
    }
    const std::string path = std::string(workspace) + "/tests/golden/" + c.name + ".txt";
    std::ofstream(path) << *text;
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
}
