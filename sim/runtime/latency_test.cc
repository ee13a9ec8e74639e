// Each latency distribution's draws: bounds, the same numbers for the same
// seed, and the shape its parameters promise (checked on many draws with
// wide tolerances: a broken formula misses them by far).
#include "sim/runtime/latency.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace plumsim {
namespace {

using Kind = LatencyDistribution::Kind;
constexpr SimDuration kMs = SimDuration::Milliseconds(1);

std::vector<SimDuration> Draws(const LatencyDistribution& d, uint64_t seed, int n) {
  RandomStream rng(seed, StreamDomain::kTest, 0);
  std::vector<SimDuration> out;
  for (int i = 0; i < n; ++i) out.push_back(d.Sample(rng));
  return out;
}

double MeanNs(const std::vector<SimDuration>& draws) {
  double sum = 0;
  for (SimDuration d : draws) sum += static_cast<double>(d.ns());
  return sum / static_cast<double>(draws.size());
}

double FractionBelow(const std::vector<SimDuration>& draws, SimDuration limit) {
  return static_cast<double>(
             std::count_if(draws.begin(), draws.end(), [&](SimDuration d) { return d < limit; })) /
         static_cast<double>(draws.size());
}

std::vector<LatencyDistribution> EveryKind() {
  return {LatencyDistribution::Constant(kMs * 3),
          LatencyDistribution::Uniform(kMs, kMs * 5),
          {Kind::kNormal, kMs * 10, kMs * 2, 0},
          {Kind::kExponential, kMs * 10, {}, 0},
          {Kind::kLogNormal, kMs * 10, {}, 0.5},
          {Kind::kPareto, kMs * 10, {}, 1.5},
          LatencyDistribution::Empirical({kMs * 2, kMs, kMs * 7, kMs * 3})};
}

TEST(LatencyTest, EveryKindGivesTheSameDrawsForTheSameSeed) {
  for (const LatencyDistribution& d : EveryKind()) {
    EXPECT_EQ(Draws(d, 11, 200), Draws(d, 11, 200)) << d.DebugString();
    if (d.kind != Kind::kConstant) {
      EXPECT_NE(Draws(d, 11, 200), Draws(d, 12, 200)) << d.DebugString();
    }
  }
}

TEST(LatencyTest, NoKindEverDrawsANegativeLatency) {
  for (const LatencyDistribution& d : EveryKind()) {
    for (SimDuration x : Draws(d, 3, 5000)) ASSERT_GE(x, SimDuration::Zero()) << d.DebugString();
  }
}

// A constant latency takes nothing from the stream: the network's other
// draws (loss, duplication) are the same whatever the constant.
TEST(LatencyTest, ConstantIsItsValueAndDrawsNothing) {
  RandomStream used(5), fresh(5);
  const LatencyDistribution d = LatencyDistribution::Constant(kMs * 3);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(d.Sample(used), kMs * 3);
  EXPECT_EQ(used.Next(), fresh.Next());
}

TEST(LatencyTest, UniformStaysWithinBothBoundsAndReachesEach) {
  const LatencyDistribution d =
      LatencyDistribution::Uniform(SimDuration::Nanoseconds(7), SimDuration::Nanoseconds(9));
  std::set<int64_t> seen;
  for (SimDuration x : Draws(d, 1, 300)) seen.insert(x.ns());
  EXPECT_EQ(seen, (std::set<int64_t>{7, 8, 9}));  // inclusive at both ends
  const std::vector<SimDuration> wide = Draws(LatencyDistribution::Uniform(kMs, kMs * 5), 1, 20000);
  EXPECT_GE(*std::min_element(wide.begin(), wide.end()), kMs);
  EXPECT_LE(*std::max_element(wide.begin(), wide.end()), kMs * 5);
  EXPECT_NEAR(MeanNs(wide), 3e6, 0.05e6);
  EXPECT_NEAR(FractionBelow(wide, kMs * 2), 0.25, 0.02);
}

TEST(LatencyTest, NormalHasItsMeanAndSpreadAndIsTruncatedAtZero) {
  const std::vector<SimDuration> draws = Draws({Kind::kNormal, kMs * 10, kMs * 2, 0}, 2, 20000);
  EXPECT_NEAR(MeanNs(draws), 10e6, 0.1e6);
  EXPECT_NEAR(FractionBelow(draws, kMs * 8), 0.1587, 0.02);  // one sigma below
  // Mean 1 ms, stddev 5 ms: about 42 % of the raw draws are negative; each
  // becomes 0, never a negative latency.
  const std::vector<SimDuration> wide = Draws({Kind::kNormal, kMs, kMs * 5, 0}, 2, 20000);
  const double zeros = static_cast<double>(std::count(wide.begin(), wide.end(), SimDuration()));
  EXPECT_NEAR(zeros / 20000, 0.42, 0.02);
}

TEST(LatencyTest, ExponentialHasItsMeanAndMemorylessTail) {
  const std::vector<SimDuration> draws = Draws({Kind::kExponential, kMs * 10, {}, 0}, 4, 20000);
  EXPECT_NEAR(MeanNs(draws), 10e6, 0.3e6);
  EXPECT_NEAR(FractionBelow(draws, kMs * 10), 1 - 0.3679, 0.02);  // 1 - 1/e
}

TEST(LatencyTest, LogNormalHasItsMedianAndShape) {
  const std::vector<SimDuration> draws = Draws({Kind::kLogNormal, kMs * 10, {}, 0.5}, 5, 20000);
  EXPECT_NEAR(FractionBelow(draws, kMs * 10), 0.5, 0.02);
  // median * e^sigma is one sigma above: 84.1 % below.
  EXPECT_NEAR(FractionBelow(draws, SimDuration::Nanoseconds(16487213)), 0.8413, 0.02);
}

TEST(LatencyTest, ParetoNeverGoesBelowItsScaleAndHasItsTail) {
  const std::vector<SimDuration> draws = Draws({Kind::kPareto, kMs * 10, {}, 1.5}, 6, 20000);
  EXPECT_GE(*std::min_element(draws.begin(), draws.end()), kMs * 10);
  // P(X > 2 * scale) = 2^-alpha = 0.354.
  EXPECT_NEAR(1 - FractionBelow(draws, kMs * 20), 0.3536, 0.02);
}

TEST(LatencyTest, DebugStringWritesTheKindAndItsParameters) {
  EXPECT_EQ(LatencyDistribution::Constant(kMs * 3).DebugString(), "constant(3ms)");
  EXPECT_EQ(LatencyDistribution::Uniform(kMs, kMs * 5).DebugString(), "uniform(1ms, 5ms)");
  EXPECT_EQ(LatencyDistribution({Kind::kNormal, kMs * 10, kMs * 2, 0}).DebugString(),
            "normal(10ms, 2ms)");
  EXPECT_EQ(LatencyDistribution({Kind::kExponential, kMs * 10, {}, 0}).DebugString(),
            "exponential(10ms)");
  EXPECT_EQ(LatencyDistribution({Kind::kLogNormal, kMs * 10, {}, 0.5}).DebugString(),
            "lognormal(10ms, sigma=0.5)");
  EXPECT_EQ(LatencyDistribution({Kind::kPareto, kMs, {}, 1.5}).DebugString(),
            "pareto(1ms, alpha=1.5)");
}

// The scenario reader and writer rely on one spec per kind, names unique.
TEST(LatencyTest, EveryKindHasExactlyOneSpecWithAUniqueName) {
  std::set<std::string> names;
  for (const LatencyDistribution& d : EveryKind()) {
    int specs = 0;
    for (const LatencyDistribution::KindSpec& s : LatencyDistribution::KindSpecs()) {
      specs += s.kind == d.kind;
    }
    EXPECT_EQ(specs, 1) << d.KindName();
    EXPECT_EQ(d.spec().kind, d.kind);
    EXPECT_STREQ(d.KindName(), d.spec().name);
    names.insert(d.KindName());
  }
  EXPECT_EQ(names.size(), LatencyDistribution::KindSpecs().size());
  EXPECT_EQ(names.size(), 7u);
}

// An empirical latency draws only its samples, each about equally often
// (a bootstrap of measured latencies), and names its median.
TEST(LatencyTest, EmpiricalDrawsOnlyItsSamplesEachAboutEquallyOften) {
  const LatencyDistribution d = LatencyDistribution::Empirical({kMs * 2, kMs, kMs * 7, kMs * 2});
  EXPECT_EQ(d.a, kMs * 2);
  EXPECT_EQ(d.DebugString(), "empirical(4 samples, median 2ms)");
  const std::vector<SimDuration> draws = Draws(d, 5, 8000);
  for (SimDuration x : draws) {
    ASSERT_TRUE(x == kMs || x == kMs * 2 || x == kMs * 7) << FormatSimDuration(x);
  }
  EXPECT_NEAR(FractionBelow(draws, kMs * 2), 0.25, 0.03);      // 1ms: one of four
  EXPECT_NEAR(FractionBelow(draws, kMs * 3), 0.75, 0.03);      // 2ms: two of four
  EXPECT_NEAR(1 - FractionBelow(draws, kMs * 7), 0.25, 0.03);  // 7ms: one of four
}

}  // namespace
}  // namespace plumsim
