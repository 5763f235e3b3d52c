#pragma once

/// \file quire/parquet/file_writer.h
/// \brief Writing Arrow-layout record batches as a Parquet file: WriterProperties
/// (every choice a writer makes, with the defaults a user gets without choosing)
/// and FileWriter (batches in, row groups out, the footer on Close()).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/io/output_stream.h"
#include "quire/parquet/metadata.h"
#include "quire/util/result.h"
#include "quire/util/thread_pool.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Version of the data pages a writer produces.
enum class DataPageVersion : uint8_t {
  kV1,  ///< DataPageHeader: levels and values compressed together (every reader).
  kV2,  ///< DataPageHeaderV2: levels uncompressed in front of compressed values.
};

/// \brief Choices for one leaf column; unset members take the file-wide value.
struct ColumnProperties {
  std::optional<CompressionCodec> codec;
  std::optional<int> compression_level;
  /// Dictionary encoding where it pays (see WriterProperties::dictionary).
  std::optional<bool> dictionary;
  /// Encoding of values that are not dictionary-encoded: PLAIN,
  /// DELTA_BINARY_PACKED (INT32/INT64), DELTA_LENGTH_BYTE_ARRAY (BYTE_ARRAY),
  /// DELTA_BYTE_ARRAY (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY) or BYTE_STREAM_SPLIT
  /// (FLOAT, DOUBLE, INT32, INT64, FIXED_LEN_BYTE_ARRAY). Choosing one that is
  /// not PLAIN turns dictionary encoding off unless `dictionary` is set too.
  std::optional<Encoding> encoding;
  std::optional<bool> statistics;
  /// Write a split-block bloom filter sized for `bloom_filter_ndv` distinct values
  /// (per column chunk; 0: the chunk's value count) at `bloom_filter_fpp`.
  std::optional<bool> bloom_filter;
  std::optional<int64_t> bloom_filter_ndv;
  std::optional<double> bloom_filter_fpp;
};

/// \brief Everything a FileWriter chooses. The defaults:
///
/// | property | default | why |
/// | --- | --- | --- |
/// | codec | SNAPPY | fast to write and read, what most engines write |
/// | compression_level | the codec's default (zstd 3, gzip 6, brotli 8) | codec/codec.h |
/// | max_row_group_rows | 1,048,576 | 1M rows, DuckDB's and Polars' order of size |
/// | max_row_group_bytes | 128 MiB of Arrow data | one row group in flight bounds memory |
/// | data_page_bytes | 1 MiB of encoded values | parquet-mr, Arrow C++ |
/// | max_page_rows | 20,000 | parquet-mr's page row limit: page indexes prune finely |
/// | dictionary | on, where it pays | see below |
/// | dictionary_page_bytes | 2 MiB | larger dictionaries fall back to plain |
/// | data_page_version | v1 | every reader reads it |
/// | statistics | on | min/max in the column's sort order, null counts |
/// | page_index | on | ColumnIndex and OffsetIndex |
/// | size_statistics | on | SizeStatistics (level histograms, byte array sizes) |
/// | bloom filters | off | per column, on request |
///
/// Dictionary encoding "pays" when the column chunk's dictionary page stays within
/// dictionary_page_bytes and the dictionary page plus the bit-packed indices take
/// at most dictionary_max_ratio (one half) of what PLAIN would; otherwise the whole
/// chunk is written with the column's fallback encoding (PLAIN unless chosen).
/// The choice is made per column chunk, on all its values (the row group is in
/// memory), so a chunk never mixes dictionary and fallback pages. A chunk whose
/// first tenth of values is over 90% distinct stops trying early.
struct QUIRE_EXPORT WriterProperties {
  CompressionCodec codec = CompressionCodec::kSnappy;
  std::optional<int> compression_level;
  int64_t max_row_group_rows = int64_t(1) << 20;
  int64_t max_row_group_bytes = int64_t(128) << 20;
  int64_t data_page_bytes = int64_t(1) << 20;
  int64_t max_page_rows = 20000;
  bool dictionary = true;
  int64_t dictionary_page_bytes = int64_t(2) << 20;
  double dictionary_max_ratio = 0.5;
  DataPageVersion data_page_version = DataPageVersion::kV1;
  bool statistics = true;
  /// Statistics of BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values longer than this
  /// are left out (chunk statistics) or truncated (page index), so that one long
  /// value cannot bloat the footer.
  int64_t max_statistics_bytes = 64;
  bool page_index = true;
  bool size_statistics = true;
  /// Count distinct values into Statistics.distinct_count (dictionary-encoded
  /// chunks count for free; others are hashed).
  bool distinct_count = false;
  /// Per leaf column, by dotted path ("a.b.list.element") or top-level name.
  std::map<std::string, ColumnProperties> columns;
  std::vector<KeyValue> key_value_metadata;
  std::vector<SortingColumn> sorting_columns;
  /// Threads encoding column chunks in parallel: 0 for the shared pool's size,
  /// 1 to encode on the calling thread.
  int num_threads = 0;
  /// Written as FileMetaData.created_by; empty for "quire version X.Y.Z".
  std::string created_by;

