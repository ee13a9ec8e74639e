// Nodes as Partisan names them (docs/runtime-model.md, "Names, addresses
// and order"): an Erlang node name (an atom such as 'n3@host') and a
// listen address (partisan_config listen_addrs, #{ip, port}). Scenario
// files and outputs keep calling nodes "n3"; names and addresses only
// decide Erlang's order of nodes, which the protocol modules follow.
//
// Defaults: node k is 'n<k>@host' listening on 10.0.0.0 + (k + 1), port
// 9090 (so 10.0.0.1:9090 for n0, 10.0.1.0:9090 for n255). Name order is
// text order ('n10@host' < 'n1@host' < 'n2@host'); spec order with the
// default addresses is ascending k.
#ifndef PLUMSIM_SIM_RUNTIME_NODE_IDENTITY_H_
#define PLUMSIM_SIM_RUNTIME_NODE_IDENTITY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "protocol/node_order.h"
#include "protocol/ordset.h"

namespace plumsim {

struct ListenAddress {
  std::array<uint8_t, 4> ip{};
  uint16_t port = 0;
  // As Erlang compares #{ip => {A,B,C,D}, port => P}: ip, then port.
  friend bool operator<(const ListenAddress& a, const ListenAddress& b) {
    return a.ip != b.ip ? a.ip < b.ip : a.port < b.port;
  }
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

// "a.b.c.d:port" (IPv4).
std::optional<ListenAddress> ParseListenAddress(absl::string_view text);
std::string FormatListenAddress(const ListenAddress& address);

std::string DefaultNodeName(NodeId node);
ListenAddress DefaultListenAddress(NodeId node);
// name@host, each part letters, digits, '_', '-' or '.'.
bool IsValidNodeName(absl::string_view name);

// The orders of nodes 0..n-1: by name text (atoms), and by node spec
// (listen address, then name; the channels are the same on every node).
// The identity order when it is ascending id.
NodeOrder NameOrder(const std::vector<std::string>& names);
NodeOrder SpecOrder(const std::vector<ListenAddress>& addresses,
                    const std::vector<std::string>& names);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_RUNTIME_NODE_IDENTITY_H_
