#include "protocol/root_peers.h"

#include <algorithm>

namespace plumsim {

uint32_t RootPeers::Intern(const EagerLazy& sets) {
  auto [it, inserted] = index_.try_emplace(sets, static_cast<uint32_t>(pairs_.size()));
  if (inserted) pairs_.push_back(Slot{sets, 0});
  return it->second;
}

void RootPeers::Assign(uint32_t* stored, uint32_t pair) {
  if (*stored == pair + 1) return;
  if (*stored != 0 && --pairs_[*stored - 1].roots == 0) --pairs_in_use_;
  if (pairs_[pair].roots++ == 0) ++pairs_in_use_;
  *stored = pair + 1;
}

void RootPeers::Set(NodeId root, const EagerLazy& sets) {
  const uint32_t pair = Intern(sets);
  Assign(root_to_pair_.TryEmplace(root).first, pair);
}

void RootPeers::Move(NodeId root, NodeId from, bool to_eager, const PeerSet& common_eagers,
                     const PeerSet& common_lazys) {
  uint32_t* stored = root_to_pair_.Find(root);
  const uint32_t source = stored == nullptr ? 0 : *stored;
  const uint64_t key = (uint64_t{source} << 33) | (uint64_t{from} << 1) | (to_eager ? 1 : 0);
  auto [it, inserted] = moves_.try_emplace(key, 0);
  if (inserted) {
    const EagerLazy& before =
        source == 0 ? EagerLazy{common_eagers, common_lazys} : pairs_[source - 1].sets;
    it->second = Intern(to_eager ? EagerLazy{ordsets::AddElement(from, before.eagers),
                                             ordsets::DelElement(from, before.lazys)}
                                 : EagerLazy{ordsets::DelElement(from, before.eagers),
                                             ordsets::AddElement(from, before.lazys)});
  }
  const uint32_t pair = it->second;
  if (stored == nullptr) stored = root_to_pair_.TryEmplace(root).first;
  Assign(stored, pair);
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
  for (const auto& [root, pair] : old) {
    Assign(root_to_pair_.TryEmplace(root).first, Intern(transformed[pair]));
  }
}

void RootPeers::Clear() {
  root_to_pair_.Clear();
  pairs_.clear();
  index_.clear();
  moves_.clear();
  pairs_in_use_ = 0;
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
                 pairs_.size() * sizeof(Slot) +
                 moves_.capacity() * (sizeof(uint64_t) + sizeof(uint32_t) + 1);
  for (const Slot& slot : pairs_) {
    // Each set twice: in its slot and as the index's key.
    bytes += 2 * (slot.sets.eagers.capacity() + slot.sets.lazys.capacity()) * sizeof(NodeId);
  }
  return bytes;
}

}  // namespace plumsim
