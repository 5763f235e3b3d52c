#pragma once

/// \file quire/parquet/column_writer.h
/// \brief Encoding one column chunk: leaf slices in, pages, statistics, page index
/// entries and a bloom filter out (the format level of the writer; FileWriter
/// places the bytes in the file).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "quire/columnar/type.h"
#include "quire/parquet/bloom_filter.h"
#include "quire/parquet/metadata.h"
#include "quire/parquet/schema.h"
#include "quire/parquet/shredder.h"
#include "quire/util/result.h"
#include "quire/util/scratch_vector.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Everything that decides how one column chunk is encoded.
struct ColumnEncodeOptions {
  CompressionCodec codec = CompressionCodec::kSnappy;
  std::optional<int> compression_level;
  bool dictionary = true;
  Encoding encoding = Encoding::kPlain;  ///< for values not dictionary-encoded
  int64_t dictionary_page_bytes = int64_t(2) << 20;
  double dictionary_max_ratio = 0.5;
  int64_t data_page_bytes = int64_t(1) << 20;
  int64_t max_page_rows = 20000;
  bool data_page_v2 = false;
  bool statistics = true;
  int64_t max_statistics_bytes = 64;
  bool page_index = true;
  bool size_statistics = true;
  bool distinct_count = false;
  bool bloom_filter = false;
  int64_t bloom_filter_ndv = 0;
  double bloom_filter_fpp = 0.05;
};

/// \brief One encoded column chunk. Offsets in `metadata` and `offset_index` are
/// relative to the start of `bytes`; FileWriter shifts them.
struct EncodedColumnChunk {
  util::ScratchVector<uint8_t> bytes;
  ColumnMetaData metadata;
  std::optional<ColumnIndex> column_index;
  std::optional<OffsetIndex> offset_index;
  std::optional<BloomFilter> bloom_filter;
  /// Dictionary encoding was tried and did not pay (FileWriter then skips the
  /// attempt for some of the column's next chunks).
  bool dictionary_rejected = false;
};

/// \brief Return whether `encoding` can hold values of `physical` type.
QUIRE_EXPORT bool EncodingFits(Encoding encoding, Type physical);

/// \brief Encode the leaf column `column` (of Arrow type `type`, the field's leaf
/// type with dictionaries decoded) from `slices`, in order.
/// \return kInvalidArgument for values Parquet cannot hold (naming the column);
/// codec errors.
QUIRE_EXPORT Result<EncodedColumnChunk> EncodeColumnChunk(
    const ColumnDescriptor& column, const columnar::TypePtr& type,
    std::span<const LeafSlice* const> slices, const ColumnEncodeOptions& options);

}  // namespace quire::parquet
