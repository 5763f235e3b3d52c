/// \file quire/table/maintenance.cc
/// \brief Vacuum, optimize and log cleanup.

#include "quire/table/maintenance.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include "quire/table/checkpoint.h"
#include "quire/table/deletion_vector.h"
#include "quire/table/log_segment.h"
#include "quire/table/scan.h"
#include "quire/table/schema.h"
#include "quire/table/table_internal.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace {

using internal::ModificationMs;
using internal::NowMs;

constexpr int64_t kDayMs = int64_t(24) * 3600 * 1000;

// The path of `file` relative to `root` ("" when it is not below it).
std::string_view Relative(std::string_view file, std::string_view root) {
  if (root.empty()) return file;
  if (file.size() <= root.size() || !file.starts_with(root) || file[root.size()] != '/') {
    return {};
  }
  return file.substr(root.size() + 1);
}

// Hidden paths: some component starts with '_' or '.' (the log, checkpoints'
// sidecars, change data, temporary files of writers in progress).
bool Hidden(std::string_view relative) {
  size_t start = 0;
  while (start < relative.size()) {
    if (relative[start] == '_' || relative[start] == '.') return true;
    const size_t slash = relative.find('/', start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

// The relative paths of a file action's data file and deletion vector file.
void Referenced(const std::string& add_path,
                const std::optional<DeletionVectorDescriptor>& dv, std::set<std::string>* out) {
  if (auto path = UriToPath(add_path); path.ok()) out->insert(std::move(*path));
  if (dv && dv->storage_type == "u") {
    if (auto path = DeletionVectorAbsolutePath(*dv, ""); path.ok()) {
      out->insert(std::move(*path));
    }
  }
}

}  // namespace

Result<int64_t> ParseIntervalMs(std::string_view text) {
  std::string s;
  for (char c : text) s.push_back(char(std::tolower(uint8_t(c))));
  std::string_view rest = s;
  auto trim = [&] {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  };
  trim();
  if (rest.starts_with("interval")) rest.remove_prefix(8);
  trim();
  int64_t n = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc() || n < 0) {
    return Status::Invalid("'{}' is not an interval (e.g. 'interval 7 days')", text);
  }
  rest.remove_prefix(size_t(p - rest.data()));
  trim();
  if (rest.size() > 1 && rest.back() == 's') rest.remove_suffix(1);
  static const std::map<std::string_view, int64_t> units = {
      {"millisecond", 1},        {"second", 1000},       {"minute", 60 * 1000},
      {"hour", 3600 * 1000},     {"day", kDayMs},        {"week", 7 * kDayMs}};
  auto unit = units.find(rest);
  if (unit == units.end()) {
    return Status::Invalid("'{}' is not an interval: unknown unit '{}'", text, rest);
  }
  return n * unit->second;
}

Result<VacuumResult> Vacuum(const Table& table, const VacuumOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(SnapshotPtr snap, table.Latest());
  QUIRE_RETURN_NOT_OK(CheckWritable(snap->protocol()));
  int64_t retention;
  if (options.retention_ms) {
    retention = *options.retention_ms;
  } else {
    QUIRE_ASSIGN_OR_RETURN(
        retention,
        ParseIntervalMs(snap->Property("delta.deletedFileRetentionDuration", "interval 1 week")));
  }
  if (options.enforce_retention && retention < 7 * kDayMs) {
    return Status::Invalid(
        "a retention of {} h is under 7 days: readers of older versions and writers "
        "still committing may lose files (turn enforce_retention off to do it anyway)",
        retention / (3600 * 1000));
  }
  const int64_t cutoff = NowMs() - retention;
  std::set<std::string> keep;
  for (const auto& f : snap->files()) Referenced(f.path, f.deletion_vector, &keep);
  for (const auto& r : snap->tombstones()) {
    if (r.deletion_timestamp.value_or(0) > cutoff) Referenced(r.path, r.deletion_vector, &keep);
  }
  VacuumResult result;
  QUIRE_ASSIGN_OR_RETURN(auto lister, table.fs()->List(table.root(), {.recursive = true}));
  std::vector<std::pair<std::string, int64_t>> doomed;  // path, size
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(auto page, lister->Next());
    if (page.empty()) break;
    for (const auto& info : page) {
      if (!info.is_file()) continue;
      ++result.files_listed;
      const std::string_view rel = Relative(info.path, table.root());
      if (rel.empty() || Hidden(rel) || keep.contains(std::string(rel))) continue;
      if (ModificationMs(info) > cutoff) continue;  // young: maybe a commit in progress
      result.files.emplace_back(rel);
      result.bytes += std::max<int64_t>(info.size, 0);
      doomed.emplace_back(info.path, std::max<int64_t>(info.size, 0));
    }
  }
  std::sort(result.files.begin(), result.files.end());
  if (options.dry_run) return result;
  // Deleted in batches of 1,000 (one S3 DeleteObjects request each), so that a
  // progress callback moves.
  constexpr size_t kBatch = 1000;
  int64_t done = 0;
  std::vector<std::string> batch;
  for (size_t i = 0; i < doomed.size(); i += kBatch) {
    batch.clear();
    int64_t bytes = 0;
    for (size_t j = i; j < std::min(doomed.size(), i + kBatch); ++j) {
      batch.push_back(doomed[j].first);
      bytes += doomed[j].second;
    }
    QUIRE_RETURN_NOT_OK(table.fs()->Delete(batch));
    if (options.progress) options.progress(done += bytes, result.bytes);
  }
  return result;
}

