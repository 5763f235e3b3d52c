/// \file quire/parquet/column_writer.cc
/// \brief Column chunk encoding: physical values from Arrow leaves, dictionary
/// encoding where it pays, pages v1/v2, statistics, page index, bloom filters.

#include "quire/parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include <xxhash.h>

#include "quire/codec/codec.h"
#include "quire/columnar/array.h"
#include "quire/parquet/encoding_delta.h"
#include "quire/parquet/encoding_plain.h"
#include "quire/util/float16.h"
#include "quire/util/macros.h"

namespace quire::parquet {

namespace {

using columnar::Array;
using columnar::TypeId;
using util::ScratchVector;

// ---------------------------------------------------------------------------
// Byte sink

class Sink {
 public:
  void Append(const void* data, size_t n) {
    const size_t at = bytes_.size();
    bytes_.resize(at + n);
    if (n) std::memcpy(bytes_.data() + at, data, n);
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void AppendByte(uint8_t b) { bytes_.push_back(b); }
  template <typename T>
  void AppendLE(T v) {
    Append(&v, sizeof(T));
  }
  uint8_t* Extend(size_t n) {
    const size_t at = bytes_.size();
    bytes_.resize(at + n);
    return bytes_.data() + at;
  }
  void Resize(size_t n) { bytes_.resize(n); }
  size_t size() const { return bytes_.size(); }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  void clear() { bytes_.clear(); }
  ScratchVector<uint8_t>& vector() { return bytes_; }

 private:
  ScratchVector<uint8_t> bytes_;
};

void AppendUleb(uint64_t v, Sink* out) {
  while (v >= 0x80) {
    out->AppendByte(uint8_t(v | 0x80));
    v >>= 7;
  }
  out->AppendByte(uint8_t(v));
}

int BitWidth(uint64_t max_value) { return max_value == 0 ? 0 : std::bit_width(max_value); }

// ---------------------------------------------------------------------------
// RLE / bit-packed hybrid (Encodings.md section 3), over a whole span.

template <typename T>
void BitPackGroups(const T* v, size_t n, int width, Sink* out) {
  // n is a multiple of 8 except at the very end (padded with zeros).
  const size_t groups = (n + 7) / 8;
  uint8_t* p = out->Extend(groups * size_t(width));
  uint64_t acc = 0;
  int bits = 0;
  size_t written = 0;
  for (size_t i = 0; i < groups * 8; ++i) {
    const uint64_t x = i < n ? uint64_t(v[i]) : 0;
    acc |= x << bits;
    bits += width;
    if (bits >= 32) {
      const uint32_t w = uint32_t(acc);
      std::memcpy(p + written, &w, 4);
      written += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  while (bits > 0) {
    p[written++] = uint8_t(acc);
    acc >>= 8;
    bits -= 8;
  }
}

template <typename T>
void EncodeRle(const T* v, size_t n, int width, Sink* out) {
  const size_t value_bytes = size_t(width + 7) / 8;
  auto emit_run = [&](uint64_t value, size_t count) {
    AppendUleb(uint64_t(count) << 1, out);
    for (size_t b = 0; b < value_bytes; ++b) out->AppendByte(uint8_t(value >> (8 * b)));
  };
  auto emit_literals = [&](size_t from, size_t to) {
    if (to <= from) return;
    const size_t count = to - from;
    AppendUleb(uint64_t((count + 7) / 8) << 1 | 1, out);
    BitPackGroups(v + from, count, width, out);
  };
  if (width == 0) {
    if (n) emit_run(0, n);
    return;
  }
  size_t lit_start = 0;
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[j] == v[i]) ++j;
    const size_t run = j - i;
    if (run >= 8) {
      const size_t pending = i - lit_start;
      const size_t pad = (8 - pending % 8) % 8;
      if (run - pad >= 8) {
        emit_literals(lit_start, i + pad);
        emit_run(uint64_t(v[i]), run - pad);
        lit_start = j;
      }
    }
    i = j;
  }
  emit_literals(lit_start, n);
}

// ---------------------------------------------------------------------------
// Physical values of one slice.

enum class BinaryKind : uint8_t { kOffsets32, kOffsets64, kViews };

struct Source {
  const Array* array = nullptr;
  // Fixed width: value of slot s is `width` bytes at fixed + s * stride (the
  // stride is wider than the value when the low bytes of wider values are taken:
  // decimal128 stored as INT32/INT64).
  const uint8_t* fixed = nullptr;
  int width = 0;
  int stride = 0;
  const uint8_t* At(int64_t s) const { return fixed + s * stride; }
  ScratchVector<uint8_t> owned;
  // BOOLEAN.
  const uint8_t* bits = nullptr;
  int64_t bit_offset = 0;
  // BYTE_ARRAY.
  BinaryKind binary = BinaryKind::kOffsets32;
  const int32_t* off32 = nullptr;
  const int64_t* off64 = nullptr;
  const char* data = nullptr;
  std::optional<columnar::VariadicBinaryView> views;

