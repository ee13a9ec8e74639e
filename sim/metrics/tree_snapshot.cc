#include "sim/metrics/tree_snapshot.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace plumsim {
namespace {

using Json = nlohmann::json;

std::string EdgeListJson(const std::vector<Edge>& edges) {
  return absl::StrCat("[",
                      absl::StrJoin(edges, ",",
                                    [](std::string* out, const Edge& e) {
                                      absl::StrAppend(out, "[\"", NodeName(e.first), "\",\"",
                                                      NodeName(e.second), "\"]");
                                    }),
                      "]");
}

std::string NodeListJson(const std::vector<NodeId>& nodes) {
  return absl::StrCat("[",
                      absl::StrJoin(nodes, ",",
                                    [](std::string* out, NodeId n) {
                                      absl::StrAppend(out, "\"", NodeName(n), "\"");
                                    }),
                      "]");
}

bool NodeNumber(const Json& j, int64_t* out) {
  if (!j.is_string()) return false;
  const std::string& s = j.get_ref<const std::string&>();
  return s.size() > 1 && s[0] == 'n' && absl::SimpleAtoi(absl::string_view(s).substr(1), out) &&
         *out >= 0;
}

bool NodeList(const Json& j, std::vector<int64_t>* out) {
  if (!j.is_array()) return false;
  for (const Json& n : j) {
    int64_t id;
    if (!NodeNumber(n, &id)) return false;
    out->push_back(id);
  }
  return true;
}

bool EdgeList(const Json& j, int64_t node_count, std::vector<std::pair<int64_t, int64_t>>* out) {
  if (!j.is_array()) return false;
  for (const Json& e : j) {
    int64_t a, b;
    if (!e.is_array() || e.size() != 2 || !NodeNumber(e[0], &a) || !NodeNumber(e[1], &b) ||
        a >= node_count || b >= node_count) {
      return false;
    }
    out->emplace_back(a, b);
  }
  return true;
}

bool DegreeHistogram(const Json& j, std::map<int64_t, int64_t>* out) {
  if (!j.contains("degree_histogram")) return true;
  const Json& h = j["degree_histogram"];
  if (!h.is_object()) return false;
  for (const auto& [key, count] : h.items()) {
    int64_t degree;
    if (!absl::SimpleAtoi(key, &degree) || !count.is_number_integer()) return false;
    (*out)[degree] = count.get<int64_t>();
  }
  return true;
}

}  // namespace

std::string TreeJson(const Simulation& sim, const TreeShape& t, SimTime at) {
  // Every node that is not live: down (not running) or cut off from the
  // root (running, not in its component). Live = the rest.
  std::vector<NodeId> down, cut_off;
  for (NodeId x = 0; x < sim.node_count(); ++x) {
    if (!sim.node(x).running()) {
      down.push_back(x);
    } else if (!ordsets::IsElement(x, t.live)) {
      cut_off.push_back(x);
    }
  }
  std::vector<std::string> degrees;
  for (const auto& [degree, count] : t.degree_histogram) {
    degrees.push_back(absl::StrCat("\"", degree, "\":", count));
  }
  return absl::StrCat(
      "{\"root\":\"", NodeName(t.root), "\",\"at_ns\":", at.ns(),
      ",\"root_running\":", t.root_running ? "true" : "false", ",\"live\":", t.live.size(),
      ",\"spanning\":", t.spanning ? "true" : "false", ",\"depth\":", t.depth,
      ",\"unreached\":", t.unreached, ",\"multi_parent_nodes\":", t.multi_parent_nodes,
      ",\"asymmetric_pairs\":", t.asymmetric_pairs, ",\"stale_eager\":", t.stale_eager,
      ",\"degree_histogram\":{", absl::StrJoin(degrees, ","), "},\"edges\":", EdgeListJson(t.edges),
      ",\"lazy_edges\":", EdgeListJson(t.lazy_edges), ",\"node_count\":", sim.node_count(),
      ",\"down\":", NodeListJson(down), ",\"cut_off\":", NodeListJson(cut_off), "}\n");
}

