#pragma once

/// \file quire/table/maintenance.h
/// \brief Keeping a table small and fast: vacuum (data files no version within
/// the retention period needs), optimize (small files bin-packed into larger
/// ones, no data changed) and log cleanup (PROTOCOL.md, "Metadata Cleanup").

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quire/compute/expression.h"
#include "quire/table/table.h"
#include "quire/table/transaction.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief Parse a Delta interval property ("interval 7 days", "interval 168 hours",
/// "1 week") into milliseconds.
/// \return kInvalidArgument for anything else.
QUIRE_EXPORT Result<int64_t> ParseIntervalMs(std::string_view text);

/// \brief How Vacuum chooses files.
struct VacuumOptions {
  /// Files removed from the table longer ago than this are deleted; nullopt uses
  /// delta.deletedFileRetentionDuration (default 7 days).
  std::optional<int64_t> retention_ms;
  /// List what would be deleted without deleting.
  bool dry_run = false;
  /// Refuse retentions under 7 days, which can break readers of older versions
  /// and writers still committing (their files are young and not yet in the log).
  bool enforce_retention = true;
  /// When set, called with the bytes deleted so far and the bytes to delete, as
  /// batches of deletes finish.
  std::function<void(int64_t done_bytes, int64_t total_bytes)> progress;
};

/// \brief What Vacuum found.
struct VacuumResult {
  /// Paths relative to the table root, sorted: deleted, or to delete (dry run).
  std::vector<std::string> files;
  int64_t bytes = 0;
  /// Files under the root it looked at.
  int64_t files_listed = 0;
};

/// \brief Delete the files under the table's root that the latest version does not
/// use, that no tombstone younger than the retention names, and that are older
/// than the retention themselves (so a writer's files not yet committed are left
/// alone). `_delta_log/` and hidden paths (`_` or `.` components) are never touched;
/// deletion vector files count as data files.
/// \return kInvalidArgument for a retention under 7 days with enforce_retention;
/// kUnsupported when quire may not write to the table.
QUIRE_EXPORT Result<VacuumResult> Vacuum(const Table& table, const VacuumOptions& options = {});

/// \brief How Optimize packs files.
struct OptimizeOptions {
  /// Files at least this large are left alone; new files are cut at it.
  int64_t target_file_size = int64_t(128) << 20;
  /// Only partitions matching this predicate (partition columns only).
  compute::ExpressionPtr where;
  DataWriteOptions data;
  CommitOptions commit;
  /// When set, called with the bytes of small files read so far and the bytes of
  /// all those to pack (from the scan's threads).
  std::function<void(int64_t done_bytes, int64_t total_bytes)> progress;
};

/// \brief Rewrite the small files of each partition into files of about the target
/// size, in one commit whose adds and removes have dataChange=false (the rows are
/// the same). Concurrent appends do not conflict with it; a concurrent removal of a
/// file it packs does. Memory is bounded by the writer's row group, not the table.
/// \return a CommitResult with `skipped` when no partition has two small files.
QUIRE_EXPORT Result<CommitResult> Optimize(const Table& table,
                                           const OptimizeOptions& options = {});

/// \brief Write a checkpoint of `snapshot` (every active file, tombstone, app
/// transaction and domain) into the table's log and point `_last_checkpoint` at it.
/// \return the checkpoint's path.
QUIRE_EXPORT Result<std::string> WriteSnapshotCheckpoint(const Table& table,
                                                         const Snapshot& snapshot);

/// \brief Delete log files (commits and checkpoints) older than
/// delta.logRetentionDuration (default 30 days) that no version younger than that
/// needs for replay: everything before the newest checkpoint at or before the
/// oldest version still within the retention.
/// \return the number of files deleted.
QUIRE_EXPORT Result<int64_t> CleanupLog(const Table& table, int64_t now_ms);

}  // namespace quire::table
