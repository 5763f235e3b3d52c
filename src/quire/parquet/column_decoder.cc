/// \file quire/parquet/column_decoder.cc
#include "quire/parquet/column_decoder.h"

#include <algorithm>
#include <memory>
#include <cstring>
#include <optional>
#include <limits>
#include <string_view>

#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"
#include "quire/parquet/encoding_bitpack.h"
#include "quire/parquet/encoding_delta.h"
#include "quire/parquet/encoding_plain.h"
#include "quire/parquet/encoding_rle.h"
#include "quire/parquet/encoding_varint.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"
#include "quire/util/utf8.h"

namespace quire::parquet {

using columnar::TypeId;

namespace {

// Bytes per value of a fixed-width physical type (BOOLEAN decodes to one byte per
// value); 0 for BYTE_ARRAY.
int PhysicalWidth(const ColumnDescriptor& c) {
  switch (c.physical_type) {
    case Type::kBoolean: return 1;
    case Type::kInt32:
    case Type::kFloat: return 4;
    case Type::kInt64:
    case Type::kDouble: return 8;
    case Type::kInt96: return 12;
    case Type::kFixedLenByteArray: return c.type_length;
    case Type::kByteArray: return 0;
  }
  return 0;
}

// Growable bytes that are not zeroed on growth (they are always overwritten).
class RawBytes {
 public:
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }
  void resize(size_t n) {
    if (n > capacity_) {
      const size_t cap = std::max(n, capacity_ * 2);
      auto fresh = std::make_unique_for_overwrite<uint8_t[]>(cap);
      if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_);
      data_ = std::move(fresh);
      capacity_ = cap;
    }
    size_ = n;
  }
  void insert_back(const char* first, size_t n) {
    const size_t at = size_;
    resize(size_ + n);
    std::memcpy(data_.get() + at, first, n);
  }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Values of one page (or the dictionary) in their physical form.
struct Physical {
  int width = 0;
  RawBytes fixed;
  std::vector<std::string_view> binary;
  int64_t size() const { return width ? int64_t(fixed.size()) / width : int64_t(binary.size()); }
  void Clear() {
    fixed.clear();
    binary.clear();
  }
};

// Gathers dictionary entries of W bytes (a compile-time width: inlined moves).
template <int W>
void GatherFixed(const uint8_t* dict, const uint32_t* idx, int64_t n, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(out + i * W, dict + size_t(idx[i]) * W, W);
}

struct Dictionary {
  bool present = false;
  bool utf8 = false;  // every value checked to be UTF-8
  // INT32/INT64 decimal dictionaries widened once to the Arrow decimal's bytes, so
  // that pages gather decimals directly.
  RawBytes widened;
  int widened_width = 0;
  Physical values;
  columnar::BufferPtr storage;  // backs the byte-array views
};

Status DecodePlain(std::span<const uint8_t> data, int64_t* pos, int64_t* bit_pos,
                   const ColumnDescriptor& c, int64_t n, Physical* out) {
  if (c.physical_type == Type::kBoolean) {
    std::vector<uint8_t> bits(size_t(util::BytesForBits(n)) + 1);
    QUIRE_RETURN_NOT_OK(DecodePlainBoolean(data, bit_pos, n, bits.data(), 0));
    const size_t at = out->fixed.size();
    out->fixed.resize(at + size_t(n));
    for (int64_t i = 0; i < n; ++i) out->fixed.data()[at + size_t(i)] = util::GetBit(bits.data(), i);
    return Status::OK();
  }
  if (c.physical_type == Type::kByteArray) {
    const size_t at = out->binary.size();
    out->binary.resize(at + size_t(n));
    return DecodePlainByteArray(data, pos, n, out->binary.data() + at);
  }
  const size_t at = out->fixed.size();
  if (n > int64_t(data.size()) / std::max(1, out->width) + 1) {
    return Status::Corrupt("PLAIN page of {} bytes cannot hold {} values of {} bytes",
                           data.size(), n, out->width);
  }
  out->fixed.resize(at + size_t(n * out->width));
  return DecodePlainFixed(data, pos, out->width, n, out->fixed.data() + at);
}

// The values appended to `b` since data offset `start` (`n` values) are UTF-8:
// their concatenation is valid and no value starts inside a character.
Status CheckUtf8(const columnar::BinaryBuilder& b, int64_t start, int64_t n) {
  const uint8_t* data = b.value_data();
  const int64_t end = b.value_data_length();
  if (end == start) return Status::OK();
  if (!util::IsValidUtf8(data + start, end - start)) {
    return Status::Corrupt("a string value of the page is not valid UTF-8");
  }
  // Continuation bytes (10xxxxxx) cannot start a value.
  for (int64_t i = b.length() - n; i < b.length(); ++i) {
    const int64_t o = b.value_offset(i);
    if (o < end && (data[o] & 0xC0) == 0x80) {
      return Status::Corrupt("string value {} of the page is not valid UTF-8",
                             i - (b.length() - n));
    }
  }
  return Status::OK();
}

// Append the dictionary strings `views[idx[i]]`, i < n, to `b`.
Status AppendDictionaryStrings(const std::vector<std::string_view>& views, const uint32_t* idx,
                               int64_t n, columnar::BinaryBuilder* b) {
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) total += int64_t(views[idx[i]].size());
  QUIRE_RETURN_NOT_OK(b->CheckDataSize(total));
  QUIRE_RETURN_NOT_OK(b->Reserve(n));
  QUIRE_RETURN_NOT_OK(b->ReserveData(total));
  for (int64_t i = 0; i < n; ++i) b->UnsafeAppend(views[idx[i]]);
  return Status::OK();
}

// Whether Arrow type `t` keeps the bytes of `phys` values as they are.
bool KeepsPhysicalBytes(Type phys, columnar::TypeId t) {
  using columnar::TypeId;
  switch (phys) {
    case Type::kInt32:
      return t == TypeId::kInt32 || t == TypeId::kDate32 || t == TypeId::kTime32 ||
             t == TypeId::kUInt32;
    case Type::kInt64:
      return t == TypeId::kInt64 || t == TypeId::kTime64 || t == TypeId::kTimestamp ||
             t == TypeId::kDuration || t == TypeId::kUInt64;
    case Type::kFloat: return t == TypeId::kFloat32;
    case Type::kDouble: return t == TypeId::kFloat64;
    default: return false;
  }
}

// Decodes the values of one data page into physical form.
class ValueDecoder {
 public:
  // `indices` is scratch memory shared by the pages of a chunk.
  static Result<ValueDecoder> Make(const Page& page, const ColumnDescriptor& c,
                                   const Dictionary& dict, std::vector<uint32_t>* indices) {
    ValueDecoder d(page, c, dict, indices);
    QUIRE_RETURN_NOT_OK(d.Init());
    return d;
  }

  // Whether DecodeBinaryInto() can decode this page.
  bool decodes_binary() const {
    return c_.physical_type == Type::kByteArray &&
           (encoding_ == Encoding::kPlain || dictionary_encoded());
  }

  bool dictionary_encoded() const {
    return encoding_ == Encoding::kPlainDictionary || encoding_ == Encoding::kRleDictionary;
  }

  // The raw indices at the value positions `runs` ([begin, end), ascending) of a
  // dictionary-encoded page, checked against the dictionary; `count` in all.
  Status DecodeIndicesAt(std::span<const std::pair<int64_t, int64_t>> runs, int64_t count,
                         uint32_t* out) {
    QUIRE_RETURN_NOT_OK(rle_->DecodeRuns(runs, out));
    return CheckIndices(out, count);
  }

