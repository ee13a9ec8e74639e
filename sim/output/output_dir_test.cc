#include "sim/output/output_dir.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void Touch(const fs::path& p, const std::string& text = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A plumsim run folder, as runner.cc writes it.
void FakeRun(const fs::path& dir, const std::string& digest) {
  Touch(dir / "manifest.json",
        "{\"format\": 2, \"plumsim_version\": \"0.2.0\", \"digest\": \"" + digest + "\"}");
  Touch(dir / "scenario.toml", "name = \"x\"");
  Touch(dir / "trees" / "n0@1s.json", "{}");
}

// Every test runs in a fresh folder `work` as the current folder, with a
// fresh HOME beside it.
class OutputDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    root_ = fs::path(std::getenv("TEST_TMPDIR")) / name;
    fs::remove_all(root_);
    work_ = root_ / "work";
    fs::create_directories(work_);
    fs::create_directories(root_ / "home");
    old_cwd_ = fs::current_path();
    fs::current_path(work_);
    old_home_ =
        std::getenv("HOME") ? std::optional<std::string>(std::getenv("HOME")) : std::nullopt;
    setenv("HOME", (root_ / "home").c_str(), 1);
    Touch(work_ / "scenarios" / "s.toml");
    Touch(work_ / "keep.txt", "precious");
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    if (old_home_) setenv("HOME", old_home_->c_str(), 1);
  }
  // No file of the user's was removed or changed.
  void ExpectUserFilesIntact() {
    EXPECT_EQ(Read(work_ / "keep.txt"), "precious");
    EXPECT_TRUE(fs::exists(work_ / "scenarios" / "s.toml"));
  }
  // Nothing of ours is left beside the target.
  void ExpectNoLeftovers(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir)) {
      EXPECT_EQ(e.path().filename().string().find(".plumsim-"), std::string::npos) << e.path();
    }
  }
  absl::Status Open(const std::string& path, bool overwrite) {
    return OutputDir::Open(path, overwrite, "scenarios/s.toml").status();
  }

  fs::path root_, work_, old_cwd_;
  std::optional<std::string> old_home_;
};

TEST_F(OutputDirTest, RefusesTheCurrentFolderAndItsParents) {
  FakeRun(work_ / "x", "a");  // even with a manifest around
  for (const std::string p :
       {".", "./", "", "..", "../", "../..", "x/..", "x/../", "/", "//", "/.."}) {
    absl::Status st = Open(p, /*overwrite=*/true);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << "'" << p << "': " << st;
  }
  EXPECT_THAT(std::string(Open(".", true).message()), HasSubstr("current folder"));
  EXPECT_THAT(std::string(Open("/", true).message()), HasSubstr("root"));
  ExpectUserFilesIntact();
  ExpectNoLeftovers(work_);
}

TEST_F(OutputDirTest, RefusesHomeAndTheScenarioFolder) {
  EXPECT_THAT(std::string(Open((root_ / "home").string(), true).message()), HasSubstr("home"));
  EXPECT_THAT(std::string(Open((root_ / "home/").string(), true).message()), HasSubstr("home"));
  EXPECT_THAT(std::string(Open("scenarios", true).message()), HasSubstr("scenario file"));
  EXPECT_THAT(std::string(Open("scenarios/", true).message()), HasSubstr("scenario file"));
  ExpectUserFilesIntact();
}

