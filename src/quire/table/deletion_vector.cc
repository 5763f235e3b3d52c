/// \file quire/table/deletion_vector.cc
/// \brief Deletion vectors over CRoaring: the bitmap format, Z85, files and
/// paths.

#include "quire/table/deletion_vector.h"

#include <fmt/format.h>
#include <roaring/roaring.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <utility>

#include "quire/io/file_system.h"
#include "quire/io/random_access_file.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"

namespace quire::table {
namespace {

// PROTOCOL.md, "Deletion Vector Format": the magic number of the portable
// format. Delta's RoaringBitmapArray also has a native format with the magic
// number below; the protocol does not describe it and Delta does not write it
// to tables.
constexpr uint32_t kPortableMagic = 1681511377;
constexpr uint32_t kNativeMagic = 1681511376;
// PROTOCOL.md, "Deletion Vector File Storage Format".
constexpr uint8_t kFileFormatVersion = 1;
// A record is a 4-byte size, the bitmap and a 4-byte checksum.
constexpr int64_t kRecordOverhead = 8;
// A 'u' path ends with the 16 bytes of a UUID in Z85.
constexpr size_t kUuidZ85Length = 20;
// The smallest bucket: a 4-byte key and an empty 32-bit bitmap (cookie and
// count).
constexpr uint64_t kMinBucketSize = 12;

constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/"
    "*?&<>()[]{}@%$#";

constexpr std::array<uint8_t, 256> MakeZ85Digits() {
  std::array<uint8_t, 256> digits{};
  digits.fill(0xFF);
  for (size_t i = 0; i < kZ85Alphabet.size(); ++i) {
    digits[uint8_t(kZ85Alphabet[i])] = uint8_t(i);
  }
  return digits;
}
constexpr std::array<uint8_t, 256> kZ85Digits = MakeZ85Digits();

uint32_t LoadLE32(const std::byte* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}
uint64_t LoadLE64(const std::byte* p) {
  return LoadLE32(p) | uint64_t(LoadLE32(p + 4)) << 32;
}
uint32_t LoadBE32(const std::byte* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}
void AppendLE(std::string* out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out->push_back(char(value >> (8 * i)));
}
void AppendBE32(std::string* out, uint32_t value) {
  for (int i = 3; i >= 0; --i) out->push_back(char(value >> (8 * i)));
}

uint32_t Crc32(std::span<const std::byte> bytes) {
  return uint32_t(
      ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size())));
}

struct RoaringFree {
  void operator()(roaring_bitmap_t* bitmap) const { roaring_bitmap_free(bitmap); }
};
using RoaringPtr = std::unique_ptr<roaring_bitmap_t, RoaringFree>;

/// Format 16 bytes as a UUID's canonical text: 8-4-4-4-12 lowercase hex digits.
std::string FormatUuid(std::span<const std::byte> bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    fmt::format_to(std::back_inserter(out), "{:02x}", unsigned(bytes[i]));
  }
  return out;
}

/// Return 16 random bytes marked as a version 4, RFC 4122 variant UUID.
std::array<std::byte, 16> RandomUuid() {
  std::random_device random;
  std::array<std::byte, 16> uuid;
  for (size_t i = 0; i < uuid.size(); i += 4) {
    const uint32_t word = random();
    for (size_t j = 0; j < 4; ++j) uuid[i + j] = std::byte(word >> (8 * j));
  }
  uuid[6] = (uuid[6] & std::byte{0x0F}) | std::byte{0x40};
  uuid[8] = (uuid[8] & std::byte{0x3F}) | std::byte{0x80};
  return uuid;
}

/// Return the last row of [first, first + n) for n > 0, saturating.
uint64_t LastOf(uint64_t first, int64_t n) {
  return uint64_t(n - 1) > UINT64_MAX - first ? UINT64_MAX : first + uint64_t(n - 1);
}

std::span<const std::byte> AsBytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

Status CheckCardinality(const DeletionVector& dv,
                        const DeletionVectorDescriptor& descriptor) {
  if (dv.cardinality() != descriptor.cardinality) {
    return Status::Corrupt(
        "the bitmap holds {} rows but the descriptor's cardinality is {}",
        dv.cardinality(), descriptor.cardinality);
  }
  return Status::OK();
}

