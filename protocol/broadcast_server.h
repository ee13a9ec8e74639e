// Port of partisan_plumtree_broadcast: the Plumtree broadcast server.
//
// One instance per node. It keeps, per tree root, which peers this node
// eager-pushes to and which it lazy-pushes (i_have) to, and the outstanding
// lazy pushes not yet acknowledged. The Erlang gen_server's callbacks map to
// methods: handle_cast -> Broadcast / Update / HandleMessage, handle_info ->
// OnTimer / ExchangeFinished, handle_call -> the debug queries.
//
// Orders Erlang leaves undefined, and the one chosen here:
//  - The outstanding table is an ETS duplicate_bag keyed by peer; ets:foldl
//    visits keys in hash order. Here: ascending peer id, and within a peer
//    the order the entries were inserted (duplicate_bag keeps that order
//    for one key). The lazy tick sends i_have messages in this order.
//  - rand:uniform/1 draws come from the node's own stream
//    (Environment::UniformInt), one draw per non-empty choice, exactly where
//    Erlang draws.
//  - Sets are ordsets ordered by node id (see ordset.h).
//
// Deliberate differences, each for the simulator's sake and invisible in the
// messages a node sends:
//  - broadcast/2 casts to the server; Broadcast() is the cast's handler. The
//    heartbeat backend casts through a Broadcaster, which the host routes
//    through the server's mailbox (tests call the server at once).
//  - Running exchanges are tracked by an id the handler returns instead of a
//    monitored pid; cancel_exchanges/1 (an operator API) is not ported.
#ifndef PLUMSIM_PROTOCOL_BROADCAST_SERVER_H_
#define PLUMSIM_PROTOCOL_BROADCAST_SERVER_H_

#include <any>
#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/broadcast_handler.h"
#include "protocol/environment.h"
#include "protocol/message.h"
#include "protocol/ordset.h"
#include "protocol/outstanding_table.h"
#include "protocol/plumtree_config.h"
#include "protocol/root_peers.h"

namespace plumsim {

// partisan_plumtree_broadcast:broadcast/2: a cast to the node's broadcast
// server.
class Broadcaster {
 public:
  virtual ~Broadcaster() = default;
  virtual void Broadcast(const std::any& message, HandlerId handler) = 0;
};

class BroadcastServer final : public Broadcaster {
 public:
  // `env` outlives the server.
  BroadcastServer(Environment* env, PlumtreeConfig config);
  BroadcastServer(const BroadcastServer&) = delete;
  BroadcastServer& operator=(const BroadcastServer&) = delete;

  // broadcast_mods: registers a handler under `id` (the id its messages
  // carry). Call before Start, with the same ids on every node.
  void RegisterHandler(HandlerId id, BroadcastHandler* handler);

  // init/1 (via start_link/5): `members` are all members known now,
  // `initial_eagers` and `initial_lazys` the peers of every tree. Partisan's
  // start_link/0 passes Members, Members, []. Schedules both ticks.
  void Start(const std::vector<NodeId>& members, const std::vector<NodeId>& initial_eagers,
             const std::vector<NodeId>& initial_lazys);

  // broadcast/2, then handle_cast({broadcast, MessageId, Payload, Mod}).
  void Broadcast(const std::any& message, HandlerId handler) override;

  // update/1 -> handle_cast({update, Members}).
  void Update(const std::vector<NodeId>& members);

  // handle_cast/2 for the five protocol messages from peers.
  void HandleMessage(const Message& message);
  // Hints, not Partisan's: start loading what HandleMessage(message) will
  // read for the message's root, given the message's PlumtreeKeyOf. Step 0:
  // the root's entry in the root index (or its pair, when the entry is
  // inline); step 1, a few events later, once that is in cache: the pair's
  // peer sets. For a broadcast or an ignored_i_have, the outstanding table's
  // counts and queues (step 0), then the queues' entries (step 1). Changes
  // nothing.
  void Prefetch(const PlumtreeKey& key, int step) const;

  // handle_info(lazy_tick | exchange_tick).
  void OnTimer(TimerKind kind);

  // handle_info({'DOWN', Ref, ...}): a started exchange has ended.
  void ExchangeFinished(uint64_t exchange);

  // --- Debug API (handle_call) ---
  // get_peers/1: {Eagers, Lazys} for `root`.
  std::pair<PeerSet, PeerSet> GetPeers(NodeId root) const;
  // get_eager_peers/1, get_lazy_peers/1.
  const PeerSet& GetEagerPeers(NodeId root) const { return AllEagerPeers(root); }
  const PeerSet& GetLazyPeers(NodeId root) const { return AllLazyPeers(root); }
  // broadcast_members/0.
  const PeerSet& BroadcastMembers() const { return all_members_; }

