// Deterministic random streams (docs/architecture.md, "Determinism rules").
//
// Generator: xoshiro256** (Blackman & Vigna), seeded by expanding a 64-bit seed
// with SplitMix64. Every distribution below is our own fixed algorithm, so the
// numbers a seed produces never change with a library upgrade:
//   - UniformInt(n):   Lemire's nearly-divisionless bounded integer, [0, n).
//   - UniformDouble(): the top 53 bits of one draw, scaled to [0, 1).
//   - Exponential(m):  -m * log(1 - u), one draw.
//   - Normal(mu, s):   Box-Muller, cosine branch, two draws per value.
//
// Streams are derived from the one root seed by DeriveStreamSeed:
//   seed = SplitMix64(SplitMix64(root ^ (domain * 0x9E3779B97F4A7C15)) ^ index)
// where `domain` names what the stream is for (a node, the network, the fault
// schedule) and `index` which one (the node id). Different (domain, index)
// pairs give independent-looking streams; the same pair always the same one.
#ifndef PLUMSIM_SIM_KERNEL_RANDOM_H_
#define PLUMSIM_SIM_KERNEL_RANDOM_H_

#include <cstdint>

namespace plumsim {

// One step of SplitMix64 (Steele, Lea & Flood): advances `state` and returns
// the mixed output.
uint64_t SplitMix64Next(uint64_t& state);

// The SplitMix64 finaliser applied to one value (stateless mixing function).
uint64_t SplitMix64Mix(uint64_t value);

// What a derived stream is for. The numeric values are part of the format:
// changing one changes every trace.
enum class StreamDomain : uint64_t {
  kNode = 1,        // a node's protocol draws (index = node id)
  kNetwork = 2,     // latency, loss and duplication draws
  kFaults = 3,      // churn and fault-schedule draws
  kWorkload = 4,    // application broadcast schedule
  kStartup = 5,     // start-time jitter
  kNodeSets = 6,    // random node sets of a scenario ("random 40%"), index = k-th set
  kProcessing = 7,  // service times of a node's processes (index = node id)
  kStudy = 8,       // a study's replication seeds (index = replication, 1-based)
  kExplore = 9,     // the explorer: run seeds (index = run) and fault schedules
  kTimers = 10,     // a VM's clock phase and timer dispatch (index = incarnation << 32 | node)
  kValidate = 11,   // plumsim validate: the real cluster's join contacts
  kTest = 99,       // tests and benchmarks
};

uint64_t DeriveStreamSeed(uint64_t root_seed, StreamDomain domain, uint64_t index);

class RandomStream {
 public:
  explicit RandomStream(uint64_t seed);
  RandomStream(uint64_t root_seed, StreamDomain domain, uint64_t index)
      : RandomStream(DeriveStreamSeed(root_seed, domain, index)) {}

  // The raw xoshiro256** output.
  uint64_t Next();

  // Uniform integer in [0, n). n must be > 0.
  uint64_t UniformInt(uint64_t n);
  // Uniform double in [0, 1).
  double UniformDouble();
  // True with probability p. Always consumes exactly one draw.
  bool Bernoulli(double p);
  // Exponential with the given mean (> 0).
  double Exponential(double mean);
  // Normal with the given mean and standard deviation (>= 0).
  double Normal(double mean, double stddev);

 private:
  uint64_t s_[4];
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_KERNEL_RANDOM_H_