  // The raw indices of a dictionary-encoded page, checked against the dictionary.
  Status DecodeIndices(int64_t n, uint32_t* out) {
    QUIRE_RETURN_NOT_OK(rle_->Decode(out, n));
    return CheckIndices(out, n);
  }

  Status CheckIndices(const uint32_t* indices, int64_t n) const {
    const int64_t size = dict_.values.size();
    uint32_t max_index = 0;
    for (int64_t i = 0; i < n; ++i) max_index = std::max(max_index, indices[i]);
    if (n > 0 && int64_t(max_index) >= size) {
      return Status::Corrupt("dictionary index {} is outside a dictionary of {} values",
                             max_index, size);
    }
    return Status::OK();
  }

  // Whether DecodeFixed() can decode this page: values of a fixed physical width.
  bool decodes_fixed() const {
    const Type t = c_.physical_type;
    if (t == Type::kBoolean || t == Type::kByteArray) return false;
    switch (encoding_) {
      case Encoding::kPlain:
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary:
      case Encoding::kByteStreamSplit:
        return true;
      case Encoding::kDeltaBinaryPacked:
        return t == Type::kInt32 || t == Type::kInt64;
      default:
        return false;
    }
  }

  // The next `n` values of a PLAIN page of fixed-width values, in place in the page
  // (advancing past them); nullptr for other pages.
  Result<const uint8_t*> PlainFixedView(int64_t n) {
    const Type t = c_.physical_type;
    if (encoding_ != Encoding::kPlain || t == Type::kBoolean || t == Type::kByteArray) {
      return nullptr;
    }
    const int64_t width = PhysicalWidth(c_);
    if (n > (int64_t(data_.size()) - pos_) / std::max<int64_t>(1, width)) {
      return Status::Corrupt("PLAIN page of {} bytes cannot hold {} values of {} bytes",
                             data_.size(), n, width);
    }
    const uint8_t* view = data_.data() + pos_;
    pos_ += n * width;
    return view;
  }

  // Decode `n` values of PhysicalWidth() bytes each into `dst` (decodes_fixed()).
  Status DecodeFixed(int64_t n, uint8_t* dst) {
    const int width = PhysicalWidth(c_);
    switch (encoding_) {
      case Encoding::kPlain:
        if (n > int64_t(data_.size()) / std::max(1, width) + 1) {
          return Status::Corrupt("PLAIN page of {} bytes cannot hold {} values of {} bytes",
                                 data_.size(), n, width);
        }
        return DecodePlainFixed(data_, &pos_, width, n, dst);
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: {
        QUIRE_RETURN_NOT_OK(CheckedIndices(n));
        const size_t w = size_t(width);
        const uint8_t* src = dict_.values.fixed.data();
        switch (w) {
          case 1: GatherFixed<1>(src, indices_.data(), n, dst); break;
          case 4: GatherFixed<4>(src, indices_.data(), n, dst); break;
          case 8: GatherFixed<8>(src, indices_.data(), n, dst); break;
          case 12: GatherFixed<12>(src, indices_.data(), n, dst); break;
          case 16: GatherFixed<16>(src, indices_.data(), n, dst); break;
          default:
            for (int64_t i = 0; i < n; ++i) {
              std::memcpy(dst + size_t(i) * w, src + indices_[size_t(i)] * w, w);
            }
        }
        return Status::OK();
      }
      case Encoding::kDeltaBinaryPacked:
        if (c_.physical_type == Type::kInt32) {
          return d32_->Decode(reinterpret_cast<int32_t*>(dst), n);
        }
        return d64_->Decode(reinterpret_cast<int64_t*>(dst), n);
      case Encoding::kByteStreamSplit:
        QUIRE_RETURN_NOT_OK(DecodeByteStreamSplit(data_, width, bss_pos_, n, dst));
        bss_pos_ += n;
        return Status::OK();
      default:
        return Status::Internal("DecodeFixed on encoding {}", ToString(encoding_));
    }
  }

