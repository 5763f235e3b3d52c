/// \file quire/parquet/value_decoder.cc
#include "quire/parquet/value_decoder.h"

#include <fmt/format.h>

#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"
#include "quire/parquet/encoding_bitpack.h"
#include "quire/parquet/encoding_varint.h"
#include "quire/util/bit_util.h"
#include "quire/util/utf8.h"

namespace quire::parquet::internal {

using columnar::TypeId;

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

namespace {

// Gather slot idx[i] (its first lengths[idx[i]] bytes) for i < n to `data`,
// writing the start offsets from `first` on; each copy moves a whole slot, so
// `data` needs kWidth bytes of room past the last value.
template <int kWidth>
void GatherSlots(const uint8_t* slots, const int32_t* lengths, const uint32_t* idx, int64_t n,
                    int32_t first, int32_t* offsets, uint8_t* data) {
  int32_t at = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t k = idx[i];
    std::memcpy(data + at, slots + size_t(k) * kWidth, kWidth);
    offsets[i] = first + at;
    at += lengths[k];
  }
}

}  // namespace

void MakeDictionarySlots(Dictionary* dict) {
  const auto& views = dict->values.binary;
  size_t longest = 0;
  for (const auto& v : views) longest = std::max(longest, v.size());
  const int width = longest <= 8 ? 8 : longest <= 16 ? 16 : longest <= 32 ? 32 : 0;
  // Worth it for short values; the slots stay small (a dictionary page is bounded).
  if (width == 0 || views.size() * size_t(width) > (size_t(8) << 20)) return;
  dict->slot_width = width;
  dict->slots.assign(views.size() * size_t(width), 0);
  dict->lengths.resize(views.size());
  for (size_t i = 0; i < views.size(); ++i) {
    if (!views[i].empty()) std::memcpy(&dict->slots[i * size_t(width)], views[i].data(), views[i].size());
    dict->lengths[i] = int32_t(views[i].size());
  }
}

Status AppendDictionaryStrings(const Dictionary& dict, const uint32_t* idx, int64_t n,
                               columnar::BinaryBuilder* b) {
  const auto& views = dict.values.binary;
  int64_t total = 0;
  if (dict.slot_width > 0) {
    for (int64_t i = 0; i < n; ++i) total += dict.lengths[idx[i]];
  } else {
    for (int64_t i = 0; i < n; ++i) total += int64_t(views[idx[i]].size());
  }
  QUIRE_RETURN_NOT_OK(b->CheckDataSize(total));
  QUIRE_RETURN_NOT_OK(b->Reserve(n));
  QUIRE_RETURN_NOT_OK(b->ReserveData(total + dict.slot_width));
  const auto first = int32_t(b->value_data_length());
  int32_t* offsets = b->UnsafeNextOffsets();
  uint8_t* data = b->UnsafeNextData();
  switch (dict.slot_width) {
    case 8:
      GatherSlots<8>(dict.slots.data(), dict.lengths.data(), idx, n, first, offsets, data);
      break;
    case 16:
      GatherSlots<16>(dict.slots.data(), dict.lengths.data(), idx, n, first, offsets, data);
      break;
    case 32:
      GatherSlots<32>(dict.slots.data(), dict.lengths.data(), idx, n, first, offsets, data);
      break;
    default: {
      int64_t at = 0;
      for (int64_t i = 0; i < n; ++i) {
        const std::string_view v = views[idx[i]];
        if (!v.empty()) std::memcpy(data + at, v.data(), v.size());
        offsets[i] = first + int32_t(at);
        at += int64_t(v.size());
      }
    }
  }
  return b->UnsafeCommit(n, total);
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

Status ReadDictionaryPage(const Page& page, const ColumnDescriptor& c, Dictionary* dict) {
  const std::string where = fmt::format("column '{}'", c.dotted_path());
  if (dict->present) return Status::Corrupt("{}: a second dictionary page", where);
  if (page.encoding != Encoding::kPlain && page.encoding != Encoding::kPlainDictionary) {
    return Status::Unsupported("{}: dictionary page in encoding {}", where,
                               ToString(page.encoding));
  }
  int64_t pos = 0, bit_pos = 0;
  QUIRE_RETURN_NOT_OK(DecodePlain(page.values, &pos, &bit_pos, c, page.num_values, &dict->values)
                          .WithContext(where + " dictionary page"));
  dict->storage = page.storage;
  dict->present = true;
  if (c.physical_type == Type::kByteArray) {
    // Checked once here, so dictionary-encoded pages need no check per value.
    dict->utf8 = std::all_of(dict->values.binary.begin(), dict->values.binary.end(),
                             [](std::string_view v) { return util::IsValidUtf8(v); });
    MakeDictionarySlots(dict);
  }
  return Status::OK();
}

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

namespace {

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

}  // namespace

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

namespace {

template <typename Builder>
Result<uint8_t*> Uninitialized(columnar::ArrayBuilder* b, int64_t n) {
  QUIRE_ASSIGN_OR_RETURN(auto* p, static_cast<Builder*>(b)->AppendUninitialized(n));
  return reinterpret_cast<uint8_t*>(p);
}

}  // namespace

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

}  // namespace quire::parquet::internal
