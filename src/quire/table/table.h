#pragma once

/// \file quire/table/table.h
/// \brief A Delta table on any FileSystem: snapshots (latest, by version, as of a
/// time) and history.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quire/io/file_system.h"
#include "quire/table/snapshot.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief One version of the table's history (from its commitInfo).
struct HistoryEntry {
  int64_t version = 0;
  /// In-commit timestamp, else commitInfo.timestamp, else the file's mtime (ms).
  int64_t timestamp_ms = 0;
  std::string operation;
  /// The whole commitInfo object (JSON), "{}" when the commit has none.
  std::string commit_info = "{}";
};

/// \brief A table's location. Cheap to make (no I/O); thread-safe.
class QUIRE_EXPORT Table {
 public:
  /// \brief The table at `url` (a path, file://, memory://, s3://, az://...).
  static Result<std::shared_ptr<Table>> Open(std::string_view url,
                                             const io::UrlOptions& options = {});
  /// \brief The table at `root` on `fs`.
  static std::shared_ptr<Table> Open(std::shared_ptr<io::FileSystem> fs, std::string root);

  const std::shared_ptr<io::FileSystem>& fs() const { return fs_; }
  const std::string& root() const { return root_; }

  /// \brief Whether the table has a log (at least one commit or checkpoint).
  Result<bool> Exists() const;

  /// \brief The latest version. \return kNotFound when there is no table.
  Result<SnapshotPtr> Latest() const;
  /// \brief Version `version` (time travel).
  /// \return kNotFound naming the versions that exist.
  Result<SnapshotPtr> AtVersion(int64_t version) const;
  /// \brief The latest version committed at or before `timestamp_ms` (ms since
  /// the epoch). \return kNotFound when the table's first version is younger.
  Result<SnapshotPtr> AsOf(int64_t timestamp_ms) const;
  /// \brief The version that AsOf() would read.
  Result<int64_t> VersionAsOf(int64_t timestamp_ms) const;

  /// \brief The history, newest first; at most `limit` entries when given.
  Result<std::vector<HistoryEntry>> History(std::optional<int64_t> limit = std::nullopt) const;

 private:
  Table(std::shared_ptr<io::FileSystem> fs, std::string root)
      : fs_(std::move(fs)), root_(std::move(root)) {}
  Result<SnapshotPtr> Load(std::optional<int64_t> version) const;

  std::shared_ptr<io::FileSystem> fs_;
  std::string root_;
};

/// \brief Parse a time for AsOf(): an integer of ms since the epoch, a date
/// ("2024-05-01", midnight UTC) or an ISO-8601 timestamp ("2024-05-01T12:00:00Z",
/// "2024-05-01 12:00:00.123+02:00"; no zone means UTC).
/// \return kInvalidArgument for anything else.
QUIRE_EXPORT Result<int64_t> ParseTimestampMs(std::string_view text);

}  // namespace quire::table
