// TraceFile writes JSON lines plain or as one zstd frame; TraceLineReader
// reads either back line by line. Both must hold the same lines.
#include "sim/trace/file.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;

class TraceFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / "trace_file_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `lines` (each with its newline) in pieces of varying size.
  void Write(const fs::path& path, bool zstd, const std::vector<std::string>& lines) {
    absl::StatusOr<std::unique_ptr<TraceFile>> file = TraceFile::Create(path, zstd, path);
    ASSERT_TRUE(file.ok()) << file.status();
    for (const std::string& line : lines) {
      (*file)->Write(line.substr(0, 7));
      (*file)->Write(line.substr(std::min<size_t>(7, line.size())));
      (*file)->Write("\n");
    }
    ASSERT_TRUE((*file)->Close().ok());
    EXPECT_EQ((*file)->bytes_written(), fs::file_size(path));
  }
  std::vector<std::string> ReadAll(const fs::path& path) {
    absl::StatusOr<std::unique_ptr<TraceLineReader>> reader = TraceLineReader::Open(path);
    EXPECT_TRUE(reader.ok()) << reader.status();
    std::vector<std::string> lines;
    if (!reader.ok()) return lines;
    std::string line;
    while ((*reader)->Next(&line)) lines.push_back(line);
    EXPECT_EQ((*reader)->error(), "");
    return lines;
  }

  fs::path dir_;
};

// More than one 1 MiB block, so both writers flush several times before
// Close and the reader refills across line boundaries.
std::vector<std::string> ManyLines() {
  std::vector<std::string> lines;
  for (int i = 0; i < 40000; ++i) {
    lines.push_back(absl::StrCat("{\"t\":", i * 1000, ",\"ev\":\"send\",\"from\":\"n", i % 97,
                                 "\",\"to\":\"n", (i * 7) % 97, "\"}"));
  }
  lines.push_back("");  // an empty line survives too
  lines.push_back("{\"ev\":\"last\"}");
  return lines;
}

TEST_F(TraceFileTest, PlainAndZstdHoldTheSameLines) {
  const std::vector<std::string> lines = ManyLines();
  Write(dir_ / "trace.jsonl", false, lines);
  Write(dir_ / "trace.jsonl.zst", true, lines);
  EXPECT_GT(fs::file_size(dir_ / "trace.jsonl"), size_t{1} << 20);  // several blocks
  EXPECT_LT(fs::file_size(dir_ / "trace.jsonl.zst") * 5, fs::file_size(dir_ / "trace.jsonl"));
  EXPECT_EQ(ReadAll(dir_ / "trace.jsonl"), lines);
  EXPECT_EQ(ReadAll(dir_ / "trace.jsonl.zst"), lines);
}

TEST_F(TraceFileTest, AnEmptyTraceReadsAsNoLinesInBothForms) {
  Write(dir_ / "empty.jsonl", false, {});
  Write(dir_ / "empty.jsonl.zst", true, {});
  EXPECT_EQ(fs::file_size(dir_ / "empty.jsonl"), 0u);
  EXPECT_GT(fs::file_size(dir_ / "empty.jsonl.zst"), 0u);  // still a frame
  EXPECT_EQ(ReadAll(dir_ / "empty.jsonl"), std::vector<std::string>{});
  EXPECT_EQ(ReadAll(dir_ / "empty.jsonl.zst"), std::vector<std::string>{});
}

TEST_F(TraceFileTest, ALastLineWithoutItsNewlineIsStillALine) {
  std::ofstream(dir_ / "cut.jsonl") << "{\"a\":1}\n{\"b\":2}";
  EXPECT_EQ(ReadAll(dir_ / "cut.jsonl"), (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

// The reader goes by the name: .zst is decompressed, anything else is not.
TEST_F(TraceFileTest, TheReaderDecompressesByTheFilesName) {
  Write(dir_ / "packed.jsonl.zst", true, {"{\"x\":1}"});
  fs::copy_file(dir_ / "packed.jsonl.zst", dir_ / "packed.jsonl");
  EXPECT_EQ(ReadAll(dir_ / "packed.jsonl.zst"), std::vector<std::string>{"{\"x\":1}"});
  absl::StatusOr<std::unique_ptr<TraceLineReader>> raw =
      TraceLineReader::Open(dir_ / "packed.jsonl");
  ASSERT_TRUE(raw.ok());
  std::string line;
  ASSERT_TRUE((*raw)->Next(&line));
  EXPECT_NE(line, "{\"x\":1}");  // the compressed bytes, as they are
}

TEST_F(TraceFileTest, GarbageInAZstdFileIsAnErrorNamingThePath) {
  std::ofstream(dir_ / "bad.jsonl.zst") << "this is not a zstd frame\n";
  absl::StatusOr<std::unique_ptr<TraceLineReader>> reader =
      TraceLineReader::Open(dir_ / "bad.jsonl.zst");
  ASSERT_TRUE(reader.ok());
  std::string line;
  EXPECT_FALSE((*reader)->Next(&line));
  EXPECT_EQ((*reader)->error().rfind((dir_ / "bad.jsonl.zst").string() + ": zstd: ", 0), 0u)
      << (*reader)->error();
}

TEST_F(TraceFileTest, ATruncatedZstdFrameIsAnErrorNotAShorterTrace) {
  Write(dir_ / "t.jsonl.zst", true, ManyLines());
  fs::resize_file(dir_ / "t.jsonl.zst", fs::file_size(dir_ / "t.jsonl.zst") / 2);
  absl::StatusOr<std::unique_ptr<TraceLineReader>> reader =
      TraceLineReader::Open(dir_ / "t.jsonl.zst");
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::string line, last;
  int64_t lines = 0;
  while ((*reader)->Next(&line)) {
    last = line;
    ++lines;
  }
  EXPECT_NE((*reader)->error().find("t.jsonl.zst: zstd: the file ends inside a frame"),
            std::string::npos)
      << (*reader)->error();
  EXPECT_GT(lines, 0);
  EXPECT_EQ(last, ManyLines()[static_cast<size_t>(lines - 1)]);  // whole lines only
}

TEST_F(TraceFileTest, OpeningAMissingTraceIsNotFound) {
  absl::StatusOr<std::unique_ptr<TraceLineReader>> reader =
      TraceLineReader::Open(dir_ / "missing.jsonl");
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(),
            (dir_ / "missing.jsonl").string() + ": cannot open: No such file or directory");
}

// Errors name the file as the user will know it (the run's final folder),
// not the staging path written to.
TEST_F(TraceFileTest, CreateErrorsNameTheShownPath) {
  absl::StatusOr<std::unique_ptr<TraceFile>> file =
      TraceFile::Create(dir_ / "no_such" / "trace.jsonl", false, "out/run/trace.jsonl");
  EXPECT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            "out/run/trace.jsonl: cannot write: No such file or directory");
}

}  // namespace
}  // namespace plumsim
