// The simulated network between nodes (DESIGN.md, "Network and faults").
//
// - Latency per message from a distribution: a global default and per-link
//   overrides (directed links).
// - FIFO per directed link by default, as Partisan's TCP channels are: a
//   message never arrives before one sent earlier on the same link (its
//   arrival is clamped to the link's last arrival; equal times keep send
//   order). `reorder = true` turns the clamp off.
// - Loss per message (global and per link) and optional duplication.
// - Faults: symmetric partitions (groups), one-way partitions (A cannot reach
//   B), single links down, nodes down. A message is dropped at send time if
//   its link is cut ("unreachable": Partisan loses casts to unconnected
//   peers silently), and dropped on arrival if any cut that separated its
//   link happened while it was in flight ("cut"), even if healed since.
//
// Connectivity is per direction: IsConnected(a, b) is "a can send to b".
// A symmetric cut makes both directions false at once.
#ifndef PLUMSIM_SIM_NETWORK_H_
#define PLUMSIM_SIM_NETWORK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "protocol/message.h"
#include "protocol/ordset.h"
#include "sim/latency.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace plumsim {

struct NetworkConfig {
  LatencyDistribution latency = LatencyDistribution::Constant(SimDuration::Milliseconds(1));
  double loss = 0;       // probability a message is lost
  double duplicate = 0;  // probability a message is delivered twice
  bool reorder = false;  // let later messages overtake earlier ones
};

enum class DropReason : uint8_t {
  kUnreachable,  // sender cannot reach the receiver at send time
  kLoss,         // random loss
  kCut,          // a partition, link cut or crash while in flight
  kNotConnected, // HyParView mode: the sender holds no connection to the receiver
  kNeverArrives, // the latency drawn does not fit in virtual time
};
inline constexpr int kDropReasons = 5;
const char* DropReasonName(DropReason reason);

// Sees every message the network handles.
class NetworkObserver {
 public:
  virtual ~NetworkObserver() = default;
  virtual void OnSend(NodeId from, NodeId to, const Message& message) = 0;
  virtual void OnDeliver(NodeId from, NodeId to, const Message& message) = 0;
  virtual void OnDrop(NodeId from, NodeId to, const Message& message,
                      DropReason reason) = 0;
};

// Receives the messages that arrive.
class MessageReceiver {
 public:
  virtual ~MessageReceiver() = default;
  virtual void Deliver(NodeId from, NodeId to, const Message& message) = 0;
};

class Network final : public EventHandler {
 public:
  Network(Simulator* sim, NetworkConfig config, uint64_t root_seed,
          MessageReceiver* receiver, NetworkObserver* observer);

  // Nodes are up once added; ids are dense from 0.
  void EnsureNode(NodeId node);
  void SetNodeUp(NodeId node, bool up);
  bool IsUp(NodeId node) const { return node < up_.size() && up_[node]; }

  // Whether `from` can send to `to` right now.
  bool IsConnected(NodeId from, NodeId to) const;

  void Send(NodeId from, NodeId to, Message message);

  // --- Faults and changes (scenario timeline) ---
  // Symmetric partition: nodes in different groups cannot reach each other;
  // nodes in no group form one more group. Replaces an earlier partition.
  void Partition(const std::vector<PeerSet>& groups);
  // One-way partition: nodes in `from` cannot reach nodes in `to`.
  void PartitionOneWay(const PeerSet& from, const PeerSet& to);
  // Ends every partition (symmetric and one-way); links set down stay down.
  void Heal();
  void SetLinkDown(NodeId from, NodeId to, bool down);
  void SetDefaultLatency(const LatencyDistribution& latency) { config_.latency = latency; }
  void SetDefaultLoss(double loss) { config_.loss = loss; }
  void SetLinkLatency(NodeId from, NodeId to, const LatencyDistribution& latency);
  void SetLinkLoss(NodeId from, NodeId to, double loss);

  const NetworkConfig& config() const { return config_; }
  // Whether any partition or downed link is in force (if not, every pair of
  // up nodes is connected).
  bool HasActiveCuts() const {
    return !group_.empty() || !one_way_.empty() || !links_down_.empty();
  }

  // Called whenever a fault cuts connectivity (a node goes down, a
  // partition, a link down): connection holders must learn of it.
  void set_on_cut(std::function<void()> on_cut) { on_cut_ = std::move(on_cut); }

  // Delivery events.
  void OnEvent(uint64_t slot) override;

 private:
  struct LinkOverride {
    std::optional<LatencyDistribution> latency;
    std::optional<double> loss;
  };
  // One fault that separated some links, in the order they happened.
  struct Cut {
    enum class Kind { kGroups, kOneWay, kLink, kNode } kind;
    std::vector<uint32_t> group;  // kGroups: group per node
    std::vector<bool> from_set;   // kOneWay
    std::vector<bool> to_set;     // kOneWay
    NodeId a = 0, b = 0;          // kLink: a -> b; kNode: a
    bool Separates(NodeId from, NodeId to) const;
  };
  struct InFlight {
    NodeId from = 0;
    NodeId to = 0;
    uint32_t cuts_at_send = 0;
    Message message;
  };

  static uint64_t LinkKey(NodeId from, NodeId to) {
    return (static_cast<uint64_t>(from) << 32) | to;
  }
  bool Reachable(NodeId from, NodeId to) const;
  void AddCut(Cut cut);
  void Schedule(NodeId from, NodeId to, Message message, SimDuration latency);

  Simulator* const sim_;
  NetworkConfig config_;
  RandomStream rng_;
  MessageReceiver* const receiver_;
  NetworkObserver* const observer_;

  std::vector<bool> up_;
  // Current partitions.
  std::vector<uint32_t> group_;  // empty: no symmetric partition
  std::vector<Cut> one_way_;     // active one-way partitions
  absl::flat_hash_set<uint64_t> links_down_;
  absl::flat_hash_map<uint64_t, LinkOverride> overrides_;
  absl::flat_hash_map<uint64_t, SimTime> last_arrival_;
  // Every cut so far; a message remembers how many there were at send.
  std::vector<Cut> cuts_;
  std::function<void()> on_cut_;

  std::vector<InFlight> slots_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_NETWORK_H_
