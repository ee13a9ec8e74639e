#include "sim/output/replace_file.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

class ReplaceFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / "replace_file_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "runs");
    std::ofstream(dir_ / "study.json") << "{}";
  }
  fs::path dir_;
};

TEST_F(ReplaceFileTest, ReplacesOnlyFilesItWrote) {
  ASSERT_TRUE(ReplaceOwnFile(dir_.string(), "study.csv", "run,point,x\n", "run,point,").ok());
  ASSERT_TRUE(ReplaceOwnFile(dir_.string(), "study.csv", "run,point,y\n", "run,point,").ok());
  std::ofstream(dir_ / "points.csv") << "my own notes\n";
  EXPECT_FALSE(ReplaceOwnFile(dir_.string(), "points.csv", "point,\n", "point,").ok());
  std::ifstream in(dir_ / "points.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "my own notes");
  fs::create_symlink(dir_ / "study.json", dir_ / "link.csv");
  EXPECT_FALSE(ReplaceOwnFile(dir_.string(), "link.csv", "run,point,\n", "run,point,").ok());
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.csv"));
  EXPECT_FALSE(ReplaceOwnFile(dir_.string(), "runs", "x", "").ok());
  EXPECT_TRUE(fs::is_directory(dir_ / "runs"));
}

TEST_F(ReplaceFileTest, CreatesMissingFoldersAndRefusesAnUnmarkedFile) {
  ASSERT_TRUE(ReplaceOwnFile(dir_.string(), "plots/a.gp", "# plumsim a\n", "# plumsim").ok());
  std::ifstream in(dir_ / "plots" / "a.gp");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "# plumsim a");
  EXPECT_FALSE(ReplaceOwnFile(dir_.string(), "study.json", "{}", "").ok());
}

}  // namespace
}  // namespace plumsim
