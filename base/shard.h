// A share of many runs for one of N machines: "K/N" takes every run whose
// index modulo N is K - 1 (plumsim study run --shard, explore --shard).
//
//   absl::StatusOr<Shard> shard = ParseShard("2/3");  // runs 1, 4, 7, ...
//   if (shard.ok() && shard->Contains(4)) ...
#ifndef PLUMSIM_BASE_SHARD_H_
#define PLUMSIM_BASE_SHARD_H_

#include <string>

#include "absl/status/statusor.h"

namespace plumsim {

struct Shard {
  int index = 1;  // K, 1-based
  int count = 1;  // N
  bool Contains(int run_index) const { return run_index % count == index - 1; }
};

// "K/N" with 1 <= K <= N; InvalidArgument naming --shard otherwise.
absl::StatusOr<Shard> ParseShard(const std::string& text);

}  // namespace plumsim

#endif  // PLUMSIM_BASE_SHARD_H_
