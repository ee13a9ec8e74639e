#include "sim/output/manifest.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(ManifestTest, ARunManifestIsReadWithItsFields) {
  absl::StatusOr<Manifest> m = ParseManifest(
      R"({"format": 2, "plumsim_version": "0.5.0", "seed": 7, "complete": true,
          "trace": "trace.jsonl", "trace_lines": 10, "trace_events": 10,
          "expectations_failed": 1, "scenario_path": "a.toml", "digest": "ab12"})",
      "m.json");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->kind, ManifestKind::kRun);
  EXPECT_EQ(m->version, "0.5.0");
  EXPECT_EQ(m->format, 2);
  EXPECT_EQ(m->digest, "ab12");
  EXPECT_TRUE(m->complete);
  EXPECT_EQ(m->seed, 7u);
  EXPECT_EQ(m->expectations_failed, 1);
  EXPECT_EQ(m->scenario_path, "a.toml");
  EXPECT_TRUE(m->full_trace());
}

TEST(ManifestTest, AFilteredOrMissingTraceIsNotAFullTrace) {
  absl::StatusOr<Manifest> m = ParseManifest(
      R"({"plumsim_version": "0.5.0", "digest": "x", "trace": "t.jsonl.zst",
          "trace_lines": 3, "trace_events": 10})",
      "m.json");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->full_trace());
  m = ParseManifest(R"({"plumsim_version": "0.5.0", "digest": "x", "trace": null})", "m.json");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->full_trace());
  EXPECT_EQ(m->format, 1);  // absent before format 2
  EXPECT_FALSE(m->complete);
}

TEST(ManifestTest, PicturesAreTheirOwnKind) {
  absl::StatusOr<Manifest> m =
      ParseManifest(R"({"plumsim_version": "0.5.0", "pictures_of": "/runs/a"})", "m.json");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, ManifestKind::kPictures);
}

TEST(ManifestTest, OneRuleRefusesWhatPlumsimDidNotWrite) {
  for (const char* text :
       {"not json", "[1, 2]", R"({"digest": "x"})", R"({"plumsim_version": 5, "digest": "x"})",
        R"({"plumsim_version": "0.5.0"})", R"({"plumsim_version": "0.5.0", "digest": 12})"}) {
    absl::StatusOr<Manifest> m = ParseManifest(text, "d/manifest.json");
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(m.status().message()),
                HasSubstr("d/manifest.json: not a manifest plumsim wrote"));
  }
}

class ManifestFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / "manifest_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  fs::path dir_;
};

TEST_F(ManifestFileTest, AFolderWithoutAManifestIsNotFoundOrNotARunFolder) {
  EXPECT_EQ(ReadManifest(dir_).status().code(), absl::StatusCode::kNotFound);
  absl::Status run = ReadRunManifest(dir_).status();
  EXPECT_EQ(run.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(run.message()), HasSubstr("not a run folder (no manifest.json"));
}

TEST_F(ManifestFileTest, PicturesAreNotARunFolder) {
  std::ofstream(dir_ / "manifest.json") << R"({"plumsim_version": "0.5.0", "pictures_of": "r"})";
  ASSERT_TRUE(ReadManifest(dir_).ok());
  EXPECT_THAT(std::string(ReadRunManifest(dir_).status().message()),
              HasSubstr("not a run folder (it holds plumsim trees pictures)"));
  std::ofstream(dir_ / "manifest.json") << R"({"plumsim_version": "0.5.0", "digest": "d"})";
  EXPECT_TRUE(ReadRunManifest(dir_).ok());
}

}  // namespace
}  // namespace plumsim
