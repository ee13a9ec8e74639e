#include "sim/scenario/memory_estimate.h"

#include <fstream>
#include <limits>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace plumsim {
namespace {

constexpr double kBase = 64.0 * 1024 * 1024;  // the process, libraries, tables

}  // namespace

int64_t EstimateMemoryBytes(const Scenario& s) {
  const double n = static_cast<double>(s.total_nodes());
  const bool heartbeats = s.heartbeat.broadcast;
  double bytes = kBase;
  const bool tcp = s.network.transport == Transport::kTcp;
  if (s.membership == "hyparview") {
    bytes += n * 16.0 * 1024;
    if (tcp) bytes += n * 6.0 * 1024;  // its connections
    if (heartbeats) bytes += n * n * 120.0;
  } else {
    bytes += n * 4.0 * 1024;
    bytes += n * n * (heartbeats ? 16.0 * 1024 : 64.0);
    if (tcp) bytes += n * n * 450.0;  // a connection per ordered pair
  }
  for (const LinkSpec& l : s.links) {
    bytes += static_cast<double>(l.from.size()) * static_cast<double>(l.to.size()) * 64.0 *
             (l.symmetric ? 2 : 1);
  }
  for (const TimelineEvent& e : s.events) {
    if (e.kind == TimelineEvent::Kind::kBroadcast) {
      bytes += static_cast<double>(e.count) * n * 5.0;
    } else if (!e.from.empty()) {  // scoped link changes
      bytes += static_cast<double>(e.from.size()) * static_cast<double>(e.to.size()) * 64.0;
    }
  }
  if (!(bytes < 9.2e18)) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(bytes);
}

std::optional<int64_t> AvailableMemoryBytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    int64_t kb;
    if (fields >> key >> kb && key == "MemAvailable:") return kb * 1024;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<int64_t>> ParseMemorySize(const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t == "unlimited") return std::optional<int64_t>();
  double scale = 1;
  std::string number = t;
  if (!t.empty()) {
    switch (t.back()) {
      case 'k':
        scale = 1024.0;
        break;
      case 'm':
        scale = 1024.0 * 1024;
        break;
      case 'g':
        scale = 1024.0 * 1024 * 1024;
        break;
      case 't':
        scale = 1024.0 * 1024 * 1024 * 1024;
        break;
      default:
        break;
    }
    if (scale != 1) number.pop_back();
  }
  double v;
  if (!absl::SimpleAtod(number, &v) || !(v > 0) || v * scale > 9.2e18) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max-memory ", text, ": expected a size such as 16G, 512M or 'unlimited'"));
  }
  return std::optional<int64_t>(static_cast<int64_t>(v * scale));
}

std::string FormatBytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1e15) return absl::StrFormat("%.3g PB", b / 1e15);
  if (b >= 1e12) return absl::StrFormat("%.3g TB", b / 1e12);
  if (b >= 1e9) return absl::StrFormat("%.3g GB", b / 1e9);
  return absl::StrFormat("%.3g MB", b / 1e6);
}

absl::Status CheckMemory(const Scenario& scenario, const std::string& max_memory) {
  std::optional<int64_t> limit;
  const char* what = "--max-memory";
  if (max_memory.empty()) {
    limit = AvailableMemoryBytes();
    what = "the memory available now";
  } else {
    absl::StatusOr<std::optional<int64_t>> parsed = ParseMemorySize(max_memory);
    if (!parsed.ok()) return parsed.status();
    limit = *parsed;
  }
  if (!limit) return absl::OkStatus();
  const int64_t need = EstimateMemoryBytes(scenario);
  if (need <= *limit) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat(scenario.source_path, ": this run needs about ", FormatBytes(need),
                   " of memory (", scenario.total_nodes(), " nodes, ", scenario.membership,
                   " membership", scenario.heartbeat.broadcast ? ", heartbeats" : "",
                   "), more than ", what, " (", FormatBytes(*limit),
                   "); nothing was run. Use fewer nodes, or --max-memory SIZE "
                   "(or 'unlimited') to run it anyway"));
}

}  // namespace plumsim
