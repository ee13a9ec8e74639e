#include "protocol/message.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace plumsim {

bool operator==(const BroadcastMsg& a, const BroadcastMsg& b) {
  const bool payloads_equal = (a.payload == nullptr || b.payload == nullptr)
                                  ? a.payload == b.payload
                                  : *a.payload == *b.payload;
  return a.id == b.id && payloads_equal && a.handler == b.handler && a.round == b.round &&
         a.root == b.root && a.from == b.from;
}

const char* MessageTypeName(size_t index) {
  static constexpr const char* kNames[] = {"broadcast",
                                           "prune",
                                           "i_have",
                                           "ignored_i_have",
                                           "graft",
                                           "join",
                                           "neighbor",
                                           "forward_join",
                                           "disconnect",
                                           "neighbor_request",
                                           "neighbor_rejected",
                                           "neighbor_accepted",
                                           "shuffle",
                                           "shuffle_reply"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == kMessageTypes);
  return kNames[index];
}

const char* MessageTypeName(const Message& message) { return MessageTypeName(message.index()); }

std::string DebugString(const BroadcastId& id) {
  return absl::StrCat("{", NodeName(id.origin), ",", id.epoch, ",", id.sequence, "}");
}

namespace {

template <typename LazyMsg>
std::string LazyString(const char* name, const LazyMsg& m) {
  return absl::StrCat("{", name, ", ", DebugString(m.id), ", h", m.handler, ", ", m.round, ", ",
                      NodeName(m.root), ", ", NodeName(m.from), "}");
}

std::string Nodes(const std::vector<NodeId>& nodes) {
  std::vector<std::string> names;
  for (NodeId n : nodes) names.push_back(NodeName(n));
  return absl::StrCat("[", absl::StrJoin(names, ","), "]");
}
std::string Id(const DisconnectId& id) { return absl::StrCat("{", id.epoch, ",", id.counter, "}"); }
std::string HyParViewString(const JoinMsg& m) {
  return absl::StrCat("{join, ", NodeName(m.peer), ", ", m.epoch, "}");
}
std::string HyParViewString(const NeighborMsg& m) {
  return absl::StrCat("{neighbor, ", NodeName(m.peer), ", ", Id(m.disconnect_id), "}");
}
std::string HyParViewString(const ForwardJoinMsg& m) {
  return absl::StrCat("{forward_join, ", NodeName(m.peer), ", ", m.epoch, ", ", m.ttl, ", ",
                      NodeName(m.sender), "}");
}
std::string HyParViewString(const DisconnectMsg& m) {
  return absl::StrCat("{disconnect, ", NodeName(m.peer), ", ", Id(m.disconnect_id), "}");
}
std::string HyParViewString(const NeighborRequestMsg& m) {
  return absl::StrCat("{neighbor_request, ", NodeName(m.peer), ", ",
                      m.high_priority ? "high" : "low", ", ", Id(m.disconnect_id), ", ",
                      Nodes(m.exchange), "}");
}
std::string HyParViewString(const NeighborRejectedMsg& m) {
  return absl::StrCat("{neighbor_rejected, ", NodeName(m.peer),
                      m.has_exchange ? absl::StrCat(", ", Nodes(m.exchange)) : "", "}");
}
std::string HyParViewString(const NeighborAcceptedMsg& m) {
  return absl::StrCat("{neighbor_accepted, ", NodeName(m.peer), ", ", Id(m.disconnect_id), ", ",
                      Nodes(m.exchange), "}");
}
std::string HyParViewString(const ShuffleMsg& m) {
  return absl::StrCat("{shuffle, ", Nodes(m.exchange), ", ", m.ttl, ", ", NodeName(m.sender), "}");
}
std::string HyParViewString(const ShuffleReplyMsg& m) {
  return absl::StrCat("{shuffle_reply, ", Nodes(m.exchange), ", ", NodeName(m.sender), "}");
}

struct DebugVisitor {
  std::string operator()(const BroadcastMsg& m) const {
    return absl::StrCat("{broadcast, ", DebugString(m.id), ", ",
                        m.payload ? absl::StrCat(m.payload->size(), "B") : std::string("-"), ", h",
                        m.handler, ", ", m.round, ", ", NodeName(m.root), ", ", NodeName(m.from),
                        "}");
  }
  std::string operator()(const PruneMsg& m) const {
    return absl::StrCat("{prune, ", NodeName(m.root), ", ", NodeName(m.from), "}");
  }
  std::string operator()(const IHaveMsg& m) const { return LazyString("i_have", m); }
  std::string operator()(const IgnoredIHaveMsg& m) const { return LazyString("ignored_i_have", m); }
  std::string operator()(const GraftMsg& m) const { return LazyString("graft", m); }
  // Membership messages: type, node ids and lists.
  template <typename T>
  std::string operator()(const T& m) const {
    return HyParViewString(m);
  }
};

}  // namespace

std::string DebugString(const Message& message) { return std::visit(DebugVisitor{}, message); }

}  // namespace plumsim