Result<DeletionVector> ReadInline(const DeletionVectorDescriptor& descriptor) {
  auto decoded = Z85Decode(descriptor.path_or_inline_dv);
  if (!decoded.ok()) return decoded.status().WithContext("inline deletion vector");
  std::string bytes = std::move(decoded).ValueOrDie();
  // Delta pads the bitmap to a multiple of 4 bytes before encoding it.
  const int64_t size = descriptor.size_in_bytes;
  if (size < 0 || int64_t(bytes.size()) != (size + 3) / 4 * 4) {
    return Status::Corrupt(
        "inline deletion vector: {} Z85 characters decode to {} bytes, which do not hold "
        "sizeInBytes {}",
        descriptor.path_or_inline_dv.size(), bytes.size(), size);
  }
  bytes.resize(size_t(size));
  auto dv = ParseDeletionVectorBitmap(AsBytes(bytes));
  if (!dv.ok()) return dv.status().WithContext("inline deletion vector");
  QUIRE_RETURN_NOT_OK(
      CheckCardinality(*dv, descriptor).WithContext("inline deletion vector"));
  return dv;
}

// Reading from byte 0 costs little when the record is this near and saves a
// request for the version byte: the common case is one vector a file, at
// offset 1.
constexpr int64_t kNearStart = 4096;

Result<DeletionVector> ReadRecord(const io::RandomAccessFile& file,
                                  const DeletionVectorDescriptor& descriptor) {
  const std::string& name = file.path();
  if (!descriptor.offset || *descriptor.offset < 1 || descriptor.size_in_bytes < 0) {
    return Status::Corrupt(
        "{}: deletion vector descriptor has offset {} and sizeInBytes {}; an on-disk "
        "vector needs an offset of at least 1 and a size of at least 0",
        name, descriptor.offset ? fmt::format("{}", *descriptor.offset) : "(none)",
        descriptor.size_in_bytes);
  }
  const int64_t offset = *descriptor.offset;
  const int64_t size = descriptor.size_in_bytes;
  const std::string where =
      fmt::format("{} (deletion vector at offset {})", name, offset);

  const int64_t start = offset <= kNearStart ? 0 : offset;
  auto read = file.ReadAt(start, offset - start + size + kRecordOverhead);
  if (!read.ok()) {
    if (read.status().code() != ErrorCode::kInvalidArgument) return read.status();
    // ReadAt() refuses ranges outside the file.
    QUIRE_ASSIGN_OR_RETURN(int64_t file_size, file.Size());
    return Status::Corrupt(
        "{}: the record of sizeInBytes {} plus {} bytes extends past the end of the file "
        "({} bytes)",
        where, size, kRecordOverhead, file_size);
  }
  const std::span<const std::byte> bytes = (*read)->span();

  std::byte version = bytes[0];
  if (start != 0) {
    QUIRE_ASSIGN_OR_RETURN(auto head, file.ReadAt(0, 1));
    version = head->span()[0];
  }
  if (uint8_t(version) != kFileFormatVersion) {
    return Status::Unsupported(
        "{}: deletion vector file format version {} (only {} is known)", name,
        unsigned(version), kFileFormatVersion);
  }

  const std::span<const std::byte> record = bytes.subspan(size_t(offset - start));
  const uint32_t data_size = LoadBE32(record.data());
  if (int64_t(data_size) != size) {
    return Status::Corrupt(
        "{}: the record holds {} bytes but the descriptor's sizeInBytes is {}", where,
        data_size, size);
  }
  const std::span<const std::byte> data = record.subspan(4, size_t(size));
  const uint32_t stored_crc = LoadBE32(record.data() + 4 + size);
  const uint32_t crc = Crc32(data);
  if (crc != stored_crc) {
    return Status::Corrupt(
        "{}: CRC-32 mismatch: the record says {:08x}, its bytes give {:08x}", where,
        stored_crc, crc);
  }
  auto dv = ParseDeletionVectorBitmap(data);
  if (!dv.ok()) return dv.status().WithContext(where);
  QUIRE_RETURN_NOT_OK(CheckCardinality(*dv, descriptor).WithContext(where));
  return dv;
}

