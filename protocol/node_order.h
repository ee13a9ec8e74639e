// Erlang's term order of nodes, which decides every ordered thing in the
// ported modules (docs/runtime-model.md, "Names, addresses and order").
//
// - partisan_plumtree_broadcast keeps node names, atoms, in ordsets: atoms
//   compare by their text, so 'n10@host' < 'n1@host' < 'n2@host' ('0' sorts
//   before '@'). The broadcast server orders by Environment::name_order().
// - partisan_hyparview_peer_service_manager keeps node specs,
//   #{channels, listen_addrs, name} maps, in sets; maps of one size compare
//   by their values in key order, so by channels (equal here), then
//   listen_addrs, then name. HyParView orders by Environment::spec_order().
//
// A NodeOrder is a rank per node id (rank 0 first); without ranks it is
// ascending id. The ordsets functions below take one: a PeerSet is sorted
// by the order it is used with, and must only be combined with sets of the
// same order.
#ifndef PLUMSIM_PROTOCOL_NODE_ORDER_H_
#define PLUMSIM_PROTOCOL_NODE_ORDER_H_

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

#include "protocol/ordset.h"

namespace plumsim {

class NodeOrder {
 public:
  NodeOrder() = default;  // ascending id
  // rank[id] is node id's place; ids without a rank come after, by id.
  explicit NodeOrder(std::vector<uint32_t> rank) : rank_(std::move(rank)) {}

  bool Less(NodeId a, NodeId b) const {
    if (rank_.empty()) return a < b;
    return Key(a) < Key(b);
  }
  bool identity() const { return rank_.empty(); }

  struct Compare {
    const NodeOrder* order;
    bool operator()(NodeId a, NodeId b) const { return order->Less(a, b); }
  };
  Compare compare() const { return Compare{this}; }

 private:
  uint64_t Key(NodeId a) const { return a < rank_.size() ? rank_[a] : (uint64_t{1} << 32) + a; }
  std::vector<uint32_t> rank_;
};

namespace ordsets {

inline PeerSet FromList(std::vector<NodeId> nodes, const NodeOrder& order) {
  std::sort(nodes.begin(), nodes.end(), order.compare());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  return nodes;
}

inline bool IsElement(NodeId node, const PeerSet& set, const NodeOrder& order) {
  return std::binary_search(set.begin(), set.end(), node, order.compare());
}

inline PeerSet AddElement(NodeId node, PeerSet set, const NodeOrder& order) {
  auto it = std::lower_bound(set.begin(), set.end(), node, order.compare());
  if (it == set.end() || *it != node) set.insert(it, node);
  return set;
}

inline PeerSet DelElement(NodeId node, PeerSet set, const NodeOrder& order) {
  auto it = std::lower_bound(set.begin(), set.end(), node, order.compare());
  if (it != set.end() && *it == node) set.erase(it);
  return set;
}

inline PeerSet Subtract(const PeerSet& a, const PeerSet& b, const NodeOrder& order) {
  PeerSet out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out),
                      order.compare());
  return out;
}

inline PeerSet Union(const PeerSet& a, const PeerSet& b, const NodeOrder& order) {
  PeerSet out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), order.compare());
  return out;
}

inline PeerSet Intersection(const PeerSet& a, const PeerSet& b, const NodeOrder& order) {
  PeerSet out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out),
                        order.compare());
  return out;
}

}  // namespace ordsets
}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_NODE_ORDER_H_