  // Gather `n` entries of `width` bytes from `table` (parallel to the dictionary)
  // by the page's dictionary indices.
  Status GatherFrom(const uint8_t* table, int width, int64_t n, uint8_t* dst) {
    QUIRE_RETURN_NOT_OK(CheckedIndices(n));
    if (width == 16) {
      GatherFixed<16>(table, indices_.data(), n, dst);
    } else {
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(dst + i * width, table + size_t(indices_[size_t(i)]) * size_t(width),
                    size_t(width));
      }
    }
    return Status::OK();
  }

  // Append `n` BYTE_ARRAY values of a PLAIN or dictionary page to `b`, checking
  // UTF-8 when `utf8` (a dictionary checked once is not checked again).
  Status DecodeBinaryInto(int64_t n, columnar::BinaryBuilder* b, bool utf8,
                          bool dictionary_is_utf8) {
    QUIRE_RETURN_NOT_OK(b->Reserve(n));
    const int64_t data_start = b->value_data_length();
    if (encoding_ == Encoding::kPlain) {
      // A first pass over the length prefixes sizes the data exactly (a batch may
      // take a small part of a large page); the second checks nothing again.
      const uint8_t* p = data_.data();
      const int64_t size = int64_t(data_.size());
      int64_t total = 0;
      for (int64_t i = 0, at = pos_; i < n; ++i) {
        if (size - at < 4) break;
        uint32_t len;
        std::memcpy(&len, p + at, 4);
        at += 4;
        if (int64_t(len) > size - at) break;
        at += len;
        total += len;
      }
      QUIRE_RETURN_NOT_OK(b->CheckDataSize(total));
      QUIRE_RETURN_NOT_OK(b->ReserveData(total));
      for (int64_t i = 0; i < n; ++i) {
        if (size - pos_ < 4) {
          return Status::Corrupt("PLAIN BYTE_ARRAY value {} runs past the page", i);
        }
        uint32_t len;
        std::memcpy(&len, p + pos_, 4);
        pos_ += 4;
        if (int64_t(len) > size - pos_) {
          return Status::Corrupt("PLAIN BYTE_ARRAY value {} of {} bytes runs past the page", i,
                                 len);
        }
        b->UnsafeAppend({reinterpret_cast<const char*>(p + pos_), len});
        pos_ += len;
      }
      if (utf8) return CheckUtf8(*b, data_start, n);
      return Status::OK();
    }
    QUIRE_RETURN_NOT_OK(CheckedIndices(n));
    QUIRE_RETURN_NOT_OK(AppendDictionaryStrings(dict_.values.binary, indices_.data(), n, b));
    if (utf8 && !dictionary_is_utf8) return CheckUtf8(*b, data_start, n);
    return Status::OK();
  }

  Status Decode(int64_t n, Physical* out) {
    if (decodes_fixed() && out->width == PhysicalWidth(c_) && out->width > 0) {
      const size_t at = out->fixed.size();
      out->fixed.resize(at + size_t(n) * size_t(out->width));
      return DecodeFixed(n, out->fixed.data() + at);
    }
    switch (encoding_) {
      case Encoding::kPlain:
        return DecodePlain(data_, &pos_, &bit_pos_, c_, n, out);
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary:
        return DecodeDictionary(n, out);
      case Encoding::kRle: {  // booleans
        const size_t at = out->fixed.size();
        out->fixed.resize(at + size_t(n));
        indices_.resize(size_t(n));
        QUIRE_RETURN_NOT_OK(rle_->Decode(indices_.data(), n));
        for (int64_t i = 0; i < n; ++i) out->fixed.data()[at + size_t(i)] = uint8_t(indices_[size_t(i)]);
        return Status::OK();
      }
      case Encoding::kDeltaLengthByteArray: {
        const size_t at = out->binary.size();
        out->binary.resize(at + size_t(n));
        return dlba_->Decode(out->binary.data() + at, n);
      }
      case Encoding::kDeltaByteArray: {
        std::vector<std::string_view> views(static_cast<size_t>(n));
        QUIRE_RETURN_NOT_OK(dba_->Decode(views.data(), n));
        if (c_.physical_type == Type::kByteArray) {
          // The views live until the next Decode; the caller converts at once.
          out->binary.insert(out->binary.end(), views.begin(), views.end());
          return Status::OK();
        }
        for (auto v : views) {
          if (int64_t(v.size()) != out->width) {
            return Status::Corrupt("DELTA_BYTE_ARRAY value of {} bytes in a "
                                   "FIXED_LEN_BYTE_ARRAY({}) column", v.size(), out->width);
          }
          out->fixed.insert_back(v.data(), v.size());
        }
        return Status::OK();
      }
      default:
        return Status::Unsupported("encoding {}", ToString(encoding_));
    }
  }

 private:
  ValueDecoder(const Page& page, const ColumnDescriptor& c, const Dictionary& dict,
               std::vector<uint32_t>* indices)
      : c_(c), dict_(dict), encoding_(page.encoding), data_(page.values), indices_(*indices) {}

  Status Init() {
    const Type t = c_.physical_type;
    switch (encoding_) {
      case Encoding::kPlain:
        return Status::OK();
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: {
        if (!dict_.present) return Status::Corrupt("dictionary-encoded page without a dictionary");
        if (data_.empty()) {
          // A page of only nulls may carry no index bytes at all.
          QUIRE_ASSIGN_OR_RETURN(auto rle, RleBitPackedDecoder::Make({}, 0));
          rle_.emplace(std::move(rle));
          return Status::OK();
        }
        QUIRE_ASSIGN_OR_RETURN(auto rle, RleBitPackedDecoder::Make(data_.subspan(1), data_[0]));
        rle_.emplace(std::move(rle));
        return Status::OK();
      }
      case Encoding::kRle: {
        if (t != Type::kBoolean) break;
        if (data_.size() < 4) return Status::Corrupt("RLE boolean page without its length");
        uint32_t len;
        std::memcpy(&len, data_.data(), 4);
        if (len > data_.size() - 4) {
          return Status::Corrupt("RLE boolean data of {} bytes runs past the page", len);
        }
        QUIRE_ASSIGN_OR_RETURN(auto rle, RleBitPackedDecoder::Make(data_.subspan(4, len), 1));
        rle_.emplace(std::move(rle));
        return Status::OK();
      }
      case Encoding::kDeltaBinaryPacked:
        if (t == Type::kInt32) {
          QUIRE_ASSIGN_OR_RETURN(auto d, DeltaBinaryPackedDecoder<int32_t>::Make(data_));
          d32_.emplace(std::move(d));
          return Status::OK();
        }
        if (t == Type::kInt64) {
          QUIRE_ASSIGN_OR_RETURN(auto d, DeltaBinaryPackedDecoder<int64_t>::Make(data_));
          d64_.emplace(std::move(d));
          return Status::OK();
        }
        break;
      case Encoding::kDeltaLengthByteArray:
        if (t != Type::kByteArray) break;
        {
          QUIRE_ASSIGN_OR_RETURN(auto d, DeltaLengthByteArrayDecoder::Make(data_));
          dlba_.emplace(std::move(d));
        }
        return Status::OK();
      case Encoding::kDeltaByteArray:
        if (t != Type::kByteArray && t != Type::kFixedLenByteArray) break;
        {
          QUIRE_ASSIGN_OR_RETURN(auto d, DeltaByteArrayDecoder::Make(data_));
          dba_.emplace(std::move(d));
        }
        return Status::OK();
      case Encoding::kByteStreamSplit:
        // Encodings.md: FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY.
        if (t == Type::kBoolean || t == Type::kByteArray || t == Type::kInt96) break;
        return Status::OK();
      default:
        return Status::Unsupported("values in encoding {}", ToString(encoding_));
    }
    return Status::Corrupt("encoding {} cannot hold {} values", ToString(encoding_),
                           ToString(t));
  }

  // Decode `n` indices into indices_, checked against the dictionary.
  Status CheckedIndices(int64_t n) {
    indices_.resize(size_t(n));
    QUIRE_RETURN_NOT_OK(rle_->Decode(indices_.data(), n));
    const uint32_t size = uint32_t(std::min<int64_t>(dict_.values.size(), UINT32_MAX));
    uint32_t max_index = 0;
    for (int64_t i = 0; i < n; ++i) max_index = std::max(max_index, indices_[size_t(i)]);
    if (n > 0 && max_index >= size) {
      return Status::Corrupt("dictionary index {} is outside a dictionary of {} values",
                             max_index, size);
    }
    return Status::OK();
  }

  Status DecodeDictionary(int64_t n, Physical* out) {
    QUIRE_RETURN_NOT_OK(CheckedIndices(n));
    for (int64_t i = 0; i < n; ++i) out->binary.push_back(dict_.values.binary[indices_[size_t(i)]]);
    return Status::OK();
  }

  const ColumnDescriptor& c_;
  const Dictionary& dict_;
  Encoding encoding_;
  std::span<const uint8_t> data_;
  int64_t pos_ = 0;
  int64_t bit_pos_ = 0;
  int64_t bss_pos_ = 0;
  std::optional<RleBitPackedDecoder> rle_;
  std::optional<DeltaBinaryPackedDecoder<int32_t>> d32_;
  std::optional<DeltaBinaryPackedDecoder<int64_t>> d64_;
  std::optional<DeltaLengthByteArrayDecoder> dlba_;
  std::optional<DeltaByteArrayDecoder> dba_;
  std::vector<uint32_t>& indices_;
};

// True when the first `n` levels of an RLE level stream are all `max_level`, read
// from the run headers alone: writers encode the levels of a page without nulls as
// one repeated run. False also for anything else (bit-packed runs, other values,
// a stream too short), which DecodeLevels then decodes and checks in full.
bool AllLevelsAt(std::span<const uint8_t> data, Encoding encoding, int16_t max_level,
                 int64_t n) {
  if (encoding != Encoding::kRle) return false;
  const int value_bytes = (BitWidthOf(uint64_t(max_level)) + 7) / 8;
  int64_t pos = 0;
  int64_t covered = 0;
  while (covered < n) {
    auto header = ReadUleb128(data, &pos);
    if (!header.ok() || (*header & 1) != 0) return false;  // bit-packed run
    const uint64_t count = *header >> 1;
    if (count == 0 || pos + value_bytes > int64_t(data.size())) return false;
    uint32_t value = 0;
    for (int k = 0; k < value_bytes; ++k) value |= uint32_t(data[size_t(pos + k)]) << (8 * k);
    pos += value_bytes;
    if (value != uint32_t(max_level)) return false;
    covered += int64_t(std::min<uint64_t>(count, uint64_t(n)));
  }
  return true;
}

