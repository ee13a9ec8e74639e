// UseHugePages: re-executes the program once with GLIBC_TUNABLES set, and
// leaves alone a run that set GLIBC_TUNABLES itself or PLUMSIM_HUGE_PAGES=0.
// The test runs its own binary as the program under test (`--probe FILE`):
// the probe appends the GLIBC_TUNABLES it started with to FILE, calls
// UseHugePages, and appends "returned" when that returns.
#include "base/huge_pages.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

int Probe(const char* log, char** argv) {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  std::ofstream(log, std::ios::app) << "start " << (tunables ? tunables : "unset") << "\n";
  UseHugePages(argv);
  std::ofstream(log, std::ios::app) << "returned\n";
  return 0;
}

// Runs this binary as a probe with exactly `env`; returns the probe's log.
std::string RunProbe(const std::vector<std::string>& env) {
  const fs::path log = fs::path(::testing::TempDir()) / "huge_pages_probe.log";
  fs::remove(log);
  std::vector<std::string> args = {"/proc/self/exe", "--probe", log.string()};
  std::vector<char*> argv, envp;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_copy = env;
  for (std::string& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), envp.data()), 0);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::ifstream in(log);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(UseHugePagesTest, ReExecutesOnceWithTheTunableSet) {
  EXPECT_EQ(RunProbe({"PATH=/usr/bin:/bin"}),
            "start unset\nstart glibc.malloc.hugetlb=1\nreturned\n");
}

TEST(UseHugePagesTest, PlumsimHugePagesZeroTurnsItOff) {
  EXPECT_EQ(RunProbe({"PLUMSIM_HUGE_PAGES=0"}), "start unset\nreturned\n");
}

TEST(UseHugePagesTest, AnyOtherPlumsimHugePagesValueLeavesItOn) {
  EXPECT_EQ(RunProbe({"PLUMSIM_HUGE_PAGES=1"}),
            "start unset\nstart glibc.malloc.hugetlb=1\nreturned\n");
}

TEST(UseHugePagesTest, TunablesOfYourOwnAreLeftAlone) {
  EXPECT_EQ(RunProbe({"GLIBC_TUNABLES=glibc.malloc.arena_max=2"}),
            "start glibc.malloc.arena_max=2\nreturned\n");
}

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--probe") == 0) return plumsim::Probe(argv[2], argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
