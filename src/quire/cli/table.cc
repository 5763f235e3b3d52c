/// \file quire/cli/table.cc
/// \brief `quire table`: create, append, overwrite, delete, scan, files, info,
/// history and checkpoint of Delta tables in any store quire reaches.

#include "quire/table/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quire/cli/commands.h"
#include "quire/cli/output.h"
#include "quire/columnar/json.h"
#include "quire/columnar/pretty_print.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type_parse.h"
#include "quire/compute/expression.h"
#include "quire/io/file_system.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/table/checkpoint.h"
#include "quire/table/maintenance.h"
#include "quire/table/log_segment.h"
#include "quire/table/scan.h"
#include "quire/table/schema.h"
#include "quire/table/snapshot.h"
#include "quire/table/transaction.h"
#include "quire/text/csv_reader.h"
#include "quire/text/csv_writer.h"
#include "quire/text/jsonl_reader.h"
#include "quire/util/macros.h"
#include "quire/util/progress.h"

namespace quire::cli {

namespace {

using columnar::RecordBatchReader;
using columnar::SchemaPtr;

// The format of a data file from its extension, as `quire convert` tells them.
Result<std::string> InputFormatOf(const std::string& path) {
  std::string format = FormatOf(path);
  if (!format.empty()) return format;
  return Status::Invalid(
      "{}: cannot tell the format from the name (.parquet, .csv, .tsv, .jsonl, .ndjson, "
      ".json)",
      path);
}

// A Parquet file's batches; owns the FileReader the stream reads from.
class ParquetFileBatches final : public RecordBatchReader {
 public:
  ParquetFileBatches(std::unique_ptr<parquet::FileReader> file,
                     std::unique_ptr<RecordBatchReader> batches)
      : file_(std::move(file)), batches_(std::move(batches)) {}
  SchemaPtr schema() const override { return batches_->schema(); }
  Result<columnar::RecordBatchPtr> Next() override { return batches_->Next(); }

