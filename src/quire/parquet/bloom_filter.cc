/// \file quire/parquet/bloom_filter.cc
#include "quire/parquet/bloom_filter.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include <xxhash.h>

#include "quire/columnar/decimal.h"
#include "quire/util/macros.h"

namespace quire::parquet {

using columnar::TypeId;

namespace {

static_assert(std::endian::native == std::endian::little,
              "bloom filter words and PLAIN values are loaded as little-endian");

// BloomFilter.md, "Algorithm": eight odd constants, one per 32-bit word of a block.
constexpr uint32_t kSalt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                               0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

// The upper 32 bits of the hash, scaled onto [0, num_blocks) by multiply-shift.
inline uint64_t BlockIndex(uint64_t hash, uint64_t num_blocks) {
  return ((hash >> 32) * num_blocks) >> 32;
}

// The bit of word i a key sets: the top five bits of key * SALT[i].
inline uint32_t MaskBit(uint32_t key, int i) { return uint32_t(1) << ((key * kSalt[i]) >> 27); }

template <typename T>
uint64_t HashValue(T value) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  return XXH64(bytes, sizeof(T), 0);
}

std::string ColumnPath(const ColumnMetaData& column) {
  std::string out;
  for (const auto& p : column.path_in_schema) {
    if (!out.empty()) out += '.';
    out += p;
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// BloomFilter

Result<BloomFilter> BloomFilter::Make(std::span<const uint8_t> bitset) {
  const int64_t n = int64_t(bitset.size());
  if (n <= 0 || n % kBloomFilterBlockBytes != 0) {
    return Status::Corrupt("bloom filter bitset of {} bytes is not a positive multiple of {}",
                           n, kBloomFilterBlockBytes);
  }
  if (n > kMaxBloomFilterBytes) {
    return Status::Corrupt("bloom filter bitset of {} bytes is larger than {}", n,
                           kMaxBloomFilterBytes);
  }
  std::vector<uint32_t> words(size_t(n / 4));
  std::memcpy(words.data(), bitset.data(), size_t(n));
  return BloomFilter(std::move(words));
}

BloomFilter BloomFilter::MakeEmpty(int64_t num_bytes) {
  num_bytes = std::clamp(num_bytes, kBloomFilterBlockBytes, kMaxBloomFilterBytes);
  num_bytes = (num_bytes + kBloomFilterBlockBytes - 1) / kBloomFilterBlockBytes *
              kBloomFilterBlockBytes;
  return BloomFilter(std::vector<uint32_t>(size_t(num_bytes / 4), 0));
}

int64_t BloomFilter::OptimalNumBytes(int64_t ndv, double fpp) {
  if (!(fpp > 0.0 && fpp < 1.0)) fpp = fpp >= 1.0 ? 0.99 : 1e-9;  // NaN lands here too
  ndv = std::max<int64_t>(ndv, 1);
  // BloomFilter.md, "Build a Bloom filter": bits per distinct value.
  const double bits_per_value = -8.0 / std::log(1.0 - std::pow(fpp, 1.0 / 8.0));
  const double bytes = std::ceil(double(ndv) * bits_per_value / 8.0);
  if (!(bytes < double(kMaxBloomFilterBytes))) return kMaxBloomFilterBytes;
  const int64_t wanted = std::max<int64_t>(int64_t(bytes), kBloomFilterBlockBytes);
  return std::min<int64_t>(int64_t(std::bit_ceil(uint64_t(wanted))), kMaxBloomFilterBytes);
}

bool BloomFilter::MayContainHash(uint64_t hash) const {
  const uint32_t* block = words_.data() + BlockIndex(hash, uint64_t(words_.size() / 8)) * 8;
  const uint32_t key = uint32_t(hash);
  for (int i = 0; i < 8; ++i) {
    if ((block[i] & MaskBit(key, i)) == 0) return false;
  }
  return true;
}

void BloomFilter::InsertHash(uint64_t hash) {
  uint32_t* block = words_.data() + BlockIndex(hash, uint64_t(words_.size() / 8)) * 8;
  const uint32_t key = uint32_t(hash);
  for (int i = 0; i < 8; ++i) block[i] |= MaskBit(key, i);
}

uint64_t BloomFilter::Hash(std::span<const uint8_t> bytes) {
  return XXH64(bytes.data(), bytes.size(), 0);
}
uint64_t BloomFilter::HashBytes(std::string_view bytes) {
  return XXH64(bytes.data(), bytes.size(), 0);
}
uint64_t BloomFilter::HashInt32(int32_t value) { return HashValue(value); }
uint64_t BloomFilter::HashInt64(int64_t value) { return HashValue(value); }
uint64_t BloomFilter::HashFloat(float value) { return HashValue(value); }
uint64_t BloomFilter::HashDouble(double value) { return HashValue(value); }

std::vector<uint8_t> BloomFilter::Bitset() const {
  std::vector<uint8_t> out(words_.size() * 4);
  std::memcpy(out.data(), words_.data(), out.size());
  return out;
}

// ---------------------------------------------------------------------------
// Reading

Result<BloomFilter> ParseBloomFilter(std::span<const uint8_t> data, int64_t max_bytes,
                                     int64_t* length) {
  int64_t header_length = 0;
  QUIRE_ASSIGN_OR_RETURN(BloomFilterHeader header, ParseBloomFilterHeader(data, &header_length));
  if (header.algorithm != BloomFilterAlgorithm::kBlock) {
    return Status::Unsupported("bloom filter algorithm {} (only BLOCK is known)",
                               int(header.algorithm));
  }
  if (header.hash != BloomFilterHash::kXxHash) {
    return Status::Unsupported("bloom filter hash {} (only XXHASH is known)", int(header.hash));
  }
  if (header.compression != BloomFilterCompression::kUncompressed) {
    return Status::Unsupported("bloom filter compression {} (only UNCOMPRESSED is known)",
                               int(header.compression));
  }
  if (header.num_bytes > max_bytes) {
    return Status::ResourceExhausted("bloom filter bitset of {} bytes is larger than the {} "
                                     "allowed", header.num_bytes, max_bytes);
  }
  const int64_t available = int64_t(data.size()) - header_length;
  if (header.num_bytes > available) {
    return Status::Corrupt("bloom filter header announces a {}-byte bitset, {} bytes follow it",
                           header.num_bytes, available);
  }
  QUIRE_ASSIGN_OR_RETURN(BloomFilter filter,
                         BloomFilter::Make(data.subspan(size_t(header_length),
                                                        size_t(header.num_bytes))));
  if (length) *length = header_length + header.num_bytes;
  return filter;
}

Result<std::optional<BloomFilter>> ReadBloomFilter(const io::RandomAccessFile& file,
                                                   const ColumnMetaData& column,
                                                   int64_t max_bytes, int64_t* bytes_read) {
  if (!column.bloom_filter_offset) return std::optional<BloomFilter>();
  const int64_t offset = *column.bloom_filter_offset;
  auto context = [&]() {
    return fmt::format("{}: column '{}': bloom filter at offset {}", file.path(),
                       ColumnPath(column), offset);
  };
  QUIRE_ASSIGN_OR_RETURN(const int64_t size, file.Size());
  if (offset < 0 || offset >= size) {
    return Status::Corrupt("{} is outside the file ({} bytes)", context(), size);
  }
  auto read = [&](int64_t at, int64_t n) -> Result<columnar::BufferPtr> {
    auto buffer = file.ReadAt(at, n);
    if (!buffer.ok()) return buffer.status().WithContext(context());
    if (bytes_read) *bytes_read += n;
    return buffer;
  };
  auto parse = [&](const columnar::BufferPtr& b) -> Result<std::optional<BloomFilter>> {
    auto filter = ParseBloomFilter({b->data(), size_t(b->size())}, max_bytes);
    if (!filter.ok()) return filter.status().WithContext(context());
    return std::optional<BloomFilter>(std::move(*filter));
  };
  if (column.bloom_filter_length) {
    const int64_t length = *column.bloom_filter_length;
    if (length <= 0 || length > size - offset) {
      return Status::Corrupt("{}: length {} does not fit the file ({} bytes)", context(),
                             length, size);
    }
    // The length includes the header, whose size is small and not known in advance.
    if (length > max_bytes + kBloomFilterSpeculativeReadBytes) {
      return Status::ResourceExhausted("{}: {} bytes is larger than the {} allowed", context(),
                                       length, max_bytes);
    }
    QUIRE_ASSIGN_OR_RETURN(auto bytes, read(offset, length));
    return parse(bytes);
  }
  // No length: read a window, learn the bitset size from the header, then read what
  // the window missed.
  QUIRE_ASSIGN_OR_RETURN(
      auto head, read(offset, std::min(size - offset, kBloomFilterSpeculativeReadBytes)));
  int64_t header_length = 0;
  auto header = ParseBloomFilterHeader({head->data(), size_t(head->size())}, &header_length);
  if (!header.ok()) return header.status().WithContext(context());
  const int64_t total = header_length + int64_t(header->num_bytes);
  if (total <= head->size() || header->num_bytes > max_bytes ||
      header->num_bytes % kBloomFilterBlockBytes != 0 ||
      header->algorithm != BloomFilterAlgorithm::kBlock ||
      header->hash != BloomFilterHash::kXxHash ||
      header->compression != BloomFilterCompression::kUncompressed) {
    return parse(head);  // complete, or an error ParseBloomFilter names
  }
  if (total > size - offset) {
    return Status::Corrupt("{}: a {}-byte bitset runs past the end of the file ({} bytes)",
                           context(), header->num_bytes, size);
  }
  // The bitset is what the window held after the header, then the rest of it.
  QUIRE_ASSIGN_OR_RETURN(auto rest, read(offset + head->size(), total - head->size()));
  std::vector<uint8_t> bitset(size_t(header->num_bytes));
  const size_t in_head = size_t(head->size() - header_length);
  std::memcpy(bitset.data(), head->data() + header_length, in_head);
  std::memcpy(bitset.data() + in_head, rest->data(), size_t(rest->size()));
  auto filter = BloomFilter::Make(bitset);
  if (!filter.ok()) return filter.status().WithContext(context());
  return std::optional<BloomFilter>(std::move(*filter));
}

// ---------------------------------------------------------------------------
// Probes

namespace {

using Probe = BloomFilterProbe;

Probe Absent() { return {Probe::Kind::kAbsent, 0}; }
Probe Unknown() { return {Probe::Kind::kUnknown, 0}; }
Probe Hashed(uint64_t hash) { return {Probe::Kind::kHash, hash}; }

// An integral value in the compute domain: exact integers, or doubles that are whole.
// nullopt with *absent set when no integer equals the value.
std::optional<__int128> Integral(const compute::StatisticValue& value, bool* absent) {
  if (const auto* i = std::get_if<__int128>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) {
    if (std::isnan(*d)) return std::nullopt;  // compares false, but leave it to the rows
    // 2^100 is far outside every integer type and exactly representable.
    if (!std::isfinite(*d) || std::trunc(*d) != *d || std::fabs(*d) > 0x1p100) {
      *absent = true;
      return std::nullopt;
    }
    return __int128(*d);
  }
  return std::nullopt;
}

// INT32 and INT64 columns read as integers, dates, times or timestamps.
Probe IntegerProbe(const ColumnDescriptor& column, const columnar::DataType& type,
                   const compute::StatisticValue& value) {
  bool absent = false;
  const auto v = Integral(value, &absent);
  if (!v) return absent ? Absent() : Unknown();
  auto in = [&](__int128 lo, __int128 hi) { return *v >= lo && *v <= hi; };
  constexpr __int128 kI32Min = INT32_MIN, kI32Max = INT32_MAX;
  constexpr __int128 kI64Min = INT64_MIN, kI64Max = INT64_MAX;
  if (column.physical_type == Type::kInt32) {
    switch (type.id()) {
      case TypeId::kInt8: if (!in(INT8_MIN, INT8_MAX)) return Absent(); break;
      case TypeId::kInt16: if (!in(INT16_MIN, INT16_MAX)) return Absent(); break;
      case TypeId::kInt32:
      case TypeId::kDate32:
      case TypeId::kTime32: if (!in(kI32Min, kI32Max)) return Absent(); break;
      case TypeId::kUInt8: if (!in(0, UINT8_MAX)) return Absent(); break;
      case TypeId::kUInt16: if (!in(0, UINT16_MAX)) return Absent(); break;
      case TypeId::kUInt32: if (!in(0, UINT32_MAX)) return Absent(); break;
      default: return Unknown();
    }
    // Unsigned values are stored as the int32 with the same bits.
    return Hashed(BloomFilter::HashInt32(int32_t(uint32_t(uint64_t(*v)))));
  }
  if (column.physical_type == Type::kInt64) {
    switch (type.id()) {
      case TypeId::kInt64:
      case TypeId::kTime64:
      case TypeId::kTimestamp: if (!in(kI64Min, kI64Max)) return Absent(); break;
      case TypeId::kUInt64: if (!in(0, __int128(UINT64_MAX))) return Absent(); break;
      default: return Unknown();
    }
    return Hashed(BloomFilter::HashInt64(int64_t(uint64_t(*v))));
  }
  return Unknown();  // INT96 timestamps and anything unexpected
}

// Decimals stored as INT32 or INT64. The row evaluation compares them as doubles
// (strtod of the decimal's text), so the stored value equal to a literal is the one
// unscaled integer whose text parses to the literal's double; with fewer than 16
// significant digits no other one does (DBL_DIG), so hashing it is exact.
Probe DecimalProbe(const ColumnDescriptor& column, const columnar::DataType& type,
                   const compute::StatisticValue& value) {
  if (column.physical_type != Type::kInt32 && column.physical_type != Type::kInt64) {
    return Unknown();  // FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY widths vary by writer
  }
  double d = 0;
  if (const auto* p = std::get_if<double>(&value)) {
    d = *p;
  } else if (const auto* i = std::get_if<__int128>(&value)) {
    d = double(*i);
  } else {
    return Unknown();
  }
  if (!std::isfinite(d) || type.scale() < 0 || type.scale() > 18) return Unknown();
  const double scaled = d * std::pow(10.0, type.scale());
  if (!(std::fabs(scaled) < 1e15)) return Unknown();
  const int64_t nearest = std::llround(scaled);
  for (int64_t u : {nearest, nearest - 1, nearest + 1}) {
    uint8_t bytes[16];
    const __int128 wide = u;
    std::memcpy(bytes, &wide, sizeof bytes);
    const std::string text = columnar::DecimalToString(bytes, 16, type.scale());
    if (std::strtod(text.c_str(), nullptr) != d) continue;
    if (column.physical_type == Type::kInt32) {
      if (u < INT32_MIN || u > INT32_MAX) return Absent();
      return Hashed(BloomFilter::HashInt32(int32_t(u)));
    }
    return Hashed(BloomFilter::HashInt64(u));
  }
  return Unknown();
}

Probe FloatingProbe(const ColumnDescriptor& column, const compute::StatisticValue& value) {
  double d = 0;
  if (const auto* p = std::get_if<double>(&value)) {
    d = *p;
  } else if (const auto* i = std::get_if<__int128>(&value)) {
    d = double(*i);
    if (__int128(d) != *i) return Unknown();
  } else {
    return Unknown();
  }
  // NaN equals nothing, and 0.0 equals -0.0 whose bytes differ: no single hash.
  if (std::isnan(d) || d == 0.0) return Unknown();
  if (column.physical_type == Type::kDouble) return Hashed(BloomFilter::HashDouble(d));
  if (column.physical_type == Type::kFloat) {
    const float f = float(d);
    if (double(f) != d) return Absent();  // no float widens to exactly this double
    return Hashed(BloomFilter::HashFloat(f));
  }
  return Unknown();
}

}  // namespace

BloomFilterProbe BloomFilterProbeFor(const ColumnDescriptor& column,
                                     const columnar::DataType& type,
                                     const compute::StatisticValue& value) {
  const columnar::DataType& vt =
      type.id() == TypeId::kDictionary ? *type.dictionary_value_type() : type;
  switch (vt.id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kDate32:
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
      return IntegerProbe(column, vt, value);
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
      return DecimalProbe(column, vt, value);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return FloatingProbe(column, value);
    case TypeId::kString:
    case TypeId::kBinary: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s || column.physical_type != Type::kByteArray) return Unknown();
      return Hashed(BloomFilter::HashBytes(*s));
    }
    case TypeId::kFixedSizeBinary: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s || column.physical_type != Type::kFixedLenByteArray) return Unknown();
      if (int64_t(s->size()) != vt.byte_width()) return Absent();
      return Hashed(BloomFilter::HashBytes(*s));
    }
    default:
      return Unknown();  // booleans, FLOAT16, intervals, nested types
  }
}

}  // namespace quire::parquet
