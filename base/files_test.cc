#include "base/files.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / "files_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Put(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

TEST_F(FilesTest, ReadInputFileReturnsTheBytesExactly) {
  const std::string text("line one\r\nzero \0 byte\n", 22);
  Put(dir_ / "x.toml", text);
  absl::StatusOr<std::string> read = ReadInputFile((dir_ / "x.toml").string(), "scenario");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, text);
}

TEST_F(FilesTest, ReadInputFileOnAMissingFileIsNotFoundNamingThePathAndWhat) {
  const std::string path = (dir_ / "missing.toml").string();
  absl::StatusOr<std::string> read = ReadInputFile(path, "scenario");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(read.status().message(), path + ": cannot open the scenario");
}

TEST_F(FilesTest, ReadInputFileOnAFolderIsNotFound) {
  fs::create_directories(dir_ / "a_folder");
  const std::string path = (dir_ / "a_folder").string();
  absl::StatusOr<std::string> read = ReadInputFile(path, "study");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(read.status().message(), path + ": cannot open the study");
}

TEST_F(FilesTest, ReadFileIfPresentTellsAbsentFromEmpty) {
  Put(dir_ / "empty", "");
  Put(dir_ / "full", "text");
  fs::create_directories(dir_ / "folder");
  EXPECT_EQ(ReadFileIfPresent((dir_ / "missing").string()), std::nullopt);
  EXPECT_EQ(ReadFileIfPresent((dir_ / "folder").string()), std::nullopt);
  EXPECT_EQ(ReadFileIfPresent((dir_ / "empty").string()), std::optional<std::string>(""));
  EXPECT_EQ(ReadFileIfPresent((dir_ / "full").string()), std::optional<std::string>("text"));
}

TEST_F(FilesTest, WriteFileAtomicallyCreatesTheFileAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(WriteFileAtomically((dir_ / "study.csv").string(), "a,b\n1,2\n").ok());
  EXPECT_EQ(ReadFileIfPresent((dir_ / "study.csv").string()), "a,b\n1,2\n");
  EXPECT_EQ(Listing(), std::vector<std::string>{"study.csv"});
}

// The new text arrives by a rename: a reader that opened the old file keeps
// reading the old text whole, and a hard link to the old file keeps it.
TEST_F(FilesTest, WriteFileAtomicallyReplacesByRenameNotInPlace) {
  const fs::path path = dir_ / "study.csv";
  Put(path, "old text\n");
  fs::create_hard_link(path, dir_ / "old_link");
  std::ifstream reader(path, std::ios::binary);
  ASSERT_TRUE(WriteFileAtomically(path.string(), "new text, longer than the old\n").ok());
  std::stringstream seen;
  seen << reader.rdbuf();
  EXPECT_EQ(seen.str(), "old text\n");
  EXPECT_EQ(ReadFileIfPresent((dir_ / "old_link").string()), "old text\n");
  EXPECT_EQ(ReadFileIfPresent(path.string()), "new text, longer than the old\n");
  EXPECT_EQ(Listing(), (std::vector<std::string>{"old_link", "study.csv"}));
}

TEST_F(FilesTest, WriteFileAtomicallyIntoAMissingFolderFailsNamingTheTemporaryFile) {
  const absl::Status st = WriteFileAtomically((dir_ / "no_such" / "x.csv").string(), "text");
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
  EXPECT_NE(st.message().find("no_such/.x.csv.tmp-"), absl::string_view::npos) << st;
  EXPECT_NE(st.message().find(": cannot write: No such file or directory"), absl::string_view::npos)
      << st;
  EXPECT_FALSE(fs::exists(dir_ / "no_such"));
}

TEST_F(FilesTest, WriteFileAtomicallyOverAFolderFailsAndRemovesItsTemporaryFile) {
  fs::create_directories(dir_ / "taken" / "inside");
  const absl::Status st = WriteFileAtomically((dir_ / "taken").string(), "text");
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(st.message().rfind((dir_ / "taken").string() + ": cannot write: ", 0), 0u) << st;
  EXPECT_EQ(Listing(), std::vector<std::string>{"taken"});
  EXPECT_TRUE(fs::is_directory(dir_ / "taken" / "inside"));
}

TEST(IoErrorTest, NamesThePathWhatAndTheOsError) {
  const absl::Status st = IoError("out/metrics.json", "cannot write", ENOSPC);
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(st.message(), "out/metrics.json: cannot write: No space left on device");
}

}  // namespace
}  // namespace plumsim
