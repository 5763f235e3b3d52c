/// \file quire/table/snapshot.cc
/// \brief Log replay: from a log segment to the state of one version.

#include "quire/table/snapshot.h"

#include <algorithm>
#include <future>
#include <unordered_map>

#include <fmt/format.h>
#include <simdjson.h>

#include "quire/table/checkpoint.h"
#include "quire/table/schema.h"
#include "quire/table/table_internal.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::table {

namespace {

using internal::ModificationMs;
using internal::NowMs;
using internal::Text;

// PROTOCOL.md, "Action Reconciliation": a file's identity is its path and the
// unique id of its deletion vector.
std::string FileKey(const std::string& path, const std::optional<DeletionVectorDescriptor>& dv) {
  if (!dv) return path;
  std::string key = path;
  key.push_back('\0');
  key += dv->UniqueId();
  return key;
}

// The actions of one checkpoint (every part; sidecars of V2 checkpoints).
Result<std::vector<Action>> ReadCheckpoint(io::FileSystem& fs, std::string_view table_root,
                                           const CheckpointFiles& checkpoint, int64_t* requests) {
  std::vector<Action> actions;
  for (const auto& file : checkpoint.files) {
    std::vector<Action> part;
    if (file.path.ends_with(".json")) {
      QUIRE_ASSIGN_OR_RETURN(auto bytes, fs.ReadAll(file.path));
      ++*requests;
      QUIRE_ASSIGN_OR_RETURN(part, ParseActions(Text(*bytes), file.path));
    } else {
      QUIRE_ASSIGN_OR_RETURN(part, ReadCheckpointFile(fs, file.path, {.file_size = file.size}));
      *requests += 2;
    }
    for (auto& action : part) actions.push_back(std::move(action));
  }
  if (checkpoint.kind != CheckpointFiles::Kind::kV2) return actions;
  // V2: the sidecars named by the top-level file hold the file actions.
  std::vector<Action> sidecar_actions;
  for (const auto& action : actions) {
    const auto* sidecar = std::get_if<Sidecar>(&action);
    if (!sidecar) continue;
    std::string path = sidecar->path;
    if (path.find(':') == std::string::npos && !path.starts_with('/')) {
      path = LogDir(table_root) + "/_sidecars/" + path;
    }
    QUIRE_ASSIGN_OR_RETURN(auto part,
                           ReadCheckpointFile(fs, path, {.file_size = sidecar->size_in_bytes}));
    *requests += 2;
    for (auto& a : part) sidecar_actions.push_back(std::move(a));
  }
  for (auto& a : sidecar_actions) actions.push_back(std::move(a));
  return actions;
}

}  // namespace

// Files and tombstones by identity while the log is replayed.
struct Snapshot::ReplayState {
  std::unordered_map<std::string, AddFile> adds;
  std::unordered_map<std::string, RemoveFile> removes;
};

const std::vector<std::string>& SupportedReaderFeatures() {
  static const std::vector<std::string> features = {
      "columnMapping", "deletionVectors",     "timestampNtz", "typeWidening",
      "typeWidening-preview", "v2Checkpoint", "vacuumProtocolCheck"};
  return features;
}

Status CheckReadable(const Protocol& protocol) {
  std::vector<std::string> unknown;
  if (protocol.reader_features) {
    const auto& supported = SupportedReaderFeatures();
    for (const auto& f : *protocol.reader_features) {
      if (std::find(supported.begin(), supported.end(), f) == supported.end()) {
        unknown.push_back(f);
      }
    }
  }
  if (!unknown.empty()) {
    return Status::Unsupported(
        "the table needs reader feature{} quire does not support: {}{}",
        unknown.size() > 1 ? "s" : "", fmt::join(unknown, ", "),
        protocol.min_reader_version > 3
            ? fmt::format(" (and reader version {}; quire reads 1 to 3)",
                          protocol.min_reader_version)
            : "");
  }
  if (protocol.min_reader_version > 3) {
    return Status::Unsupported("reader version {} is not supported (quire reads 1 to 3)",
                               protocol.min_reader_version);
  }
  return Status::OK();
}

