// Where the trace's JSON lines go: a plain file (trace.jsonl) or a zstd
// stream (trace.jsonl.zst, one frame; `zstd -dc` or any zstd library reads
// it). Lines are buffered and written in large blocks.
#ifndef PLUMSIM_SIM_TRACE_FILE_H_
#define PLUMSIM_SIM_TRACE_FILE_H_

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;

namespace plumsim {

class TraceFile {
 public:
  // Creates `path` (the caller chooses the name, .jsonl or .jsonl.zst).
  // `shown` names it in error messages (the run's final folder, not the
  // staging one).
  static absl::StatusOr<std::unique_ptr<TraceFile>> Create(const std::filesystem::path& path,
                                                           bool zstd,
                                                           const std::filesystem::path& shown);
  ~TraceFile();
  TraceFile(const TraceFile&) = delete;
  TraceFile& operator=(const TraceFile&) = delete;

  void Write(absl::string_view text) {
    buffer_.append(text.data(), text.size());
    if (buffer_.size() >= kBlockBytes) Flush(/*end=*/false);
  }
  // Writes what is buffered (and the end of the zstd frame), then closes.
  absl::Status Close();
  // Bytes written to the file so far.
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  static constexpr size_t kBlockBytes = 1 << 20;
  TraceFile(std::FILE* file, ZSTD_CCtx* zstd, std::filesystem::path shown)
      : file_(file), zstd_(zstd), shown_(std::move(shown)) {}
  void Flush(bool end);
  void Put(const void* data, size_t size);

  std::FILE* file_;
  ZSTD_CCtx* zstd_;  // null: plain
  std::filesystem::path shown_;
  std::string buffer_;
  std::string compressed_;
  uint64_t bytes_written_ = 0;
  bool failed_ = false;
  std::string error_;
};

// Reads a trace file line by line, plain or zstd (by the file's name:
// .zst is decompressed).
class TraceLineReader {
 public:
  static absl::StatusOr<std::unique_ptr<TraceLineReader>> Open(const std::filesystem::path& path);
  ~TraceLineReader();
  TraceLineReader(const TraceLineReader&) = delete;
  TraceLineReader& operator=(const TraceLineReader&) = delete;
  // The next line without its newline; false at the end or on an error
  // (then error() says which).
  bool Next(std::string* line);
  const std::string& error() const { return error_; }

 private:
  TraceLineReader(std::FILE* file, ZSTD_DCtx* zstd, std::filesystem::path path)
      : file_(file), zstd_(zstd), path_(std::move(path)) {}
  bool Fill();  // more decompressed text into text_; false at the end

  std::FILE* file_;
  ZSTD_DCtx* zstd_;  // null: plain
  std::filesystem::path path_;
  std::string input_;  // compressed bytes read, not yet used
  size_t input_pos_ = 0;
  std::string text_;  // decompressed, from text_pos_
  size_t text_pos_ = 0;
  bool eof_ = false;
  size_t frame_pending_ = 0;  // the last ZSTD_decompressStream result: 0 at a frame's end
  std::string error_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_TRACE_FILE_H_
