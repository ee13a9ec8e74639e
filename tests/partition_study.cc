// The HyParView partition study of docs/runtime-model.md: 200 nodes split
// 100/100 at 60 s for D seconds, D in {10, 20, 30, 40, 60, 90, 300}, seeds
// 1..10, over tcp (Partisan's runtime) and over datagrams (connections die
// the instant the cut starts). For each run: the connections closed by each
// reason, whether the overlay is one again 60 s after the heal and at the
// end (600 s after the heal), and when it first was one again; "split
// before" marks a run whose overlay was not one even before the cut.
//
//   bazel run -c opt //tests:partition_study
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/runtime/network.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run_counters.h"
#include "sim/world/simulation.h"
#include "tests/overlay.h"

namespace plumsim {
namespace {

void Run(int64_t partition_s, const char* transport) {
  int rejoined_60 = 0, rejoined_end = 0;
  std::string firsts;
  std::array<uint64_t, kCloseReasons> closed{};
  for (int seed = 1; seed <= 10; ++seed) {
    RunCounters stats;
    Simulation sim(PartitionOverlay(seed, partition_s, transport, 60 + partition_s + 600), &stats);
    const int64_t heal = 60 + partition_s;
    sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(59));
    const int64_t cross_before = CrossLinks(sim);
    const bool one_before = InspectOverlay(sim).connected;
    int64_t first = -1;
    for (int64_t t = heal; t <= heal + 600; ++t) {
      sim.RunUntil(SimTime::Zero() + SimDuration::Seconds(t));
      if (first < 0 && InspectOverlay(sim).connected) first = t - heal;
      if (t == heal + 60) rejoined_60 += first >= 0;
    }
    rejoined_end += InspectOverlay(sim).connected;
    absl::StrAppend(&firsts, " s", seed, one_before ? ":" : "(split before):",
                    first < 0 ? std::string("never") : absl::StrCat("+", first, "s"), "/",
                    cross_before, "x");
    for (int r = 0; r < kCloseReasons; ++r) closed[r] += stats.connections_closed[r];
  }
  std::string reasons;
  for (int r = 0; r < kCloseReasons; ++r) {
    if (closed[r] > 0) {
      absl::StrAppend(&reasons, " ", CloseReasonName(static_cast<CloseReason>(r)), "=", closed[r]);
    }
  }
  std::printf(
      "%-8s partition %3llds: one overlay 60 s after the heal %2d/10, at +600 s %2d/10; "
      "closed (10 seeds):%s;%s\n",
      transport, static_cast<long long>(partition_s), rejoined_60, rejoined_end, reasons.c_str(),
      firsts.c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace plumsim

int main() {
  std::printf(
      "per seed: first second after the heal with one overlay / cross active links before the "
      "cut\n");
  for (const char* transport : {"tcp", "datagram"}) {
    for (int64_t d : {10, 20, 30, 40, 60, 90, 300}) plumsim::Run(d, transport);
  }
  return 0;
}