  std::string_view Bytes(int64_t s) const {
    switch (binary) {
      case BinaryKind::kOffsets32:
        return {data + off32[s], size_t(off32[s + 1] - off32[s])};
      case BinaryKind::kOffsets64:
        return {data + off64[s], size_t(off64[s + 1] - off64[s])};
      case BinaryKind::kViews:
        return views->Value(s);
    }
    return {};
  }
  std::string_view Fixed(int64_t s) const {
    return {reinterpret_cast<const char*>(At(s)), size_t(width)};
  }
  bool Bool(int64_t s) const { return util::GetBit(bits, bit_offset + s); }
};

template <typename In, typename Out, typename F>
void Convert(const Array& a, Source* src, F f) {
  const int64_t n = a.length();
  src->owned.resize(size_t(n) * sizeof(Out));
  Out* out = reinterpret_cast<Out*>(src->owned.data());
  const In* in = a.values<In>();
  if (in != nullptr) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
  }
  src->fixed = src->owned.data();
  src->width = int(sizeof(Out));
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Status MakeSourceOf(const Array& a, const ColumnDescriptor& col, const std::string& name,
                    Source* src) {
  src->array = &a;
  const TypeId id = a.type_id();
  const int64_t n = a.length();
  auto direct = [&](int width) {
    src->fixed = a.buffer(1) ? a.buffer(1)->data() + a.offset() * width : nullptr;
    src->width = width;
  };
  switch (col.physical_type) {
    case Type::kBoolean:
      src->bits = a.buffer(1) ? a.buffer(1)->data() : nullptr;
      src->bit_offset = a.offset();
      return Status::OK();
    case Type::kInt32:
      switch (id) {
        case TypeId::kNull: src->width = 4; return Status::OK();
        case TypeId::kInt32:
        case TypeId::kUInt32:
        case TypeId::kDate32: direct(4); return Status::OK();
        case TypeId::kInt8: Convert<int8_t, int32_t>(a, src, [](int8_t v) { return int32_t(v); }); return Status::OK();
        case TypeId::kInt16: Convert<int16_t, int32_t>(a, src, [](int16_t v) { return int32_t(v); }); return Status::OK();
        case TypeId::kUInt8: Convert<uint8_t, int32_t>(a, src, [](uint8_t v) { return int32_t(v); }); return Status::OK();
        case TypeId::kUInt16: Convert<uint16_t, int32_t>(a, src, [](uint16_t v) { return int32_t(v); }); return Status::OK();
        case TypeId::kDate64:
          Convert<int64_t, int32_t>(a, src, [](int64_t v) { return int32_t(FloorDiv(v, 86400000)); });
          return Status::OK();
        case TypeId::kTime32:
          if (a.type()->unit() == columnar::TimeUnit::kSecond) {
            Convert<int32_t, int32_t>(a, src, [](int32_t v) { return v * 1000; });
          } else {
            direct(4);
          }
          return Status::OK();
        case TypeId::kDecimal128:  // the low 4 bytes of each 16 (little-endian)
          src->fixed = a.buffer(1)->data() + a.offset() * 16;
          src->width = 4;
          src->stride = 16;
          return Status::OK();
        default: break;
      }
      break;
    case Type::kInt64:
      switch (id) {
        case TypeId::kInt64:
        case TypeId::kUInt64:
        case TypeId::kTime64:
        case TypeId::kDuration: direct(8); return Status::OK();
        case TypeId::kTimestamp:
          if (a.type()->unit() == columnar::TimeUnit::kSecond) {
            const int64_t* in = a.values<int64_t>();
            src->owned.resize(size_t(n) * 8);
            auto* out = reinterpret_cast<int64_t*>(src->owned.data());
            for (int64_t i = 0; i < n; ++i) {
              if (a.IsValid(i) && __builtin_mul_overflow(in[i], int64_t(1000), &out[i])) {
                return Status::Invalid(
                    "column '{}': timestamp {} s does not fit Parquet's milliseconds", name,
                    in[i]);
              }
            }
            src->fixed = src->owned.data();
            src->width = 8;
          } else {
            direct(8);
          }
          return Status::OK();
        case TypeId::kDecimal128:  // the low 8 bytes of each 16
          src->fixed = a.buffer(1)->data() + a.offset() * 16;
          src->width = 8;
          src->stride = 16;
          return Status::OK();
        default: break;
      }
      break;
    case Type::kFloat: direct(4); return Status::OK();
    case Type::kDouble: direct(8); return Status::OK();
    case Type::kFixedLenByteArray: {
      const int w = col.type_length;
      switch (id) {
        case TypeId::kFixedSizeBinary:
        case TypeId::kFloat16: direct(w); return Status::OK();
        case TypeId::kDecimal128:
        case TypeId::kDecimal256: {
          const int in_width = id == TypeId::kDecimal128 ? 16 : 32;
          const uint8_t* in = a.buffer(1)->data() + a.offset() * in_width;
          src->owned.resize(size_t(n) * size_t(w));
          for (int64_t i = 0; i < n; ++i) {
            const uint8_t* le = in + i * in_width;
            uint8_t* be = src->owned.data() + i * w;
            for (int k = 0; k < w; ++k) be[k] = le[w - 1 - k];
          }
          src->fixed = src->owned.data();
          src->width = w;
          return Status::OK();
        }
        case TypeId::kIntervalMonthDayNano: {
          const uint8_t* in = a.buffer(1)->data() + a.offset() * 16;
          src->owned.resize(size_t(n) * 12);
          for (int64_t i = 0; i < n; ++i) {
            int32_t months, days;
            int64_t nanos;
            std::memcpy(&months, in + i * 16, 4);
            std::memcpy(&days, in + i * 16 + 4, 4);
            std::memcpy(&nanos, in + i * 16 + 8, 8);
            if (a.IsValid(i) &&
                (months < 0 || days < 0 || nanos < 0 || nanos % 1000000 != 0 ||
                 nanos / 1000000 > int64_t(std::numeric_limits<uint32_t>::max()))) {
              return Status::Invalid(
                  "column '{}': interval ({} months, {} days, {} ns) does not fit Parquet's "
                  "INTERVAL (unsigned months, days and whole milliseconds)",
                  name, months, days, nanos);
            }
            const uint32_t ms = a.IsValid(i) ? uint32_t(nanos / 1000000) : 0;
            uint8_t* out = src->owned.data() + i * 12;
            std::memcpy(out, &months, 4);
            std::memcpy(out + 4, &days, 4);
            std::memcpy(out + 8, &ms, 4);
          }
          src->fixed = src->owned.data();
          src->width = 12;
          return Status::OK();
        }
        default: break;
      }
      break;
    }
    case Type::kByteArray:
      switch (id) {
        case TypeId::kBinary:
        case TypeId::kString:
          src->binary = BinaryKind::kOffsets32;
          src->off32 = a.buffer(1)->data_as<int32_t>() + a.offset();
          src->data = a.buffer(2) ? reinterpret_cast<const char*>(a.buffer(2)->data()) : "";
          return Status::OK();
        case TypeId::kLargeBinary:
        case TypeId::kLargeString:
          src->binary = BinaryKind::kOffsets64;
          src->off64 = a.buffer(1)->data_as<int64_t>() + a.offset();
          src->data = a.buffer(2) ? reinterpret_cast<const char*>(a.buffer(2)->data()) : "";
          return Status::OK();
        case TypeId::kBinaryView:
        case TypeId::kStringView:
          src->binary = BinaryKind::kViews;
          src->views.emplace(a);
          return Status::OK();
        default: break;
      }
      break;
    default: break;
  }
  return Status::Internal("column '{}': no writer for {} as {}", name, a.type()->ToString(),
                          ToString(col.physical_type));
}

Status MakeSource(const Array& a, const ColumnDescriptor& col, const std::string& name,
                  Source* src) {
  QUIRE_RETURN_NOT_OK(MakeSourceOf(a, col, name, src));
  if (src->stride == 0) src->stride = src->width;
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Statistics in the column's sort order (LogicalTypes.md, "Sort Order").

enum class Order : uint8_t {
  kNone,      // undefined (INTERVAL): no min/max
  kBool,
  kInt32,
  kUInt32,
  kInt64,
  kUInt64,
  kFloat,
  kDouble,
  kFloat16,
  kSignedBE,  // FLBA decimals: big-endian two's complement
  kBytes,     // unsigned lexicographic
};

Order OrderOf(const ColumnDescriptor& col, const columnar::DataType& type) {
  switch (col.physical_type) {
    case Type::kBoolean: return Order::kBool;
    case Type::kInt32:
      return type.id() == TypeId::kUInt8 || type.id() == TypeId::kUInt16 ||
                     type.id() == TypeId::kUInt32
                 ? Order::kUInt32
                 : Order::kInt32;
    case Type::kInt64: return type.id() == TypeId::kUInt64 ? Order::kUInt64 : Order::kInt64;
    case Type::kFloat: return Order::kFloat;
    case Type::kDouble: return Order::kDouble;
    case Type::kFixedLenByteArray:
      if (type.id() == TypeId::kFloat16) return Order::kFloat16;
      if (type.is_decimal()) return Order::kSignedBE;
      if (type.id() == TypeId::kIntervalMonthDayNano) return Order::kNone;
      return Order::kBytes;
    case Type::kByteArray: return Order::kBytes;
    default: return Order::kNone;
  }
}

// Unsigned lexicographic comparison, deciding most pairs on their first 8 bytes.
inline int CompareBytes(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  if (n >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data(), 8);
    std::memcpy(&y, b.data(), 8);
    if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
  }
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) {
      const uint8_t x = uint8_t(a[i]), y = uint8_t(b[i]);
      if (x != y) return x < y ? -1 : 1;
    }
  } else if (const int c = std::memcmp(a.data(), b.data(), n); c != 0) {
    return c < 0 ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Compare two PLAIN-encoded values (without length prefix) in `order`.
int CompareEncoded(Order order, std::string_view a, std::string_view b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  auto load = [](std::string_view s, auto zero) {
    decltype(zero) v = zero;
    std::memcpy(&v, s.data(), std::min(sizeof(v), s.size()));
    return v;
  };
  switch (order) {
    case Order::kBool: return cmp(load(a, uint8_t(0)), load(b, uint8_t(0)));
    case Order::kInt32: return cmp(load(a, int32_t(0)), load(b, int32_t(0)));
    case Order::kUInt32: return cmp(load(a, uint32_t(0)), load(b, uint32_t(0)));
    case Order::kInt64: return cmp(load(a, int64_t(0)), load(b, int64_t(0)));
    case Order::kUInt64: return cmp(load(a, uint64_t(0)), load(b, uint64_t(0)));
    case Order::kFloat: return cmp(load(a, 0.0f), load(b, 0.0f));
    case Order::kDouble: return cmp(load(a, 0.0), load(b, 0.0));
    case Order::kFloat16:
      return cmp(util::HalfToFloat(load(a, uint16_t(0))), util::HalfToFloat(load(b, uint16_t(0))));
    case Order::kSignedBE: {
      if (a.empty() || b.empty()) return cmp(a.size(), b.size());
      const int sa = int8_t(a[0]), sb = int8_t(b[0]);
      if (sa != sb) return cmp(sa, sb);
      return a.substr(1).compare(b.substr(1)) < 0 ? -1 : (a.substr(1) == b.substr(1) ? 0 : 1);
    }
    case Order::kBytes: return CompareBytes(a, b);
    case Order::kNone: return 0;
  }
  return 0;
}

// Min/max of one page, kept as PLAIN bytes (the form statistics store).
struct PageStats {
  bool has = false;
  std::string min, max;
  int64_t nulls = 0;
  int64_t nans = 0;

  void Reset() {
    has = false;
    min.clear();
    max.clear();
    nulls = 0;
    nans = 0;
  }
  void Update(Order order, std::string_view lo, std::string_view hi) {
    if (!has) {
      min.assign(lo);
      max.assign(hi);
      has = true;
      return;
    }
    if (CompareEncoded(order, lo, min) < 0) min.assign(lo);
    if (CompareEncoded(order, hi, max) > 0) max.assign(hi);
  }
};

template <typename T>
std::string_view AsBytes(const T& v) {
  return {reinterpret_cast<const char*>(&v), sizeof(T)};
}

// Fold values [0, n) of `get` (returning T) into stats, skipping NaN for floats.
template <typename T, typename Get>
void FoldNumeric(Order order, int64_t n, Get get, PageStats* st) {
  if (n == 0) return;
  T lo{}, hi{};
  bool any = false;
  int64_t nans = 0;
  for (int64_t k = 0; k < n; ++k) {
    const T v = get(k);
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) {
        ++nans;
        continue;
      }
    }
    if (!any) {
      lo = hi = v;
      any = true;
    } else {
      lo = v < lo ? v : lo;
      hi = hi < v ? v : hi;
    }
  }
  st->nans += nans;
  if (!any) return;
  if constexpr (std::is_floating_point_v<T>) {
    // LogicalTypes.md: a zero minimum is written as -0.0 and a zero maximum as +0.0.
    if (lo == T(0)) lo = -T(0);
    if (hi == T(0)) hi = T(0);
  }
  st->Update(order, AsBytes(lo), AsBytes(hi));
}

// ---------------------------------------------------------------------------
// Dictionary building.

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

class Dictionary {
 public:
  // `expected` values will be inserted: start with room for a share of them, so
  // that large dictionaries do not rehash from a tiny table.
  Dictionary(bool bytes_keys, int width, int64_t expected)
      : bytes_keys_(bytes_keys), width_(width) {
    Rehash(std::bit_ceil(size_t(std::clamp<int64_t>(expected / 4, 1024, 1 << 16))));
  }

