/// \file quire/table/checkpoint_writer.cc
/// \brief Writing classic checkpoints (PROTOCOL.md, "Checkpoint Schema") in
/// bounded memory: a row group per batch of actions.

#include <algorithm>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "quire/columnar/array.h"
#include "quire/columnar/builder.h"
#include "quire/parquet/file_writer.h"
#include "quire/table/checkpoint.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace {

using columnar::field;
using columnar::int32;
using columnar::int64;
using columnar::utf8;

columnar::TypePtr StringMapType() { return columnar::map(utf8(), utf8()); }

columnar::TypePtr DvType() {
  return columnar::struct_({field("storageType", utf8()), field("pathOrInlineDv", utf8()),
                            field("offset", int32()), field("sizeInBytes", int32()),
                            field("cardinality", int64())});
}

// Top-level columns, in the order of CheckpointSchema().
enum Column : int {
  kTxn,
  kAdd,
  kRemove,
  kMetaData,
  kProtocol,
  kDomainMetadata,
  kNumColumns
};

using columnar::ArrayBuilder;

Status AppendStr(ArrayBuilder* b, std::optional<std::string_view> v) {
  auto* s = static_cast<columnar::StringBuilder*>(b);
  return v ? s->Append(*v) : s->AppendNull();
}
Status AppendI64(ArrayBuilder* b, std::optional<int64_t> v) {
  auto* s = static_cast<columnar::Int64Builder*>(b);
  return v ? s->Append(*v) : s->AppendNull();
}
Status AppendI32(ArrayBuilder* b, std::optional<int32_t> v) {
  auto* s = static_cast<columnar::Int32Builder*>(b);
  return v ? s->Append(*v) : s->AppendNull();
}
Status AppendBool(ArrayBuilder* b, std::optional<bool> v) {
  auto* s = static_cast<columnar::BooleanBuilder*>(b);
  return v ? s->Append(*v) : s->AppendNull();
}
Status AppendMap(ArrayBuilder* b, const PartitionValues* m) {
  auto* mb = static_cast<columnar::MapBuilder*>(b);
  if (m == nullptr) return mb->AppendNull();
  QUIRE_RETURN_NOT_OK(mb->Append(true));
  for (const auto& [k, v] : *m) {
    QUIRE_RETURN_NOT_OK(AppendStr(mb->key_builder(), k));
    QUIRE_RETURN_NOT_OK(AppendStr(
        mb->item_builder(), v ? std::optional<std::string_view>(*v) : std::nullopt));
  }
  return Status::OK();
}
Status AppendMap(ArrayBuilder* b, const std::map<std::string, std::string>& m) {
  auto* mb = static_cast<columnar::MapBuilder*>(b);
  QUIRE_RETURN_NOT_OK(mb->Append(true));
  for (const auto& [k, v] : m) {
    QUIRE_RETURN_NOT_OK(AppendStr(mb->key_builder(), k));
    QUIRE_RETURN_NOT_OK(AppendStr(mb->item_builder(), v));
  }
  return Status::OK();
}
Status AppendList(ArrayBuilder* b, const std::vector<std::string>* list) {
  auto* lb = static_cast<columnar::ListBuilder*>(b);
  if (list == nullptr) return lb->AppendNull();
  QUIRE_RETURN_NOT_OK(lb->Append(true));
  for (const auto& s : *list) QUIRE_RETURN_NOT_OK(AppendStr(lb->value_builder(), s));
  return Status::OK();
}
Status AppendDv(ArrayBuilder* b, const std::optional<DeletionVectorDescriptor>& dv) {
  auto* sb = static_cast<columnar::StructBuilder*>(b);
  if (!dv) return sb->AppendNull();
  QUIRE_RETURN_NOT_OK(sb->Append(true));
  QUIRE_RETURN_NOT_OK(AppendStr(sb->field_builder(0), dv->storage_type));
  QUIRE_RETURN_NOT_OK(AppendStr(sb->field_builder(1), dv->path_or_inline_dv));
  QUIRE_RETURN_NOT_OK(AppendI32(sb->field_builder(2), dv->offset));
  QUIRE_RETURN_NOT_OK(AppendI32(sb->field_builder(3), dv->size_in_bytes));
  return AppendI64(sb->field_builder(4), dv->cardinality);
}

