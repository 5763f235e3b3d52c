/// \file quire/util/utf8.cc
#include "quire/util/utf8.h"

#include "quire/util/bit_util.h"

namespace quire::util {

bool IsValidUtf8(const uint8_t* data, int64_t size) {
  int64_t i = 0;
  while (i < size) {
    // ASCII fast path: 8 bytes at a time.
    if (i + 8 <= size && (LoadU64(data + i) & 0x8080808080808080ULL) == 0) {
      i += 8;
      continue;
    }
    const uint8_t c = data[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Unicode 15, Table 3-7: well-formed byte sequences.
    int n;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // <= U+10FFFF
    } else {
      return false;
    }
    if (size - i - 1 < n) return false;
    if (data[i + 1] < lo || data[i + 1] > hi) return false;
    for (int k = 2; k <= n; ++k) {
      if ((data[i + k] & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace quire::util
