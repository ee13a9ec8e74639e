// Reads what a real Partisan cluster recorded (the folder the validate
// controller writes: run.meta and one <node>.events file per node; the
// format is docs/validate.md's "Recordings") into a ClusterRecord.
#ifndef PLUMSIM_SIM_VALIDATE_REAL_RUN_H_
#define PLUMSIM_SIM_VALIDATE_REAL_RUN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/validate/cluster_record.h"

namespace plumsim {

struct RealRun {
  ClusterRecord record;
  std::string otp_release;
  std::string partisan_vsn;
  std::vector<std::string> late;  // "crash n2: 35 ms late", events applied late
};

// `nodes` names the scenario's nodes in order ("n0", "n1", ...); `end_us`
// is the scenario's duration: what happened from then on (the controller
// stopping the VMs) is left out, as the simulation ends there. InvalidArgument names file:line for
// a line it cannot read.
absl::StatusOr<RealRun> ReadRealRun(const std::string& dir, const std::vector<std::string>& nodes,
                                    int64_t end_us);

// A connection process's exit reason (Erlang text) as a plumsim close reason
// name: "ping_timeout", "invalid_ping_response", "peer_closed", or "other".
std::string RealCloseReason(absl::string_view erlang_reason);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_REAL_RUN_H_
