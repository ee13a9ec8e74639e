#include "sim/explore/shrink.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "protocol/ordset.h"

namespace plumsim {
namespace {

constexpr int64_t kSecond = 1'000'000'000;  // ns

// The smallest value in (lo, hi] for which `holds` is true, given that it
// holds at hi (binary search; assumes monotony, and is correct whatever it
// returns: the value returned holds).
int64_t SmallestHolding(int64_t lo, int64_t hi, const std::function<bool(int64_t)>& holds) {
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (holds(mid)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

// The initial nodes the faults touch (not the joined ones), in order.
std::vector<NodeId> Victims(const std::vector<Fault>& faults) {
  std::vector<NodeId> victims;
  for (const Fault& f : faults) {
    if (f.kind->nodes != FaultNodes::kJoined) {
      victims.insert(victims.end(), f.nodes.begin(), f.nodes.end());
    }
  }
  return ordsets::FromList(victims);
}

NodeId HighestVictim(const std::vector<Fault>& faults) {
  NodeId highest = 0;
  for (const Fault& f : faults) {
    if (f.kind->nodes == FaultNodes::kJoined) continue;
    for (NodeId n : f.nodes) highest = std::max(highest, n);
  }
  return highest;
}

// Step 2a: the victims renumbered to the lowest ids (n0 stays n0: often the
// broadcaster), so that the nodes above them can go.
void RenumberVictims(ShrinkResult* r, const FindingTest& test) {
  const std::vector<NodeId> victims = Victims(r->faults);
  const NodeId first = !victims.empty() && victims.front() == 0 ? 0 : 1;
  std::vector<Fault> renamed = r->faults;
  bool changed = false;
  for (Fault& f : renamed) {
    if (f.kind->nodes == FaultNodes::kJoined) continue;
    for (NodeId& n : f.nodes) {
      const NodeId to =
          first + static_cast<NodeId>(std::lower_bound(victims.begin(), victims.end(), n) -
                                      victims.begin());
      changed = changed || to != n;
      n = to;
    }
    if (f.kind->nodes != FaultNodes::kLink) std::sort(f.nodes.begin(), f.nodes.end());
  }
  if (changed && test(r->base, renamed)) r->faults = std::move(renamed);
}

// Step 2b: fewer nodes: the nodes above the highest victim go (joined nodes
// are renumbered after the new count).
void DropNodes(ShrinkResult* r, const FindingTest& test) {
  auto with_nodes = [&](int64_t count) {
    Scenario b = r->base;
    b.node_count = count;
    return std::make_pair(b, RenumberJoins(b, r->faults));
  };
  const int64_t fewest = std::max<int64_t>(2, int64_t{HighestVictim(r->faults)} + 1);
  if (fewest >= r->base.node_count) return;
  const int64_t count = SmallestHolding(fewest - 1, r->base.node_count, [&](int64_t c) {
    auto [b, f] = with_nodes(c);
    return test(b, f);
  });
  std::tie(r->base, r->faults) = with_nodes(count);
}

// Step 3: a shorter run: the last fault's end plus the quiet period, in
// seconds.
void ShortenRun(ShrinkResult* r, SimDuration quiet, const FindingTest& test) {
  int64_t last_ns = 0;
  for (const Fault& f : r->faults) last_ns = std::max(last_ns, (f.at + f.length).SinceStart().ns());
  const int64_t shortest_s = (last_ns + quiet.ns() + kSecond - 1) / kSecond;
  const int64_t seconds = r->base.duration.ns() / kSecond;
  if (shortest_s >= seconds || r->base.duration.ns() % kSecond != 0) return;
  auto with_duration = [&](int64_t s) {
    Scenario b = r->base;
    b.duration = SimDuration::Seconds(s);
    return b;
  };
  const int64_t s = SmallestHolding(shortest_s - 1, seconds,
                                    [&](int64_t c) { return test(with_duration(c), r->faults); });
  r->base = with_duration(s);
}

// Step 4: a constant latency (the distribution's first parameter).
void ConstantLatency(ShrinkResult* r, const FindingTest& test) {
  if (r->base.network.latency.kind == LatencyDistribution::Kind::kConstant) return;
  Scenario b = r->base;
  b.network.latency = LatencyDistribution::Constant(r->base.network.latency.a);
  if (test(b, r->faults)) r->base = b;
}

}  // namespace

std::vector<Fault> RenumberJoins(const Scenario& base, std::vector<Fault> faults) {
  NodeId next = static_cast<NodeId>(base.total_nodes());
  for (Fault& f : faults) {  // in time order
    if (f.kind->nodes != FaultNodes::kJoined) continue;
    for (NodeId& n : f.nodes) n = next++;
  }
  return faults;
}

std::vector<Fault> MinimizeFaults(const Scenario& base, std::vector<Fault> faults,
                                  const FindingTest& test) {
  if (faults.empty() || test(base, {})) return {};
  auto subset = [&](size_t from, size_t to, bool complement) {
    std::vector<Fault> out;
    for (size_t i = 0; i < faults.size(); ++i) {
      if ((i >= from && i < to) != complement) out.push_back(faults[i]);
    }
    return RenumberJoins(base, std::move(out));
  };
  size_t n = 2;
  while (faults.size() >= 2) {
    const size_t size = faults.size();
    bool reduced = false;
    // Each chunk alone, then each complement.
    for (int complement = 0; complement < 2 && !reduced; ++complement) {
      for (size_t k = 0; k < n && !reduced; ++k) {
        const size_t from = k * size / n, to = (k + 1) * size / n;
        std::vector<Fault> candidate = subset(from, to, complement == 1);
        if (candidate.empty() || candidate.size() == size) continue;
        if (test(base, candidate)) {
          faults = std::move(candidate);
          n = complement == 1 ? std::max<size_t>(n - 1, 2) : 2;
          reduced = true;
        }
      }
    }
    if (reduced) continue;
    if (n >= size) break;
    n = std::min(size, 2 * n);
  }
  return faults;
}

ShrinkResult Shrink(const Scenario& base, const std::vector<Fault>& faults, SimDuration quiet,
                    const FindingTest& test) {
  ShrinkResult r;
  const FindingTest counted = [&](const Scenario& b, const std::vector<Fault>& f) {
    ++r.runs;
    return test(b, f);
  };
  r.base = base;
  r.faults = MinimizeFaults(base, faults, counted);  // step 1
  RenumberVictims(&r, counted);
  DropNodes(&r, counted);
  ShortenRun(&r, quiet, counted);
  ConstantLatency(&r, counted);
  return r;
}

}  // namespace plumsim