// RoaringFormatSpec, the 32-bit portable format: a cookie (with the container
// count and, for 12347, a bitset of run containers), a key and cardinality per
// container, offsets (always with 12346; with 12347 from 4 containers on), then the
// containers. CRoaring 0.2.66 checks lengths but not content (it takes a run
// container without runs, then crashes iterating it), so the content is checked
// here before CRoaring sees it. Returns the bitmap's size in bytes.
Result<size_t> CheckPortableBitmap(std::span<const std::byte> bytes) {
  constexpr uint32_t kCookieNoRuns = 12346;
  constexpr uint32_t kCookieWithRuns = 12347;
  size_t pos = 0;
  auto truncated = [&](size_t needed) {
    return bytes.size() - pos < needed
               ? Status::Corrupt("it is cut off at byte {}", bytes.size())
               : Status::OK();
  };
  auto u16 = [&](size_t at) {
    return uint32_t(bytes[at]) | uint32_t(bytes[at + 1]) << 8;
  };

  QUIRE_RETURN_NOT_OK(truncated(4));
  const uint32_t cookie = LoadLE32(bytes.data());
  pos = 4;
  uint32_t count = 0;
  const std::byte* run_flags = nullptr;
  if ((cookie & 0xFFFF) == kCookieWithRuns) {
    count = (cookie >> 16) + 1;
    QUIRE_RETURN_NOT_OK(truncated((count + 7) / 8));
    run_flags = bytes.data() + pos;
    pos += (count + 7) / 8;
  } else if (cookie == kCookieNoRuns) {
    QUIRE_RETURN_NOT_OK(truncated(4));
    count = LoadLE32(bytes.data() + pos);
    pos += 4;
    if (count > 65536) return Status::Corrupt("it has {} containers of 65536", count);
  } else {
    return Status::Corrupt("cookie {} is neither {} nor {}", cookie, kCookieNoRuns,
                           kCookieWithRuns);
  }
  const size_t header = pos;
  const bool has_offsets = run_flags == nullptr || count >= 4;
  QUIRE_RETURN_NOT_OK(truncated(size_t(count) * (has_offsets ? 8 : 4)));
  pos += size_t(count) * (has_offsets ? 8 : 4);

  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t key = u16(header + 4 * i);
    const uint32_t cardinality = u16(header + 4 * i + 2) + 1;
    if (i > 0 && key <= u16(header + 4 * (i - 1))) {
      return Status::Corrupt("container keys are not ascending at container {}", i);
    }
    if (run_flags != nullptr && (uint8_t(run_flags[i / 8]) >> (i % 8) & 1)) {
      QUIRE_RETURN_NOT_OK(truncated(2));
      const uint32_t num_runs = u16(pos);
      pos += 2;
      if (num_runs == 0) return Status::Corrupt("run container {} has no runs", i);
      QUIRE_RETURN_NOT_OK(truncated(4 * size_t(num_runs)));
      uint32_t next = 0;  // the least value the next run may start at
      for (uint32_t r = 0; r < num_runs; ++r, pos += 4) {
        const uint32_t start = u16(pos);
        const uint32_t last = start + u16(pos + 2);
        if ((r > 0 && start < next) || last > 0xFFFF) {
          return Status::Corrupt("run container {} has overlapping or unordered runs", i);
        }
        next = last + 1;
      }
    } else if (cardinality <= 4096) {
      QUIRE_RETURN_NOT_OK(truncated(2 * size_t(cardinality)));
      for (uint32_t j = 1; j < cardinality; ++j) {
        if (u16(pos + 2 * j) <= u16(pos + 2 * (j - 1))) {
          return Status::Corrupt("array container {} is not strictly ascending", i);
        }
      }
      pos += 2 * size_t(cardinality);
    } else {
      QUIRE_RETURN_NOT_OK(truncated(8192));
      uint32_t set = 0;
      for (size_t w = 0; w < 8192; w += 8)
        set += std::popcount(LoadLE64(bytes.data() + pos + w));
      if (set != cardinality) {
        return Status::Corrupt(
            "bitmap container {} holds {} values but its header says {}", i, set,
            cardinality);
      }
      pos += 8192;
    }
  }
  return pos;
}

}  // namespace

// ---------------------------------------------------------------------------
// DeletionVector

