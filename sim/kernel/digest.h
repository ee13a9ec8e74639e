// A 64-bit trace digest over a canonical encoding, one 64-bit word at a
// time. Each word w updates the state h by a multiply-fold (the "mum" step of
// wyhash, by Wang Yi): p = (h ^ w ^ kSalt) * kMultiplier as a 128-bit
// product, then h = low64(p) ^ high64(p). One multiplication per word; the
// salt keeps zero words from sticking at a zero state.
//
// Encoding: integers are one word; strings are their length as a word, then
// their bytes packed eight to a word, little-endian, the last word padded
// with zeros, so ("ab","c") and ("a","bc") differ. docs/output-formats.md
// describes the encoding of each trace event.
#ifndef PLUMSIM_SIM_KERNEL_DIGEST_H_
#define PLUMSIM_SIM_KERNEL_DIGEST_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace plumsim {

class TraceDigest {
 public:
  static constexpr uint64_t kInitial = 0x243f6a8885a308d3ULL;  // pi's fraction
  static constexpr uint64_t kSalt = 0xa0761d6478bd642fULL;
  static constexpr uint64_t kMultiplier = 0xe7037ed1a0b428dbULL;

  void AddUint64(uint64_t word) {
    const unsigned __int128 product =
        static_cast<unsigned __int128>(hash_ ^ word ^ kSalt) * kMultiplier;
    hash_ = static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
  }
  void AddInt64(int64_t v) { AddUint64(static_cast<uint64_t>(v)); }
  // The length, then the bytes eight to a word.
  void AddString(absl::string_view s) {
    AddUint64(s.size());
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) AddUint64(LittleEndianWord(s.data() + i, 8));
    if (i < s.size()) AddUint64(LittleEndianWord(s.data() + i, s.size() - i));
  }

  uint64_t value() const { return hash_; }
  // 16 lower-case hex digits, as the CLI prints it.
  std::string Hex() const;

 private:
  static uint64_t LittleEndianWord(const char* bytes, size_t n) {
    uint64_t word = 0;
    for (size_t k = 0; k < n; ++k) {
      word |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[k])) << (8 * k);
    }
    return word;
  }
  uint64_t hash_ = kInitial;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_KERNEL_DIGEST_H_
