#include "sim/scenario/timeline_check.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace plumsim {
namespace {

enum class NodeState { kAbsent, kRunning, kCrashed, kLeft, kUnknown };

const char* Describe(NodeState s) {
  switch (s) {
    case NodeState::kAbsent:
      return "has not joined yet";
    case NodeState::kRunning:
      return "is running";
    case NodeState::kCrashed:
      return "is crashed";
    case NodeState::kLeft:
      return "has left";
    case NodeState::kUnknown:
      return "is under churn";
  }
  return "?";
}

// The state of every node id in [0, total), as runs of equal state keyed by
// their first id.
class StateMap {
 public:
  StateMap(int64_t initial, int64_t total) : total_(total) {
    runs_[0] = NodeState::kRunning;
    if (initial < total) runs_[static_cast<NodeId>(initial)] = NodeState::kAbsent;
  }

  // The first node of `set` whose state is not allowed, with that state.
  template <typename Allowed>
  std::optional<std::pair<NodeId, NodeState>> FirstNot(const NodeSet& set, Allowed allowed) {
    for (const NodeSet::Range& r : set.ranges()) {
      auto it = std::prev(runs_.upper_bound(r.first));
      for (; it != runs_.end() && it->first <= r.last; ++it) {
        if (!allowed(it->second)) return std::make_pair(std::max(it->first, r.first), it->second);
      }
    }
    return std::nullopt;
  }

  void Assign(const NodeSet& set, NodeState state) {
    for (const NodeSet::Range& r : set.ranges()) {
      Split(r.first);
      if (int64_t{r.last} + 1 < total_) Split(r.last + 1);
      auto first = runs_.find(r.first);
      auto last = runs_.upper_bound(r.last);
      runs_.erase(std::next(first), last);
      first->second = state;
    }
  }

 private:
  void Split(NodeId id) {
    auto it = std::prev(runs_.upper_bound(id));
    if (it->first != id) runs_[id] = it->second;
  }

  int64_t total_;
  std::map<NodeId, NodeState> runs_;
};

class TimelineChecker {
 public:
  TimelineChecker(const Scenario& s, ScenarioReader* r)
      : s_(s), r_(*r), states_(s.node_count, s.total_nodes()) {}

  void Check() {
    size_t next_churn = 0;
    std::vector<const ChurnSpec*> churns;
    for (const ChurnSpec& c : s_.churn) churns.push_back(&c);
    std::stable_sort(churns.begin(), churns.end(),
                     [](const ChurnSpec* a, const ChurnSpec* b) { return a->start < b->start; });
    for (const TimelineEvent& e : s_.events) {
      // Churn makes its nodes' states known only to the run.
      for (; next_churn < churns.size() && churns[next_churn]->start <= e.at; ++next_churn) {
        states_.Assign(churns[next_churn]->nodes, NodeState::kUnknown);
      }
      CheckEvent(e);
    }
  }

 private:
  void CheckEvent(const TimelineEvent& e) {
    using K = TimelineEvent::Kind;
    using S = NodeState;
    switch (e.kind) {
      case K::kCrash:
        Require(e, "crash", [](S s) { return s == S::kRunning || s == S::kUnknown; });
        NotBeforeStart(e, "crash");
        states_.Assign(e.nodes, S::kCrashed);
        break;
      case K::kRestart:
        Require(e, "restart", [](S s) { return s == S::kCrashed || s == S::kUnknown; });
        states_.Assign(e.nodes, S::kRunning);
        break;
      case K::kJoin:
        states_.Assign(e.nodes, S::kRunning);  // ids were checked by the reader
        break;
      case K::kLeave:
        Require(e, "leave", [](S s) { return s != S::kAbsent && s != S::kLeft; });
        NotBeforeStart(e, "leave");
        states_.Assign(e.nodes, S::kLeft);
        break;
      case K::kListenerDown:
      case K::kListenerUp:
        if (s_.network.transport != Transport::kTcp) {
          r_.ErrorAt(e.line, e.column, "events",
                     absl::StrCat(EventKindName(e.kind),
                                  " needs network.transport = \"tcp\": a listener is Partisan's "
                                  "listening TCP socket"));
        }
        break;
      default:
        break;
    }
  }

  template <typename Allowed>
  void Require(const TimelineEvent& e, const char* what, Allowed allowed) {
    if (auto bad = states_.FirstNot(e.nodes, allowed)) {
      r_.ErrorAt(e.line, e.column, "events",
                 absl::StrCat("cannot ", what, " ", NodeName(bad->first), " at ",
                              FormatSimDuration(e.at.SinceStart()), ": it ", Describe(bad->second),
                              " then"));
    }
  }

  // Initial node i starts at i * start_interval (plus jitter): an event
  // before that finds it not started.
  void NotBeforeStart(const TimelineEvent& e, const char* what) {
    if (s_.start_interval <= SimDuration::Zero()) return;
    const int64_t started = e.at.ns() / s_.start_interval.ns();  // ids <= this have started
    if (started + 1 >= s_.node_count) return;
    const NodeId first_later = static_cast<NodeId>(started + 1);
    for (const NodeSet::Range& r : e.nodes.ranges()) {
      if (r.last < first_later || first_later >= s_.node_count) continue;
      const NodeId n = std::max(r.first, first_later);
      if (n >= s_.node_count) return;
      r_.ErrorAt(e.line, e.column, "events",
                 absl::StrCat("cannot ", what, " ", NodeName(n), " at ",
                              FormatSimDuration(e.at.SinceStart()), ": it starts at ",
                              FormatSimDuration(s_.start_interval * n), " (nodes.start_interval)"));
      return;
    }
  }

  const Scenario& s_;
  ScenarioReader& r_;
  StateMap states_;
};

}  // namespace

void CheckTimeline(const Scenario& scenario, ScenarioReader* reader) {
  TimelineChecker(scenario, reader).Check();
}

}  // namespace plumsim