TEST_F(OutputDirTest, SymlinksAreResolvedBeforeTheChecks) {
  fs::create_directory_symlink(work_, work_ / "here");
  fs::create_directory_symlink(work_ / "scenarios", work_ / "sc");
  EXPECT_EQ(Open("here", true).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("here/", true).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("sc", true).code(), absl::StatusCode::kInvalidArgument);
  // A link to a run folder replaces that folder; the link stays a link.
  FakeRun(root_ / "runs" / "r1", "old");
  fs::create_directory_symlink(root_ / "runs" / "r1", work_ / "latest");
  absl::StatusOr<OutputDir> dir = OutputDir::Open("latest/", true, "scenarios/s.toml");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(dir->target(), fs::weakly_canonical(root_ / "runs" / "r1"));
  ASSERT_TRUE(
      dir->WriteFile("manifest.json", "{\"plumsim_version\": \"0.2.0\", \"digest\": \"new\"}")
          .ok());
  ASSERT_TRUE(dir->Commit().ok());
  EXPECT_TRUE(fs::is_symlink(work_ / "latest"));
  EXPECT_THAT(Read(work_ / "latest" / "manifest.json"), HasSubstr("new"));
  ExpectUserFilesIntact();
}

TEST_F(OutputDirTest, RefusesFilesAndNonEmptyFoldersWithoutOverwrite) {
  EXPECT_THAT(std::string(Open("keep.txt", true).message()), HasSubstr("not a folder"));
  FakeRun(work_ / "r", "a");
  EXPECT_THAT(std::string(Open("r", false).message()), HasSubstr("--overwrite"));
  EXPECT_THAT(std::string(Open("r/", false).message()), HasSubstr("--overwrite"));
  EXPECT_EQ(Read(work_ / "r" / "scenario.toml"), "name = \"x\"");
}

TEST_F(OutputDirTest, OverwriteRefusesFoldersPlumsimDidNotWrite) {
  Touch(work_ / "data" / "thesis.tex");
  absl::Status st = Open("data", true);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()), HasSubstr("thesis.tex"));
  // A run folder the user added a file to.
  FakeRun(work_ / "r", "a");
  Touch(work_ / "r" / "notes.txt");
  EXPECT_THAT(std::string(Open("r", true).message()), HasSubstr("notes.txt"));
  // Only our names, but the manifest is not ours.
  Touch(work_ / "m" / "manifest.json", "{\"name\": \"mine\"}");
  EXPECT_THAT(std::string(Open("m", true).message()), HasSubstr("not one plumsim wrote"));
  Touch(work_ / "n" / "scenario.toml");
  EXPECT_THAT(std::string(Open("n", true).message()), HasSubstr("no manifest.json"));
  EXPECT_TRUE(fs::exists(work_ / "data" / "thesis.tex"));
  EXPECT_TRUE(fs::exists(work_ / "r" / "notes.txt"));
  ExpectNoLeftovers(work_);
}

// Inside a run folder, trees/ and pictures/ are looked into too: a file
// the user put there (or a symlink) makes --overwrite refuse the folder.
TEST_F(OutputDirTest, OverwriteLooksIntoTreesAndPictures) {
  FakeRun(work_ / "t", "a");
  Touch(work_ / "t" / "trees" / "mine.txt");
  EXPECT_THAT(std::string(Open("t", true).message()), HasSubstr("trees/mine.txt"));
  FakeRun(work_ / "l", "a");
  fs::create_symlink(work_ / "keep.txt", work_ / "l" / "trees" / "n1@1s.json");
  EXPECT_THAT(std::string(Open("l", true).message()), HasSubstr("trees/n1@1s.json"));
  FakeRun(work_ / "p", "a");
  Touch(work_ / "p" / "pictures" / "n0@0001.000s.svg");
  EXPECT_THAT(std::string(Open("p", true).message()), HasSubstr("pictures/"));  // no manifest
  Touch(work_ / "p" / "pictures" / "manifest.json",
        "{\"plumsim_version\": \"0.5.0\", \"pictures_of\": \"p\"}");
  EXPECT_TRUE(Open("p", true).ok());
  Touch(work_ / "p" / "pictures" / "draft.pdf");
  EXPECT_THAT(std::string(Open("p", true).message()), HasSubstr("draft.pdf"));
  // A pictures folder is not a run folder, nor the other way round.
  EXPECT_THAT(
      std::string(OutputDir::Open("t/trees", true, "", OutputKind::kPictures).status().message()),
      HasSubstr("does not write"));
  FakeRun(work_ / "r2", "a");
  EXPECT_THAT(
      std::string(OutputDir::Open("r2", true, "", OutputKind::kPictures).status().message()),
      HasSubstr("does not write"));
  EXPECT_TRUE(fs::exists(work_ / "t" / "trees" / "mine.txt"));
  EXPECT_TRUE(fs::exists(work_ / "p" / "pictures" / "draft.pdf"));
  EXPECT_EQ(Read(work_ / "keep.txt"), "precious");
  ExpectNoLeftovers(work_);
}

