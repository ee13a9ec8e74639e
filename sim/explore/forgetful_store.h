// Tests only: the planted bug the explorer's tests look for. A store
// handler that forgets a message 2 s after delivering it (a seen-cache with
// expiry, a classic mistake), so a copy arriving later -- held by a TCP
// connection across a partition -- is delivered again: duplicate_delivery.
#ifndef PLUMSIM_SIM_EXPLORE_FORGETFUL_STORE_H_
#define PLUMSIM_SIM_EXPLORE_FORGETFUL_STORE_H_

#include <any>
#include <cstdint>
#include <map>

#include "protocol/broadcast_handler.h"
#include "protocol/environment.h"
#include "sim/world/node_host.h"

namespace plumsim {

class ForgetfulStore final : public BroadcastHandler {
 public:
  ForgetfulStore(BroadcastHandler* inner, const Environment* env) : inner_(inner), env_(env) {}
  absl::string_view name() const override { return inner_->name(); }
  absl::StatusOr<BroadcastData> BroadcastDataOf(const std::any& m) override {
    return inner_->BroadcastDataOf(m);
  }
  // Partisan's merge, except that a copy arriving more than 2 s after the
  // first delivery is delivered again.
  bool Merge(const BroadcastId& id, const Payload& payload) override;
  bool IsStale(const BroadcastId& id) override { return inner_->IsStale(id); }
  GraftResult Graft(const BroadcastId& id) override { return inner_->Graft(id); }
  ExchangeResult Exchange(NodeId peer) override { return inner_->Exchange(peer); }

 private:
  BroadcastHandler* inner_;
  const Environment* env_;
  std::map<BroadcastId, int64_t> first_ns_;
};

// Plants the bug in every node (for RunOptions / InvariantOptions /
// ExploreSettings::customize_nodes).
void PlantForgetfulStore(NodeConfig* config);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_EXPLORE_FORGETFUL_STORE_H_
