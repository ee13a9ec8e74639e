#include "sim/trace/recorder.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/text.h"

namespace plumsim {

const char* TimerKindName(TimerKind kind) {
  switch (kind) {
    case TimerKind::kLazyTick:
      return "lazy_tick";
    case TimerKind::kExchangeTick:
      return "exchange_tick";
    case TimerKind::kHeartbeat:
      return "heartbeat";
    case TimerKind::kRandomPromotion:
      return "random_promotion";
    case TimerKind::kPassiveViewMaintenance:
      return "passive_view_maintenance";
  }
  return "?";
}

namespace {

// The membership messages' fields as digest words, in declaration order: a
// list is its length then its elements, a disconnect id its epoch then its
// counter. Plumtree messages are encoded by MessageFields.
void AddNodes(TraceDigest* d, const std::vector<NodeId>& nodes) {
  d->AddUint64(nodes.size());
  for (NodeId n : nodes) d->AddUint64(n);
}
void AddDisconnectId(TraceDigest* d, const DisconnectId& id) {
  d->AddInt64(id.epoch);
  d->AddInt64(id.counter);
}
// Plumtree messages: not visited here (a new membership message without an
// overload fails to compile instead of going undigested).
void DigestMembershipFields(TraceDigest*, const BroadcastMsg&) {}
void DigestMembershipFields(TraceDigest*, const PruneMsg&) {}
template <typename Tag>
void DigestMembershipFields(TraceDigest*, const LazyControlMsg<Tag>&) {}
void DigestMembershipFields(TraceDigest* d, const JoinMsg& m) {
  d->AddUint64(m.peer);
  d->AddInt64(m.epoch);
}
void DigestMembershipFields(TraceDigest* d, const NeighborMsg& m) {
  d->AddUint64(m.peer);
  AddDisconnectId(d, m.disconnect_id);
}
void DigestMembershipFields(TraceDigest* d, const ForwardJoinMsg& m) {
  d->AddUint64(m.peer);
  d->AddInt64(m.epoch);
  d->AddInt64(m.ttl);
  d->AddUint64(m.sender);
}
void DigestMembershipFields(TraceDigest* d, const DisconnectMsg& m) {
  d->AddUint64(m.peer);
  AddDisconnectId(d, m.disconnect_id);
}
void DigestMembershipFields(TraceDigest* d, const NeighborRequestMsg& m) {
  d->AddUint64(m.peer);
  d->AddUint64(m.high_priority);
  AddDisconnectId(d, m.disconnect_id);
  AddNodes(d, m.exchange);
}
void DigestMembershipFields(TraceDigest* d, const NeighborRejectedMsg& m) {
  d->AddUint64(m.peer);
  d->AddUint64(m.has_exchange);
  AddNodes(d, m.exchange);
}
void DigestMembershipFields(TraceDigest* d, const NeighborAcceptedMsg& m) {
  d->AddUint64(m.peer);
  AddDisconnectId(d, m.disconnect_id);
  AddNodes(d, m.exchange);
}
void DigestMembershipFields(TraceDigest* d, const ShuffleMsg& m) {
  AddNodes(d, m.exchange);
  d->AddInt64(m.ttl);
  d->AddUint64(m.sender);
}
void DigestMembershipFields(TraceDigest* d, const ShuffleReplyMsg& m) {
  AddNodes(d, m.exchange);
  d->AddUint64(m.sender);
}

}  // namespace

TraceRecorder::TraceRecorder(const EventLoop* sim, TraceFile* out, const TraceConfig& filter)
    : sim_(sim), file_(out), nodes_(filter.nodes), roots_(filter.roots) {
  all_kinds_ = filter.kinds.empty();
  kinds_.insert(filter.kinds.begin(), filter.kinds.end());
}

// Event codes (part of the digest format).
enum : uint8_t {
  kSend = 1,
  kDeliver,
  kDrop,
  kTimer,
  kNode,
  kNetwork,
  kMembership,
  kOriginate,
  kMerge,
  kSkipped,
  kConnectionOpen,
  kConnectionClose,
  kHeld,
  kReleased,
  kRetransmit,
  kMailboxWait,
  kAddEager,
  kAddLazy,
  kResetPeers,
  kNeighborsDown
};

// A node event's digest word for join_lost (past every NodeEventKind).
constexpr uint64_t kJoinLostMark = 100;

bool TraceRecorder::KindWanted(uint8_t code, const char* name) const {
  if (all_kinds_) return true;
  if (kinds_.contains(name)) return true;
  switch (code) {
    case kNode:
      return kinds_.contains("node");
    case kNetwork:
      return kinds_.contains("network");
    case kAddEager:
    case kAddLazy:
    case kResetPeers:
    case kNeighborsDown:
      return kinds_.contains("peers");
    default:
      return false;
  }
}

void TraceRecorder::Begin(uint8_t code, const char* name) {
  ++events_;
  digest_.AddUint64(code);
  digest_.AddInt64(sim_->now().ns());
  out_ = file_ != nullptr && KindWanted(code, name) ? file_ : nullptr;
  if (out_ != nullptr) {
    node_matched_ = nodes_.empty();
    root_matched_ = roots_.empty();
    line_.clear();
    absl::StrAppend(&line_, "{\"t\":", sim_->now().ns(), ",\"ev\":\"", name, "\"");
  }
}

void TraceRecorder::ChannelField(Channel channel) {
  digest_.AddUint64(static_cast<uint64_t>(channel));
  if (out_ == nullptr) return;
  absl::StrAppend(&line_, ",\"channel\":\"",
                  channel == Channel::kMembership ? "membership" : "default", "\"");
}

void TraceRecorder::Node(const char* key, NodeId node) {
  digest_.AddUint64(node);
  if (out_ == nullptr) return;
  absl::StrAppend(&line_, ",\"", key, "\":\"n", node, "\"");
  if (std::strcmp(key, "root") == 0) {
    root_matched_ = root_matched_ || roots_.Contains(node);
  } else {
    node_matched_ = node_matched_ || nodes_.Contains(node);
  }
}

// A broadcast's origin is its root.
void TraceRecorder::Id(const BroadcastId& id) {
  digest_.AddUint64(id.origin);
  digest_.AddInt64(id.epoch);
  digest_.AddInt64(id.sequence);
  if (out_ != nullptr) {
    absl::StrAppend(&line_, ",\"id\":[\"n", id.origin, "\",", id.epoch, ",", id.sequence, "]");
    root_matched_ = root_matched_ || roots_.Contains(id.origin);
  }
}

void TraceRecorder::MessageFields(const Message& m) {
  digest_.AddUint64(m.index());
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"msg\":\"", MessageTypeName(m), "\"");
  if (!IsPlumtreeMessage(m)) {
    // Membership messages: every field in the digest, and their Erlang-like
    // rendering in the JSON line.
    std::visit([this](const auto& x) { DigestMembershipFields(&digest_, x); }, m);
    if (out_ != nullptr) absl::StrAppend(&line_, ",\"detail\":", JsonString(DebugString(m)));
    return;
  }
  std::visit(
      [this](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, PruneMsg>) {
          Node("root", x.root);
        } else if constexpr (std::is_same_v<T, BroadcastMsg> || std::is_same_v<T, IHaveMsg> ||
                             std::is_same_v<T, IgnoredIHaveMsg> || std::is_same_v<T, GraftMsg>) {
          Id(x.id);
          digest_.AddUint64(x.handler);
          digest_.AddUint64(x.round);
          if (out_ != nullptr) {
            absl::StrAppend(&line_, ",\"handler\":", x.handler, ",\"round\":", x.round);
          }
          Node("root", x.root);
          if constexpr (std::is_same_v<T, BroadcastMsg>) {
            const uint64_t size = x.payload ? x.payload->size() : 0;
            digest_.AddUint64(size);
            if (out_ != nullptr) absl::StrAppend(&line_, ",\"bytes\":", size);
          }
        }
      },
      m);
}