// A plumsim validate folder, as sim/validate/validate.cc writes it.
void FakeValidate(const fs::path& dir) {
  Touch(dir / "manifest.json", "{\"plumsim_version\": \"0.5.0\", \"validate_of\": \"s.toml\"}");
  for (const char* f : {"scenario.toml", "sim_scenario.toml", "validate.csv", "validate.html"}) {
    Touch(dir / f);
  }
  for (const char* f : {"run.meta", "n0.events", "n0.log", "plan.config", "controller.log",
                        "erlang/plumsim_recorder.erl", "ebin/plumsim_recorder.beam"}) {
    Touch(dir / "real" / f);
  }
  Touch(dir / "real-2" / "run.meta");
}

// --overwrite replaces a validate folder only when everything in it is
// what validate writes, its real/ folders looked into; not a run folder.
TEST_F(OutputDirTest, OverwriteOfAValidateFolderLooksIntoItsRealRuns) {
  auto open = [](const std::string& path) {
    return OutputDir::Open(path, true, "scenarios/s.toml", OutputKind::kValidate).status();
  };
  FakeValidate(work_ / "v");
  EXPECT_TRUE(open("v").ok()) << open("v");
  Touch(work_ / "v" / "real" / "notes.txt");
  EXPECT_THAT(std::string(open("v").message()), HasSubstr("real/notes.txt"));
  FakeValidate(work_ / "w");
  Touch(work_ / "w" / "real" / "ebin" / "deep" / "x.beam");
  EXPECT_THAT(std::string(open("w").message()), HasSubstr("real/ebin/deep"));
  FakeValidate(work_ / "y");
  fs::create_symlink(work_ / "keep.txt", work_ / "y" / "real" / "n1.events");
  EXPECT_THAT(std::string(open("y").message()), HasSubstr("real/n1.events"));
  FakeValidate(work_ / "z");
  Touch(work_ / "z" / "real-x" / "run.meta");
  EXPECT_THAT(std::string(open("z").message()), HasSubstr("real-x"));
  FakeRun(work_ / "r", "a");
  EXPECT_THAT(std::string(open("r").message()), HasSubstr("does not write"));
  FakeValidate(work_ / "v2");
  EXPECT_THAT(std::string(Open("v2", true).message()), HasSubstr("does not write"));
  EXPECT_EQ(Read(work_ / "keep.txt"), "precious");
  EXPECT_TRUE(fs::exists(work_ / "v" / "real" / "notes.txt"));
  ExpectNoLeftovers(work_);
}

TEST_F(OutputDirTest, OverwriteWithTrailingSlashSwapsInTheNewRun) {
  FakeRun(work_ / "old", "a");
  {
    absl::StatusOr<OutputDir> dir = OutputDir::Open("old/", true, "scenarios/s.toml");
    ASSERT_TRUE(dir.ok()) << dir.status();
    EXPECT_EQ(dir->staging().parent_path(), fs::weakly_canonical(work_));
    // Until the commit the old run is untouched.
    EXPECT_EQ(Read(work_ / "old" / "scenario.toml"), "name = \"x\"");
    ASSERT_TRUE(
        dir->WriteFile("manifest.json", "{\"plumsim_version\": \"0.2.0\", \"digest\": \"b\"}")
            .ok());
    ASSERT_TRUE(dir->Commit().ok());
  }
  EXPECT_THAT(Read(work_ / "old" / "manifest.json"), HasSubstr("\"b\""));
  EXPECT_FALSE(fs::exists(work_ / "old" / "scenario.toml"));  // the old run is gone
  ExpectUserFilesIntact();
  ExpectNoLeftovers(work_);
}

