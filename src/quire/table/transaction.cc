/// \file quire/table/transaction.cc
/// \brief Optimistic commits, conflict checks, and create / write / delete.

#include "quire/table/transaction.h"

#include <chrono>
#include <functional>

#include <fmt/format.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/json.h"
#include "quire/compute/statistics.h"
#include "quire/table/checkpoint.h"
#include "quire/table/log_segment.h"
#include "quire/table/maintenance.h"
#include "quire/table/scan.h"
#include "quire/table/schema.h"
#include "quire/table/table_internal.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace {

using internal::ModificationMs;
using internal::NowMs;
using internal::Text;

std::string JsonString(std::string_view s) {
  std::string out;
  columnar::AppendJsonString(s, &out);
  return out;
}

std::string JsonStringList(const std::vector<std::string>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    out += JsonString(list[i]);
  }
  return out + "]";
}

std::string CommitInfoJson(const PendingCommit& pending, int64_t timestamp) {
  std::string out = fmt::format("{{\"timestamp\":{},\"operation\":{}", timestamp,
                                JsonString(pending.operation));
  out += ",\"operationParameters\":{";
  bool first = true;
  for (const auto& [k, v] : pending.operation_parameters) {
    out += fmt::format("{}{}:{}", first ? "" : ",", JsonString(k), JsonString(v));
    first = false;
  }
  out += "}";
  if (pending.read_snapshot) out += fmt::format(",\"readVersion\":{}", pending.read_snapshot->version());
  out += fmt::format(",\"isolationLevel\":\"Serializable\",\"isBlindAppend\":{}",
                     pending.blind_append ? "true" : "false");
  out += ",\"operationMetrics\":{";
  first = true;
  for (const auto& [k, v] : pending.operation_metrics) {
    out += fmt::format("{}{}:{}", first ? "" : ",", JsonString(k), JsonString(std::to_string(v)));
    first = false;
  }
  out += fmt::format("}},\"engineInfo\":\"quire/{}\"}}", "0.1.0");
  return out;
}

// Why the actions of `version` (a commit that landed first) conflict with
// `pending`, or "" when they do not (PROTOCOL.md leaves the rules to writers; these
// are Delta's serializable ones, with blind appends never conflicting).
std::string Conflict(const PendingCommit& pending, int64_t version,
                     const std::vector<Action>& winner) {
  std::string operation = "a commit";
  for (const auto& a : winner) {
    if (const auto* info = std::get_if<CommitInfo>(&a); info && info->operation) {
      operation = *info->operation;
    }
  }
  for (const auto& a : winner) {
    if (std::holds_alternative<Metadata>(a)) {
      return fmt::format("version {} ({}) changed the table's metadata (schema, partitioning "
                         "or properties)",
                         version, operation);
    }
    if (std::holds_alternative<Protocol>(a)) {
      return fmt::format("version {} ({}) changed the table's protocol", version, operation);
    }
    if (const auto* t = std::get_if<AppTransaction>(&a)) {
      for (const auto& mine : pending.actions) {
        const auto* m = std::get_if<AppTransaction>(&mine);
        if (m && m->app_id == t->app_id) {
          return fmt::format("version {} ({}) committed version {} of application '{}' too",
                             version, operation, t->version, t->app_id);
        }
      }
    }
  }
  if (pending.blind_append) return "";
  for (const auto& a : winner) {
    if (const auto* r = std::get_if<RemoveFile>(&a)) {
      if (pending.read_files.contains(r->path)) {
        return fmt::format("version {} ({}) removed {}, which this commit read or removes",
                           version, operation, r->path);
      }
    }
  }
  if (pending.rearranges_only) return "";
  for (const auto& a : winner) {
    if (const auto* add = std::get_if<AddFile>(&a); add && add->data_change) {
      if (!pending.read_predicate) {
        return fmt::format("version {} ({}) added {} to the table this commit read whole",
                           version, operation, add->path);
      }
      if (FileMayMatch(*pending.read_snapshot, *add, *pending.read_predicate)) {
        return fmt::format("version {} ({}) added {}, which may hold rows matching {}", version,
                           operation, add->path, pending.read_predicate->ToString());
      }
    }
  }
  return "";
}

