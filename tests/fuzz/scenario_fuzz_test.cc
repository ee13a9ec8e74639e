// Runs the fuzz target over its corpus (the shipped scenarios and
// hand-written seeds) and over every input the fuzzer ever found to crash
// or hang (tests/fuzz/crashes): each must load or be refused cleanly.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

int RunFolder(const fs::path& dir) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
              0);
    ++count;
  }
  return count;
}

TEST(ScenarioFuzzTest, CorpusAndFoundCrashesLoadOrAreRefused) {
  EXPECT_GT(RunFolder("tests/fuzz/corpus"), 10);
  RunFolder("tests/fuzz/crashes");
}

}  // namespace
