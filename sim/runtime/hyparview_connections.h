// Partisan's connections, for the HyParView peer service: which peers each
// node holds an outgoing connection to (partisan_peer_connections).
// connect/1 establishes one at once when the peer is up and reachable
// (Partisan connects synchronously in the client's init); a send needs one.
// A connection dies when the network no longer carries it (the far end
// crashed, a partition or a downed link); Prune() finds those so that the
// holder gets its 'EXIT'. With full membership every reachable pair counts as
// connected and this table is not used.
//
// Storage: each node's peers are one cache-line record, in node order,
// sorted ascending, with up to kInlinePeers held in the record itself (a
// HyParView node holds its active view, 6 by default), so a send's
// connection check loads one line and follows no pointer
// (docs/performance.md, "Node-major layout").
#ifndef PLUMSIM_SIM_RUNTIME_HYPARVIEW_CONNECTIONS_H_
#define PLUMSIM_SIM_RUNTIME_HYPARVIEW_CONNECTIONS_H_

#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "protocol/ordset.h"
#include "sim/runtime/network.h"

namespace plumsim {

class HyParViewConnections {
 public:
  explicit HyParViewConnections(const Network* network) : network_(network) {}

  void Connect(NodeId from, NodeId to);
  void Disconnect(NodeId from, NodeId to);
  // Whether `from` holds a live connection to `to`.
  bool IsConnected(NodeId from, NodeId to) const;
  // `from`'s live connections, ascending.
  PeerSet ConnectedPeers(NodeId from) const;
  // A crashed node's own connections vanish with it (no 'EXIT' to itself).
  void Clear(NodeId node);
  // Removes the connections the network no longer carries and returns them
  // as (holder, peer), ascending, for the holders' 'EXIT' handling.
  std::vector<std::pair<NodeId, NodeId>> Prune();

 private:
  static constexpr size_t kInlinePeers = 14;
  struct alignas(64) Peers {
    absl::InlinedVector<NodeId, kInlinePeers> sorted;  // ascending
  };
  static_assert(sizeof(Peers) == 64, "a node's peers are one cache line");
  Peers& Of(NodeId node);

  const Network* network_;
  std::vector<Peers> out_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_HYPARVIEW_CONNECTIONS_H_
