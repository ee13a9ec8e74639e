#include "sim/latency.h"

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
      return FromDoubleNs(rng.Normal(static_cast<double>(a.ns()),
                                     static_cast<double>(b.ns())));
    case Kind::kExponential:
      return FromDoubleNs(rng.Exponential(static_cast<double>(a.ns())));
    case Kind::kLogNormal:
      return FromDoubleNs(static_cast<double>(a.ns()) *
                          std::exp(shape * rng.Normal(0.0, 1.0)));
    case Kind::kPareto: {
      const double u = rng.UniformDouble();
      return FromDoubleNs(static_cast<double>(a.ns()) /
                          std::pow(1.0 - u, 1.0 / shape));
    }
  }
  return a;
}

const char* LatencyDistribution::KindName() const {
  switch (kind) {
    case Kind::kConstant: return "constant";
    case Kind::kUniform: return "uniform";
    case Kind::kNormal: return "normal";
    case Kind::kExponential: return "exponential";
    case Kind::kLogNormal: return "lognormal";
    case Kind::kPareto: return "pareto";
  }
  return "?";
}

std::string LatencyDistribution::DebugString() const {
  switch (kind) {
    case Kind::kConstant:
      return absl::StrCat("constant(", FormatSimDuration(a), ")");
    case Kind::kUniform:
      return absl::StrCat("uniform(", FormatSimDuration(a), ", ", FormatSimDuration(b), ")");
    case Kind::kNormal:
      return absl::StrCat("normal(", FormatSimDuration(a), ", ", FormatSimDuration(b), ")");
    case Kind::kExponential:
      return absl::StrCat("exponential(", FormatSimDuration(a), ")");
    case Kind::kLogNormal:
      return absl::StrCat("lognormal(", FormatSimDuration(a), ", sigma=", shape, ")");
    case Kind::kPareto:
      return absl::StrCat("pareto(", FormatSimDuration(a), ", alpha=", shape, ")");
  }
  return "?";
}

}  // namespace plumsim
