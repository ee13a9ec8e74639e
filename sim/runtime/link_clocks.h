// The per-link FIFO clamp of the network (network.h): the latest arrival
// scheduled on each directed link, so that a later message never arrives
// before an earlier one on the same link.
//
// Storage, not behaviour. A link whose last arrival is not after `now`
// cannot clamp anything (every new arrival is at or after now, and equal
// times keep send order in the event queue), so its entry is reused for
// another link. Each sender has a record of one cache line, in node order,
// that holds its first kInlineLinks links (a HyParView node sends to a few
// peers at a time): a send finds its sender's links with one line to load
// and no pointer to follow. A sender with more links in flight at once keeps
// the rest in a list of its own, and one with more than kShortListMax (full
// membership pushing to every member) moves them all to a hash table
// (docs/performance.md, "Node-major layout").
#ifndef PLUMSIM_SIM_RUNTIME_LINK_CLOCKS_H_
#define PLUMSIM_SIM_RUNTIME_LINK_CLOCKS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "protocol/ordset.h"
#include "sim/kernel/time.h"

namespace plumsim {

class LinkClocks {
 public:
  // Links held in the sender's own record.
  static constexpr size_t kInlineLinks = 4;
  // Links held in the record and its list before the sender moves to a
  // hash table.
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
  // A sender's links beyond its record's: a list, then a table of all of
  // them (never empty once made: links are not removed).
  struct Spill {
    std::vector<Link> list;
    absl::flat_hash_map<NodeId, SimTime> table;
  };
  struct alignas(64) Sender {
    std::array<NodeId, kInlineLinks> to{};
    std::array<SimTime, kInlineLinks> last{};
    uint32_t inline_links = 0;  // to[0, inline_links) are held
    std::unique_ptr<Spill> spill;
  };
  static_assert(sizeof(Sender) == 64, "a sender's record is one cache line");

  // The table path, once a sender has one.
  static SimTime ClampInTable(absl::flat_hash_map<NodeId, SimTime>& table, NodeId to,
                              SimTime arrival);
  // Adds a link that the sender does not hold and cannot reuse a slot for.
  static void AddLink(Sender& sender, NodeId to, SimTime arrival);

  std::vector<Sender> senders_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_LINK_CLOCKS_H_