 private:
  std::unique_ptr<parquet::FileReader> file_;
  std::unique_ptr<RecordBatchReader> batches_;
};

// A data file opened for reading, and how many of its bytes are read so far
// (unknown for Parquet: 0 until the end).
struct OpenedFile {
  std::unique_ptr<RecordBatchReader> reader;
  std::function<int64_t()> bytes_read = [] { return int64_t(0); };
};

// Open one Parquet, CSV or JSON Lines file as batches. CSV and JSON Lines are read
// with `schema` when given (so values take the table's types rather than inferred
// ones), falling back to inference when the file does not match it (a missing
// column, say: the table layer then fills or rejects it by name).
Result<OpenedFile> OpenDataFile(const std::string& path, const SchemaPtr& schema) {
  QUIRE_ASSIGN_OR_RETURN(std::string format, InputFormatOf(path));
  if (format == "parquet") {
    QUIRE_ASSIGN_OR_RETURN(auto file, io::OpenReadUrl(path));
    QUIRE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
    QUIRE_ASSIGN_OR_RETURN(auto batches, reader->Read());
    return OpenedFile{
        std::make_unique<ParquetFileBatches>(std::move(reader), std::move(batches))};
  }
  auto open = [&](const SchemaPtr& with) -> Result<OpenedFile> {
    QUIRE_ASSIGN_OR_RETURN(auto input, io::OpenInputUrl(path));
    if (format == "csv") {
      text::CsvReadOptions co;
      co.schema = with;
      if (Lower(path).ends_with(".tsv")) co.delimiter = '\t';
      QUIRE_ASSIGN_OR_RETURN(auto reader, text::CsvReader::Open(std::move(input), co));
      text::CsvReader* csv = reader.get();
      return OpenedFile{std::move(reader), [csv] { return csv->bytes_read(); }};
    }
    text::JsonlReadOptions jo;
    jo.schema = with;
    QUIRE_ASSIGN_OR_RETURN(auto reader, text::JsonlReader::Open(std::move(input), jo));
    text::JsonlReader* jsonl = reader.get();
    return OpenedFile{std::move(reader), [jsonl] { return jsonl->bytes_read(); }};
  };
  if (schema) {
    auto with_schema = open(schema);
    if (with_schema.ok() || with_schema.status().code() != ErrorCode::kInvalidArgument) {
      return with_schema;
    }
  }
  return open(nullptr);
}

// The files given to append/overwrite, one after the other, as one stream, with a
// progress bar over their bytes. Every file is found before anything is read (a
// missing one fails the write early); files after the first are opened when
// reached and must have the first one's schema.
class FilesBatches final : public RecordBatchReader {
 public:
  static Result<std::unique_ptr<FilesBatches>> Open(std::vector<std::string> paths,
                                                    SchemaPtr table_schema,
                                                    const std::string& progress) {
    if (paths.empty()) return Status::Invalid("no data files given");
    auto self = std::unique_ptr<FilesBatches>(new FilesBatches());
    int64_t total = 0;
    for (const std::string& path : paths) {
      QUIRE_RETURN_NOT_OK(InputFormatOf(path).status());
      QUIRE_ASSIGN_OR_RETURN(auto fp, io::FileSystemFromUrl(path));
      QUIRE_ASSIGN_OR_RETURN(io::FileInfo info, fp.fs->Stat(fp.path));
      if (!info.is_file()) return Status::Invalid("{}: not a file", path);
      self->sizes_.push_back(info.size);
      total += info.size;
    }
    QUIRE_ASSIGN_OR_RETURN(self->current_, OpenDataFile(paths[0], table_schema));
    self->schema_ = self->current_.reader->schema();
    self->table_schema_ = std::move(table_schema);
    self->progress_ = MakeProgress(
        progress, paths.size() == 1 ? paths[0] : fmt::format("{} files", paths.size()), total);
    self->paths_ = std::move(paths);
    return self;
  }
  SchemaPtr schema() const override { return schema_; }
  Result<columnar::RecordBatchPtr> Next() override {
    while (current_.reader) {
      auto batch = current_.reader->Next();
      if (!batch.ok()) {
        if (progress_) progress_->Finish();
        return batch.status().WithContext(paths_[index_]);
      }
      if (*batch) {
        if (progress_) progress_->Update(done_ + current_.bytes_read());
        return batch;
      }
      current_ = OpenedFile{};
      done_ += sizes_[index_];
      if (++index_ == paths_.size()) break;
      QUIRE_ASSIGN_OR_RETURN(current_, OpenDataFile(paths_[index_], table_schema_));
      if (!current_.reader->schema()->Equals(*schema_)) {
        return Status::Invalid("{}: its columns ({}) differ from those of {} ({})",
                               paths_[index_], current_.reader->schema()->ToString(),
                               paths_[0], schema_->ToString());
      }
    }
    if (progress_) progress_->Finish();
    return columnar::RecordBatchPtr();
  }
  /// Erase the progress line (before the result is printed).
  void FinishProgress() {
    if (progress_) progress_->Finish();
  }

