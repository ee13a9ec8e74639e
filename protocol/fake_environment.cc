#include "protocol/fake_environment.h"

#include <ostream>

namespace plumsim {

void PrintTo(const SentMessage& sent, std::ostream* os) {
  *os << "to " << NodeName(sent.to) << ": " << DebugString(sent.message) << " on channel "
      << static_cast<int>(sent.channel);
}

}  // namespace plumsim
