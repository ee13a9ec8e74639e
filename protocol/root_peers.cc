#include "protocol/root_peers.h"

#include <algorithm>

namespace plumsim {

uint32_t RootPeers::Intern(const EagerLazy& sets) {
  auto it = index_.find(sets);
  if (it != index_.end()) {
    ++pairs_[it->second].roots;
    return it->second;
  }
  uint32_t pair;
  if (!free_.empty()) {
    pair = free_.back();
    free_.pop_back();
  } else {
    pair = static_cast<uint32_t>(pairs_.size());
    pairs_.emplace_back();
  }
  pairs_[pair].sets = sets;
  pairs_[pair].roots = 1;
  index_.emplace(sets, pair);
  return pair;
}

void RootPeers::Release(uint32_t pair) {
  Slot& slot = pairs_[pair];
  if (--slot.roots > 0) return;
  index_.erase(slot.sets);
  slot.sets = EagerLazy{};
  free_.push_back(pair);
}

void RootPeers::Set(NodeId root, const EagerLazy& sets) {
  auto [it, inserted] = root_to_pair_.try_emplace(root, 0);
  if (!inserted && pairs_[it->second].sets == sets) return;
  const uint32_t pair = Intern(sets);
  if (!inserted) Release(it->second);
  it->second = pair;
}

void RootPeers::Transform(const std::function<EagerLazy(const EagerLazy&)>& f) {
  std::vector<EagerLazy> transformed(pairs_.size());
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].roots > 0) transformed[i] = f(pairs_[i].sets);
  }
  absl::flat_hash_map<NodeId, uint32_t> old = std::move(root_to_pair_);
  Clear();
  root_to_pair_.reserve(old.size());
  for (const auto& [root, pair] : old) root_to_pair_.emplace(root, Intern(transformed[pair]));
}

void RootPeers::Clear() {
  root_to_pair_.clear();
  pairs_.clear();
  index_.clear();
  free_.clear();
}

std::vector<NodeId> RootPeers::Roots() const {
  std::vector<NodeId> roots;
  roots.reserve(root_to_pair_.size());
  for (const auto& [root, pair] : root_to_pair_) roots.push_back(root);
  std::sort(roots.begin(), roots.end());
  return roots;
}

size_t RootPeers::ApproximateBytes() const {
  size_t bytes = root_to_pair_.capacity() * (sizeof(NodeId) + sizeof(uint32_t) + 1) +
                 index_.capacity() * (sizeof(EagerLazy) + sizeof(uint32_t) + 1) +
                 pairs_.size() * sizeof(Slot) + free_.capacity() * sizeof(uint32_t);
  for (const Slot& slot : pairs_) {
    // Each set twice: in its slot and as the index's key.
    bytes += 2 * (slot.sets.eagers.capacity() + slot.sets.lazys.capacity()) * sizeof(NodeId);
  }
  return bytes;
}

}  // namespace plumsim
