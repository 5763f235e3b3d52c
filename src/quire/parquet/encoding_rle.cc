/// \file quire/parquet/encoding_rle.cc
#include "quire/parquet/encoding_rle.h"

#include <algorithm>
#include <cstring>

#include "quire/parquet/encoding_bitpack.h"
#include "quire/parquet/encoding_varint.h"

namespace quire::parquet {

Result<RleBitPackedDecoder> RleBitPackedDecoder::Make(std::span<const uint8_t> data,
                                                      int bit_width) {
  if (bit_width < 0 || bit_width > 32) {
    return Status::Corrupt("RLE/bit-packed bit width {} is outside [0, 32]", bit_width);
  }
  return RleBitPackedDecoder(data, bit_width);
}

Status RleBitPackedDecoder::NextRun() {
  if (pos_ >= int64_t(data_.size())) {
    return Status::Corrupt("RLE/bit-packed data ends at byte {} before all values", pos_);
  }
  QUIRE_ASSIGN_OR_RETURN(uint64_t header, ReadUleb128(data_, &pos_));
  const int64_t left = int64_t(data_.size()) - pos_;
  if (header & 1) {
    // Bit-packed: groups of 8 values, bit_width bytes per group.
    const uint64_t groups = header >> 1;
    if (groups == 0 || groups > (uint64_t(1) << 31)) {
      return Status::Corrupt("bit-packed run of {} groups at byte {}", groups, pos_);
    }
    int64_t bytes = int64_t(groups) * bit_width_;
    int64_t values = int64_t(groups) * 8;
    if (bytes > left) {
      // A last run cut short by the end of the page: keep the whole values in it.
      bytes = left;
      values = bit_width_ == 0 ? values : left * 8 / bit_width_;
    }
    rle_ = false;
    packed_ = data_.data() + pos_;
    packed_bytes_ = bytes;
    run_left_ = values;
    pos_ += bytes;
  } else {
    const uint64_t count = header >> 1;
    const int value_bytes = (bit_width_ + 7) / 8;
    if (value_bytes > left) {
      return Status::Corrupt("RLE run value at byte {} is cut off", pos_);
    }
    if (count > (uint64_t(1) << 40)) {
      return Status::Corrupt("RLE run of {} values at byte {}", count, pos_);
    }
    uint32_t v = 0;
    std::memcpy(&v, data_.data() + pos_, size_t(value_bytes));
    if (bit_width_ < 32 && (v >> bit_width_) != 0) {
      return Status::Corrupt("RLE run value {} does not fit {} bits", v, bit_width_);
    }
    pos_ += value_bytes;
    rle_ = true;
    rle_value_ = v;
    run_left_ = int64_t(count);
  }
  return Status::OK();
}

Status RleBitPackedDecoder::Decode(uint32_t* out, int64_t n) {
  while (n > 0) {
    if (group_pos_ < group_len_) {
      const int64_t m = std::min<int64_t>(n, group_len_ - group_pos_);
      std::memcpy(out, group_ + group_pos_, size_t(m) * sizeof(uint32_t));
      group_pos_ += int(m);
      out += m;
      n -= m;
      continue;
    }
    if (run_left_ == 0) QUIRE_RETURN_NOT_OK(NextRun());
    if (rle_) {
      const int64_t m = std::min(n, run_left_);
      std::fill(out, out + m, rle_value_);
      run_left_ -= m;
      out += m;
      n -= m;
      continue;
    }
    // Whole groups straight into the output; a partial group through group_.
    const int64_t whole = std::min(n, run_left_) / 8 * 8;
    if (whole > 0) {
      Unpack32(packed_, packed_bytes_, out, whole, bit_width_);
      const int64_t used = whole / 8 * bit_width_;
      packed_ += used;
      packed_bytes_ -= used;
      run_left_ -= whole;
      out += whole;
      n -= whole;
      continue;
    }
    const int64_t len = std::min<int64_t>(8, run_left_);
    Unpack32(packed_, packed_bytes_, group_, len, bit_width_);
    const int64_t used = std::min<int64_t>(packed_bytes_, bit_width_);
    packed_ += used;
    packed_bytes_ -= used;
    run_left_ -= len;
    group_len_ = int(len);
    group_pos_ = 0;
  }
  return Status::OK();
}

Status RleBitPackedDecoder::Skip(int64_t n) {
  uint32_t sink[8];
  while (n > 0) {
    if (group_pos_ < group_len_) {
      const int64_t m = std::min<int64_t>(n, group_len_ - group_pos_);
      group_pos_ += int(m);
      n -= m;
      continue;
    }
    if (run_left_ == 0) QUIRE_RETURN_NOT_OK(NextRun());
    if (rle_) {
      const int64_t m = std::min(n, run_left_);
      run_left_ -= m;
      n -= m;
      continue;
    }
    // Whole groups of a bit-packed run are stepped over without unpacking.
    const int64_t groups = std::min(n, run_left_) / 8;
    if (groups > 0) {
      const int64_t used = std::min<int64_t>(packed_bytes_, groups * bit_width_);
      packed_ += used;
      packed_bytes_ -= used;
      run_left_ -= groups * 8;
      n -= groups * 8;
      continue;
    }
    QUIRE_RETURN_NOT_OK(Decode(sink, std::min<int64_t>(n, 8)));
    n -= std::min<int64_t>(n, 8);
  }
  return Status::OK();
}

Status RleBitPackedDecoder::DecodeRuns(std::span<const std::pair<int64_t, int64_t>> runs,
                                       uint32_t* out) {
  int64_t at = 0;
  for (const auto& [begin, end] : runs) {
    if (begin < at || end < begin) {
      return Status::Invalid("runs to decode must be ascending and not overlap");
    }
    QUIRE_RETURN_NOT_OK(Skip(begin - at));
    QUIRE_RETURN_NOT_OK(Decode(out, end - begin));
    out += end - begin;
    at = end;
  }
  return Status::OK();
}

namespace {

int64_t RunLength(std::span<const uint32_t> v, size_t i) {
  size_t j = i + 1;
  while (j < v.size() && v[j] == v[i]) ++j;
  return int64_t(j - i);
}

}  // namespace

std::string EncodeRleBitPacked(std::span<const uint32_t> values, int bit_width) {
  std::string out;
  const int value_bytes = (bit_width + 7) / 8;
  size_t i = 0;
  while (i < values.size()) {
    const int64_t run = RunLength(values, i);
    if (run >= 8) {
      AppendUleb128(uint64_t(run) << 1, &out);
      const uint32_t v = values[i];
      out.append(reinterpret_cast<const char*>(&v), size_t(value_bytes));
      i += size_t(run);
      continue;
    }
    // Literal values up to the next run of 8 that starts on a group boundary.
    size_t j = i;
    while (j < values.size() && !((j - i) % 8 == 0 && j > i && RunLength(values, j) >= 8)) ++j;
    const int64_t count = int64_t(j - i);
    const int64_t groups = (count + 7) / 8;
    std::vector<uint64_t> padded(size_t(groups * 8), 0);
    for (int64_t k = 0; k < count; ++k) padded[size_t(k)] = values[i + size_t(k)];
    AppendUleb128(uint64_t(groups) << 1 | 1, &out);
    const size_t at = out.size();
    out.resize(at + size_t(PackedBytes(groups * 8, bit_width)));
    Pack64(padded.data(), groups * 8, bit_width, reinterpret_cast<uint8_t*>(out.data() + at));
    i = j;
  }
  return out;
}

}  // namespace quire::parquet