  static uint64_t HashFixed(uint64_t bits) { return Mix(bits); }
  // Start loading the slot of hash `h` (large tables miss the cache on every probe;
  // prefetching a group of them overlaps the misses).
  void Prefetch(uint64_t h) const {
    __builtin_prefetch(&slots_[size_t(h) & (slots_.size() - 1)]);
  }

  // Return the index of `v` (fixed width <= 8: its bits in `bits`), inserting it.
  uint32_t InsertFixed(uint64_t bits) { return InsertFixed(bits, Mix(bits)); }
  uint32_t InsertFixed(uint64_t bits, uint64_t h) {
    size_t mask = slots_.size() - 1;
    size_t p = size_t(h) & mask;
    while (true) {
      Slot& s = slots_[p];
      if (s.index == 0) {
        s.key = bits;
        s.index = uint32_t(fixed_.size() + 1);
        fixed_.push_back(bits);
        bytes_ += width_;
        if (fixed_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
        return uint32_t(fixed_.size() - 1);
      }
      if (s.key == bits) return s.index - 1;
      p = (p + 1) & mask;
    }
  }

  uint32_t InsertBytes(std::string_view v) {
    uint64_t h;
    if (v.size() <= 8) {
      // Short values (flags, codes): loads that stay inside the value and cover
      // every byte (overlapping for 4-8 bytes), mixed with the length.
      const auto* p = reinterpret_cast<const uint8_t*>(v.data());
      const size_t n = v.size();
      uint64_t x;
      if (n >= 4) {
        uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        x = uint64_t(a) | uint64_t(b) << 32;
      } else if (n > 0) {
        x = uint64_t(p[0]) | uint64_t(p[n / 2]) << 8 | uint64_t(p[n - 1]) << 16;
      } else {
        x = 0;
      }
      h = Mix(x ^ (uint64_t(n) << 59));
    } else {
      h = XXH3_64bits(v.data(), v.size());
    }
    size_t mask = slots_.size() - 1;
    size_t p = size_t(h) & mask;
    while (true) {
      Slot& s = slots_[p];
      if (s.index == 0) {
        s.key = h;
        s.index = uint32_t(values_.size() + 1);
        values_.push_back(v);
        bytes_ += int64_t(v.size()) + (width_ == 0 ? 4 : 0);
        if (values_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
        return uint32_t(values_.size() - 1);
      }
      if (s.key == h && values_[s.index - 1].size() == v.size() &&
          CompareBytes(values_[s.index - 1], v) == 0) {
        return s.index - 1;
      }
      p = (p + 1) & mask;
    }
  }

  // Append `bits` as a new entry without the hash table (the caller knows it is
  // new: DirectDictionary below).
  uint32_t AppendFixed(uint64_t bits) {
    fixed_.push_back(bits);
    bytes_ += width_;
    return uint32_t(fixed_.size() - 1);
  }

  size_t size() const { return bytes_keys_ ? values_.size() : fixed_.size(); }
  int64_t plain_bytes() const { return bytes_; }
  const std::vector<uint64_t>& fixed() const { return fixed_; }
  const std::vector<std::string_view>& values() const { return values_; }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t index = 0;  // 1-based; 0 is empty
  };
  void Rehash(size_t capacity) {
    std::vector<Slot> fresh(capacity);
    const size_t mask = capacity - 1;
    for (const Slot& s : slots_) {
      if (s.index == 0) continue;
      const uint64_t h = bytes_keys_ ? s.key : Mix(s.key);
      size_t p = size_t(h) & mask;
      while (fresh[p].index != 0) p = (p + 1) & mask;
      fresh[p] = s;
    }
    slots_ = std::move(fresh);
  }

  bool bytes_keys_;
  int width_;
  std::vector<Slot> slots_;
  std::vector<uint64_t> fixed_;
  std::vector<std::string_view> values_;
  int64_t bytes_ = 0;
};

// ---------------------------------------------------------------------------
// The chunk encoder.

constexpr int64_t kMiniBatch = 4096;

class ChunkEncoder {
 public:
  ChunkEncoder(const ColumnDescriptor& col, const columnar::TypePtr& type,
               const ColumnEncodeOptions& o)
      : col_(col), type_(type), o_(o), order_(OrderOf(col, *type)) {
    name_ = col.dotted_path();
  }

  Result<EncodedColumnChunk> Run(std::span<const LeafSlice* const> slices) {
    QUIRE_ASSIGN_OR_RETURN(codec_, codec::MakeCodec(codec::Compression(o_.codec),
                                                    o_.compression_level.value_or(codec::kDefaultLevel)));
    sources_.resize(slices.size());
    for (size_t i = 0; i < slices.size(); ++i) {
      QUIRE_RETURN_NOT_OK(MakeSource(*slices[i]->values, col_, name_, &sources_[i]));
      total_values_ += slices[i]->num_values();
      total_levels_ += slices[i]->num_levels;
    }
    value_encoding_ = o_.encoding;
    if (o_.dictionary && col_.physical_type != Type::kBoolean && total_values_ > 0) {
      QUIRE_RETURN_NOT_OK(TryDictionary(slices));
      dictionary_rejected_ = !dictionary_;
    }
    if (dictionary_) QUIRE_RETURN_NOT_OK(WriteDictionaryPage());
    for (size_t i = 0; i < slices.size(); ++i) {
      QUIRE_RETURN_NOT_OK(AppendSlice(*slices[i], sources_[i]));
    }
    if (page_levels_ > 0 || pages_ == 0) QUIRE_RETURN_NOT_OK(ClosePage());
    return Finish();
  }

 private:
  // --- dictionary ---------------------------------------------------------

  template <typename Visit>
  void ForEachValue(const LeafSlice& s, const Source& src, Visit visit) {
    const int64_t n = s.num_values();
    if (s.dense) {
      for (int64_t k = 0; k < n; ++k) visit(src, k);
    } else {
      for (int64_t k = 0; k < n; ++k) visit(src, s.slots[size_t(k)]);
    }
  }

  // Insert values [k0, k1) of a slice of fixed width (kWidth, or src.width when 0)
  // into `dict`, appending their indices at indices_[*w]. Groups of 16: hash and
  // prefetch every slot, then insert; repeats of the previous value (sorted or
  // clustered data) skip the table.
  template <int kWidth>
  void InsertGroupFixed(const LeafSlice& s, const Source& src, int64_t k0, int64_t k1,
                        Dictionary* dict, size_t* w) {
    const size_t width = kWidth ? size_t(kWidth) : size_t(src.width);
    constexpr int64_t kGroup = 16;
    uint64_t bits[kGroup];
    uint64_t hashes[kGroup];
    uint64_t prev_bits = 0;
    uint32_t prev = UINT32_MAX;
    for (int64_t g = k0; g < k1; g += kGroup) {
      const int64_t n = std::min(kGroup, k1 - g);
      for (int64_t j = 0; j < n; ++j) {
        const int64_t slot = s.dense ? g + j : s.slots[size_t(g + j)];
        uint64_t b = 0;
        std::memcpy(&b, src.At(slot), width);
        bits[j] = b;
        hashes[j] = Dictionary::HashFixed(b);
        dict->Prefetch(hashes[j]);
      }
      for (int64_t j = 0; j < n; ++j) {
        if (prev == UINT32_MAX || bits[j] != prev_bits) {
          prev = dict->InsertFixed(bits[j], hashes[j]);
          prev_bits = bits[j];
        }
        indices_[(*w)++] = prev;
      }
    }
  }

