#pragma once

/// \file quire/util/bit_util.h
/// \brief Bit and bitmap helpers for LSB-first bitmaps (Arrow validity layout).

#include <bit>
#include <cstdint>
#include <cstring>

#include "quire/util/visibility.h"

namespace quire::util {

/// \brief Return the number of bytes holding `bits` bits.
constexpr int64_t BytesForBits(int64_t bits) { return (bits + 7) >> 3; }

/// \brief Round `value` up to a multiple of `factor` (a power of two).
constexpr int64_t RoundUpPow2(int64_t value, int64_t factor) {
  return (value + (factor - 1)) & ~(factor - 1);
}

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) { bits[i >> 3] |= uint8_t(1u << (i & 7)); }
inline void ClearBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= uint8_t(~(1u << (i & 7)));
}
inline void SetBitTo(uint8_t* bits, int64_t i, bool value) {
  // Branch-free form used in builder hot loops.
  bits[i >> 3] ^= uint8_t((-uint8_t(value) ^ bits[i >> 3]) & (1u << (i & 7)));
}

/// \brief Count the set bits of bitmap `bits` in [offset, offset + length).
QUIRE_EXPORT int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length);

/// \brief Set bits [offset, offset + length) of `bits` to `value`.
QUIRE_EXPORT void SetBitsTo(uint8_t* bits, int64_t offset, int64_t length, bool value);

/// \brief Copy `length` bits from `src` at `src_offset` to `dst` at `dst_offset`.
///
/// Bits of `dst` outside the destination range are preserved.
QUIRE_EXPORT void CopyBitmap(const uint8_t* src, int64_t src_offset, int64_t length,
                             uint8_t* dst, int64_t dst_offset);

/// \brief Load 8 bytes little-endian from an unaligned address.
inline uint64_t LoadU64(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// \brief Return bits [offset, offset + count) of `bits` (count 0..64) in the low
/// bits of a word, the rest zero. Reads only the bytes holding those bits.
inline uint64_t LoadBits(const uint8_t* bits, int64_t offset, int64_t count) {
  if (count <= 0) return 0;
  const uint8_t* p = bits + (offset >> 3);
  const int shift = int(offset & 7);
  const int64_t nbytes = (shift + count + 7) >> 3;  // 1..9
  uint64_t w = 0;
  if (nbytes >= 8) {
    w = LoadU64(p) >> shift;
    if (nbytes == 9) w |= uint64_t(p[8]) << (64 - shift);
  } else {
    std::memcpy(&w, p, size_t(nbytes));
    w >>= shift;
  }
  return count == 64 ? w : w & ((uint64_t(1) << count) - 1);
}

}  // namespace quire::util
