#pragma once

/// \file quire/parquet/column_decoder.h
/// \brief Decoding one column chunk into its levels and its non-null values.

#include <cstdint>
#include <memory>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/parquet/page_reader.h"
#include "quire/parquet/schema.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Rows [begin, end) of a row group.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
  bool operator==(const RowRange&) const = default;
};

/// \brief Sorted, disjoint, non-empty ranges.
using RowRanges = std::vector<RowRange>;

/// \brief Every level entry and value of a column chunk.
struct ColumnChunkData {
  /// One entry per value slot written by the writer (Dremel levels). Definition
  /// levels are empty when every entry is at the column's maximum (a column
  /// without nulls, or with a maximum of 0); repetition levels are empty when the
  /// maximum is 0.
  std::vector<int16_t> def_levels;
  std::vector<int16_t> rep_levels;
  int64_t num_entries = 0;
  /// The values of the entries whose definition level is the maximum, in order, as
  /// an Arrow array of the column's Arrow type without nulls.
  columnar::ArrayPtr values;
};

/// \brief Decode all pages of `pages` into levels and values of `type`.
/// \return kCorrupt for malformed pages or levels, kUnsupported for encodings quire
/// does not read (naming the column).
///
/// With `select` (rows of the chunk, for a column without repetition), only the
/// entries and values of those rows are kept: pages holding none of them are not
/// decoded, and dictionary-encoded pages gather just the selected values.
QUIRE_EXPORT Result<ColumnChunkData> DecodeColumnChunk(
    PageReader& pages, const ColumnDescriptor& column, const columnar::TypePtr& type,
    columnar::MemoryPool* pool, int64_t max_entries = int64_t(1) << 31,
    const RowRanges* select = nullptr);

/// \brief Decodes a column chunk a batch of records at a time, so that memory is
/// bounded by the page being decoded and the batch, not by the chunk.
///
/// Each Next() returns the level entries and values of the next records; records
/// split across pages (allowed in data pages v1) are followed into the next page.
/// Dictionary output types (kDictionary) are not streamed: use DecodeColumnChunk.
class QUIRE_EXPORT ColumnChunkStream {
 public:
  /// \brief Stream the pages of `pages` (null: an empty chunk) as values of `type`
  /// (not a dictionary type).
  static Result<std::unique_ptr<ColumnChunkStream>> Make(std::unique_ptr<PageReader> pages,
                                                         const ColumnDescriptor& column,
                                                         columnar::TypePtr type,
                                                         columnar::MemoryPool* pool,
                                                         int64_t max_entries = int64_t(1) << 31);
  ~ColumnChunkStream();

  /// \brief Decode the next `max_records` records (at least 1), fewer at the end of
  /// the chunk; an empty result (0 entries) once the chunk is exhausted.
  /// \param[out] records set to the records decoded.
  Result<ColumnChunkData> Next(int64_t max_records, int64_t* records);

 private:
  struct State;
  explicit ColumnChunkStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace quire::parquet
