// Reading typed values out of a parsed scenario document, collecting every
// error with its position instead of stopping at the first: what
// the section readers (sections.h, *_section.cc) are built on.
//
// Positions: a value read from the file is "file:line:col"; a value that a
// --set (or --seed, --duration) put there is named by that argument; a key
// missing from a table points at the table ("file:line:col" of its header,
// "file:1:1" for the top level).
#ifndef PLUMSIM_SIM_SCENARIO_READER_H_
#define PLUMSIM_SIM_SCENARIO_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/kernel/time.h"
#include "sim/runtime/latency.h"
#include "sim/scenario/node_set.h"
#include "toml++/toml.h"

namespace plumsim {

// Scenario values that do not fit these bounds are refused at load: times
// and periods beyond kMaxSimTime could overflow the clock when added, and
// protocol timers faster than a millisecond do not exist in Erlang
// (erlang:send_after takes whole milliseconds) and would make runs endless.
inline constexpr int64_t kMaxNodes = 10'000'000;
inline constexpr SimDuration kMaxSimTime = SimDuration::Seconds(100'000LL * 3600);  // 100000h
inline constexpr SimDuration kMinTimerPeriod = SimDuration::Milliseconds(1);
// How many errors one load reports at most.
inline constexpr int kMaxReportedErrors = 20;

// Parses a TOML document; a syntax error is InvalidArgument with its
// "source_name:line:col".
absl::StatusOr<toml::table> ParseTomlDocument(absl::string_view text,
                                              const std::string& source_name);

class ScenarioReader {
 public:
  explicit ScenarioReader(std::string source_name) : source_name_(std::move(source_name)) {}

  const std::string& source_name() const { return source_name_; }

  // Values under `node` (and `node` itself) came from this command-line
  // argument, e.g. "--set nodes.count=x".
  void MarkFromArgument(const toml::node& node, const std::string& argument);

  // Where a value stands, for messages.
  std::string Where(const toml::node* node) const;

  // Records "where: key: message".
  void Error(const toml::node* node, absl::string_view key, absl::string_view message);
  // A required key missing from `table` (null: the top level).
  void Missing(const toml::table* table, absl::string_view key, absl::string_view hint);
  // An error positioned by hand (line, column in the file).
  void ErrorAt(int line, int column, absl::string_view key, absl::string_view message);
  bool ok() const { return errors_.empty(); }
  size_t error_count() const { return errors_.size(); }
  // All errors, in file order then argument order, at most kMaxReportedErrors.
  absl::Status Result() const;

  // Records unknown keys; returns false if there were any.
  bool CheckKeys(const toml::table& table, absl::string_view path,
                 absl::Span<const absl::string_view> allowed);
  static std::string Join(absl::string_view path, absl::string_view key);

  // Typed values: nullopt after recording an error.
  std::optional<std::string> String(const toml::node& n, absl::string_view key);
  std::optional<int64_t> Integer(const toml::node& n, absl::string_view key, int64_t min,
                                 int64_t max);
  // `what` names the expectation in messages ("" : "a number").
  std::optional<double> Number(const toml::node& n, absl::string_view key, double min, double max,
                               absl::string_view what = "a number");
  std::optional<double> Probability(const toml::node& n, absl::string_view key) {
    return Number(n, key, 0, 1, "a probability");
  }
  std::optional<bool> Bool(const toml::node& n, absl::string_view key);
  // A duration string in [min, kMaxSimTime].
  std::optional<SimDuration> Duration(const toml::node& n, absl::string_view key,
                                      SimDuration min = SimDuration::Zero());
  // A protocol timer period: at least kMinTimerPeriod.
  std::optional<SimDuration> Period(const toml::node& n, absl::string_view key) {
    return Duration(n, key, kMinTimerPeriod);
  }
  std::optional<LatencyDistribution> Latency(const toml::node& n, absl::string_view key);

  // Node references: "n<k>" with k below total_nodes.
  void set_total_nodes(int64_t n) { total_nodes_ = n; }
  int64_t total_nodes() const { return total_nodes_; }
  std::optional<NodeId> Node(const toml::node& n, absl::string_view text, absl::string_view key);
  // "n3", "n0..n9", "all", comma-separated, or an array of those; or
  // "random 40%" / "random 4000", optionally "... of n100..n9999": that
  // share or number of `population` (default: the initial nodes), drawn
  // from the scenario's seed (set_seed), the k-th random set of the file
  // from the k-th stream of StreamDomain::kNodeSets.
  // `random_refused`: why this key takes no random set ("" : it does).
  std::optional<NodeSet> Nodes(const toml::node& n, absl::string_view key,
                               const NodeSet* population = nullptr,
                               absl::string_view random_refused = "");
  void set_seed(uint64_t seed) { seed_ = seed; }
  void set_initial_nodes(int64_t n) { initial_nodes_ = n; }

 private:
  struct Diagnostic {
    int order;  // 0: in the file, 1: from an argument
    int line, column;
    std::string text;
  };
  std::optional<NodeSet::Range> NodeRange(const toml::node& n, absl::string_view part,
                                          absl::string_view key);
  std::optional<NodeSet> RandomNodes(const toml::node& n, absl::string_view part,
                                     absl::string_view key, const NodeSet* population);
  // "random <amount> [of <range>]" split in words: the nodes drawn from.
  std::optional<NodeSet> RandomPopulation(const toml::node& n, absl::string_view part,
                                          absl::string_view key,
                                          const std::vector<absl::string_view>& words,
                                          const NodeSet* population);
  // "40%" or "4000" of `n_from` nodes: how many to draw (at least one).
  std::optional<int64_t> RandomCount(const toml::node& n, absl::string_view part,
                                     absl::string_view key, absl::string_view amount,
                                     int64_t n_from);
  // `count` of `from`, from the next random stream of the seed.
  NodeSet DrawNodes(const NodeSet& from, int64_t count);
  // A latency table's kind (nullptr after recording an error) and the
  // parameters that kind takes.
  const LatencyDistribution::KindSpec* LatencyKind(const toml::table& t, absl::string_view key);
  std::optional<LatencyDistribution> EmpiricalLatency(const toml::table& t, absl::string_view key);
  std::optional<LatencyDistribution> LatencyParameters(const toml::table& t, absl::string_view key,
                                                       const LatencyDistribution::KindSpec& spec);

  std::string source_name_;
  int64_t total_nodes_ = 0;
  int64_t initial_nodes_ = 0;
  uint64_t seed_ = 1;
  uint64_t random_sets_ = 0;  // random node sets drawn so far
  std::vector<Diagnostic> errors_;
  absl::flat_hash_map<const toml::node*, std::string> from_argument_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_SCENARIO_READER_H_
