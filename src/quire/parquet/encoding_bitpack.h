#pragma once

/// \file quire/parquet/encoding_bitpack.h
/// \brief Bit packing as Parquet uses it (Encodings.md, "Bit-packed"): values of
/// `bit_width` bits laid out least significant bit first, value after value.

#include <cstdint>

#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Unpack `n` values of `bit_width` (0..32) bits from `in`, which holds
/// `in_bytes` >= ceil(n * bit_width / 8) bytes, into `out`.
QUIRE_EXPORT void Unpack32(const uint8_t* in, int64_t in_bytes, uint32_t* out, int64_t n,
                           int bit_width);

/// \brief Unpack `n` values of `bit_width` (0..64) bits into 64-bit words.
QUIRE_EXPORT void Unpack64(const uint8_t* in, int64_t in_bytes, uint64_t* out, int64_t n,
                           int bit_width);

/// \brief Pack `n` values into ceil(n * bit_width / 8) bytes at `out` (zeroed first);
/// bits of a value above `bit_width` are dropped.
QUIRE_EXPORT void Pack64(const uint64_t* values, int64_t n, int bit_width, uint8_t* out);

/// \brief Return the bytes holding `n` values of `bit_width` bits.
constexpr int64_t PackedBytes(int64_t n, int bit_width) { return (n * bit_width + 7) / 8; }

}  // namespace quire::parquet