// Record that `pending` removes `file` (read whole, so a concurrent removal of it
// conflicts).
void RemoveWhole(const AddFile& file, int64_t now, PendingCommit* pending) {
  pending->read_files.insert(file.path);
  pending->actions.push_back(RemoveActionFor(file, now, /*data_change=*/true));
}

Status MaybeCheckpoint(const Table& table, int64_t version, CommitResult* result) {
  QUIRE_ASSIGN_OR_RETURN(SnapshotPtr snap, table.AtVersion(version));
  int64_t interval = 10;
  const std::string text = snap->Property("delta.checkpointInterval", "10");
  try {
    interval = std::stoll(text);
  } catch (...) {
    interval = 10;
  }
  if (interval <= 0 || version == 0 || version % interval != 0) return Status::OK();
  QUIRE_RETURN_NOT_OK(WriteSnapshotCheckpoint(table, *snap).status());
  result->checkpoint_written = true;
  // PROTOCOL.md, "Metadata Cleanup": after a checkpoint, log files older than
  // delta.logRetentionDuration that no retained version needs may go.
  QUIRE_RETURN_NOT_OK(CleanupLog(table, NowMs()).status());
  return Status::OK();
}

}  // namespace

RemoveFile RemoveActionFor(const AddFile& file, int64_t now_ms, bool data_change) {
  RemoveFile r;
  r.path = file.path;
  r.deletion_timestamp = now_ms;
  r.data_change = data_change;
  r.extended_file_metadata = true;
  r.partition_values = file.partition_values;
  r.size = file.size;
  r.deletion_vector = file.deletion_vector;
  return r;
}

Status CheckWritable(const Protocol& protocol) {
  if (protocol.min_writer_version > 7) {
    return Status::Unsupported("writer version {} is not supported (quire writes 1 to 7)",
                               protocol.min_writer_version);
  }
  // Features whose rules quire's writes honour (or that constrain nothing it does).
  static const std::vector<std::string> supported = {
      "appendOnly",   "columnMapping", "deletionVectors",      "domainMetadata",
      "timestampNtz", "typeWidening",  "typeWidening-preview", "vacuumProtocolCheck",
      "invariants"};
  if (protocol.min_writer_version < 7 || !protocol.writer_features) {
    // Legacy versions: 3 adds check constraints, 4 generated columns and the change
    // data feed, 6 identity columns; quire does not enforce those.
    if (protocol.min_writer_version >= 3) {
      return Status::Unsupported(
          "writer version {} asks for check constraints, generated columns, change data "
          "feed or identity columns, which quire does not write",
          protocol.min_writer_version);
    }
    return Status::OK();
  }
  std::vector<std::string> unknown;
  for (const auto& f : *protocol.writer_features) {
    if (std::find(supported.begin(), supported.end(), f) == supported.end()) unknown.push_back(f);
  }
  if (unknown.empty()) return Status::OK();
  return Status::Unsupported("the table needs writer feature{} quire does not support: {}",
                             unknown.size() > 1 ? "s" : "", fmt::join(unknown, ", "));
}

Protocol ProtocolFor(const columnar::Schema& schema,
                     const std::map<std::string, std::string>& properties) {
  std::vector<std::string> reader, writer;
  bool ntz = false;
  for (const auto& f : schema.fields()) {
    if (f->type()->id() == columnar::TypeId::kTimestamp && f->type()->timezone().empty()) {
      ntz = true;
    }
  }
  auto property = [&](const char* key) {
    auto it = properties.find(key);
    return it == properties.end() ? std::string() : it->second;
  };
  const std::string mapping = property("delta.columnMapping.mode");
  if (mapping == "name" || mapping == "id") {
    reader.push_back("columnMapping");
    writer.push_back("columnMapping");
  }
  if (property("delta.enableDeletionVectors") == "true") {
    reader.push_back("deletionVectors");
    writer.push_back("deletionVectors");
  }
  if (ntz) {
    reader.push_back("timestampNtz");
    writer.push_back("timestampNtz");
  }
  if (property("delta.appendOnly") == "true") writer.push_back("appendOnly");
  Protocol p;
  if (reader.empty() && writer.empty()) return p;  // 1 / 2
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = reader;
  p.writer_features = writer;
  return p;
}

