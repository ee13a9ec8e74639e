// libFuzzer target for the scenario reader, the --set path and a short run.
// An input is a scenario file; its lines starting with "#set " are taken as
// --set arguments (so overrides are fuzzed too). For each input:
//   - loading must never crash, whatever the bytes;
//   - a scenario that loads must write a resolved form that loads again to
//     the same resolved form (ToToml is a fixed point);
//   - a small scenario (memory estimate under 256 MB) runs within its
//     duration for at most 50,000 kernel events and 200,000 sends: no input
//     may abort or overflow the clock.
// Built with clang's -fsanitize=fuzzer by tests/fuzz/build.sh; the same
// function runs over tests/fuzz/corpus and tests/fuzz/crashes in
// //tests/fuzz:scenario_fuzz_test on every `bazel test`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "sim/scenario/memory_estimate.h"
#include "sim/scenario/scenario.h"
#include "sim/world/observer.h"
#include "sim/world/simulation.h"

namespace plumsim {
namespace {

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "scenario_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

int FuzzScenario(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, "#set ")) sets.emplace_back(line);
  }
  absl::StatusOr<Scenario> s = ParseScenario(text, "fuzz.toml", sets);
  if (!s.ok()) {
    Require(!s.status().message().empty(), "an error without a message");
    return 0;
  }
  const std::string resolved = s->ToToml();
  absl::StatusOr<Scenario> again = ParseScenario(resolved, "resolved.toml");
  Require(again.ok(), "the resolved form does not load");
  Require(again->ToToml() == resolved, "the resolved form is not a fixed point");
  if (EstimateMemoryBytes(*s) > (256LL << 20) || s->total_nodes() > 200) return 0;
  // Heavy-tailed latencies can make every lazy tick re-send thousands of
  // outstanding i_haves: bound the sends too.
  struct SendBudget final : SimObserver {
    EventLoop* sim = nullptr;
    int64_t left = 200'000;
    void OnSend(NodeId, NodeId, const Message&) override {
      if (--left == 0) sim->RequestStop();
    }
  } budget;
  Simulation simulation(*s, &budget);
  budget.sim = &simulation.event_loop();
  const uint64_t stop_at = simulation.event_loop().events_executed() + 50'000;
  simulation.event_loop().RunUntilPredicate(
      [&] { return simulation.event_loop().events_executed() >= stop_at; },
      SimTime::Zero() + s->duration);
  return 0;
}

}  // namespace plumsim

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return plumsim::FuzzScenario(data, size);
}
