#pragma once

/// \file quire/parquet/encoding_delta.h
/// \brief DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY
/// (Parquet Encodings.md, sections 5-7).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Largest block size (values) accepted, which bounds the decoder's memory.
inline constexpr int64_t kMaxDeltaBlockSize = int64_t(1) << 20;

/// \brief Decoder of DELTA_BINARY_PACKED for INT32 (T = int32_t) or INT64 (int64_t).
///
/// Header: varint block size (a multiple of 128), varint miniblocks per block (block
/// size / miniblocks a multiple of 32), varint total count, zigzag first value. Then
/// blocks: zigzag min delta, one bit-width byte per miniblock, the miniblocks.
/// Arithmetic wraps in T's width, as the spec requires. Not thread-safe.
template <typename T>
class QUIRE_EXPORT DeltaBinaryPackedDecoder {
 public:
  /// \brief Read the header of the stream at the start of `data`.
  static Result<DeltaBinaryPackedDecoder> Make(std::span<const uint8_t> data);

  /// \brief Total number of values the header announces.
  int64_t total_values() const { return total_; }
  /// \brief Number of values not yet decoded.
  int64_t values_left() const { return total_ - emitted_; }

  /// \brief Decode the next `n` values (n <= values_left()).
  Status Decode(T* out, int64_t n);

  /// \brief Return the number of bytes the whole stream occupies, walking the block
  /// headers without decoding (for DELTA_LENGTH_BYTE_ARRAY, whose data follows).
  Result<int64_t> EncodedSize() const;

 private:
  explicit DeltaBinaryPackedDecoder(std::span<const uint8_t> data) : data_(data) {}
  Status ReadHeader();
  Status NextMiniblock();

  std::span<const uint8_t> data_;
  int64_t pos_ = 0;
  int64_t header_end_ = 0;
  int64_t block_size_ = 0;
  int64_t miniblocks_ = 0;
  int64_t per_miniblock_ = 0;
  int64_t total_ = 0;
  int64_t emitted_ = 0;
  uint64_t last_ = 0;  // last value, as unsigned for wrapping arithmetic
  uint64_t min_delta_ = 0;
  std::vector<uint8_t> widths_;
  int64_t miniblock_index_ = 0;  // next miniblock of the current block
  std::vector<uint64_t> deltas_;
  int64_t delta_pos_ = 0;
  int64_t delta_len_ = 0;
};

/// \brief Decoder of DELTA_LENGTH_BYTE_ARRAY: delta-packed lengths, then the bytes.
///
/// Views returned by Decode point into the input data. Not thread-safe.
class QUIRE_EXPORT DeltaLengthByteArrayDecoder {
 public:
  static Result<DeltaLengthByteArrayDecoder> Make(std::span<const uint8_t> data);
  int64_t values_left() const { return lengths_.values_left(); }
  /// \brief Decode the next `n` values as views into the input.
  Status Decode(std::string_view* out, int64_t n);
  /// \brief Bytes consumed by the whole stream (lengths and data), known after all
  /// values were decoded.
  int64_t bytes_position() const { return data_pos_; }

 private:
  DeltaLengthByteArrayDecoder(std::span<const uint8_t> data,
                              DeltaBinaryPackedDecoder<int32_t> lengths, int64_t data_pos)
      : data_(data), lengths_(std::move(lengths)), data_pos_(data_pos) {}
  std::span<const uint8_t> data_;
  DeltaBinaryPackedDecoder<int32_t> lengths_;
  int64_t data_pos_;
  std::vector<int32_t> scratch_;
};

/// \brief Decoder of DELTA_BYTE_ARRAY (incremental encoding): delta-packed prefix
/// lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY; value i is the first
/// prefix[i] bytes of value i-1 followed by suffix i.
///
/// Views returned by Decode stay valid until the next Decode. Not thread-safe.
class QUIRE_EXPORT DeltaByteArrayDecoder {
 public:
  static Result<DeltaByteArrayDecoder> Make(std::span<const uint8_t> data);
  int64_t values_left() const { return prefixes_.values_left(); }
  Status Decode(std::string_view* out, int64_t n);

 private:
  DeltaByteArrayDecoder(DeltaBinaryPackedDecoder<int32_t> prefixes,
                        DeltaLengthByteArrayDecoder suffixes)
      : prefixes_(std::move(prefixes)), suffixes_(std::move(suffixes)) {}
  DeltaBinaryPackedDecoder<int32_t> prefixes_;
  DeltaLengthByteArrayDecoder suffixes_;
  std::string last_;
  std::string storage_;
  std::vector<int32_t> prefix_scratch_;
  std::vector<std::string_view> suffix_scratch_;
};

/// \brief Encode `values` as DELTA_BINARY_PACKED with blocks of 128 values in 4
/// miniblocks (what most writers use).
template <typename T>
QUIRE_EXPORT std::string EncodeDeltaBinaryPacked(std::span<const T> values);
/// \brief Encode byte arrays as DELTA_LENGTH_BYTE_ARRAY.
QUIRE_EXPORT std::string EncodeDeltaLengthByteArray(std::span<const std::string_view> values);
/// \brief Encode byte arrays as DELTA_BYTE_ARRAY.
QUIRE_EXPORT std::string EncodeDeltaByteArray(std::span<const std::string_view> values);

}  // namespace quire::parquet
