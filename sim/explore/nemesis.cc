#include "sim/explore/nemesis.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

constexpr const char* kFaultNames[kFaultKinds] = {"crash_restart",     "crash",     "partition",
                                                  "partition_one_way", "link_down", "loss_spike",
                                                  "latency_spike",     "join",      "leave"};

// Exclusive classes: faults whose end restores a global state.
int ExclusiveClass(FaultKind kind) {
  switch (kind) {
    case FaultKind::kPartition:
    case FaultKind::kPartitionOneWay:
      return 0;  // a heal ends every partition
    case FaultKind::kLossSpike:
      return 1;
    case FaultKind::kLatencySpike:
      return 2;
    default:
      return -1;
  }
}

bool NeedsLength(FaultKind kind) {
  return kind != FaultKind::kCrash && kind != FaultKind::kJoin && kind != FaultKind::kLeave;
}

class ScheduleMaker {
 public:
  ScheduleMaker(const NemesisConfig& config, const Scenario& base, uint64_t seed)
      : config_(config), base_(base), rng_(seed, StreamDomain::kExplore, 0) {}

  FaultSchedule Make() {
    FaultSchedule s;
    for (FaultKind kind : config_.kinds) {
      if (!config_.swarm || rng_.Bernoulli(0.5)) s.enabled.push_back(kind);
    }
    if (s.enabled.empty() && !config_.kinds.empty()) {
      s.enabled.push_back(config_.kinds[rng_.UniformInt(config_.kinds.size())]);
    }
    for (int64_t i = 0; i < base_.node_count; ++i) pool_.push_back(static_cast<NodeId>(i));
    next_join_ = static_cast<NodeId>(base_.total_nodes());
    const int64_t window_end_ns = (base_.duration - config_.quiet).ns();
    if (s.enabled.empty() || window_end_ns <= config_.start.ns()) return s;
    const int64_t n = config_.min_faults +
                      static_cast<int64_t>(rng_.UniformInt(
                          static_cast<uint64_t>(config_.max_faults - config_.min_faults + 1)));
    for (int64_t i = 0; i < n; ++i) {
      const FaultKind kind = s.enabled[rng_.UniformInt(s.enabled.size())];
      if (std::optional<Fault> f = MakeFault(kind, window_end_ns)) s.faults.push_back(*f);
    }
    std::stable_sort(s.faults.begin(), s.faults.end(),
                     [](const Fault& a, const Fault& b) { return a.at < b.at; });
    return s;
  }

 private:
  int64_t Uniform(int64_t lo, int64_t hi) {  // in [lo, hi]
    return hi <= lo
               ? lo
               : lo + static_cast<int64_t>(rng_.UniformInt(static_cast<uint64_t>(hi - lo + 1)));
  }