void TraceRecorder::End() {
  if (out_ != nullptr && node_matched_ && root_matched_) {
    line_.append("}\n");
    out_->Write(line_);
    ++lines_written_;
  }
}

void TraceRecorder::OnSend(NodeId from, NodeId to, const Message& m) {
  Begin(kSend, "send");
  Node("from", from);
  Node("to", to);
  MessageFields(m);
  End();
}

void TraceRecorder::OnDeliver(NodeId from, NodeId to, const Message& m) {
  Begin(kDeliver, "deliver");
  Node("from", from);
  Node("to", to);
  MessageFields(m);
  End();
}

void TraceRecorder::OnDrop(NodeId from, NodeId to, const Message& m, DropReason r) {
  Begin(kDrop, "drop");
  Node("from", from);
  Node("to", to);
  MessageFields(m);
  digest_.AddUint64(static_cast<uint64_t>(r));
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"reason\":\"", DropReasonName(r), "\"");
  End();
}

void TraceRecorder::OnMailboxWait(NodeId node, ProcessKind kind, SimDuration waited) {
  Begin(kMailboxWait, "mailbox_wait");
  Node("node", node);
  digest_.AddUint64(static_cast<uint64_t>(kind));
  digest_.AddInt64(waited.ns());
  if (out_ != nullptr) {
    absl::StrAppend(&line_, ",\"process\":\"", ProcessKindName(kind),
                    "\",\"waited_ns\":", waited.ns());
  }
  End();
}

