#include "base/child_processes.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ChildProcessesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / "child_processes_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // /bin/sh -c `script`, run in dir_, logging to dir_/log<i>.
  ChildCommand Shell(const std::string& script) {
    const std::string log = (dir_ / ("log" + std::to_string(commands_++))).string();
    return ChildCommand{{"/bin/sh", "-c", "cd '" + dir_.string() + "' && " + script}, log};
  }
  // Runs `commands`, recording each outcome by index and the order they ended.
  int Run(
      const std::vector<ChildCommand>& commands, int jobs,
      const std::function<bool()>& stop = [] { return false; }) {
    outcomes_.assign(commands.size(), ChildOutcome{});
    done_.assign(commands.size(), false);
    return RunChildren(
        commands, jobs,
        [this](size_t i, const ChildOutcome& outcome) {
          EXPECT_FALSE(done_[i]) << "command " << i << " reported twice";
          done_[i] = true;
          outcomes_[i] = outcome;
        },
        [] {}, stop);
  }

  fs::path dir_;
  int commands_ = 0;
  std::vector<ChildOutcome> outcomes_;
  std::vector<bool> done_;
};

TEST_F(ChildProcessesTest, ReportsEachExitCodeAndSignalByIndex) {
  const std::vector<ChildCommand> commands = {Shell("exit 0"), Shell("exit 3"),
                                              Shell("kill -KILL $$")};
  EXPECT_EQ(Run(commands, 2), 3);
  ASSERT_EQ(done_, std::vector<bool>(3, true));
  EXPECT_EQ(outcomes_[0].exit_code, 0);
  EXPECT_EQ(outcomes_[0].signal, 0);
  EXPECT_EQ(outcomes_[1].exit_code, 3);
  EXPECT_EQ(outcomes_[2].exit_code, -1);  // killed: no exit code
  EXPECT_EQ(outcomes_[2].signal, SIGKILL);
  for (const ChildOutcome& o : outcomes_) EXPECT_EQ(o.error, "");
}

TEST_F(ChildProcessesTest, TheLogHoldsStdoutAndStderrAndIsTruncatedFirst) {
  ChildCommand command = Shell("echo out; echo err >&2; echo out again");
  std::ofstream(command.log_path) << "an older run's log, longer than the new one\n";
  Run({command}, 1);
  EXPECT_EQ(Slurp(command.log_path), "out\nerr\nout again\n");
}

TEST_F(ChildProcessesTest, StandardInputIsEmpty) {
  // `cat` would wait forever on an inherited terminal or pipe.
  ChildCommand command = Shell("cat; echo read all");
  Run({command}, 1);
  EXPECT_EQ(outcomes_[0].exit_code, 0);
  EXPECT_EQ(Slurp(command.log_path), "read all\n");
}

TEST_F(ChildProcessesTest, OneJobRunsTheCommandsOneAfterAnotherInOrder) {
  std::vector<ChildCommand> commands;
  for (int i = 0; i < 4; ++i) {
    commands.push_back(Shell("echo start " + std::to_string(i) + " >> order; echo end " +
                             std::to_string(i) + " >> order"));
  }
  EXPECT_EQ(Run(commands, 1), 4);
  EXPECT_EQ(Slurp(dir_ / "order"),
            "start 0\nend 0\nstart 1\nend 1\nstart 2\nend 2\nstart 3\nend 3\n");
}

// Each command marks itself running with a directory of its own while it
// lingers; it counts the marks it sees. The marks never exceed `jobs`.
TEST_F(ChildProcessesTest, NeverMoreThanJobsRunAtOnce) {
  std::vector<ChildCommand> commands;
  for (int i = 0; i < 8; ++i) {
    const std::string mark = "running." + std::to_string(i);
    commands.push_back(Shell("mkdir " + mark + " && ls -d running.* | wc -l >> seen && " +
                             "sleep 0.05 && rmdir " + mark));
  }
  EXPECT_EQ(Run(commands, 2), 8);
  std::istringstream seen(Slurp(dir_ / "seen"));
  int lines = 0;
  for (int count = 0; seen >> count; ++lines) EXPECT_LE(count, 2);
  EXPECT_EQ(lines, 8);
  for (const ChildOutcome& o : outcomes_) EXPECT_EQ(o.exit_code, 0);
}

// With two jobs the second command starts while the first still runs: the
// first waits (up to 10 s, a safety net, not a timing) for the second's mark.
TEST_F(ChildProcessesTest, TwoJobsRunTwoCommandsAtOnce) {
  const std::vector<ChildCommand> commands = {
      Shell("i=0; while [ ! -e second ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done; "
            "test -e second"),
      Shell("touch second")};
  EXPECT_EQ(Run(commands, 2), 2);
  EXPECT_EQ(outcomes_[0].exit_code, 0);
  EXPECT_EQ(outcomes_[1].exit_code, 0);
}

TEST_F(ChildProcessesTest, ACommandThatCannotStartIsReportedAndTheOthersRun) {
  const std::vector<ChildCommand> commands = {
      ChildCommand{{(dir_ / "no_such_program").string()}, (dir_ / "log_missing").string()},
      Shell("exit 0")};
  EXPECT_EQ(Run(commands, 1), 1);  // only the second was started
  ASSERT_EQ(done_, std::vector<bool>(2, true));
  EXPECT_EQ(outcomes_[0].exit_code, -1);
  EXPECT_EQ(outcomes_[0].error, "No such file or directory");
  EXPECT_EQ(outcomes_[1].exit_code, 0);
}

// stop() turning true: nothing more starts, the running command gets
// SIGTERM and is waited for.
TEST_F(ChildProcessesTest, StopTerminatesTheRunningCommandsAndStartsNoMore) {
  const std::vector<ChildCommand> commands = {Shell("touch started; exec sleep 60"),
                                              Shell("touch second_ran")};
  const fs::path started = dir_ / "started";
  EXPECT_EQ(Run(commands, 1, [&] { return fs::exists(started); }), 1);
  EXPECT_TRUE(done_[0]);
  EXPECT_FALSE(done_[1]);
  EXPECT_EQ(outcomes_[0].exit_code, -1);
  EXPECT_EQ(outcomes_[0].signal, SIGTERM);
  EXPECT_FALSE(fs::exists(dir_ / "second_ran"));
}

TEST(JobsOrDefaultTest, GivenJobsWinElseOnePerCpu) {
  EXPECT_EQ(JobsOrDefault(3), 3);
  const int cpus = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  EXPECT_EQ(JobsOrDefault(0), cpus);
  EXPECT_EQ(JobsOrDefault(-2), cpus);
}

TEST(SelfExecutableTest, IsTheAbsolutePathOfThisTest) {
  const fs::path self(SelfExecutable());
  EXPECT_TRUE(self.is_absolute()) << self;
  EXPECT_EQ(self.filename(), "child_processes_test");
  EXPECT_TRUE(fs::is_regular_file(self));
}

}  // namespace
}  // namespace plumsim