std::string TreeDot(const Simulation& sim, const TreeShape& t, SimTime at) {
  std::string out = absl::StrCat("graph \"", NodeName(t.root), "@", FormatSimTime(at),
                                 "\" {\n  label=\"root ", NodeName(t.root), " at ",
                                 FormatSimTime(at), t.spanning ? ", spanning" : ", not spanning",
                                 ", depth ", t.depth, "\";\n  node [shape=circle];\n");
  absl::StrAppend(&out, "  ", NodeName(t.root), " [shape=doublecircle];\n");
  for (NodeId x = 0; x < sim.node_count(); ++x) {
    if (!sim.node(x).running()) {
      absl::StrAppend(&out, "  ", NodeName(x), " [style=filled, fillcolor=grey, label=\"",
                      NodeName(x), "\\n(down)\"];\n");
    } else if (!ordsets::IsElement(x, t.live)) {
      absl::StrAppend(&out, "  ", NodeName(x), " [style=dotted, label=\"", NodeName(x),
                      "\\n(cut off)\"];\n");
    }
  }
  for (const Edge& e : t.edges) {
    absl::StrAppend(&out, "  ", NodeName(e.first), " -- ", NodeName(e.second), ";\n");
  }
  for (const Edge& e : t.lazy_edges) {
    absl::StrAppend(&out, "  ", NodeName(e.first), " -- ", NodeName(e.second),
                    " [style=dashed, color=grey];\n");
  }
  out += "}\n";
  return out;
}

absl::StatusOr<TreeSnapshot> ParseTreeSnapshot(absl::string_view json, absl::string_view source) {
  const Json j = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", why));
  };
  if (!j.is_object()) return bad("not a JSON object");
  TreeSnapshot s;
  if (!j.contains("root") || !NodeNumber(j["root"], &s.root)) return bad("no \"root\" node");
  if (!j.contains("at_ns") || !j["at_ns"].is_number_integer()) return bad("no \"at_ns\"");
  s.at_ns = j["at_ns"].get<int64_t>();
  s.root_running = j.value("root_running", false);
  s.spanning = j.value("spanning", false);
  s.live = j.value("live", int64_t{0});
  s.depth = j.value("depth", int64_t{0});
  s.unreached = j.value("unreached", int64_t{0});
  s.multi_parent_nodes = j.value("multi_parent_nodes", int64_t{0});
  s.asymmetric_pairs = j.value("asymmetric_pairs", int64_t{0});
  s.stale_eager = j.value("stale_eager", int64_t{0});
  if (!DegreeHistogram(j, &s.degree_histogram))
    return bad("\"degree_histogram\" is not an object of counts");
  if (!j.contains("node_count") || !j["node_count"].is_number_integer() || !j.contains("down") ||
      !j.contains("cut_off")) {
    return bad("no node_count/down/cut_off: written by a plumsim older than 0.5.0; run it again");
  }
  s.node_count = j["node_count"].get<int64_t>();
  if (s.node_count < 0 || s.root >= s.node_count) return bad("\"root\" is not one of the nodes");
  if (!NodeList(j["down"], &s.down) || !NodeList(j["cut_off"], &s.cut_off)) {
    return bad("\"down\" and \"cut_off\" must be lists of node names");
  }
  if (!j.contains("edges") || !EdgeList(j["edges"], s.node_count, &s.edges)) {
    return bad("\"edges\" is not a list of pairs of node names");
  }
  if (j.contains("lazy_edges") && !EdgeList(j["lazy_edges"], s.node_count, &s.lazy_edges)) {
    return bad("\"lazy_edges\" is not a list of pairs of node names");
  }
  for (int64_t n : s.down) {
    if (n >= s.node_count) return bad("a \"down\" node is not one of the nodes");
  }
  for (int64_t n : s.cut_off) {
    if (n >= s.node_count) return bad("a \"cut_off\" node is not one of the nodes");
  }
  return s;
}

}  // namespace plumsim
