// The trace's filter ([trace]) and its zstd output: what is written follows
// the filter, the digest never does, and a .zst file decompresses to the
// same lines the plain file holds.
#include "sim/trace/recorder.h"

#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/world/simulation.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSmall[] = R"(
name = "small"
duration = "25s"
[nodes]
count = 4
[network]
latency = { kind = "uniform", min = "1ms", max = "5ms" }
)";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Traced {
  std::string digest;
  std::vector<std::string> lines;
  uint64_t events = 0;
};

// Runs kSmall with `sets`, writing the trace into `dir`.
Traced RunTraced(const std::vector<std::string>& sets, const fs::path& dir) {
  absl::StatusOr<Scenario> s = ParseScenario(kSmall, "small.toml", sets);
  EXPECT_TRUE(s.ok()) << s.status();
  fs::create_directories(dir);
  const fs::path path = dir / (s->trace.zstd ? "trace.jsonl.zst" : "trace.jsonl");
  absl::StatusOr<std::unique_ptr<TraceFile>> file = TraceFile::Create(path, s->trace.zstd, path);
  EXPECT_TRUE(file.ok()) << file.status();
  ObserverList observers;
  Simulation sim(*s, &observers);
  TraceRecorder trace(&sim.event_loop(), file->get(), s->trace);
  observers.Add(&trace);
  sim.RunUntil(SimTime::Zero() + s->duration);
  EXPECT_TRUE((*file)->Close().ok());
  std::string text = ReadFile(path);
  if (s->trace.zstd) {
    const unsigned long long size = ZSTD_getFrameContentSize(text.data(), text.size());
    EXPECT_NE(size, ZSTD_CONTENTSIZE_ERROR);
    // Streamed: the size is not in the frame header; decompress in steps.
    ZSTD_DCtx* d = ZSTD_createDCtx();
    std::string plain;
    std::string buffer(ZSTD_DStreamOutSize(), '\0');
    ZSTD_inBuffer in{text.data(), text.size(), 0};
    while (in.pos < in.size) {
      ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
      const size_t r = ZSTD_decompressStream(d, &out, &in);
      EXPECT_FALSE(ZSTD_isError(r)) << ZSTD_getErrorName(r);
      if (ZSTD_isError(r)) break;
      plain.append(buffer.data(), out.pos);
    }
    ZSTD_freeDCtx(d);
    text = plain;
  }
  Traced t;
  t.digest = trace.digest().Hex();
  t.events = trace.events();
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    t.lines.emplace_back(line);
  }
  EXPECT_EQ(t.lines.size(), trace.lines_written());
  return t;
}

class TraceTest : public ::testing::Test {
 protected:
  fs::path dir_ = fs::path(::testing::TempDir()) / "trace_test";
  void TearDown() override { fs::remove_all(dir_); }
};

TEST_F(TraceTest, PeerMovesAreTracedWithTheirCause) {
  const Traced all = RunTraced({}, dir_ / "all");
  EXPECT_EQ(all.lines.size(), all.events);
  int add_lazy = 0, resets = 0;
  for (const std::string& l : all.lines) {
    if (absl::StrContains(l, "\"ev\":\"add_lazy\"")) {
      ++add_lazy;
      // Round 1 floods: stale copies move their senders to lazy.
      EXPECT_THAT(l, HasSubstr("\"cause\":\"broadcast\""));
      EXPECT_THAT(l, HasSubstr("\"root\":"));
      EXPECT_THAT(l, HasSubstr("\"peer\":"));
      EXPECT_THAT(l, HasSubstr("\"id\":["));
    }
    resets += absl::StrContains(l, "\"ev\":\"reset_peers\"");
  }
  EXPECT_GT(add_lazy, 0);
  EXPECT_GE(resets, 4);  // every node's init
}