  // --- Introspection for tests, metrics and tree snapshots ---
  const PeerSet& common_eagers() const { return common_eagers_; }
  const PeerSet& common_lazys() const { return common_lazys_; }
  // Roots with their own eager/lazy sets (the keys of eager_sets).
  std::vector<NodeId> RootsWithOwnSets() const;
  // The outstanding table in lazy-tick order: (peer, push).
  std::vector<std::pair<NodeId, OutstandingPush>> OutstandingEntries() const;
  size_t outstanding_count() const { return outstanding_.size(); }
  // Bytes of protocol state held, approximately, by part.
  struct StateBytes {
    size_t server = 0;  // this object and the common sets
    RootPeers::Bytes root_peers;
    size_t outstanding = 0;
  };
  StateBytes ApproximateStateBytes() const;
  // handlers in `mods` order and running exchanges {Mod, Peer, Exchange}.
  const std::vector<HandlerId>& mods() const { return mods_; }
  struct RunningExchange {
    HandlerId handler;
    NodeId peer;
    uint64_t exchange;
  };
  const std::vector<RunningExchange>& exchanges() const { return exchanges_; }

 private:
  BroadcastHandler* HandlerFor(HandlerId id) const;
  Channel ChannelFor(HandlerId id) const;
  void SendTo(NodeId peer, Message message, HandlerId handler);

  // Clauses of handle_cast and their helpers, named as in Erlang.
  void HandleBroadcast(bool valid, const BroadcastMsg& m);
  void HandleIHave(bool stale, const IHaveMsg& m);
  void HandleGraft(const GraftResult& result, const GraftMsg& m);
  void NeighborsDown(const PeerSet& removed);
  void EagerPush(const BroadcastId& id, const Payload& payload, HandlerId handler, uint32_t round,
                 NodeId root, NodeId from);
  void ScheduleLazyPush(const BroadcastId& id, HandlerId handler, uint32_t round, NodeId root,
                        NodeId from);
  void SendLazy();
  void MaybeExchange();
  void MaybeExchangeWith(NodeId peer);
  void StartExchange(NodeId peer, HandlerId handler);
  bool RandomRoot(const PeerSet& connected, NodeId* root);
  bool RandomPeer(NodeId root, const PeerSet& connected, NodeId* peer);
  bool RandomOtherNode(const PeerSet& candidates, const PeerSet& connected, NodeId* chosen);
  void AckOutstanding(const BroadcastId& id, HandlerId handler, uint32_t round, NodeId root,
                      NodeId from);
  void AddAllOutstanding(const BroadcastId& id, HandlerId handler, uint32_t round, NodeId root,
                         const PeerSet& peers, NodeId except);
  // `cause`: the message being handled (its type index and id), reported
  // with the change (Environment::PeersChanged).
  void AddEager(NodeId from, NodeId root, int cause_type, const BroadcastId& cause_id);
  void AddLazy(NodeId from, NodeId root, int cause_type, const BroadcastId& cause_id);
  void MovePeer(NodeId from, NodeId root, bool to_eager, int cause_type,
                const BroadcastId& cause_id);
  const PeerSet& AllEagerPeers(NodeId root) const;
  const PeerSet& AllLazyPeers(NodeId root) const;
  void ResetPeers(PeerSet all_members, const PeerSet& eager_peers, const PeerSet& lazy_peers);
  void ScheduleLazyTick();
  void ScheduleExchangeTick();

  Environment* const env_;
  const PlumtreeConfig config_;
  const NodeId self_;

  PeerSet all_members_;
  PeerSet common_eagers_;
  PeerSet common_lazys_;
  // eager_sets and lazy_sets: the roots with their own sets.
  // Node names are atoms: ordsets follow their text (protocol/node_order.h).
  const NodeOrder& order_;
  RootPeers root_peers_;
  // The ?PLUMTREE_OUTSTANDING duplicate_bag, keyed by peer.
  OutstandingTable outstanding_;

  // Registered handlers, indexed by HandlerId, and `mods` (lists:usort by
  // module name) for the exchange round-robin.
  std::vector<BroadcastHandler*> handlers_;
  int registered_handlers_ = 0;  // length(broadcast_mods)
  std::vector<HandlerId> mods_;
  std::vector<RunningExchange> exchanges_;
};

}  // namespace plumsim

#endif  // PLUMSIM_PROTOCOL_BROADCAST_SERVER_H_