TEST_F(OutputDirTest, AnAbandonedRunLeavesTheOldOutputAndNoStaging) {
  FakeRun(work_ / "old", "a");
  {
    absl::StatusOr<OutputDir> dir = OutputDir::Open("old", true, "scenarios/s.toml");
    ASSERT_TRUE(dir.ok()) << dir.status();
    ASSERT_TRUE(dir->WriteFile("manifest.json", "{}").ok());
    EXPECT_TRUE(fs::exists(dir->staging()));
  }  // an error path: never committed
  EXPECT_THAT(Read(work_ / "old" / "manifest.json"), HasSubstr("\"a\""));
  ExpectNoLeftovers(work_);
}

TEST_F(OutputDirTest, CreatesMissingParentsAndRemovesThemIfNothingIsWritten) {
  {
    absl::StatusOr<OutputDir> dir = OutputDir::Open("a/b/c/run", false, "scenarios/s.toml");
    ASSERT_TRUE(dir.ok()) << dir.status();
    EXPECT_TRUE(fs::is_directory(work_ / "a" / "b" / "c"));
  }
  EXPECT_FALSE(fs::exists(work_ / "a"));
  {
    absl::StatusOr<OutputDir> dir = OutputDir::Open("a/b/run/", false, "scenarios/s.toml");
    ASSERT_TRUE(dir.ok()) << dir.status();
    ASSERT_TRUE(dir->WriteFile("trees/n0@0.json", "{}").ok());
    ASSERT_TRUE(dir->Commit().ok());
  }
  EXPECT_TRUE(fs::exists(work_ / "a" / "b" / "run" / "trees" / "n0@0.json"));
  ExpectNoLeftovers(work_ / "a" / "b");
}

TEST_F(OutputDirTest, ASecondWriterOfTheSameFolderFailsCleanly) {
  absl::StatusOr<OutputDir> first = OutputDir::Open("run", false, "scenarios/s.toml");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::Status second = Open("run/", false);
  EXPECT_EQ(second.code(), absl::StatusCode::kUnavailable) << second;
  EXPECT_THAT(std::string(second.message()), HasSubstr("another plumsim run"));
  ASSERT_TRUE(
      first->WriteFile("manifest.json", "{\"plumsim_version\": \"0.2.0\", \"digest\": \"a\"}")
          .ok());
  ASSERT_TRUE(first->Commit().ok());
  // Once the first has finished, the folder is a finished run: replacing it
  // needs --overwrite, and works.
  EXPECT_EQ(Open("run", false).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Open("run", true).ok());
  EXPECT_TRUE(fs::exists(work_ / "run" / "manifest.json"));
}

TEST_F(OutputDirTest, AnEmptyExistingFolderIsUsedWithoutOverwrite) {
  fs::create_directories(work_ / "empty");
  absl::StatusOr<OutputDir> dir = OutputDir::Open("empty", false, "scenarios/s.toml");
  ASSERT_TRUE(dir.ok()) << dir.status();
  ASSERT_TRUE(dir->WriteFile("manifest.json", "{}").ok());
  ASSERT_TRUE(dir->Commit().ok());
  EXPECT_TRUE(fs::exists(work_ / "empty" / "manifest.json"));
}