struct DeletionVector::Bucket {
  uint32_t key;
  RoaringPtr bitmap;
};

/// \brief The serialized form, which needs the buckets.
struct DeletionVectorCodec {
  static Result<DeletionVector> Parse(std::span<const std::byte> bytes);
  static std::string Serialize(const DeletionVector& dv);
};

DeletionVector::DeletionVector() = default;
DeletionVector::~DeletionVector() = default;
DeletionVector::DeletionVector(DeletionVector&& other) noexcept = default;
DeletionVector& DeletionVector::operator=(DeletionVector&& other) noexcept = default;

DeletionVector::DeletionVector(const DeletionVector& other) {
  buckets_.reserve(other.buckets_.size());
  for (const Bucket& b : other.buckets_) {
    buckets_.push_back({b.key, RoaringPtr(roaring_bitmap_copy(b.bitmap.get()))});
  }
}

DeletionVector& DeletionVector::operator=(const DeletionVector& other) {
  if (this != &other) *this = DeletionVector(other);
  return *this;
}

DeletionVector::Bucket& DeletionVector::MutableBucket(uint32_t key) {
  QUIRE_DCHECK(key < (1u << 31));
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), key,
                             [](const Bucket& b, uint32_t k) { return b.key < k; });
  if (it == buckets_.end() || it->key != key) {
    it = buckets_.insert(it, Bucket{key, RoaringPtr(roaring_bitmap_create())});
  }
  return *it;
}

DeletionVector DeletionVector::FromRows(std::span<const uint64_t> rows) {
  DeletionVector dv;
  // Add runs of rows that share a key with one call each.
  std::vector<uint32_t> low;
  for (size_t i = 0; i < rows.size();) {
    const uint64_t key = rows[i] >> 32;
    low.clear();
    for (; i < rows.size() && rows[i] >> 32 == key; ++i) low.push_back(uint32_t(rows[i]));
    roaring_bitmap_add_many(dv.MutableBucket(uint32_t(key)).bitmap.get(), low.size(),
                            low.data());
  }
  for (Bucket& b : dv.buckets_) roaring_bitmap_run_optimize(b.bitmap.get());
  return dv;
}

void DeletionVector::Add(uint64_t row) {
  roaring_bitmap_add(MutableBucket(uint32_t(row >> 32)).bitmap.get(), uint32_t(row));
}

void DeletionVector::AddRange(uint64_t begin, uint64_t end) {
  if (begin >= end) return;
  const uint64_t last = end - 1;
  for (uint64_t key = begin >> 32; key <= last >> 32; ++key) {
    const uint32_t lo = key == begin >> 32 ? uint32_t(begin) : 0;
    const uint32_t hi = key == last >> 32 ? uint32_t(last) : UINT32_MAX;
    roaring_bitmap_add_range_closed(MutableBucket(uint32_t(key)).bitmap.get(), lo, hi);
  }
}

void DeletionVector::Union(const DeletionVector& other) {
  for (const Bucket& b : other.buckets_) {
    roaring_bitmap_or_inplace(MutableBucket(b.key).bitmap.get(), b.bitmap.get());
  }
}

int64_t DeletionVector::cardinality() const {
  uint64_t total = 0;
  for (const Bucket& b : buckets_)
    total += roaring_bitmap_get_cardinality(b.bitmap.get());
  return int64_t(total);
}

bool DeletionVector::empty() const { return buckets_.empty(); }

bool DeletionVector::Contains(uint64_t row) const {
  const uint32_t key = uint32_t(row >> 32);
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), key,
                             [](const Bucket& b, uint32_t k) { return b.key < k; });
  return it != buckets_.end() && it->key == key &&
         roaring_bitmap_contains(it->bitmap.get(), uint32_t(row));
}

