#pragma once

/// \file quire/parquet/fuzzing.h
/// \brief Fuzz entry points of the parquet layer (called by fuzz/ and replayed by tests).

#include <cstdint>
#include <span>

#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Structures FuzzParquetMetadata() parses; the first input byte picks one
/// (modulo the count), the rest of the input is the serialized structure.
enum class FuzzMetadataTarget : uint8_t {
  kFileMetaData = 0,
  kPageHeader = 1,
  kColumnIndex = 2,
  kOffsetIndex = 3,
  kBloomFilterHeader = 4,
  kFileCryptoMetaData = 5,
};
inline constexpr int kNumFuzzMetadataTargets = 6;

/// \brief Parse arbitrary bytes as a Parquet metadata structure; when that succeeds,
/// serialize the result, parse it again and serialize again.
///
/// The contract under test: no input crashes, hangs or allocates without bound;
/// what parses serializes to bytes that parse back and serialize to the same bytes.
/// \return the parse error (kCorrupt), OK, or kInternal when the round trip breaks
///   the contract (a bug).
QUIRE_EXPORT Status FuzzParquetMetadata(std::span<const uint8_t> data);

}  // namespace quire::parquet