Status DecodeLevels(std::span<const uint8_t> data, Encoding encoding, int16_t max_level,
                    int64_t n, int16_t* out, const char* what) {
  const int bw = BitWidthOf(uint64_t(max_level));
  std::vector<uint32_t> tmp(size_t(std::min<int64_t>(n, 4096)));
  if (encoding == Encoding::kRle) {
    QUIRE_ASSIGN_OR_RETURN(auto dec, RleBitPackedDecoder::Make(data, bw));
    for (int64_t done = 0; done < n;) {
      const int64_t m = std::min<int64_t>(n - done, int64_t(tmp.size()));
      Status st = dec.Decode(tmp.data(), m);
      if (!st.ok()) return st.WithContext(fmt::format("{} levels", what));
      for (int64_t k = 0; k < m; ++k) {
        if (tmp[size_t(k)] > uint32_t(max_level)) {
          return Status::Corrupt("{} level {} exceeds the column's maximum {}", what,
                                 tmp[size_t(k)], max_level);
        }
        out[done + k] = int16_t(tmp[size_t(k)]);
      }
      done += m;
    }
    return Status::OK();
  }
  // Deprecated BIT_PACKED levels: packed from the most significant bit of each byte.
  if (PackedBytes(n, bw) > int64_t(data.size())) {
    return Status::Corrupt("BIT_PACKED {} levels are cut off", what);
  }
  for (int64_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (int b = 0; b < bw; ++b) {
      const int64_t bit = i * bw + b;
      v = (v << 1) | ((data[size_t(bit >> 3)] >> (7 - (bit & 7))) & 1);
    }
    if (v > uint32_t(max_level)) {
      return Status::Corrupt("{} level {} exceeds the column's maximum {}", what, v, max_level);
    }
    out[i] = int16_t(v);
  }
  return Status::OK();
}

// Big-endian two's complement of any length (BYTE_ARRAY / FLBA decimals) into the
// little-endian `width` bytes of decimal128/256.
Status DecimalFromBigEndian(std::string_view be, int width, uint8_t* out) {
  const bool negative = !be.empty() && (uint8_t(be[0]) & 0x80);
  std::memset(out, negative ? 0xFF : 0x00, size_t(width));
  const size_t n = be.size();
  for (size_t k = 0; k < n; ++k) {
    const uint8_t byte = uint8_t(be[n - 1 - k]);
    if (k < size_t(width)) {
      out[k] = byte;
    } else if (byte != (negative ? 0xFF : 0x00)) {
      return Status::Corrupt("DECIMAL value of {} bytes does not fit {} bytes", n, width);
    }
  }
  return Status::OK();
}

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

Status Int96ToTimestamp(const uint8_t* p, columnar::TimeUnit unit, int64_t* out) {
  // INT96 timestamps (Impala): nanoseconds of the day, then the Julian day number.
  const int64_t nanos = Load<int64_t>(p);
  const int64_t julian = Load<int32_t>(p + 8);
  constexpr int64_t kJulianEpoch = 2440588;  // 1970-01-01
  const int64_t per_second = columnar::TicksPerSecond(unit);
  const __int128 ticks = __int128(julian - kJulianEpoch) * 86400 * per_second +
                         columnar::FloorDiv(nanos, 1000000000 / per_second);
  if (ticks > __int128(INT64_MAX) || ticks < __int128(INT64_MIN)) {
    return Status::Unsupported("INT96 timestamp (Julian day {}) is outside the range of "
                               "timestamp[{}]", julian, columnar::TimeUnitName(unit));
  }
  *out = int64_t(ticks);
  return Status::OK();
}

template <typename Builder, typename Out, typename In>
Status AppendCast(const Physical& p, columnar::ArrayBuilder* b) {
  auto& builder = static_cast<Builder&>(*b);
  const int64_t n = p.size();
  QUIRE_RETURN_NOT_OK(builder.Reserve(n));
  for (int64_t i = 0; i < n; ++i) builder.UnsafeAppend(Out(Load<In>(p.fixed.data() + i * sizeof(In))));
  return Status::OK();
}

Status AppendPhysical(const Physical& p, const ColumnDescriptor& c, columnar::ArrayBuilder* b) {
  using namespace columnar;  // NOLINT
  const DataType& t = *b->type();
  const int64_t n = p.size();
  const Type phys = c.physical_type;
  switch (t.id()) {
    case TypeId::kNull:
      return b->AppendNulls(n);
    case TypeId::kBool:
      return static_cast<BooleanBuilder*>(b)->AppendValues(p.fixed.data(), n);
    case TypeId::kInt8: return AppendCast<Int8Builder, int8_t, int32_t>(p, b);
    case TypeId::kInt16: return AppendCast<Int16Builder, int16_t, int32_t>(p, b);
    case TypeId::kUInt8: return AppendCast<UInt8Builder, uint8_t, int32_t>(p, b);
    case TypeId::kUInt16: return AppendCast<UInt16Builder, uint16_t, int32_t>(p, b);
    // Same-width types: the builder class matches the value type exactly.
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32:
      return static_cast<Int32Builder*>(b)->AppendValues(
          reinterpret_cast<const int32_t*>(p.fixed.data()), n);
    case TypeId::kUInt32:
      return static_cast<UInt32Builder*>(b)->AppendValues(
          reinterpret_cast<const uint32_t*>(p.fixed.data()), n);
    case TypeId::kFloat32:
      return static_cast<FloatBuilder*>(b)->AppendValues(
          reinterpret_cast<const float*>(p.fixed.data()), n);
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return static_cast<Int64Builder*>(b)->AppendValues(
          reinterpret_cast<const int64_t*>(p.fixed.data()), n);
    case TypeId::kUInt64:
      return static_cast<UInt64Builder*>(b)->AppendValues(
          reinterpret_cast<const uint64_t*>(p.fixed.data()), n);
    case TypeId::kFloat64:
      return static_cast<DoubleBuilder*>(b)->AppendValues(
          reinterpret_cast<const double*>(p.fixed.data()), n);
    case TypeId::kTimestamp: {
      if (phys != Type::kInt96) {
        return static_cast<Int64Builder*>(b)->AppendValues(
            reinterpret_cast<const int64_t*>(p.fixed.data()), n);
      }
      auto& ts = static_cast<Int64Builder&>(*b);
      QUIRE_RETURN_NOT_OK(ts.Reserve(n));
      for (int64_t i = 0; i < n; ++i) {
        int64_t v = 0;
        QUIRE_RETURN_NOT_OK(Int96ToTimestamp(p.fixed.data() + i * 12, t.unit(), &v));
        ts.UnsafeAppend(v);
      }
      return Status::OK();
    }
    case TypeId::kFloat16:
      return static_cast<HalfFloatBuilder*>(b)->AppendValues(
          reinterpret_cast<const uint16_t*>(p.fixed.data()), n);
    case TypeId::kIntervalMonthDayNano: {
      // Parquet INTERVAL: three little-endian uint32: months, days, milliseconds.
      auto& ib = static_cast<MonthDayNanoBuilder&>(*b);
      QUIRE_RETURN_NOT_OK(ib.Reserve(n));
      for (int64_t i = 0; i < n; ++i) {
        const uint8_t* v = p.fixed.data() + i * 12;
        ib.UnsafeAppend({int32_t(Load<uint32_t>(v)), int32_t(Load<uint32_t>(v + 4)),
                         int64_t(Load<uint32_t>(v + 8)) * 1000000});
      }
      return Status::OK();
    }
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      auto& db = static_cast<FixedSizeBinaryBuilder&>(*b);
      const int w = t.byte_width();
      // Convert in blocks into a scratch area, then append the bytes in bulk.
      constexpr int64_t kBlock = 1024;
      std::vector<uint8_t> scratch(static_cast<size_t>(std::min(n, kBlock) * w));
      for (int64_t start = 0; start < n; start += kBlock) {
        const int64_t m = std::min(kBlock, n - start);
        for (int64_t k = 0; k < m; ++k) {
          const int64_t i = start + k;
          uint8_t* buf = scratch.data() + k * w;
          if (phys == Type::kInt32) {
            DecimalFromInt128(Load<int32_t>(p.fixed.data() + i * 4), w, buf);
          } else if (phys == Type::kInt64) {
            DecimalFromInt128(Load<int64_t>(p.fixed.data() + i * 8), w, buf);
          } else {
            const std::string_view be =
                phys == Type::kByteArray
                    ? p.binary[size_t(i)]
                    : std::string_view(reinterpret_cast<const char*>(p.fixed.data()) + i * p.width,
                                       size_t(p.width));
            QUIRE_RETURN_NOT_OK(DecimalFromBigEndian(be, w, buf));
          }
        }
        QUIRE_RETURN_NOT_OK(db.AppendValues(scratch.data(), m));
      }
      return Status::OK();
    }
    case TypeId::kString:
      for (int64_t i = 0; i < n; ++i) {
        if (!util::IsValidUtf8(p.binary[size_t(i)])) {
          return Status::Corrupt("string value {} of the page is not valid UTF-8", i);
        }
      }
      [[fallthrough]];
    case TypeId::kBinary:
      return static_cast<BinaryBuilder*>(b)->AppendValues(p.binary);
    case TypeId::kFixedSizeBinary: {
      return static_cast<FixedSizeBinaryBuilder&>(*b).AppendValues(p.fixed.data(), n);
    }
    default:
      return Status::Unsupported("reading {} into {}", ToString(phys), t.ToString());
  }
}