  // Up to k nodes from the pool (never the last two: a stable core).
  std::vector<NodeId> Take(int64_t k) {
    std::vector<NodeId> out;
    while (k-- > 0 && pool_.size() > 2) {
      const size_t i = rng_.UniformInt(pool_.size());
      out.push_back(pool_[i]);
      pool_.erase(pool_.begin() + static_cast<long>(i));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  int64_t Share() {
    const int64_t most = std::max<int64_t>(
        1, static_cast<int64_t>(config_.max_share * static_cast<double>(base_.node_count)));
    return Uniform(1, most);
  }

  std::optional<Fault> MakeFault(FaultKind kind, int64_t window_end_ns) {
    Fault f;
    f.kind = kind;
    // Whole milliseconds, as a user would write them.
    const int64_t ms = 1'000'000;
    const int64_t start = config_.start.ns() / ms, end = window_end_ns / ms;
    const int klass = ExclusiveClass(kind);
    bool placed = false;
    for (int attempt = 0; attempt < 10 && !placed; ++attempt) {
      const int64_t at = Uniform(start, end - (NeedsLength(kind) ? 1000 : 0));
      int64_t length = 0;
      if (NeedsLength(kind)) {
        length = Uniform(1000, std::min(config_.max_fault_duration.ns() / ms, end - at));
      }
      f.at = SimTime::Zero() + SimDuration::Milliseconds(at);
      f.length = SimDuration::Milliseconds(length);
      placed = klass < 0 || std::none_of(busy_[klass].begin(), busy_[klass].end(),
                                         [&](const std::pair<int64_t, int64_t>& w) {
                                           return at <= w.second && w.first <= at + length;
                                         });
      if (placed && klass >= 0) busy_[klass].push_back({at, at + length});
    }
    if (!placed) return std::nullopt;
    switch (kind) {
      case FaultKind::kCrashRestart:
      case FaultKind::kCrash:
      case FaultKind::kLeave:
      case FaultKind::kPartition:
      case FaultKind::kPartitionOneWay:
        f.nodes = Take(Share());
        if (f.nodes.empty()) return std::nullopt;
        break;
      case FaultKind::kJoin:
        for (int64_t k = Share(); k > 0; --k) f.nodes.push_back(next_join_++);
        break;
      case FaultKind::kLinkDown: {
        if (base_.node_count < 2) return std::nullopt;
        const NodeId a =
            static_cast<NodeId>(rng_.UniformInt(static_cast<uint64_t>(base_.node_count)));
        NodeId b =
            static_cast<NodeId>(rng_.UniformInt(static_cast<uint64_t>(base_.node_count - 1)));
        if (b >= a) ++b;
        f.nodes = {a, b};
        break;
      }
      case FaultKind::kLossSpike:
        f.loss = 0.01 + rng_.UniformDouble() * std::max(0.0, config_.max_loss - 0.01);
        f.loss = static_cast<double>(static_cast<int64_t>(f.loss * 1000 + 0.5)) / 1000;
        break;
      case FaultKind::kLatencySpike:
        f.spike_latency = config_.spike_latency;
        break;
    }
    return f;
  }

  const NemesisConfig& config_;
  const Scenario& base_;
  RandomStream rng_;
  std::vector<NodeId> pool_;
  NodeId next_join_ = 0;
  std::vector<std::pair<int64_t, int64_t>> busy_[3];
};

TimelineEvent Event(TimelineEvent::Kind kind, SimTime at) {
  TimelineEvent e;
  e.kind = kind;
  e.at = at;
  return e;
}

NodeSet Set(const std::vector<NodeId>& nodes) { return NodeSet::FromIds(PeerSet(nodes)); }

// Every initial node not in `nodes`.
NodeSet Others(const Scenario& base, const std::vector<NodeId>& nodes) {
  PeerSet others;
  for (int64_t i = 0; i < base.node_count; ++i) {
    if (!std::binary_search(nodes.begin(), nodes.end(), static_cast<NodeId>(i))) {
      others.push_back(static_cast<NodeId>(i));
    }
  }
  return NodeSet::FromIds(others);
}

void AddEvents(const Scenario& base, const Fault& f, std::vector<TimelineEvent>* out) {
  using K = TimelineEvent::Kind;
  const SimTime end = f.at + f.length;
  switch (f.kind) {
    case FaultKind::kCrashRestart: {
      TimelineEvent crash = Event(K::kCrash, f.at);
      crash.nodes = Set(f.nodes);
      TimelineEvent restart = Event(K::kRestart, end);
      restart.nodes = crash.nodes;
      out->push_back(crash);
      out->push_back(restart);
      break;
    }
    case FaultKind::kCrash:
    case FaultKind::kLeave:
    case FaultKind::kJoin: {
      TimelineEvent e = Event(f.kind == FaultKind::kCrash   ? K::kCrash
                              : f.kind == FaultKind::kLeave ? K::kLeave
                                                            : K::kJoin,
                              f.at);
      e.nodes = Set(f.nodes);
      out->push_back(e);
      break;
    }
    case FaultKind::kPartition: {
      TimelineEvent e = Event(K::kPartition, f.at);
      e.groups = {Set(f.nodes)};
      out->push_back(e);
      out->push_back(Event(K::kHeal, end));
      break;
    }
    case FaultKind::kPartitionOneWay: {
      TimelineEvent e = Event(K::kPartitionOneWay, f.at);
      e.from = Set(f.nodes);
      e.to = Others(base, f.nodes);
      if (e.to.empty()) return;
      out->push_back(e);
      out->push_back(Event(K::kHeal, end));
      break;
    }
    case FaultKind::kLinkDown: {
      TimelineEvent down = Event(K::kLinkDown, f.at);
      down.from = Set({f.nodes[0]});
      down.to = Set({f.nodes[1]});
      TimelineEvent up = down;
      up.kind = K::kLinkUp;
      up.at = end;
      out->push_back(down);
      out->push_back(up);
      break;
    }
    case FaultKind::kLossSpike: {
      TimelineEvent spike = Event(K::kSetLoss, f.at);
      spike.loss = f.loss;
      TimelineEvent back = Event(K::kSetLoss, end);
      back.loss = base.network.loss;
      out->push_back(spike);
      out->push_back(back);
      break;
    }
    case FaultKind::kLatencySpike: {
      TimelineEvent spike = Event(K::kSetLatency, f.at);
      spike.latency = LatencyDistribution::Constant(f.spike_latency);
      TimelineEvent back = Event(K::kSetLatency, end);
      back.latency = base.network.latency;
      out->push_back(spike);
      out->push_back(back);
      break;
    }
  }
}

}  // namespace

const char* FaultKindName(FaultKind kind) { return kFaultNames[static_cast<int>(kind)]; }

std::string Fault::Describe() const {
  std::vector<std::string> names;
  for (NodeId n : nodes) names.push_back(NodeName(n));
  std::string text = absl::StrCat(FaultKindName(kind));
  if (!names.empty()) {
    absl::StrAppend(
        &text, " ",
        kind == FaultKind::kLinkDown ? absl::StrJoin(names, "-") : absl::StrJoin(names, ","));
  }
  if (kind == FaultKind::kLossSpike) absl::StrAppend(&text, " loss ", loss);
  absl::StrAppend(&text, " at ", FormatSimDuration(at.SinceStart()));
  if (length.ns() > 0) absl::StrAppend(&text, " for ", FormatSimDuration(length));
  return text;
}

FaultSchedule MakeFaultSchedule(const NemesisConfig& config, const Scenario& base, uint64_t seed) {
  return ScheduleMaker(config, base, seed).Make();
}

Scenario WithFaults(const Scenario& base, const std::vector<Fault>& faults) {
  Scenario s = base;
  std::vector<TimelineEvent> added;
  for (const Fault& f : faults) AddEvents(base, f, &added);
  std::stable_sort(added.begin(), added.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  for (TimelineEvent& e : added) s.events.push_back(std::move(e));
  return s;
}

}  // namespace plumsim
