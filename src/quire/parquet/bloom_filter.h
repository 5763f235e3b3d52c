#pragma once

/// \file quire/parquet/bloom_filter.h
/// \brief Split-block bloom filters (parquet-format BloomFilter.md): the filter and its
/// hash, reading a column chunk's filter from a file, and mapping a predicate's
/// literal onto the value a column stores, for row-group pruning.
///
/// A filter is an array of 32-byte blocks, each eight little-endian 32-bit words. A
/// value is hashed with xxHash64 (seed 0) over its PLAIN encoding; the upper 32 bits
/// of the hash pick a block, the lower 32 bits, multiplied by eight odd SALT constants,
/// pick one bit in each word. A value is possibly present when all eight bits are set,
/// and certainly absent otherwise: no false negatives, and false positives at a rate
/// set by the bits per distinct value.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "quire/columnar/type.h"
#include "quire/compute/statistics.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/metadata.h"
#include "quire/parquet/schema.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Bytes of one block: eight 32-bit words.
inline constexpr int64_t kBloomFilterBlockBytes = 32;
/// \brief Largest bitset accepted or made (as the Java and C++ implementations bound it).
inline constexpr int64_t kMaxBloomFilterBytes = int64_t(128) << 20;
/// \brief Bytes read at a filter's offset when the column chunk does not record its
/// length: enough for the header and, usually, the whole of a small filter.
inline constexpr int64_t kBloomFilterSpeculativeReadBytes = 4096;

/// \brief A split-block bloom filter over 64-bit hashes.
///
/// Owns its bitset. Lookups are thread-safe; InsertHash() is not (thread-compatible).
class QUIRE_EXPORT BloomFilter {
 public:
  /// \brief Make a filter over a copy of `bitset` (the bytes after the header).
  /// \return kCorrupt unless its size is a positive multiple of 32 bytes and at most
  /// kMaxBloomFilterBytes.
  static Result<BloomFilter> Make(std::span<const uint8_t> bitset);

  /// \brief Make an empty filter of `num_bytes` (rounded up to a multiple of 32 and
  /// clamped to [32, kMaxBloomFilterBytes]), for writers.
  static BloomFilter MakeEmpty(int64_t num_bytes);

  /// \brief Return the bitset bytes a filter needs to hold `ndv` distinct values with
  /// false positive probability `fpp`: BloomFilter.md's `-8 / ln(1 - fpp^(1/8))` bits
  /// per value, rounded up to a power of two (what other writers choose and every
  /// reader accepts) within [32, kMaxBloomFilterBytes].
  static int64_t OptimalNumBytes(int64_t ndv, double fpp);

  /// \brief Return whether a value with hash `hash` may have been inserted.
  bool MayContainHash(uint64_t hash) const;
  /// \brief Insert a value by its hash.
  void InsertHash(uint64_t hash);

  /// \brief Return xxHash64 (seed 0) of `bytes`: the hash of a value whose PLAIN
  /// encoding they are (BYTE_ARRAY without its length prefix, FIXED_LEN_BYTE_ARRAY,
  /// the 12 bytes of an INT96).
  static uint64_t Hash(std::span<const uint8_t> bytes);
  static uint64_t HashBytes(std::string_view bytes);
  /// \brief Return the hash of a value of a numeric physical type (its PLAIN
  /// encoding is its little-endian bytes).
  static uint64_t HashInt32(int32_t value);
  static uint64_t HashInt64(int64_t value);
  static uint64_t HashFloat(float value);
  static uint64_t HashDouble(double value);

  int64_t num_bytes() const { return int64_t(words_.size()) * 4; }
  int64_t num_blocks() const { return num_bytes() / kBloomFilterBlockBytes; }
  /// \brief Return the bitset as the bytes a file stores after the header.
  std::vector<uint8_t> Bitset() const;

 private:
  explicit BloomFilter(std::vector<uint32_t> words) : words_(std::move(words)) {}
  std::vector<uint32_t> words_;  // num_blocks * 8, host order
};

/// \brief Parse a serialized filter: a BloomFilterHeader then its bitset, as stored
/// in a file at ColumnMetaData::bloom_filter_offset; bytes after the bitset are ignored.
/// \param[out] length if not null, set to the bytes header and bitset took.
/// \return kUnsupported for algorithms, hashes and compressions other than BLOCK,
/// XXHASH and UNCOMPRESSED; kCorrupt for a malformed header, a bitset size that is not
/// a positive multiple of 32, or fewer bytes than the header announces;
/// kResourceExhausted for a bitset larger than `max_bytes`.
QUIRE_EXPORT Result<BloomFilter> ParseBloomFilter(std::span<const uint8_t> data,
                                                  int64_t max_bytes = kMaxBloomFilterBytes,
                                                  int64_t* length = nullptr);

/// \brief Read the bloom filter of the column chunk `column` from `file`.
///
/// Uses bloom_filter_offset and, when recorded, bloom_filter_length (one read);
/// without a length it reads kBloomFilterSpeculativeReadBytes, parses the header and
/// reads the rest of the bitset if it did not fit.
/// \param[out] bytes_read if not null, incremented by the bytes read from `file`.
/// \return nullopt when the chunk has no bloom filter; ParseBloomFilter's errors, and
/// kCorrupt for an offset or length outside the file; messages name the file, the
/// column path and the offset.
QUIRE_EXPORT Result<std::optional<BloomFilter>> ReadBloomFilter(
    const io::RandomAccessFile& file, const ColumnMetaData& column,
    int64_t max_bytes = kMaxBloomFilterBytes, int64_t* bytes_read = nullptr);

/// \brief What a bloom filter lookup of one value needs: the hash of the value the
/// column would store, or a decision without the filter.
struct BloomFilterProbe {
  enum class Kind : uint8_t {
    kUnknown,  ///< no exact mapping onto the column's values: the filter cannot help
    kAbsent,   ///< no value of the column's type equals it (1.5 in an INT32 column)
    kHash,     ///< look `hash` up
  };
  Kind kind = Kind::kUnknown;
  uint64_t hash = 0;
};

/// \brief Map `value`, a literal converted into the domain of the column's Arrow type
/// `type` (compute::StatisticValue), onto the PLAIN value of Parquet column `column`
/// that equals it as the row evaluation compares, and hash it.
///
/// Only exact mappings hash: integers, dates, times and timestamps of INT32 and INT64
/// columns (unsigned ones by their bit pattern), decimals on INT32 and INT64 whose
/// unscaled value is unique, finite non-zero floats and doubles, strings and binaries
/// of BYTE_ARRAY, and FIXED_LEN_BYTE_ARRAY bytes. Zero and NaN floats (more than one
/// encoding, or none that compares equal), INT96, FLOAT16, booleans and decimals
/// stored as bytes give kUnknown. Values of narrow integer types are assumed to fit
/// their annotation, as LogicalTypes.md requires of writers.
QUIRE_EXPORT BloomFilterProbe BloomFilterProbeFor(const ColumnDescriptor& column,
                                                  const columnar::DataType& type,
                                                  const compute::StatisticValue& value);

}  // namespace quire::parquet
