// One run of a scenario: the simulator, the network, the nodes and their
// peer service, and the scenario's timeline (node starts, faults, churn,
// application broadcasts), all driven by the scenario's seed alone.
//
//   absl::StatusOr<Scenario> scenario = LoadScenario("scenarios/quickstart.toml");
//   if (!scenario.ok()) return scenario.status();
//   RunCounters counters;  // an observer (sim/world/run_counters.h)
//   ObserverList observers;
//   observers.Add(&counters);
//   Simulation simulation(*scenario, &observers);
//   simulation.Run();  // to the scenario's duration
//   // counters.originated[kHeartbeatHandler], simulation.node(0).backend(), ...
#ifndef PLUMSIM_SIM_WORLD_SIMULATION_H_
#define PLUMSIM_SIM_WORLD_SIMULATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "base/counted_flags.h"
#include "base/in_place_array.h"
#include "sim/kernel/event_loop.h"
#include "sim/kernel/random.h"
#include "sim/runtime/full_membership_connector.h"
#include "sim/runtime/hyparview_connections.h"
#include "sim/runtime/network.h"
#include "sim/runtime/tcp_connections.h"
#include "sim/scenario/scenario.h"
#include "sim/world/node_host.h"
#include "sim/world/observer.h"

namespace plumsim {

class Simulation final : public MessageReceiver {
 public:
  // `observer` (may be null) sees everything; it must outlive the run.
  // `customize` (tests only) may change the nodes' configuration before any
  // node exists (e.g. NodeConfig::wrap_store_handler).
  Simulation(const Scenario& scenario, SimObserver* observer,
             const std::function<void(NodeConfig*)>& customize = nullptr);
  ~Simulation() override;

  // Runs to the scenario's duration, calling `progress` every
  // `progress_step` of virtual time (for progress reports and Ctrl-C: it may
  // call event_loop().RequestStop()), and `on_pause` after all events at each
  // time in `pauses` (sorted) have run. Pausing adds no event to the queue,
  // so it never changes the run. Returns false if stopped early.
  bool Run(const std::function<void()>& progress = nullptr,
           SimDuration progress_step = SimDuration::Seconds(1),
           const std::vector<SimTime>& pauses = {},
           const std::function<void()>& on_pause = nullptr);
  // Runs up to `until` (for tests).
  void RunUntil(SimTime until);

  EventLoop& event_loop() { return sim_; }
  const EventLoop& event_loop() const { return sim_; }
  SimTime now() const { return sim_.now(); }
  const Network& network() const { return *network_; }
  // tcp transport only (else null).
  const TcpConnections* tcp() const { return tcp_.get(); }
  // Node-time spent starved (slow events) so far, over all nodes.
  SimDuration StarvedTime() const;
  const Scenario& scenario() const { return scenario_; }
  size_t node_count() const { return nodes_.size(); }
  const NodeHost& node(NodeId id) const { return nodes_[id]; }
  // Full membership: the peer service's member list (every joined node not
  // left). HyParView keeps no global list: see node(i).hyparview().
  const PeerSet& members() const { return members_; }
  bool hyparview() const { return node_config_.hyparview; }
  // Mailbox statistics of every node's processes.
  const ProcessStats& process_stats() const { return process_stats_; }

  // MessageReceiver
  void Deliver(NodeId from, NodeId to, const Message& message) override;
  void PrefetchReceiver(NodeId to, const Message& message, int stage) override;
  void DeliverByCall(NodeId from, NodeId to, const Message& message, Reply reply) override;

 private:
  void ScheduleTimeline();
  // One timeline event (not a broadcast: those are scheduled one by one).
  void Apply(const TimelineEvent& event);
  void ApplyCrash(const TimelineEvent& event);
  void ApplyRestart(const TimelineEvent& event);
  void ApplyJoin(const TimelineEvent& event);
  void ApplyLeave(const TimelineEvent& event);
  // partition, partition_one_way, heal.
  void ApplyPartition(const TimelineEvent& event);
  // link_down, link_up, set_latency, set_loss.
  void ApplyLinkChange(const TimelineEvent& event);
  void ApplyListener(const TimelineEvent& event);
  void ApplySlow(const TimelineEvent& event);
  void StartNode(NodeId node, NodeEventKind why, std::optional<NodeId> contact = std::nullopt);
  // HyParView: a contact for a (re)joining node -- the one given, or a
  // running node drawn uniformly among `candidates` (all nodes if empty).
  // The contact an initial node joins through ([nodes] bootstrap).
  std::optional<NodeId> BootstrapContact(NodeId node);
  std::optional<NodeId> PickContact(NodeId node, std::optional<NodeId> given, NodeId below);
  // HyParView: connections the network no longer carries die; their holders
  // get 'EXIT'. Runs after each fault (Network::set_on_cut).
  void PruneConnections();
  // tcp: set up connections, their fault handling and 'EXIT' delivery.
  void SetUpTcp();
  // Runs `work` once after the events of this instant (however many faults
  // asked for it).
  void OncePerInstant(bool* scheduled, void (Simulation::*work)());
  void PathsChanged();
  void StopNode(NodeId node, NodeEventKind why);
  // A timeline action that found its node in the wrong state (only the run
  // can know: churn, start jitter): reported, not applied.
  void Skipped(TimelineEvent::Kind kind, NodeId node, const char* why);
  void PublishMembership();
  void ScheduleChurn(const ChurnSpec& churn, SimTime after);
  int64_t NextEpoch(NodeId node);
  Payload MakePayload(int64_t size_bytes, uint64_t sequence);

  const Scenario scenario_;
  SimObserver* const observer_;
  NodeConfig node_config_;
  EventLoop sim_;
  std::unique_ptr<Network> network_;
  std::unique_ptr<HyParViewConnections> connections_;   // HyParView, datagram
  std::unique_ptr<TcpConnections> tcp_;                 // tcp transport
  std::unique_ptr<FullMembershipConnector> connector_;  // tcp, full membership
  // In node order, side by side in one allocation (docs/performance.md,
  // "Node-major layout").
  InPlaceArray<NodeHost> nodes_;
  PeerSet members_;                            // full membership: every joined node not left
  CountedFlags running_;                       // per node: set while an incarnation runs
  std::vector<SimTime> slow_since_;            // per node: when its slow began
  SimDuration starved_ = SimDuration::Zero();  // starved node-time that ended
  RandomStream startup_rng_;
  RandomStream fault_rng_;
  uint64_t broadcasts_scheduled_ = 0;
  ProcessStats process_stats_;
  bool prune_scheduled_ = false;
  bool paths_scheduled_ = false;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_WORLD_SIMULATION_H_