  // Integers in a small range are looked up in an array indexed by value - min
  // instead of a hash table: an L2-resident load per value (dates, quantities,
  // foreign keys of a few hundred thousand values).
  static constexpr int64_t kDirectRange = int64_t(1) << 18;

  template <typename T>
  bool IntegerRange(std::span<const LeafSlice* const> slices, int64_t* lo, int64_t* hi) const {
    T mn = std::numeric_limits<T>::max(), mx = std::numeric_limits<T>::min();
    for (size_t i = 0; i < slices.size(); ++i) {
      const LeafSlice& s = *slices[i];
      const Source& src = sources_[i];
      const int64_t n = s.num_values();
      if (src.fixed == nullptr) return false;
      for (int64_t k = 0; k < n; ++k) {
        T v;
        std::memcpy(&v, src.At(s.dense ? k : s.slots[size_t(k)]), sizeof(T));
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
      }
    }
    *lo = int64_t(mn);
    *hi = int64_t(mx);
    return true;
  }

  template <typename T>
  void InsertDirect(std::span<const LeafSlice* const> slices, int64_t lo, int64_t range,
                    Dictionary* dict) {
    std::vector<uint32_t> map(size_t(range), UINT32_MAX);
    size_t w = 0;
    for (size_t i = 0; i < slices.size(); ++i) {
      const LeafSlice& s = *slices[i];
      const Source& src = sources_[i];
      const int64_t n = s.num_values();
      for (int64_t k = 0; k < n; ++k) {
        T v;
        std::memcpy(&v, src.At(s.dense ? k : s.slots[size_t(k)]), sizeof(T));
        uint32_t& m = map[size_t(int64_t(v) - lo)];
        if (m == UINT32_MAX) {
          uint64_t bits = 0;
          std::memcpy(&bits, &v, sizeof(T));
          m = dict->AppendFixed(bits);
        }
        indices_[w++] = m;
      }
    }
  }

  Status TryDictionary(std::span<const LeafSlice* const> slices) {
    if (col_.physical_type == Type::kInt32 || col_.physical_type == Type::kInt64) {
      int64_t lo = 0, hi = 0;
      const bool known = col_.physical_type == Type::kInt32
                             ? IntegerRange<int32_t>(slices, &lo, &hi)
                             : IntegerRange<int64_t>(slices, &lo, &hi);
      if (known && hi >= lo && uint64_t(hi) - uint64_t(lo) < uint64_t(kDirectRange)) {
        const int width = sources_[0].width;
        auto dict = std::make_unique<Dictionary>(false, width, 0);
        indices_.resize(size_t(total_values_));
        if (col_.physical_type == Type::kInt32) {
          InsertDirect<int32_t>(slices, lo, hi - lo + 1, dict.get());
        } else {
          InsertDirect<int64_t>(slices, lo, hi - lo + 1, dict.get());
        }
        return AcceptDictionary(std::move(dict), total_values_ * int64_t(width));
      }
    }
    const bool bytes_keys =
        col_.physical_type == Type::kByteArray ||
        (col_.physical_type == Type::kFixedLenByteArray && col_.type_length > 8);
    const int width = col_.physical_type == Type::kByteArray ? 0
                      : col_.physical_type == Type::kFixedLenByteArray
                          ? col_.type_length
                          : sources_.empty() ? 4 : sources_[0].width;
    auto dict = std::make_unique<Dictionary>(bytes_keys, width, total_values_);
    indices_.resize(size_t(total_values_));
    size_t w = 0;
    int64_t plain_bytes = 0;  // what PLAIN would take (byte arrays: with lengths)
    const int64_t probe = std::max<int64_t>(total_values_ / 10, 1024);
    for (size_t i = 0; i < slices.size(); ++i) {
      const LeafSlice& s = *slices[i];
      const Source& src = sources_[i];
      const int64_t n = s.num_values();
      for (int64_t k0 = 0; k0 < n; k0 += kMiniBatch) {
        const int64_t k1 = std::min(n, k0 + kMiniBatch);
        if (bytes_keys) {
          std::string_view prev_value;
          uint32_t prev = UINT32_MAX;
          for (int64_t k = k0; k < k1; ++k) {
            const int64_t slot = s.dense ? k : s.slots[size_t(k)];
            const std::string_view v =
                col_.physical_type == Type::kByteArray ? src.Bytes(slot) : src.Fixed(slot);
            if (prev == UINT32_MAX || v.size() != prev_value.size() ||
                CompareBytes(v, prev_value) != 0) {
              prev = dict->InsertBytes(v);
              prev_value = v;
            }
            plain_bytes += int64_t(v.size()) + 4;
            indices_[w++] = prev;
          }
        } else {
          switch (src.width) {
            case 4: InsertGroupFixed<4>(s, src, k0, k1, dict.get(), &w); break;
            case 8: InsertGroupFixed<8>(s, src, k0, k1, dict.get(), &w); break;
            default: InsertGroupFixed<0>(s, src, k0, k1, dict.get(), &w); break;
          }
        }
        const int64_t ndv = int64_t(dict->size());
        if (dict->plain_bytes() > o_.dictionary_page_bytes ||
            (int64_t(w) >= probe && ndv * 10 > int64_t(w) * 9)) {
          indices_ = {};
          return Status::OK();  // does not pay: fall back for the whole chunk
        }
      }
    }
    if (!bytes_keys) plain_bytes = total_values_ * int64_t(width);
    return AcceptDictionary(std::move(dict), plain_bytes);
  }

  // Keep `dict` if it pays: the dictionary page (within dictionary_page_bytes) and
  // the bit-packed indices take at most dictionary_max_ratio of `plain_bytes`.
  Status AcceptDictionary(std::unique_ptr<Dictionary> dict, int64_t plain_bytes) {
    const int64_t ndv = int64_t(dict->size());
    const int64_t encoded =
        dict->plain_bytes() + total_values_ * BitWidth(uint64_t(std::max<int64_t>(ndv - 1, 0))) / 8;
    if (dict->plain_bytes() > o_.dictionary_page_bytes ||
        double(encoded) > o_.dictionary_max_ratio * double(plain_bytes)) {
      indices_ = {};
      return Status::OK();
    }
    dictionary_ = std::move(dict);
    index_width_ = BitWidth(uint64_t(dictionary_->size() - 1));
    // Ranks pay where comparing values costs more than an integer min/max and the
    // dictionary is small against the values (sorting it is n log n).
    if ((order_ == Order::kBytes || order_ == Order::kSignedBE) &&
        int64_t(dictionary_->size()) * 16 <= total_values_) {
      RankDictionary();
    }
    value_encoding_ = Encoding::kRleDictionary;
    return Status::OK();
  }

  // The PLAIN bytes of dictionary entry `i`.
  std::string_view DictionaryValue(size_t i) const {
    if (col_.physical_type == Type::kByteArray ||
        (col_.physical_type == Type::kFixedLenByteArray && col_.type_length > 8)) {
      return dictionary_->values()[i];
    }
    const size_t w = col_.physical_type == Type::kFixedLenByteArray ? size_t(col_.type_length)
                                                                    : size_t(sources_[0].width);
    return {reinterpret_cast<const char*>(&dictionary_->fixed()[i]), w};
  }

  // Rank the dictionary in the column's order, so that a page's min and max are the
  // entries of its smallest and largest index rank: one integer min/max per value
  // instead of a comparison of values.
  void RankDictionary() {
    const size_t n = dictionary_->size();
    by_rank_.resize(n);
    for (size_t i = 0; i < n; ++i) by_rank_[i] = uint32_t(i);
    std::sort(by_rank_.begin(), by_rank_.end(), [&](uint32_t a, uint32_t b) {
      return CompareEncoded(order_, DictionaryValue(a), DictionaryValue(b)) < 0;
    });
    rank_.resize(n);
    for (size_t r = 0; r < n; ++r) rank_[by_rank_[r]] = uint32_t(r);
  }