Result<SnapshotPtr> Snapshot::Load(std::shared_ptr<io::FileSystem> fs, std::string table_root,
                                   LogSegment segment) {
  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->fs_ = std::move(fs);
  snap->root_ = std::move(table_root);
  snap->version_ = segment.version;
  snap->replay_.requests = segment.requests;
  ReplayState state;

  // Commits are fetched concurrently (object stores answer in parallel), then
  // applied in order.
  std::vector<std::future<Result<columnar::BufferPtr>>> reads;
  for (const auto& commit : segment.commits) {
    auto fs_ptr = snap->fs_;
    std::string path = commit.info.path;
    reads.push_back(io::IoThreadPool()->Submit(
        [fs_ptr, path]() -> Result<columnar::BufferPtr> { return fs_ptr->ReadAll(path); }));
  }
  if (segment.checkpoint) {
    snap->replay_.checkpoint_version = segment.checkpoint->version;
    snap->replay_.checkpoint_kind = segment.checkpoint->kind;
    auto actions = ReadCheckpoint(*snap->fs_, snap->root_, *segment.checkpoint,
                                  &snap->replay_.requests);
    if (!actions.ok()) {
      for (auto& r : reads) r.wait();
      return actions.status();
    }
    QUIRE_RETURN_NOT_OK(snap->Replay(state, std::move(*actions), true));
    if (!segment.checkpoint->files.empty()) {
      snap->timestamp_ms_ = ModificationMs(segment.checkpoint->files.front());
    }
  }
  std::vector<Result<columnar::BufferPtr>> texts;
  for (auto& r : reads) texts.push_back(r.get());
  for (size_t i = 0; i < segment.commits.size(); ++i) {
    const auto& commit = segment.commits[i];
    if (!texts[i].ok()) return texts[i].status();
    ++snap->replay_.requests;
    QUIRE_ASSIGN_OR_RETURN(auto actions, ParseActions(Text(**texts[i]), commit.info.path));
    texts[i] = columnar::BufferPtr();  // the text is no longer needed
    snap->timestamp_ms_ = ModificationMs(commit.info);
    for (const auto& a : actions) {
      if (const auto* info = std::get_if<CommitInfo>(&a); info && info->in_commit_timestamp) {
        snap->timestamp_ms_ = *info->in_commit_timestamp;
      }
    }
    QUIRE_RETURN_NOT_OK(snap->Replay(state, std::move(actions), false));
  }
  snap->Finish(state);
  if (!segment.commits.empty()) {
    snap->replay_.commits = {segment.commits.front().version, segment.commits.back().version};
  }
  QUIRE_RETURN_NOT_OK(snap->Complete());
  snap->segment_ = std::move(segment);
  return SnapshotPtr(std::move(snap));
}

Status Snapshot::Complete() {
  if (!have_protocol_) {
    return Status::Corrupt("{}: no protocol action up to version {}", LogDir(root_),
                           version_);
  }
  if (!have_metadata_) {
    return Status::Corrupt("{}: no metaData action up to version {}", LogDir(root_),
                           version_);
  }
  QUIRE_RETURN_NOT_OK(CheckReadable(protocol_));
  QUIRE_ASSIGN_OR_RETURN(schema_, ParseDeltaSchema(metadata_.schema_string));
  QUIRE_ASSIGN_OR_RETURN(column_mapping_mode_,
                         ColumnMappingModeOf(metadata_.configuration));
  return Status::OK();
}