 private:
  FilesBatches() = default;
  SchemaPtr schema_;
  SchemaPtr table_schema_;
  std::vector<std::string> paths_;
  std::vector<int64_t> sizes_;
  size_t index_ = 0;
  int64_t done_ = 0;  // bytes of the files finished
  OpenedFile current_;
  std::unique_ptr<util::ProgressBar> progress_;
};


Result<compute::ExpressionPtr> ParseWhere(const std::string& text) {
  auto parsed = compute::ParseExpression(text);
  if (!parsed.ok()) return parsed.status().WithContext("--where");
  return parsed;
}

Result<std::map<std::string, std::string>> ParseProperties(
    const std::vector<std::string>& specs) {
  std::map<std::string, std::string> properties;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Invalid("--property wants KEY=VALUE, got '{}'", spec);
    }
    properties[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  return properties;
}

// The snapshot a read command asks for: --version, --as-of or the latest.
Result<table::SnapshotPtr> ChosenSnapshot(const table::Table& t, const TableOptions& o) {
  if (o.version && !o.as_of.empty()) {
    return Status::Invalid("--version and --as-of are exclusive");
  }
  if (o.version) return t.AtVersion(*o.version);
  if (!o.as_of.empty()) {
    auto ms = table::ParseTimestampMs(o.as_of);
    if (!ms.ok()) return ms.status().WithContext("--as-of");
    return t.AsOf(*ms);
  }
  return t.Latest();
}

Result<std::shared_ptr<table::Table>> OpenTable(const std::string& url) {
  return table::Table::Open(url);
}

void PrintCommit(const table::CommitResult& r) {
  if (r.skipped) {
    std::printf("skipped: version %lld already holds this app transaction\n",
                static_cast<long long>(r.version));
    return;
  }
  std::printf("version %lld\n", static_cast<long long>(r.version));
  std::fflush(stdout);  // the version first, then the summary, on a terminal too
  if (r.files_added || r.files_removed) {
    std::fprintf(
        stderr, "%lld files added, %lld removed, %lld rows, %lld bytes written\n",
        static_cast<long long>(r.files_added), static_cast<long long>(r.files_removed),
        static_cast<long long>(r.rows_written), static_cast<long long>(r.bytes_written));
  }
  if (r.checkpoint_written) std::fprintf(stderr, "checkpoint written\n");
  if (r.checkpoint_error) {
    std::fprintf(stderr,
                 "quire: warning: the commit succeeded, its checkpoint did not: %s\n",
                 r.checkpoint_error->ToString().c_str());
  }
}

Status Create(const TableOptions& o) {
  if (o.schema.empty() == o.like.empty()) {
    return Status::Invalid("give exactly one of --schema and --like");
  }
  SchemaPtr schema;
  if (!o.schema.empty()) {
    QUIRE_ASSIGN_OR_RETURN(schema, SchemaOption(o.schema));
  } else {
    QUIRE_ASSIGN_OR_RETURN(auto file, OpenDataFile(o.like, nullptr));
    schema = file.reader->schema();
  }
  table::CreateOptions co;
  co.partition_by = o.partition_by;
  QUIRE_ASSIGN_OR_RETURN(co.properties, ParseProperties(o.properties));
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  QUIRE_ASSIGN_OR_RETURN(auto result, table::CreateTable(*t, schema, co));
  PrintCommit(result);
  return Status::OK();
}

Status Write(const TableOptions& o, table::WriteMode mode) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  table::WriteOptions wo;
  wo.mode = mode;
  wo.schema_evolution = o.schema_evolution;
  wo.create.partition_by = o.partition_by;
  QUIRE_ASSIGN_OR_RETURN(wo.create.properties, ParseProperties(o.properties));
  if (!o.where.empty()) {
    if (mode != table::WriteMode::kOverwrite) {
      return Status::Invalid("--where applies to overwrite");
    }
    QUIRE_ASSIGN_OR_RETURN(wo.replace_where, ParseWhere(o.where));
  }
  if (!o.app_id.empty()) {
    if (!o.app_version) return Status::Invalid("--app-id needs --app-version");
    wo.app_id = o.app_id;
    wo.app_version = *o.app_version;
  } else if (o.app_version) {
    return Status::Invalid("--app-version needs --app-id");
  }
  // Text files are read with the table's types when it exists (and its schema is
  // not meant to evolve), so that "1" lands in an int32 column as one.
  SchemaPtr table_schema;
  QUIRE_ASSIGN_OR_RETURN(bool exists, t->Exists());
  if (exists && !o.schema_evolution) {
    QUIRE_ASSIGN_OR_RETURN(auto snapshot, t->Latest());
    table_schema = snapshot->schema();
  }
  QUIRE_ASSIGN_OR_RETURN(auto data,
                         FilesBatches::Open(o.files, table_schema, o.progress));
  auto result = table::WriteTable(*t, *data, wo);
  data->FinishProgress();
  QUIRE_RETURN_NOT_OK(result.status());
  PrintCommit(*result);
  return Status::OK();
}

Status Delete(const TableOptions& o) {
  if (o.where.empty()) return Status::Invalid("delete needs --where");
  QUIRE_ASSIGN_OR_RETURN(auto predicate, ParseWhere(o.where));
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  QUIRE_ASSIGN_OR_RETURN(auto result, table::DeleteRows(*t, predicate));
  PrintCommit(result);
  return Status::OK();
}

Status Update(const TableOptions& o) {
  if (o.where.empty()) return Status::Invalid("update needs --where");
  if (o.set.empty()) return Status::Invalid("update needs at least one --set COLUMN=VALUE");
  QUIRE_ASSIGN_OR_RETURN(auto predicate, ParseWhere(o.where));
  std::map<std::string, compute::Literal> values;
  for (const auto& assignment : o.set) {
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Invalid("--set '{}': expected COLUMN=VALUE, e.g. name='x' or n=3",
                             assignment);
    }
    // The value is a literal of the filter language: 3, 2.5, 'text', true, null.
    const std::string value = assignment.substr(eq + 1);
    auto parsed = compute::ParseExpression(value);
    if (!parsed.ok() || (*parsed)->kind() != compute::Expression::Kind::kLiteral) {
      return Status::Invalid("--set '{}': {} is not a literal (3, 2.5, 'text', true, null)",
                             assignment, value);
    }
    values[assignment.substr(0, eq)] = (*parsed)->literal();
  }
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  QUIRE_ASSIGN_OR_RETURN(auto result, table::UpdateRows(*t, predicate, values));
  PrintCommit(result);
  return Status::OK();
}

void WriteStdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

// `scan --output FILE`: the rows written as Parquet, CSV or JSON Lines (from
// --format, else the file's extension), whole or not at all, with a progress bar
// over the bytes of the files scanned.
Status ScanToFile(const TableOptions& o, const table::SnapshotPtr& snapshot,
                  table::ScanOptions so, const table::ScanReport& report) {
  std::string format = o.format;
  if (format.empty()) {
    QUIRE_ASSIGN_OR_RETURN(format, InputFormatOf(o.output));
  }
  if (o.limit >= 0) return Status::Invalid("--limit applies to printed rows, not --output");
  QUIRE_ASSIGN_OR_RETURN(auto kept, table::PlanScanFiles(*snapshot, so.filter.get()));
  int64_t total = 0;
  for (size_t i : kept) total += snapshot->files()[i].size;
  auto bar = MakeProgress(o.progress, o.output, total);
  std::atomic<int64_t> done{0};
  if (bar) so.on_file_read = [&](int64_t bytes) { bar->Update(done += bytes); };
  QUIRE_ASSIGN_OR_RETURN(auto batches, table::Scan(snapshot, so));
  QUIRE_ASSIGN_OR_RETURN(auto out, io::OpenWriteUrl(o.output));
  BatchFileWriter::Options wo;
  wo.parquet.num_threads = o.threads;
  // Destroyed without Close() on an error, the writer leaves the path as it was.
  QUIRE_ASSIGN_OR_RETURN(auto writer,
                         BatchFileWriter::Open(format, std::move(out), batches->schema(), wo));
  int64_t rows = 0;
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(auto b, batches->Next());
    if (!b) break;
    rows += b->num_rows();
    QUIRE_RETURN_NOT_OK(writer->Write(*b));
  }
  QUIRE_RETURN_NOT_OK(writer->Close());
  batches.reset();
  if (bar) bar->Finish();
  std::fprintf(stderr, "%lld rows written to %s\n", static_cast<long long>(rows),
               o.output.c_str());
  if (o.stats) {
    std::fprintf(stderr, "version %lld\n%s\n", static_cast<long long>(snapshot->version()),
                 report.ToString().c_str());
  }
  return Status::OK();
}

