#pragma once

/// \file quire/parquet/encoding_rle.h
/// \brief The RLE / bit-packing hybrid (Parquet Encodings.md, "Run Length Encoding /
/// Bit-Packing Hybrid"), used for repetition and definition levels, dictionary
/// indices and RLE booleans.

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "quire/util/macros.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Decoder of an RLE / bit-packed hybrid stream of `bit_width` bit values.
///
/// The stream is a sequence of runs: `varint(count << 1)` then one value in
/// ceil(bit_width / 8) little-endian bytes (RLE), or `varint(groups << 1 | 1)` then
/// groups * 8 values bit-packed (a last bit-packed run may be cut short by the end
/// of the data). Reads only inside the given bytes. Not thread-safe.
class QUIRE_EXPORT RleBitPackedDecoder {
 public:
  /// \brief Make a decoder over `data`; `bit_width` must be in [0, 32].
  static Result<RleBitPackedDecoder> Make(std::span<const uint8_t> data, int bit_width);

  /// \brief Decode the next `n` values into `out`.
  /// \return kCorrupt if the stream ends or a run is malformed before `n` values.
  Status Decode(uint32_t* out, int64_t n);

  /// \brief Decode `n` indices and write `dictionary[index]` to `out`.
  /// \return kCorrupt naming the index if one is >= `dictionary_size`.
  template <typename T>
  Status DecodeGather(const T* dictionary, int64_t dictionary_size, T* out, int64_t n);

  /// \brief Skip `n` values (whole bit-packed groups are not unpacked).
  Status Skip(int64_t n);

  /// \brief Decode only the values in `runs`, [begin, end) positions counted from
  /// the decoder's current position, ascending and not overlapping, into `out`;
  /// the decoder ends after the last run.
  Status DecodeRuns(std::span<const std::pair<int64_t, int64_t>> runs, uint32_t* out);

  int bit_width() const { return bit_width_; }

 private:
  RleBitPackedDecoder(std::span<const uint8_t> data, int bit_width)
      : data_(data), bit_width_(bit_width) {}
  Status NextRun();

  std::span<const uint8_t> data_;
  int64_t pos_ = 0;
  int bit_width_;
  bool rle_ = false;
  uint32_t rle_value_ = 0;
  int64_t run_left_ = 0;        // values left in the current run
  const uint8_t* packed_ = nullptr;  // next unread group of a bit-packed run
  int64_t packed_bytes_ = 0;    // bytes left in the bit-packed run
  uint32_t group_[8] = {};      // a partly consumed group of 8 bit-packed values
  int group_pos_ = 8;
  int group_len_ = 8;
  std::vector<uint32_t> scratch_;
};

/// \brief Encode `values` of `bit_width` bits (0..32) as an RLE / bit-packed hybrid
/// stream (without a length prefix): runs of 8 or more equal values become RLE runs,
/// the rest bit-packed groups of 8 (the last group zero-padded).
QUIRE_EXPORT std::string EncodeRleBitPacked(std::span<const uint32_t> values, int bit_width);

/// \brief Return the smallest bit width that holds `max_value`.
constexpr int BitWidthOf(uint64_t max_value) {
  int w = 0;
  while (w < 64 && (max_value >> w) != 0) ++w;
  return w;
}

// --- template definitions ---------------------------------------------------

template <typename T>
Status RleBitPackedDecoder::DecodeGather(const T* dictionary, int64_t dictionary_size,
                                         T* out, int64_t n) {
  constexpr int64_t kChunk = 1024;
  if (scratch_.size() < size_t(kChunk)) scratch_.resize(size_t(kChunk));
  uint32_t* idx = scratch_.data();
  for (int64_t done = 0; done < n;) {
    const int64_t m = n - done < kChunk ? n - done : kChunk;
    QUIRE_RETURN_NOT_OK(Decode(idx, m));
    uint32_t max_index = 0;
    for (int64_t k = 0; k < m; ++k) max_index = idx[k] > max_index ? idx[k] : max_index;
    if (int64_t(max_index) >= dictionary_size) {
      return Status::Corrupt("dictionary index {} is outside a dictionary of {} values",
                             max_index, dictionary_size);
    }
    for (int64_t k = 0; k < m; ++k) out[done + k] = dictionary[idx[k]];
    done += m;
  }
  return Status::OK();
}

}  // namespace quire::parquet