Result<CommitResult> Optimize(const Table& table, const OptimizeOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(SnapshotPtr snap, table.Latest());
  QUIRE_RETURN_NOT_OK(CheckWritable(snap->protocol()));
  if (options.where && !IsPartitionPredicate(*snap, *options.where)) {
    return Status::Invalid("optimize's where {} must name partition columns only",
                           options.where->ToString());
  }
  // Small files by partition (the serialized partition values).
  std::map<std::string, std::vector<size_t>> partitions;
  const auto& files = snap->files();
  for (size_t i = 0; i < files.size(); ++i) {
    const AddFile& f = files[i];
    if (f.size >= options.target_file_size) continue;
    if (options.where) {
      QUIRE_ASSIGN_OR_RETURN(auto match, EvaluateOnPartition(*snap, f, *options.where));
      if (!match.value_or(false)) continue;
    }
    std::string key;
    for (const auto& [name, value] : f.partition_values) {
      key += name + (value ? "=v" + *value : "=n");
      key.push_back('\0');
    }
    partitions[key].push_back(i);
  }
  PendingCommit pending;
  pending.read_snapshot = snap;
  pending.blind_append = false;
  pending.rearranges_only = true;
  pending.operation = "OPTIMIZE";
  pending.operation_parameters["targetFileSize"] = std::to_string(options.target_file_size);
  if (options.where) pending.operation_parameters["predicate"] = options.where->ToString();
  DataWriteOptions data = options.data;
  data.target_file_size = options.target_file_size;
  const int64_t now = NowMs();
  int64_t removed = 0, rows = 0;
  std::vector<AddFile> adds;
  // Bins of each partition's small files adding up to about the target size,
  // smallest first; bins of one file are left alone.
  std::vector<std::vector<size_t>> bins;
  int64_t total_bytes = 0;
  for (auto& [key, group] : partitions) {
    if (group.size() < 2) continue;
    std::sort(group.begin(), group.end(),
              [&](size_t a, size_t b) { return files[a].size < files[b].size; });
    std::vector<size_t> bin;
    int64_t bin_bytes = 0;
    auto close_bin = [&] {
      if (bin.size() >= 2) {
        total_bytes += bin_bytes;
        bins.push_back(std::move(bin));
      }
      bin.clear();
      bin_bytes = 0;
    };
    for (size_t i : group) {
      if (bin_bytes > 0 && bin_bytes + files[i].size > options.target_file_size) close_bin();
      bin.push_back(i);
      bin_bytes += files[i].size;
    }
    close_bin();
  }
  std::atomic<int64_t> done_bytes{0};
  for (const auto& bin : bins) {
    QUIRE_ASSIGN_OR_RETURN(
        auto writer, DataFileWriter::Make(table.fs(), table.root(), snap->schema(),
                                          snap->metadata().partition_columns,
                                          snap->column_mapping_mode(), data));
    ScanOptions scan;
    scan.files = bin;
    if (options.progress) {
      scan.on_file_read = [&](int64_t bytes) {
        options.progress(done_bytes += bytes, total_bytes);
      };
    }
    QUIRE_ASSIGN_OR_RETURN(auto reader, Scan(snap, scan));
    for (;;) {
      QUIRE_ASSIGN_OR_RETURN(auto batch, reader->Next());
      if (!batch) break;
      rows += batch->num_rows();
      QUIRE_RETURN_NOT_OK(writer->Write(*batch));
    }
    QUIRE_ASSIGN_OR_RETURN(auto written, writer->Finish());
    for (auto& a : written) {
      a.data_change = false;
      adds.push_back(std::move(a));
    }
    for (size_t i : bin) {
      pending.read_files.insert(files[i].path);
      pending.actions.push_back(RemoveActionFor(files[i], now, /*data_change=*/false));
      ++removed;
    }
  }
  if (removed == 0) {
    CommitResult nothing;
    nothing.version = snap->version();
    nothing.skipped = true;
    return nothing;
  }
  pending.operation_metrics["numRemovedFiles"] = removed;
  pending.operation_metrics["numAddedFiles"] = int64_t(adds.size());
  pending.operation_metrics["numRows"] = rows;
  for (auto& a : adds) pending.actions.push_back(std::move(a));
  return Commit(table, std::move(pending), options.commit);
}

