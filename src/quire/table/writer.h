#pragma once

/// \file quire/table/writer.h
/// \brief Writing data files of a table: schema enforcement and evolution, Hive-style
/// partition folders, files cut at a target size, per-file statistics for the log.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/io/file_system.h"
#include "quire/parquet/file_writer.h"
#include "quire/table/actions.h"
#include "quire/table/schema.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief How data files are written.
struct DataWriteOptions {
  /// A file is closed and the next one started once this many bytes are written.
  int64_t target_file_size = int64_t(128) << 20;
  /// Parquet settings (codec, row group size, ...). Row groups are capped at the
  /// target file size.
  parquet::WriterProperties parquet;
  /// Largest number of partitions with a file open at once; the file of the least
  /// recently written partition is closed beyond it, bounding memory to this many
  /// buffered row groups.
  int max_open_files = 64;
};

/// \brief Return `batch` in the table's logical `schema`: columns matched by name
/// and put in schema order, types cast where no value can change (int32 into
/// int64, ...), missing nullable columns filled with nulls.
/// \return kInvalidArgument naming the column and both types when the data does not
/// fit (with evolution off, also for columns the table does not have).
QUIRE_EXPORT Result<columnar::RecordBatchPtr> ConformBatch(const columnar::RecordBatch& batch,
                                                           const columnar::SchemaPtr& schema);

/// \brief The table schema after evolving `table` to hold `data`: new columns added
/// at the end (nullable), types widened where the protocol's type widening allows.
/// \return `table` itself when nothing changes; kInvalidArgument naming the column
/// for changes evolution cannot make (narrowing, incompatible types).
QUIRE_EXPORT Result<columnar::SchemaPtr> EvolveSchema(const columnar::SchemaPtr& table,
                                                      const columnar::Schema& data);

/// \brief Writes batches of a table's logical schema as data files under the table
/// root. Not thread-safe.
class QUIRE_EXPORT DataFileWriter {
 public:
  ~DataFileWriter();
  /// \brief Start writing files of `schema` (logical, partition columns included)
  /// under `table_root`.
  static Result<std::unique_ptr<DataFileWriter>> Make(std::shared_ptr<io::FileSystem> fs,
                                                      std::string table_root,
                                                      columnar::SchemaPtr schema,
                                                      std::vector<std::string> partition_columns,
                                                      ColumnMappingMode mode,
                                                      DataWriteOptions options = {});

  /// \brief Write the rows of `batch`, whose schema must be the table's (see
  /// ConformBatch).
  Status Write(const columnar::RecordBatch& batch);

  /// \brief Close every file and return their add actions (stats included).
  Result<std::vector<AddFile>> Finish();

  /// \brief Bytes of the files finished so far.
  int64_t bytes_written() const;

 private:
  struct Impl;
  explicit DataFileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// \brief The stats JSON of a data file from its footer (PROTOCOL.md, "Per-file
/// Statistics"): numRecords, and minValues, maxValues and nullCount of top-level
/// primitive columns, keyed by physical name.
QUIRE_EXPORT std::string StatsJsonFromFooter(const parquet::FileMetaData& metadata);

/// \brief A random (version 4) UUID in its 8-4-4-4-12 text form.
QUIRE_EXPORT std::string RandomUuid();

}  // namespace quire::table