// Sign-extend INT32/INT64 value `i` of `src` into the 16 bytes of a decimal128
// (the value as the low word, its sign as the high word).
inline void WidenToDecimal128(const uint8_t* src, Type phys, int64_t i, uint8_t* dst) {
  const int64_t v =
      phys == Type::kInt32 ? int64_t(Load<int32_t>(src + i * 4)) : Load<int64_t>(src + i * 8);
  const int64_t words[2] = {v, v >> 63};
  std::memcpy(dst, words, 16);
}

template <typename Builder>
Result<uint8_t*> Uninitialized(columnar::ArrayBuilder* b, int64_t n) {
  QUIRE_ASSIGN_OR_RETURN(auto* p, static_cast<Builder*>(b)->AppendUninitialized(n));
  return reinterpret_cast<uint8_t*>(p);
}

Result<uint8_t*> AppendFixedUninitialized(columnar::ArrayBuilder* b, int64_t n) {
  using columnar::TypeId;
  switch (b->type()->id()) {
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return Uninitialized<columnar::Int32Builder>(b, n);
    case TypeId::kUInt32: return Uninitialized<columnar::UInt32Builder>(b, n);
    case TypeId::kFloat32: return Uninitialized<columnar::FloatBuilder>(b, n);
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return Uninitialized<columnar::Int64Builder>(b, n);
    case TypeId::kUInt64: return Uninitialized<columnar::UInt64Builder>(b, n);
    case TypeId::kFloat64: return Uninitialized<columnar::DoubleBuilder>(b, n);
    case TypeId::kDecimal128: return Uninitialized<columnar::FixedSizeBinaryBuilder>(b, n);
    default: return Status::Internal("no fixed-width builder for {}", b->type()->ToString());
  }
}

// Sign-extend an INT32/INT64 decimal dictionary once into 16-byte values.
void WidenDictionary(Dictionary& dict, Type phys) {
  if (dict.widened_width == 16) return;
  const int64_t size = dict.values.size();
  dict.widened.resize(size_t(size) * 16);
  const uint8_t* src = dict.values.fixed.data();
  for (int64_t i = 0; i < size; ++i) WidenToDecimal128(src, phys, i, dict.widened.data() + i * 16);
  dict.widened_width = 16;
}

// Decode `n` values straight into `b` where the Arrow type keeps the physical
// bytes (or a cheap widening of them); false when the caller must convert.
Result<bool> DecodeDirect(ValueDecoder& d, int64_t n, const ColumnDescriptor& c,
                          Dictionary& dict, Physical* scratch, columnar::ArrayBuilder* b) {
  using columnar::TypeId;
  const TypeId t = b->type()->id();
  const Type phys = c.physical_type;
  if (d.decodes_fixed()) {
    if (KeepsPhysicalBytes(phys, t)) {
      QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, AppendFixedUninitialized(b, n));
      QUIRE_RETURN_NOT_OK(d.DecodeFixed(n, dst));
      return true;
    }
    if ((phys == Type::kInt32 || phys == Type::kInt64) &&
        (t == TypeId::kDecimal128 || t == TypeId::kDecimal256)) {
      auto& db = static_cast<columnar::FixedSizeBinaryBuilder&>(*b);
      const int w = db.byte_width();
      if (d.dictionary_encoded() && w == 16) {
        WidenDictionary(dict, phys);
        QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, db.AppendUninitialized(n));
        QUIRE_RETURN_NOT_OK(d.GatherFrom(dict.widened.data(), 16, n, dst));
        return true;
      }
      // Unscaled integers, sign-extended into the decimal's bytes.
      scratch->Clear();
      scratch->fixed.resize(size_t(n) * size_t(scratch->width));
      QUIRE_RETURN_NOT_OK(d.DecodeFixed(n, scratch->fixed.data()));
      QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, db.AppendUninitialized(n));
      const uint8_t* src = scratch->fixed.data();
      if (w == 16) {
        for (int64_t i = 0; i < n; ++i) WidenToDecimal128(src, phys, i, dst + i * 16);
      } else if (phys == Type::kInt32) {
        for (int64_t i = 0; i < n; ++i) {
          columnar::DecimalFromInt128(Load<int32_t>(src + i * 4), w, dst + i * w);
        }
      } else {
        for (int64_t i = 0; i < n; ++i) {
          columnar::DecimalFromInt128(Load<int64_t>(src + i * 8), w, dst + i * w);
        }
      }
      return true;
    }
    return false;
  }
  if (phys == Type::kByteArray && (t == TypeId::kString || t == TypeId::kBinary) &&
      d.decodes_binary()) {
    QUIRE_RETURN_NOT_OK(d.DecodeBinaryInto(n, static_cast<columnar::BinaryBuilder*>(b),
                                           t == TypeId::kString, dict.utf8));
    return true;
  }
  return false;
}

