#include "sim/study/figures.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace plumsim {
namespace {

using Json = nlohmann::json;

enum FigureIndex {
  kMessages,
  kReliabilityMin,
  kReliabilityMean,
  kRmrMean,
  kRmrMax,
  kLdhMean,
  kLdhMax,
  kLatencyP99,
  kLatencyMax,
  kConvergedAt,
  kPayloadMessages,
  kControlMessages,
  kConnectionsClosed,
  kTreeStableShare,
  kRmrSettledShare,
  kRmrSettledP90,
  kFigureCount,
};

// A JSON number, or nullopt.
std::optional<double> Number(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

const std::vector<FigureInfo>& StudyFigures() {
  static const std::vector<FigureInfo> figures = {
      {"messages", "measured messages"},
      {"reliability_min", "reliability, worst message (share of live nodes)"},
      {"reliability_mean", "reliability, mean over messages (share of live nodes)"},
      {"rmr_mean", "RMR, mean over messages (redundant payloads per delivery)"},
      {"rmr_max", "RMR, worst message (redundant payloads per delivery)"},
      {"ldh_mean", "LDH, mean over messages (hops)"},
      {"ldh_max", "LDH, worst message (hops)"},
      {"latency_p99", "delivery latency p99, mean over messages (ms)"},
      {"latency_max", "delivery latency, worst message (ms)"},
      {"converged_at", "convergence time (s of virtual time)"},
      {"payload_messages", "payload messages received in the run"},
      {"control_messages", "control messages received in the run"},
      {"connections_closed", "connections closed in the run"},
      {"tree_stable_share", "roots tree-stable (share of roots)"},
      {"rmr_settled_share", "roots RMR-settled (share of roots)"},
      {"rmr_settled_p90", "RMR-settled time, p90 over roots (s of virtual time)"},
  };
  return figures;
}

const FigureInfo* FindStudyFigure(absl::string_view name) {
  for (const FigureInfo& f : StudyFigures()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

absl::StatusOr<FigureValues> ComputeFigures(absl::string_view metrics_json,
                                            const FigureSelection& selection) {
  Json metrics = Json::parse(metrics_json.begin(), metrics_json.end(), nullptr,
                             /*allow_exceptions=*/false);
  if (!metrics.is_object() || !metrics.contains("summary") || !metrics.contains("messages") ||
      !metrics["messages"].is_array()) {
    return absl::InvalidArgumentError("not a plumsim metrics.json (no summary or messages)");
  }
  FigureValues out(kFigureCount);
  int64_t count = 0, with_rmr = 0;
  double reliability_sum = 0, rmr_sum = 0, ldh_sum = 0, p99_sum = 0;
  std::optional<double> reliability_min, rmr_max, ldh_max, latency_max;
  const int64_t after_ns = selection.measure_after.ns();
  for (const Json& m : metrics["messages"]) {
    if (!m.value("settled", false)) continue;
    if (!selection.handler.empty() && m.value("handler", "") != selection.handler) continue;
    if (m.value("sent_at_ns", int64_t{0}) < after_ns) continue;
    ++count;
    const double reliability = Number(m, "reliability").value_or(0);
    reliability_sum += reliability;
    reliability_min = std::min(reliability_min.value_or(reliability), reliability);
    if (std::optional<double> rmr = Number(m, "rmr")) {
      ++with_rmr;
      rmr_sum += *rmr;
      rmr_max = std::max(rmr_max.value_or(*rmr), *rmr);
    }
    const double ldh = Number(m, "ldh").value_or(0);
    ldh_sum += ldh;
    ldh_max = std::max(ldh_max.value_or(ldh), ldh);
    p99_sum += Number(m, "latency_ns_p99").value_or(0) / 1e6;
    const double max_ms = Number(m, "latency_ns_max").value_or(0) / 1e6;
    latency_max = std::max(latency_max.value_or(max_ms), max_ms);
  }
  out[kMessages] = static_cast<double>(count);
  if (count > 0) {
    out[kReliabilityMin] = reliability_min;
    out[kReliabilityMean] = reliability_sum / static_cast<double>(count);
    out[kLdhMean] = ldh_sum / static_cast<double>(count);
    out[kLdhMax] = ldh_max;
    out[kLatencyP99] = p99_sum / static_cast<double>(count);
    out[kLatencyMax] = latency_max;
  }
  if (with_rmr > 0) {
    out[kRmrMean] = rmr_sum / static_cast<double>(with_rmr);
    out[kRmrMax] = rmr_max;
  }
  const Json& summary = metrics["summary"];
  if (std::optional<double> at = Number(summary, "converged_at_ns")) out[kConvergedAt] = *at / 1e9;
  if (auto c = summary.find("convergence"); c != summary.end() && c->is_object()) {
    if (c->contains("tree_stable")) out[kTreeStableShare] = Number((*c)["tree_stable"], "share");
    if (c->contains("rmr_settled")) {
      out[kRmrSettledShare] = Number((*c)["rmr_settled"], "share");
      if (std::optional<double> p90 = Number((*c)["rmr_settled"], "p90_ns")) {
        out[kRmrSettledP90] = *p90 / 1e9;
      }
    }
  }
  out[kPayloadMessages] = Number(summary, "payload_messages");
  out[kControlMessages] = Number(summary, "control_messages");
  if (metrics.contains("network") && metrics["network"].contains("connections_closed")) {
    double closed = 0;
    for (const auto& [reason, n] : metrics["network"]["connections_closed"].items()) {
      if (n.is_number()) closed += n.get<double>();
    }
    out[kConnectionsClosed] = closed;
  }
  return out;
}

}  // namespace plumsim