  Status WriteDictionaryPage() {
    Sink plain;
    if (col_.physical_type == Type::kByteArray) {
      for (std::string_view v : dictionary_->values()) {
        plain.AppendLE(uint32_t(v.size()));
        plain.Append(v);
      }
    } else if (col_.physical_type == Type::kFixedLenByteArray && col_.type_length > 8) {
      for (std::string_view v : dictionary_->values()) plain.Append(v);
    } else {
      const int w = col_.physical_type == Type::kFixedLenByteArray ? col_.type_length
                                                                    : sources_[0].width;
      for (uint64_t v : dictionary_->fixed()) plain.Append(&v, size_t(w));
    }
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    DictionaryPageHeader d;
    d.num_values = int32_t(dictionary_->size());
    d.encoding = Encoding::kPlain;
    h.dictionary_page_header = d;
    dictionary_page_offset_ = int64_t(out_.size());
    QUIRE_RETURN_NOT_OK(WritePage(h, {plain.data(), plain.size()}, {}, true));
    Count(PageType::kDictionaryPage, Encoding::kPlain);
    return Status::OK();
  }

  // --- pages --------------------------------------------------------------

  Status AppendSlice(const LeafSlice& s, const Source& src) {
    const int64_t n = s.num_levels;
    const bool repeated = col_.max_rep_level > 0;
    // Levels per mini-batch, so that pages stay near data_page_bytes even for
    // long values.
    int64_t mini = kMiniBatch;
    if (col_.physical_type == Type::kByteArray && s.num_values() > 0) {
      int64_t bytes = 0;
      if (src.binary == BinaryKind::kOffsets32 && src.off32) {
        bytes = int64_t(src.off32[s.values->length()]) - src.off32[0];
      } else if (src.binary == BinaryKind::kOffsets64 && src.off64) {
        bytes = src.off64[s.values->length()] - src.off64[0];
      }
      const int64_t per = std::max<int64_t>(1, bytes / std::max<int64_t>(1, s.values->length()));
      mini = std::clamp<int64_t>(o_.data_page_bytes / 4 / per, 1, kMiniBatch);
    } else if (col_.physical_type == Type::kFixedLenByteArray) {
      mini = std::clamp<int64_t>(o_.data_page_bytes / 4 / std::max(1, col_.type_length), 1,
                                 kMiniBatch);
    }
    int64_t lvl = 0;
    int64_t val = 0;
    while (lvl < n) {
      int64_t end;
      int64_t rows;
      if (!repeated) {
        const int64_t room = std::max<int64_t>(1, o_.max_page_rows - page_rows_);
        end = std::min(n, lvl + std::min(mini, room));
        rows = end - lvl;
      } else {
        end = std::min(n, lvl + mini);
        while (end < n && s.rep_levels[size_t(end)] != 0) ++end;
        rows = 0;
        for (int64_t l = lvl; l < end; ++l) rows += s.rep_levels[size_t(l)] == 0;
      }
      // Levels.
      int64_t nv;
      if (col_.max_def_level > 0) {
        if (s.def_levels.empty() && page_def_.empty()) {
          // Every level so far is max_def: count them, materialise only if needed.
          page_def_max_run_ += end - lvl;
          nv = end - lvl;
        } else if (s.def_levels.empty()) {
          page_def_.resize(page_def_.size() + size_t(end - lvl), col_.max_def_level);
          nv = end - lvl;
        } else {
          if (page_def_max_run_ > 0) {
            page_def_.assign(size_t(page_def_max_run_), col_.max_def_level);
            page_def_max_run_ = 0;
          }
          const size_t at = page_def_.size();
          page_def_.resize(at + size_t(end - lvl));
          std::memcpy(page_def_.data() + at, s.def_levels.data() + lvl,
                      size_t(end - lvl) * sizeof(int16_t));
          nv = 0;
          for (int64_t l = lvl; l < end; ++l) nv += s.def_levels[size_t(l)] == col_.max_def_level;
        }
      } else {
        nv = end - lvl;
      }
      if (repeated) {
        const size_t at = page_rep_.size();
        page_rep_.resize(at + size_t(end - lvl));
        std::memcpy(page_rep_.data() + at, s.rep_levels.data() + lvl,
                    size_t(end - lvl) * sizeof(int16_t));
      }
      AppendValues(s, src, val, nv);
      page_stats_.nulls += (end - lvl) - nv;
      val += nv;
      page_levels_ += end - lvl;
      page_values_ += nv;
      page_rows_ += rows;
      lvl = end;
      if (page_rows_ >= o_.max_page_rows || PageBytes() >= o_.data_page_bytes) {
        QUIRE_RETURN_NOT_OK(ClosePage());
      }
    }
    return Status::OK();
  }

  int64_t PageBytes() const {
    if (dictionary_) return page_values_ * index_width_ / 8;
    if (col_.physical_type == Type::kByteArray && !strings_.empty()) {
      return string_bytes_;
    }
    return int64_t(staged_.size()) + bool_bits_ / 8;
  }

  // Stage values [k, k + n) of the slice (k-th present value onward).
  void AppendValues(const LeafSlice& s, const Source& src, int64_t k, int64_t n) {
    if (n == 0) return;
    auto slot = [&](int64_t j) { return s.dense ? k + j : s.slots[size_t(k + j)]; };
    // Statistics.
    if (o_.statistics || o_.page_index) {
      if (!rank_.empty()) {
        uint32_t lo = UINT32_MAX, hi = 0;
        const uint32_t* idx = indices_.data() + index_cursor_;
        for (int64_t j = 0; j < n; ++j) {
          const uint32_t r = rank_[idx[j]];
          lo = r < lo ? r : lo;
          hi = r > hi ? r : hi;
        }
        page_stats_.Update(order_, DictionaryValue(by_rank_[lo]), DictionaryValue(by_rank_[hi]));
      } else {
        Stats(src, n, slot);
      }
    }
    if (col_.physical_type == Type::kByteArray) {
      int64_t bytes = 0;
      for (int64_t j = 0; j < n; ++j) bytes += int64_t(src.Bytes(slot(j)).size());
      page_byte_array_bytes_ += bytes;
    }
    if (bloom_hashes_wanted()) {
      for (int64_t j = 0; j < n; ++j) bloom_values_.push_back(HashValue(src, slot(j)));
    }
    if (dictionary_) {
      const size_t at = page_indices_.size();
      page_indices_.resize(at + size_t(n));
      std::memcpy(page_indices_.data() + at, indices_.data() + index_cursor_,
                  size_t(n) * sizeof(uint32_t));
      index_cursor_ += size_t(n);
      return;
    }
    switch (col_.physical_type) {
      case Type::kBoolean: {
        const size_t need = size_t((bool_bits_ + n + 7) / 8);
        if (staged_.size() < need) {
          const size_t old = staged_.size();
          staged_.Resize(need);
          std::memset(staged_.data() + old, 0, need - old);
        }
        uint8_t* bits = staged_.data();
        for (int64_t j = 0; j < n; ++j) {
          if (src.Bool(slot(j))) bits[bool_bits_ >> 3] |= uint8_t(1u << (bool_bits_ & 7));
          ++bool_bits_;
        }
        return;
      }
      case Type::kByteArray:
        if (value_encoding_ == Encoding::kPlain) {
          for (int64_t j = 0; j < n; ++j) {
            const std::string_view v = src.Bytes(slot(j));
            const uint32_t len = uint32_t(v.size());
            uint8_t* p = staged_.Extend(4 + v.size());
            std::memcpy(p, &len, 4);
            if (!v.empty()) std::memcpy(p + 4, v.data(), v.size());
          }
        } else {
          for (int64_t j = 0; j < n; ++j) {
            const std::string_view v = src.Bytes(slot(j));
            strings_.push_back(v);
            string_bytes_ += int64_t(v.size()) + 1;
          }
        }
        return;
      default: {
        const size_t w = size_t(src.width);
        if (value_encoding_ == Encoding::kDeltaByteArray) {
          for (int64_t j = 0; j < n; ++j) {
            strings_.push_back(src.Fixed(slot(j)));
            string_bytes_ += int64_t(w);
          }
          return;
        }
        uint8_t* p = staged_.Extend(w * size_t(n));
        if (col_.physical_type == Type::kInt32 && src.fixed == nullptr) {
          std::memset(p, 0, w * size_t(n));  // the null type has no values
        } else if (s.dense && src.stride == src.width) {
          std::memcpy(p, src.At(k), w * size_t(n));
        } else if (w == 8) {
          for (int64_t j = 0; j < n; ++j) std::memcpy(p + size_t(j) * 8, src.At(slot(j)), 8);
        } else if (w == 4) {
          for (int64_t j = 0; j < n; ++j) std::memcpy(p + size_t(j) * 4, src.At(slot(j)), 4);
        } else {
          for (int64_t j = 0; j < n; ++j) std::memcpy(p + size_t(j) * w, src.At(slot(j)), w);
        }
        return;
      }
    }
  }

