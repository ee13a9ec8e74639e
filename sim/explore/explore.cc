#include "sim/explore/explore.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/explore/shrink.h"
#include "sim/kernel/random.h"

namespace plumsim {
namespace {

InvariantOptions Options(const Scenario& s, const ExploreSettings& settings) {
  InvariantOptions o;
  o.liveness_from = LivenessFrom(s, settings.nemesis);
  o.quiet_from = SimTime::Zero() + s.duration - settings.nemesis.quiet;
  o.customize_nodes = settings.customize_nodes;
  return o;
}

// The scenario a finding file holds, read back from its own text (so that
// a run of it is exactly what `plumsim run FILE` does).
absl::StatusOr<Scenario> Reread(const Scenario& s) {
  return ParseScenario(s.ToToml(), s.source_path, std::vector<std::string>{});
}

// The finding file's scenario: the base's [[expect]] entries are kept only
// when the finding is one of them; live_unreached gets the entry that fails
// with it (no [[expect]] metric judges trees at a root's broadcast).
Scenario FindingScenario(const Scenario& faulted, const Violation& v, SimTime liveness_from) {
  Scenario s = faulted;
  if (v.invariant != "expect") s.expectations.clear();
  // A protocol finding's missed delivery is Partisan's: no [[expect]] to
  // fail (explore --check reports it as it is).
  if (v.invariant == "live_unreached" && v.klass != "protocol") {
    Expectation e;
    e.metric = Expectation::Metric::kReliabilityMin;
    e.handler = "all";
    e.after = liveness_from;
    e.bound = 1;
    s.expectations.push_back(e);
  }
  return s;
}

std::string Comment(const std::string& text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) absl::StrAppend(&out, "# ", line, "\n");
  return out;
}

}  // namespace

uint64_t ExploreRunSeed(uint64_t explore_seed, int64_t index) {
  return DeriveStreamSeed(explore_seed, StreamDomain::kExplore, static_cast<uint64_t>(index) + 1) &
         static_cast<uint64_t>(INT64_MAX);
}

SimTime LivenessFrom(const Scenario& s, const NemesisConfig& nemesis) {
  return SimTime::Zero() + s.duration - SimDuration::Nanoseconds(nemesis.quiet.ns() / 2);
}

const Violation* ExploreRun::finding() const {
  const Violation* protocol = nullptr;
  for (const Violation& v : report.violations) {
    if (v.klass == "protocol") {
      if (protocol == nullptr) protocol = &v;
    } else if (v.klass != "known") {
      return &v;
    }
  }
  return protocol;
}

Scenario ExploreBase(const Scenario& scenario, const ExploreSettings& settings, int64_t index) {
  Scenario base = scenario;
  base.seed = ExploreRunSeed(settings.seed, index);
  return base;
}

absl::StatusOr<ExploreRun> ExploreOne(const Scenario& scenario, const ExploreSettings& settings,
                                      int64_t index) {
  ExploreRun run;
  run.index = index;
  const Scenario base = ExploreBase(scenario, settings, index);
  run.seed = base.seed;
  run.schedule = MakeFaultSchedule(settings.nemesis, base, base.seed);
  absl::StatusOr<Scenario> faulted = Reread(WithFaults(base, run.schedule.faults));
  if (!faulted.ok()) {
    return absl::InternalError(absl::StrCat(
        "explore run ", index,
        ": the fault schedule makes an invalid scenario: ", faulted.status().message()));
  }
  absl::StatusOr<InvariantReport> report = CheckInvariants(*faulted, Options(*faulted, settings));
  if (!report.ok()) return report.status();
  run.report = *std::move(report);
  const Violation* finding = run.finding();
  run.outcome = finding == nullptr             ? (run.report.violations.empty() ? "ok" : "known")
                : finding->klass == "protocol" ? "protocol"
                                               : "finding";
  return run;
}

absl::StatusOr<ShrunkFinding> ShrinkFinding(const Scenario& scenario,
                                            const ExploreSettings& settings, const ExploreRun& run,
                                            const std::string& reproduce_path) {
  const Violation* target = run.finding();
  if (target == nullptr) return absl::InvalidArgumentError("the run has no finding");
  const std::string invariant = target->invariant, klass = target->klass;
  const FindingTest test = [&](const Scenario& base, const std::vector<Fault>& faults) {
    absl::StatusOr<Scenario> s = Reread(WithFaults(base, faults));
    if (!s.ok()) return false;
    absl::StatusOr<InvariantReport> r = CheckInvariants(*s, Options(*s, settings));
    return r.ok() && r->Breaks(invariant, klass);
  };
  const Scenario base = ExploreBase(scenario, settings, run.index);
  ShrinkResult shrunk = Shrink(base, run.schedule.faults, settings.nemesis.quiet, test);

  absl::StatusOr<Scenario> faulted = Reread(WithFaults(shrunk.base, shrunk.faults));
  if (!faulted.ok()) return faulted.status();
  absl::StatusOr<InvariantReport> report = CheckInvariants(*faulted, Options(*faulted, settings));
  if (!report.ok()) return report.status();
  ShrunkFinding out;
  out.runs = shrunk.runs;
  out.faults = shrunk.faults;
  out.digest = report->digest;
  for (const Violation& v : report->violations) {
    if (v.invariant == invariant && v.klass == klass) out.violation = v;
  }
  const SimTime liveness_from = LivenessFrom(*faulted, settings.nemesis);
  Scenario file = FindingScenario(*faulted, out.violation, liveness_from);
  file.name = absl::StrCat(scenario.name, "-", invariant, "-run", run.index);
  file.description = absl::StrCat("explore finding: ", invariant, " (", klass, ")");
  std::vector<std::string> faults;
  for (const Fault& f : shrunk.faults) faults.push_back(absl::StrCat("  ", f.Describe()));
  std::string header = absl::StrCat(
      "plumsim explore finding: ", invariant, " (", klass, ")\n", out.violation.detail, "\n\n",
      "Found by run ", run.index, " of plumsim explore ", scenario.source_path, " --seed ",
      settings.seed, ", then shrunk in ", shrunk.runs, " runs: ", run.schedule.faults.size(),
      " -> ", shrunk.faults.size(), " fault(s), ", base.node_count, " -> ", shrunk.base.node_count,
      " nodes, ", FormatSimDuration(base.duration), " -> ", FormatSimDuration(shrunk.base.duration),
      ".\nFaults (as events below):\n",
      faults.empty() ? "  none: the base scenario alone breaks it" : absl::StrJoin(faults, "\n"),
      "\n\nReproduce (trace digest ", out.digest, "):\n  plumsim run ", reproduce_path, "\n");
  if ((invariant == "live_unreached" && klass != "protocol") || invariant == "expect") {
    absl::StrAppend(&header, "The [[expect]] entry at the end fails with it (exit 1).\n");
  } else {
    absl::StrAppend(&header,
                    "plumsim run gives no verdict on this invariant; "
                    "plumsim explore FILE --check reports it (docs/explore.md).\n");
  }
  // The quiet period it was judged with, so that explore --check judges
  // the file the same way (plumsim run ignores [explore]).
  out.toml = absl::StrCat(Comment(header), "\n", file.ToToml(), "\n[explore]\nquiet = \"",
                          FormatSimDuration(settings.nemesis.quiet), "\"\n");
  return out;
}

}  // namespace plumsim
