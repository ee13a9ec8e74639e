#include "sim/report/time_series.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace plumsim {
namespace {

double Seconds(SimTime t) { return static_cast<double>(t.ns()) / 1e9; }
std::string Data(double v) { return std::isfinite(v) ? absl::StrFormat("%.9g", v) : "NaN"; }

}  // namespace

std::vector<FaultMark> FaultMarks(const Scenario& s) {
  std::vector<FaultMark> out;
  const double end = Seconds(SimTime::Zero() + s.duration);
  std::optional<double> partition_since, link_since, listener_since, slow_since;
  using K = TimelineEvent::Kind;
  for (const TimelineEvent& e : s.events) {
    const double t = Seconds(e.at);
    switch (e.kind) {
      case K::kPartition:
      case K::kPartitionOneWay:
        if (!partition_since) partition_since = t;
        break;
      case K::kHeal:
        if (partition_since) out.push_back({*partition_since, t, "partition"});
        partition_since.reset();
        break;
      case K::kLinkDown:
        if (!link_since) link_since = t;
        break;
      case K::kLinkUp:
        if (link_since) out.push_back({*link_since, t, "link_down"});
        link_since.reset();
        break;
      case K::kCrash:
        out.push_back({t, t, "crash"});
        break;
      case K::kRestart:
        out.push_back({t, t, "restart"});
        break;
      case K::kJoin:
        out.push_back({t, t, "join"});
        break;
      case K::kLeave:
        out.push_back({t, t, "leave"});
        break;
      case K::kListenerDown:
        if (!e.stays_down) {
          out.push_back({t, t, "listener_down"});  // reopened at once
        } else if (!listener_since) {
          listener_since = t;
        }
        break;
      case K::kListenerUp:
        if (listener_since) out.push_back({*listener_since, t, "listener_down"});
        listener_since.reset();
        break;
      case K::kSlow:
        if (!slow_since) slow_since = t;
        break;
      case K::kSlowEnd:
        if (slow_since) out.push_back({*slow_since, t, "slow"});
        slow_since.reset();
        break;
      default:
        break;
    }
  }
  if (partition_since) out.push_back({*partition_since, end, "partition"});
  if (link_since) out.push_back({*link_since, end, "link_down"});
  if (listener_since) out.push_back({*listener_since, end, "listener_down"});
  if (slow_since) out.push_back({*slow_since, end, "slow"});
  for (const ChurnSpec& c : s.churn) out.push_back({Seconds(c.start), Seconds(c.end), "churn"});
  return out;
}

std::string FaultObjects(const std::vector<FaultMark>& marks) {
  std::string out;
  for (const FaultMark& m : marks) {
    if (m.to_s > m.from_s) {
      const char* color = m.kind == "partition"       ? "#f4b6b6"
                          : m.kind == "link_down"     ? "#f9d9a6"
                          : m.kind == "listener_down" ? "#d7c4ec"
                          : m.kind == "slow"          ? "#c8e6c9"
                                                      : "#dddddd";
      absl::StrAppend(&out, "set object rect from ", Data(m.from_s), ", graph 0 to ", Data(m.to_s),
                      ", graph 1 fc rgb \"", color, "\" fs solid 0.45 noborder behind\n");
    } else {
      const char* color = m.kind == "crash" || m.kind == "leave" ? "#c0392b"
                          : m.kind == "listener_down"            ? "#8e44ad"
                                                                 : "#27ae60";
      absl::StrAppend(&out, "set arrow from ", Data(m.from_s), ", graph 0 to ", Data(m.from_s),
                      ", graph 1 nohead lc rgb \"", color, "\" dt 2 lw 1\n");
    }
  }
  return out;
}

Series BinSeries(const Scenario& scenario, const MetricsCollector& metrics, int max_points) {
  Series s;
  const std::vector<WindowMetrics>& windows = metrics.windows();
  const int64_t count = std::max<int64_t>(1, static_cast<int64_t>(windows.size()));
  s.merged = static_cast<int>((count + max_points - 1) / max_points);
  const double window_s = static_cast<double>(scenario.metrics_window.ns()) / 1e9;
  s.bin_s = window_s * s.merged;
  s.bins.resize((count + s.merged - 1) / s.merged);
  for (size_t i = 0; i < s.bins.size(); ++i) s.bins[i].start_s = s.bin_s * static_cast<double>(i);
  for (size_t i = 0; i < windows.size(); ++i) {
    Bin& b = s.bins[i / s.merged];
    const WindowMetrics& w = windows[i];
    b.prune += w.by_type[1];
    b.i_have += w.by_type[2];
    b.ignored_i_have += w.by_type[3];
    b.graft += w.by_type[4];
    for (int t = kPlumtreeMessageTypes; t < kMessageTypes; ++t) b.membership += w.by_type[t];
    b.eager_changes += w.eager_changes;
    b.payload += w.payload;
  }
  for (const MessageMetrics& m : metrics.messages()) {
    if (!m.settled) continue;
    const size_t i = std::min(s.bins.size() - 1, static_cast<size_t>(Seconds(m.sent_at) / s.bin_s));
    Bin& b = s.bins[i];
    ++b.messages;
    const double r = m.reliability();
    b.reliability_min = std::isnan(b.reliability_min) ? r : std::min(b.reliability_min, r);
    if (const std::optional<double> rmr = m.rmr()) {
      b.rmr_sum += *rmr;
      ++b.with_rmr;
      b.rmr_max = std::isnan(b.rmr_max) ? *rmr : std::max(b.rmr_max, *rmr);
    }
    const double ldh = static_cast<double>(m.ldh);
    b.ldh_max = std::isnan(b.ldh_max) ? ldh : std::max(b.ldh_max, ldh);
    const double p99 = static_cast<double>(m.LatencyQuantile(0.99)) / 1e6;
    b.p99_max_ms = std::isnan(b.p99_max_ms) ? p99 : std::max(b.p99_max_ms, p99);
  }
  return s;
}

}  // namespace plumsim