Status ScanCommand(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  QUIRE_ASSIGN_OR_RETURN(auto snapshot, ChosenSnapshot(*t, o));
  table::ScanReport report;
  table::ScanOptions so;
  so.columns = o.columns;
  so.num_threads = o.threads;
  so.report = &report;
  if (!o.where.empty()) {
    QUIRE_ASSIGN_OR_RETURN(so.filter, ParseWhere(o.where));
  }
  if (!o.output.empty()) return ScanToFile(o, snapshot, std::move(so), report);
  QUIRE_ASSIGN_OR_RETURN(auto batches, table::Scan(snapshot, so));
  const std::string format = o.format.empty() ? "jsonl" : o.format;
  int64_t printed = 0;
  auto more = [&] { return o.limit < 0 || printed < o.limit; };
  if (format == "table") {
    std::vector<columnar::RecordBatchPtr> all;
    while (more()) {
      QUIRE_ASSIGN_OR_RETURN(auto b, batches->Next());
      if (!b) break;
      printed += b->num_rows();
      all.push_back(std::move(b));
    }
    QUIRE_ASSIGN_OR_RETURN(auto rows,
                           columnar::Table::FromBatches(batches->schema(), all));
    auto shown = o.limit >= 0 ? rows->Slice(0, o.limit) : rows;
    std::string text =
        columnar::PrettyPrint(*shown, {.max_rows = o.limit >= 0 ? o.limit : 50});
    if (!text.ends_with('\n')) text.push_back('\n');
    WriteStdout(text);
  } else if (format == "csv") {
    auto out = io::OpenStdout();
    QUIRE_ASSIGN_OR_RETURN(auto writer,
                           text::CsvWriter::Make(batches->schema(), out.get()));
    while (more()) {
      QUIRE_ASSIGN_OR_RETURN(auto b, batches->Next());
      if (!b) break;
      if (o.limit >= 0 && b->num_rows() > o.limit - printed)
        b = b->Slice(0, o.limit - printed);
      printed += b->num_rows();
      QUIRE_RETURN_NOT_OK(writer->Write(*b));
    }
    QUIRE_RETURN_NOT_OK(writer->Close());
    QUIRE_RETURN_NOT_OK(out->Close());
  } else if (format == "count") {
    // Every chosen column decoded, nothing printed but the number of rows.
    for (;;) {
      QUIRE_ASSIGN_OR_RETURN(auto b, batches->Next());
      if (!b) break;
      printed += b->num_rows();
    }
    std::printf("%lld\n", static_cast<long long>(printed));
  } else if (format == "jsonl") {
    std::string line;
    while (more()) {
      QUIRE_ASSIGN_OR_RETURN(auto b, batches->Next());
      if (!b) break;
      for (int64_t r = 0; r < b->num_rows() && more(); ++r) {
        line.clear();
        line.push_back('[');
        for (int c = 0; c < b->num_columns(); ++c) {
          if (c) line.push_back(',');
          columnar::AppendJsonValue(*b->column(c), r, &line, b->schema()->field(c).get());
        }
        line += "]\n";
        WriteStdout(line);
        ++printed;
      }
    }
  } else {
    return Status::Invalid("unknown --format '{}' (table, jsonl, csv, count)", format);
  }
  std::fflush(stdout);
  // Drop the stream first: with --limit the workers stop, and the report is final.
  batches.reset();
  if (o.stats) {
    std::fprintf(stderr, "version %lld\n%s\n",
                 static_cast<long long>(snapshot->version()), report.ToString().c_str());
  }
  return Status::OK();
}

Status Files(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  QUIRE_ASSIGN_OR_RETURN(auto snapshot, ChosenSnapshot(*t, o));
  std::vector<std::string> paths;
  paths.reserve(snapshot->files().size());
  for (const auto& add : snapshot->files()) {
    QUIRE_ASSIGN_OR_RETURN(std::string path, table::UriToPath(add.path));
    paths.push_back(std::move(path));
  }
  std::sort(paths.begin(), paths.end());
  std::string out;
  for (const auto& p : paths) out += p + "\n";
  WriteStdout(out);
  return Status::OK();
}

