#pragma once

/// \file quire/table/snapshot.h
/// \brief A snapshot: the state of a Delta table at one version, built by log
/// replay (PROTOCOL.md, "Action Reconciliation"), immutable once built.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quire/columnar/type.h"
#include "quire/io/file_system.h"
#include "quire/table/actions.h"
#include "quire/table/log_segment.h"
#include "quire/table/schema.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief How a snapshot was built, for reports and tests.
struct ReplayReport {
  std::optional<int64_t> checkpoint_version;
  std::optional<CheckpointFiles::Kind> checkpoint_kind;
  /// First and last commit replayed on top of the checkpoint (none when empty).
  std::optional<std::pair<int64_t, int64_t>> commits;
  /// Storage requests made (listing, `_last_checkpoint`, checkpoint and commits).
  int64_t requests = 0;
};

/// \brief Reader features quire understands (PROTOCOL.md, "Table Features").
QUIRE_EXPORT const std::vector<std::string>& SupportedReaderFeatures();

/// \brief Check that quire can read a table with `protocol`.
/// \return kUnsupported naming the reader version or every unknown reader feature.
QUIRE_EXPORT Status CheckReadable(const Protocol& protocol);

/// \brief The state of a table at one version. Immutable and thread-safe.
class QUIRE_EXPORT Snapshot {
 public:
  /// \brief Replay `segment` of the table at `table_root` on `fs`.
  /// \return kCorrupt for malformed log files, kUnsupported when quire cannot read
  /// the table's protocol, kNotFound for missing log files.
  static Result<std::shared_ptr<const Snapshot>> Load(std::shared_ptr<io::FileSystem> fs,
                                                      std::string table_root,
                                                      LogSegment segment);

  /// \brief A snapshot of version `version` holding exactly `actions` (a protocol, a
  /// metadata and the files to read), without reading the log: what a worker of a
  /// distributed scan rebuilds from the part of a plan it was given.
  /// \return kCorrupt without protocol or metadata, kUnsupported as Load().
  static Result<std::shared_ptr<const Snapshot>> FromActions(std::shared_ptr<io::FileSystem> fs,
                                                             std::string table_root,
                                                             int64_t version,
                                                             std::vector<Action> actions);

  int64_t version() const { return version_; }
  const Protocol& protocol() const { return protocol_; }
  const Metadata& metadata() const { return metadata_; }
  /// \brief The table's logical schema (partition columns included), with each
  /// field's Delta metadata (column mapping) in its Arrow metadata.
  const columnar::SchemaPtr& schema() const { return schema_; }
  ColumnMappingMode column_mapping_mode() const { return column_mapping_mode_; }
  /// \brief The active data files, sorted by path.
  const std::vector<AddFile>& files() const { return files_; }
  /// \brief Remove actions still relevant (for checkpoints and vacuum).
  const std::vector<RemoveFile>& tombstones() const { return tombstones_; }
  /// \brief The latest version of each application (txn actions).
  const std::map<std::string, AppTransaction>& app_transactions() const { return txns_; }
  /// \brief Live domain metadata by domain.
  const std::map<std::string, DomainMetadata>& domain_metadata() const { return domains_; }
  /// \brief Commit time of this version in ms since the epoch: its in-commit
  /// timestamp when the table records them, else the commit file's modification time.
  std::optional<int64_t> timestamp_ms() const { return timestamp_ms_; }
  const ReplayReport& replay() const { return replay_; }
  const LogSegment& log_segment() const { return segment_; }

  const std::shared_ptr<io::FileSystem>& fs() const { return fs_; }
  const std::string& table_root() const { return root_; }
  /// \brief The filesystem path of an add's (percent-encoded, relative or absolute)
  /// `path`.
  Result<std::string> DataFilePath(std::string_view add_path) const;

  /// \brief A table property (metaData.configuration) or `fallback`.
  std::string Property(std::string_view key, std::string_view fallback = "") const;

  /// \brief Sum of numRecords in the active files' stats minus deleted rows; nullopt
  /// when some file has no stats.
  std::optional<int64_t> NumRecordsFromStats() const;

 private:
  Snapshot() = default;
  struct ReplayState;
  Status Replay(ReplayState& state, std::vector<Action>&& actions, bool from_checkpoint);
  void Finish(ReplayState& state);
  Status Complete();

  std::shared_ptr<io::FileSystem> fs_;
  std::string root_;
  int64_t version_ = -1;
  Protocol protocol_;
  Metadata metadata_;
  bool have_protocol_ = false, have_metadata_ = false;
  columnar::SchemaPtr schema_;
  ColumnMappingMode column_mapping_mode_ = ColumnMappingMode::kNone;
  std::vector<AddFile> files_;
  std::vector<RemoveFile> tombstones_;
  std::map<std::string, AppTransaction> txns_;
  std::map<std::string, DomainMetadata> domains_;
  std::optional<int64_t> timestamp_ms_;
  ReplayReport replay_;
  LogSegment segment_;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace quire::table