template <typename T>
const T* OptPtr(const std::optional<T>& v) {
  return v ? &*v : nullptr;
}

// Builds batches of checkpoint rows.
class RowWriter {
 public:
  static Result<RowWriter> Make(const columnar::SchemaPtr& schema) {
    RowWriter w;
    for (int k = 0; k < kNumColumns; ++k) {
      QUIRE_ASSIGN_OR_RETURN(auto b, columnar::MakeBuilder(schema->field(k)->type()));
      w.builders_[size_t(k)] = std::move(b);
    }
    return w;
  }

  // Starts a row of `column`: the other columns get a null, and the struct of
  // `column` a valid slot whose fields the caller appends.
  Result<columnar::StructBuilder*> Row(Column column) {
    for (int k = 0; k < kNumColumns; ++k) {
      if (k != column) QUIRE_RETURN_NOT_OK(builders_[size_t(k)]->AppendNull());
    }
    auto* sb = static_cast<columnar::StructBuilder*>(builders_[size_t(column)].get());
    QUIRE_RETURN_NOT_OK(sb->Append(true));
    ++rows_;
    return sb;
  }

  Status Txn(const AppTransaction& t) {
    QUIRE_ASSIGN_OR_RETURN(auto* s, Row(kTxn));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(0), t.app_id));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(1), t.version));
    return AppendI64(s->field_builder(2), t.last_updated);
  }

  Status Add(const AddFile& a) {
    QUIRE_ASSIGN_OR_RETURN(auto* s, Row(kAdd));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(0), a.path));
    QUIRE_RETURN_NOT_OK(AppendMap(s->field_builder(1), &a.partition_values));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(2), a.size));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(3), a.modification_time));
    QUIRE_RETURN_NOT_OK(AppendBool(s->field_builder(4), a.data_change));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(5), OptView(a.stats)));
    QUIRE_RETURN_NOT_OK(
        AppendMap(s->field_builder(6), a.tags.empty() ? nullptr : &a.tags));
    QUIRE_RETURN_NOT_OK(AppendDv(s->field_builder(7), a.deletion_vector));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(8), a.base_row_id));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(9), a.default_row_commit_version));
    return AppendStr(s->field_builder(10), OptView(a.clustering_provider));
  }

  Status Remove(const RemoveFile& r) {
    QUIRE_ASSIGN_OR_RETURN(auto* s, Row(kRemove));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(0), r.path));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(1), r.deletion_timestamp));
    QUIRE_RETURN_NOT_OK(AppendBool(s->field_builder(2), r.data_change));
    QUIRE_RETURN_NOT_OK(AppendBool(s->field_builder(3), r.extended_file_metadata));
    QUIRE_RETURN_NOT_OK(AppendMap(s->field_builder(4), OptPtr(r.partition_values)));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(5), r.size));
    QUIRE_RETURN_NOT_OK(AppendDv(s->field_builder(6), r.deletion_vector));
    QUIRE_RETURN_NOT_OK(AppendI64(s->field_builder(7), r.base_row_id));
    return AppendI64(s->field_builder(8), r.default_row_commit_version);
  }

  Status Meta(const Metadata& m) {
    QUIRE_ASSIGN_OR_RETURN(auto* s, Row(kMetaData));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(0), m.id));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(1), OptView(m.name)));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(2), OptView(m.description)));
    auto* format = static_cast<columnar::StructBuilder*>(s->field_builder(3));
    QUIRE_RETURN_NOT_OK(format->Append(true));
    QUIRE_RETURN_NOT_OK(AppendStr(format->field_builder(0), m.format_provider));
    QUIRE_RETURN_NOT_OK(AppendMap(format->field_builder(1), m.format_options));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(4), m.schema_string));
    QUIRE_RETURN_NOT_OK(AppendList(s->field_builder(5), &m.partition_columns));
    QUIRE_RETURN_NOT_OK(AppendMap(s->field_builder(6), m.configuration));
    return AppendI64(s->field_builder(7), m.created_time);
  }

  Status Proto(const Protocol& p) {
    QUIRE_ASSIGN_OR_RETURN(auto* s, Row(kProtocol));
    QUIRE_RETURN_NOT_OK(AppendI32(s->field_builder(0), p.min_reader_version));
    QUIRE_RETURN_NOT_OK(AppendI32(s->field_builder(1), p.min_writer_version));
    // PROTOCOL.md, "Checkpoint Schema": the feature lists are non-null exactly
    // with reader version 3 and writer version 7; the Protocol carries that.
    QUIRE_RETURN_NOT_OK(AppendList(s->field_builder(2), OptPtr(p.reader_features)));
    return AppendList(s->field_builder(3), OptPtr(p.writer_features));
  }

  Status Domain(const DomainMetadata& d) {
    QUIRE_ASSIGN_OR_RETURN(auto* s, Row(kDomainMetadata));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(0), d.domain));
    QUIRE_RETURN_NOT_OK(AppendStr(s->field_builder(1), d.configuration));
    return AppendBool(s->field_builder(2), d.removed);
  }

  int64_t rows() const { return rows_; }

  Result<columnar::RecordBatchPtr> Finish(const columnar::SchemaPtr& schema) {
    columnar::ArrayVector columns;
    for (auto& b : builders_) {
      QUIRE_ASSIGN_OR_RETURN(auto a, b->Finish());
      columns.push_back(std::move(a));
    }
    const int64_t n = rows_;
    rows_ = 0;
    return std::make_shared<columnar::RecordBatch>(schema, n, std::move(columns));
  }

 private:
  static std::optional<std::string_view> OptView(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    return std::string_view(*v);
  }

  std::array<std::unique_ptr<ArrayBuilder>, kNumColumns> builders_;
  int64_t rows_ = 0;
};

}  // namespace