TEST_F(OutputDirTest, AFatalErrorCleanUpRemovesStagingLockAndCreatedParents) {
  absl::StatusOr<OutputDir> dir = OutputDir::Open("new/run", false, "scenarios/s.toml");
  ASSERT_TRUE(dir.ok()) << dir.status();
  ASSERT_TRUE(dir->WriteFile("trace.jsonl", "x").ok());
  OutputDir::CleanUpAfterFatalError();  // what the out-of-memory handler calls
  EXPECT_FALSE(fs::exists(work_ / "new"));
  ExpectUserFilesIntact();
}

// The lock name is never followed: a symlink there is refused, and what it
// points at is untouched.
TEST_F(OutputDirTest, ASymlinkAtTheLockNameIsRefusedNotFollowed) {
  fs::create_symlink(work_ / "keep.txt", work_ / ".run.plumsim-lock");
  absl::StatusOr<OutputDir> dir = OutputDir::Open("run", false, "scenarios/s.toml");
  EXPECT_FALSE(dir.ok());
  EXPECT_NE(dir.status().code(), absl::StatusCode::kOk);
  EXPECT_TRUE(fs::is_symlink(work_ / ".run.plumsim-lock"));
  EXPECT_FALSE(fs::exists(work_ / "run"));
  ExpectUserFilesIntact();
}

// Files and folders that merely carry plumsim's naming patterns beside the
// target are not plumsim's: staging folders are made fresh (mkdtemp) and
// only those are removed, on success and on failure.
TEST_F(OutputDirTest, LookAlikeNamesBesideTheTargetAreLeftAlone) {
  const std::string pid = std::to_string(getpid());
  const std::vector<std::string> look_alikes = {
      ".run.plumsim-staging-" + pid, ".run.plumsim-old-" + pid, ".run.plumsim-staging-XXXXXX"};
  for (const std::string& name : look_alikes) Touch(work_ / name / "mine.txt", "precious");
  {
    absl::StatusOr<OutputDir> dir = OutputDir::Open("run", false, "scenarios/s.toml");
    ASSERT_TRUE(dir.ok()) << dir.status();
    EXPECT_NE(dir->staging().filename().string(), ".run.plumsim-staging-" + pid);
  }  // abandoned
  {
    FakeRun(work_ / "run", "a");
    absl::StatusOr<OutputDir> dir = OutputDir::Open("run", true, "scenarios/s.toml");
    ASSERT_TRUE(dir.ok()) << dir.status();
    ASSERT_TRUE(
        dir->WriteFile("manifest.json", "{\"plumsim_version\": \"0.2.0\", \"digest\": \"b\"}")
            .ok());
    ASSERT_TRUE(dir->Commit().ok());
  }  // committed: the old run swapped out and removed
  for (const std::string& name : look_alikes) {
    EXPECT_EQ(Read(work_ / name / "mine.txt"), "precious") << name;
  }
  EXPECT_THAT(Read(work_ / "run" / "manifest.json"), HasSubstr("\"b\""));
  EXPECT_FALSE(fs::exists(work_ / ".run.plumsim-lock"));
}

// A parent that exists already is not "created" and is never removed, even
// when empty and the run writes nothing.
TEST_F(OutputDirTest, OnlyParentsItCreatedAreRemoved) {
  fs::create_directories(work_ / "a");
  {
    absl::StatusOr<OutputDir> dir = OutputDir::Open("a/b/run", false, "scenarios/s.toml");
    ASSERT_TRUE(dir.ok()) << dir.status();
  }
  EXPECT_TRUE(fs::is_directory(work_ / "a"));
  EXPECT_FALSE(fs::exists(work_ / "a" / "b"));
}

TEST(NormaliseOutputPathTest, FoldsDotsAndTrailingSlashes) {
  EXPECT_EQ(NormaliseOutputPath("/tmp/a/b/../c/"), fs::path("/tmp/a/c"));
  EXPECT_EQ(NormaliseOutputPath("/tmp/a/./c//"), fs::path("/tmp/a/c"));
  EXPECT_EQ(NormaliseOutputPath("/"), fs::path("/"));
}

}  // namespace
}  // namespace plumsim
