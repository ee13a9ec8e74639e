#include "sim/runtime/link_clocks.h"

#include <algorithm>

namespace plumsim {

SimTime LinkClocks::Clamp(NodeId from, NodeId to, SimTime arrival, SimTime now) {
  if (senders_.size() <= from) senders_.resize(from + 1);
  Sender& sender = senders_[from];
  if (sender.table != nullptr) {
    auto [it, inserted] = sender.table->try_emplace(to, arrival);
    if (!inserted) {
      arrival = std::max(arrival, it->second);
      it->second = arrival;
    }
    return arrival;
  }
  Link* reusable = nullptr;
  for (Link& link : sender.short_list) {
    if (link.to == to) {
      arrival = std::max(arrival, link.last);
      link.last = arrival;
      return arrival;
    }
    if (reusable == nullptr && link.last <= now) reusable = &link;
  }
  if (reusable != nullptr) {
    *reusable = Link{to, arrival};
  } else if (sender.short_list.size() < kShortListMax) {
    sender.short_list.push_back(Link{to, arrival});
  } else {
    sender.table = std::make_unique<absl::flat_hash_map<NodeId, SimTime>>();
    for (const Link& link : sender.short_list) sender.table->emplace(link.to, link.last);
    sender.table->emplace(to, arrival);
    sender.short_list = {};
  }
  return arrival;
}

size_t LinkClocks::links_held(NodeId from) const {
  if (from >= senders_.size()) return 0;
  const Sender& sender = senders_[from];
  return sender.table != nullptr ? sender.table->size() : sender.short_list.size();
}

}  // namespace plumsim