  bool bloom_hashes_wanted() const {
    return o_.bloom_filter && !dictionary_ && col_.physical_type != Type::kBoolean;
  }

  uint64_t HashValue(const Source& src, int64_t slot) const {
    switch (col_.physical_type) {
      case Type::kByteArray: return BloomFilter::HashBytes(src.Bytes(slot));
      case Type::kBoolean: {
        const uint8_t b = src.Bool(slot);
        return XXH64(&b, 1, 0);
      }
      default: return XXH64(src.At(slot), size_t(src.width), 0);
    }
  }

  template <typename SlotFn>
  void Stats(const Source& src, int64_t n, SlotFn slot) {
    switch (order_) {
      case Order::kNone: return;
      case Order::kBool: {
        bool any_true = false, any_false = false;
        for (int64_t j = 0; j < n; ++j) (src.Bool(slot(j)) ? any_true : any_false) = true;
        const uint8_t lo = any_false ? 0 : 1, hi = any_true ? 1 : 0;
        page_stats_.Update(order_, AsBytes(lo), AsBytes(hi));
        return;
      }
      case Order::kInt32:
        if (src.fixed == nullptr) return;
        return FoldNumeric<int32_t>(order_, n, [&](int64_t j) { return Load<int32_t>(src, slot(j)); }, &page_stats_);
      case Order::kUInt32:
        return FoldNumeric<uint32_t>(order_, n, [&](int64_t j) { return Load<uint32_t>(src, slot(j)); }, &page_stats_);
      case Order::kInt64:
        return FoldNumeric<int64_t>(order_, n, [&](int64_t j) { return Load<int64_t>(src, slot(j)); }, &page_stats_);
      case Order::kUInt64:
        return FoldNumeric<uint64_t>(order_, n, [&](int64_t j) { return Load<uint64_t>(src, slot(j)); }, &page_stats_);
      case Order::kFloat:
        return FoldNumeric<float>(order_, n, [&](int64_t j) { return Load<float>(src, slot(j)); }, &page_stats_);
      case Order::kDouble:
        return FoldNumeric<double>(order_, n, [&](int64_t j) { return Load<double>(src, slot(j)); }, &page_stats_);
      case Order::kFloat16: {
        bool any = false;
        uint16_t lo = 0, hi = 0;
        for (int64_t j = 0; j < n; ++j) {
          const uint16_t h = Load<uint16_t>(src, slot(j));
          const float f = util::HalfToFloat(h);
          if (std::isnan(f)) {
            ++page_stats_.nans;
            continue;
          }
          if (!any || f < util::HalfToFloat(lo)) lo = h;
          if (!any || util::HalfToFloat(hi) < f) hi = h;
          any = true;
        }
        if (!any) return;
        if (util::HalfToFloat(lo) == 0.0f) lo = 0x8000;
        if (util::HalfToFloat(hi) == 0.0f) hi = 0x0000;
        page_stats_.Update(order_, AsBytes(lo), AsBytes(hi));
        return;
      }
      case Order::kBytes:
        if (col_.physical_type == Type::kByteArray) {
          std::string_view lo = src.Bytes(slot(0)), hi = lo;
          for (int64_t j = 1; j < n; ++j) {
            const std::string_view v = src.Bytes(slot(j));
            if (CompareBytes(v, lo) < 0) lo = v;
            if (CompareBytes(v, hi) > 0) hi = v;
          }
          page_stats_.Update(order_, lo, hi);
          return;
        }
        [[fallthrough]];
      case Order::kSignedBE: {
        const bool bytes = col_.physical_type == Type::kByteArray;
        std::string_view lo = bytes ? src.Bytes(slot(0)) : src.Fixed(slot(0));
        std::string_view hi = lo;
        for (int64_t j = 1; j < n; ++j) {
          const std::string_view v = bytes ? src.Bytes(slot(j)) : src.Fixed(slot(j));
          if (CompareEncoded(order_, v, lo) < 0) lo = v;
          if (CompareEncoded(order_, v, hi) > 0) hi = v;
        }
        page_stats_.Update(order_, lo, hi);
        return;
      }
    }
  }

  template <typename T>
  static T Load(const Source& src, int64_t slot) {
    T v;
    std::memcpy(&v, src.At(slot), sizeof(T));
    return v;
  }

  Status EncodeValues(Sink* out) {
    const int64_t n = page_values_;
    if (dictionary_) {
      out->AppendByte(uint8_t(index_width_));
      EncodeRle(page_indices_.data(), page_indices_.size(), index_width_, out);
      return Status::OK();
    }
    switch (value_encoding_) {
      case Encoding::kPlain:
        if (col_.physical_type == Type::kBoolean) {
          out->Append(staged_.data(), size_t((bool_bits_ + 7) / 8));
        } else {
          out->Append(staged_.data(), staged_.size());
        }
        return Status::OK();
      case Encoding::kDeltaBinaryPacked: {
        std::string enc;
        if (col_.physical_type == Type::kInt32) {
          enc = EncodeDeltaBinaryPacked<int32_t>(
              {reinterpret_cast<const int32_t*>(staged_.data()), size_t(n)});
        } else {
          enc = EncodeDeltaBinaryPacked<int64_t>(
              {reinterpret_cast<const int64_t*>(staged_.data()), size_t(n)});
        }
        out->Append(enc);
        return Status::OK();
      }
      case Encoding::kByteStreamSplit: {
        const int w = col_.physical_type == Type::kFixedLenByteArray
                          ? col_.type_length
                          : (col_.physical_type == Type::kInt32 || col_.physical_type == Type::kFloat ? 4 : 8);
        out->Append(EncodeByteStreamSplit(staged_.data(), n, w));
        return Status::OK();
      }
      case Encoding::kDeltaLengthByteArray:
        out->Append(EncodeDeltaLengthByteArray(strings_));
        return Status::OK();
      case Encoding::kDeltaByteArray:
        out->Append(EncodeDeltaByteArray(strings_));
        return Status::OK();
      default:
        return Status::Invalid("column '{}': encoding {} cannot be written", name_,
                               ToString(value_encoding_));
    }
  }

  // Encode `levels`, or, when it is empty, `max_run` levels of `max_level`.
  static void EncodeLevels(const ScratchVector<int16_t>& levels, int64_t max_run,
                           int16_t max_level, Sink* out) {
    const int width = BitWidth(uint64_t(max_level));
    const size_t value_bytes = size_t(width + 7) / 8;
    if (levels.empty()) {
      if (max_run == 0) return;
      AppendUleb(uint64_t(max_run) << 1, out);
      for (size_t b = 0; b < value_bytes; ++b) out->AppendByte(uint8_t(max_level >> (8 * b)));
      return;
    }
    const size_t n = levels.size();
    bool same = true;
    for (size_t i = 1; i < n && same; ++i) same = levels[i] == levels[0];
    if (same) {
      AppendUleb(uint64_t(n) << 1, out);
      for (size_t b = 0; b < value_bytes; ++b) out->AppendByte(uint8_t(levels[0] >> (8 * b)));
      return;
    }
    EncodeRle(levels.data(), n, width, out);
  }