Result<CommitResult> Commit(const Table& table, PendingCommit pending,
                            const CommitOptions& options) {
  CommitResult result;
  int64_t version = pending.read_snapshot ? pending.read_snapshot->version() + 1 : 0;
  const int64_t now = NowMs();
  for (const auto& a : pending.actions) {
    if (std::holds_alternative<AddFile>(a)) ++result.files_added;
    if (std::holds_alternative<RemoveFile>(a)) ++result.files_removed;
  }
  std::string body;
  for (const auto& a : pending.actions) {
    body += ActionToJson(a);
    body += '\n';
  }
  for (int attempt = 1; attempt <= std::max(1, options.max_attempts); ++attempt) {
    result.attempts = attempt;
    const std::string text =
        "{\"commitInfo\":" + CommitInfoJson(pending, now) + "}\n" + body;
    const std::string path = CommitPath(table.root(), version);
    Status status = table.fs()->PutIfAbsent(
        path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    if (status.ok()) {
      result.version = version;
      if (options.checkpoint) {
        Status cp = MaybeCheckpoint(table, version, &result);
        if (!cp.ok()) result.checkpoint_error = cp;
      }
      return result;
    }
    if (status.code() != ErrorCode::kAlreadyExists) {
      // The request failed: the entry may still have been created (a lost
      // response). Read it back to know.
      auto existing = table.fs()->ReadAll(path);
      if (existing.ok() && Text(**existing) == text) {
        result.version = version;
        return result;
      }
      if (!existing.ok() && existing.status().code() == ErrorCode::kNotFound) {
        return Status::CommitStateUnknown(
            "{}: writing version {} failed ({}); it may still appear: read the table "
            "again before retrying",
            path, version, status.message());
      }
      if (!existing.ok()) {
        return Status::CommitStateUnknown("{}: writing version {} failed ({}), and so did "
                                          "reading it back ({})",
                                          path, version, status.message(),
                                          existing.status().message());
      }
      // Another writer's entry: a lost race after all.
    }
    if (!pending.read_snapshot) {
      return Status::CommitConflict("{}: the table was created by another writer", table.root());
    }
    // Lost the race for `version`: check what won.
    QUIRE_ASSIGN_OR_RETURN(auto winner_bytes, table.fs()->ReadAll(path));
    QUIRE_ASSIGN_OR_RETURN(auto winner, ParseActions(Text(*winner_bytes), path));
    const std::string why = Conflict(pending, version, winner);
    if (!why.empty()) {
      return Status::CommitConflict("{}: commit conflict: {} (this commit read version {})",
                                    table.root(), why, pending.read_snapshot->version());
    }
    ++version;
  }
  return Status::CommitConflict("{}: gave up after {} attempts: other writers kept committing",
                                table.root(), options.max_attempts);
}

Result<CommitResult> CreateTable(const Table& table, const columnar::SchemaPtr& schema,
                                 const CreateOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(bool exists, table.Exists());
  if (exists) return Status::AlreadyExists("{}: a table already exists there", table.root());
  for (const auto& p : options.partition_by) {
    const int index = schema->GetFieldIndex(p);
    if (index < 0) return Status::Invalid("partition column '{}' is not in the schema", p);
    if (schema->field(index)->type()->is_nested()) {
      return Status::Invalid("partition column '{}' has nested type {}", p,
                             schema->field(index)->type()->ToString());
    }
  }
  Metadata metadata;
  metadata.id = RandomUuid();
  metadata.name = options.name;
  metadata.description = options.description;
  QUIRE_ASSIGN_OR_RETURN(metadata.schema_string, DeltaSchemaToJson(*schema));
  metadata.partition_columns = options.partition_by;
  metadata.configuration = options.properties;
  metadata.created_time = NowMs();
  Protocol protocol = ProtocolFor(*schema, options.properties);
  PendingCommit pending;
  pending.operation = "CREATE TABLE";
  pending.operation_parameters["partitionBy"] = JsonStringList(options.partition_by);
  pending.actions.push_back(protocol);
  pending.actions.push_back(metadata);
  return Commit(table, std::move(pending), {.checkpoint = false});
}

Result<StagedWrite> StageWrite(const Table& table, SnapshotPtr snapshot,
                               const columnar::Schema& data_schema, const WriteOptions& options) {
  StagedWrite staged;
  staged.snapshot = snapshot;
  if (!snapshot) {
    // Created by this write, from the data's schema (column names kept; types the
    // protocol has no name for are refused before anything is written).
    QUIRE_ASSIGN_OR_RETURN(std::string schema_string, DeltaSchemaToJson(data_schema));
    QUIRE_ASSIGN_OR_RETURN(staged.schema, ParseDeltaSchema(schema_string));
    staged.partition_columns = options.create.partition_by;
    for (const auto& p : staged.partition_columns) {
      const int index = staged.schema->GetFieldIndex(p);
      if (index < 0) return Status::Invalid("partition column '{}' is not in the data", p);
      if (staged.schema->field(index)->type()->is_nested()) {
        return Status::Invalid("partition column '{}' has nested type {}", p,
                               staged.schema->field(index)->type()->ToString());
      }
    }
    Metadata metadata;
    metadata.id = RandomUuid();
    metadata.name = options.create.name;
    metadata.description = options.create.description;
    metadata.schema_string = std::move(schema_string);
    metadata.partition_columns = staged.partition_columns;
    metadata.configuration = options.create.properties;
    metadata.created_time = NowMs();
    staged.prefix.push_back(ProtocolFor(*staged.schema, options.create.properties));
    staged.prefix.push_back(std::move(metadata));
    return staged;
  }
  QUIRE_RETURN_NOT_OK(CheckWritable(snapshot->protocol()));
  staged.schema = snapshot->schema();
  staged.partition_columns = snapshot->metadata().partition_columns;
  staged.mapping_mode = snapshot->column_mapping_mode();
  if (options.app_id) {
    auto it = snapshot->app_transactions().find(*options.app_id);
    if (it != snapshot->app_transactions().end() && it->second.version >= options.app_version) {
      staged.skipped = true;
      return staged;
    }
  }
  if (options.schema_evolution) {
    QUIRE_ASSIGN_OR_RETURN(auto evolved, EvolveSchema(staged.schema, data_schema));
    if (evolved != staged.schema) {
      Metadata metadata = snapshot->metadata();
      QUIRE_ASSIGN_OR_RETURN(metadata.schema_string, DeltaSchemaToJson(*evolved));
      QUIRE_ASSIGN_OR_RETURN(staged.schema, ParseDeltaSchema(metadata.schema_string));
      staged.prefix.push_back(std::move(metadata));
    }
  }
  if (snapshot->Property("delta.appendOnly") == "true" && options.mode != WriteMode::kAppend) {
    return Status::Invalid("{}: the table is append-only (delta.appendOnly)", table.root());
  }
  if (options.mode == WriteMode::kOverwrite && options.replace_where &&
      !IsPartitionPredicate(*snapshot, *options.replace_where)) {
    return Status::Invalid("replace_where {} must name partition columns only, so that it "
                           "selects whole files",
                           options.replace_where->ToString());
  }
  return staged;
}

Result<WrittenFiles> WriteDataFiles(const Table& table, const StagedWrite& staged,
                                    columnar::RecordBatchReader& data,
                                    const WriteOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(auto writer,
                         DataFileWriter::Make(table.fs(), table.root(), staged.schema,
                                              staged.partition_columns, staged.mapping_mode,
                                              options.data));
  WrittenFiles out;
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(auto batch, data.Next());
    if (!batch) break;
    QUIRE_ASSIGN_OR_RETURN(auto conformed, ConformBatch(*batch, staged.schema));
    if (options.replace_where) {
      QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*options.replace_where, *conformed));
      for (int64_t i = 0; i < mask->length(); ++i) {
        if (mask->IsNull(i) || !util::GetBit(mask->buffer(1)->data(), mask->offset() + i)) {
          return Status::Invalid("row {} of the data does not match replace_where {}",
                                 out.rows + i, options.replace_where->ToString());
        }
      }
    }
    out.rows += conformed->num_rows();
    QUIRE_RETURN_NOT_OK(writer->Write(*conformed));
  }
  QUIRE_ASSIGN_OR_RETURN(out.adds, writer->Finish());
  out.bytes = writer->bytes_written();
  return out;
}