Result<std::string> WriteSnapshotCheckpoint(const Table& table, const Snapshot& snapshot) {
  std::vector<AppTransaction> txns;
  for (const auto& [id, txn] : snapshot.app_transactions()) txns.push_back(txn);
  std::vector<DomainMetadata> domains;
  for (const auto& [name, domain] : snapshot.domain_metadata()) domains.push_back(domain);
  QUIRE_ASSIGN_OR_RETURN(
      auto result, WriteCheckpoint(*table.fs(), LogDir(table.root()), snapshot.version(),
                                   snapshot.protocol(), snapshot.metadata(), txns, domains,
                                   snapshot.files(), snapshot.tombstones()));
  return result.path;
}

Result<int64_t> CleanupLog(const Table& table, int64_t now_ms) {
  QUIRE_ASSIGN_OR_RETURN(SnapshotPtr snap, table.Latest());
  if (snap->Property("delta.enableExpiredLogCleanup", "true") == "false") return 0;
  QUIRE_ASSIGN_OR_RETURN(int64_t retention,
                         ParseIntervalMs(snap->Property("delta.logRetentionDuration",
                                                        "interval 30 days")));
  const int64_t cutoff = now_ms - retention;
  QUIRE_ASSIGN_OR_RETURN(auto commits, ListCommits(*table.fs(), table.root()));
  // The oldest version still within the retention must stay readable: keep the
  // newest checkpoint at or before it and everything after.
  std::optional<int64_t> oldest_kept;
  for (const auto& c : commits) {
    if (ModificationMs(c.info) > cutoff) {
      oldest_kept = c.version;
      break;
    }
  }
  if (!oldest_kept) oldest_kept = snap->version();
  QUIRE_ASSIGN_OR_RETURN(LogSegment segment,
                         ListLogSegment(*table.fs(), table.root(), *oldest_kept));
  if (!segment.checkpoint) return 0;  // nothing can go without a checkpoint to start from
  const int64_t first_needed = segment.checkpoint->version;
  QUIRE_ASSIGN_OR_RETURN(auto entries, table.fs()->ListAll(LogDir(table.root())));
  std::vector<std::string> doomed;
  for (const auto& e : entries) {
    if (!e.is_file()) continue;
    const std::string_view name = std::string_view(e.path).substr(e.path.rfind('/') + 1);
    if (name.size() < 21 || name[20] != '.') continue;
    int64_t version = 0;
    auto [p, ec] = std::from_chars(name.data(), name.data() + 20, version);
    if (ec != std::errc() || p != name.data() + 20) continue;
    if (version < first_needed && ModificationMs(e) <= cutoff) doomed.push_back(e.path);
  }
  if (!doomed.empty()) QUIRE_RETURN_NOT_OK(table.fs()->Delete(doomed));
  return int64_t(doomed.size());
}

}  // namespace quire::table