// Append `n` valid slots to a fixed-width builder and return where their bytes go.
// Decode the rows `pieces` (relative to the page, `count` of them) of a data page of
// `n` entries of a column without repetition, appending their levels to `out` and
// their values to `b`. Dictionary-encoded pages gather only the selected values;
// other pages are decoded whole and the selected values copied.
Status DecodeSelectedRows(const Page& page, const ColumnDescriptor& c, int64_t n,
                          const RowRanges& pieces, int64_t count, Dictionary& dict,
                          const columnar::TypePtr& value_type,
                          columnar::MemoryPool* pool, std::vector<uint32_t>* index_scratch,
                          std::vector<int16_t>* level_scratch, Physical* physical,
                          columnar::ArrayBuilder* b, ColumnChunkData* out) {
  int64_t present = n;
  // Levels matter only when some entry is null.
  const int16_t max_def =
      AllLevelsAt(page.def_levels, page.level_encoding, c.max_def_level, n) ? 0 : c.max_def_level;
  if (max_def > 0) {
    level_scratch->resize(size_t(n));
    QUIRE_RETURN_NOT_OK(DecodeLevels(page.def_levels, page.level_encoding, max_def, n,
                                     level_scratch->data(), "definition"));
    present = std::count(level_scratch->begin(), level_scratch->end(), max_def);
  }
  // The selected entries' levels, and the runs of their values (value indices
  // within the page count only present entries).
  std::vector<std::pair<int64_t, int64_t>> value_runs;
  bool nulls = false;
  {
    const int16_t* levels = max_def > 0 ? level_scratch->data() : nullptr;
    int64_t value = 0, entry = 0;
    for (const auto& piece : pieces) {
      if (levels == nullptr) {
        value = piece.begin;
        value_runs.emplace_back(value, value + piece.size());
        continue;
      }
      for (; entry < piece.begin; ++entry) value += levels[entry] == max_def;
      for (; entry < piece.end; ++entry) {
        if (levels[entry] == max_def) {
          if (!value_runs.empty() && value_runs.back().second == value) {
            ++value_runs.back().second;
          } else {
            value_runs.emplace_back(value, value + 1);
          }
          ++value;
        } else {
          nulls = true;
        }
      }
    }
  }
  const size_t base = size_t(out->num_entries);
  if (c.max_def_level > 0 && (nulls || !out->def_levels.empty())) {
    if (out->def_levels.empty()) out->def_levels.assign(base, c.max_def_level);
    for (const auto& piece : pieces) {
      if (max_def == 0) {  // all present
        out->def_levels.insert(out->def_levels.end(), size_t(piece.size()), c.max_def_level);
      } else {
        out->def_levels.insert(out->def_levels.end(), level_scratch->begin() + piece.begin,
                               level_scratch->begin() + piece.end);
      }
    }
  }
  out->num_entries += count;
  QUIRE_ASSIGN_OR_RETURN(auto decoder, ValueDecoder::Make(page, c, dict, index_scratch));
  const auto t = value_type->id();
  using columnar::TypeId;
  const Type phys = c.physical_type;
  // Arrow types that keep the physical bytes, and decimals widened from integers.
  const bool same_width = KeepsPhysicalBytes(phys, t);
  const bool int_decimal =
      (phys == Type::kInt32 || phys == Type::kInt64) && t == TypeId::kDecimal128;
  const bool gather_fixed = decoder.dictionary_encoded() && decoder.decodes_fixed() && same_width;
  const bool gather_decimal =
      decoder.dictionary_encoded() && decoder.decodes_fixed() && int_decimal;
  const bool gather_binary = decoder.dictionary_encoded() && phys == Type::kByteArray &&
                             (t == TypeId::kString || t == TypeId::kBinary);
  if (gather_fixed || gather_decimal || gather_binary) {
    // Only the chosen indices are unpacked.
    int64_t k = 0;
    for (const auto& [vb, ve] : value_runs) k += ve - vb;
    std::vector<uint32_t> chosen(static_cast<size_t>(k));
    QUIRE_RETURN_NOT_OK(decoder.DecodeIndicesAt(value_runs, k, chosen.data()));
    if (gather_binary) {
      auto* bb = static_cast<columnar::BinaryBuilder*>(b);
      const int64_t data_start = bb->value_data_length();
      QUIRE_RETURN_NOT_OK(AppendDictionaryStrings(dict.values.binary, chosen.data(), k, bb));
      if (t == TypeId::kString && !dict.utf8) return CheckUtf8(*bb, data_start, k);
      return Status::OK();
    }
    if (gather_decimal) {
      auto& db = static_cast<columnar::FixedSizeBinaryBuilder&>(*b);
      WidenDictionary(dict, phys);
      QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, db.AppendUninitialized(k));
      GatherFixed<16>(dict.widened.data(), chosen.data(), k, dst);
      return Status::OK();
    }
    QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, AppendFixedUninitialized(b, k));
    if (PhysicalWidth(c) == 4) {
      GatherFixed<4>(dict.values.fixed.data(), chosen.data(), k, dst);
    } else {
      GatherFixed<8>(dict.values.fixed.data(), chosen.data(), k, dst);
    }
    return Status::OK();
  }
  if (decoder.decodes_fixed() && (same_width || int_decimal)) {
    // Fixed-width values of a non-dictionary page: decode the page's physical
    // values, then copy (or widen, for decimals) only the chosen ones.
    const int w = PhysicalWidth(c);
    // PLAIN values are read in place; other encodings decoded whole first.
    QUIRE_ASSIGN_OR_RETURN(const uint8_t* src, decoder.PlainFixedView(present));
    if (src == nullptr) {
      physical->Clear();
      physical->fixed.resize(size_t(present) * size_t(w));
      QUIRE_RETURN_NOT_OK(decoder.DecodeFixed(present, physical->fixed.data()));
      src = physical->fixed.data();
    }
    int64_t chosen_values = 0;
    for (const auto& [vb, ve] : value_runs) chosen_values += ve - vb;
    QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, AppendFixedUninitialized(b, chosen_values));
    if (int_decimal) {
      for (const auto& [vb, ve] : value_runs) {
        for (int64_t i = vb; i < ve; ++i, dst += 16) WidenToDecimal128(src, phys, i, dst);
      }
      return Status::OK();
    }
    for (const auto& [vb, ve] : value_runs) {
      std::memcpy(dst, src + vb * w, size_t((ve - vb) * w));
      dst += (ve - vb) * w;
    }
    return Status::OK();
  }
  // Other pages: decode whole into a scratch builder, then copy the chosen values.
  QUIRE_ASSIGN_OR_RETURN(auto scratch, columnar::MakeBuilder(value_type, pool));
  QUIRE_ASSIGN_OR_RETURN(bool direct, DecodeDirect(decoder, present, c, dict, physical,
                                                   scratch.get()));
  if (!direct) {
    physical->Clear();
    QUIRE_RETURN_NOT_OK(decoder.Decode(present, physical));
    QUIRE_RETURN_NOT_OK(AppendPhysical(*physical, c, scratch.get()));
  }
  QUIRE_ASSIGN_OR_RETURN(auto values, scratch->Finish());
  for (const auto& [vb, ve] : value_runs) {
    QUIRE_RETURN_NOT_OK(b->AppendArraySlice(*values, vb, ve - vb));
  }
  return Status::OK();
}

}  // namespace

