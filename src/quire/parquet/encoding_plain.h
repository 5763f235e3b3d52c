#pragma once

/// \file quire/parquet/encoding_plain.h
/// \brief PLAIN (Encodings.md section 1) and BYTE_STREAM_SPLIT (section 9) decoding.
///
/// Every function reads only inside `data` and advances a cursor, so a page can be
/// decoded in several batches.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Copy `n` PLAIN fixed-width values of `width` bytes from `*pos`.
QUIRE_EXPORT Status DecodePlainFixed(std::span<const uint8_t> data, int64_t* pos, int width,
                                     int64_t n, uint8_t* out);

/// \brief Decode `n` PLAIN booleans (one bit each, LSB first) from bit `*bit_pos`
/// into the bitmap `out` at bit `out_offset`.
QUIRE_EXPORT Status DecodePlainBoolean(std::span<const uint8_t> data, int64_t* bit_pos,
                                       int64_t n, uint8_t* out, int64_t out_offset);

/// \brief Decode `n` PLAIN BYTE_ARRAY values (4-byte little-endian length, then the
/// bytes) as views into `data`.
QUIRE_EXPORT Status DecodePlainByteArray(std::span<const uint8_t> data, int64_t* pos,
                                         int64_t n, std::string_view* out);

/// \brief Decode values [start, start + n) of a BYTE_STREAM_SPLIT page of
/// `width`-byte values: byte b of value i is at data[b * count + i], where count =
/// data.size() / width.
QUIRE_EXPORT Status DecodeByteStreamSplit(std::span<const uint8_t> data, int width,
                                          int64_t start, int64_t n, uint8_t* out);

/// \brief Encode `count` values of `width` bytes as BYTE_STREAM_SPLIT.
QUIRE_EXPORT std::string EncodeByteStreamSplit(const uint8_t* values, int64_t count, int width);

}  // namespace quire::parquet
