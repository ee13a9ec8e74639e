// Records a simulated run as a ClusterRecord (cluster_record.h): what a real
// cluster's recorder writes (sim/validate/erlang/plumsim_recorder.erl), taken
// from the simulation's observer callbacks, so that figures.h measures the
// simulation and the real cluster by one definition.
//
//   SimRecord record;
//   RunOptions options;
//   options.observers.push_back(&record);
//   options.on_built = [&](const Simulation& sim) { record.Attach(&sim); };
//   RunScenario(scenario, options);
//   ClusterRecord r = record.Finish(scenario.duration);
#ifndef PLUMSIM_SIM_VALIDATE_SIM_RECORD_H_
#define PLUMSIM_SIM_VALIDATE_SIM_RECORD_H_

#include <vector>

#include "sim/validate/cluster_record.h"
#include "sim/world/observer.h"
#include "sim/world/simulation.h"

namespace plumsim {

class SimRecord final : public SimObserver {
 public:
  // The simulation whose broadcast servers' sets are read after each change.
  void Attach(const Simulation* sim);
  ClusterRecord Finish(SimDuration duration);

  void OnDeliver(NodeId from, NodeId to, const Message& m) override;
  void OnConnectionClose(NodeId holder, NodeId peer, Channel channel, CloseReason reason) override;
  void OnTimer(NodeId node, TimerKind kind) override;
  void OnNodeEvent(NodeEventKind kind, NodeId node, int64_t epoch) override;
  void OnMembership(NodeId node, const PeerSet& members) override;
  void OnOriginate(NodeId node, HandlerId handler, const BroadcastId& id) override;
  void OnPeersChanged(NodeId node, const PeerSetChange& change) override;

 private:
  int64_t NowUs() const;
  // Writes every root's effective sets of `node` that differ from the last
  // written, as the real recorder's poll does.
  void Snapshot(NodeId node);
  int Handler(HandlerId handler);

  const Simulation* sim_ = nullptr;
  ClusterRecord record_;
  // Per node, per root: the last eager and lazy sets written.
  std::vector<std::vector<PeerSet>> last_eager_, last_lazy_;
  std::vector<bool> written_;  // per node * root: a set was written
};

// The text a message id has in a ClusterRecord: "n3.1.12" (origin, epoch,
// sequence).
std::string RecordId(const BroadcastId& id);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_SIM_RECORD_H_