Result<ColumnChunkData> DecodeColumnChunk(PageReader& pages, const ColumnDescriptor& c,
                                          const columnar::TypePtr& type,
                                          columnar::MemoryPool* pool, int64_t max_entries,
                                          const RowRanges* select) {
  ColumnChunkData out;
  // Dictionary output: indices into the dictionary page's values, plus the values
  // of fallback pages appended after them.
  const bool as_dictionary = type->id() == columnar::TypeId::kDictionary;
  const columnar::TypePtr& value_type = as_dictionary ? type->dictionary_value_type() : type;
  columnar::Int32Builder indices(columnar::int32(), pool);
  std::unique_ptr<columnar::ArrayBuilder> extra;  // values of fallback pages
  std::vector<uint32_t> raw_indices;
  QUIRE_ASSIGN_OR_RETURN(auto builder, columnar::MakeBuilder(value_type, pool));
  // Grow once: the chunk's entries (or the selected rows) bound its values.
  if (pages.expected_values() > 0) {
    int64_t bound = std::min(pages.expected_values(), max_entries);
    if (select != nullptr && c.max_rep_level == 0) {
      int64_t rows = 0;
      for (const auto& r : *select) rows += r.size();
      bound = std::min(bound, rows);
    }
    QUIRE_RETURN_NOT_OK(builder->Reserve(bound));
  }
  Dictionary dict;
  bool dict_values_built = false;
  Physical physical;
  std::vector<uint32_t> index_scratch;
  std::vector<int16_t> level_scratch;
  physical.width = PhysicalWidth(c);
  // Row selection: only for columns without repetition (an entry is a row), and
  // not for dictionary output (whose indices are kept as stored).
  const bool selective = select != nullptr && c.max_rep_level == 0 && !as_dictionary;
  size_t cursor = 0;          // first range of *select not before the current page
  int64_t rows_seen = 0;      // rows of the pages read so far
  RowRanges pieces;           // the page's selected rows, relative to the page
  dict.values.width = physical.width;
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(auto page, pages.Next());
    if (!page) break;
    const std::string where = fmt::format("column '{}'", c.dotted_path());
    if (page->type == PageType::kDictionaryPage) {
      if (dict.present) return Status::Corrupt("{}: a second dictionary page", where);
      if (page->encoding != Encoding::kPlain && page->encoding != Encoding::kPlainDictionary) {
        return Status::Unsupported("{}: dictionary page in encoding {}", where,
                                   ToString(page->encoding));
      }
      int64_t pos = 0, bit_pos = 0;
      QUIRE_RETURN_NOT_OK(DecodePlain(page->values, &pos, &bit_pos, c, page->num_values,
                                      &dict.values)
                              .WithContext(where + " dictionary page"));
      dict.storage = page->storage;
      dict.present = true;
      if (c.physical_type == Type::kByteArray) {
        // Checked once here, so dictionary-encoded pages need no check per value.
        dict.utf8 = std::all_of(dict.values.binary.begin(), dict.values.binary.end(),
                                [](std::string_view v) { return util::IsValidUtf8(v); });
      }
      continue;
    }
    const int64_t n = page->num_values;
    if (n > max_entries - out.num_entries) {
      return Status::ResourceExhausted("{}: more than {} level entries in one column chunk",
                                       where, max_entries);
    }
    if (selective) {
      // Rows [page_row, page_row + n) of a column without repetition: one entry each.
      const int64_t page_row = rows_seen;
      rows_seen += n;
      pieces.clear();
      int64_t count = 0;
      while (cursor < select->size() && (*select)[cursor].end <= page_row) ++cursor;
      for (size_t k = cursor; k < select->size() && (*select)[k].begin < page_row + n; ++k) {
        const int64_t b = std::max((*select)[k].begin, page_row) - page_row;
        const int64_t e = std::min((*select)[k].end, page_row + n) - page_row;
        pieces.push_back({b, e});
        count += e - b;
      }
      if (count == 0) continue;  // nothing wanted here: not decoded at all
      if (count < n) {
        QUIRE_RETURN_NOT_OK(DecodeSelectedRows(*page, c, n, pieces, count, dict, value_type,
                                               pool, &index_scratch, &level_scratch, &physical,
                                               builder.get(), &out)
                                .WithContext(where));
        continue;
      }
    }
    const size_t base = size_t(out.num_entries);
    if (c.max_rep_level > 0) {
      out.rep_levels.resize(base + size_t(n));
      QUIRE_RETURN_NOT_OK(DecodeLevels(page->rep_levels, page->level_encoding, c.max_rep_level,
                                       n, out.rep_levels.data() + base, "repetition")
                              .WithContext(where));
    }
    int64_t present = n;
    if (c.max_def_level > 0 &&
        AllLevelsAt(page->def_levels, page->level_encoding, c.max_def_level, n)) {
      // No nulls in this page: levels are needed only if earlier pages had some
      // (or the column repeats).
      if (!out.def_levels.empty() || c.max_rep_level > 0) {
        if (out.def_levels.empty()) out.def_levels.assign(base, c.max_def_level);
        out.def_levels.insert(out.def_levels.end(), size_t(n), c.max_def_level);
      }
    } else if (c.max_def_level > 0) {
      // Decode into scratch; keep the levels only once some entry is below the
      // maximum (columns without nulls then carry no levels at all).
      level_scratch.resize(size_t(n));
      QUIRE_RETURN_NOT_OK(DecodeLevels(page->def_levels, page->level_encoding, c.max_def_level,
                                       n, level_scratch.data(), "definition")
                              .WithContext(where));
      present = std::count(level_scratch.begin(), level_scratch.end(), c.max_def_level);
      if (present != n || !out.def_levels.empty() || c.max_rep_level > 0) {
        if (out.def_levels.empty()) out.def_levels.assign(base, c.max_def_level);
        out.def_levels.insert(out.def_levels.end(), level_scratch.begin(), level_scratch.end());
      }
    }
    out.num_entries += n;
    physical.Clear();
    auto decoder = ValueDecoder::Make(*page, c, dict, &index_scratch);
    if (!decoder.ok()) return decoder.status().WithContext(where);
    if (as_dictionary) {
      if (!dict_values_built && dict.present) {
        // The dictionary page's values become the first dictionary entries.
        QUIRE_RETURN_NOT_OK(AppendPhysical(dict.values, c, builder.get()).WithContext(where));
        dict_values_built = true;
      }
      if (decoder->dictionary_encoded()) {
        raw_indices.resize(size_t(present));
        QUIRE_RETURN_NOT_OK(decoder->DecodeIndices(present, raw_indices.data()).WithContext(where));
        QUIRE_RETURN_NOT_OK(indices.AppendValues(
            reinterpret_cast<const int32_t*>(raw_indices.data()), present));
      } else {
        QUIRE_RETURN_NOT_OK(decoder->Decode(present, &physical).WithContext(where));
        if (!extra) {
          QUIRE_ASSIGN_OR_RETURN(extra, columnar::MakeBuilder(value_type, pool));
        }
        const int64_t base_index = dict.values.size() + extra->length();
        if (base_index + present > std::numeric_limits<int32_t>::max()) {
          return Status::ResourceExhausted("{}: dictionary of more than 2^31 values", where);
        }
        QUIRE_RETURN_NOT_OK(AppendPhysical(physical, c, extra.get()).WithContext(where));
        QUIRE_RETURN_NOT_OK(indices.Reserve(present));
        for (int64_t k = 0; k < present; ++k) indices.UnsafeAppend(int32_t(base_index + k));
      }
      continue;
    }
    auto direct = DecodeDirect(*decoder, present, c, dict, &physical, builder.get());
    if (!direct.ok()) return direct.status().WithContext(where);
    if (*direct) continue;
    QUIRE_RETURN_NOT_OK(decoder->Decode(present, &physical).WithContext(where));
    QUIRE_RETURN_NOT_OK(AppendPhysical(physical, c, builder.get()).WithContext(where));
  }
  if (c.max_rep_level > 0 && out.num_entries > 0 && out.rep_levels[0] != 0) {
    return Status::Corrupt("column '{}': the first repetition level is {}, not 0 (a column "
                           "chunk starts a new record)", c.dotted_path(), out.rep_levels[0]);
  }
  if (as_dictionary) {
    if (!dict_values_built && dict.present) {
      QUIRE_RETURN_NOT_OK(AppendPhysical(dict.values, c, builder.get()));
    }
    QUIRE_ASSIGN_OR_RETURN(auto dictionary, builder->Finish());
    if (extra) {
      QUIRE_ASSIGN_OR_RETURN(auto more, extra->Finish());
      QUIRE_ASSIGN_OR_RETURN(dictionary, columnar::Concatenate({dictionary, more}, pool));
    }
    QUIRE_ASSIGN_OR_RETURN(auto index_array, indices.Finish());
    out.values = columnar::Array::Make(type, index_array->length(), index_array->buffers(), {},
                                       std::move(dictionary), 0);
    return out;
  }
  QUIRE_ASSIGN_OR_RETURN(out.values, builder->Finish());
  return out;
}

// ---------------------------------------------------------------------------
// ColumnChunkStream