void AppendJsonStringList(const std::vector<std::string>& items, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out->push_back(',');
    columnar::AppendJsonString(items[i], out);
  }
  out->push_back(']');
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

// "2024-05-01T12:00:00.123Z" for a time in ms since the epoch.
std::string IsoTime(int64_t ms) {
  const std::time_t secs = std::time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", buf, ((ms % 1000) + 1000) % 1000);
}

Status Info(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  QUIRE_ASSIGN_OR_RETURN(auto snapshot, ChosenSnapshot(*t, o));
  const auto& protocol = snapshot->protocol();
  const auto& metadata = snapshot->metadata();
  int64_t size_bytes = 0;
  for (const auto& add : snapshot->files()) size_bytes += add.size;
  const size_t num_files = snapshot->files().size();
  if (o.format == "json") {
    QUIRE_ASSIGN_OR_RETURN(std::string schema,
                           table::DeltaSchemaToJson(*snapshot->schema()));
    std::string out = fmt::format(
        "{{\"version\":{},\"protocol\":{{\"minReaderVersion\":{},\"minWriterVersion\":{}",
        snapshot->version(), protocol.min_reader_version, protocol.min_writer_version);
    if (protocol.reader_features) {
      out += ",\"readerFeatures\":";
      AppendJsonStringList(*protocol.reader_features, &out);
    }
    if (protocol.writer_features) {
      out += ",\"writerFeatures\":";
      AppendJsonStringList(*protocol.writer_features, &out);
    }
    out += "},\"schema\":" + schema + ",\"partition_columns\":";
    AppendJsonStringList(metadata.partition_columns, &out);
    out += ",\"properties\":{";
    bool first = true;
    for (const auto& [key, value] : metadata.configuration) {
      if (!first) out.push_back(',');
      first = false;
      columnar::AppendJsonString(key, &out);
      out.push_back(':');
      columnar::AppendJsonString(value, &out);
    }
    out += fmt::format(
        "}},\"num_files\":{},\"size_bytes\":{},\"metadata_id\":", num_files, size_bytes);
    columnar::AppendJsonString(metadata.id, &out);
    if (snapshot->timestamp_ms()) {
      out += fmt::format(",\"timestamp\":\"{}\"", IsoTime(*snapshot->timestamp_ms()));
    }
    out += "}\n";
    WriteStdout(out);
    return Status::OK();
  }
  std::string out = fmt::format("version: {}\n", snapshot->version());
  if (snapshot->timestamp_ms())
    out += fmt::format("time: {}\n", IsoTime(*snapshot->timestamp_ms()));
  out += fmt::format("protocol: reader {}, writer {}", protocol.min_reader_version,
                     protocol.min_writer_version);
  if (protocol.reader_features && !protocol.reader_features->empty()) {
    out += "; reader features: " + Join(*protocol.reader_features, ", ");
  }
  if (protocol.writer_features && !protocol.writer_features->empty()) {
    out += "; writer features: " + Join(*protocol.writer_features, ", ");
  }
  out += fmt::format("\nid: {}\n", metadata.id);
  if (metadata.name) out += fmt::format("name: {}\n", *metadata.name);
  if (metadata.description)
    out += fmt::format("description: {}\n", *metadata.description);
  out += "schema:\n";
  for (const auto& field : snapshot->schema()->fields()) {
    out += fmt::format("  {}: {}{}\n", field->name(), field->type()->ToString(),
                       field->nullable() ? "" : " not null");
  }
  if (!metadata.partition_columns.empty()) {
    out += "partitioned by: " + Join(metadata.partition_columns, ", ") + "\n";
  }
  for (const auto& [key, value] : metadata.configuration) {
    out += fmt::format("property: {}={}\n", key, value);
  }
  out += fmt::format("files: {}, {} bytes\n", num_files, size_bytes);
  if (!snapshot->app_transactions().empty()) {
    for (const auto& [id, txn] : snapshot->app_transactions()) {
      out += fmt::format("app transaction: {} at version {}\n", id, txn.version);
    }
  }
  WriteStdout(out);
  return Status::OK();
}

