#include "sim/runtime/latency.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/check.h"

namespace plumsim {
namespace {

SimDuration FromDoubleNs(double ns) {
  if (!(ns > 0)) return SimDuration::Zero();  // also catches NaN
  if (ns >= 9.2e18) return SimDuration::Max();
  return SimDuration::Nanoseconds(static_cast<int64_t>(ns));
}

}  // namespace

SimDuration LatencyDistribution::Sample(RandomStream& rng) const {
  switch (kind) {
    case Kind::kConstant:
      return a;
    case Kind::kUniform: {
      PLUMSIM_CHECK(b >= a);
      const uint64_t span = static_cast<uint64_t>(b.ns() - a.ns()) + 1;
      return a + SimDuration::Nanoseconds(static_cast<int64_t>(rng.UniformInt(span)));
    }
    case Kind::kNormal:
      return FromDoubleNs(rng.Normal(static_cast<double>(a.ns()), static_cast<double>(b.ns())));
    case Kind::kExponential:
      return FromDoubleNs(rng.Exponential(static_cast<double>(a.ns())));
    case Kind::kLogNormal:
      return FromDoubleNs(static_cast<double>(a.ns()) * std::exp(shape * rng.Normal(0.0, 1.0)));
    case Kind::kPareto: {
      const double u = rng.UniformDouble();
      return FromDoubleNs(static_cast<double>(a.ns()) / std::pow(1.0 - u, 1.0 / shape));
    }
    case Kind::kEmpirical:
      return (*samples)[rng.UniformInt(samples->size())];
  }
  return a;
}

LatencyDistribution LatencyDistribution::Empirical(std::vector<SimDuration> values) {
  PLUMSIM_CHECK(!values.empty());
  std::vector<SimDuration> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  LatencyDistribution out;
  out.kind = Kind::kEmpirical;
  out.a = sorted[(sorted.size() - 1) / 2];
  out.samples = std::make_shared<const std::vector<SimDuration>>(std::move(values));
  return out;
}

const std::vector<LatencyDistribution::KindSpec>& LatencyDistribution::KindSpecs() {
  static const auto* specs = new std::vector<KindSpec>{
      {Kind::kConstant, "constant", "value", nullptr, false},
      {Kind::kUniform, "uniform", "min", "max", false},
      {Kind::kNormal, "normal", "mean", "stddev", false},
      {Kind::kExponential, "exponential", "mean", nullptr, false},
      {Kind::kLogNormal, "lognormal", "median", "sigma", true},
      {Kind::kPareto, "pareto", "scale", "alpha", true},
      // Its one key holds a list of durations (read apart from the others).
      {Kind::kEmpirical, "empirical", "samples", nullptr, false},
  };
  return *specs;
}

const LatencyDistribution::KindSpec& LatencyDistribution::spec() const {
  for (const KindSpec& s : KindSpecs()) {
    if (s.kind == kind) return s;
  }
  PLUMSIM_CHECK_MSG(false, "latency kind without a spec");
  return KindSpecs().front();
}

const char* LatencyDistribution::KindName() const { return spec().name; }

std::string LatencyDistribution::DebugString() const {
  const KindSpec& s = spec();
  if (kind == Kind::kEmpirical) {
    return absl::StrCat(s.name, "(", samples->size(), " samples, median ", FormatSimDuration(a),
                        ")");
  }
  std::string out = absl::StrCat(s.name, "(", FormatSimDuration(a));
  if (s.second != nullptr) {
    absl::StrAppend(&out, ", ",
                    s.second_is_shape ? absl::StrCat(s.second, "=", shape) : FormatSimDuration(b));
  }
  return absl::StrCat(out, ")");
}

}  // namespace plumsim
