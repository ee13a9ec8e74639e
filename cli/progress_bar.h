// A progress bar on stderr for commands that run many runs (study run,
// explore): "[#####.........] 12/40 runs, 8s elapsed, ~19s left".
#ifndef PLUMSIM_CLI_PROGRESS_BAR_H_
#define PLUMSIM_CLI_PROGRESS_BAR_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace plumsim {

class ProgressBar {
 public:
  // `redraw`: one line redrawn in place (a terminal); else one line per Draw.
  ProgressBar(bool show, bool redraw) : show_(show), redraw_(redraw) {}

  // `done` of `total` runs; the estimate of what is left counts only the
  // runs done since the bar started (`done_before` were done earlier).
  void Draw(int64_t done, int64_t total, int64_t done_before = 0);
  // Ends a redrawn line.
  void Finish();
  double elapsed_seconds() const;

 private:
  bool show_, redraw_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// "45s", "3m20s", "1h5m".
std::string ClockText(double seconds);

}  // namespace plumsim

#endif  // PLUMSIM_CLI_PROGRESS_BAR_H_