// The text of member `key` of the top-level JSON object `json` (a commitInfo),
// or empty when absent. Only strings and nesting are tracked: the log's JSON was
// parsed once already when the history was read.
std::string_view TopLevelMember(std::string_view json, std::string_view key) {
  int depth = 0;
  size_t i = 0;
  auto skip_string = [&](size_t start) {  // returns the index after the closing quote
    size_t j = start + 1;
    while (j < json.size() && json[j] != '"') j += json[j] == '\\' ? 2 : 1;
    return j + 1;
  };
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      const size_t end = skip_string(i);
      if (depth == 1 && end <= json.size() && json.substr(i + 1, end - i - 2) == key) {
        size_t v = end;
        while (v < json.size() && (json[v] == ' ' || json[v] == ':')) ++v;
        // The value runs to the ',' or '}' that ends it at depth 1.
        size_t w = v;
        int d = 0;
        while (w < json.size()) {
          const char x = json[w];
          if (x == '"') {
            w = skip_string(w);
            continue;
          }
          if (x == '{' || x == '[') ++d;
          if (x == '}' || x == ']') {
            if (d == 0) break;
            --d;
          }
          if (x == ',' && d == 0) break;
          ++w;
        }
        return json.substr(v, w - v);
      }
      i = end;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ++i;
  }
  return {};
}

Status History(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  std::optional<int64_t> limit;
  if (o.limit >= 0) limit = o.limit;
  QUIRE_ASSIGN_OR_RETURN(auto entries, t->History(limit));
  std::string out;
  for (const auto& e : entries) {
    const std::string_view params = TopLevelMember(e.commit_info, "operationParameters");
    const std::string_view metrics = TopLevelMember(e.commit_info, "operationMetrics");
    if (o.format == "json") {
      out +=
          fmt::format("{{\"version\":{},\"timestamp\":\"{}\",\"operation\":", e.version,
                      IsoTime(e.timestamp_ms));
      columnar::AppendJsonString(e.operation, &out);
      out +=
          fmt::format(",\"operationParameters\":{},\"operationMetrics\":{}}}\n",
                      params.empty() ? "{}" : params, metrics.empty() ? "{}" : metrics);
    } else {
      out += fmt::format("{:>6}  {}  {}", e.version, IsoTime(e.timestamp_ms),
                         e.operation.empty() ? "-" : e.operation);
      if (!params.empty() && params != "{}") out += fmt::format("  {}", params);
      if (!metrics.empty() && metrics != "{}") out += fmt::format("  {}", metrics);
      out += "\n";
    }
  }
  WriteStdout(out);
  return Status::OK();
}

Status Checkpoint(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  QUIRE_ASSIGN_OR_RETURN(auto snapshot, t->Latest());
  QUIRE_ASSIGN_OR_RETURN(auto path, table::WriteSnapshotCheckpoint(*t, *snapshot));
  std::printf("checkpoint of version %lld: %s\n",
              static_cast<long long>(snapshot->version()), t->fs()->Url(path).c_str());
  return Status::OK();
}

Status Convert(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  table::ConvertOptions options;
  for (const auto& column : o.partition_by) {
    // NAME or NAME:TYPE (types as --schema reads them).
    const size_t colon = column.find(':');
    if (colon == std::string::npos) {
      return Status::Invalid("--partition-by {}: give NAME:TYPE to convert (e.g. date:date32[day]), "
                             "or leave --partition-by out to infer the types",
                             column);
    }
    QUIRE_ASSIGN_OR_RETURN(auto type, columnar::ParseType(column.substr(colon + 1)));
    options.partition_columns.push_back(columnar::field(column.substr(0, colon), type));
  }
  QUIRE_ASSIGN_OR_RETURN(options.create.properties, ParseProperties(o.properties));
  QUIRE_ASSIGN_OR_RETURN(auto result, table::ConvertToTable(*t, options));
  std::printf("version %lld\n", static_cast<long long>(result.version));
  std::fprintf(stderr, "%lld files converted in place\n",
               static_cast<long long>(result.files_added));
  return Status::OK();
}