  /// \brief Return the properties of leaf column `dotted_path` whose top-level
  /// field is `top_level`, with file-wide values filled in.
  ColumnProperties ForColumn(const std::string& dotted_path,
                             const std::string& top_level) const;
};

/// \brief Return "quire version X.Y.Z": what quire writes as created_by.
QUIRE_EXPORT std::string QuireCreatedBy();

/// \brief What a finished file holds.
struct WriteSummary {
  int64_t num_rows = 0;
  int64_t num_row_groups = 0;
  int64_t file_bytes = 0;
  /// The footer as written (schema, row groups, statistics).
  std::shared_ptr<const FileMetaData> metadata;
};

/// \brief Writes record batches of one schema as a Parquet file.
///
/// Batches are kept (by reference, without copying) until a row group is full
/// (max_row_group_rows or max_row_group_bytes), then the row group's column
/// chunks are encoded in parallel and written; memory is bounded by one row group
/// in flight. Nothing is visible at the stream's path until Close() succeeds;
/// after an error, or without Close(), the stream is aborted. Not thread-safe.
class QUIRE_EXPORT FileWriter {
 public:
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// \brief Start a file of `schema` on `sink`, which the writer owns.
  /// \return kInvalidArgument for properties out of range, for columns in
  /// `properties.columns` that do not exist, or encodings that do not fit a
  /// column's type; kUnsupported for types Parquet cannot hold (a struct without
  /// fields).
  static Result<std::unique_ptr<FileWriter>> Open(std::unique_ptr<io::OutputStream> sink,
                                                  columnar::SchemaPtr schema,
                                                  WriterProperties properties = {});

  /// \brief Append the rows of `batch`, whose schema must equal the file's (names,
  /// types and nullability).
  /// \return kInvalidArgument for another schema, for nulls in a column declared
  /// non-nullable, or values Parquet cannot hold (a month-day-nano interval with
  /// negative or sub-millisecond parts); the error names the column. Storage
  /// errors abort the file.
  Status Write(const columnar::RecordBatch& batch);
  /// \brief Append every batch of `table`.
  Status Write(const columnar::Table& table);

  /// \brief Write the buffered rows as a row group now (nothing if none).
  Status FlushRowGroup();

  /// \brief Flush, write the page indexes, bloom filters and footer, and make the
  /// file visible.
  Result<WriteSummary> Close();

  /// \brief Discard the file (the path is left as it was). Idempotent.
  void Abort();

  const columnar::SchemaPtr& schema() const;
  /// \brief Rows accepted so far, flushed or not.
  int64_t num_rows() const;
  /// \brief Bytes written to the sink so far.
  int64_t bytes_written() const;

 private:
  struct Impl;
  explicit FileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// \brief Write `table` to the local file `path` (replaced atomically).
QUIRE_EXPORT Result<WriteSummary> WriteParquetFile(const columnar::Table& table,
                                                   const std::string& path,
                                                   const WriterProperties& properties = {});

/// \brief Write `table` into memory and return the file's bytes.
QUIRE_EXPORT Result<columnar::BufferPtr> WriteParquetBuffer(
    const columnar::Table& table, const WriterProperties& properties = {});

}  // namespace quire::parquet
