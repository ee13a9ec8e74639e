#include "sim/runtime/link_clocks.h"

#include <algorithm>

namespace plumsim {

SimTime LinkClocks::ClampInTable(absl::flat_hash_map<NodeId, SimTime>& table, NodeId to,
                                 SimTime arrival) {
  auto [it, inserted] = table.try_emplace(to, arrival);
  if (!inserted) {
    arrival = std::max(arrival, it->second);
    it->second = arrival;
  }
  return arrival;
}

SimTime LinkClocks::Clamp(NodeId from, NodeId to, SimTime arrival, SimTime now) {
  if (senders_.size() <= from) senders_.resize(from + 1);
  Sender& sender = senders_[from];
  // The link itself, wherever it is, before any slot is reused. The record
  // first: a sender with a table holds no link in its record.
  int reusable = -1;
  for (uint32_t i = 0; i < sender.inline_links; ++i) {
    if (sender.to[i] == to) {
      arrival = std::max(arrival, sender.last[i]);
      sender.last[i] = arrival;
      return arrival;
    }
    if (reusable < 0 && sender.last[i] <= now) reusable = static_cast<int>(i);
  }
  Link* reusable_in_list = nullptr;
  Spill* spill = sender.spill.get();
  if (spill != nullptr && !spill->table.empty()) return ClampInTable(spill->table, to, arrival);
  if (spill != nullptr) {
    for (Link& link : spill->list) {
      if (link.to == to) {
        arrival = std::max(arrival, link.last);
        link.last = arrival;
        return arrival;
      }
      if (reusable_in_list == nullptr && link.last <= now) reusable_in_list = &link;
    }
  }
  if (reusable >= 0) {
    sender.to[reusable] = to;
    sender.last[reusable] = arrival;
  } else if (reusable_in_list != nullptr) {
    *reusable_in_list = Link{to, arrival};
  } else {
    AddLink(sender, to, arrival);
  }
  return arrival;
}

void LinkClocks::AddLink(Sender& sender, NodeId to, SimTime arrival) {
  if (sender.inline_links < kInlineLinks) {
    sender.to[sender.inline_links] = to;
    sender.last[sender.inline_links] = arrival;
    ++sender.inline_links;
    return;
  }
  if (sender.spill == nullptr) sender.spill = std::make_unique<Spill>();
  Spill& spill = *sender.spill;
  if (kInlineLinks + spill.list.size() < kShortListMax) {
    spill.list.push_back(Link{to, arrival});
    return;
  }
  for (uint32_t i = 0; i < sender.inline_links; ++i) {
    spill.table.emplace(sender.to[i], sender.last[i]);
  }
  for (const Link& link : spill.list) spill.table.emplace(link.to, link.last);
  spill.table.emplace(to, arrival);
  sender.inline_links = 0;
  spill.list = {};
}

size_t LinkClocks::links_held(NodeId from) const {
  if (from >= senders_.size()) return 0;
  const Sender& sender = senders_[from];
  const Spill* spill = sender.spill.get();
  if (spill != nullptr && !spill->table.empty()) return spill->table.size();
  return sender.inline_links + (spill != nullptr ? spill->list.size() : 0);
}

}  // namespace plumsim
