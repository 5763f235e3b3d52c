#pragma once

/// \file quire/parquet/value_decoder.h
/// \brief Internal to the column decoder: the values and levels of one page,
/// decoded into physical form or straight into Arrow builders.
///
/// column_decoder.cc decodes column chunks (whole, selected rows, or streamed a
/// batch at a time) on top of these pieces.

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "quire/columnar/builder.h"
#include "quire/parquet/encoding_delta.h"
#include "quire/parquet/encoding_plain.h"
#include "quire/parquet/encoding_rle.h"
#include "quire/parquet/page_reader.h"
#include "quire/parquet/schema.h"
#include "quire/util/macros.h"
#include "quire/util/result.h"
#include "quire/util/scratch_vector.h"

namespace quire::parquet::internal {

// Bytes per value of a fixed-width physical type (BOOLEAN decodes to one byte per
// value); 0 for BYTE_ARRAY.
inline int PhysicalWidth(const ColumnDescriptor& c) {
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
  // Byte-array dictionaries of values up to 32 bytes also as zero-padded slots of
  // slot_width bytes (value i at i * slot_width, lengths[i] long), so that pages
  // gather them with one fixed-size move per value (MakeDictionarySlots).
  int slot_width = 0;
  std::vector<uint8_t> slots;
  std::vector<int32_t> lengths;
};

// Fill the slots of a byte-array dictionary whose values are short enough.
void MakeDictionarySlots(Dictionary* dict);

// Decode `n` PLAIN values of column `c` into `out` from `data` at `*pos` (bytes)
// or `*bit_pos` (booleans).
Status DecodePlain(std::span<const uint8_t> data, int64_t* pos, int64_t* bit_pos,
                   const ColumnDescriptor& c, int64_t n, Physical* out);

// The values appended to `b` since data offset `start` (`n` values) are UTF-8:
// their concatenation is valid and no value starts inside a character.
Status CheckUtf8(const columnar::BinaryBuilder& b, int64_t start, int64_t n);

// Append the dictionary strings `dict.values.binary[idx[i]]`, i < n, to `b`.
Status AppendDictionaryStrings(const Dictionary& dict, const uint32_t* idx, int64_t n,
                               columnar::BinaryBuilder* b);

// Whether Arrow type `t` keeps the bytes of `phys` values as they are.
bool KeepsPhysicalBytes(Type phys, columnar::TypeId t);

// Decodes the values of one data page into physical form.
class ValueDecoder {
 public:
  // `indices` is scratch memory shared by the pages of a chunk.
  static Result<ValueDecoder> Make(const Page& page, const ColumnDescriptor& c,
                                   const Dictionary& dict, util::ScratchVector<uint32_t>* indices) {
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
  // Room CopyPlainBinary needs past the values it copies.
  static constexpr int64_t kPlainCopySlack = 32;

  // Copy the next `n` PLAIN byte arrays to `b` (room made for their bytes plus
  // kPlainCopySlack), writing offsets and data but counting neither; return the
  // bytes copied. Values of up to 32 bytes move as one 32-byte block when the page
  // has 32 bytes past them (the overshoot lands in the slack, later overwritten).
  Result<int64_t> CopyPlainBinary(int64_t n, columnar::BinaryBuilder* b) {
    const uint8_t* p = data_.data();
    const int64_t size = int64_t(data_.size());
    const auto first = int32_t(b->value_data_length());
    int32_t* offsets = b->UnsafeNextOffsets();
    uint8_t* out = b->UnsafeNextData();
    int64_t at = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (size - pos_ < 4) return Status::Corrupt("PLAIN BYTE_ARRAY value {} runs past the page", i);
      uint32_t len;
      std::memcpy(&len, p + pos_, 4);
      pos_ += 4;
      if (int64_t(len) > size - pos_) {
        return Status::Corrupt("PLAIN BYTE_ARRAY value {} of {} bytes runs past the page", i,
                               len);
      }
      offsets[i] = first + int32_t(at);
      if (len <= 32 && size - pos_ >= 32) {
        std::memcpy(out + at, p + pos_, 32);
      } else if (len > 0) {
        std::memcpy(out + at, p + pos_, len);
      }
      at += len;
      pos_ += len;
    }
    return at;
  }

  Status DecodeBinaryInto(int64_t n, columnar::BinaryBuilder* b, bool utf8,
                          bool dictionary_is_utf8) {
    QUIRE_RETURN_NOT_OK(b->Reserve(n));
    const int64_t data_start = b->value_data_length();
    if (encoding_ == Encoding::kPlain) {
      // A first pass over the length prefixes sizes the data exactly (a batch may
      // take a small part of a large page).
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
      QUIRE_RETURN_NOT_OK(b->ReserveData(total + kPlainCopySlack));
      QUIRE_ASSIGN_OR_RETURN(const int64_t bytes, CopyPlainBinary(n, b));
      QUIRE_RETURN_NOT_OK(b->UnsafeCommit(n, bytes));
      if (utf8) return CheckUtf8(*b, data_start, n);
      return Status::OK();
    }
    QUIRE_RETURN_NOT_OK(CheckedIndices(n));
    QUIRE_RETURN_NOT_OK(AppendDictionaryStrings(dict_, indices_.data(), n, b));
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
               util::ScratchVector<uint32_t>* indices)
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
  util::ScratchVector<uint32_t>& indices_;
};

// Read a dictionary page into `dict` (kCorrupt for a second one, kUnsupported for
// encodings other than PLAIN).
Status ReadDictionaryPage(const Page& page, const ColumnDescriptor& c, Dictionary* dict);

// True when the first `n` levels of an RLE level stream are all `max_level`, read
// from the run headers alone (see value_decoder.cc).
bool AllLevelsAt(std::span<const uint8_t> data, Encoding encoding, int16_t max_level,
                 int64_t n);

// Decode `n` levels of at most `max_level` (RLE or BIT_PACKED) into `out`; `what`
// names them in errors.
Status DecodeLevels(std::span<const uint8_t> data, Encoding encoding, int16_t max_level,
                    int64_t n, int16_t* out, const char* what);

// Append physical values to a builder of the column's Arrow type, converting them.
Status AppendPhysical(const Physical& p, const ColumnDescriptor& c, columnar::ArrayBuilder* b);

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Sign-extend INT32/INT64 value `i` of `src` into the 16 bytes of a decimal128
// (the value as the low word, its sign as the high word).
inline void WidenToDecimal128(const uint8_t* src, Type phys, int64_t i, uint8_t* dst) {
  const int64_t v =
      phys == Type::kInt32 ? int64_t(Load<int32_t>(src + i * 4)) : Load<int64_t>(src + i * 8);
  const int64_t words[2] = {v, v >> 63};
  std::memcpy(dst, words, 16);
}

// Append `n` valid slots to a fixed-width builder and return where their bytes go.
Result<uint8_t*> AppendFixedUninitialized(columnar::ArrayBuilder* b, int64_t n);

// Sign-extend an INT32/INT64 decimal dictionary once into 16-byte values.
void WidenDictionary(Dictionary& dict, Type phys);

// Decode `n` values straight into `b` where the Arrow type keeps the physical
// bytes (or a cheap widening of them); false when the caller must convert.
Result<bool> DecodeDirect(ValueDecoder& d, int64_t n, const ColumnDescriptor& c,
                          Dictionary& dict, Physical* scratch, columnar::ArrayBuilder* b);

}  // namespace quire::parquet::internal
