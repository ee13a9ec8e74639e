#include "sim/trace/file.h"

#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace plumsim {

namespace {
// zstd's default level: about 20x on trace lines at a few hundred MB/s.
constexpr int kZstdLevel = 3;
}  // namespace

absl::StatusOr<std::unique_ptr<TraceFile>> TraceFile::Create(const std::filesystem::path& path,
                                                             bool zstd,
                                                             const std::filesystem::path& shown) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return absl::InternalError(
        absl::StrCat(shown.string(), ": cannot write: ", std::strerror(errno)));
  }
  ZSTD_CCtx* context = nullptr;
  if (zstd) {
    context = ZSTD_createCCtx();
    if (context == nullptr) {
      std::fclose(file);
      return absl::ResourceExhaustedError("zstd: cannot create a compression context");
    }
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, kZstdLevel);
    ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  }
  return std::unique_ptr<TraceFile>(new TraceFile(file, context, shown));
}

TraceFile::~TraceFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (zstd_ != nullptr) ZSTD_freeCCtx(zstd_);
}

void TraceFile::Put(const void* data, size_t size) {
  if (failed_ || size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size) {
    failed_ = true;
    error_ = std::strerror(errno);
    return;
  }
  bytes_written_ += size;
}

void TraceFile::Flush(bool end) {
  if (zstd_ == nullptr) {
    Put(buffer_.data(), buffer_.size());
    buffer_.clear();
    return;
  }
  compressed_.resize(ZSTD_CStreamOutSize());
  ZSTD_inBuffer in{buffer_.data(), buffer_.size(), 0};
  const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
  bool done = false;
  while (!done && !failed_) {
    ZSTD_outBuffer out{compressed_.data(), compressed_.size(), 0};
    const size_t left = ZSTD_compressStream2(zstd_, &out, &in, mode);
    if (ZSTD_isError(left)) {
      failed_ = true;
      error_ = absl::StrCat("zstd: ", ZSTD_getErrorName(left));
      break;
    }
    Put(compressed_.data(), out.pos);
    // Continue: until the input is used up; end: until the frame is done.
    done = end ? left == 0 : in.pos == in.size;
  }
  buffer_.clear();
}

absl::Status TraceFile::Close() {
  Flush(/*end=*/true);
  const bool flush_failed = std::fflush(file_) != 0;
  if (flush_failed && !failed_) {
    failed_ = true;
    error_ = std::strerror(errno);
  }
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (close_failed && !failed_) {
    failed_ = true;
    error_ = std::strerror(errno);
  }
  if (failed_)
    return absl::InternalError(absl::StrCat(shown_.string(), ": write failed: ", error_));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TraceLineReader>> TraceLineReader::Open(
    const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path.string(), ": cannot open: ", std::strerror(errno)));
  }
  ZSTD_DCtx* context = nullptr;
  if (path.extension() == ".zst") {
    context = ZSTD_createDCtx();
    if (context == nullptr) {
      std::fclose(file);
      return absl::ResourceExhaustedError("zstd: cannot create a decompression context");
    }
  }
  return std::unique_ptr<TraceLineReader>(new TraceLineReader(file, context, path));
}

TraceLineReader::~TraceLineReader() {
  if (file_ != nullptr) std::fclose(file_);
  if (zstd_ != nullptr) ZSTD_freeDCtx(zstd_);
}

bool TraceLineReader::Fill() {
  if (!error_.empty()) return false;
  text_.erase(0, text_pos_);
  text_pos_ = 0;
  std::string block(1 << 16, '\0');
  if (zstd_ == nullptr) {
    const size_t n = std::fread(block.data(), 1, block.size(), file_);
    if (n == 0) return false;
    text_.append(block.data(), n);
    return true;
  }
  for (;;) {
    if (input_pos_ == input_.size()) {
      if (eof_) return false;
      input_.resize(ZSTD_DStreamInSize());
      const size_t n = std::fread(input_.data(), 1, input_.size(), file_);
      input_.resize(n);
      input_pos_ = 0;
      if (n == 0) {
        eof_ = true;
        // ZSTD_decompressStream returns 0 only where a frame ends: anything
        // else at the end of the file is a cut-off frame (a killed run, a
        // partial copy), not a shorter trace.
        if (frame_pending_ != 0) {
          error_ = absl::StrCat(path_.string(), ": zstd: the file ends inside a frame (truncated)");
        }
        return false;
      }
    }
    ZSTD_inBuffer in{input_.data(), input_.size(), input_pos_};
    ZSTD_outBuffer out{block.data(), block.size(), 0};
    const size_t r = ZSTD_decompressStream(zstd_, &out, &in);
    input_pos_ = in.pos;
    frame_pending_ = r;
    if (ZSTD_isError(r)) {
      error_ = absl::StrCat(path_.string(), ": zstd: ", ZSTD_getErrorName(r));
      return false;
    }
    if (out.pos > 0) {
      text_.append(block.data(), out.pos);
      return true;
    }
  }
}

bool TraceLineReader::Next(std::string* line) {
  for (;;) {
    const size_t newline = text_.find('\n', text_pos_);
    if (newline != std::string::npos) {
      line->assign(text_, text_pos_, newline - text_pos_);
      text_pos_ = newline + 1;
      return true;
    }
    if (!Fill()) {
      if (!error_.empty()) return false;  // no half line from a damaged file
      if (text_pos_ < text_.size()) {     // a last line without its newline
        line->assign(text_, text_pos_, std::string::npos);
        text_pos_ = text_.size();
        return true;
      }
      return false;
    }
  }
}

}  // namespace plumsim
