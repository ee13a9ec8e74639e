#include "sim/world/observer.h"

namespace plumsim {

const char* NodeEventName(NodeEventKind kind) {
  switch (kind) {
    case NodeEventKind::kStart:
      return "start";
    case NodeEventKind::kCrash:
      return "crash";
    case NodeEventKind::kRestart:
      return "restart";
    case NodeEventKind::kJoin:
      return "join";
    case NodeEventKind::kLeave:
      return "leave";
  }
  return "?";
}

}  // namespace plumsim
