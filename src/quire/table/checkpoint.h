#pragma once

/// \file quire/table/checkpoint.h
/// \brief Checkpoints: the table's state at one version as a Parquet file of actions
/// (PROTOCOL.md, "Checkpoints", "Checkpoint Schema"), and `_delta_log/_last_checkpoint`
/// (PROTOCOL.md, "Last Checkpoint File Schema").
///
/// Reading covers every Parquet form a log may hold: classic checkpoints
/// (`<v>.checkpoint.parquet`), the parts of multi-part checkpoints, UUID-named V2
/// checkpoints in Parquet and their sidecars (`_delta_log/_sidecars/*.parquet`).
/// A UUID-named V2 checkpoint in JSON is a commit-shaped file: see ParseActions().
/// Writing produces classic V1 checkpoints.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quire/columnar/buffer.h"
#include "quire/columnar/record_batch.h"
#include "quire/io/file_system.h"
#include "quire/parquet/file_writer.h"
#include "quire/table/actions.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

// ---------------------------------------------------------------------------
// Reading

/// \brief Convert the rows of a batch read from a checkpoint (or sidecar) Parquet
/// file into actions, in row order.
///
/// Each row holds one action: the one non-null struct among the top-level columns
/// add, remove, metaData, protocol, txn, domainMetadata, checkpointMetadata,
/// sidecar, commitInfo and cdc; other columns (e.g. rowIdHighWaterMark) are
/// ignored, as the protocol asks of readers. Missing columns and missing optional
/// fields read as null, whichever writer left them out. Strings may be plain,
/// large, view or dictionary-encoded. When `add.stats` is null and
/// `add.stats_parsed` is present, the stats JSON is rendered from the struct
/// (numRecords, minValues, maxValues, nullCount, ...; timestamps as ISO-8601 UTC
/// with a `Z`, the form Delta writers use).
/// \return kCorrupt naming `source`, the row and the field when an action lacks a
/// required field (add.path, protocol.minReaderVersion, ...) or a column has a
/// type the checkpoint schema does not allow.
/// Thread-safe.
QUIRE_EXPORT Result<std::vector<Action>> ActionsFromCheckpointBatch(
    const columnar::RecordBatch& batch, std::string_view source);

/// \brief How ReadCheckpointFile reads.
struct CheckpointReadOptions {
  /// Read `add.stats` and `add.stats_parsed`. Per-file statistics are most of a
  /// checkpoint's bytes; without them AddFile::stats is nullopt.
  bool with_stats = true;
  /// Top-level action columns to read ("add", "metaData", ...); empty reads all
  /// the kinds quire knows. Actions of other kinds are then not returned.
  std::vector<std::string> columns;
  /// Rows decoded at a time: memory is bounded by this many rows of Arrow data
  /// (plus the compressed column chunks of one row group), not by the file.
  int64_t batch_rows = 64 * 1024;
  /// The file's size when the caller knows it (saves a HEAD request remotely).
  std::optional<int64_t> file_size;
  columnar::MemoryPool* pool = columnar::default_memory_pool();
};

/// \brief Receives the actions of a checkpoint a batch at a time.
using CheckpointActionSink = std::function<Status(std::vector<Action>&& actions)>;

/// \brief Read the checkpoint or sidecar Parquet file at `path`, a batch of rows at
/// a time, passing the actions of each batch to `sink` in file order.
/// \return kNotFound for a missing file, kCorrupt for a file that is not valid
/// Parquet or holds malformed actions (naming the file), or the first error of
/// `sink`.
QUIRE_EXPORT Status ReadCheckpointFile(io::FileSystem& fs, std::string_view path,
                                       const CheckpointReadOptions& options,
                                       const CheckpointActionSink& sink);

/// \brief Read every action of the checkpoint or sidecar Parquet file at `path`.
/// \return The errors of the streaming form.
QUIRE_EXPORT Result<std::vector<Action>> ReadCheckpointFile(
    io::FileSystem& fs, std::string_view path, const CheckpointReadOptions& options = {});

// ---------------------------------------------------------------------------
// _last_checkpoint

/// \brief The UUID-named V2 checkpoint a `_last_checkpoint` points to.
struct LastCheckpointV2 {
  /// File name of the checkpoint, relative to `_delta_log/`.
  std::string path;
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  /// The checkpoint's non-file actions and its sidecars as compact JSON arrays, when
  /// the writer embedded them (they save a read of the checkpoint).
  std::optional<std::string> non_file_actions_json;
  std::optional<std::string> sidecar_files_json;

