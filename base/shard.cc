#include "base/shard.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace plumsim {

absl::StatusOr<Shard> ParseShard(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  Shard shard;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &shard.index) ||
      !absl::SimpleAtoi(parts[1], &shard.count) || shard.count < 1 || shard.index < 1 ||
      shard.index > shard.count) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shard ", text, ": expected K/N with 1 <= K <= N, e.g. 3/8"));
  }
  return shard;
}

}  // namespace plumsim