void TraceRecorder::OnConnectionOpen(NodeId holder, NodeId peer, Channel channel) {
  Begin(kConnectionOpen, "connection_open");
  Node("holder", holder);
  Node("peer", peer);
  ChannelField(channel);
  End();
}

void TraceRecorder::OnConnectionClose(NodeId holder, NodeId peer, Channel channel,
                                      CloseReason reason) {
  Begin(kConnectionClose, "connection_close");
  Node("holder", holder);
  Node("peer", peer);
  ChannelField(channel);
  digest_.AddUint64(static_cast<uint64_t>(reason));
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"reason\":\"", CloseReasonName(reason), "\"");
  End();
}

void TraceRecorder::OnHeld(NodeId from, NodeId to, const Message& m) {
  Begin(kHeld, "held");
  Node("from", from);
  Node("to", to);
  MessageFields(m);
  End();
}

void TraceRecorder::OnReleased(NodeId from, NodeId to, const Message& m, SimDuration held) {
  Begin(kReleased, "released");
  Node("from", from);
  Node("to", to);
  MessageFields(m);
  digest_.AddInt64(held.ns());
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"held_ns\":", held.ns());
  End();
}

void TraceRecorder::OnRetransmit(NodeId from, NodeId to, const Message& m, int count) {
  Begin(kRetransmit, "retransmit");
  Node("from", from);
  Node("to", to);
  MessageFields(m);
  digest_.AddUint64(static_cast<uint64_t>(count));
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"count\":", count);
  End();
}

void TraceRecorder::OnTimer(NodeId node, TimerKind kind) {
  Begin(kTimer, "timer");
  Node("node", node);
  digest_.AddUint64(static_cast<uint64_t>(kind));
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"timer\":\"", TimerKindName(kind), "\"");
  End();
}

void TraceRecorder::OnNodeEvent(NodeEventKind kind, NodeId node, int64_t epoch) {
  Begin(kNode, NodeEventName(kind));
  digest_.AddUint64(static_cast<uint64_t>(kind));
  Node("node", node);
  digest_.AddInt64(epoch);
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"epoch\":", epoch);
  End();
}

void TraceRecorder::OnNetworkChange(const TimelineEvent& e) {
  // A node's listener and its machine's speed belong to the "node" group.
  using K = TimelineEvent::Kind;
  const bool of_nodes = e.kind == K::kListenerDown || e.kind == K::kListenerUp ||
                        e.kind == K::kSlow || e.kind == K::kSlowEnd;
  Begin(of_nodes ? kNode : kNetwork, EventKindName(e.kind));
  digest_.AddUint64(static_cast<uint64_t>(e.kind));
  std::string detail;
  switch (e.kind) {
    case TimelineEvent::Kind::kPartition: {
      std::vector<std::string> groups;
      for (const NodeSet& g : e.groups) groups.push_back(absl::StrCat("\"", g.ToString(), "\""));
      detail = absl::StrCat(",\"groups\":[", absl::StrJoin(groups, ","), "]");
      break;
    }
    case TimelineEvent::Kind::kHeal:
      break;
    case TimelineEvent::Kind::kListenerDown:
    case TimelineEvent::Kind::kListenerUp:
    case TimelineEvent::Kind::kSlow:
    case TimelineEvent::Kind::kSlowEnd:
      detail = absl::StrCat(",\"nodes\":\"", e.nodes.ToString(), "\"");
      if (e.stays_down) absl::StrAppend(&detail, ",\"stays_down\":true");
      if (e.kind == TimelineEvent::Kind::kSlow) absl::StrAppend(&detail, ",\"factor\":", e.factor);
      break;
    default:
      if (!e.from.empty()) {
        detail =
            absl::StrCat(",\"from\":\"", e.from.ToString(), "\",\"to\":\"", e.to.ToString(), "\"");
      }
      if (e.kind == TimelineEvent::Kind::kSetLatency) {
        absl::StrAppend(&detail, ",\"latency\":\"", e.latency->DebugString(), "\"");
      }
      if (e.kind == TimelineEvent::Kind::kSetLoss) {
        absl::StrAppend(&detail, ",\"loss\":", e.loss);
      }
      break;
  }
  digest_.AddString(detail);
  if (out_ != nullptr) line_.append(detail);
  End();
}

