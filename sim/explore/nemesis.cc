#include "sim/explore/nemesis.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "sim/kernel/random.h"

namespace plumsim {
namespace {

constexpr int64_t kMillisecond = 1'000'000;  // ns

class ScheduleMaker final : public FaultDraw {
 public:
  ScheduleMaker(const NemesisConfig& config, const Scenario& base, uint64_t seed)
      : config_(config), base_(base), rng_(seed, StreamDomain::kExplore, 0) {}

  FaultSchedule Make() {
    FaultSchedule s;
    s.enabled = EnabledKinds();
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

  // FaultDraw:
  const Scenario& base() const override { return base_; }
  const FaultKindSettings& settings() const override { return config_.kind_settings; }
  RandomStream& rng() override { return rng_; }

  int64_t Share() override {
    const int64_t most = std::max<int64_t>(
        1, static_cast<int64_t>(config_.max_share * static_cast<double>(base_.node_count)));
    return Uniform(1, most);
  }

  // Never the last two: a stable core.
  std::vector<NodeId> Take(int64_t count) override {
    std::vector<NodeId> out;
    while (count-- > 0 && pool_.size() > 2) {
      const size_t i = rng_.UniformInt(pool_.size());
      out.push_back(pool_[i]);
      pool_.erase(pool_.begin() + static_cast<long>(i));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<NodeId> NewNodes(int64_t count) override {
    std::vector<NodeId> out;
    for (; count > 0; --count) out.push_back(next_join_++);
    return out;
  }

 private:
  // With swarm, each kind with probability 1/2, at least one.
  std::vector<FaultKind> EnabledKinds() {
    std::vector<FaultKind> enabled;
    for (FaultKind kind : config_.kinds) {
      if (!config_.swarm || rng_.Bernoulli(0.5)) enabled.push_back(kind);
    }
    if (enabled.empty() && !config_.kinds.empty()) {
      enabled.push_back(config_.kinds[rng_.UniformInt(config_.kinds.size())]);
    }
    return enabled;
  }

  int64_t Uniform(int64_t lo, int64_t hi) {  // in [lo, hi]
    return hi <= lo
               ? lo
               : lo + static_cast<int64_t>(rng_.UniformInt(static_cast<uint64_t>(hi - lo + 1)));
  }

  // A fault's time and length, in whole milliseconds (as a user would write
  // them) in the window; false if 10 tries all overlapped a fault of the
  // same exclusive group.
  bool PlaceInTime(FaultKind kind, int64_t window_end_ns, Fault* f) {
    const int64_t start = config_.start.ns() / kMillisecond, end = window_end_ns / kMillisecond;
    const std::string group = kind->exclusive_group;
    for (int attempt = 0; attempt < 10; ++attempt) {
      const int64_t at = Uniform(start, end - (kind->heals() ? 1000 : 0));
      int64_t length = 0;
      if (kind->heals()) {
        length = Uniform(1000, std::min(config_.max_fault_duration.ns() / kMillisecond, end - at));
      }
      f->at = SimTime::Zero() + SimDuration::Milliseconds(at);
      f->length = SimDuration::Milliseconds(length);
      if (group.empty()) return true;
      std::vector<std::pair<int64_t, int64_t>>& busy = busy_[group];
      if (std::none_of(busy.begin(), busy.end(), [&](const std::pair<int64_t, int64_t>& w) {
            return at <= w.second && w.first <= at + length;
          })) {
        busy.push_back({at, at + length});
        return true;
      }
    }
    return false;
  }

  std::optional<Fault> MakeFault(FaultKind kind, int64_t window_end_ns) {
    Fault f{.kind = kind};
    if (!PlaceInTime(kind, window_end_ns, &f)) return std::nullopt;
    if (!kind->draw(*this, &f)) return std::nullopt;
    return f;
  }

  const NemesisConfig& config_;
  const Scenario& base_;
  RandomStream rng_;
  std::vector<NodeId> pool_;
  NodeId next_join_ = 0;
  // Each exclusive group's faults so far, [at, at + length] in ms.
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> busy_;
};

}  // namespace

FaultSchedule MakeFaultSchedule(const NemesisConfig& config, const Scenario& base, uint64_t seed) {
  return ScheduleMaker(config, base, seed).Make();
}

Scenario WithFaults(const Scenario& base, const std::vector<Fault>& faults) {
  Scenario s = base;
  std::vector<TimelineEvent> added;
  for (const Fault& f : faults) {
    std::optional<TimelineEvent> begin = f.kind->begin(base, f);
    if (!begin) continue;
    added.push_back(*std::move(begin));
    if (f.kind->heals()) added.push_back(f.kind->end(base, f));
  }
  std::stable_sort(added.begin(), added.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  for (TimelineEvent& e : added) s.events.push_back(std::move(e));
  return s;
}

}  // namespace plumsim