Result<CommitResult> CommitWrite(const Table& table, const StagedWrite& staged,
                                 WrittenFiles files, const WriteOptions& options) {
  const SnapshotPtr& snapshot = staged.snapshot;
  PendingCommit pending;
  pending.read_snapshot = snapshot;
  pending.actions = staged.prefix;
  if (snapshot && options.mode == WriteMode::kOverwrite) {
    pending.blind_append = false;
    pending.read_predicate = options.replace_where;
    pending.operation = "WRITE";
    pending.operation_parameters["mode"] = "Overwrite";
    if (options.replace_where) {
      pending.operation_parameters["predicate"] = options.replace_where->ToString();
    }
    const int64_t now = NowMs();
    for (const AddFile& f : snapshot->files()) {
      if (options.replace_where) {
        QUIRE_ASSIGN_OR_RETURN(auto match,
                               EvaluateOnPartition(*snapshot, f, *options.replace_where));
        if (!match.value_or(false)) continue;
      }
      RemoveWhole(f, now, &pending);
    }
  } else {
    pending.operation = snapshot ? "WRITE" : "CREATE TABLE AS SELECT";
    pending.operation_parameters["mode"] = snapshot ? "Append" : "ErrorIfExists";
  }
  if (!staged.partition_columns.empty()) {
    pending.operation_parameters["partitionBy"] = JsonStringList(staged.partition_columns);
  }
  const int64_t num_files = int64_t(files.adds.size());
  for (auto& a : files.adds) pending.actions.push_back(std::move(a));
  if (options.app_id) {
    pending.actions.push_back(AppTransaction{*options.app_id, options.app_version, NowMs()});
  }
  pending.operation_metrics["numOutputRows"] = files.rows;
  pending.operation_metrics["numOutputBytes"] = files.bytes;
  pending.operation_metrics["numFiles"] = num_files;
  QUIRE_ASSIGN_OR_RETURN(CommitResult result, Commit(table, std::move(pending), options.commit));
  result.rows_written = files.rows;
  result.bytes_written = files.bytes;
  return result;
}

