// [network], [network.tcp] and [[network.links]]: the transport, latency,
// loss and their per-link overrides.
#include <string>
#include <utility>

#include "sim/scenario/sections.h"

namespace plumsim {
namespace {

constexpr absl::string_view kNetworkKeys[] = {"latency", "loss",      "duplicate", "reorder",
                                              "links",   "transport", "tcp"};
constexpr absl::string_view kTcpKeys[] = {"min_rto", "max_rto"};
constexpr absl::string_view kLinkKeys[] = {"from", "to", "symmetric", "latency", "loss"};

void ReadTransport(const toml::node& v, ScenarioReader* r, Scenario* s) {
  const std::optional<std::string> t = r->String(v, "network.transport");
  if (t == "tcp") {
    s->network.transport = Transport::kTcp;
  } else if (t == "datagram") {
    s->network.transport = Transport::kDatagram;
  } else if (t) {
    r->Error(&v, "network.transport", "expected \"tcp\" or \"datagram\"");
  }
}

// [network.tcp]
void ReadTcp(const toml::node& v, bool tcp, ScenarioReader* r, Scenario* s) {
  if (!v.is_table()) {
    r->Error(&v, "network.tcp", "expected a table");
    return;
  }
  if (!tcp) r->Error(&v, "network.tcp", "only for transport = \"tcp\"");
  const toml::table& t = *v.as_table();
  r->CheckKeys(t, "network.tcp", kTcpKeys);
  TcpConfig& c = s->network.tcp;
  if (const toml::node* x = t.get("min_rto")) {
    SetIfRead(r->Period(*x, "network.tcp.min_rto"), &c.min_rto);
  }
  if (const toml::node* x = t.get("max_rto")) {
    SetIfRead(r->Period(*x, "network.tcp.max_rto"), &c.max_rto);
  }
  if (c.max_rto < c.min_rto) {
    r->Error(t.get("max_rto") != nullptr ? t.get("max_rto") : &v, "network.tcp.max_rto",
             "must be at least min_rto");
  }
}

// [[network.links]]
void ReadLink(const toml::table& t, ScenarioReader* r, Scenario* s) {
  r->CheckKeys(t, "network.links", kLinkKeys);
  LinkSpec link;
  const toml::node* from = t.get("from");
  const toml::node* to = t.get("to");
  if (from == nullptr) r->Missing(&t, "network.links.from", "");
  if (to == nullptr) r->Missing(&t, "network.links.to", "");
  if (from != nullptr) SetIfRead(r->Nodes(*from, "network.links.from"), &link.from);
  if (to != nullptr) SetIfRead(r->Nodes(*to, "network.links.to"), &link.to);
  if (const toml::node* x = t.get("symmetric")) {
    SetIfRead(r->Bool(*x, "network.links.symmetric"), &link.symmetric);
  }
  if (const toml::node* x = t.get("latency")) {
    link.latency = r->Latency(*x, "network.links.latency");
  }
  if (const toml::node* x = t.get("loss")) link.loss = r->Probability(*x, "network.links.loss");
  if (t.get("latency") == nullptr && t.get("loss") == nullptr) {
    r->Error(&t, "network.links", "sets neither \"latency\" nor \"loss\"");
  }
  s->links.push_back(std::move(link));
}

void ReadNetwork(const toml::table& root, ScenarioReader* r, Scenario* s) {
  const toml::table* n = SectionTable(root, "network", r);
  if (n == nullptr) return;
  r->CheckKeys(*n, "network", kNetworkKeys);
  if (const toml::node* v = n->get("transport")) ReadTransport(*v, r, s);
  const bool tcp = s->network.transport == Transport::kTcp;
  if (const toml::node* v = n->get("latency")) {
    SetIfRead(r->Latency(*v, "network.latency"), &s->network.latency);
  }
  if (const toml::node* v = n->get("loss")) {
    SetIfRead(r->Probability(*v, "network.loss"), &s->network.loss);
  }
  if (const toml::node* v = n->get("duplicate")) {
    SetIfRead(r->Probability(*v, "network.duplicate"), &s->network.duplicate);
    if (tcp && s->network.duplicate > 0) {
      r->Error(v, "network.duplicate",
               "TCP delivers each message once: only for transport = \"datagram\"");
    }
  }
  if (const toml::node* v = n->get("reorder")) {
    SetIfRead(r->Bool(*v, "network.reorder"), &s->network.reorder);
    if (tcp && s->network.reorder) {
      r->Error(v, "network.reorder", "TCP delivers in order: only for transport = \"datagram\"");
    }
  }
  if (const toml::node* v = n->get("tcp")) ReadTcp(*v, tcp, r, s);
  if (const toml::node* v = n->get("links")) {
    if (!v->is_array_of_tables()) {
      r->Error(v, "network.links", "expected [[network.links]] tables");
      return;
    }
    for (const toml::node& e : *v->as_array()) ReadLink(*e.as_table(), r, s);
  }
}

toml::array LinksToToml(const std::vector<LinkSpec>& links) {
  toml::array arr;
  for (const LinkSpec& l : links) {
    toml::table t{{"from", l.from.ToString()}, {"to", l.to.ToString()}, {"symmetric", l.symmetric}};
    if (l.latency) t.insert("latency", LatencyToToml(*l.latency));
    if (l.loss) t.insert("loss", *l.loss);
    arr.push_back(std::move(t));
  }
  return arr;
}

void WriteNetwork(const Scenario& s, toml::table* root) {
  const NetworkConfig& network = s.network;
  toml::table net{{"transport", TransportName(network.transport)},
                  {"latency", LatencyToToml(network.latency)},
                  {"loss", network.loss},
                  {"duplicate", network.duplicate},
                  {"reorder", network.reorder}};
  if (!s.links.empty()) net.insert("links", LinksToToml(s.links));
  if (network.transport == Transport::kTcp) {
    net.insert("tcp", toml::table{{"min_rto", FormatSimDuration(network.tcp.min_rto)},
                                  {"max_rto", FormatSimDuration(network.tcp.max_rto)}});
  }
  root->insert("network", std::move(net));
}

std::vector<TableKeys> NetworkKeys() {
  return {KeysOf("network", kNetworkKeys), KeysOf("network.tcp", kTcpKeys),
          KeysOf("network.links", kLinkKeys)};
}

}  // namespace

ScenarioSection NetworkSection() { return {"network", &ReadNetwork, &WriteNetwork, &NetworkKeys}; }

}  // namespace plumsim
