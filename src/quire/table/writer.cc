/// \file quire/table/writer.cc
/// \brief Data files of a table: schema enforcement, partitions, statistics.

#include "quire/table/writer.h"

#include <chrono>
#include <list>
#include <map>
#include <random>

#include <fmt/format.h>

#include "quire/columnar/json.h"
#include "quire/columnar/temporal.h"
#include "quire/compute/cast.h"
#include "quire/compute/expression.h"
#include "quire/parquet/schema.h"
#include "quire/parquet/statistics.h"
#include "quire/table/table_internal.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace {

using internal::ModificationMs;
using internal::NowMs;
using internal::Text;

using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::SchemaPtr;
using columnar::TypeId;

// Order of two statistics values of one column (same alternative).
bool Less(const compute::StatisticValue& a, const compute::StatisticValue& b) {
  if (a.index() != b.index()) return a.index() < b.index();
  return a < b;
}

// The JSON of a min or max of a column of `type`; empty when there is none to give.
std::string StatJson(const compute::StatisticValue& v, const columnar::DataType& type,
                     bool is_max) {
  std::string out;
  if (const auto* i = std::get_if<__int128>(&v)) {
    const int64_t x = int64_t(*i);
    if (type.is_integer()) return std::to_string(x);
    if (type.id() == TypeId::kDate32) {
      columnar::AppendJsonString(columnar::FormatDate(x), &out);
      return out;
    }
    if (type.id() == TypeId::kTimestamp) {
      // Milliseconds, as the protocol's writers give them; readers widen the max.
      const int64_t per_ms = columnar::TicksPerSecond(type.unit()) / 1000;
      if (per_ms == 0) return "";
      int64_t ms = x / per_ms - ((x % per_ms) < 0 ? 1 : 0);
      std::string text = columnar::FormatTimestamp(ms, columnar::TimeUnit::kMilli);
      if (!type.timezone().empty()) text += "Z";
      columnar::AppendJsonString(text, &out);
      return out;
    }
    return "";
  }
  if (const auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d) || type.is_decimal()) return "";
    return columnar::FormatDoubleShortest(*d);
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (type.id() != TypeId::kString && type.id() != TypeId::kLargeString &&
        type.id() != TypeId::kStringView) {
      return "";
    }
    // Long strings: a prefix is a valid min; a max would have to be rounded up, so
    // none is given.
    constexpr size_t kMaxChars = 32;
    if (s->size() > kMaxChars) {
      if (is_max) return "";
      size_t cut = kMaxChars;
      while (cut > 0 && (uint8_t((*s)[cut]) & 0xC0) == 0x80) --cut;
      columnar::AppendJsonString(std::string_view(*s).substr(0, cut), &out);
      return out;
    }
    columnar::AppendJsonString(*s, &out);
    return out;
  }
  return "";
}

}  // namespace

std::string RandomUuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}() ^
                                          uint64_t(NowMs()) * 0x9E3779B97F4A7C15ULL);
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);      // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", uint32_t(hi >> 32),
                     uint32_t((hi >> 16) & 0xFFFF), uint32_t(hi & 0xFFFF),
                     uint32_t(lo >> 48), lo & 0xFFFFFFFFFFFFULL);
}