  bool operator==(const LastCheckpointV2&) const = default;
};

/// \brief The content of `_delta_log/_last_checkpoint`: a pointer to a recent
/// checkpoint. `checkpointSchema`, `tags` and `checksum` are not kept.
struct LastCheckpoint {
  int64_t version = 0;
  /// Number of actions in the checkpoint.
  int64_t size = 0;
  /// Number of parts of a multi-part checkpoint.
  std::optional<int64_t> parts;
  std::optional<int64_t> size_in_bytes;
  std::optional<int64_t> num_of_add_files;
  std::optional<LastCheckpointV2> v2_checkpoint;

  bool operator==(const LastCheckpoint&) const = default;
};

/// \brief Parse the text of a `_last_checkpoint` file; unknown fields are ignored.
/// \return kCorrupt naming `source` for malformed JSON, a missing or mistyped
/// `version` or `size`, a mistyped optional field, or duplicate top-level keys.
QUIRE_EXPORT Result<LastCheckpoint> ParseLastCheckpoint(std::string_view text,
                                                        std::string_view source);

/// \brief Read `<log_dir>/_last_checkpoint`.
/// \return nullopt if the file does not exist; kCorrupt if it is malformed
/// (callers treat that as absent and list the log, as the protocol allows).
QUIRE_EXPORT Result<std::optional<LastCheckpoint>> ReadLastCheckpoint(
    io::FileSystem& fs, std::string_view log_dir);

/// \brief Render `last` as the one-line JSON object of `_last_checkpoint`, fields in
/// the protocol's order, absent optionals omitted.
QUIRE_EXPORT std::string LastCheckpointJson(const LastCheckpoint& last);

// ---------------------------------------------------------------------------
// Writing

/// \brief How WriteCheckpoint writes.
struct CheckpointWriteOptions {
  /// Actions per Arrow batch and per row group: memory is bounded by one batch of
  /// Arrow data plus the row group being encoded.
  int64_t batch_rows = 64 * 1024;
  /// Parquet choices (codec, threads...); max_row_group_rows is set to batch_rows.
  parquet::WriterProperties properties;
  /// Update `_last_checkpoint` unless it already points to a newer version.
  bool write_last_checkpoint = true;
};

/// \brief What WriteCheckpoint wrote.
struct CheckpointWriteResult {
  /// Path of the checkpoint file.
  std::string path;
  /// What `_last_checkpoint` says (or would say) of it.
  LastCheckpoint last_checkpoint;
  /// Whether `_last_checkpoint` was written.
  bool wrote_last_checkpoint = false;
};

/// \brief Return the file name of the classic checkpoint of `version`:
/// `<version, 20 digits>.checkpoint.parquet`.
QUIRE_EXPORT std::string CheckpointFileName(int64_t version);

/// \brief Return the schema of classic checkpoints quire writes (PROTOCOL.md,
/// "Checkpoint Schema"): txn, add, remove, metaData, protocol, domainMetadata.
QUIRE_EXPORT columnar::SchemaPtr CheckpointSchema();

/// \brief Write the classic checkpoint of `version` to
/// `<log_dir>/<version>.checkpoint.parquet`, then `<log_dir>/_last_checkpoint`.
///
/// Rows are protocol, metaData, the txns, the domain metadata, the adds and the
/// tombstones, one action a row; they are converted and written a batch at a time,
/// so memory holds one batch of Arrow data, not the whole state. The file appears
/// atomically when complete (an existing checkpoint of the version is replaced, as
/// the protocol allows). Removes are written without stats and tags (the protocol's
/// tombstone schema); everything else round-trips through ReadCheckpointFile.
/// \return kInvalidArgument for a negative version or batch_rows < 1, storage
/// errors naming the path.
QUIRE_EXPORT Result<CheckpointWriteResult> WriteCheckpoint(
    io::FileSystem& fs, std::string_view log_dir, int64_t version,
    const Protocol& protocol, const Metadata& metadata,
    const std::vector<AppTransaction>& txns,
    const std::vector<DomainMetadata>& domain_metadata, const std::vector<AddFile>& adds,
    const std::vector<RemoveFile>& tombstones,
    const CheckpointWriteOptions& options = {});

}  // namespace quire::table
