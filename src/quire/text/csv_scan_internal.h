#pragma once

/// \file quire/text/csv_scan_internal.h
/// \brief Byte scanning for the CSV reader: 64-byte masks of delimiters, line
/// feeds and quotes (SSE2), quote-parity record boundaries, byte counts, and the
/// bytes-to-bitmap packing of its column sinks.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace quire::text::internal {

/// \brief Bytes readable past the end of the data in every scanned buffer, so
/// that Scan64() may load whole 64-byte windows.
inline constexpr size_t kScanPadding = 64;

/// \brief Bit i set when byte i of a 64-byte window is the delimiter, a line
/// feed or the quote.
struct Masks {
  uint64_t delimiter;
  uint64_t newline;
  uint64_t quote;
};

inline Masks Scan64(const char* p, char delimiter, char quote) {
#if defined(__SSE2__)
  const __m128i vd = _mm_set1_epi8(delimiter);
  const __m128i vn = _mm_set1_epi8('\n');
  const __m128i vq = _mm_set1_epi8(quote);
  Masks m{0, 0, 0};
  for (int k = 0; k < 4; ++k) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    m.delimiter |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd)))) << (16 * k);
    m.newline |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn)))) << (16 * k);
    m.quote |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq)))) << (16 * k);
  }
  return m;
#else
  Masks m{0, 0, 0};
  for (int i = 0; i < 64; ++i) {
    m.delimiter |= uint64_t(p[i] == delimiter) << i;
    m.newline |= uint64_t(p[i] == '\n') << i;
    m.quote |= uint64_t(p[i] == quote) << i;
  }
  return m;
#endif
}

/// \brief Bit i of the result is the XOR of bits 0..i of `x`: with `x` the quote
/// mask, the bits inside quoted sections (opening quote included, closing quote
/// excluded). A doubled quote toggles twice, so RFC 4180 escapes need no care.
inline uint64_t PrefixXor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

/// \brief Count the bytes equal to `c` in [p, p + n).
inline size_t CountByte(const char* p, size_t n, char c) {
  size_t count = 0;
  size_t i = 0;
#if defined(__SSE2__)
  // Per-byte counters (at most 255 steps), summed with SAD: no popcount needed.
  const __m128i vc = _mm_set1_epi8(c);
  const __m128i zero = _mm_setzero_si128();
  while (i + 16 <= n) {
    __m128i acc = zero;
    const size_t steps = std::min<size_t>((n - i) / 16, 255);
    for (size_t k = 0; k < steps; ++k, i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, vc));
    }
    const __m128i sums = _mm_sad_epu8(acc, zero);
    count += size_t(_mm_cvtsi128_si64(sums)) + size_t(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < n; ++i) count += p[i] == c;
  return count;
}

/// \brief Return the end (one past the line feed) of the last complete record in
/// [p, p + n), which starts at a record boundary, or 0 if there is none. A line
/// feed ends a record when an even number of quotes precedes it.
inline size_t LastRecordEnd(const char* p, size_t n, char quote) {
  if (std::memchr(p, quote, n) == nullptr) {
    const void* nl = memrchr(p, '\n', n);
    return nl ? size_t(static_cast<const char*>(nl) - p) + 1 : 0;
  }
  // Parity of the quotes in [p, p + i), walking i down from n.
  size_t parity = CountByte(p, n, quote) & 1;
  for (size_t i = n; i-- > 0;) {
    if (p[i] == quote) {
      parity ^= 1;
    } else if (p[i] == '\n' && parity == 0) {
      return i + 1;
    }
  }
  return 0;
}

/// \brief Return the end of the first record ending at or after `from` in
/// [p, p + n) (a record boundary at p), or 0 if no line feed after `from` ends a
/// record.
inline size_t NextRecordEnd(const char* p, size_t n, size_t from, char quote) {
  size_t parity = CountByte(p, from, quote) & 1;
  for (size_t i = from; i < n; ++i) {
    if (p[i] == quote) {
      parity ^= 1;
    } else if (p[i] == '\n' && parity == 0) {
      return i + 1;
    }
  }
  return 0;
}

/// \brief Pack `n` bytes that are each 0 or 1 into an LSB-first bitmap.
inline void PackBytesToBits(const uint8_t* bytes, int64_t n, uint8_t* bits) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    bits[i / 8] = uint8_t(((word & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56);
  }
  if (i < n) {
    uint8_t last = 0;
    for (int64_t k = i; k < n; ++k) last |= uint8_t((bytes[k] & 1) << (k - i));
    bits[i / 8] = last;
  }
}

}  // namespace quire::text::internal