std::string StatsJsonFromFooter(const parquet::FileMetaData& metadata) {
  std::string out = fmt::format("{{\"numRecords\":{}", metadata.num_rows);
  auto schema = parquet::SchemaDescriptor::Make(metadata.schema);
  if (!schema.ok()) return out + "}";
  auto arrow = parquet::ToArrowSchema(*schema, metadata);
  if (!arrow.ok()) return out + "}";
  std::string mins, maxs, nulls;
  const auto& root = schema->root();
  for (size_t f = 0; f < root.children.size(); ++f) {
    const parquet::SchemaNode& n = schema->node(root.children[f]);
    if (!n.is_leaf() || n.repetition == parquet::FieldRepetitionType::kRepeated) continue;
    const auto& type = (*arrow)->field(int(f))->type();
    std::optional<compute::StatisticValue> lo, hi;
    std::optional<int64_t> null_count = 0;
    bool bounds = true;
    for (const auto& rg : metadata.row_groups) {
      const auto& chunk = rg.columns[size_t(n.column)];
      if (!chunk.meta_data) {
        bounds = false;
        null_count.reset();
        break;
      }
      auto st = parquet::ChunkStatistics(schema->column(n.column), *chunk.meta_data, type,
                                         rg.num_rows, std::nullopt);
      if (null_count && st.null_count) {
        *null_count += *st.null_count;
      } else {
        null_count.reset();
      }
      const bool all_null = st.null_count && *st.null_count == rg.num_rows;
      if (all_null) continue;
      if (!st.min || !st.max) {
        bounds = false;
        continue;
      }
      if (!lo || Less(*st.min, *lo)) lo = st.min;
      if (!hi || Less(*hi, *st.max)) hi = st.max;
    }
    std::string key;
    columnar::AppendJsonString(n.name(), &key);
    if (null_count) nulls += fmt::format("{}{}:{}", nulls.empty() ? "" : ",", key, *null_count);
    if (!bounds || !lo || !hi) continue;
    const std::string lo_json = StatJson(*lo, *type, false);
    const std::string hi_json = StatJson(*hi, *type, true);
    if (!lo_json.empty()) mins += fmt::format("{}{}:{}", mins.empty() ? "" : ",", key, lo_json);
    if (!hi_json.empty()) maxs += fmt::format("{}{}:{}", maxs.empty() ? "" : ",", key, hi_json);
  }
  out += fmt::format(",\"minValues\":{{{}}},\"maxValues\":{{{}}},\"nullCount\":{{{}}}}}", mins,
                     maxs, nulls);
  return out;
}

Result<RecordBatchPtr> ConformBatch(const RecordBatch& batch, const SchemaPtr& schema) {
  const auto& data = *batch.schema();
  for (const auto& f : data.fields()) {
    if (schema->GetFieldIndex(f->name()) < 0) {
      return Status::SchemaMismatch(
          "column '{}' ({}) is not in the table's schema; evolve the schema to add it",
          f->name(), f->type()->ToString());
    }
  }
  columnar::ArrayVector columns;
  for (const auto& field : schema->fields()) {
    const int index = data.GetFieldIndex(field->name());
    if (index < 0) {
      if (!field->nullable()) {
        return Status::SchemaMismatch("column '{}' ({}) is missing from the data and not nullable",
                               field->name(), field->type()->ToString());
      }
      QUIRE_ASSIGN_OR_RETURN(auto nulls,
                             columnar::MakeArrayOfNulls(field->type(), batch.num_rows()));
      columns.push_back(std::move(nulls));
      continue;
    }
    ArrayPtr column = batch.column(index);
    if (!column->type()->Equals(*field->type())) {
      if (column->type_id() == columnar::TypeId::kTimestamp &&
          field->type()->id() == columnar::TypeId::kTimestamp &&
          column->type()->unit() > field->type()->unit() &&
          column->type()->timezone().empty() == field->type()->timezone().empty()) {
        // Finer timestamps (pandas' nanoseconds) into Delta's microseconds: only
        // when no value has digits the table cannot hold.
        const int64_t divisor = columnar::TicksPerSecond(column->type()->unit()) /
                                columnar::TicksPerSecond(field->type()->unit());
        columnar::PrimitiveView<int64_t> values(*column);
        for (int64_t i = 0; i < values.length(); ++i) {
          if (values.IsValid(i) && values.Value(i) % divisor != 0) {
            return Status::SchemaMismatch(
                "column '{}': the table has type {}, the data has {} and row {} holds a value "
                "({}) that the table's unit cannot hold; round the data first",
                field->name(), field->type()->ToString(), column->type()->ToString(), i,
                columnar::FormatTimestamp(values.Value(i), column->type()->unit()));
          }
        }
        QUIRE_ASSIGN_OR_RETURN(column, compute::Cast(column, field->type()));
        columns.push_back(std::move(column));
        continue;
      }
      if (!compute::CanCastLosslessly(*column->type(), *field->type())) {
        return Status::SchemaMismatch("column '{}': the table has type {}, the data has {}",
                               field->name(), field->type()->ToString(),
                               column->type()->ToString());
      }
      QUIRE_ASSIGN_OR_RETURN(column, compute::Cast(column, field->type()));
    }
    columns.push_back(std::move(column));
  }
  return RecordBatch::Make(schema, batch.num_rows(), std::move(columns));
}

