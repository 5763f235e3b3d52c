#pragma once

/// \file quire/parquet/page_index.h
/// \brief The page index (PageIndex.md: ColumnIndex and OffsetIndex) and what it is
/// used for: choosing the rows of a row group that may match a filter, the pages
/// that hold them, and cutting decoded column chunks down to those rows.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "quire/compute/expression.h"
#include "quire/compute/statistics.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/column_decoder.h"
#include "quire/parquet/metadata.h"
#include "quire/parquet/schema.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Return the number of rows in `ranges`.
QUIRE_EXPORT int64_t CountRows(const RowRanges& ranges);

/// \brief Largest ColumnIndex or OffsetIndex read for one column chunk.
inline constexpr int64_t kMaxPageIndexBytes = int64_t(64) << 20;

/// \brief Read and check the OffsetIndex of a column chunk of a row group of
/// `num_rows` rows, or nullopt when the chunk has none.
/// \return kCorrupt when it lies outside the file, is malformed, does not start at
/// row 0, has rows out of order or beyond the row group, or pages outside the file.
QUIRE_EXPORT Result<std::optional<OffsetIndex>> ReadOffsetIndex(const io::RandomAccessFile& file,
                                                                int64_t file_size,
                                                                const ColumnChunk& chunk,
                                                                int64_t num_rows);

/// \brief Read and check the ColumnIndex of a column chunk with `num_pages` data
/// pages, or nullopt when the chunk has none.
/// \return kCorrupt when it lies outside the file, is malformed or does not describe
/// `num_pages` pages.
QUIRE_EXPORT Result<std::optional<ColumnIndex>> ReadColumnIndex(const io::RandomAccessFile& file,
                                                                int64_t file_size,
                                                                const ColumnChunk& chunk,
                                                                size_t num_pages);

/// \brief The page index of one filter column: per data page, its first row and
/// what its statistics prove.
struct PageFilterColumn {
  std::string name;
  std::vector<int64_t> first_rows;                  ///< one per page, increasing
  std::vector<compute::ColumnStatistics> pages;     ///< one per page
};

/// \brief Return the per-page statistics of a flat column from its ColumnIndex, in
/// the domain of its Arrow `type` (as ChunkStatistics does for a chunk); bounds are
/// used only under the type-defined column order. A page said to hold only nulls in
/// a column that cannot hold any (`nullable` false; some writers emit such indexes)
/// proves nothing.
QUIRE_EXPORT PageFilterColumn PageStatistics(std::string name, const ColumnIndex& index,
                                             const OffsetIndex& offsets,
                                             const columnar::TypePtr& type, int64_t num_rows,
                                             std::optional<ColumnOrder> order, bool nullable);

/// \brief Return the rows of a row group of `num_rows` rows that may satisfy
/// `filter`: the row group is cut at every page boundary of every column, and a
/// piece is dropped when the statistics of the pages covering it rule the filter
/// out. Columns without a page index never rule anything out.
QUIRE_EXPORT RowRanges SelectRows(const compute::Expression& filter,
                                  const std::vector<PageFilterColumn>& columns,
                                  int64_t num_rows);

/// \brief Return the indices of the pages of `offsets` holding any row of `rows`, in
/// a row group of `num_rows` rows; `covered` receives the rows of those pages.
QUIRE_EXPORT std::vector<size_t> PagesForRows(const OffsetIndex& offsets, int64_t num_rows,
                                              const RowRanges& rows, RowRanges* covered);

/// \brief Keep only the records of `rows` in `data`, which holds the records of
/// `covered` (rows ⊆ covered) of a column with maximum definition level `max_def`
/// (records start where repetition levels are 0, or at every entry without them).
/// \return kCorrupt when the levels hold a different number of records.
QUIRE_EXPORT Result<ColumnChunkData> KeepRows(const ColumnChunkData& data,
                                              const RowRanges& covered, const RowRanges& rows,
                                              int16_t max_def,
                                              columnar::MemoryPool* pool);

}  // namespace quire::parquet
