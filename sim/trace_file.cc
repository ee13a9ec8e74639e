#include "sim/trace_file.h"

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
    return absl::InternalError(absl::StrCat(shown.string(), ": cannot write: ",
                                            std::strerror(errno)));
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
  if (failed_) return absl::InternalError(absl::StrCat(shown_.string(), ": write failed: ", error_));
  return absl::OkStatus();
}

}  // namespace plumsim
