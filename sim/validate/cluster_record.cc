#include "sim/validate/cluster_record.h"

#include <algorithm>

namespace plumsim {
namespace {

template <typename T>
void StableSortByTime(std::vector<T>* items) {
  std::stable_sort(items->begin(), items->end(),
                   [](const T& a, const T& b) { return a.at_us < b.at_us; });
}

}  // namespace

std::optional<int> ClusterRecord::NodeIndex(const std::string& name) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

int ClusterRecord::HandlerIndex(const std::string& name) {
  for (size_t i = 0; i < handlers.size(); ++i) {
    if (handlers[i] == name) return static_cast<int>(i);
  }
  handlers.push_back(name);
  return static_cast<int>(handlers.size() - 1);
}

void ClusterRecord::SortByTime() {
  std::stable_sort(
      incarnations.begin(), incarnations.end(),
      [](const Incarnation& a, const Incarnation& b) { return a.start_us < b.start_us; });
  StableSortByTime(&originations);
  StableSortByTime(&receipts);
  StableSortByTime(&peer_sets);
  StableSortByTime(&closes);
  StableSortByTime(&ticks);
}

const char* ReceiptKindName(ClusterRecord::ReceiptKind kind) {
  switch (kind) {
    case ClusterRecord::ReceiptKind::kBroadcast:
      return "broadcast";
    case ClusterRecord::ReceiptKind::kIHave:
      return "i_have";
    case ClusterRecord::ReceiptKind::kIgnoredIHave:
      return "ignored_i_have";
    case ClusterRecord::ReceiptKind::kGraft:
      return "graft";
    case ClusterRecord::ReceiptKind::kPrune:
      return "prune";
  }
  return "?";
}

}  // namespace plumsim
