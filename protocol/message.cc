#include "protocol/message.h"

#include "absl/strings/str_cat.h"

namespace plumsim {

bool operator==(const BroadcastMsg& a, const BroadcastMsg& b) {
  const bool payloads_equal =
      (a.payload == nullptr || b.payload == nullptr)
          ? a.payload == b.payload
          : *a.payload == *b.payload;
  return a.id == b.id && payloads_equal && a.handler == b.handler &&
         a.round == b.round && a.root == b.root && a.from == b.from;
}

const char* MessageTypeName(const PlumtreeMessage& message) {
  static constexpr const char* kNames[] = {"broadcast", "prune", "i_have",
                                           "ignored_i_have", "graft"};
  return kNames[message.index()];
}

std::string DebugString(const BroadcastId& id) {
  return absl::StrCat("{", NodeName(id.origin), ",", id.epoch, ",", id.sequence,
                      "}");
}

namespace {

template <typename LazyMsg>
std::string LazyString(const char* name, const LazyMsg& m) {
  return absl::StrCat("{", name, ", ", DebugString(m.id), ", h", m.handler, ", ",
                      m.round, ", ", NodeName(m.root), ", ", NodeName(m.from),
                      "}");
}

}  // namespace

std::string DebugString(const PlumtreeMessage& message) {
  struct Visitor {
    std::string operator()(const BroadcastMsg& m) const {
      return absl::StrCat("{broadcast, ", DebugString(m.id), ", ",
                          m.payload ? absl::StrCat(m.payload->size(), "B")
                                    : std::string("-"),
                          ", h", m.handler, ", ", m.round, ", ",
                          NodeName(m.root), ", ", NodeName(m.from), "}");
    }
    std::string operator()(const PruneMsg& m) const {
      return absl::StrCat("{prune, ", NodeName(m.root), ", ", NodeName(m.from),
                          "}");
    }
    std::string operator()(const IHaveMsg& m) const {
      return LazyString("i_have", m);
    }
    std::string operator()(const IgnoredIHaveMsg& m) const {
      return LazyString("ignored_i_have", m);
    }
    std::string operator()(const GraftMsg& m) const {
      return LazyString("graft", m);
    }
  };
  return std::visit(Visitor{}, message);
}

}  // namespace plumsim