Result<CommitResult> WriteTable(const Table& table, columnar::RecordBatchReader& data,
                                const WriteOptions& options) {
  auto latest = table.Latest();
  SnapshotPtr snapshot;
  if (latest.ok()) {
    snapshot = *latest;
  } else if (latest.status().code() != ErrorCode::kNotFound) {
    return latest.status();
  }
  QUIRE_ASSIGN_OR_RETURN(StagedWrite staged, StageWrite(table, snapshot, *data.schema(), options));
  if (staged.skipped) {
    CommitResult skipped;
    skipped.version = snapshot->version();
    skipped.skipped = true;
    return skipped;
  }
  QUIRE_ASSIGN_OR_RETURN(WrittenFiles files, WriteDataFiles(table, staged, data, options));
  return CommitWrite(table, staged, std::move(files), options);
}

namespace {

// Whether row `r` of boolean `mask` is true (not false, not null).
bool Selected(const columnar::Array& mask, int64_t r) {
  return !mask.IsNull(r) && util::GetBit(mask.buffer(1)->data(), mask.offset() + r);
}

// The runs of rows of `mask` that are (or, with `want` false, are not) selected.
std::vector<std::pair<int64_t, int64_t>> Runs(const columnar::Array& mask, bool want) {
  std::vector<std::pair<int64_t, int64_t>> runs;
  for (int64_t r = 0; r < mask.length(); ++r) {
    if (Selected(mask, r) != want) continue;
    if (!runs.empty() && runs.back().first + runs.back().second == r) {
      ++runs.back().second;
    } else {
      runs.emplace_back(r, 1);
    }
  }
  return runs;
}

// A predicate-driven change of rows (delete, update): `rewrite` turns a batch and
// the predicate's mask into the rows to write back.
using Rewrite = std::function<Result<columnar::RecordBatchPtr>(const columnar::RecordBatchPtr&,
                                                               const columnar::Array& mask)>;

// Commit the rewrite of the rows matching `predicate`: files whose partition values
// satisfy a partition-only predicate entirely are handled whole when `rewrite` is
// null (delete); other candidate files are read and written back through `rewrite`,
// files with no selected row staying as they are.
Result<CommitResult> RewriteMatching(const Table& table, const compute::ExpressionPtr& predicate,
                                     PendingCommit pending, const Rewrite& rewrite,
                                     const DataWriteOptions& data, const CommitOptions& commit) {
  const SnapshotPtr& snapshot = pending.read_snapshot;
  pending.blind_append = false;
  pending.read_predicate = predicate;
  pending.operation_parameters["predicate"] = predicate->ToString();
  QUIRE_ASSIGN_OR_RETURN(auto candidates, PlanScanFiles(*snapshot, predicate.get()));
  const bool whole_files = !rewrite && IsPartitionPredicate(*snapshot, *predicate);
  const int64_t now = NowMs();
  QUIRE_ASSIGN_OR_RETURN(auto writer, DataFileWriter::Make(table.fs(), table.root(),
                                                           snapshot->schema(),
                                                           snapshot->metadata().partition_columns,
                                                           snapshot->column_mapping_mode(), data));
  int64_t rows_selected = 0, rows_written = 0, files_removed = 0;
  for (size_t i : candidates) {
    const AddFile& f = snapshot->files()[i];
    if (whole_files) {
      QUIRE_ASSIGN_OR_RETURN(auto match, EvaluateOnPartition(*snapshot, f, *predicate));
      if (!match.value_or(false)) continue;
    } else {
      // The file's rows after the change; held until it is known that some row
      // matched (statistics may keep files where none does).
      ScanOptions scan;
      scan.num_threads = 1;
      scan.files = std::vector<size_t>{i};
      QUIRE_ASSIGN_OR_RETURN(auto rows, Scan(snapshot, scan));
      std::vector<columnar::RecordBatchPtr> out;
      int64_t selected_here = 0;
      for (;;) {
        QUIRE_ASSIGN_OR_RETURN(auto batch, rows->Next());
        if (!batch) break;
        QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*predicate, *batch));
        for (int64_t r = 0; r < mask->length(); ++r) selected_here += Selected(*mask, r);
        columnar::RecordBatchPtr changed;
        if (rewrite) {
          QUIRE_ASSIGN_OR_RETURN(changed, rewrite(batch, *mask));
        } else {
          QUIRE_ASSIGN_OR_RETURN(changed, compute::Filter(*batch, Runs(*mask, false)));
        }
        if (changed->num_rows() > 0) out.push_back(std::move(changed));
      }
      if (selected_here == 0) continue;
      rows_selected += selected_here;
      for (const auto& batch : out) {
        rows_written += batch->num_rows();
        QUIRE_RETURN_NOT_OK(writer->Write(*batch));
      }
    }
    RemoveWhole(f, now, &pending);
    ++files_removed;
  }
  QUIRE_ASSIGN_OR_RETURN(auto adds, writer->Finish());
  for (auto& a : adds) pending.actions.push_back(std::move(a));
  pending.operation_metrics["numRemovedFiles"] = files_removed;
  pending.operation_metrics["numAddedFiles"] = int64_t(adds.size());
  pending.operation_metrics[rewrite ? "numUpdatedRows" : "numDeletedRows"] = rows_selected;
  pending.operation_metrics["numCopiedRows"] =
      rewrite ? rows_written - rows_selected : rows_written;
  if (files_removed == 0) {
    CommitResult nothing;
    nothing.version = snapshot->version();
    nothing.skipped = true;
    return nothing;
  }
  return Commit(table, std::move(pending), commit);
}

