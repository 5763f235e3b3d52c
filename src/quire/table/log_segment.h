#pragma once

/// \file quire/table/log_segment.h
/// \brief The files of `_delta_log/` that make up one version of a table: the
/// newest complete checkpoint at or before it and the commits after that
/// (PROTOCOL.md, "Delta Log Entries", "Checkpoints", "Last Checkpoint File").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quire/io/file_system.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief One commit file `<version>.json`.
struct CommitFile {
  int64_t version = 0;
  io::FileInfo info;
};

/// \brief The files of one checkpoint.
struct CheckpointFiles {
  enum class Kind : uint8_t {
    kClassic,    ///< <v>.checkpoint.parquet
    kMultiPart,  ///< <v>.checkpoint.<part>.<parts>.parquet, every part present
    kV2,         ///< <v>.checkpoint.<uuid>.json|parquet (sidecars listed inside)
  };
  int64_t version = 0;
  Kind kind = Kind::kClassic;
  /// Parts in order (one file except for multi-part checkpoints).
  std::vector<io::FileInfo> files;
};

/// \brief Return "classic", "multipart" or "v2".
QUIRE_EXPORT std::string_view CheckpointKindName(CheckpointFiles::Kind kind);

/// \brief What to replay for one version.
struct LogSegment {
  /// The version the segment describes.
  int64_t version = -1;
  std::optional<CheckpointFiles> checkpoint;
  /// The commits after the checkpoint (all commits without one), ascending and
  /// contiguous, ending at `version`.
  std::vector<CommitFile> commits;
  /// Requests made to build the segment (listing pages and reads), for tests and
  /// reports.
  int64_t requests = 0;
};

/// \brief The folder of a table's log: `<root>/_delta_log`.
QUIRE_EXPORT std::string LogDir(std::string_view table_root);

/// \brief The path of commit `version`: `<root>/_delta_log/<20 digits>.json`.
QUIRE_EXPORT std::string CommitPath(std::string_view table_root, int64_t version);

/// \brief Find the log segment of `version` (the latest when nullopt).
///
/// Reads `_last_checkpoint` when there is one and lists the log only after the
/// checkpoint it names, so opening a table costs the same few requests however
/// long its history; falls back to a full listing when that checkpoint is missing,
/// incomplete or newer than `version`. A `_last_checkpoint` that cannot be parsed
/// is ignored, as PROTOCOL.md allows.
/// \return kNotFound when there is no log (not a Delta table) or `version` does not
/// exist (naming the versions that do); kCorrupt when commits are missing between
/// the checkpoint and `version`, or the log starts after 0 without a checkpoint.
QUIRE_EXPORT Result<LogSegment> ListLogSegment(io::FileSystem& fs, std::string_view table_root,
                                               std::optional<int64_t> version = std::nullopt);

/// \brief Every commit file of the log, ascending (for history and time travel).
QUIRE_EXPORT Result<std::vector<CommitFile>> ListCommits(io::FileSystem& fs,
                                                         std::string_view table_root);

}  // namespace quire::table
