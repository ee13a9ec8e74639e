// A 64-bit trace digest: FNV-1a (Fowler/Noll/Vo, 64-bit: offset basis
// 0xcbf29ce484222325, prime 0x100000001b3) over a canonical byte encoding.
// Integers are fed as 8 little-endian bytes, strings as their 8-byte length
// followed by their bytes, so that ("ab","c") and ("a","bc") differ.
#ifndef PLUMSIM_SIM_DIGEST_H_
#define PLUMSIM_SIM_DIGEST_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace plumsim {

class TraceDigest {
 public:
  static constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  static constexpr uint64_t kPrime = 0x100000001b3ULL;

  void AddBytes(absl::string_view bytes) {
    for (unsigned char c : bytes) {
      hash_ ^= c;
      hash_ *= kPrime;
    }
  }
  void AddUint64(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      hash_ ^= (v >> (8 * i)) & 0xff;
      hash_ *= kPrime;
    }
  }
  void AddInt64(int64_t v) { AddUint64(static_cast<uint64_t>(v)); }
  void AddString(absl::string_view s) {
    AddUint64(s.size());
    AddBytes(s);
  }

  uint64_t value() const { return hash_; }
  // 16 lower-case hex digits, as the CLI prints it.
  std::string Hex() const;

 private:
  uint64_t hash_ = kOffsetBasis;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_DIGEST_H_
