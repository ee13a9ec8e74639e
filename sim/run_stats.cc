#include "sim/run_stats.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace plumsim {

std::string RunStats::Summary() const {
  std::string out = absl::StrFormat("  %-18s %12s %12s\n", "message", "sent", "delivered");
  for (int i = 0; i < kMessageTypes; ++i) {
    // Plumtree's five always; membership messages when there were any.
    if (i >= kPlumtreeMessageTypes && sent[i] == 0) continue;
    absl::StrAppend(&out, absl::StrFormat("  %-18s %12d %12d\n", MessageTypeName(i), sent[i],
                                          delivered[i]));
  }
  absl::StrAppend(&out, absl::StrFormat("  dropped: %d unreachable, %d lost, %d cut in flight",
                                        dropped[0], dropped[1], dropped[2]));
  if (dropped[3] > 0) absl::StrAppend(&out, absl::StrFormat(", %d without a connection", dropped[3]));
  if (dropped[4] > 0) {
    absl::StrAppend(&out, absl::StrFormat(", %d never arrive (latency beyond the clock)", dropped[4]));
  }
  if (dropped[5] > 0) {
    absl::StrAppend(&out, absl::StrFormat(", %d lost with their connection", dropped[5]));
  }
  absl::StrAppend(&out, "\n");
  if (connections_opened > 0) {
    uint64_t closed = 0;
    for (uint64_t c : connections_closed) closed += c;
    absl::StrAppend(&out, absl::StrFormat("  connections: %d opened, %d closed", connections_opened,
                                          closed));
    for (int r = 0; r < kCloseReasons; ++r) {
      if (connections_closed[r] == 0) continue;
      absl::StrAppend(&out, absl::StrFormat(", %d %s", connections_closed[r],
                                            CloseReasonName(static_cast<CloseReason>(r))));
    }
    absl::StrAppend(&out, "\n");
  }
  if (held > 0 || retransmissions > 0) {
    absl::StrAppend(&out, absl::StrFormat("  tcp: %d messages held on cut connections, %d released "
                                          "(longest wait %s), %d retransmissions\n",
                                          held, released, FormatSimDuration(held_longest),
                                          retransmissions));
  }
  absl::StrAppend(
      &out, absl::StrFormat("  heartbeats: %d originated, %d first deliveries, %d stale copies\n",
                            originated[0], merged_new[0], merged_stale[0]));
  if (originated[1] > 0) {
    absl::StrAppend(
        &out, absl::StrFormat("  application broadcasts: %d originated, %d first deliveries, "
                              "%d stale copies\n",
                              originated[1], merged_new[1], merged_stale[1]));
  }
  const uint64_t faults = node_events[1] + node_events[2] + node_events[3] + node_events[4];
  if (faults > 0) {
    absl::StrAppend(&out, absl::StrFormat("  nodes: %d crashes, %d restarts, %d joins, %d leaves\n",
                                          node_events[1], node_events[2], node_events[3],
                                          node_events[4]));
  }
  if (skipped > 0) {
    absl::StrAppend(&out, absl::StrFormat("  timeline: %d actions skipped (node in the wrong state; "
                                          "\"skipped\" in the trace)\n",
                                          skipped));
  }
  return out;
}

}  // namespace plumsim
