#include "tests/swarm_scenario.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocol/ordset.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed, StreamDomain::kTest, 7) {}

  SwarmScenario Make(uint64_t seed) {
    hyparview_ = Chance(0.4);
    nodes_ = hyparview_ ? Int(8, 40) : Int(3, 20);
    duration_s_ = Int(40, 90);
    heartbeat_s_ = Int(2, 10);
    loss_ = Chance(0.35) ? rng_.UniformDouble() * 0.2 : 0.0;
    tcp_ = Chance(0.5);
    bounded_latency_ = true;
    // Node roles are disjoint: crashed, left, churned, the rest stable.
    for (int64_t i = 0; i < nodes_; ++i) free_.push_back(static_cast<NodeId>(i));
    for (size_t i = free_.size(); i > 1; --i) std::swap(free_[i - 1], free_[rng_.UniformInt(i)]);

    absl::StrAppend(&out_, "# swarm scenario, generator seed ", seed, "\n");
    absl::StrAppend(&out_, "name = \"swarm-", seed, "\"\nseed = ", seed % 1000003,
                    "\nduration = \"", duration_s_, "s\"\n");
    absl::StrAppend(&out_, "[nodes]\ncount = ", nodes_, "\nstart_interval = \"", Int(0, 50),
                    "ms\"\nstart_jitter = \"", Int(0, 20), "ms\"\n");
    if (tcp_) {
      // Short ping timers, so that connections die and reconnect within a run.
      absl::StrAppend(&out_, "crash = \"", Chance(0.5) ? "process" : "host", "\"\n",
                      "[partisan]\npersist_epoch = ", Chance(0.5) ? "true" : "false",
                      "\nconnection_ping = { enabled = true, idle_timeout = \"", Int(2, 20),
                      "s\", timeout = \"", Int(1, 10), "s\", max_attempts = ", Int(1, 5), " }\n");
    }
    if (hyparview_) {
      absl::StrAppend(&out_, "[membership]\nkind = \"hyparview\"\nactive_max_size = ", Int(3, 6),
                      "\npassive_max_size = ", Int(5, 30), "\n");
    }
    absl::StrAppend(&out_, "[heartbeat]\nbroadcast_heartbeat_interval = \"", heartbeat_s_, "s\"\n");
    absl::StrAppend(&out_, "[network]\nlatency = ", Latency(), "\nloss = ", loss_, "\n");
    if (tcp_) {
      absl::StrAppend(&out_, "transport = \"tcp\"\n");
    } else {
      absl::StrAppend(&out_, "transport = \"datagram\"\nduplicate = ",
                      Chance(0.2) ? rng_.UniformDouble() * 0.1 : 0.0,
                      "\nreorder = ", Chance(0.2) ? "true" : "false", "\n");
    }
    if (Chance(0.3)) AddLinkOverride();
    if (Chance(0.5)) AddPartition();
    if (Chance(0.3)) AddOneWayPartition();
    if (Chance(0.4)) AddLinkDown();
    if (Chance(0.5)) AddCrashes();
    if (Chance(0.3)) AddLeave();
    if (Chance(0.3)) AddJoins();
    if (Chance(0.3)) AddChurn();
    if (Chance(0.5)) AddBroadcasts();
    if (Chance(0.2)) AddLatencyChange();
    if (Chance(0.2)) AddLossChange();
    // The gray failures (drawn last: earlier seeds keep their other faults).
    if (tcp_ && Chance(0.3)) AddListenerDown();
    if (Chance(0.3)) AddSlow();
    if (hyparview_ && Chance(0.3)) {
      const char* bootstrap = Chance(0.5) ? "seed" : "earlier";
      const std::string nodes = "[nodes]\n";
      out_.replace(out_.find(nodes), nodes.size(),
                   absl::StrCat(nodes, "bootstrap = \"", bootstrap, "\"\n"));
    }

    SwarmScenario s;
    s.toml = out_;
    const int64_t quiet_from_s = last_fault_s_ + 2;
    // At least two heartbeat rounds after the quiet point, each settled.
    // Datagrams only: over tcp a connection cut before the quiet point can
    // die by the ping rule well after it.
    if (!tcp_ && !hyparview_ && loss_ == 0 && bounded_latency_ && !loss_changed_ &&
        duration_s_ - quiet_from_s >= 5 + 2 * heartbeat_s_) {
      s.deliver_all_after = SimTime::Zero() + SimDuration::Seconds(quiet_from_s);
    }
    return s;
  }

 private:
  bool Chance(double p) { return rng_.Bernoulli(p); }
  int64_t Int(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng_.UniformInt(static_cast<uint64_t>(hi - lo + 1)));
  }
  // A time in whole seconds, in [lo, hi].
  int64_t At(int64_t lo, int64_t hi) { return Int(lo, std::max(lo, hi)); }
  void Fault(int64_t at_s) { last_fault_s_ = std::max(last_fault_s_, at_s); }
  // Up to k nodes not used by another role, or none.
  std::vector<NodeId> Take(int64_t k) {
    std::vector<NodeId> out;
    while (k-- > 0 && free_.size() > 2) {  // keep a stable core
      out.push_back(free_.back());
      free_.pop_back();
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::string Set(const std::vector<NodeId>& ids) {
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
      absl::StrAppend(&out, i ? ", " : "", "\"", NodeName(ids[i]), "\"");
    }
    return out + "]";
  }
  std::string Node() { return NodeName(static_cast<NodeId>(Int(0, nodes_ - 1))); }

  std::string Latency() {
    switch (Int(0, 5)) {
      case 0:
        return absl::StrCat("\"", Int(1, 20), "ms\"");
      case 1: {
        const int64_t lo = Int(1, 10);
        return absl::StrCat("{ kind = \"uniform\", min = \"", lo, "ms\", max = \"", lo + Int(0, 20),
                            "ms\" }");
      }
      case 2:
        return absl::StrCat("{ kind = \"normal\", mean = \"", Int(2, 20), "ms\", stddev = \"",
                            Int(0, 5), "ms\" }");
      case 3:
        return absl::StrCat("{ kind = \"exponential\", mean = \"", Int(1, 10), "ms\" }");
      case 4:
        return absl::StrFormat("{ kind = \"lognormal\", median = \"%dms\", sigma = %.2f }",
                               Int(1, 10), 0.1 + rng_.UniformDouble() * 0.4);
      default:
        bounded_latency_ = false;
        return absl::StrFormat("{ kind = \"pareto\", scale = \"%dms\", alpha = %.2f }", Int(1, 5),
                               1.2 + rng_.UniformDouble() * 2);
    }
  }

  void AddLinkOverride() {
    absl::StrAppend(&out_, "[[network.links]]\nfrom = \"", Node(), "\"\nto = \"", Node(),
                    "\"\nlatency = \"", Int(1, 200), "ms\"\n");
  }
  void AddPartition() {
    const int64_t at = At(5, duration_s_ / 2), split = Int(1, nodes_ - 1), heal = at + Int(1, 15);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at,
                    "s\"\nkind = \"partition\"\ngroups = [\"n0..n", split - 1, "\", \"n", split,
                    "..n", nodes_ - 1, "\"]\n");
    absl::StrAppend(&out_, "[[events]]\nat = \"", heal, "s\"\nkind = \"heal\"\n");
    Fault(heal);
  }
  void AddOneWayPartition() {
    const int64_t at = At(5, duration_s_ / 2), heal = at + Int(1, 10);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at,
                    "s\"\nkind = \"partition_one_way\"\nfrom = \"", Node(), "\"\nto = \"", Node(),
                    "\"\n");
    absl::StrAppend(&out_, "[[events]]\nat = \"", heal, "s\"\nkind = \"heal\"\n");
    Fault(heal);
  }
  void AddLinkDown() {
    const int64_t at = At(5, duration_s_ / 2), up = at + Int(1, 10);
    const std::string a = Node(), b = Node();
    const char* symmetric = Chance(0.5) ? "true" : "false";
    absl::StrAppend(&out_, "[[events]]\nat = \"", at, "s\"\nkind = \"link_down\"\nfrom = \"", a,
                    "\"\nto = \"", b, "\"\nsymmetric = ", symmetric, "\n");
    absl::StrAppend(&out_, "[[events]]\nat = \"", up, "s\"\nkind = \"link_up\"\nfrom = \"", a,
                    "\"\nto = \"", b, "\"\nsymmetric = ", symmetric, "\n");
    Fault(up);
  }
  void AddListenerDown() {
    const int64_t at = At(3, duration_s_ / 2);
    const std::string node = Node();
    const bool stays_down = Chance(0.5);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at, "s\"\nkind = \"listener_down\"\nnodes = \"",
                    node, "\"\nstays_down = ", stays_down ? "true" : "false", "\n");
    Fault(at);
    if (stays_down) {
      const int64_t up = at + Int(1, 15);
      absl::StrAppend(&out_, "[[events]]\nat = \"", up, "s\"\nkind = \"listener_up\"\nnodes = \"",
                      node, "\"\n");
      Fault(up);
    }
  }
  void AddSlow() {
    const int64_t at = At(3, duration_s_ / 2), end = at + Int(1, 20);
    const std::string node = Node();
    absl::StrAppend(&out_, "[[events]]\nat = \"", at, "s\"\nkind = \"slow\"\nnodes = \"", node,
                    "\"\nfactor = ", Int(2, 100), "\n");
    absl::StrAppend(&out_, "[[events]]\nat = \"", end, "s\"\nkind = \"slow_end\"\nnodes = \"", node,
                    "\"\n");
    Fault(end);
  }
  void AddCrashes() {
    const std::vector<NodeId> victims = Take(Int(1, std::max<int64_t>(1, nodes_ / 3)));
    if (victims.empty()) return;
    const int64_t at = At(3, duration_s_ / 2);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at,
                    "s\"\nkind = \"crash\"\nnodes = ", Set(victims), "\n");
    Fault(at);
    if (Chance(0.7)) {
      const int64_t back = at + Int(1, 15);
      absl::StrAppend(&out_, "[[events]]\nat = \"", back,
                      "s\"\nkind = \"restart\"\nnodes = ", Set(victims), "\n");
      Fault(back);
    }
  }
  void AddLeave() {
    const std::vector<NodeId> leaving = Take(1);
    if (leaving.empty()) return;
    const int64_t at = At(3, duration_s_ / 2);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at,
                    "s\"\nkind = \"leave\"\nnodes = ", Set(leaving), "\n");
    Fault(at);
  }
  void AddJoins() {
    const int64_t count = Int(1, 3), at = At(3, duration_s_ / 2);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at, "s\"\nkind = \"join\"\nnodes = \"n", nodes_,
                    "..n", nodes_ + count - 1, "\"\n");
    Fault(at);
  }
  void AddChurn() {
    const std::vector<NodeId> churned = Take(Int(1, 3));
    if (churned.empty()) return;
    const int64_t start = At(3, duration_s_ / 3), end = start + Int(2, 15);
    absl::StrAppend(&out_, "[[churn]]\nstart = \"", start, "s\"\nend = \"", end,
                    "s\"\nnodes = ", Set(churned), "\nmean_time_between_crashes = \"", Int(1, 5),
                    "s\"\ndowntime = \"", Int(100, 2000), "ms\"\n");
    Fault(end + 3);  // the last crash's downtime
  }
  void AddBroadcasts() {
    const int64_t at = At(2, duration_s_ - 10), interval_ms = Int(100, 2000);
    const int64_t count = std::max<int64_t>(
        1, std::min<int64_t>(Int(1, 20), (duration_s_ - at) * 1000 / interval_ms));
    absl::StrAppend(&out_, "[[events]]\nat = \"", at, "s\"\nkind = \"broadcast\"\nfrom = \"",
                    Node(), "\"\ncount = ", count, "\ninterval = \"", interval_ms,
                    "ms\"\nsize = ", Int(0, 512), "\n");
  }
  void AddLatencyChange() {
    const int64_t at = At(3, duration_s_ / 2);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at, "s\"\nkind = \"set_latency\"\nlatency = \"",
                    Int(1, 30), "ms\"\n");
  }
  void AddLossChange() {
    const int64_t at = At(3, duration_s_ / 2);
    absl::StrAppend(&out_, "[[events]]\nat = \"", at,
                    "s\"\nkind = \"set_loss\"\nloss = ", rng_.UniformDouble() * 0.1, "\nfrom = \"",
                    Node(), "\"\nto = \"", Node(), "\"\n");
    loss_changed_ = true;
  }

  RandomStream rng_;
  std::string out_;
  bool hyparview_ = false, tcp_ = false, bounded_latency_ = true, loss_changed_ = false;
  int64_t nodes_ = 0, duration_s_ = 0, heartbeat_s_ = 0, last_fault_s_ = 0;
  double loss_ = 0;
  std::vector<NodeId> free_;
};

}  // namespace

SwarmScenario MakeSwarmScenario(uint64_t seed) { return Generator(seed).Make(seed); }

}  // namespace plumsim
