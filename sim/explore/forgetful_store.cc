#include "sim/explore/forgetful_store.h"

#include <memory>

namespace plumsim {

bool ForgetfulStore::Merge(const BroadcastId& id, const Payload& payload) {
  const int64_t now = env_->NowNs();
  if (inner_->Merge(id, payload)) {
    first_ns_[id] = now;
    return true;
  }
  auto it = first_ns_.find(id);
  if (it != first_ns_.end() && now - it->second > 2'000'000'000) {
    it->second = now;
    return true;  // forgotten: delivered again
  }
  return false;
}

void PlantForgetfulStore(NodeConfig* config) {
  config->wrap_store_handler = [](BroadcastHandler* store, const Environment* env) {
    return std::make_unique<ForgetfulStore>(store, env);
  };
}

}  // namespace plumsim