void TraceRecorder::OnJoinLost(NodeId node, NodeId contact) {
  Begin(kNode, "join_lost");
  digest_.AddUint64(kJoinLostMark);
  Node("node", node);
  Node("contact", contact);
  End();
}

void TraceRecorder::OnSkipped(TimelineEvent::Kind kind, NodeId node, const char* why) {
  Begin(kSkipped, "skipped");
  digest_.AddUint64(static_cast<uint64_t>(kind));
  Node("node", node);
  digest_.AddString(why);
  if (out_ != nullptr) {
    absl::StrAppend(&line_, ",\"action\":\"", EventKindName(kind), "\",\"why\":", JsonString(why));
  }
  End();
}

void TraceRecorder::OnMembership(NodeId node, const PeerSet& members) {
  Begin(kMembership, "membership");
  Node("node", node);
  digest_.AddUint64(members.size());
  for (NodeId m : members) digest_.AddUint64(m);
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"members\":\"", FormatNodeSet(members), "\"");
  End();
}

void TraceRecorder::OnOriginate(NodeId node, HandlerId handler, const BroadcastId& id) {
  Begin(kOriginate, "originate");
  Node("node", node);
  digest_.AddUint64(handler);
  if (out_ != nullptr) absl::StrAppend(&line_, ",\"handler\":", handler);
  Id(id);
  End();
}

void TraceRecorder::OnMerge(NodeId node, const BroadcastMsg& m, bool valid) {
  Begin(kMerge, "merge");
  Node("node", node);
  Node("from", m.from);
  Id(m.id);
  digest_.AddUint64(m.round);
  digest_.AddUint64(valid);
  if (out_ != nullptr) {
    absl::StrAppend(&line_, ",\"round\":", m.round, ",\"valid\":", valid ? "true" : "false");
  }
  End();
}

void TraceRecorder::OnPeersChanged(NodeId node, const PeerSetChange& c) {
  switch (c.kind) {
    case PeerSetChange::Kind::kAddEager:
    case PeerSetChange::Kind::kAddLazy: {
      const bool eager = c.kind == PeerSetChange::Kind::kAddEager;
      Begin(eager ? kAddEager : kAddLazy, eager ? "add_eager" : "add_lazy");
      Node("node", node);
      Node("root", c.root);
      Node("peer", c.peer);
      digest_.AddUint64(c.eager_changed);
      digest_.AddInt64(c.cause_type);
      if (out_ != nullptr) {
        absl::StrAppend(&line_, ",\"eager_changed\":", c.eager_changed ? "true" : "false",
                        ",\"cause\":\"", MessageTypeName(static_cast<size_t>(c.cause_type)), "\"");
      }
      // A prune carries no message id.
      if (c.cause_type != MessageIndex<PruneMsg>()) Id(c.cause_id);
      break;
    }
    case PeerSetChange::Kind::kResetPeers:
      // The sets' sizes, not their members: a full-membership start resets
      // every node's sets at every join (n^2 resets of n members).
      Begin(kResetPeers, "reset_peers");
      Node("node", node);
      digest_.AddUint64(c.eagers->size());
      digest_.AddUint64(c.lazys->size());
      if (out_ != nullptr) {
        absl::StrAppend(&line_, ",\"eagers\":", c.eagers->size(), ",\"lazys\":", c.lazys->size());
      }
      break;
    case PeerSetChange::Kind::kNeighborsDown:
      Begin(kNeighborsDown, "neighbors_down");
      Node("node", node);
      digest_.AddUint64(c.removed->size());
      for (NodeId peer : *c.removed) digest_.AddUint64(peer);
      if (out_ != nullptr) {
        absl::StrAppend(&line_, ",\"removed\":\"", FormatNodeSet(*c.removed), "\"");
      }
      break;
  }
  End();
}

}  // namespace plumsim
