#pragma once

/// \file quire/table/actions.h
/// \brief The actions of the Delta Lake transaction log (PROTOCOL.md, "Actions"),
/// their JSON form in commit files and its parsing.
///
/// Field names follow the protocol in snake_case. Optional fields the protocol
/// allows to be absent are std::optional; maps keep their JSON text where the
/// protocol leaves their content open (commitInfo).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \brief Values of a file's partition columns, keyed by physical column name;
/// nullopt is a null value (PROTOCOL.md, "Partition Value Serialization").
using PartitionValues = std::map<std::string, std::optional<std::string>>;

/// \brief Free-form string tags of add, remove, cdc and sidecar actions.
using Tags = std::map<std::string, std::optional<std::string>>;

/// \brief `protocol`: the versions and features a client must support.
struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  /// Present with reader version 3 (writer version 7 for writer_features).
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;

  bool HasReaderFeature(std::string_view name) const;
  bool HasWriterFeature(std::string_view name) const;
  bool operator==(const Protocol&) const = default;
};

/// \brief `metaData`: the table's identity, schema, partitioning and properties.
struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::string format_provider = "parquet";
  std::map<std::string, std::string> format_options;
  /// The schema as the protocol's JSON ("Schema Serialization Format").
  std::string schema_string;
  /// Logical names of the partition columns, in order.
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  std::optional<int64_t> created_time;

  bool operator==(const Metadata&) const = default;
};

/// \brief A deletion vector's descriptor (PROTOCOL.md, "Deletion Vector Descriptor
/// Schema"): where the bitmap of deleted rows is, and how many rows it deletes.
struct DeletionVectorDescriptor {
  /// "u" (relative path from a UUID), "i" (inline) or "p" (absolute path).
  std::string storage_type;
  std::string path_or_inline_dv;
  /// Start of the bitmap's record in the file ("u" and "p").
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;

  /// \brief The descriptor's identity: storage type, path and offset together.
  std::string UniqueId() const;
  bool operator==(const DeletionVectorDescriptor&) const = default;
};

/// \brief `add`: a data file joins the table.
struct AddFile {
  /// Relative to the table root, or absolute; a URI, so percent-encoded.
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  /// Per-file statistics as the JSON string of the log (see FileStatistics).
  std::optional<std::string> stats;
  Tags tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;

  bool operator==(const AddFile&) const = default;
};

/// \brief `remove`: a data file leaves the table (a tombstone).
struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  std::optional<PartitionValues> partition_values;
  std::optional<int64_t> size;
  std::optional<std::string> stats;
  std::optional<Tags> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;

  bool operator==(const RemoveFile&) const = default;
};

/// \brief `cdc`: a change data file of the change data feed.
struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
  Tags tags;

  bool operator==(const AddCdcFile&) const = default;
};

/// \brief `txn`: the latest version an application committed (idempotent writes).
struct AppTransaction {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;

  bool operator==(const AppTransaction&) const = default;
};

/// \brief `domainMetadata`: configuration of a named metadata domain.
struct DomainMetadata {
  std::string domain;
  std::string configuration;
  bool removed = false;

  bool operator==(const DomainMetadata&) const = default;
};

/// \brief `commitInfo`: provenance of a commit. The protocol leaves its content
/// open, so the object is kept as JSON text; the fields quire reads are parsed.
struct CommitInfo {
  /// The whole object, as compact JSON.
  std::string json = "{}";
  std::optional<int64_t> timestamp;
  std::optional<int64_t> in_commit_timestamp;
  std::optional<std::string> operation;

  bool operator==(const CommitInfo&) const = default;
};

/// \brief `checkpointMetadata`: the version a V2 checkpoint describes.
struct CheckpointMetadata {
  int64_t version = 0;
  Tags tags;

  bool operator==(const CheckpointMetadata&) const = default;
};

/// \brief `sidecar`: a file of add and remove actions of a V2 checkpoint.
struct Sidecar {
  /// Relative to `_delta_log/_sidecars/`, or absolute.
  std::string path;
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  Tags tags;

  bool operator==(const Sidecar&) const = default;
};

/// \brief One action of a commit or checkpoint.
using Action = std::variant<Protocol, Metadata, AddFile, RemoveFile, AddCdcFile,
                            AppTransaction, DomainMetadata, CommitInfo,
                            CheckpointMetadata, Sidecar>;

/// \brief Parse the actions of a commit file (newline-delimited JSON, one action
/// object per line; blank lines are skipped). Actions of unknown kinds are ignored,
/// as the protocol requires of readers.
/// \return kCorrupt naming `source` and the line for malformed JSON or actions that
/// lack a required field or give it the wrong JSON type.
QUIRE_EXPORT Result<std::vector<Action>> ParseActions(std::string_view text,
                                                      std::string_view source);

/// \brief Render `action` as its one-line JSON object (`{"add":{...}}`), fields in
/// the protocol's order, absent optionals omitted.
QUIRE_EXPORT std::string ActionToJson(const Action& action);

/// \brief Render `actions` as a commit file: one JSON object per line, each line
/// ending with '\n'.
QUIRE_EXPORT std::string ActionsToJson(const std::vector<Action>& actions);

}  // namespace quire::table
