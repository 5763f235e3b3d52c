#pragma once

/// \file quire/table/scan.h
/// \brief Scans of a snapshot: projection, a predicate pushed down to partition
/// values, file statistics and the Parquet reader (row groups, page index, bloom
/// filters), deletion vectors applied, partition columns materialised; files read
/// in parallel with bounded memory, batches delivered in file order.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/compute/expression.h"
#include "quire/parquet/file_reader.h"
#include "quire/table/snapshot.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief What a scan skipped and kept at each level.
struct QUIRE_EXPORT ScanReport {
  int64_t files = 0;                      ///< active files in the snapshot
  int64_t files_pruned_by_partition = 0;  ///< partition values rule the filter out
  int64_t files_pruned_by_stats = 0;      ///< file statistics rule it out
  int64_t files_scanned = 0;
  int64_t bytes_scanned = 0;              ///< sizes of the files scanned
  int64_t rows_deleted = 0;               ///< rows dropped by deletion vectors
  int64_t rows_returned = 0;
  parquet::ReadStats parquet;             ///< row groups, pages and rows inside files

  /// \brief One line per level, for the CLI's --stats.
  std::string ToString() const;
};

/// \brief What to scan and how.
struct ScanOptions {
  /// Logical column names, in the order wanted; empty means every column in
  /// schema order (partition columns where the schema puts them).
  std::vector<std::string> columns;
  /// Rows to keep (compute/expression.h); columns it names need not be in
  /// `columns`. Files are pruned by partition values and statistics, then the
  /// Parquet reader prunes row groups and pages.
  compute::ExpressionPtr filter;
  /// Drop the rows the filter rejects; when false only whole files, row groups
  /// and pages are skipped and the caller filters.
  bool exact_filter = true;
  /// Files decoded at once (0: one per core). Memory is bounded by these files'
  /// streamed row groups and `max_buffered_batches` batches each.
  int num_threads = 0;
  int max_buffered_batches = 4;
  int64_t batch_rows = 64 * 1024;
  /// When set, filled as the scan runs (complete once the stream ends).
  ScanReport* report = nullptr;
  /// When set, called with a file's size once the scan has read it (from the
  /// scan's threads, possibly at once): progress for long scans.
  std::function<void(int64_t file_bytes)> on_file_read;
  /// Read only these files (indices into snapshot.files()) of those the filter
  /// keeps; all when unset.
  std::optional<std::vector<size_t>> files;
};

/// \brief Return the indices into snapshot.files() of the files that may hold rows
/// matching `filter` (all when null), counting what was pruned into `report`.
QUIRE_EXPORT Result<std::vector<size_t>> PlanScanFiles(const Snapshot& snapshot,
                                                       const compute::Expression* filter,
                                                       ScanReport* report = nullptr);

/// \brief Whether `add` (of a table with `snapshot`'s schema and partitioning) may
/// hold rows matching `filter`, by its partition values and statistics.
QUIRE_EXPORT bool FileMayMatch(const Snapshot& snapshot, const AddFile& add,
                               const compute::Expression& filter);

/// \brief Evaluate `predicate`, which names only partition columns, on the partition
/// values of `add`: the answer for every row of the file (nullopt for unknown).
/// \return kInvalidArgument when the predicate names other columns.
QUIRE_EXPORT Result<std::optional<bool>> EvaluateOnPartition(const Snapshot& snapshot,
                                                             const AddFile& add,
                                                             const compute::Expression& predicate);

/// \brief Whether `predicate` names only partition columns of `snapshot`.
QUIRE_EXPORT bool IsPartitionPredicate(const Snapshot& snapshot,
                                       const compute::Expression& predicate);

/// \brief Return the output schema of a scan with `columns` (see ScanOptions).
/// \return kNotFound naming a column the table does not have.
QUIRE_EXPORT Result<columnar::SchemaPtr> ScanSchema(const Snapshot& snapshot,
                                                    const std::vector<std::string>& columns);

/// \brief Scan `snapshot` (kept alive by the reader). Batches of one file arrive in
/// order, files in the order of snapshot.files().
///
/// The reader is not thread-safe (one consumer); dropping it stops the workers.
/// \return kNotFound for unknown columns, kInvalidArgument for a filter that does
/// not fit the schema; read errors (missing data files, corrupt Parquet, deletion
/// vectors) come from Next(), naming the file.
QUIRE_EXPORT Result<std::unique_ptr<columnar::RecordBatchReader>> Scan(SnapshotPtr snapshot,
                                                                       ScanOptions options);

/// \brief Scan everything `options` asks for into one table.
QUIRE_EXPORT Result<columnar::TablePtr> ScanToTable(SnapshotPtr snapshot, ScanOptions options);

}  // namespace quire::table
