/// \file quire/codec/snappy_decompress.cc
/// \brief Snappy raw-format decoder written from format_description.txt.
///
/// Elements start with a tag byte whose low two bits give the kind:
/// - 00 literal: length-1 in the upper six bits, or, for 60..63, in the next
///   1..4 bytes (little-endian); the literal bytes follow;
/// - 01 copy, 1-byte offset: length 4 + bits 2..4, offset bits 5..7 << 8 | next byte;
/// - 10 copy, 2-byte offset: length-1 in the upper six bits, offset in 2 LE bytes;
/// - 11 copy, 4-byte offset: as 10 with a 4-byte offset.
/// A copy repeats `length` bytes starting `offset` bytes back in the output, and may
/// overlap what it writes (offset < length repeats a pattern).
///
/// The fast loop runs while the input has 21 bytes and the output 80 bytes to spare:
/// it copies in fixed 8- or 16-byte moves that may write past the element's end
/// (later elements overwrite those bytes) and never past the output. The tail is
/// decoded byte-exactly with every bound checked.

#include "quire/codec/snappy_decompress.h"

#include <array>
#include <cstring>

#include "quire/util/macros.h"

namespace quire::codec {

namespace {

inline uint32_t Load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline void Copy8(uint8_t* d, const uint8_t* s) {
  uint64_t v;
  std::memcpy(&v, s, 8);
  std::memcpy(d, &v, 8);
}

inline void Copy16(uint8_t* d, const uint8_t* s) {
  uint8_t v[16];
  std::memcpy(v, s, 16);
  std::memcpy(d, v, 16);
}

// Copy `len` (1..64) bytes from `offset` (1..op-base) bytes back, writing up to
// 15 bytes past op + len, which the caller guarantees the output has.
inline void CopyBackFast(uint8_t* op, size_t offset, size_t len) {
  const uint8_t* src = op - offset;
  if (offset >= 16) {
    Copy16(op, src);
    for (size_t i = 16; i < len; i += 16) Copy16(op + i, src + i);
    return;
  }
  if (offset >= 8) {
    Copy8(op, src);
    for (size_t i = 8; i < len; i += 8) Copy8(op + i, src + i);
    return;
  }
  // A repeated pattern shorter than 8 bytes: lay down one period bytewise until it
  // spans at least 8 bytes, then copy 8 at a time from that many bytes back.
  size_t period = offset;
  while (period < 8) period += offset;
  size_t i = 0;
  for (; i < period && i < len; ++i) op[i] = src[i];
  for (; i < len; i += 8) Copy8(op + i, op + i - period);
}

constexpr uint32_t kExtraMask[5] = {0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF};

// What a copy tag says: its length and the offset bits it carries itself (copy-1
// keeps bits 8..10 of the offset in the tag).
struct CopyTag {
  uint8_t length;
  uint16_t high;
};

constexpr std::array<CopyTag, 256> MakeCopyTags() {
  std::array<CopyTag, 256> t{};
  for (uint32_t tag = 0; tag < 256; ++tag) {
    switch (tag & 3) {
      case 1: t[tag] = {uint8_t(4 + ((tag >> 2) & 7)), uint16_t((tag >> 5) << 8)}; break;
      case 2:
      case 3: t[tag] = {uint8_t((tag >> 2) + 1), 0}; break;
      default: break;
    }
  }
  return t;
}

constexpr std::array<CopyTag, 256> kCopyTags = MakeCopyTags();

Status Truncated(const char* what, size_t at) {
  return Status::Corrupt("snappy: {} at input byte {} runs past the end of the stream", what,
                         at);
}

// Copy a literal of `len` bytes at *ip (its tag and length bytes read) to *op,
// checking that it lies inside both the input and the output.
inline Status CopyLiteral(const uint8_t** ip, const uint8_t* in_end, uint8_t** op,
                          uint8_t* out_end, size_t len, size_t at) {
  if (len > size_t(in_end - *ip)) return Truncated("a literal", at);
  if (len > size_t(out_end - *op)) {
    return Status::Corrupt("snappy: a literal of {} bytes overflows the output", len);
  }
  std::memcpy(*op, *ip, len);
  *op += len;
  *ip += len;
  return Status::OK();
}

}  // namespace

Result<uint32_t> SnappyUncompressedLength(std::span<const uint8_t> input) {
  uint64_t value = 0;
  for (size_t i = 0; i < 5; ++i) {
    if (i >= input.size()) {
      return Status::Corrupt("snappy: the stream does not start with a valid length");
    }
    const uint8_t b = input[i];
    value |= uint64_t(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      if (value > 0xFFFFFFFFu) break;
      return uint32_t(value);
    }
  }
  return Status::Corrupt("snappy: the stream does not start with a valid length");
}

Status SnappyDecompress(std::span<const uint8_t> input, std::span<uint8_t> output) {
  QUIRE_ASSIGN_OR_RETURN(const uint32_t length, SnappyUncompressedLength(input));
  if (length != output.size()) {
    return Status::Corrupt("snappy: the stream says {} bytes, the page header says {}", length,
                           output.size());
  }
  const uint8_t* const in_begin = input.data();
  const uint8_t* const in_end = in_begin + input.size();
  const uint8_t* ip = in_begin;
  while (*ip++ & 0x80) {
  }
  uint8_t* const base = output.data();
  uint8_t* const out_end = base + output.size();
  uint8_t* op = base;

  // Fast loop: 1 tag + 4 extra bytes + 16 literal bytes readable; a 64-byte copy
  // plus a 16-byte overshoot writable.
  const uint8_t* const ip_fast = input.size() > 21 ? in_end - 21 : in_begin;
  uint8_t* const op_fast = output.size() > 80 ? out_end - 80 : base;
  while (ip < ip_fast && op < op_fast) {
    const uint32_t tag = *ip++;
    if ((tag & 3) == 0) {
      size_t len = (tag >> 2) + 1;
      if (len <= 16) {
        Copy16(op, ip);
        op += len;
        ip += len;
        continue;
      }
      if (len > 60) {
        const size_t extra = len - 60;
        len = size_t(Load32(ip) & kExtraMask[extra]) + 1;
        ip += extra;
      }
      QUIRE_RETURN_NOT_OK(CopyLiteral(&ip, in_end, &op, out_end, len, size_t(ip - in_begin)));
      continue;
    }
    // The three copy forms decoded alike, without branching on the form.
    const CopyTag c = kCopyTags[tag];
    // The offset's byte count by shifts rather than from the table: the next tag's
    // position does not wait for a load (10-15% on lineitem's decimal pages).
    const uint32_t extra = (0x04020100u >> (8 * (tag & 3))) & 0xFF;
    const size_t offset = (Load32(ip) & kExtraMask[extra]) + c.high;
    ip += extra;
    // offset 0 wraps to the largest size_t
    if (offset - 1 >= size_t(op - base)) {
      return Status::Corrupt("snappy: a copy at output byte {} reaches {} bytes back",
                             size_t(op - base), offset);
    }
    if (c.length <= 16 && offset >= 8) {
      Copy8(op, op - offset);
      Copy8(op + 8, op + 8 - offset);
    } else {
      CopyBackFast(op, offset, c.length);
    }
    op += c.length;
  }

  // Tail: every element checked, every byte written exactly once.
  while (ip < in_end) {
    const uint32_t tag = *ip++;
    size_t len;
    size_t offset;
    const size_t at = size_t(ip - 1 - in_begin);
    switch (tag & 3) {
      case 0: {
        len = (tag >> 2) + 1;
        if (len > 60) {
          const size_t extra = len - 60;
          if (extra > size_t(in_end - ip)) return Truncated("a literal length", at);
          uint32_t v = 0;
          for (size_t k = 0; k < extra; ++k) v |= uint32_t(ip[k]) << (8 * k);
          len = size_t(v) + 1;
          ip += extra;
        }
        QUIRE_RETURN_NOT_OK(CopyLiteral(&ip, in_end, &op, out_end, len, at));
        continue;
      }
      case 1:
        if (in_end - ip < 1) return Truncated("a copy", at);
        len = 4 + ((tag >> 2) & 7);
        offset = ((tag >> 5) << 8) | *ip++;
        break;
      case 2:
        if (in_end - ip < 2) return Truncated("a copy", at);
        len = (tag >> 2) + 1;
        offset = Load16(ip);
        ip += 2;
        break;
      default:
        if (in_end - ip < 4) return Truncated("a copy", at);
        len = (tag >> 2) + 1;
        offset = Load32(ip);
        ip += 4;
        break;
    }
    if (offset == 0 || offset > size_t(op - base)) {
      return Status::Corrupt("snappy: a copy at output byte {} reaches {} bytes back",
                             size_t(op - base), offset);
    }
    if (len > size_t(out_end - op)) {
      return Status::Corrupt("snappy: a copy of {} bytes overflows the output", len);
    }
    const uint8_t* src = op - offset;
    for (size_t k = 0; k < len; ++k) op[k] = src[k];
    op += len;
  }
  if (op != out_end) {
    return Status::Corrupt("snappy: the stream ends after {} of {} bytes", size_t(op - base),
                           output.size());
  }
  return Status::OK();
}

}  // namespace quire::codec
