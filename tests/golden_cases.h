// The golden tree-shape cases: scenario + seed (+ overrides that keep them
// quick in a debug build) and the roots whose final trees are pinned.
// tests/golden_test.cc compares; tests/update_goldens.cc regenerates.
#ifndef PLUMSIM_TESTS_GOLDEN_CASES_H_
#define PLUMSIM_TESTS_GOLDEN_CASES_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace plumsim {

struct GoldenCase {
  std::string name;       // tests/golden/<name>.txt
  std::string scenario;   // under scenarios/
  std::vector<std::string> overrides;
  std::vector<std::string> roots;
};

const std::vector<GoldenCase>& GoldenCases();

// For test names and failure messages.
inline void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

// Runs the case and renders its summary metrics and final trees, one figure
// or edge per line (so a diff names exactly what changed). `workspace` is
// the folder that holds scenarios/.
absl::StatusOr<std::string> GoldenText(const GoldenCase& c, const std::string& workspace);

}  // namespace plumsim

#endif  // PLUMSIM_TESTS_GOLDEN_CASES_H_
