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
  auto [stored, inserted] = root_to_pair_.TryEmplace(root);
  if (!inserted && pairs_[*stored - 1].sets == sets) return;
  const uint32_t pair = Intern(sets);
  if (!inserted) Release(*stored - 1);
  *stored = pair + 1;
}

void RootPeers::Transform(const std::function<EagerLazy(const EagerLazy&)>& f) {
  std::vector<EagerLazy> transformed(pairs_.size());
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].roots > 0) transformed[i] = f(pairs_[i].sets);
  }
  std::vector<std::pair<NodeId, uint32_t>> old;
  old.reserve(root_to_pair_.size());
  root_to_pair_.ForEach([&old](NodeId root, uint32_t stored) { old.emplace_back(root, stored - 1); });
  Clear();
  for (const auto& [root, pair] : old) *root_to_pair_.TryEmplace(root).first = Intern(transformed[pair]) + 1;
}

void RootPeers::Clear() {
  root_to_pair_.Clear();
  pairs_.clear();
  index_.clear();
  free_.clear();
}

std::vector<NodeId> RootPeers::Roots() const {
  std::vector<NodeId> roots;
  roots.reserve(root_to_pair_.size());
  root_to_pair_.ForEach([&roots](NodeId root, uint32_t) { roots.push_back(root); });
  std::sort(roots.begin(), roots.end());
  return roots;
}

size_t RootPeers::ApproximateBytes() const {
  size_t bytes = root_to_pair_.ApproximateBytes() +
                 index_.capacity() * (sizeof(EagerLazy) + sizeof(uint32_t) + 1) +
                 pairs_.size() * sizeof(Slot) + free_.capacity() * sizeof(uint32_t);
  for (const Slot& slot : pairs_) {
    // Each set twice: in its slot and as the index's key.
    bytes += 2 * (slot.sets.eagers.capacity() + slot.sets.lazys.capacity()) * sizeof(NodeId);
  }
  return bytes;
}

}  // namespace plumsim
