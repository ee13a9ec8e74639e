// What report.html's plots over time show: the run's metrics windows merged
// into at most `max_points` bins (figures of the settled messages sent in
// each, and traffic), and the scenario's faults as shaded spans and marked
// instants, with the gnuplot commands that draw them.
//
//   Series s = BinSeries(scenario, metrics, /*max_points=*/600);
//   std::string shading = FaultObjects(FaultMarks(scenario));  // before `plot`
#ifndef PLUMSIM_SIM_REPORT_TIME_SERIES_H_
#define PLUMSIM_SIM_REPORT_TIME_SERIES_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/metrics/metrics.h"
#include "sim/scenario/scenario.h"

namespace plumsim {

// A shaded span or a marked instant of the timeline, for every time plot.
struct FaultMark {
  double from_s, to_s;  // equal for an instant
  std::string kind;     // partition, link_down, churn, crash, restart, join, leave
};

// The timeline's partitions, downed links and churn as spans (open ones end
// with the run), crashes, restarts, joins and leaves as instants.
std::vector<FaultMark> FaultMarks(const Scenario& s);

// gnuplot commands that shade the spans and mark the instants.
std::string FaultObjects(const std::vector<FaultMark>& marks);

// Per time bin: figures of the settled messages sent in it, and traffic.
struct Bin {
  double start_s = 0;
  int64_t messages = 0;
  double reliability_min = NAN, rmr_sum = 0, rmr_max = NAN, ldh_max = NAN, p99_max_ms = NAN;
  int64_t with_rmr = 0;
  int64_t prune = 0, i_have = 0, ignored_i_have = 0, graft = 0, membership = 0, eager_changes = 0,
          payload = 0;
};

struct Series {
  std::vector<Bin> bins;
  double bin_s = 1;
  int merged = 1;  // windows per bin
};

// The windows of `metrics`, merged so that there are at most `max_points`
// bins; each settled message counts in the bin it was sent in.
Series BinSeries(const Scenario& scenario, const MetricsCollector& metrics, int max_points);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_REPORT_TIME_SERIES_H_
