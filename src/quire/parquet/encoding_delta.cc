/// \file quire/parquet/encoding_delta.cc
#include "quire/parquet/encoding_delta.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "quire/parquet/encoding_bitpack.h"
#include "quire/parquet/encoding_rle.h"
#include "quire/parquet/encoding_varint.h"
#include "quire/util/macros.h"

namespace quire::parquet {

// --- DELTA_BINARY_PACKED ----------------------------------------------------

template <typename T>
Result<DeltaBinaryPackedDecoder<T>> DeltaBinaryPackedDecoder<T>::Make(
    std::span<const uint8_t> data) {
  DeltaBinaryPackedDecoder<T> d(data);
  QUIRE_RETURN_NOT_OK(d.ReadHeader());
  return d;
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::ReadHeader() {
  QUIRE_ASSIGN_OR_RETURN(uint64_t block_size, ReadUleb128(data_, &pos_));
  QUIRE_ASSIGN_OR_RETURN(uint64_t miniblocks, ReadUleb128(data_, &pos_));
  QUIRE_ASSIGN_OR_RETURN(uint64_t total, ReadUleb128(data_, &pos_));
  QUIRE_ASSIGN_OR_RETURN(int64_t first, ReadZigZag(data_, &pos_));
  if (block_size == 0 || block_size % 128 != 0 || block_size > uint64_t(kMaxDeltaBlockSize)) {
    return Status::Corrupt("DELTA_BINARY_PACKED block size {} is not a multiple of 128 "
                           "in [128, {}]", block_size, kMaxDeltaBlockSize);
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Status::Corrupt("DELTA_BINARY_PACKED block of {} values cannot have {} miniblocks "
                           "of a multiple of 32 values", block_size, miniblocks);
  }
  if (total > (uint64_t(1) << 40)) {
    return Status::Corrupt("DELTA_BINARY_PACKED announces {} values", total);
  }
  block_size_ = int64_t(block_size);
  miniblocks_ = int64_t(miniblocks);
  per_miniblock_ = block_size_ / miniblocks_;
  total_ = int64_t(total);
  last_ = uint64_t(first);
  header_end_ = pos_;
  miniblock_index_ = miniblocks_;  // the first miniblock starts a block
  return Status::OK();
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::NextMiniblock() {
  if (miniblock_index_ == miniblocks_) {
    QUIRE_ASSIGN_OR_RETURN(int64_t min_delta, ReadZigZag(data_, &pos_));
    min_delta_ = uint64_t(min_delta);
    if (int64_t(data_.size()) - pos_ < miniblocks_) {
      return Status::Corrupt("DELTA_BINARY_PACKED bit widths at byte {} are cut off", pos_);
    }
    widths_.assign(data_.begin() + pos_, data_.begin() + pos_ + miniblocks_);
    pos_ += miniblocks_;
    miniblock_index_ = 0;
  }
  const int w = widths_[size_t(miniblock_index_++)];
  if (w > int(sizeof(T) * 8)) {
    return Status::Corrupt("DELTA_BINARY_PACKED miniblock bit width {} exceeds {} bits", w,
                           sizeof(T) * 8);
  }
  // Values after the first one that are still to come; the last miniblock may be
  // only partly used (and its padding cut short by some writers).
  const int64_t count = std::min(per_miniblock_, total_ - emitted_);
  const int64_t full_bytes = per_miniblock_ * w / 8;
  const int64_t available = int64_t(data_.size()) - pos_;
  if (available < PackedBytes(count, w)) {
    return Status::Corrupt("DELTA_BINARY_PACKED miniblock at byte {} is cut off", pos_);
  }
  if (deltas_.size() < size_t(per_miniblock_)) deltas_.resize(size_t(per_miniblock_));
  const int64_t bytes = std::min(full_bytes, available);
  Unpack64(data_.data() + pos_, bytes, deltas_.data(), count, w);
  pos_ += bytes;
  delta_pos_ = 0;
  delta_len_ = count;
  return Status::OK();
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::Decode(T* out, int64_t n) {
  if (n > values_left()) {
    return Status::Corrupt("DELTA_BINARY_PACKED holds {} more values, {} were asked for",
                           values_left(), n);
  }
  using U = std::make_unsigned_t<T>;
  int64_t i = 0;
  if (n > 0 && emitted_ == 0) {
    out[i++] = T(U(last_));
    emitted_ = 1;
  }
  while (i < n) {
    if (delta_pos_ == delta_len_) QUIRE_RETURN_NOT_OK(NextMiniblock());
    const int64_t m = std::min(n - i, delta_len_ - delta_pos_);
    // Wrapping arithmetic in T's width (Encodings.md: deltas overflow as in two's
    // complement), done on unsigned values.
    U last = U(last_);
    const U min_delta = U(min_delta_);
    const uint64_t* d = deltas_.data() + delta_pos_;
    for (int64_t k = 0; k < m; ++k) {
      last = U(last + min_delta + U(d[k]));
      out[i + k] = T(last);
    }
    last_ = uint64_t(last);
    delta_pos_ += m;
    emitted_ += m;
    i += m;
  }
  return Status::OK();
}

template <typename T>
Result<int64_t> DeltaBinaryPackedDecoder<T>::EncodedSize() const {
  int64_t pos = header_end_;
  int64_t remaining = total_ > 0 ? total_ - 1 : 0;
  while (remaining > 0) {
    QUIRE_RETURN_NOT_OK(ReadZigZag(data_, &pos));
    if (int64_t(data_.size()) - pos < miniblocks_) {
      return Status::Corrupt("DELTA_BINARY_PACKED bit widths at byte {} are cut off", pos);
    }
    const uint8_t* widths = data_.data() + pos;
    pos += miniblocks_;
    for (int64_t m = 0; m < miniblocks_ && remaining > 0; ++m) {
      if (widths[m] > sizeof(T) * 8) {
        return Status::Corrupt("DELTA_BINARY_PACKED miniblock bit width {} exceeds {} bits",
                               widths[m], sizeof(T) * 8);
      }
      pos += per_miniblock_ * widths[m] / 8;
      remaining -= std::min(remaining, per_miniblock_);
    }
    if (pos > int64_t(data_.size())) {
      return Status::Corrupt("DELTA_BINARY_PACKED data is cut off at byte {}", data_.size());
    }
  }
  return pos;
}

template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;

// --- DELTA_LENGTH_BYTE_ARRAY -------------------------------------------------

Result<DeltaLengthByteArrayDecoder> DeltaLengthByteArrayDecoder::Make(
    std::span<const uint8_t> data) {
  QUIRE_ASSIGN_OR_RETURN(auto lengths, DeltaBinaryPackedDecoder<int32_t>::Make(data));
  QUIRE_ASSIGN_OR_RETURN(int64_t data_pos, lengths.EncodedSize());
  return DeltaLengthByteArrayDecoder(data, std::move(lengths), data_pos);
}

Status DeltaLengthByteArrayDecoder::Decode(std::string_view* out, int64_t n) {
  if (scratch_.size() < size_t(n)) scratch_.resize(size_t(n));
  QUIRE_RETURN_NOT_OK(lengths_.Decode(scratch_.data(), n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = scratch_[size_t(i)];
    if (len < 0 || len > int64_t(data_.size()) - data_pos_) {
      return Status::Corrupt("DELTA_LENGTH_BYTE_ARRAY value of {} bytes at byte {} runs past "
                             "the {} bytes of the page", len, data_pos_, data_.size());
    }
    out[i] = {reinterpret_cast<const char*>(data_.data()) + data_pos_, size_t(len)};
    data_pos_ += len;
  }
  return Status::OK();
}

// --- DELTA_BYTE_ARRAY ---------------------------------------------------------

Result<DeltaByteArrayDecoder> DeltaByteArrayDecoder::Make(std::span<const uint8_t> data) {
  QUIRE_ASSIGN_OR_RETURN(auto prefixes, DeltaBinaryPackedDecoder<int32_t>::Make(data));
  QUIRE_ASSIGN_OR_RETURN(int64_t end, prefixes.EncodedSize());
  QUIRE_ASSIGN_OR_RETURN(auto suffixes,
                         DeltaLengthByteArrayDecoder::Make(data.subspan(size_t(end))));
  if (suffixes.values_left() != prefixes.values_left()) {
    return Status::Corrupt("DELTA_BYTE_ARRAY has {} prefix lengths but {} suffixes",
                           prefixes.values_left(), suffixes.values_left());
  }
  return DeltaByteArrayDecoder(std::move(prefixes), std::move(suffixes));
}

Status DeltaByteArrayDecoder::Decode(std::string_view* out, int64_t n) {
  if (prefix_scratch_.size() < size_t(n)) {
    prefix_scratch_.resize(size_t(n));
    suffix_scratch_.resize(size_t(n));
  }
  QUIRE_RETURN_NOT_OK(prefixes_.Decode(prefix_scratch_.data(), n));
  QUIRE_RETURN_NOT_OK(suffixes_.Decode(suffix_scratch_.data(), n));
  // Sizes first, so that storage_ is allocated once and the views stay valid.
  constexpr int64_t kMaxBatchBytes = int64_t(1) << 31;
  int64_t previous = int64_t(last_.size());
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t prefix = prefix_scratch_[size_t(i)];
    if (prefix < 0 || prefix > previous) {
      return Status::Corrupt("DELTA_BYTE_ARRAY prefix of {} bytes is longer than the previous "
                             "value ({} bytes)", prefix, previous);
    }
    previous = prefix + int64_t(suffix_scratch_[size_t(i)].size());
    total += previous;
    if (previous > std::numeric_limits<int32_t>::max() || total > kMaxBatchBytes) {
      return Status::ResourceExhausted("DELTA_BYTE_ARRAY values grow past {} bytes",
                                       kMaxBatchBytes);
    }
  }
  storage_.resize(size_t(total));
  char* w = storage_.data();
  std::string_view prev = last_;
  for (int64_t i = 0; i < n; ++i) {
    const size_t prefix = size_t(prefix_scratch_[size_t(i)]);
    const std::string_view suffix = suffix_scratch_[size_t(i)];
    std::memmove(w, prev.data(), prefix);
    std::memcpy(w + prefix, suffix.data(), suffix.size());
    out[i] = {w, prefix + suffix.size()};
    prev = out[i];
    w += prefix + suffix.size();
  }
  if (n > 0) last_.assign(prev);
  return Status::OK();
}

// --- Encoders -----------------------------------------------------------------

template <typename T>
std::string EncodeDeltaBinaryPacked(std::span<const T> values) {
  using U = std::make_unsigned_t<T>;
  constexpr int64_t kBlock = 128, kMiniblocks = 4, kPer = kBlock / kMiniblocks;
  std::string out;
  AppendUleb128(kBlock, &out);
  AppendUleb128(kMiniblocks, &out);
  AppendUleb128(values.size(), &out);
  AppendZigZag(values.empty() ? 0 : int64_t(values[0]), &out);
  std::vector<int64_t> deltas;
  for (size_t i = 1; i < values.size(); ++i) {
    deltas.push_back(int64_t(T(U(U(values[i]) - U(values[i - 1])))));
  }
  for (size_t b = 0; b < deltas.size(); b += kBlock) {
    const size_t end = std::min(deltas.size(), b + size_t(kBlock));
    const int64_t min_delta = *std::min_element(deltas.begin() + int64_t(b), deltas.begin() + int64_t(end));
    AppendZigZag(min_delta, &out);
    uint64_t packed[kPer];
    int widths[kMiniblocks] = {};
    std::vector<std::vector<uint64_t>> blocks;
    for (int m = 0; m < kMiniblocks; ++m) {
      const size_t s = b + size_t(m * kPer);
      if (s >= end) break;
      std::vector<uint64_t> v(kPer, 0);
      uint64_t max = 0;
      for (size_t k = s; k < std::min(end, s + size_t(kPer)); ++k) {
        v[k - s] = uint64_t(U(U(deltas[k]) - U(min_delta)));
        max = std::max(max, v[k - s]);
      }
      widths[m] = BitWidthOf(max);
      blocks.push_back(std::move(v));
    }
    for (int m = 0; m < kMiniblocks; ++m) out.push_back(char(widths[m]));
    for (size_t m = 0; m < blocks.size(); ++m) {
      std::copy(blocks[m].begin(), blocks[m].end(), packed);
      const size_t at = out.size();
      out.resize(at + size_t(PackedBytes(kPer, widths[m])));
      Pack64(packed, kPer, widths[m], reinterpret_cast<uint8_t*>(out.data() + at));
    }
  }
  return out;
}

template std::string EncodeDeltaBinaryPacked<int32_t>(std::span<const int32_t>);
template std::string EncodeDeltaBinaryPacked<int64_t>(std::span<const int64_t>);

std::string EncodeDeltaLengthByteArray(std::span<const std::string_view> values) {
  std::vector<int32_t> lengths;
  for (auto v : values) lengths.push_back(int32_t(v.size()));
  std::string out = EncodeDeltaBinaryPacked<int32_t>(lengths);
  for (auto v : values) out.append(v);
  return out;
}

std::string EncodeDeltaByteArray(std::span<const std::string_view> values) {
  std::vector<int32_t> prefixes;
  std::vector<std::string_view> suffixes;
  std::string_view prev;
  for (auto v : values) {
    size_t p = 0;
    while (p < prev.size() && p < v.size() && prev[p] == v[p]) ++p;
    prefixes.push_back(int32_t(p));
    suffixes.push_back(v.substr(p));
    prev = v;
  }
  return EncodeDeltaBinaryPacked<int32_t>(prefixes) + EncodeDeltaLengthByteArray(suffixes);
}

}  // namespace quire::parquet
