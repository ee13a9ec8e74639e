// The per-link FIFO clamp of the network (network.h): the latest arrival
// scheduled on each directed link, so that a later message never arrives
// before an earlier one on the same link.
//
// Storage, not behaviour: kept per sender, as a short list of (receiver,
// last arrival) searched in place, where a send finds its sender's links in
// one or two cache lines instead of a hash-table miss per send. A link whose
// last arrival is not after `now` cannot clamp anything (every new arrival is
// at or after now, and equal times keep send order in the event queue), so
// its entry is reused for another link. A sender with more than
// kShortListMax links in flight at once (full membership pushing to every
// member) moves to a hash table of its own.
#ifndef PLUMSIM_SIM_RUNTIME_LINK_CLOCKS_H_
#define PLUMSIM_SIM_RUNTIME_LINK_CLOCKS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "protocol/ordset.h"
#include "sim/kernel/time.h"

namespace plumsim {

class LinkClocks {
 public:
  static constexpr size_t kShortListMax = 32;

  // The arrival of a message sent now on from -> to with `arrival` drawn:
  // no earlier than the link's last arrival. Records the result as the
  // link's last arrival.
  SimTime Clamp(NodeId from, NodeId to, SimTime arrival, SimTime now);

  // Links held (live or reusable), for tests.
  size_t links_held(NodeId from) const;

 private:
  struct Link {
    NodeId to;
    SimTime last;
  };
  // A sender's first links sit in the sender's own record (a HyParView node
  // has 5-6 active peers): one cache line to find them.
  struct Sender {
    absl::InlinedVector<Link, 4> short_list;
    std::unique_ptr<absl::flat_hash_map<NodeId, SimTime>> table;  // once long
  };
  std::vector<Sender> senders_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_LINK_CLOCKS_H_