TEST_F(TraceTest, FiltersChooseLinesNotTheDigest) {
  const Traced all = RunTraced({}, dir_ / "all");
  const Traced kinds =
      RunTraced({"trace.kinds=[\"add_eager\", \"add_lazy\", \"node\"]"}, dir_ / "k");
  EXPECT_EQ(kinds.digest, all.digest);
  EXPECT_EQ(kinds.events, all.events);
  ASSERT_FALSE(kinds.lines.empty());
  for (const std::string& l : kinds.lines) {
    EXPECT_TRUE(absl::StrContains(l, "\"ev\":\"add_eager\"") ||
                absl::StrContains(l, "\"ev\":\"add_lazy\"") ||
                absl::StrContains(l, "\"ev\":\"start\""))
        << l;
  }
  // Exactly the lines of those kinds in the full trace, in order.
  std::vector<std::string> expected;
  for (const std::string& l : all.lines) {
    if (absl::StrContains(l, "\"ev\":\"add_eager\"") ||
        absl::StrContains(l, "\"ev\":\"add_lazy\"") || absl::StrContains(l, "\"ev\":\"start\"")) {
      expected.push_back(l);
    }
  }
  EXPECT_EQ(kinds.lines, expected);

  const Traced roots = RunTraced({"trace.roots=\"n2\""}, dir_ / "r");
  EXPECT_EQ(roots.digest, all.digest);
  ASSERT_FALSE(roots.lines.empty());
  for (const std::string& l : roots.lines) {
    EXPECT_TRUE(absl::StrContains(l, "\"root\":\"n2\"") || absl::StrContains(l, "\"id\":[\"n2\""))
        << l;
  }
  const Traced nodes = RunTraced({"trace.nodes=\"n1\"", "trace.kinds=[\"send\"]"}, dir_ / "n");
  ASSERT_FALSE(nodes.lines.empty());
  for (const std::string& l : nodes.lines) {
    EXPECT_TRUE(absl::StrContains(l, "\"from\":\"n1\"") || absl::StrContains(l, "\"to\":\"n1\""))
        << l;
    EXPECT_THAT(l, Not(HasSubstr("\"ev\":\"deliver\"")));
  }
}

TEST_F(TraceTest, ZstdHoldsTheSameLines) {
  const Traced plain = RunTraced({}, dir_ / "plain");
  const Traced packed = RunTraced({"trace.compress=\"zstd\""}, dir_ / "zst");
  EXPECT_EQ(packed.digest, plain.digest);
  EXPECT_EQ(packed.lines, plain.lines);
  EXPECT_LT(fs::file_size(dir_ / "zst" / "trace.jsonl.zst") * 5,
            fs::file_size(dir_ / "plain" / "trace.jsonl"));
}

TEST(TraceConfigTest, UnknownKindsAndBadCompressAreRefusedWithTheirPlace) {
  absl::StatusOr<Scenario> s = ParseScenario(std::string(kSmall) +
                                                 "[trace]\nkinds = [\"add_eager\", \"grafts\"]\n"
                                                 "compress = \"gzip\"\n",
                                             "small.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("small.toml:9:23:"));
  EXPECT_THAT(s.status().message(), HasSubstr("unknown event kind \"grafts\""));
  EXPECT_THAT(s.status().message(), HasSubstr("small.toml:10:"));
  EXPECT_THAT(s.status().message(), HasSubstr("expected \"zstd\" or \"none\""));
  // The resolved form reads back.
  absl::StatusOr<Scenario> ok = ParseScenario(
      kSmall, "small.toml",
      {"trace.kinds=[\"peers\"]", "trace.roots=\"n0..n1\"", "trace.compress=\"zstd\""});
  ASSERT_TRUE(ok.ok()) << ok.status();
  absl::StatusOr<Scenario> again = ParseScenario(ok->ToToml(), "again.toml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->trace.kinds, ok->trace.kinds);
  EXPECT_EQ(again->trace.roots.ToString(), "n0..n1");
  EXPECT_TRUE(again->trace.zstd);
}

// The usage example at the top of recorder.h, writing into the test's
// folder.
absl::Status RecordTheHeadersExample(const Scenario& scenario, const fs::path& dir,
                                     std::string* digest_out) {
  absl::StatusOr<std::unique_ptr<TraceFile>> file =
      TraceFile::Create(dir / "trace.jsonl", /*zstd=*/false, "out/trace.jsonl");
  if (!file.ok()) return file.status();
  ObserverList observers;
  Simulation simulation(scenario, &observers);
  TraceRecorder trace(&simulation.event_loop(), file->get(), scenario.trace);
  observers.Add(&trace);
  simulation.Run();
  if (absl::Status closed = (*file)->Close(); !closed.ok()) return closed;
  std::string digest = trace.digest().Hex();  // equal digests: equal traces
  *digest_out = digest;
  return absl::OkStatus();
}

TEST_F(TraceTest, TheHeadersUsageExampleRecordsTheSameTraceAndDigest) {
  const Traced expected = RunTraced({}, dir_ / "expected");
  absl::StatusOr<Scenario> s = ParseScenario(kSmall, "small.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  fs::create_directories(dir_ / "example");
  std::string digest;
  ASSERT_TRUE(RecordTheHeadersExample(*s, dir_ / "example", &digest).ok());
  EXPECT_EQ(digest, expected.digest);
  std::vector<std::string> lines;
  for (absl::string_view line :
       absl::StrSplit(ReadFile(dir_ / "example" / "trace.jsonl"), '\n', absl::SkipEmpty())) {
    lines.emplace_back(line);
  }
  EXPECT_EQ(lines, expected.lines);
}

}  // namespace
}  // namespace plumsim