  Status ClosePage() {
    // Histograms (SizeStatistics, ColumnIndex).
    std::vector<int64_t> def_hist, rep_hist;
    if (col_.max_def_level > 0) {
      def_hist.assign(size_t(col_.max_def_level) + 1, 0);
      def_hist.back() += page_def_max_run_;
      for (int16_t d : page_def_) ++def_hist[size_t(d)];
    }
    if (col_.max_rep_level > 0) {
      rep_hist.assign(size_t(col_.max_rep_level) + 1, 0);
      for (int16_t r : page_rep_) ++rep_hist[size_t(r)];
    }
    Sink rep, def;
    if (col_.max_rep_level > 0) EncodeLevels(page_rep_, 0, col_.max_rep_level, &rep);
    if (col_.max_def_level > 0) {
      EncodeLevels(page_def_, page_def_max_run_, col_.max_def_level, &def);
    }

    PageHeader h;
    const int64_t nulls = page_levels_ - page_values_;
    if (o_.data_page_v2) {
      h.type = PageType::kDataPageV2;
      DataPageHeaderV2 v2;
      v2.num_values = int32_t(page_levels_);
      v2.num_nulls = int32_t(nulls);
      v2.num_rows = int32_t(page_rows_);
      v2.encoding = value_encoding_;
      v2.definition_levels_byte_length = int32_t(def.size());
      v2.repetition_levels_byte_length = int32_t(rep.size());
      v2.is_compressed = o_.codec != CompressionCodec::kUncompressed;
      h.data_page_header_v2 = v2;
      Sink levels, values;
      levels.Append(rep.data(), rep.size());
      levels.Append(def.data(), def.size());
      QUIRE_RETURN_NOT_OK(EncodeValues(&values));
      QUIRE_RETURN_NOT_OK(WritePage(h, {values.data(), values.size()},
                                    {levels.data(), levels.size()}, *v2.is_compressed));
    } else {
      h.type = PageType::kDataPage;
      DataPageHeader v1;
      v1.num_values = int32_t(page_levels_);
      v1.encoding = value_encoding_;
      v1.definition_level_encoding = Encoding::kRle;
      v1.repetition_level_encoding = Encoding::kRle;
      h.data_page_header = v1;
      Sink body;
      if (col_.max_rep_level > 0) {
        body.AppendLE(uint32_t(rep.size()));
        body.Append(rep.data(), rep.size());
      }
      if (col_.max_def_level > 0) {
        body.AppendLE(uint32_t(def.size()));
        body.Append(def.data(), def.size());
      }
      QUIRE_RETURN_NOT_OK(EncodeValues(&body));
      QUIRE_RETURN_NOT_OK(WritePage(h, {body.data(), body.size()}, {}, true));
    }
    Count(h.type, value_encoding_);
    // Page index entries.
    PageLocation loc;
    loc.offset = last_page_offset_;
    loc.compressed_page_size = int32_t(int64_t(out_.size()) - last_page_offset_);
    loc.first_row_index = rows_before_page_;
    locations_.push_back(loc);
    page_byte_array_sizes_.push_back(page_byte_array_bytes_);
    const bool null_page = page_values_ == 0 || !page_stats_.has;
    null_pages_.push_back(page_values_ == 0);
    if (!null_page) {
      page_mins_.push_back(TruncateMin(page_stats_.min));
      page_maxs_.push_back(TruncateMax(page_stats_.max));
      if (page_values_ > 0 && (page_maxs_.back().empty() && !page_stats_.max.empty())) {
        index_ok_ = false;  // a maximum that cannot be truncated: no column index
      }
    } else {
      page_mins_.emplace_back();
      page_maxs_.emplace_back();
      if (page_values_ > 0) index_ok_ = false;  // values without an order (NaN only)
    }
    page_null_counts_.push_back(nulls);
    page_nan_counts_.push_back(page_stats_.nans);
    if (!def_hist.empty()) {
      page_def_hists_.insert(page_def_hists_.end(), def_hist.begin(), def_hist.end());
      if (chunk_def_hist_.empty()) chunk_def_hist_.assign(def_hist.size(), 0);
      for (size_t i = 0; i < def_hist.size(); ++i) chunk_def_hist_[i] += def_hist[i];
    }
    if (!rep_hist.empty()) {
      page_rep_hists_.insert(page_rep_hists_.end(), rep_hist.begin(), rep_hist.end());
      if (chunk_rep_hist_.empty()) chunk_rep_hist_.assign(rep_hist.size(), 0);
      for (size_t i = 0; i < rep_hist.size(); ++i) chunk_rep_hist_[i] += rep_hist[i];
    }
    // Chunk statistics.
    if (page_stats_.has) chunk_stats_.Update(order_, page_stats_.min, page_stats_.max);
    chunk_stats_.nulls += nulls;
    chunk_stats_.nans += page_stats_.nans;
    chunk_byte_array_bytes_ += page_byte_array_bytes_;
    ++pages_;
    rows_before_page_ += page_rows_;
    num_levels_written_ += page_levels_;
    // Reset.
    page_def_.clear();
    page_def_max_run_ = 0;
    page_rep_.clear();
    page_indices_.clear();
    staged_.clear();
    strings_.clear();
    string_bytes_ = 0;
    bool_bits_ = 0;
    page_levels_ = page_values_ = page_rows_ = 0;
    page_byte_array_bytes_ = 0;
    page_stats_.Reset();
    return Status::OK();
  }

  std::string TruncateMin(const std::string& v) const {
    if (order_ != Order::kBytes || int64_t(v.size()) <= o_.max_statistics_bytes) return v;
    return v.substr(0, size_t(o_.max_statistics_bytes));
  }
  // A truncated maximum must still be >= every value: cut, then increment the
  // last byte that is not 0xff. Empty if none can be incremented.
  std::string TruncateMax(const std::string& v) const {
    if (order_ != Order::kBytes || int64_t(v.size()) <= o_.max_statistics_bytes) return v;
    std::string t = v.substr(0, size_t(o_.max_statistics_bytes));
    while (!t.empty() && uint8_t(t.back()) == 0xff) t.pop_back();
    if (t.empty()) return t;
    t.back() = char(uint8_t(t.back()) + 1);
    return t;
  }

  // Write a page: header then `body` compressed (v1: everything; v2: `body` holds
  // the values and `levels` go first, uncompressed).
  Status WritePage(PageHeader& h, std::span<const uint8_t> body,
                   std::span<const uint8_t> levels, bool compress) {
    std::span<const uint8_t> payload = body;
    if (compress && o_.codec != CompressionCodec::kUncompressed) {
      compressed_.resize(size_t(codec_->MaxCompressedLength(int64_t(body.size()))));
      QUIRE_ASSIGN_OR_RETURN(
          int64_t len,
          codec_->Compress(std::as_bytes(body), std::as_writable_bytes(std::span(compressed_))));
      payload = {compressed_.data(), size_t(len)};
    }
    const int64_t uncompressed = int64_t(levels.size() + body.size());
    const int64_t compressed = int64_t(levels.size() + payload.size());
    if (uncompressed > std::numeric_limits<int32_t>::max() ||
        compressed > std::numeric_limits<int32_t>::max()) {
      return Status::Invalid("column '{}': a page of {} bytes exceeds Parquet's 2 GiB limit",
                             name_, uncompressed);
    }
    h.uncompressed_page_size = int32_t(uncompressed);
    h.compressed_page_size = int32_t(compressed);
    const std::string header = SerializePageHeader(h);
    last_page_offset_ = int64_t(out_.size());
    out_.Append(header);
    out_.Append(levels.data(), levels.size());
    out_.Append(payload.data(), payload.size());
    total_uncompressed_ += int64_t(header.size()) + uncompressed;
    return Status::OK();
  }

  void Count(PageType type, Encoding encoding) {
    for (auto& s : encoding_stats_) {
      if (s.page_type == type && s.encoding == encoding) {
        ++s.count;
        return;
      }
    }
    encoding_stats_.push_back({type, encoding, 1});
  }

