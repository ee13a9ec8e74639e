// The per-root peer sets of partisan_plumtree_broadcast: the eager_sets and
// lazy_sets orddicts (Root -> ordset), kept together as one {eager, lazy}
// pair per root.
//
// Storage, not behaviour: a node of a 10,000-node heartbeat run holds sets
// for 10,000 roots, all drawn from the same handful of peers, so the distinct
// pairs are few. Each distinct pair is stored once, with a count of the roots
// that use it, and a root costs a 4-byte pair index in a NodeMap (a vector
// slot once the roots are dense). Lookups and updates mean exactly what the
// orddicts mean: a root either has its own pair or none.
#ifndef PLUMSIM_PROTOCOL_ROOT_PEERS_H_
#define PLUMSIM_PROTOCOL_ROOT_PEERS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "protocol/node_map.h"
#include "protocol/node_order.h"
#include "protocol/ordset.h"

namespace plumsim {

struct EagerLazy {
  PeerSet eagers;
  PeerSet lazys;
  friend bool operator==(const EagerLazy&, const EagerLazy&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const EagerLazy& sets) {
    return H::combine(std::move(h), sets.eagers, sets.lazys);
  }
};

class RootPeers {
 public:
  // The sets are ordsets in `order` (the broadcast server's name order),
  // which must outlive this.
  explicit RootPeers(const NodeOrder* order) : order_(order) {}

  // The root's own pair (orddict:find/2), or nullptr. The reference stays
  // valid until the next Set, Transform or Clear.
  const EagerLazy* Find(NodeId root) const {
    const uint32_t* pair = root_to_pair_.Find(root);
    return pair == nullptr ? nullptr : &pairs_[*pair - 1].sets;
  }
  // Hints, in two steps a few events apart: Prefetch starts loading the
  // root's entry in the root index (or, when the entry is inline in this
  // object, already the pair it names); PrefetchPair, once that is in cache,
  // the pair and its peer sets, which Find and Move read.
  void Prefetch(NodeId root) const {
    if (root_to_pair_.IsInline()) {
      if (const uint32_t* pair = root_to_pair_.Find(root)) __builtin_prefetch(&pairs_[*pair - 1]);
      return;
    }
    root_to_pair_.Prefetch(root);
  }
  void PrefetchPair(NodeId root) const {
    const uint32_t* pair = root_to_pair_.Find(root);
    if (pair == nullptr) return;
    const EagerLazy& sets = pairs_[*pair - 1].sets;
    __builtin_prefetch(sets.eagers.data());
    __builtin_prefetch(sets.lazys.data());
  }
  // orddict:store/3 into both maps.
  void Set(NodeId root, const EagerLazy& sets);
  // update_peers/5 for add_eager (`to_eager`) or add_lazy: the root's pair
  // (or `common_eagers`/`common_lazys` if it has none) with `from` moved to
  // eager or to lazy becomes the root's own pair. Each distinct move is
  // computed once and remembered; what is remembered is dropped when its
  // pairs are freed, at Transform and Clear (the only times the common sets
  // may change), and when it outgrows the pairs in use. Returns what the
  // move changed in the root's (own or common) sets.
  struct MoveChange {
    bool eager = false;  // `from` entered or left the eager set
    bool lazy = false;   // `from` entered or left the lazy set
  };
  MoveChange Move(NodeId root, NodeId from, bool to_eager, const PeerSet& common_eagers,
                  const PeerSet& common_lazys);
  // Replaces every root's pair by `f` of it (one call per distinct pair).
  void Transform(const std::function<EagerLazy(const EagerLazy&)>& f);
  // orddict:new/0 for both maps.
  void Clear();

  size_t root_count() const { return root_to_pair_.size(); }
  // The roots with their own pair, ascending (orddict:fetch_keys/1).
  std::vector<NodeId> Roots() const;
  // Distinct pairs in use, and bytes held (for the memory benchmarks).
  size_t distinct_pairs() const { return pairs_in_use_; }
  struct Bytes {
    size_t root_index = 0;  // root -> pair (what each root costs)
    size_t pairs = 0;       // the distinct pairs, their sets and their index
    size_t moves = 0;       // the remembered moves
  };
  Bytes ApproximateBytes() const;

 private:
  struct Slot {
    EagerLazy sets;
    uint32_t roots = 0;       // roots using this pair; 0: free
    uint32_t generation = 0;  // bumped when freed, so old moves no longer match
  };
  // The index of `sets`, added if new (with no roots yet).
  uint32_t Intern(const EagerLazy& sets);
  // Points `stored` (a root's slot, 0 if it had no pair) at `pair`, freeing
  // the old pair if no root uses it any more.
  void Assign(uint32_t* stored, uint32_t pair);
  struct MoveKey {
    uint32_t source;  // 1 + pair, or 0 for the common sets
    uint32_t generation;
    NodeId from;
    bool to_eager;
    friend bool operator==(const MoveKey&, const MoveKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const MoveKey& k) {
      return H::combine(std::move(h), k.source, k.generation, k.from, k.to_eager);
    }
  };
  struct MoveResult {
    uint32_t pair;
    uint32_t generation;
  };

  struct Stored {
    bool operator()(uint32_t pair_plus_one) const { return pair_plus_one != 0; }
  };
  // Root -> 1 + its pair's index (0 stands for "no own sets").
  NodeMap<uint32_t, Stored> root_to_pair_;
  std::deque<Slot> pairs_;  // a deque: references survive growth
  absl::flat_hash_map<EagerLazy, uint32_t> index_;
  std::vector<uint32_t> free_;
  size_t pairs_in_use_ = 0;
  const NodeOrder* order_;
  absl::flat_hash_map<MoveKey, MoveResult> moves_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_ROOT_PEERS_H_
