// Port of partisan_hyparview_peer_service_manager: the HyParView membership
// protocol (active and passive partial views), sans-IO like the broadcast
// server. Its active view is what the broadcast server sees as members:
// notify/1 hands it over (through the `notify` callback, Partisan's
// partisan_peer_service_events:update/1).
//
// Ported: join, forward_join (active and passive random walks), neighbor,
// neighbor_request / accepted / rejected, disconnect with disconnect ids,
// shuffle and shuffle_reply (passive view maintenance), random promotion,
// and the reaction to a connection going down ('EXIT').
//
// Left out, as the issue allows: tags and reserved slots (no node has a tag,
// so reserved-slot checks are always false), X-BOT optimisation, partition
// injection messages (the simulator's network does partitions), relay
// (transitive) forwarding, tree refresh, epochs persisted to disk (the host
// passes a per-incarnation epoch that grows across restarts instead).
//
// Quirks of the Erlang kept as they are, each marked where it happens:
//  - The active view contains the node itself (init/1), so
//    active_max_size 6 means five peers and active_min_size 3 two.
//  - promote_peer/2 always asks with priority high, so low-priority
//    requests never occur.
//  - add_to_active_view/3 recomputes the passive view before
//    drop_random_element_from_active_view/1 and stores that, so the dropped
//    peer does not stay in the passive view.
//  - shuffle/2 draws one rand:uniform() per element but keeps the FIRST K
//    elements of the view in order (ordered by node for views of at most 32,
//    as Erlang's small maps are), only permuting them.
//  - disconnect, 'EXIT' and neighbor_rejected do not call notify/1.
//  - One branch of neighbor_request sends {neighbor_rejected, Myself} with
//    no exchange, which no clause receives; it is ignored here. It cannot
//    happen anyway: every request is high priority.
//
// Orders: views are sets; Erlang lists small sets in term order, which for
// node specs is by name. Here: by node id (ordset.h).
#ifndef PLUMSIM_PROTOCOL_HYPARVIEW_H_
#define PLUMSIM_PROTOCOL_HYPARVIEW_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "protocol/environment.h"
#include "protocol/message.h"
#include "protocol/ordset.h"

namespace plumsim {

// Partisan's `hyparview` options and defaults (partisan_config).
struct HyParViewConfig {
  int64_t active_max_size = 6;
  int64_t active_min_size = 3;
  int64_t active_rwl = 6;
  int64_t passive_max_size = 30;
  int64_t passive_rwl = 6;
  bool random_promotion = true;
  absl::Duration random_promotion_interval = absl::Milliseconds(5000);
  absl::Duration shuffle_interval = absl::Milliseconds(10000);
  int64_t shuffle_k_active = 3;
  int64_t shuffle_k_passive = 4;
};

class HyParView {
 public:
  // `notify` receives the active view (self included) whenever Partisan's
  // notify/1 would publish it. `epoch` grows across this node's restarts.
  HyParView(Environment* env, HyParViewConfig config, int64_t epoch,
            std::function<void(const PeerSet&)> notify);

  // init/1: Active = {self}; schedules passive view maintenance and random
  // promotion.
  void Start();
  // handle_cast({join, Peer}): connect and send {join, Myself, Tag, Epoch}.
  void Join(NodeId contact);
  // handle_message/3 for the nine membership messages.
  void HandleMessage(const Message& message);
  // handle_info(random_promotion | passive_view_maintenance).
  void OnTimer(TimerKind kind);
  // handle_info({'EXIT', ...}): the connection to `peer` died.
  void ConnectionDown(NodeId peer);

  const PeerSet& active() const { return active_; }  // self included
  const PeerSet& passive() const { return passive_; }
  int64_t epoch() const { return epoch_; }

 private:
  void HandleJoin(const JoinMsg& m);
  void HandleNeighbor(const NeighborMsg& m);
  void HandleForwardJoin(const ForwardJoinMsg& m);
  void HandleDisconnect(const DisconnectMsg& m);
  void HandleNeighborRequest(const NeighborRequestMsg& m);
  void HandleNeighborRejected(const NeighborRejectedMsg& m);
  void HandleNeighborAccepted(const NeighborAcceptedMsg& m);
  void HandleShuffle(const ShuffleMsg& m);

  void Send(NodeId to, Message message);
  void Notify();
  std::optional<NodeId> PickRandom(const PeerSet& view, const PeerSet& omit);
  std::vector<NodeId> Shuffle(const PeerSet& view, int64_t k);
  std::vector<NodeId> SelectPeersForExchange();
  void AddToActiveView(NodeId peer);
  void AddToPassiveView(NodeId peer);
  void DropRandomElementFromActiveView();
  void MergeExchange(const std::vector<NodeId>& exchange);
  void PromotePeer(std::optional<NodeId> peer);
  bool IsFullActive() const {
    return static_cast<int64_t>(active_.size()) >= config_.active_max_size;
  }
  bool IsFullPassive() const {
    return static_cast<int64_t>(passive_.size()) >= config_.passive_max_size;
  }
  bool IsAddable(int64_t peer_epoch, NodeId peer) const;
  bool IsAddable(const DisconnectId& id, NodeId peer) const;
  bool IsValidDisconnect(NodeId peer, const DisconnectId& id) const;
  DisconnectId CurrentId(NodeId peer) const;
  DisconnectId NextId(NodeId peer) const;
  void ScheduleRandomPromotion();
  void SchedulePassiveViewMaintenance();

  Environment* const env_;
  const HyParViewConfig config_;
  const NodeId self_;
  // Views are sets of node specs: they follow the spec order.
  const NodeOrder& order_;
  const int64_t epoch_;
  std::function<void(const PeerSet&)> notify_;
  PeerSet active_;
  PeerSet passive_;
  absl::flat_hash_map<NodeId, DisconnectId> sent_message_map_;
  absl::flat_hash_map<NodeId, DisconnectId> recv_message_map_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_HYPARVIEW_H_
