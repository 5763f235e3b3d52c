#pragma once

/// \file quire/table/transaction.h
/// \brief Writes to a table: optimistic commits (DESIGN.md, "Commit protocol"),
/// conflict checks by the protocol's rules, and the operations built on them
/// (create, append, overwrite, delete).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/compute/expression.h"
#include "quire/table/actions.h"
#include "quire/table/table.h"
#include "quire/table/writer.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief What a commit did.
struct CommitResult {
  /// The version written; for a skipped idempotent write, the table's version.
  int64_t version = -1;
  /// Attempts made (1 when no other writer got in the way).
  int attempts = 0;
  /// True when an app transaction had already been committed: nothing was written.
  bool skipped = false;
  int64_t files_added = 0;
  int64_t files_removed = 0;
  int64_t rows_written = 0;
  int64_t bytes_written = 0;
  /// Set when a checkpoint was due after this commit and could not be written (the
  /// commit itself succeeded).
  std::optional<Status> checkpoint_error;
  bool checkpoint_written = false;
};

/// \brief A commit being prepared: its actions and what it read, for conflict
/// checks against commits that land first.
struct PendingCommit {
  /// The version the commit builds on; nullptr when it creates the table.
  SnapshotPtr read_snapshot;
  /// protocol, metaData, add, remove, txn, domainMetadata... (commitInfo is added).
  std::vector<Action> actions;
  std::string operation = "WRITE";
  /// Values rendered into commitInfo.operationParameters (JSON text each).
  std::map<std::string, std::string> operation_parameters;
  std::map<std::string, int64_t> operation_metrics;
  /// True for a commit that only adds files and read nothing: it never conflicts
  /// with concurrent adds or removes.
  bool blind_append = true;
  /// What a non-blind commit read: rows matching this predicate (nullptr: the whole
  /// table). Concurrent adds that may match it conflict.
  compute::ExpressionPtr read_predicate;
  /// Paths of the files it read or removes; their concurrent removal conflicts.
  std::set<std::string> read_files;
  /// True for a commit that rearranges data without changing it (optimize):
  /// concurrent adds never conflict with it, only removals of read_files.
  bool rearranges_only = false;
};

/// \brief How commits are attempted.
struct CommitOptions {
  /// Attempts at successive versions before giving up with kCommitConflict.
  int max_attempts = 100;
  /// Write a checkpoint when the new version is a multiple of
  /// delta.checkpointInterval (default 10).
  bool checkpoint = true;
};

/// \brief Commit `pending` as the next version of `table`: create its log entry
/// with PutIfAbsent; when another writer took that version, check the winning
/// commits for conflicts and try the next one.
/// \return kCommitConflict saying what conflicted (nothing of this commit is
/// visible); kCommitStateUnknown when storage failed in a way that may or may not
/// have created the entry.
QUIRE_EXPORT Result<CommitResult> Commit(const Table& table, PendingCommit pending,
                                         const CommitOptions& options = {});

/// \brief How a table is created.
struct CreateOptions {
  std::vector<std::string> partition_by;
  /// Table properties (metaData.configuration), e.g. delta.checkpointInterval,
  /// delta.columnMapping.mode ("name" assigns physical names and ids).
  std::map<std::string, std::string> properties;
  std::optional<std::string> name;
  std::optional<std::string> description;
};

/// \brief What a write does with the rows already there.
enum class WriteMode : uint8_t {
  kAppend,     ///< add rows
  kOverwrite,  ///< replace every row (or those matching replace_where)
};

/// \brief How WriteTable writes.
struct WriteOptions {
  WriteMode mode = WriteMode::kAppend;
  /// Overwrite only the rows matching this predicate over partition columns; the
  /// data written must match it too.
  compute::ExpressionPtr replace_where;
  /// Used when the write creates the table.
  CreateOptions create;
  /// Add new columns and widen types instead of failing on a schema mismatch.
  bool schema_evolution = false;
  /// An idempotent write: skipped when the table already holds version
  /// `app_version` (or later) of `app_id`.
  std::optional<std::string> app_id;
  int64_t app_version = 0;
  DataWriteOptions data;
  CommitOptions commit;
};

/// \brief Create `table` with `schema` (version 0), choosing the protocol from the
/// features the schema and properties use.
/// \return kAlreadyExists when the table exists.
QUIRE_EXPORT Result<CommitResult> CreateTable(const Table& table, const columnar::SchemaPtr& schema,
                                              const CreateOptions& options = {});

/// \brief Write `data` to `table` (created from the data's schema when absent):
/// data files first, then one commit.
/// \return kInvalidArgument naming the column and both types when the data does not
/// fit the schema (without schema_evolution); kUnsupported for tables with writer
/// features quire cannot honour.
QUIRE_EXPORT Result<CommitResult> WriteTable(const Table& table, columnar::RecordBatchReader& data,
                                             const WriteOptions& options = {});

