#include "sim/kernel/random.h"

#include <cmath>

#include "base/check.h"

namespace plumsim {
namespace {

inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t SplitMix64Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64Next(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  return SplitMix64Mix(state);
}

uint64_t DeriveStreamSeed(uint64_t root_seed, StreamDomain domain, uint64_t index) {
  const uint64_t domain_seed =
      SplitMix64Mix(root_seed ^ (static_cast<uint64_t>(domain) * 0x9E3779B97F4A7C15ULL));
  return SplitMix64Mix(domain_seed ^ index);
}

RandomStream::RandomStream(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = SplitMix64Next(state);
}

uint64_t RandomStream::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

// Lemire, "Fast Random Integer Generation in an Interval" (2019).
uint64_t RandomStream::UniformInt(uint64_t n) {
  PLUMSIM_CHECK(n > 0);
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

double RandomStream::UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool RandomStream::Bernoulli(double p) { return UniformDouble() < p; }

double RandomStream::Exponential(double mean) {
  PLUMSIM_CHECK(mean > 0);
  return -mean * std::log1p(-UniformDouble());
}

double RandomStream::Normal(double mean, double stddev) {
  PLUMSIM_CHECK(stddev >= 0);
  // u1 in (0, 1] so that log(u1) is finite.
  const double u1 = 1.0 - UniformDouble();
  const double u2 = UniformDouble();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  return mean + stddev * radius * std::cos(2.0 * M_PI * u2);
}

}  // namespace plumsim
