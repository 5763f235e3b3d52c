#pragma once

/// \file quire/parquet/encoding_varint.h
/// \brief ULEB128 varints and zigzag encoding, as the Parquet encodings use them.

#include <cstdint>
#include <span>
#include <string>

#include "quire/util/result.h"

namespace quire::parquet {

/// \brief Read a ULEB128 varint of at most 10 bytes at `*pos`, advancing `*pos`.
/// \return kCorrupt if the data ends inside it or it does not fit 64 bits.
inline Result<uint64_t> ReadUleb128(std::span<const uint8_t> data, int64_t* pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= int64_t(data.size())) {
      return Status::Corrupt("varint at byte {} is cut off by the end of the data", *pos);
    }
    const uint8_t b = data[size_t((*pos)++)];
    if (shift == 63 && (b & 0x7E) != 0) {
      return Status::Corrupt("varint ending at byte {} overflows 64 bits", *pos);
    }
    value |= uint64_t(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return value;
  }
  return Status::Corrupt("varint ending at byte {} is longer than 10 bytes", *pos);
}

/// \brief Read a zigzag-encoded signed varint.
inline Result<int64_t> ReadZigZag(std::span<const uint8_t> data, int64_t* pos) {
  auto u = ReadUleb128(data, pos);
  if (!u.ok()) return u.status();
  return int64_t((*u >> 1) ^ (~(*u & 1) + 1));
}

inline void AppendUleb128(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(char(uint8_t(v) | 0x80));
    v >>= 7;
  }
  out->push_back(char(v));
}

inline void AppendZigZag(int64_t v, std::string* out) {
  AppendUleb128((uint64_t(v) << 1) ^ uint64_t(v >> 63), out);
}

}  // namespace quire::parquet