// The latest snapshot, if quire may change its rows.
Result<SnapshotPtr> SnapshotToChange(const Table& table) {
  QUIRE_ASSIGN_OR_RETURN(SnapshotPtr snapshot, table.Latest());
  QUIRE_RETURN_NOT_OK(CheckWritable(snapshot->protocol()));
  if (snapshot->Property("delta.appendOnly") == "true") {
    return Status::Invalid("{}: the table is append-only (delta.appendOnly)", table.root());
  }
  return snapshot;
}

}  // namespace

Result<CommitResult> DeleteRows(const Table& table, const compute::ExpressionPtr& predicate,
                                const DataWriteOptions& data, const CommitOptions& commit) {
  if (!predicate) return Status::Invalid("DeleteRows needs a predicate");
  PendingCommit pending;
  QUIRE_ASSIGN_OR_RETURN(pending.read_snapshot, SnapshotToChange(table));
  pending.operation = "DELETE";
  return RewriteMatching(table, predicate, std::move(pending), nullptr, data, commit);
}

Result<CommitResult> UpdateRows(const Table& table, const compute::ExpressionPtr& predicate,
                                const std::map<std::string, compute::Literal>& values,
                                const DataWriteOptions& data, const CommitOptions& commit) {
  if (!predicate) return Status::Invalid("UpdateRows needs a predicate");
  if (values.empty()) return Status::Invalid("UpdateRows needs at least one column to set");
  PendingCommit pending;
  QUIRE_ASSIGN_OR_RETURN(pending.read_snapshot, SnapshotToChange(table));
  const auto& schema = pending.read_snapshot->schema();
  // Each new value as a one-row array of its column's type, checked up front.
  std::map<int, columnar::ArrayPtr> constants;
  std::string set;
  for (const auto& [name, literal] : values) {
    const int index = schema->GetFieldIndex(name);
    if (index < 0) return Status::NotFound("the table has no column '{}'", name);
    const auto& field = schema->field(index);
    std::optional<std::string> text;
    switch (literal.kind) {
      case compute::Literal::Kind::kNull: break;
      case compute::Literal::Kind::kBool: text = literal.bool_value ? "true" : "false"; break;
      case compute::Literal::Kind::kInt: text = std::to_string(literal.int_value); break;
      case compute::Literal::Kind::kDouble:
        text = columnar::FormatDoubleShortest(literal.double_value);
        break;
      case compute::Literal::Kind::kString: text = literal.string_value; break;
    }
    if (!text && !field->nullable()) {
      return Status::Invalid("column '{}' is not nullable: it cannot be set to null", name);
    }
    auto constant = PartitionValueArray(field->type(), text, 1);
    if (!constant.ok()) {
      return Status::Invalid("column '{}' ({}) cannot hold {}: {}", name,
                             field->type()->ToString(), literal.ToString(),
                             constant.status().message());
    }
    constants[index] = std::move(*constant);
    set += fmt::format("{}{} = {}", set.empty() ? "" : ", ", name, literal.ToString());
  }
  pending.operation = "UPDATE";
  pending.operation_parameters["set"] = set;
  Rewrite rewrite = [&](const columnar::RecordBatchPtr& batch,
                        const columnar::Array& mask) -> Result<columnar::RecordBatchPtr> {
    const auto selected = Runs(mask, true);
    if (selected.empty()) return batch;
    columnar::ArrayVector columns = batch->columns();
    for (const auto& [index, constant] : constants) {
      // The column with the selected runs replaced by the constant.
      const columnar::Array& old = *columns[size_t(index)];
      QUIRE_ASSIGN_OR_RETURN(auto builder, columnar::MakeBuilder(old.type()));
      int64_t at = 0;
      for (const auto& [first, length] : selected) {
        if (first > at) QUIRE_RETURN_NOT_OK(builder->AppendArray(old, at, first - at));
        for (int64_t k = 0; k < length; ++k) {
          QUIRE_RETURN_NOT_OK(builder->AppendArray(*constant, 0, 1));
        }
        at = first + length;
      }
      if (old.length() > at) QUIRE_RETURN_NOT_OK(builder->AppendArray(old, at, old.length() - at));
      QUIRE_ASSIGN_OR_RETURN(columns[size_t(index)], builder->Finish());
    }
    return columnar::RecordBatch::Make(batch->schema(), batch->num_rows(), std::move(columns));
  };
  return RewriteMatching(table, predicate, std::move(pending), rewrite, data, commit);
}

}  // namespace quire::table