/// \brief What a write decided before writing data: WriteTable() is StageWrite(),
/// WriteDataFiles() and CommitWrite(), split so that many processes can write the
/// data files of one commit (quire.dask.write_table).
struct StagedWrite {
  /// The version the write read; null when the write creates the table.
  SnapshotPtr snapshot;
  /// The table's schema once written (evolved or created), which data conforms to.
  columnar::SchemaPtr schema;
  std::vector<std::string> partition_columns;
  ColumnMappingMode mapping_mode = ColumnMappingMode::kNone;
  /// Protocol and metadata actions the commit starts with (creation, evolution).
  std::vector<Action> prefix;
  /// An idempotent write (app_id) that the snapshot already holds: write nothing.
  bool skipped = false;
};

/// \brief The data files of a write, not yet committed.
struct WrittenFiles {
  std::vector<AddFile> adds;
  int64_t rows = 0;
  int64_t bytes = 0;
};

/// \brief Decide a write of data shaped `data_schema` against `snapshot` (null: the
/// table does not exist yet and is created from `data_schema`).
/// \return the errors of WriteTable() that need no data: schema evolution refused,
/// append-only tables, a replace_where on other than partition columns.
QUIRE_EXPORT Result<StagedWrite> StageWrite(const Table& table, SnapshotPtr snapshot,
                                            const columnar::Schema& data_schema,
                                            const WriteOptions& options = {});

/// \brief Write `data` as data files of the staged write; nothing is committed.
/// \return kSchemaMismatch naming the column when a batch does not fit.
QUIRE_EXPORT Result<WrittenFiles> WriteDataFiles(const Table& table, const StagedWrite& staged,
                                                 columnar::RecordBatchReader& data,
                                                 const WriteOptions& options = {});

/// \brief Commit files written for `staged` (by any number of WriteDataFiles calls,
/// in any processes) as one new version.
QUIRE_EXPORT Result<CommitResult> CommitWrite(const Table& table, const StagedWrite& staged,
                                              WrittenFiles files,
                                              const WriteOptions& options = {});

/// \brief Delete the rows matching `predicate`: with a predicate on partition
/// columns only, the files of matching partitions are removed whole; otherwise
/// files where some row matches are rewritten without those rows.
QUIRE_EXPORT Result<CommitResult> DeleteRows(const Table& table,
                                             const compute::ExpressionPtr& predicate,
                                             const DataWriteOptions& data = {},
                                             const CommitOptions& commit = {});

/// \brief Set columns of the rows matching `predicate` to constants (`values`:
/// column name to literal, converted to the column's type; a partition column moves
/// the rows to their new partition). Files holding matching rows are rewritten.
/// \return kNotFound for an unknown column; kInvalidArgument for a value the
/// column's type cannot hold or a null for a non-nullable column.
QUIRE_EXPORT Result<CommitResult> UpdateRows(const Table& table,
                                             const compute::ExpressionPtr& predicate,
                                             const std::map<std::string, compute::Literal>& values,
                                             const DataWriteOptions& data = {},
                                             const CommitOptions& commit = {});

/// \brief How ConvertToTable reads an existing folder of Parquet files.
struct ConvertOptions {
  /// Partition columns as folder names give them (`date=2024-01-01/`), in order,
  /// with their types; empty infers them from the first file's folders, typed as
  /// date when every value is a date, int64 when every value is an integer, else
  /// string.
  columnar::FieldVector partition_columns;
  CreateOptions create;
};

/// \brief Turn the Parquet files under the table's root into version 0 of a table
/// without rewriting them: footers are read (concurrently) for the schema, row
/// counts and statistics, and the adds committed at once.
/// \return kAlreadyExists when a table exists; kInvalidArgument naming the file whose
/// schema or partition folders differ from the first's; kNotFound when there are no
/// Parquet files.
QUIRE_EXPORT Result<CommitResult> ConvertToTable(const Table& table,
                                                 const ConvertOptions& options = {});

/// \brief The remove action that takes `file` out of the table at `now_ms`.
QUIRE_EXPORT RemoveFile RemoveActionFor(const AddFile& file, int64_t now_ms, bool data_change);

/// \brief Check that quire can write to a table with `protocol`.
/// \return kUnsupported naming the writer version or features quire cannot honour.
QUIRE_EXPORT Status CheckWritable(const Protocol& protocol);

/// \brief The protocol a new table needs for `schema` and `properties`.
QUIRE_EXPORT Protocol ProtocolFor(const columnar::Schema& schema,
                                  const std::map<std::string, std::string>& properties);

}  // namespace quire::table
