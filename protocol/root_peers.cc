#include "protocol/root_peers.h"

#include <algorithm>

namespace plumsim {

uint32_t RootPeers::Intern(const EagerLazy& sets) {
  auto it = index_.find(sets);
  if (it != index_.end()) return it->second;
  uint32_t pair;
  if (!free_.empty()) {
    pair = free_.back();
    free_.pop_back();
  } else {
    pair = static_cast<uint32_t>(pairs_.size());
    pairs_.emplace_back();
  }
  pairs_[pair].sets = sets;
  index_.emplace(sets, pair);
  return pair;
}

void RootPeers::Assign(uint32_t* stored, uint32_t pair) {
  if (*stored == pair + 1) return;
  if (pairs_[pair].roots++ == 0) ++pairs_in_use_;
  if (*stored != 0) {
    Slot& old = pairs_[*stored - 1];
    if (--old.roots == 0) {
      --pairs_in_use_;
      index_.erase(old.sets);
      old.sets = EagerLazy{};
      ++old.generation;
      free_.push_back(*stored - 1);
    }
  }
  *stored = pair + 1;
}

void RootPeers::Set(NodeId root, const EagerLazy& sets) {
  const uint32_t pair = Intern(sets);
  Assign(root_to_pair_.TryEmplace(root).first, pair);
}

RootPeers::MoveChange RootPeers::Move(NodeId root, NodeId from, bool to_eager,
                                      const PeerSet& common_eagers, const PeerSet& common_lazys) {
  uint32_t* stored = root_to_pair_.Find(root);
  if (stored != nullptr) {
    // The common case at scale: `from` is already where it moves to (the
    // parent sends the next heartbeat). Storing the same pair changes nothing.
    const EagerLazy& sets = pairs_[*stored - 1].sets;
    const PeerSet& to = to_eager ? sets.eagers : sets.lazys;
    const PeerSet& other = to_eager ? sets.lazys : sets.eagers;
    if (ordsets::IsElement(from, to, *order_) && !ordsets::IsElement(from, other, *order_)) {
      return {};
    }
  }
  const uint32_t source = stored == nullptr ? 0 : *stored;
  // What moves: the sets before, own or common (a root taking its own pair
  // equal to the common one changes nothing anyone sees).
  const EagerLazy* own = source == 0 ? nullptr : &pairs_[source - 1].sets;
  const bool was_eager = ordsets::IsElement(from, own ? own->eagers : common_eagers, *order_);
  const bool was_lazy = ordsets::IsElement(from, own ? own->lazys : common_lazys, *order_);
  const MoveChange change{was_eager != to_eager, was_lazy == to_eager};
  const MoveKey key{source, source == 0 ? 0 : pairs_[source - 1].generation, from, to_eager};
  auto it = moves_.find(key);
  uint32_t pair;
  if (it != moves_.end() && pairs_[it->second.pair].generation == it->second.generation) {
    pair = it->second.pair;
  } else {
    const EagerLazy before =
        source == 0 ? EagerLazy{common_eagers, common_lazys} : pairs_[source - 1].sets;
    pair = Intern(to_eager ? EagerLazy{ordsets::AddElement(from, before.eagers, *order_),
                                       ordsets::DelElement(from, before.lazys, *order_)}
                           : EagerLazy{ordsets::DelElement(from, before.eagers, *order_),
                                       ordsets::AddElement(from, before.lazys, *order_)});
    // Forget everything once the remembered moves outgrow the pairs in use.
    if (moves_.size() > 8 * pairs_in_use_ + 1024) moves_.clear();
    moves_.insert_or_assign(key, MoveResult{pair, pairs_[pair].generation});
  }
  if (stored == nullptr) stored = root_to_pair_.TryEmplace(root).first;
  Assign(stored, pair);
  return change;
}

void RootPeers::Transform(const std::function<EagerLazy(const EagerLazy&)>& f) {
  std::vector<EagerLazy> transformed(pairs_.size());
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].roots > 0) transformed[i] = f(pairs_[i].sets);
  }
  std::vector<std::pair<NodeId, uint32_t>> old;
  old.reserve(root_to_pair_.size());
  root_to_pair_.ForEach(
      [&old](NodeId root, uint32_t stored) { old.emplace_back(root, stored - 1); });
  Clear();
  for (const auto& [root, pair] : old) {
    Assign(root_to_pair_.TryEmplace(root).first, Intern(transformed[pair]));
  }
}

void RootPeers::Clear() {
  root_to_pair_.Clear();
  pairs_.clear();
  index_.clear();
  free_.clear();
  moves_.clear();
  pairs_in_use_ = 0;
}

std::vector<NodeId> RootPeers::Roots() const {
  std::vector<NodeId> roots;
  roots.reserve(root_to_pair_.size());
  root_to_pair_.ForEach([&roots](NodeId root, uint32_t) { roots.push_back(root); });
  std::sort(roots.begin(), roots.end(), order_->compare());  // orddict: by name
  return roots;
}

RootPeers::Bytes RootPeers::ApproximateBytes() const {
  Bytes bytes;
  bytes.root_index = root_to_pair_.ApproximateBytes();
  bytes.pairs = index_.capacity() * (sizeof(EagerLazy) + sizeof(uint32_t) + 1) +
                pairs_.size() * sizeof(Slot) + free_.capacity() * sizeof(uint32_t);
  for (const Slot& slot : pairs_) {
    // Each set twice: in its slot and as the index's key.
    bytes.pairs += 2 * (slot.sets.eagers.capacity() + slot.sets.lazys.capacity()) * sizeof(NodeId);
  }
  bytes.moves = moves_.capacity() * (sizeof(MoveKey) + sizeof(MoveResult) + 1);
  return bytes;
}

}  // namespace plumsim
