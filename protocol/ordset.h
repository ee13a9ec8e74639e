// Node ids and sorted peer sets, the C++ shape of Erlang's node() atoms and
// ordsets. A PeerSet is a sorted std::vector without duplicates, exactly like
// an ordset list, so iteration order is the set's order.
//
// The functions here sort by ascending id, the simulator's own order. The
// protocol modules sort as Erlang compares their elements (node names,
// node specs): the overloads taking a NodeOrder, in protocol/node_order.h.
#ifndef PLUMSIM_PROTOCOL_ORDSET_H_
#define PLUMSIM_PROTOCOL_ORDSET_H_

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace plumsim {

using NodeId = uint32_t;
using PeerSet = std::vector<NodeId>;

// "n<id>", the name nodes have in scenario files, traces and logs.
std::string NodeName(NodeId node);

namespace ordsets {

// ordsets:from_list/1
inline PeerSet FromList(std::vector<NodeId> nodes) {
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  return nodes;
}

// ordsets:is_element/2
inline bool IsElement(NodeId node, const PeerSet& set) {
  return std::binary_search(set.begin(), set.end(), node);
}

// ordsets:add_element/2
inline PeerSet AddElement(NodeId node, PeerSet set) {
  auto it = std::lower_bound(set.begin(), set.end(), node);
  if (it == set.end() || *it != node) set.insert(it, node);
  return set;
}

// ordsets:del_element/2
inline PeerSet DelElement(NodeId node, PeerSet set) {
  auto it = std::lower_bound(set.begin(), set.end(), node);
  if (it != set.end() && *it == node) set.erase(it);
  return set;
}

// ordsets:subtract/2
inline PeerSet Subtract(const PeerSet& a, const PeerSet& b) {
  PeerSet out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// ordsets:union/2
inline PeerSet Union(const PeerSet& a, const PeerSet& b) {
  PeerSet out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// ordsets:intersection/2
inline PeerSet Intersection(const PeerSet& a, const PeerSet& b) {
  PeerSet out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace ordsets
}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_ORDSET_H_