// Calls fn(row) for each deleted row of [first, last], ascending, reading the
// bitmaps in blocks through a Roaring iterator.
template <typename Fn>
void DeletionVector::ForEachBetween(uint64_t first, uint64_t last, Fn&& fn) const {
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), first >> 32,
                             [](const Bucket& b, uint64_t k) { return b.key < k; });
  constexpr uint32_t kBlock = 256;
  uint32_t block[kBlock];
  for (; it != buckets_.end() && it->key <= last >> 32; ++it) {
    const uint64_t high = uint64_t(it->key) << 32;
    const uint32_t lo = it->key == first >> 32 ? uint32_t(first) : 0;
    const uint32_t hi = it->key == last >> 32 ? uint32_t(last) : UINT32_MAX;
    roaring_uint32_iterator_t iter;
    roaring_init_iterator(it->bitmap.get(), &iter);
    if (!roaring_move_uint32_iterator_equalorlarger(&iter, lo)) continue;
    for (bool done = false; !done;) {
      const uint32_t count = roaring_read_uint32_iterator(&iter, block, kBlock);
      for (uint32_t i = 0; i < count; ++i) {
        if (block[i] > hi) {
          done = true;
          break;
        }
        fn(high | block[i]);
      }
      done = done || count < kBlock;
    }
  }
}

void DeletionVector::ForEach(const std::function<void(uint64_t row)>& fn) const {
  ForEachBetween(0, UINT64_MAX, fn);
}

std::vector<uint64_t> DeletionVector::ToVector() const {
  std::vector<uint64_t> rows;
  rows.reserve(size_t(cardinality()));
  ForEachBetween(0, UINT64_MAX, [&](uint64_t row) { rows.push_back(row); });
  return rows;
}

void DeletionVector::DeletedInRange(uint64_t first, int64_t n,
                                    std::vector<int64_t>* positions) const {
  positions->clear();
  if (n <= 0) return;
  ForEachBetween(first, LastOf(first, n),
                 [&](uint64_t row) { positions->push_back(int64_t(row - first)); });
}

void DeletionVector::FillKeepBitmap(uint64_t first, int64_t n, uint8_t* bits) const {
  if (n <= 0) return;
  bits[util::BytesForBits(n) - 1] = 0;  // the pad bits
  util::SetBitsTo(bits, 0, n, true);
  ForEachBetween(first, LastOf(first, n),
                 [&](uint64_t row) { util::ClearBit(bits, int64_t(row - first)); });
}

bool DeletionVector::operator==(const DeletionVector& other) const {
  return std::equal(buckets_.begin(), buckets_.end(), other.buckets_.begin(),
                    other.buckets_.end(), [](const Bucket& a, const Bucket& b) {
                      return a.key == b.key &&
                             roaring_bitmap_equals(a.bitmap.get(), b.bitmap.get());
                    });
}

// ---------------------------------------------------------------------------
// The bitmap format: PROTOCOL.md, "Deletion Vector Format", little-endian
// throughout. The magic number, the bucket count (8 bytes), then for each
// bucket in ascending key order its key (4 bytes) and a portable 32-bit Roaring
// bitmap (RoaringFormatSpec, "Extension for 64-bit implementations").

