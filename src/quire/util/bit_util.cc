/// \file quire/util/bit_util.cc
#include "quire/util/bit_util.h"

#include <algorithm>

namespace quire::util {

int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length) {
  int64_t count = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  // Leading bits up to a byte boundary.
  for (; i < end && (i & 7) != 0; ++i) count += GetBit(bits, i);
  // Whole 64-bit words.
  for (; i + 64 <= end; i += 64) count += std::popcount(LoadU64(bits + (i >> 3)));
  for (; i + 8 <= end; i += 8) count += std::popcount(unsigned(bits[i >> 3]));
  for (; i < end; ++i) count += GetBit(bits, i);
  return count;
}

void SetBitsTo(uint8_t* bits, int64_t offset, int64_t length, bool value) {
  int64_t i = offset;
  const int64_t end = offset + length;
  for (; i < end && (i & 7) != 0; ++i) SetBitTo(bits, i, value);
  const int64_t whole_bytes = (end - i) >> 3;
  if (whole_bytes > 0) {
    std::memset(bits + (i >> 3), value ? 0xFF : 0x00, size_t(whole_bytes));
    i += whole_bytes * 8;
  }
  for (; i < end; ++i) SetBitTo(bits, i, value);
}

void CopyBitmap(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst,
                int64_t dst_offset) {
  if (length <= 0) return;
  if ((src_offset & 7) == 0 && (dst_offset & 7) == 0) {
    const int64_t whole_bytes = length >> 3;
    std::memcpy(dst + (dst_offset >> 3), src + (src_offset >> 3), size_t(whole_bytes));
    for (int64_t i = whole_bytes * 8; i < length; ++i) {
      SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
    }
    return;
  }
  int64_t i = 0;
  // Align the destination to a byte, then assemble whole destination bytes.
  for (; i < length && ((dst_offset + i) & 7) != 0; ++i) {
    SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
  }
  for (; i + 8 <= length; i += 8) {
    const int64_t s = src_offset + i;
    const int shift = int(s & 7);
    uint16_t two = src[s >> 3];
    if (shift != 0) two |= uint16_t(src[(s >> 3) + 1]) << 8;
    dst[(dst_offset + i) >> 3] = uint8_t(two >> shift);
  }
  for (; i < length; ++i) SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
}

}  // namespace quire::util