std::string CheckpointFileName(int64_t version) {
  return fmt::format("{:020d}.checkpoint.parquet", version);
}

columnar::SchemaPtr CheckpointSchema() {
  using columnar::boolean;
  using columnar::list;
  using columnar::struct_;
  static const columnar::SchemaPtr schema = columnar::schema({
      field("txn", struct_({field("appId", utf8()), field("version", int64()),
                            field("lastUpdated", int64())})),
      field(
          "add",
          struct_({field("path", utf8()), field("partitionValues", StringMapType()),
                   field("size", int64()), field("modificationTime", int64()),
                   field("dataChange", boolean()), field("stats", utf8()),
                   field("tags", StringMapType()), field("deletionVector", DvType()),
                   field("baseRowId", int64()), field("defaultRowCommitVersion", int64()),
                   field("clusteringProvider", utf8())})),
      field("remove",
            struct_({field("path", utf8()), field("deletionTimestamp", int64()),
                     field("dataChange", boolean()),
                     field("extendedFileMetadata", boolean()),
                     field("partitionValues", StringMapType()), field("size", int64()),
                     field("deletionVector", DvType()), field("baseRowId", int64()),
                     field("defaultRowCommitVersion", int64())})),
      field(
          "metaData",
          struct_(
              {field("id", utf8()), field("name", utf8()), field("description", utf8()),
               field("format", struct_({field("provider", utf8()),
                                        field("options", StringMapType())})),
               field("schemaString", utf8()), field("partitionColumns", list(utf8())),
               field("configuration", StringMapType()), field("createdTime", int64())})),
      field("protocol", struct_({field("minReaderVersion", int32()),
                                 field("minWriterVersion", int32()),
                                 field("readerFeatures", list(utf8())),
                                 field("writerFeatures", list(utf8()))})),
      field("domainMetadata",
            struct_({field("domain", utf8()), field("configuration", utf8()),
                     field("removed", boolean())})),
  });
  return schema;
}