Result<DeletionVector> DeletionVectorCodec::Parse(std::span<const std::byte> bytes) {
  if (bytes.size() < 12) {
    return Status::Corrupt(
        "deletion vector bitmap: {} bytes is too small for the magic number and the "
        "bucket count (12 bytes)",
        bytes.size());
  }
  const uint32_t magic = LoadLE32(bytes.data());
  if (magic == kNativeMagic) {
    return Status::Unsupported(
        "deletion vector bitmap: magic number {} is Delta's native RoaringBitmapArray "
        "format, which the protocol does not define; only {} (portable) is supported",
        magic, kPortableMagic);
  }
  if (magic != kPortableMagic) {
    return Status::Corrupt(
        "deletion vector bitmap: magic number {} is not {} (PROTOCOL.md, Deletion Vector "
        "Format)",
        magic, kPortableMagic);
  }
  const uint64_t num_buckets = LoadLE64(bytes.data() + 4);
  size_t pos = 12;
  // Bound the count by the bytes left before anything is allocated for it.
  if (num_buckets > (bytes.size() - pos) / kMinBucketSize) {
    return Status::Corrupt("deletion vector bitmap: {} buckets cannot fit in {} bytes",
                           num_buckets, bytes.size() - pos);
  }
  DeletionVector dv;
  dv.buckets_.reserve(size_t(num_buckets));
  uint32_t previous_key = 0;
  for (uint64_t i = 0; i < num_buckets; ++i) {
    if (bytes.size() - pos < kMinBucketSize) {
      return Status::Corrupt(
          "deletion vector bitmap: bucket {} of {} is cut off at byte {}", i, num_buckets,
          pos);
    }
    const uint32_t key = LoadLE32(bytes.data() + pos);
    pos += 4;
    // PROTOCOL.md: every key has 0 as its most significant bit.
    if (key >= (1u << 31)) {
      return Status::Corrupt(
          "deletion vector bitmap: bucket {} has key {}, whose top bit must be 0", i,
          key);
    }
    if (i > 0 && key <= previous_key) {
      return Status::Corrupt("deletion vector bitmap: bucket {} has key {} after key {}",
                             i, key, previous_key);
    }
    previous_key = key;
    auto size = CheckPortableBitmap(bytes.subspan(pos));
    const char* data = reinterpret_cast<const char*>(bytes.data() + pos);
    RoaringPtr bitmap(
        size.ok() && roaring_bitmap_portable_deserialize_size(data, *size) == *size
            ? roaring_bitmap_portable_deserialize_safe(data, *size)
            : nullptr);
    if (bitmap == nullptr) {
      return Status::Corrupt(
          "deletion vector bitmap: bucket {} (key {}) at byte {} is not a valid portable "
          "Roaring bitmap: {}",
          i, key, pos, size.ok() ? "CRoaring rejects it" : size.status().message());
    }
    pos += *size;
    if (!roaring_bitmap_is_empty(bitmap.get())) {
      dv.buckets_.push_back({key, std::move(bitmap)});
    }
  }
  if (pos != bytes.size()) {
    return Status::Corrupt(
        "deletion vector bitmap: {} bytes follow the last of {} buckets",
        bytes.size() - pos, num_buckets);
  }
  return dv;
}

std::string DeletionVectorCodec::Serialize(const DeletionVector& dv) {
  size_t total = 12;
  for (const auto& b : dv.buckets_)
    total += 4 + roaring_bitmap_portable_size_in_bytes(b.bitmap.get());
  std::string out;
  out.reserve(total);
  AppendLE(&out, kPortableMagic, 4);
  AppendLE(&out, dv.buckets_.size(), 8);
  for (const auto& b : dv.buckets_) {
    AppendLE(&out, b.key, 4);
    const size_t at = out.size();
    out.resize(at + roaring_bitmap_portable_size_in_bytes(b.bitmap.get()));
    roaring_bitmap_portable_serialize(b.bitmap.get(), out.data() + at);
  }
  return out;
}

Result<DeletionVector> ParseDeletionVectorBitmap(std::span<const std::byte> bytes) {
  return DeletionVectorCodec::Parse(bytes);
}

std::string SerializeDeletionVectorBitmap(const DeletionVector& dv) {
  return DeletionVectorCodec::Serialize(dv);
}

// ---------------------------------------------------------------------------
// Z85: ZeroMQ RFC 32, big-endian 4-byte groups as 5 base-85 digits.

std::string Z85Encode(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve((bytes.size() + 3) / 4 * 5);
  for (size_t i = 0; i < bytes.size(); i += 4) {
    uint32_t value = 0;
    for (size_t j = i; j < i + 4; ++j) {
      value = value << 8 | (j < bytes.size() ? uint8_t(bytes[j]) : 0);
    }
    char group[5];
    for (int k = 4; k >= 0; --k) {
      group[k] = kZ85Alphabet[value % 85];
      value /= 85;
    }
    out.append(group, 5);
  }
  return out;
}

