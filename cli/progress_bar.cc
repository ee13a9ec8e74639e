#include "cli/progress_bar.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace plumsim {

std::string ClockText(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return absl::StrCat(s / 3600, "h", (s % 3600) / 60, "m");
  if (s >= 60) return absl::StrCat(s / 60, "m", s % 60, "s");
  return absl::StrCat(s, "s");
}

double ProgressBar::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::Draw(int64_t done, int64_t total, int64_t done_before) {
  if (!show_) return;
  const double elapsed = elapsed_seconds();
  const int64_t now_done = done - done_before;
  std::string left;
  if (now_done > 0 && done < total) {
    left = absl::StrCat(
        ", ~",
        ClockText(elapsed / static_cast<double>(now_done) * static_cast<double>(total - done)),
        " left");
  }
  constexpr int kWidth = 30;
  const int filled = total <= 0 ? kWidth : static_cast<int>(kWidth * done / total);
  std::fprintf(stderr, "%s[%s%s] %lld/%lld runs, %s elapsed%s%s", redraw_ ? "\r" : "",
               std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(kWidth - filled), '.').c_str(),
               static_cast<long long>(done), static_cast<long long>(total),
               ClockText(elapsed).c_str(), left.c_str(), redraw_ ? "   " : "\n");
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (show_ && redraw_ && drawn_) std::fputs("\n", stderr);
}

}  // namespace plumsim