Result<SchemaPtr> EvolveSchema(const SchemaPtr& table, const columnar::Schema& data) {
  columnar::FieldVector fields = table->fields();
  bool changed = false;
  for (auto& field : fields) {
    const int index = data.GetFieldIndex(field->name());
    if (index < 0) continue;
    const auto& incoming = data.field(index)->type();
    if (incoming->Equals(*field->type()) ||
        compute::CanCastLosslessly(*incoming, *field->type())) {
      continue;
    }
    if (IsAllowedWidening(*field->type(), *incoming)) {
      field = field->WithType(incoming);
      changed = true;
      continue;
    }
    return Status::SchemaMismatch("column '{}': the table has type {} and the data {}, which schema "
                           "evolution cannot reconcile",
                           field->name(), field->type()->ToString(), incoming->ToString());
  }
  for (const auto& f : data.fields()) {
    if (table->GetFieldIndex(f->name()) >= 0) continue;
    // Types the protocol has no name for are refused here, before any file is written.
    QUIRE_RETURN_NOT_OK(DeltaSchemaToJson(*columnar::schema({f})).status());
    fields.push_back(f->WithNullable(true));
    changed = true;
  }
  if (!changed) return table;
  return columnar::schema(std::move(fields), table->metadata());
}

// ---------------------------------------------------------------------------

struct DataFileWriter::Impl {
  std::shared_ptr<io::FileSystem> fs;
  std::string root;
  SchemaPtr schema;
  std::vector<std::string> partition_columns;
  ColumnMappingMode mode = ColumnMappingMode::kNone;
  DataWriteOptions options;
  std::vector<int> partition_indices;  // in schema
  std::vector<int> data_indices;
  SchemaPtr data_schema;      // logical
  SchemaPtr physical_schema;  // as written
  std::string uuid = RandomUuid();
  int64_t file_counter = 0;
  int64_t bytes = 0;

  struct OpenFile {
    std::unique_ptr<parquet::FileWriter> writer;
    std::string relative_path;
    PartitionValues values;
  };
  // Open files by partition key, most recently written last in `lru`.
  std::map<std::string, OpenFile> open;
  std::list<std::string> lru;
  std::vector<AddFile> done;

  Status Close(const std::string& key) {
    auto it = open.find(key);
    if (it == open.end()) return Status::OK();
    OpenFile file = std::move(it->second);
    open.erase(it);
    lru.remove(key);
    QUIRE_ASSIGN_OR_RETURN(parquet::WriteSummary summary, file.writer->Close());
    AddFile add;
    add.path = PathToUri(file.relative_path);
    add.partition_values = std::move(file.values);
    add.size = summary.file_bytes;
    add.modification_time = NowMs();
    add.data_change = true;
    add.stats = StatsJsonFromFooter(*summary.metadata);
    bytes += summary.file_bytes;
    done.push_back(std::move(add));
    return Status::OK();
  }

  Result<OpenFile*> Get(const std::string& key, const PartitionValues& values,
                        const std::vector<std::pair<std::string, std::optional<std::string>>>& dirs) {
    auto it = open.find(key);
    if (it != open.end()) {
      lru.remove(key);
      lru.push_back(key);
      return &it->second;
    }
    while (int(open.size()) >= std::max(1, options.max_open_files)) {
      QUIRE_RETURN_NOT_OK(Close(lru.front()));
    }
    OpenFile file;
    file.values = values;
    const std::string codec = [&] {
      std::string name = parquet::ToString(options.parquet.codec);
      for (auto& c : name) c = char(std::tolower(c));
      return name == "uncompressed" ? std::string() : "." + name;
    }();
    file.relative_path = fmt::format("{}part-{:05}-{}-c000{}.parquet", PartitionDirectory(dirs),
                                     file_counter++, uuid, codec);
    QUIRE_ASSIGN_OR_RETURN(auto sink,
                           fs->OpenWrite(io::JoinPath(root, file.relative_path), {}));
    parquet::WriterProperties props = options.parquet;
    props.max_row_group_bytes = std::min(props.max_row_group_bytes, options.target_file_size);
    QUIRE_ASSIGN_OR_RETURN(file.writer,
                           parquet::FileWriter::Open(std::move(sink), physical_schema, props));
    lru.push_back(key);
    return &open.emplace(key, std::move(file)).first->second;
  }