Result<SnapshotPtr> Snapshot::FromActions(std::shared_ptr<io::FileSystem> fs,
                                          std::string table_root, int64_t version,
                                          std::vector<Action> actions) {
  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->fs_ = std::move(fs);
  snap->root_ = std::move(table_root);
  snap->version_ = version;
  ReplayState state;
  QUIRE_RETURN_NOT_OK(snap->Replay(state, std::move(actions), true));
  snap->Finish(state);
  QUIRE_RETURN_NOT_OK(snap->Complete());
  return SnapshotPtr(std::move(snap));
}

Status Snapshot::Replay(ReplayState& state, std::vector<Action>&& actions,
                        bool from_checkpoint) {
  // The actions are consumed: files move into the state rather than being copied
  // (a checkpoint of 100,000 files would otherwise be held twice).
  // Removes first: a commit may remove a file and add it back (with a new
  // deletion vector, or the same one with new statistics).
  for (auto& action : actions) {
    if (auto* r = std::get_if<RemoveFile>(&action)) {
      std::string key = FileKey(r->path, r->deletion_vector);
      if (!from_checkpoint) state.adds.erase(key);
      state.removes.insert_or_assign(std::move(key), std::move(*r));
    }
  }
  for (auto& action : actions) {
    if (auto* a = std::get_if<AddFile>(&action)) {
      std::string key = FileKey(a->path, a->deletion_vector);
      state.removes.erase(key);
      state.adds.insert_or_assign(std::move(key), std::move(*a));
    } else if (const auto* p = std::get_if<Protocol>(&action)) {
      protocol_ = *p;
      have_protocol_ = true;
    } else if (const auto* m = std::get_if<Metadata>(&action)) {
      metadata_ = *m;
      have_metadata_ = true;
    } else if (const auto* t = std::get_if<AppTransaction>(&action)) {
      txns_.insert_or_assign(t->app_id, *t);
    } else if (const auto* d = std::get_if<DomainMetadata>(&action)) {
      if (d->removed) {
        domains_.erase(d->domain);
      } else {
        domains_.insert_or_assign(d->domain, *d);
      }
    }
  }
  return Status::OK();
}

void Snapshot::Finish(ReplayState& state) {
  files_.reserve(state.adds.size());
  for (auto& [key, add] : state.adds) files_.push_back(std::move(add));
  std::sort(files_.begin(), files_.end(), [](const AddFile& a, const AddFile& b) {
    if (a.path != b.path) return a.path < b.path;
    return FileKey(a.path, a.deletion_vector) < FileKey(b.path, b.deletion_vector);
  });
  tombstones_.reserve(state.removes.size());
  for (auto& [key, remove] : state.removes) tombstones_.push_back(std::move(remove));
  std::sort(tombstones_.begin(), tombstones_.end(),
            [](const RemoveFile& a, const RemoveFile& b) { return a.path < b.path; });
}

Result<std::string> Snapshot::DataFilePath(std::string_view add_path) const {
  QUIRE_ASSIGN_OR_RETURN(std::string path, UriToPath(add_path));
  // Absolute URIs name a file of this filesystem only when they point inside it;
  // quire reads relative paths (what every writer of the corpus writes).
  if (path.find("://") != std::string::npos || path.starts_with("file:")) {
    return Status::Unsupported("{}: absolute data file paths are not supported", add_path);
  }
  return root_.empty() ? path : io::JoinPath(root_, path);
}

std::string Snapshot::Property(std::string_view key, std::string_view fallback) const {
  auto it = metadata_.configuration.find(std::string(key));
  return it == metadata_.configuration.end() ? std::string(fallback) : it->second;
}

std::optional<int64_t> Snapshot::NumRecordsFromStats() const {
  int64_t total = 0;
  simdjson::dom::parser parser;
  for (const auto& f : files_) {
    if (!f.stats) return std::nullopt;
    simdjson::dom::element root;
    if (parser.parse(*f.stats).get(root)) return std::nullopt;
    int64_t n;
    if (root["numRecords"].get(n)) return std::nullopt;
    total += n - (f.deletion_vector ? f.deletion_vector->cardinality : 0);
  }
  return total;
}

}  // namespace quire::table