Status Vacuum(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  table::VacuumOptions options;
  if (o.retention_hours) options.retention_ms = int64_t(*o.retention_hours * 3600 * 1000);
  options.dry_run = o.dry_run;
  options.enforce_retention = !o.force;
  std::unique_ptr<util::ProgressBar> bar;
  if (!o.dry_run) {
    options.progress = [&](int64_t done, int64_t total) {
      if (!bar) bar = MakeProgress(o.progress, "vacuum " + o.url, total);
      if (bar) bar->Update(done);
    };
  }
  auto vacuumed = table::Vacuum(*t, options);
  if (bar) bar->Finish();
  QUIRE_ASSIGN_OR_RETURN(auto result, std::move(vacuumed));
  std::string out;
  for (const auto& f : result.files) out += f + "\n";
  WriteStdout(out);
  std::fprintf(stderr, "%s %zu files (%s) of %lld listed\n",
               o.dry_run ? "would delete" : "deleted", result.files.size(),
               util::ProgressBar::FormatBytes(result.bytes).c_str(),
               static_cast<long long>(result.files_listed));
  return Status::OK();
}

Status Optimize(const TableOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto t, OpenTable(o.url));
  table::OptimizeOptions options;
  options.target_file_size = o.target_size_mb << 20;
  if (!o.where.empty()) {
    QUIRE_ASSIGN_OR_RETURN(options.where, compute::ParseExpression(o.where));
  }
  std::unique_ptr<util::ProgressBar> bar;
  std::mutex bar_mutex;  // the first call makes the bar; calls come from scan threads
  options.progress = [&](int64_t done, int64_t total) {
    std::lock_guard<std::mutex> lock(bar_mutex);
    if (!bar) bar = MakeProgress(o.progress, "optimize " + o.url, total);
    if (bar) bar->Update(done);
  };
  auto optimized = table::Optimize(*t, options);
  if (bar) bar->Finish();
  QUIRE_ASSIGN_OR_RETURN(auto result, std::move(optimized));
  if (result.skipped) {
    std::printf("skipped: no partition has two files under %lld MB\n",
                static_cast<long long>(o.target_size_mb));
    return Status::OK();
  }
  std::printf("version %lld\n", static_cast<long long>(result.version));
  std::fprintf(stderr, "packed %lld files into %lld\n",
               static_cast<long long>(result.files_removed),
               static_cast<long long>(result.files_added));
  return Status::OK();
}

}  // namespace

int RunTable(const TableOptions& o) {
  Status st;
  const std::string& c = o.command;
  if (c == "create") {
    st = Create(o);
  } else if (c == "append") {
    st = Write(o, table::WriteMode::kAppend);
  } else if (c == "overwrite") {
    st = Write(o, table::WriteMode::kOverwrite);
  } else if (c == "delete") {
    st = Delete(o);
  } else if (c == "update") {
    st = Update(o);
  } else if (c == "scan") {
    st = ScanCommand(o);
  } else if (c == "files") {
    st = Files(o);
  } else if (c == "info") {
    st = Info(o);
  } else if (c == "history") {
    st = History(o);
  } else if (c == "checkpoint") {
    st = Checkpoint(o);
  } else if (c == "convert") {
    st = Convert(o);
  } else if (c == "vacuum") {
    st = Vacuum(o);
  } else if (c == "optimize") {
    st = Optimize(o);
  } else {
    st = Status::Invalid("unknown table command '{}'", c);
  }
  std::fflush(stdout);
  if (!st.ok()) {
    std::fprintf(stderr, "quire: %s\n", st.ToString().c_str());
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace quire::cli
