// Test support: metrics.json texts with chosen messages, as a run writes
// them (the fields study figures read), and a figure's column by name.
#ifndef PLUMSIM_SIM_STUDY_METRICS_JSON_TESTING_H_
#define PLUMSIM_SIM_STUDY_METRICS_JSON_TESTING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/study/figures.h"

namespace plumsim {

inline std::string TestMessageJson(const std::string& handler, int64_t sent_at_ns,
                                   double reliability, double rmr, int ldh, bool settled = true) {
  return absl::StrCat("{\"handler\": \"", handler, "\", \"sent_at_ns\": ", sent_at_ns,
                      ", \"settled\": ", settled ? "true" : "false",
                      ", \"reliability\": ", reliability, ", \"rmr\": ", rmr, ", \"ldh\": ", ldh,
                      ", \"latency_ns_p99\": 4000000, \"latency_ns_max\": 5000000}");
}

inline std::string TestMetricsJson(const std::vector<std::string>& messages,
                                   const std::string& converged) {
  return absl::StrCat("{\"summary\": {\"converged_at_ns\": ", converged,
                      ", \"payload_messages\": 10, \"control_messages\": 20},"
                      " \"network\": {\"connections_closed\": {\"ping_timeout\": 2, \"crash\": 1}},"
                      " \"messages\": [",
                      absl::StrJoin(messages, ", "), "]}");
}

inline size_t FigureColumn(const char* name) {
  for (size_t i = 0; i < StudyFigures().size(); ++i) {
    if (std::string(StudyFigures()[i].name) == name) return i;
  }
  return 1000;
}

}  // namespace plumsim

#endif  // PLUMSIM_SIM_STUDY_METRICS_JSON_TESTING_H_
