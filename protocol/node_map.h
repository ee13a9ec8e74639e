// A map keyed by node id, for the tables a node keeps per tree root or per
// origin (the per-root peer sets, the heartbeat table).
//
// Node ids are small and dense: they index the membership's table of node
// names, as they would over real sockets. In a heartbeat run every node
// holds an entry for every other node, and a vector indexed by id costs one
// cache line per lookup and no load-factor slack; in a broadcast from a few
// roots the keys are sparse and a hash map is smaller. So the map is a hash
// map while the keys are sparse and turns into a vector once at least a
// quarter of the ids up to the largest key are present (and back, should a
// key far beyond the vector arrive). The first kInline keys live inside the
// map itself, with no heap block: a node in a broadcast from one or two
// roots finds its root's entry in the object that holds the map, a line the
// simulator has already loaded (docs/performance.md, "Node-major layout").
//
// `Present(v)` tells a stored value from the default-constructed V that
// stands for "absent" in the vector; every stored value must be present.
#ifndef PLUMSIM_PROTOCOL_NODE_MAP_H_
#define PLUMSIM_PROTOCOL_NODE_MAP_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "protocol/ordset.h"

namespace plumsim {

template <typename V, typename Present>
class NodeMap {
 public:
  static constexpr size_t kInline = 2;

  const V* Find(NodeId key) const {
    if (dense_mode_) {
      return key < dense_.size() && Present()(dense_[key]) ? &dense_[key] : nullptr;
    }
    if (!spilled_) {
      for (size_t i = 0; i < size_; ++i) {
        if (inline_keys_[i] == key) return &inline_values_[i];
      }
      return nullptr;
    }
    auto it = sparse_.find(key);
    return it == sparse_.end() ? nullptr : &it->second;
  }
  V* Find(NodeId key) { return const_cast<V*>(std::as_const(*this).Find(key)); }
  // A hint: starts loading the entry Find(key) reads (dense mode only;
  // inline entries are in the map's own lines).
  void Prefetch(NodeId key) const {
    if (dense_mode_ && key < dense_.size()) __builtin_prefetch(&dense_[key]);
  }

  // Whether every key is held inline (no heap block to load).
  bool IsInline() const { return !dense_mode_ && !spilled_; }

  // The value for `key`, default-constructed if absent (the caller must then
  // make it present). Invalidates pointers from Find.
  std::pair<V*, bool> TryEmplace(NodeId key) {
    if (V* found = Find(key)) return {found, false};
    if (!dense_mode_ && !spilled_ && size_ < kInline && !WorthDense(key)) {
      inline_keys_[size_] = key;
      inline_values_[size_] = V{};
      return {&inline_values_[size_++], true};
    }
    if (!dense_mode_ && !spilled_) Spill();
    ++size_;
    if (!dense_mode_ && WorthDense(key)) ToDense();
    if (dense_mode_) {
      if (key >= dense_.size()) {
        if (WorthDense(key)) {
          // Grows by a quarter (or to the key), allocating exactly that: a
          // node's tables end near the largest id they hold, not up to
          // twice it (docs/performance.md, "Where a heartbeat run's memory
          // goes").
          const size_t grown = std::max<size_t>(key + 1, dense_.size() + dense_.size() / 4);
          dense_.reserve(grown);
          dense_.resize(grown);
        } else {
          ToSparse();
          return {&sparse_[key], true};
        }
      }
      return {&dense_[key], true};
    }
    return {&sparse_[key], true};
  }

  void Clear() {
    sparse_.clear();
    dense_.clear();
    dense_mode_ = false;
    spilled_ = false;
    size_ = 0;
  }
  size_t size() const { return size_; }

  // Visits (key, value) in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    if (dense_mode_) {
      for (NodeId key = 0; key < dense_.size(); ++key) {
        if (Present()(dense_[key])) f(key, dense_[key]);
      }
    } else if (!spilled_) {
      for (size_t i = 0; i < size_; ++i) f(inline_keys_[i], inline_values_[i]);
    } else {
      for (const auto& [key, value] : sparse_) f(key, value);
    }
  }
  // Bytes of the table's heap blocks (not the inline entries, which are
  // part of the object holding the map, nor what values point to).
  size_t ApproximateBytes() const {
    return dense_.capacity() * sizeof(V) + sparse_.capacity() * (sizeof(std::pair<NodeId, V>) + 1);
  }

 private:
  // Whether `size_` keys, the largest being at least `key`, are dense.
  bool WorthDense(NodeId key) const {
    const size_t span = std::max<size_t>(key + 1, dense_.size());
    return span >= 64 && size_ * 4 >= span;
  }
  // The inline entries move to the hash map.
  void Spill() {
    for (size_t i = 0; i < size_; ++i)
      sparse_.emplace(inline_keys_[i], std::move(inline_values_[i]));
    spilled_ = true;
  }
  void ToDense() {
    NodeId max_key = 0;
    for (const auto& [key, value] : sparse_) max_key = std::max(max_key, key);
    dense_.assign(max_key + 1, V{});
    for (auto& [key, value] : sparse_) dense_[key] = std::move(value);
    sparse_ = {};
    dense_mode_ = true;
  }
  void ToSparse() {
    for (NodeId key = 0; key < dense_.size(); ++key) {
      if (Present()(dense_[key])) sparse_.emplace(key, std::move(dense_[key]));
    }
    dense_ = {};
    dense_mode_ = false;
    spilled_ = true;
  }

  absl::flat_hash_map<NodeId, V> sparse_;
  std::vector<V> dense_;
  bool dense_mode_ = false;
  bool spilled_ = false;  // past the inline entries: sparse_ or dense_ holds the keys
  size_t size_ = 0;
  std::array<NodeId, kInline> inline_keys_{};
  std::array<V, kInline> inline_values_{};
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_NODE_MAP_H_
