#include "sim/runtime/node_identity.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace plumsim {

std::optional<ListenAddress> ParseListenAddress(absl::string_view text) {
  const std::vector<absl::string_view> host_port = absl::StrSplit(text, ':');
  if (host_port.size() != 2) return std::nullopt;
  const std::vector<absl::string_view> octets = absl::StrSplit(host_port[0], '.');
  if (octets.size() != 4) return std::nullopt;
  ListenAddress a;
  for (int i = 0; i < 4; ++i) {
    uint32_t v;
    if (octets[i].empty() || !absl::SimpleAtoi(octets[i], &v) || v > 255) return std::nullopt;
    a.ip[i] = static_cast<uint8_t>(v);
  }
  uint32_t port;
  if (!absl::SimpleAtoi(host_port[1], &port) || port == 0 || port > 65535) return std::nullopt;
  a.port = static_cast<uint16_t>(port);
  return a;
}

std::string FormatListenAddress(const ListenAddress& a) {
  return absl::StrCat(a.ip[0], ".", a.ip[1], ".", a.ip[2], ".", a.ip[3], ":", a.port);
}

std::string DefaultNodeName(NodeId node) { return absl::StrCat("n", node, "@host"); }

ListenAddress DefaultListenAddress(NodeId node) {
  const uint32_t host = node + 1;
  ListenAddress a;
  a.ip = {10, static_cast<uint8_t>(host >> 16), static_cast<uint8_t>(host >> 8),
          static_cast<uint8_t>(host)};
  a.port = 9090;
  return a;
}

bool IsValidNodeName(absl::string_view name) {
  const size_t at = name.find('@');
  if (at == absl::string_view::npos || at == 0 || at + 1 == name.size()) return false;
  if (name.find('@', at + 1) != absl::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '@' || c == '_' || c == '-' || c == '.' || (c >= '0' && c <= '9') ||
           (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

namespace {

// rank[id] for ids sorted by `less`; the identity order if that is ascending.
template <typename Less>
NodeOrder Ranked(size_t n, Less less) {
  std::vector<NodeId> ids(n);
  std::iota(ids.begin(), ids.end(), NodeId{0});
  std::stable_sort(ids.begin(), ids.end(), less);
  bool identity = true;
  std::vector<uint32_t> rank(n);
  for (size_t r = 0; r < n; ++r) {
    rank[ids[r]] = static_cast<uint32_t>(r);
    identity = identity && ids[r] == r;
  }
  return identity ? NodeOrder() : NodeOrder(std::move(rank));
}

}  // namespace

// Atoms compare by their characters (all ASCII here): byte order.
NodeOrder NameOrder(const std::vector<std::string>& names) {
  return Ranked(names.size(), [&](NodeId a, NodeId b) { return names[a] < names[b]; });
}

NodeOrder SpecOrder(const std::vector<ListenAddress>& addresses,
                    const std::vector<std::string>& names) {
  return Ranked(names.size(), [&](NodeId a, NodeId b) {
    if (!(addresses[a] == addresses[b])) return addresses[a] < addresses[b];
    return names[a] < names[b];
  });
}

}  // namespace plumsim