struct ColumnChunkStream::State {
  std::unique_ptr<PageReader> pages;
  const ColumnDescriptor& c;
  columnar::TypePtr type;
  columnar::MemoryPool* pool;
  int64_t max_entries;
  int64_t entries_read = 0;  // entries of the pages opened so far
  Dictionary dict;
  Physical physical;
  std::vector<uint32_t> index_scratch;
  bool finished = false;  // no page left
  bool first_entry = true;
  // The open data page: its levels decoded whole (bounded by the page), values
  // decoded as batches take them.
  std::optional<Page> page;
  std::optional<ValueDecoder> decoder;
  std::vector<int16_t> def;  // empty: every entry at the maximum
  std::vector<int16_t> rep;
  int64_t page_entries = 0;
  int64_t cursor = 0;  // entries of the page consumed

  State(std::unique_ptr<PageReader> p, const ColumnDescriptor& column, columnar::TypePtr t,
        columnar::MemoryPool* m, int64_t limit)
      : pages(std::move(p)), c(column), type(std::move(t)), pool(m), max_entries(limit) {
    physical.width = PhysicalWidth(c);
    dict.values.width = physical.width;
    finished = pages == nullptr;  // an empty chunk
  }

  std::string where() const { return fmt::format("column '{}'", c.dotted_path()); }

  // Open the next data page (reading a dictionary page on the way); false at the end.
  Result<bool> OpenPage() {
    decoder.reset();
    page.reset();
    while (true) {
      QUIRE_ASSIGN_OR_RETURN(auto next, pages->Next());
      if (!next) {
        finished = true;
        return false;
      }
      if (next->type == PageType::kDictionaryPage) {
        if (dict.present) return Status::Corrupt("{}: a second dictionary page", where());
        if (next->encoding != Encoding::kPlain && next->encoding != Encoding::kPlainDictionary) {
          return Status::Unsupported("{}: dictionary page in encoding {}", where(),
                                     ToString(next->encoding));
        }
        int64_t pos = 0, bit_pos = 0;
        QUIRE_RETURN_NOT_OK(DecodePlain(next->values, &pos, &bit_pos, c, next->num_values,
                                        &dict.values)
                                .WithContext(where() + " dictionary page"));
        dict.storage = next->storage;
        dict.present = true;
        if (c.physical_type == Type::kByteArray) {
          dict.utf8 = std::all_of(dict.values.binary.begin(), dict.values.binary.end(),
                                  [](std::string_view v) { return util::IsValidUtf8(v); });
        }
        continue;
      }
      const int64_t n = next->num_values;
      if (n > max_entries - entries_read) {
        return Status::ResourceExhausted("{}: more than {} level entries in one column chunk",
                                         where(), max_entries);
      }
      entries_read += n;
      page = std::move(*next);
      page_entries = n;
      cursor = 0;
      rep.clear();
      def.clear();
      if (c.max_rep_level > 0) {
        rep.resize(size_t(n));
        QUIRE_RETURN_NOT_OK(DecodeLevels(page->rep_levels, page->level_encoding,
                                         c.max_rep_level, n, rep.data(), "repetition")
                                .WithContext(where()));
      }
      if (c.max_def_level > 0 &&
          !AllLevelsAt(page->def_levels, page->level_encoding, c.max_def_level, n)) {
        def.resize(size_t(n));
        QUIRE_RETURN_NOT_OK(DecodeLevels(page->def_levels, page->level_encoding,
                                         c.max_def_level, n, def.data(), "definition")
                                .WithContext(where()));
      }
      auto d = ValueDecoder::Make(*page, c, dict, &index_scratch);
      if (!d.ok()) return d.status().WithContext(where());
      decoder.emplace(std::move(*d));
      if (n > 0) return true;
    }
  }
};

ColumnChunkStream::ColumnChunkStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
ColumnChunkStream::~ColumnChunkStream() = default;

Result<std::unique_ptr<ColumnChunkStream>> ColumnChunkStream::Make(
    std::unique_ptr<PageReader> pages, const ColumnDescriptor& column, columnar::TypePtr type,
    columnar::MemoryPool* pool, int64_t max_entries) {
  if (type->id() == columnar::TypeId::kDictionary) {
    return Status::Invalid("column '{}': dictionary output is decoded whole, not streamed",
                           column.dotted_path());
  }
  return std::unique_ptr<ColumnChunkStream>(new ColumnChunkStream(
      std::make_unique<State>(std::move(pages), column, std::move(type), pool, max_entries)));
}

Result<ColumnChunkData> ColumnChunkStream::Next(int64_t max_records, int64_t* records) {
  State& s = *state_;
  const ColumnDescriptor& c = s.c;
  *records = 0;
  ColumnChunkData out;
  QUIRE_ASSIGN_OR_RETURN(auto builder, columnar::MakeBuilder(s.type, s.pool));
  if (c.max_rep_level == 0) QUIRE_RETURN_NOT_OK(builder->Reserve(max_records));
  max_records = std::max<int64_t>(max_records, 1);
  while (!s.finished) {
    if (!s.page || s.cursor == s.page_entries) {
      QUIRE_ASSIGN_OR_RETURN(bool opened, s.OpenPage());
      if (!opened) break;
    }
    // The entries of this page the batch takes: up to the start of the record
    // after the last one wanted.
    const int64_t begin = s.cursor;
    int64_t end = begin;
    bool full = false;
    if (c.max_rep_level == 0) {
      end = begin + std::min(s.page_entries - begin, max_records - *records);
      *records += end - begin;
      full = *records == max_records;
    } else {
      if (s.first_entry && s.rep[size_t(begin)] != 0) {
        return Status::Corrupt("column '{}': the first repetition level is {}, not 0 (a "
                               "column chunk starts a new record)",
                               c.dotted_path(), s.rep[size_t(begin)]);
      }
      for (; end < s.page_entries; ++end) {
        if (s.rep[size_t(end)] == 0) {
          if (*records == max_records) {
            full = true;
            break;
          }
          ++*records;
        }
      }
    }
    s.first_entry = false;
    const int64_t n = end - begin;
    if (n == 0) break;
    const size_t base = size_t(out.num_entries);
    if (c.max_rep_level > 0) {
      out.rep_levels.insert(out.rep_levels.end(), s.rep.begin() + begin, s.rep.begin() + end);
    }
    int64_t present = n;
    if (!s.def.empty()) {
      present = std::count(s.def.begin() + begin, s.def.begin() + end, c.max_def_level);
    }
    // Levels are kept once some entry is below the maximum, or the column repeats.
    if (c.max_def_level > 0 &&
        (present != n || !out.def_levels.empty() || c.max_rep_level > 0)) {
      if (out.def_levels.empty()) out.def_levels.assign(base, c.max_def_level);
      if (s.def.empty()) {
        out.def_levels.insert(out.def_levels.end(), size_t(n), c.max_def_level);
      } else {
        out.def_levels.insert(out.def_levels.end(), s.def.begin() + begin, s.def.begin() + end);
      }
    }
    out.num_entries += n;
    s.cursor = end;
    s.physical.Clear();
    auto direct = DecodeDirect(*s.decoder, present, c, s.dict, &s.physical, builder.get());
    if (!direct.ok()) return direct.status().WithContext(s.where());
    if (!*direct) {
      QUIRE_RETURN_NOT_OK(s.decoder->Decode(present, &s.physical).WithContext(s.where()));
      QUIRE_RETURN_NOT_OK(AppendPhysical(s.physical, c, builder.get()).WithContext(s.where()));
    }
    if (full) break;
  }
  QUIRE_ASSIGN_OR_RETURN(out.values, builder->Finish());
  return out;
}

}  // namespace quire::parquet
