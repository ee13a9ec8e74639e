// What a real cluster run of a scenario does (docs/validate.md): which
// nodes, on which ports, configured how, and what happens when. Written as
// Erlang terms for the controller (erlang/plumsim_validate_ctl.erl), which
// reads them with file:consult/1. A scenario that uses what one machine
// cannot apply to real Erlang VMs (partitions, loss, gray failures...) is
// refused, naming where it was written.
#ifndef PLUMSIM_SIM_VALIDATE_CLUSTER_PLAN_H_
#define PLUMSIM_SIM_VALIDATE_CLUSTER_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

struct ClusterPlan {
  struct Node {
    int id = 0;
    std::string name;  // "n3"
    int peer_port = 0;
  };
  std::vector<Node> nodes;  // every node that ever runs
  struct Event {
    int64_t at_ms = 0;
    std::string kind;  // start, crash, restart, leave, broadcast
    int node = 0;
    std::optional<int> contact;  // start, restart: the node joined through
    int64_t size_bytes = 0;      // broadcast
  };
  std::vector<Event> events;  // by time, stable
  int64_t duration_ms = 0;
};

// Where the run's files and programs are, for the plan's text.
struct PlanPlaces {
  std::string out_dir;                  // absolute
  std::vector<std::string> code_paths;  // Partisan's and its dependencies' ebin folders
  std::string cookie = "plumsim_validate";
  int epmd_port = 0;
  int64_t boot_timeout_ms = 120'000;
  std::string host = "127.0.0.1";
};

// Node starts follow [nodes] (start_interval, start_jitter drawn from the
// scenario's seed); each node joins n0 (full membership), or a contact by
// [nodes] bootstrap (HyParView: "seed" n0, otherwise a node drawn among the
// lower ids started before it). Refuses (InvalidArgument, with file:line:col
// where the scenario has one) what a real run cannot apply.
absl::StatusOr<ClusterPlan> PlanCluster(const Scenario& scenario, int first_peer_port);

// The plan as Erlang terms (docs/validate.md, "The plan").
std::string PlanText(const ClusterPlan& plan, const Scenario& scenario, const PlanPlaces& places);

// What of a plan's text says what the run did, not where: its duration,
// Partisan settings and events (not paths, ports or cookie). Two runs of
// one scenario and seed have the same signature.
std::string PlanSignature(const std::string& plan_text);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_CLUSTER_PLAN_H_