Result<std::string> Z85Decode(std::string_view text) {
  if (text.size() % 5 != 0) {
    return Status::Corrupt("Z85 text of {} characters is not a multiple of 5",
                           text.size());
  }
  std::string out;
  out.reserve(text.size() / 5 * 4);
  for (size_t i = 0; i < text.size(); i += 5) {
    uint64_t value = 0;
    for (size_t j = i; j < i + 5; ++j) {
      const uint8_t digit = kZ85Digits[uint8_t(text[j])];
      if (digit == 0xFF) {
        return Status::Corrupt(
            "Z85 text has byte 0x{:02x} at position {}, not a Z85 character",
            unsigned(uint8_t(text[j])), j);
      }
      value = value * 85 + digit;
    }
    if (value > UINT32_MAX) {
      return Status::Corrupt("Z85 group at position {} exceeds 32 bits", i);
    }
    AppendBE32(&out, uint32_t(value));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Paths, reading and writing.

Result<std::string> DeletionVectorAbsolutePath(const DeletionVectorDescriptor& descriptor,
                                               std::string_view table_root) {
  const std::string_view path = descriptor.path_or_inline_dv;
  if (descriptor.storage_type == "p") return std::string(path);
  if (descriptor.storage_type == "i") {
    return Status::Invalid("an inline deletion vector has no file");
  }
  if (descriptor.storage_type != "u") {
    return Status::Corrupt("deletion vector storage type '{}' is not 'u', 'i' or 'p'",
                           descriptor.storage_type);
  }
  if (path.size() < kUuidZ85Length) {
    return Status::Corrupt(
        "deletion vector path '{}' is shorter than the {} Z85 characters of a UUID", path,
        kUuidZ85Length);
  }
  const std::string_view prefix = path.substr(0, path.size() - kUuidZ85Length);
  auto uuid = Z85Decode(path.substr(prefix.size()));
  if (!uuid.ok()) {
    return uuid.status().WithContext(fmt::format("deletion vector path '{}'", path));
  }
  return io::JoinPath(io::JoinPath(table_root, prefix),
                      fmt::format("deletion_vector_{}.bin", FormatUuid(AsBytes(*uuid))));
}

Result<DeletionVector> ReadDeletionVector(io::FileSystem& fs, std::string_view table_root,
                                          const DeletionVectorDescriptor& descriptor) {
  if (descriptor.storage_type == "i") return ReadInline(descriptor);
  QUIRE_ASSIGN_OR_RETURN(std::string path,
                         DeletionVectorAbsolutePath(descriptor, table_root));
  std::unique_ptr<io::RandomAccessFile> file;
  if (descriptor.storage_type == "p") {
    QUIRE_ASSIGN_OR_RETURN(file, io::OpenReadUrl(path));
  } else {
    QUIRE_ASSIGN_OR_RETURN(file, fs.OpenRead(path));
  }
  return ReadRecord(*file, descriptor);
}

Result<DeletionVectorDescriptor> WriteDeletionVector(io::FileSystem& fs,
                                                     std::string_view table_root,
                                                     const DeletionVector& dv,
                                                     std::string_view prefix) {
  const std::string bitmap = SerializeDeletionVectorBitmap(dv);
  // sizeInBytes is an Int.
  if (bitmap.size() > size_t(std::numeric_limits<int32_t>::max())) {
    return Status::Invalid(
        "deletion vector of {} bytes exceeds the protocol's 2 GiB limit", bitmap.size());
  }
  std::string file;
  file.reserve(1 + bitmap.size() + kRecordOverhead);
  file.push_back(char(kFileFormatVersion));
  AppendBE32(&file, uint32_t(bitmap.size()));
  file += bitmap;
  AppendBE32(&file, Crc32(AsBytes(bitmap)));

  const std::array<std::byte, 16> uuid = RandomUuid();
  DeletionVectorDescriptor descriptor{
      .storage_type = "u",
      .path_or_inline_dv = std::string(prefix) + Z85Encode(uuid),
      .offset = 1,
      .size_in_bytes = int32_t(bitmap.size()),
      .cardinality = dv.cardinality(),
  };
  QUIRE_ASSIGN_OR_RETURN(std::string path,
                         DeletionVectorAbsolutePath(descriptor, table_root));
  QUIRE_RETURN_NOT_OK(fs.PutIfAbsent(
      path, std::span(reinterpret_cast<const uint8_t*>(file.data()), file.size())));
  return descriptor;
}

DeletionVectorDescriptor InlineDeletionVector(const DeletionVector& dv) {
  const std::string bitmap = SerializeDeletionVectorBitmap(dv);
  return DeletionVectorDescriptor{
      .storage_type = "i",
      .path_or_inline_dv = Z85Encode(AsBytes(bitmap)),
      .size_in_bytes = int32_t(bitmap.size()),
      .cardinality = dv.cardinality(),
  };
}

}  // namespace quire::table
