// Per-message latency distributions. Every draw uses the network's random
// stream and our own distribution code (sim/kernel/random.h), so latencies depend
// on the seed alone. Results are whole nanoseconds, never negative.
#ifndef PLUMSIM_SIM_RUNTIME_LATENCY_H_
#define PLUMSIM_SIM_RUNTIME_LATENCY_H_

#include <memory>
#include <string>
#include <vector>

#include "sim/kernel/random.h"
#include "sim/kernel/time.h"

namespace plumsim {

struct LatencyDistribution {
  enum class Kind {
    kConstant,     // a = value
    kUniform,      // a = min, b = max (inclusive)
    kNormal,       // a = mean, b = stddev; truncated at 0
    kExponential,  // a = mean
    kLogNormal,    // a = median, sigma = shape: median * exp(sigma * N(0,1))
    kPareto,       // a = scale (minimum), alpha = shape: a / (1-u)^(1/alpha)
    // `samples`, each drawn with equal probability (a bootstrap of measured
    // latencies: plumsim validate's one-hop latencies of a real cluster);
    // a = their median, for messages.
    kEmpirical,
  };
  Kind kind = Kind::kConstant;
  SimDuration a = SimDuration::Milliseconds(1);
  SimDuration b;
  double shape = 0;  // sigma (log-normal) or alpha (Pareto)
  // kEmpirical: the measured values, in the order given (never empty).
  std::shared_ptr<const std::vector<SimDuration>> samples;

  static LatencyDistribution Constant(SimDuration value) {
    return {Kind::kConstant, value, SimDuration(), 0, nullptr};
  }
  static LatencyDistribution Uniform(SimDuration min, SimDuration max) {
    return {Kind::kUniform, min, max, 0, nullptr};
  }
  // Checks that `values` is not empty.
  static LatencyDistribution Empirical(std::vector<SimDuration> values);

  // How each kind is written in scenario files: its name, the key of its
  // first parameter (a duration, stored in `a`), and of its second (a
  // duration stored in `b`, or a number stored in `shape`; null if none).
  struct KindSpec {
    Kind kind;
    const char* name;
    const char* first;
    const char* second;
    bool second_is_shape;
  };
  static const std::vector<KindSpec>& KindSpecs();
  const KindSpec& spec() const;

  SimDuration Sample(RandomStream& rng) const;
  // "uniform(1ms, 5ms)"; "empirical(120 samples, median 1.4ms)"
  std::string DebugString() const;
  const char* KindName() const;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_LATENCY_H_