Result<CheckpointWriteResult> WriteCheckpoint(
    io::FileSystem& fs, std::string_view log_dir, int64_t version,
    const Protocol& protocol, const Metadata& metadata,
    const std::vector<AppTransaction>& txns,
    const std::vector<DomainMetadata>& domain_metadata, const std::vector<AddFile>& adds,
    const std::vector<RemoveFile>& tombstones, const CheckpointWriteOptions& options) {
  if (version < 0) return Status::Invalid("checkpoint version {} is negative", version);
  if (options.batch_rows < 1) {
    return Status::Invalid("checkpoint batch_rows must be positive, not {}",
                           options.batch_rows);
  }
  CheckpointWriteResult result;
  result.path = io::JoinPath(log_dir, CheckpointFileName(version));
  if (!log_dir.empty()) QUIRE_RETURN_NOT_OK(fs.CreateDir(log_dir));

  const columnar::SchemaPtr schema = CheckpointSchema();
  parquet::WriterProperties properties = options.properties;
  properties.max_row_group_rows = options.batch_rows;
  QUIRE_ASSIGN_OR_RETURN(auto sink, fs.OpenWrite(result.path));
  QUIRE_ASSIGN_OR_RETURN(auto writer,
                         parquet::FileWriter::Open(std::move(sink), schema, properties));
  QUIRE_ASSIGN_OR_RETURN(RowWriter rows, RowWriter::Make(schema));

  // Rows are built and handed to the writer a batch at a time; a full batch is
  // a row group, flushed at once, so that its Arrow data is released.
  auto flush_if_full = [&](bool force) -> Status {
    if (rows.rows() == 0 || (!force && rows.rows() < options.batch_rows))
      return Status::OK();
    QUIRE_ASSIGN_OR_RETURN(auto batch, rows.Finish(schema));
    QUIRE_RETURN_NOT_OK(writer->Write(*batch));
    return writer->FlushRowGroup();
  };
  auto each = [&](const auto& items, auto&& append) -> Status {
    for (const auto& item : items) {
      QUIRE_RETURN_NOT_OK(append(item));
      QUIRE_RETURN_NOT_OK(flush_if_full(false));
    }
    return Status::OK();
  };
  QUIRE_RETURN_NOT_OK(
      each(std::array{&protocol}, [&](const Protocol* p) { return rows.Proto(*p); }));
  QUIRE_RETURN_NOT_OK(
      each(std::array{&metadata}, [&](const Metadata* m) { return rows.Meta(*m); }));
  QUIRE_RETURN_NOT_OK(each(txns, [&](const AppTransaction& t) { return rows.Txn(t); }));
  QUIRE_RETURN_NOT_OK(each(domain_metadata, [&](const DomainMetadata& d) {
    // PROTOCOL.md, "Checkpoints": domain metadata tombstones are not kept.
    return d.removed ? Status::OK() : rows.Domain(d);
  }));
  QUIRE_RETURN_NOT_OK(each(adds, [&](const AddFile& a) { return rows.Add(a); }));
  QUIRE_RETURN_NOT_OK(
      each(tombstones, [&](const RemoveFile& r) { return rows.Remove(r); }));
  QUIRE_RETURN_NOT_OK(flush_if_full(true));
  QUIRE_ASSIGN_OR_RETURN(auto summary, writer->Close());

  LastCheckpoint& last = result.last_checkpoint;
  last.version = version;
  last.size = summary.num_rows;
  last.size_in_bytes = summary.file_bytes;
  last.num_of_add_files = int64_t(adds.size());

  if (options.write_last_checkpoint) {
    // Never move the pointer back: a newer checkpoint may have landed meanwhile. A
    // corrupt pointer is replaced.
    auto existing = ReadLastCheckpoint(fs, log_dir);
    const bool newer =
        existing.ok() && existing->has_value() && (*existing)->version > version;
    if (!newer) {
      QUIRE_RETURN_NOT_OK(
          fs.WriteAll(io::JoinPath(log_dir, "_last_checkpoint"), LastCheckpointJson(last)));
      result.wrote_last_checkpoint = true;
    }
  }
  return result;
}

}  // namespace quire::table
