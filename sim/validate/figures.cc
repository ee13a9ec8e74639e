#include "sim/validate/figures.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace plumsim {
namespace {

using Kind = ClusterRecord::ReceiptKind;

// One broadcast message: its origination and what the cluster did with it.
struct Message {
  int64_t at_us = 0;
  int root = 0;
  int handler = 0;
  bool settled = false;
  std::vector<bool> running;  // per node, at the origination
  int64_t running_count = 0;
  std::vector<int64_t> first_us;  // per node: first payload receipt (-1: none)
  std::vector<int> first_round;
  int64_t payload = 0;
  int64_t grafts = 0;
  bool roots_first = false;  // the root's first message of its handler: the flood

  int64_t Delivered(bool running_only) const {
    int64_t n = 0;
    for (size_t i = 0; i < first_us.size(); ++i) {
      const bool got = first_us[i] >= 0 || static_cast<int>(i) == root;
      n += got && (!running_only || running[i]);
    }
    return n;
  }
  double Reliability() const {
    return running_count > 0 ? static_cast<double>(Delivered(true)) / running_count : 0;
  }
  std::optional<double> Rmr() const {
    const int64_t d = Delivered(false);
    if (d <= 1) return std::nullopt;
    return static_cast<double>(payload) / static_cast<double>(d - 1) - 1;
  }
  int Ldh() const {
    int ldh = 0;
    for (size_t i = 0; i < first_us.size(); ++i) {
      if (first_us[i] >= 0 && running[i]) ldh = std::max(ldh, first_round[i] + 1);
    }
    return ldh;
  }
};

bool Running(const ClusterRecord& r, int node, int64_t at) {
  for (const auto& inc : r.incarnations) {
    if (inc.node == node && inc.start_us <= at && (!inc.stop_us || at < *inc.stop_us)) return true;
  }
  return false;
}

std::vector<Message> Messages(const ClusterRecord& r, const FigureSettings& s) {
  const size_t n = r.nodes.size();
  std::vector<Message> out;
  absl::flat_hash_map<std::pair<int, std::string>, size_t> index;
  for (const auto& o : r.originations) {
    if (index.contains({o.handler, o.id})) continue;
    Message m;
    m.at_us = o.at_us;
    m.root = o.root;
    m.handler = o.handler;
    m.settled = o.at_us >= 0 && o.at_us <= r.end_us - s.settle_us;
    m.running.resize(n);
    for (size_t i = 0; i < n; ++i) {
      m.running[i] = static_cast<int>(i) == o.root || Running(r, static_cast<int>(i), o.at_us);
      m.running_count += m.running[i];
    }
    m.first_us.assign(n, -1);
    m.first_round.assign(n, 0);
    m.roots_first = std::none_of(out.begin(), out.end(), [&](const Message& x) {
      return x.root == o.root && x.handler == o.handler;
    });
    index[{o.handler, o.id}] = out.size();
    out.push_back(std::move(m));
  }
  for (const auto& x : r.receipts) {
    if (x.kind != Kind::kBroadcast && x.kind != Kind::kGraft) continue;
    auto it = index.find(std::make_pair(x.handler, x.id));
    if (it == index.end()) continue;
    Message& m = out[it->second];
    if (x.kind == Kind::kGraft) {
      ++m.grafts;
      continue;
    }
    ++m.payload;
    if (m.first_us[x.node] < 0 && x.node != m.root) {
      m.first_us[x.node] = x.at_us;
      m.first_round[x.node] = x.round;
    }
  }
  return out;
}

// Nearest rank, as docs/metrics.md's quantiles.
double Quantile(std::vector<int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(q * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, v.size());
  return static_cast<double>(v[rank - 1]);
}

std::optional<double> Mean(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Times (grid points, microseconds) at which some node's effective eager
// set for `root` changed, read every poll_us as the real recorder reads it:
// a set that changes and changes back between two reads is no change.
std::vector<int64_t> EagerChanges(const ClusterRecord& r, int root, int64_t poll_us) {
  poll_us = std::max<int64_t>(poll_us, 1);
  std::map<int, std::vector<std::pair<int64_t, const std::vector<int>*>>> by_node;
  for (const auto& p : r.peer_sets) {
    if (p.eager && p.root == root) by_node[p.node].emplace_back(p.at_us, &p.peers);
  }
  std::vector<int64_t> out;
  for (const auto& [node, history] : by_node) {
    const std::vector<int>* seen = nullptr;  // the value at the previous read
    size_t i = 0;
    while (i < history.size()) {
      // The next read at or after this change.
      const int64_t read = (history[i].first + poll_us - 1) / poll_us * poll_us;
      while (i < history.size() && history[i].first <= read) ++i;
      const std::vector<int>* now = history[i - 1].second;
      if (seen == nullptr || *seen != *now) out.push_back(read);
      seen = now;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Handler {
  std::string name;
  int index;
};

class Builder {
 public:
  Builder(const ClusterRecord& r, const FigureSettings& s)
      : r_(r), s_(s), messages_(Messages(r, s)) {}

  void Add(const std::string& name, std::optional<double> value, double tolerance,
           bool compared = true) {
    figures_.push_back({name, value, tolerance, compared});
  }

  void HandlerFigures(int handler) {
    const std::string h = r_.handlers[handler];
    std::vector<const Message*> settled;
    for (const Message& m : messages_) {
      if (m.handler == handler && m.settled) settled.push_back(&m);
    }
    Add(h + ".messages", static_cast<double>(settled.size()), 0, false);
    std::vector<double> rel, rmr, ldh, grafted, grafts;
    std::vector<int64_t> latencies;
    for (const Message* m : settled) {
      rel.push_back(m->Reliability());
      if (auto x = m->Rmr()) rmr.push_back(*x);
      ldh.push_back(m->Ldh());
      grafts.push_back(static_cast<double>(m->grafts));
      grafted.push_back(m->grafts > 0 ? 1 : 0);
      if (m->roots_first) continue;  // latency: from the second round on
      for (size_t i = 0; i < m->first_us.size(); ++i) {
        if (m->first_us[i] >= 0 && m->running[i]) latencies.push_back(m->first_us[i] - m->at_us);
      }
    }
    auto min_of = [](const std::vector<double>& v) -> std::optional<double> {
      if (v.empty()) return std::nullopt;
      return *std::min_element(v.begin(), v.end());
    };
    auto max_of = [](const std::vector<double>& v) -> std::optional<double> {
      if (v.empty()) return std::nullopt;
      return *std::max_element(v.begin(), v.end());
    };
    Add(h + ".reliability_mean", Mean(rel), 0.02);
    Add(h + ".reliability_min", min_of(rel), 0.02);
    Add(h + ".rmr_mean", Mean(rmr), 0.05);
    Add(h + ".rmr_max", max_of(rmr), 0.25);
    Add(h + ".ldh_mean", Mean(ldh), 0.5);
    Add(h + ".ldh_max", max_of(ldh), 1);
    for (auto [q, label] : {std::pair{0.5, "p50"}, {0.9, "p90"}, {0.99, "p99"}, {1.0, "max"}}) {
      std::optional<double> ms;
      if (!latencies.empty()) ms = Quantile(latencies, q) / 1000.0;
      // Localhost scheduling noise: half a millisecond plus a quarter.
      Add(absl::StrCat(h, ".latency_", label, "_ms"), ms, 0.5 + 0.25 * ms.value_or(0));
    }
    Add(h + ".grafts_per_message", Mean(grafts), 0.05);
    Add(h + ".messages_grafted", Mean(grafted), 0.05);
    Convergence(handler, h);
  }

  void Convergence(int handler, const std::string& h) {
    std::set<int> roots;
    for (const Message& m : messages_) {
      if (m.handler == handler && m.settled) roots.insert(m.root);
    }
    std::vector<int64_t> stable_at, settled_at;
    int64_t late_changes = 0, late_messages = 0;
    const int64_t late_from = r_.end_us / 2;
    for (int root : roots) {
      std::vector<const Message*> mine;
      for (const Message& m : messages_) {
        if (m.handler == handler && m.settled && m.root == root) mine.push_back(&m);
      }
      const std::vector<int64_t> changes = EagerChanges(r_, root, s_.poll_us);
      const int64_t last = changes.empty() ? 0 : changes.back();
      int64_t after = 0;
      for (const Message* m : mine) after += m->at_us >= last;
      if (after >= s_.stable_rounds) stable_at.push_back(last);
      // The final run of messages with RMR within epsilon (undefined: within).
      size_t first = mine.size();
      while (first > 0 && mine[first - 1]->Rmr().value_or(0) <= s_.rmr_epsilon) --first;
      if (first < mine.size()) settled_at.push_back(mine[first]->at_us);
      for (int64_t c : changes) late_changes += c >= late_from;
      for (const Message* m : mine) late_messages += m->at_us >= late_from;
    }
    const double n = static_cast<double>(roots.size());
    const double share_tolerance = 0.15;
    std::optional<double> stable_share, settled_share;
    if (!roots.empty()) {
      stable_share = static_cast<double>(stable_at.size()) / n;
      settled_share = static_cast<double>(settled_at.size()) / n;
    }
    const double round_s = static_cast<double>(s_.round_us) / 1e6;
    Add(h + ".tree_stable_share", stable_share, share_tolerance);
    Add(h + ".tree_stable_max_s", Seconds(stable_at, 1.0), round_s);
    Add(h + ".rmr_settled_share", settled_share, share_tolerance);
    Add(h + ".rmr_settled_max_s", Seconds(settled_at, 1.0), round_s);
    std::optional<double> per_message;
    if (late_messages > 0) {
      per_message = static_cast<double>(late_changes) / static_cast<double>(late_messages);
    }
    Add(h + ".eager_changes_per_message_late", per_message, 0.25);
  }

  static std::optional<double> Seconds(const std::vector<int64_t>& us, double q) {
    if (us.empty()) return std::nullopt;
    return Quantile(us, q) / 1e6;
  }

  void Closes(const std::vector<std::string>& reasons) {
    std::map<std::string, int64_t> count;
    for (const std::string& reason : reasons) count[reason] = 0;
    // Only closes a running node saw: a crashed node's own connections die
    // with it (in a real cluster its VM is killed and records nothing; the
    // simulator reports them as `crash` at the crash instant), so each side
    // counts the closes the survivors observe.
    for (const auto& c : r_.closes) {
      if (Running(r_, c.node, c.at_us)) ++count[c.reason];
    }
    for (const auto& [reason, n] : count) {
      Add("closes." + reason, static_cast<double>(n), 2);
    }
  }

  void TickPeriods() {
    using T = ClusterRecord::TickKind;
    for (auto [kind, name] : {std::pair{T::kLazy, "lazy"}, {T::kHeartbeat, "heartbeat"}}) {
      std::map<int, int64_t> last;
      std::vector<double> periods;
      for (const auto& t : r_.ticks) {
        if (t.kind != kind) continue;
        auto it = last.find(t.node);
        if (it != last.end() && Running(r_, t.node, it->second) &&
            SameIncarnation(t.node, it->second, t.at_us)) {
          periods.push_back(static_cast<double>(t.at_us - it->second) / 1000.0);
        }
        last[t.node] = t.at_us;
      }
      Add(absl::StrCat("timer.", name, "_period_ms"), Mean(periods), 0.5);
    }
  }

  bool SameIncarnation(int node, int64_t a, int64_t b) const {
    for (const auto& inc : r_.incarnations) {
      if (inc.node != node) continue;
      const int64_t stop = inc.stop_us.value_or(INT64_MAX);
      if (inc.start_us <= a && b < stop) return a < stop;
    }
    return false;
  }

  std::vector<Figure> Take() { return std::move(figures_); }
  const std::vector<Message>& messages() const { return messages_; }

 private:
  const ClusterRecord& r_;
  const FigureSettings& s_;
  std::vector<Message> messages_;
  std::vector<Figure> figures_;
};

}  // namespace

std::vector<Figure> ComputeFigures(const ClusterRecord& record, const FigureSettings& settings,
                                   const std::vector<std::string>& reasons) {
  Builder b(record, settings);
  std::set<int> handlers;
  for (const auto& o : record.originations) handlers.insert(o.handler);
  // Heartbeats first, then the others by name.
  std::vector<int> order(handlers.begin(), handlers.end());
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    const bool hx = record.handlers[x] == "heartbeat", hy = record.handlers[y] == "heartbeat";
    if (hx != hy) return hx;
    return record.handlers[x] < record.handlers[y];
  });
  for (int h : order) b.HandlerFigures(h);
  b.Closes(reasons);
  b.TickPeriods();
  return b.Take();
}

std::vector<int64_t> OneHopLatenciesUs(const ClusterRecord& record) {
  absl::flat_hash_map<std::pair<int, std::string>, int64_t> sent;
  std::set<std::pair<int, int>> seen;  // (root, handler) with a first message
  for (const auto& o : record.originations) {
    if (!seen.insert({o.root, o.handler}).second) sent.try_emplace({o.handler, o.id}, o.at_us);
  }
  std::vector<int64_t> out;
  for (const auto& x : record.receipts) {
    if (x.kind != Kind::kBroadcast || x.from != x.root) continue;
    auto it = sent.find(std::make_pair(x.handler, x.id));
    if (it != sent.end() && x.at_us >= it->second) out.push_back(x.at_us - it->second);
  }
  return out;
}

std::vector<int64_t> FirstDeliveryLatenciesUs(const ClusterRecord& record,
                                              const FigureSettings& settings,
                                              const std::string& handler) {
  std::vector<int64_t> out;
  for (const Message& m : Messages(record, settings)) {
    if (!m.settled || m.roots_first || record.handlers[m.handler] != handler) continue;
    for (size_t i = 0; i < m.first_us.size(); ++i) {
      if (m.first_us[i] >= 0 && m.running[i]) out.push_back(m.first_us[i] - m.at_us);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace plumsim