  Status WriteGroup(const std::string& key, const PartitionValues& values,
                    const std::vector<std::pair<std::string, std::optional<std::string>>>& dirs,
                    const RecordBatch& rows) {
    QUIRE_ASSIGN_OR_RETURN(auto data, rows.SelectColumns(data_indices));
    auto physical =
        std::make_shared<RecordBatch>(physical_schema, data->num_rows(), data->columns());
    QUIRE_ASSIGN_OR_RETURN(OpenFile * file, Get(key, values, dirs));
    QUIRE_RETURN_NOT_OK(file->writer->Write(*physical));
    if (file->writer->bytes_written() >= options.target_file_size) {
      QUIRE_RETURN_NOT_OK(Close(key));
    }
    return Status::OK();
  }
};

DataFileWriter::DataFileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DataFileWriter::~DataFileWriter() {
  // Files not finished are aborted by their writers; nothing was committed.
}

Result<std::unique_ptr<DataFileWriter>> DataFileWriter::Make(
    std::shared_ptr<io::FileSystem> fs, std::string table_root, SchemaPtr schema,
    std::vector<std::string> partition_columns, ColumnMappingMode mode,
    DataWriteOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->fs = std::move(fs);
  impl->root = std::move(table_root);
  impl->mode = mode;
  impl->options = std::move(options);
  columnar::FieldVector data_fields;
  for (const auto& name : partition_columns) {
    const int index = schema->GetFieldIndex(name);
    if (index < 0) return Status::Invalid("partition column '{}' is not in the schema", name);
    impl->partition_indices.push_back(index);
  }
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (std::find(impl->partition_indices.begin(), impl->partition_indices.end(), i) !=
        impl->partition_indices.end()) {
      continue;
    }
    impl->data_indices.push_back(i);
    data_fields.push_back(schema->field(i));
  }
  impl->data_schema = columnar::schema(data_fields);
  QUIRE_ASSIGN_OR_RETURN(impl->physical_schema, PhysicalSchema(*impl->data_schema, mode));
  impl->schema = std::move(schema);
  impl->partition_columns = std::move(partition_columns);
  return std::unique_ptr<DataFileWriter>(new DataFileWriter(std::move(impl)));
}

Status DataFileWriter::Write(const RecordBatch& batch) {
  Impl& d = *impl_;
  if (!batch.schema()->Equals(*d.schema)) {
    return Status::Invalid("the batch's schema is not the table's: {} against {}",
                           batch.schema()->ToString(), d.schema->ToString());
  }
  if (batch.num_rows() == 0) return Status::OK();
  if (d.partition_indices.empty()) return d.WriteGroup("", {}, {}, batch);
  // Rows by partition key (the serialized values, joined).
  const int64_t n = batch.num_rows();
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> groups;
  std::map<std::string, std::vector<std::optional<std::string>>> group_values;
  std::string key, previous;
  std::vector<std::optional<std::string>> values(d.partition_indices.size());
  for (int64_t row = 0; row < n; ++row) {
    key.clear();
    for (size_t p = 0; p < d.partition_indices.size(); ++p) {
      QUIRE_ASSIGN_OR_RETURN(values[p],
                             SerializePartitionValue(*batch.column(d.partition_indices[p]), row));
      key += values[p] ? "v" + *values[p] : "n";
      key.push_back('\0');
    }
    auto& runs = groups[key];
    if (!runs.empty() && runs.back().first + runs.back().second == row) {
      ++runs.back().second;
    } else {
      runs.emplace_back(row, 1);
    }
    if (runs.size() == 1 && runs.back().second == 1) group_values[key] = values;
  }
  for (auto& [k, runs] : groups) {
    QUIRE_ASSIGN_OR_RETURN(auto rows, compute::Filter(batch, runs));
    const auto& vals = group_values[k];
    PartitionValues pv;
    std::vector<std::pair<std::string, std::optional<std::string>>> dirs;
    for (size_t p = 0; p < d.partition_indices.size(); ++p) {
      const auto& field = *d.schema->field(d.partition_indices[p]);
      pv[PhysicalName(field, d.mode)] = vals[p];
      dirs.emplace_back(PhysicalName(field, d.mode), vals[p]);
    }
    QUIRE_RETURN_NOT_OK(d.WriteGroup(k, pv, dirs, *rows));
  }
  return Status::OK();
}

Result<std::vector<AddFile>> DataFileWriter::Finish() {
  while (!impl_->lru.empty()) QUIRE_RETURN_NOT_OK(impl_->Close(impl_->lru.front()));
  return std::move(impl_->done);
}

int64_t DataFileWriter::bytes_written() const { return impl_->bytes; }

}  // namespace quire::table