  Result<EncodedColumnChunk> Finish() {
    EncodedColumnChunk r;
    ColumnMetaData& m = r.metadata;
    m.type = col_.physical_type;
    // Encodings: what data pages use, PLAIN for a dictionary page, RLE for levels.
    auto add = [&](Encoding e) {
      if (std::find(m.encodings.begin(), m.encodings.end(), e) == m.encodings.end()) {
        m.encodings.push_back(e);
      }
    };
    if (dictionary_) add(Encoding::kPlain);
    add(value_encoding_);
    if (col_.max_def_level > 0 || col_.max_rep_level > 0) add(Encoding::kRle);
    m.path_in_schema = col_.path;
    m.codec = o_.codec;
    m.num_values = num_levels_written_;
    m.total_uncompressed_size = total_uncompressed_;
    m.total_compressed_size = int64_t(out_.size());
    m.data_page_offset = dictionary_ ? locations_.front().offset : 0;
    if (dictionary_) m.dictionary_page_offset = dictionary_page_offset_;
    m.encoding_stats = encoding_stats_;
    if (o_.statistics) {
      Statistics st;
      st.null_count = chunk_stats_.nulls;
      if (chunk_stats_.has) {
        const bool fits = order_ != Order::kBytes ||
                          (int64_t(chunk_stats_.min.size()) <= o_.max_statistics_bytes &&
                           int64_t(chunk_stats_.max.size()) <= o_.max_statistics_bytes);
        if (fits) {
          st.min_value = chunk_stats_.min;
          st.max_value = chunk_stats_.max;
          st.is_min_value_exact = true;
          st.is_max_value_exact = true;
          // The deprecated fields, for old readers, where their signed order is right.
          if (order_ == Order::kInt32 || order_ == Order::kInt64 || order_ == Order::kFloat ||
              order_ == Order::kDouble || order_ == Order::kBool) {
            st.min = chunk_stats_.min;
            st.max = chunk_stats_.max;
          }
        }
      }
      if (order_ == Order::kFloat || order_ == Order::kDouble || order_ == Order::kFloat16) {
        st.nan_count = chunk_stats_.nans;
      }
      if (dictionary_) {
        st.distinct_count = int64_t(dictionary_->size());
      } else if (o_.distinct_count) {
        QUIRE_ASSIGN_OR_RETURN(int64_t ndv, CountDistinct());
        st.distinct_count = ndv;
      }
      m.statistics = std::move(st);
    }
    if (o_.size_statistics) {
      SizeStatistics ss;
      if (col_.physical_type == Type::kByteArray) {
        ss.unencoded_byte_array_data_bytes = chunk_byte_array_bytes_;
      }
      if (!chunk_rep_hist_.empty()) ss.repetition_level_histogram = chunk_rep_hist_;
      if (!chunk_def_hist_.empty()) ss.definition_level_histogram = chunk_def_hist_;
      m.size_statistics = std::move(ss);
    }
    if (o_.page_index) {
      OffsetIndex oi;
      oi.page_locations = locations_;
      if (col_.physical_type == Type::kByteArray) {
        oi.unencoded_byte_array_data_bytes = page_byte_array_sizes_;
      }
      r.offset_index = std::move(oi);
      if (index_ok_ && order_ != Order::kNone && o_.statistics) {
        ColumnIndex ci;
        ci.null_pages = null_pages_;
        ci.min_values = page_mins_;
        ci.max_values = page_maxs_;
        ci.null_counts = page_null_counts_;
        ci.boundary_order = Boundary();
        if (!page_def_hists_.empty()) ci.definition_level_histograms = page_def_hists_;
        if (!page_rep_hists_.empty()) ci.repetition_level_histograms = page_rep_hists_;
        if (order_ == Order::kFloat || order_ == Order::kDouble || order_ == Order::kFloat16) {
          ci.nan_counts = page_nan_counts_;
        }
        r.column_index = std::move(ci);
      }
    }
    // BloomFilter.md hashes PLAIN values; booleans (bit-packed) have no filter.
    if (o_.bloom_filter && col_.physical_type != Type::kBoolean) r.bloom_filter = MakeBloom();
    r.bytes = std::move(out_.vector());
    r.dictionary_rejected = dictionary_rejected_;
    return r;
  }

  BoundaryOrder Boundary() const {
    bool asc = true, desc = true;
    int prev = -1;
    for (size_t i = 0; i < null_pages_.size(); ++i) {
      if (null_pages_[i]) continue;
      if (prev >= 0) {
        const size_t p = size_t(prev);
        if (CompareEncoded(order_, page_mins_[i], page_mins_[p]) < 0 ||
            CompareEncoded(order_, page_maxs_[i], page_maxs_[p]) < 0) {
          asc = false;
        }
        if (CompareEncoded(order_, page_mins_[i], page_mins_[p]) > 0 ||
            CompareEncoded(order_, page_maxs_[i], page_maxs_[p]) > 0) {
          desc = false;
        }
      }
      prev = int(i);
    }
    if (asc) return BoundaryOrder::kAscending;
    if (desc) return BoundaryOrder::kDescending;
    return BoundaryOrder::kUnordered;
  }

  BloomFilter MakeBloom() {
    int64_t ndv = o_.bloom_filter_ndv;
    if (ndv <= 0) ndv = dictionary_ ? int64_t(dictionary_->size()) : total_values_;
    BloomFilter f = BloomFilter::MakeEmpty(BloomFilter::OptimalNumBytes(std::max<int64_t>(ndv, 1), o_.bloom_filter_fpp));
    if (dictionary_) {
      if (col_.physical_type == Type::kByteArray ||
          (col_.physical_type == Type::kFixedLenByteArray && col_.type_length > 8)) {
        for (std::string_view v : dictionary_->values()) f.InsertHash(BloomFilter::HashBytes(v));
      } else {
        const size_t w = col_.physical_type == Type::kFixedLenByteArray ? size_t(col_.type_length)
                                                                        : size_t(sources_[0].width);
        for (uint64_t v : dictionary_->fixed()) f.InsertHash(XXH64(&v, w, 0));
      }
    } else {
      for (uint64_t h : bloom_values_) f.InsertHash(h);
    }
    return f;
  }

  Result<int64_t> CountDistinct() {
    std::vector<uint64_t> hashes;
    hashes.reserve(size_t(total_values_));
    // Re-walk the sources (called only when asked for and not dictionary-encoded).
    for (size_t i = 0; i < sources_.size(); ++i) {
      const Source& src = sources_[i];
      const LeafSlice* s = slices_for_distinct_[i];
      const int64_t n = s->num_values();
      for (int64_t k = 0; k < n; ++k) {
        hashes.push_back(HashValue(src, s->dense ? k : s->slots[size_t(k)]));
      }
    }
    std::sort(hashes.begin(), hashes.end());
    return int64_t(std::unique(hashes.begin(), hashes.end()) - hashes.begin());
  }

 public:
  std::vector<const LeafSlice*> slices_for_distinct_;

 private:
  const ColumnDescriptor& col_;
  columnar::TypePtr type_;
  const ColumnEncodeOptions& o_;
  Order order_;
  std::string name_;
  std::unique_ptr<codec::Codec> codec_;
  std::vector<Source> sources_;
  int64_t total_values_ = 0;
  int64_t total_levels_ = 0;

  std::unique_ptr<Dictionary> dictionary_;
  bool dictionary_rejected_ = false;
  ScratchVector<uint32_t> indices_;
  std::vector<uint32_t> rank_, by_rank_;  // dictionary order (RankDictionary)
  size_t index_cursor_ = 0;
  int index_width_ = 0;
  Encoding value_encoding_ = Encoding::kPlain;

  Sink out_;
  ScratchVector<uint8_t> compressed_;
  int64_t total_uncompressed_ = 0;
  int64_t dictionary_page_offset_ = 0;
  int64_t last_page_offset_ = 0;

  // Current page.
  ScratchVector<int16_t> page_def_, page_rep_;
  int64_t page_def_max_run_ = 0;  // leading max_def levels not in page_def_
  ScratchVector<uint32_t> page_indices_;
  Sink staged_;
  std::vector<std::string_view> strings_;
  int64_t string_bytes_ = 0;
  int64_t bool_bits_ = 0;
  int64_t page_levels_ = 0, page_values_ = 0, page_rows_ = 0;
  int64_t page_byte_array_bytes_ = 0;
  PageStats page_stats_;
  std::vector<uint64_t> bloom_values_;

  // Chunk.
  int64_t pages_ = 0;
  int64_t rows_before_page_ = 0;
  int64_t num_levels_written_ = 0;
  PageStats chunk_stats_;
  int64_t chunk_byte_array_bytes_ = 0;
  std::vector<PageLocation> locations_;
  std::vector<int64_t> page_byte_array_sizes_;
  std::vector<bool> null_pages_;
  std::vector<std::string> page_mins_, page_maxs_;
  std::vector<int64_t> page_null_counts_, page_nan_counts_;
  std::vector<int64_t> page_def_hists_, page_rep_hists_;
  std::vector<int64_t> chunk_def_hist_, chunk_rep_hist_;
  std::vector<PageEncodingStats> encoding_stats_;
  bool index_ok_ = true;
};

}  // namespace

bool EncodingFits(Encoding encoding, Type physical) {
  switch (encoding) {
    case Encoding::kPlain: return true;
    case Encoding::kDeltaBinaryPacked:
      return physical == Type::kInt32 || physical == Type::kInt64;
    case Encoding::kDeltaLengthByteArray: return physical == Type::kByteArray;
    case Encoding::kDeltaByteArray:
      return physical == Type::kByteArray || physical == Type::kFixedLenByteArray;
    case Encoding::kByteStreamSplit:
      return physical == Type::kFloat || physical == Type::kDouble ||
             physical == Type::kInt32 || physical == Type::kInt64 ||
             physical == Type::kFixedLenByteArray;
    default: return false;
  }
}

Result<EncodedColumnChunk> EncodeColumnChunk(const ColumnDescriptor& column,
                                             const columnar::TypePtr& type,
                                             std::span<const LeafSlice* const> slices,
                                             const ColumnEncodeOptions& options) {
  if (!EncodingFits(options.encoding, column.physical_type)) {
    return Status::Invalid("column '{}': encoding {} does not fit physical type {}",
                           column.dotted_path(), ToString(options.encoding),
                           ToString(column.physical_type));
  }
  ChunkEncoder encoder(column, type, options);
  encoder.slices_for_distinct_.assign(slices.begin(), slices.end());
  return encoder.Run(slices);
}

}  // namespace quire::parquet
