/// \file quire/table/checkpoint.cc
/// \brief Checkpoints: actions from and to Parquet, `_last_checkpoint`.

#include "quire/table/checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>
#include <set>
#include <utility>

#include "quire/columnar/array.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/json.h"
#include "quire/io/coalescing_file.h"
#include "quire/parquet/assembly.h"
#include "quire/parquet/column_decoder.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/schema.h"
#include "quire/util/macros.h"

namespace quire::table {

using columnar::Array;
using columnar::ArrayPtr;
using columnar::TypeId;

namespace {

// ===========================================================================
// Reading: typed accessors over the columns of one batch.

bool IsStringLike(const columnar::DataType& t) {
  if (t.is_binary_like()) return true;
  return t.id() == TypeId::kDictionary && t.dictionary_value_type()->is_binary_like();
}

// Integer value of slot `i` of an array whose buffer 1 holds integers of type `id`
// (an integer array, or the indices of a dictionary array).
int64_t IntAt(const Array& a, int64_t i, TypeId id) {
  switch (id) {
    case TypeId::kInt8:
      return a.values<int8_t>()[i];
    case TypeId::kInt16:
      return a.values<int16_t>()[i];
    case TypeId::kInt32:
      return a.values<int32_t>()[i];
    case TypeId::kInt64:
      return a.values<int64_t>()[i];
    case TypeId::kUInt8:
      return a.values<uint8_t>()[i];
    case TypeId::kUInt16:
      return a.values<uint16_t>()[i];
    case TypeId::kUInt32:
      return a.values<uint32_t>()[i];
    case TypeId::kUInt64:
      return int64_t(a.values<uint64_t>()[i]);
    default:
      return 0;
  }
}

std::optional<std::string_view> StrAt(const Array* a, int64_t i) {
  if (a == nullptr || a->IsNull(i)) return std::nullopt;
  if (a->type_id() == TypeId::kDictionary) {
    return columnar::GetBytes(*a->dictionary(),
                              IntAt(*a, i, a->type()->index_type()->id()));
  }
  return columnar::GetBytes(*a, i);
}

std::optional<int64_t> IntOpt(const Array* a, int64_t i) {
  if (a == nullptr || a->IsNull(i)) return std::nullopt;
  return IntAt(*a, i, a->type_id());
}

std::optional<bool> BoolOpt(const Array* a, int64_t i) {
  if (a == nullptr || a->IsNull(i)) return std::nullopt;
  return columnar::BoolView(*a).Value(i);
}

// The child slots [begin, end) of list (or map) slot `i`.
std::pair<int64_t, int64_t> ListBounds(const Array& a, bool large, int64_t i) {
  if (large) {
    columnar::ListView<int64_t> v(a);
    return {v.value_offset(i), v.value_offset(i) + v.value_length(i)};
  }
  columnar::ListView<int32_t> v(a);
  return {v.value_offset(i), v.value_offset(i) + v.value_length(i)};
}

// A map<string, string> column (or a list of key/value structs, as old writers
// lay maps out), resolved once per batch.
struct MapColumn {
  ArrayPtr map;
  ArrayPtr keys;
  ArrayPtr values;  // may be null: a map of keys only
  bool large = false;

  explicit operator bool() const { return map != nullptr; }
  bool IsNull(int64_t i) const { return !map || map->IsNull(i); }
  // Calls fn(key, optional value) for each entry of slot `i`.
  template <typename Fn>
  void ForEach(int64_t i, Fn&& fn) const {
    if (IsNull(i)) return;
    const auto [begin, end] = ListBounds(*map, large, i);
    for (int64_t j = begin; j < end; ++j) {
      auto key = StrAt(keys.get(), j);
      if (!key) continue;
      fn(*key, StrAt(values.get(), j));
    }
  }
};

// A list<string> column.
struct ListColumn {
  ArrayPtr list;
  ArrayPtr values;
  bool large = false;

  bool IsNull(int64_t i) const { return !list || list->IsNull(i); }
  std::optional<std::vector<std::string>> At(int64_t i) const {
    if (IsNull(i)) return std::nullopt;
    const auto [begin, end] = ListBounds(*list, large, i);
    std::vector<std::string> out;
    out.reserve(size_t(end - begin));
    for (int64_t j = begin; j < end; ++j) {
      auto s = StrAt(values.get(), j);
      if (s) out.emplace_back(*s);
    }
    return out;
  }
};

// Resolves the children of one struct column by name, checking their types.
class StructColumn {
 public:
  StructColumn() = default;
  StructColumn(ArrayPtr array, std::string name, std::string_view source)
      : array_(std::move(array)), name_(std::move(name)), source_(source) {}

  explicit operator bool() const { return array_ != nullptr; }
  const ArrayPtr& array() const { return array_; }
  bool IsValid(int64_t i) const { return array_ && array_->IsValid(i); }
  const std::string& name() const { return name_; }

  // The child `field`, or nullptr when the struct has none.
  ArrayPtr Child(std::string_view field) const {
    if (!array_) return nullptr;
    const auto& fields = array_->type()->fields();
    for (size_t k = 0; k < fields.size(); ++k) {
      if (fields[k]->name() == field) return array_->field(int(k));
    }
    return nullptr;
  }

  Result<ArrayPtr> String(std::string_view field) const {
    ArrayPtr a = Child(field);
    if (a && !IsStringLike(*a->type())) return Mistyped(field, *a, "a string");
    return a;
  }
  Result<ArrayPtr> Integer(std::string_view field) const {
    ArrayPtr a = Child(field);
    if (a && !a->type()->is_integer()) return Mistyped(field, *a, "an integer");
    return a;
  }
  Result<ArrayPtr> Bool(std::string_view field) const {
    ArrayPtr a = Child(field);
    if (a && a->type_id() != TypeId::kBool) return Mistyped(field, *a, "a boolean");
    return a;
  }
  Result<StructColumn> Struct(std::string_view field) const {
    ArrayPtr a = Child(field);
    if (a && a->type_id() != TypeId::kStruct) return Mistyped(field, *a, "a struct");
    return StructColumn(std::move(a), name_ + "." + std::string(field), source_);
  }
  Result<MapColumn> Map(std::string_view field) const {
    MapColumn m;
    ArrayPtr a = Child(field);
    if (!a) return m;
    const TypeId id = a->type_id();
    if (id != TypeId::kMap && id != TypeId::kList && id != TypeId::kLargeList) {
      return Mistyped(field, *a, "a map");
    }
    const ArrayPtr& entries = a->child(0);
    if (entries->type_id() != TypeId::kStruct || entries->num_children() < 1 ||
        entries->num_children() > 2 ||
        !IsStringLike(*entries->type()->field(0)->type()) ||
        (entries->num_children() == 2 &&
         !IsStringLike(*entries->type()->field(1)->type()))) {
      return Mistyped(field, *a, "a map of strings to strings");
    }
    m.map = a;
    m.large = id == TypeId::kLargeList;
    m.keys = entries->field(0);
    if (entries->num_children() == 2) m.values = entries->field(1);
    return m;
  }
  Result<ListColumn> List(std::string_view field) const {
    ListColumn l;
    ArrayPtr a = Child(field);
    if (!a) return l;
    if ((a->type_id() != TypeId::kList && a->type_id() != TypeId::kLargeList) ||
        !IsStringLike(*a->type()->value_type())) {
      return Mistyped(field, *a, "a list of strings");
    }
    l.list = a;
    l.large = a->type_id() == TypeId::kLargeList;
    l.values = a->child(0);
    return l;
  }

  Status Missing(int64_t row, std::string_view field) const {
    return Status::Corrupt(
        "{}: row {}: {}.{} is missing or null (PROTOCOL.md, \"Actions\")", source_, row,
        name_, field);
  }

 private:
  Status Mistyped(std::string_view field, const Array& a, std::string_view want) const {
    return Status::Corrupt(
        "{}: column {}.{} is {}, not {} (PROTOCOL.md, \"Checkpoint Schema\")", source_,
        name_, field, a.type()->ToString(), want);
  }

  ArrayPtr array_;
  std::string name_;
  std::string_view source_;
};

// Required values: kCorrupt naming the field when missing or null.
Result<std::string> RequiredStr(const StructColumn& s, const ArrayPtr& a, int64_t row,
                                int64_t i, std::string_view field) {
  auto v = StrAt(a.get(), i);
  if (!v) return s.Missing(row, field);
  return std::string(*v);
}
Result<int64_t> RequiredInt(const StructColumn& s, const ArrayPtr& a, int64_t row,
                            int64_t i, std::string_view field) {
  auto v = IntOpt(a.get(), i);
  if (!v) return s.Missing(row, field);
  return *v;
}
Result<bool> RequiredBool(const StructColumn& s, const ArrayPtr& a, int64_t row,
                          int64_t i, std::string_view field) {
  auto v = BoolOpt(a.get(), i);
  if (!v) return s.Missing(row, field);
  return *v;
}

std::optional<std::string> OptStr(const ArrayPtr& a, int64_t i) {
  auto v = StrAt(a.get(), i);
  if (!v) return std::nullopt;
  return std::string(*v);
}

PartitionValues NullableMap(const MapColumn& m, int64_t i) {
  PartitionValues out;
  m.ForEach(i, [&](std::string_view k, std::optional<std::string_view> v) {
    out.emplace(std::string(k),
                v ? std::optional<std::string>(std::string(*v)) : std::nullopt);
  });
  return out;
}

std::map<std::string, std::string> StringMap(const MapColumn& m, int64_t i) {
  std::map<std::string, std::string> out;
  m.ForEach(i, [&](std::string_view k, std::optional<std::string_view> v) {
    out.emplace(std::string(k), v ? std::string(*v) : std::string());
  });
  return out;
}

// ---------------------------------------------------------------------------
// Structs rendered as JSON: stats_parsed (as the stats string) and commitInfo.

// A struct's children resolved once per batch, so that rows render without
// slicing arrays again.
struct JsonNode {
  ArrayPtr array;
  // Structs only; names apart because a pair of an incomplete type is refused by
  // clang with libstdc++.
  std::vector<std::string> names;
  std::vector<JsonNode> children;

  static JsonNode Of(ArrayPtr array) {
    JsonNode n;
    if (array->type_id() == TypeId::kStruct) {
      for (int k = 0; k < array->num_children(); ++k) {
        n.names.push_back(array->type()->field(k)->name());
        n.children.push_back(Of(array->field(k)));
      }
    }
    n.array = std::move(array);
    return n;
  }

  // Renders slot `i`: structs as objects without their null fields (absent
  // statistics are left out, not null), timestamps as ISO-8601 UTC, numbers bare.
  void Append(int64_t i, std::string* out) const {
    if (array->type_id() == TypeId::kStruct) {
      out->push_back('{');
      bool first = true;
      for (size_t k = 0; k < children.size(); ++k) {
        const std::string& name = names[k];
        const JsonNode& child = children[k];
        if (child.array->IsNull(i)) continue;
        if (!first) out->push_back(',');
        first = false;
        columnar::AppendJsonString(name, out);
        out->push_back(':');
        child.Append(i, out);
      }
      out->push_back('}');
      return;
    }
    const size_t at = out->size();
    columnar::AppendJsonValue(*array, i, out);
    const columnar::DataType& t = *array->type();
    if (t.id() == TypeId::kTimestamp) {
      // Canonical JSON is "YYYY-MM-DDTHH:MM:SS.ffffff" (+ "Z" with a timezone). Delta
      // writers put UTC instants with millisecond digits and a "Z" in stats
      // ("2021-07-30T18:11:24.594Z"); INT96 checkpoints lose the timezone flag, so
      // every timestamp is taken as UTC.
      std::string s = out->substr(at + 1, out->size() - at - 2);
      if (!s.empty() && s.back() == 'Z') s.pop_back();
      const size_t dot = s.find('.');
      if (dot != std::string::npos && s.size() - dot - 1 == 6 && s.ends_with("000")) {
        s.resize(s.size() - 3);
      }
      out->resize(at);
      out->push_back('"');
      *out += s;
      *out += "Z\"";
    } else if ((t.is_integer() || t.is_decimal()) && out->size() > at &&
               (*out)[at] == '"') {
      // Large integers and decimals are strings in canonical JSON, numbers in stats.
      out->erase(out->size() - 1);
      out->erase(at, 1);
    }
  }
};

// ---------------------------------------------------------------------------
// One batch of checkpoint rows.

class BatchConverter {
 public:
  BatchConverter(const columnar::RecordBatch& batch, std::string_view source,
                 int64_t row_base)
      : batch_(batch), source_(source), row_base_(row_base) {}

  Result<std::vector<Action>> Convert() {
    std::vector<Action> out;
    QUIRE_RETURN_NOT_OK(Resolve());
    const int64_t n = batch_.num_rows();
    out.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
      const int64_t row = row_base_ + i;
      if (add_.s.IsValid(i)) {
        QUIRE_ASSIGN_OR_RETURN(auto a, Add(i, row));
        out.emplace_back(std::move(a));
      }
      if (remove_.s.IsValid(i)) {
        QUIRE_ASSIGN_OR_RETURN(auto r, Remove(i, row));
        out.emplace_back(std::move(r));
      }
      if (meta_.s.IsValid(i)) {
        QUIRE_ASSIGN_OR_RETURN(auto m, Meta(i, row));
        out.emplace_back(std::move(m));
      }
      if (protocol_.s.IsValid(i)) {
        QUIRE_ASSIGN_OR_RETURN(auto p, Proto(i, row));
        out.emplace_back(std::move(p));
      }
      if (txn_.s.IsValid(i)) {
        AppTransaction t;
        QUIRE_ASSIGN_OR_RETURN(t.app_id,
                               RequiredStr(txn_.s, txn_.app_id, row, i, "appId"));
        QUIRE_ASSIGN_OR_RETURN(t.version,
                               RequiredInt(txn_.s, txn_.version, row, i, "version"));
        t.last_updated = IntOpt(txn_.last_updated.get(), i);
        out.emplace_back(std::move(t));
      }
      if (domain_.s.IsValid(i)) {
        DomainMetadata d;
        QUIRE_ASSIGN_OR_RETURN(d.domain,
                               RequiredStr(domain_.s, domain_.domain, row, i, "domain"));
        QUIRE_ASSIGN_OR_RETURN(
            d.configuration,
            RequiredStr(domain_.s, domain_.configuration, row, i, "configuration"));
        d.removed = BoolOpt(domain_.removed.get(), i).value_or(false);
        out.emplace_back(std::move(d));
      }
      if (ckpt_.s.IsValid(i)) {
        CheckpointMetadata c;
        QUIRE_ASSIGN_OR_RETURN(c.version,
                               RequiredInt(ckpt_.s, ckpt_.version, row, i, "version"));
        c.tags = NullableMap(ckpt_.tags, i);
        out.emplace_back(std::move(c));
      }
      if (sidecar_.s.IsValid(i)) {
        Sidecar s;
        QUIRE_ASSIGN_OR_RETURN(s.path,
                               RequiredStr(sidecar_.s, sidecar_.path, row, i, "path"));
        QUIRE_ASSIGN_OR_RETURN(
            s.size_in_bytes,
            RequiredInt(sidecar_.s, sidecar_.size_in_bytes, row, i, "sizeInBytes"));
        QUIRE_ASSIGN_OR_RETURN(s.modification_time,
                               RequiredInt(sidecar_.s, sidecar_.modification_time, row, i,
                                           "modificationTime"));
        s.tags = NullableMap(sidecar_.tags, i);
        out.emplace_back(std::move(s));
      }
      if (commit_info_.IsValid(i)) {
        CommitInfo c;
        c.json.clear();
        commit_info_json_.Append(i, &c.json);
        c.timestamp = IntOpt(commit_timestamp_.get(), i);
        c.in_commit_timestamp = IntOpt(commit_ict_.get(), i);
        c.operation = OptStr(commit_operation_, i);
        out.emplace_back(std::move(c));
      }
      if (cdc_.s.IsValid(i)) {
        AddCdcFile c;
        QUIRE_ASSIGN_OR_RETURN(c.path, RequiredStr(cdc_.s, cdc_.path, row, i, "path"));
        c.partition_values = NullableMap(cdc_.partition_values, i);
        QUIRE_ASSIGN_OR_RETURN(c.size, RequiredInt(cdc_.s, cdc_.size, row, i, "size"));
        c.data_change = BoolOpt(cdc_.data_change.get(), i).value_or(false);
        c.tags = NullableMap(cdc_.tags, i);
        out.emplace_back(std::move(c));
      }
    }
    return out;
  }

 private:
  struct DvColumns {
    StructColumn s;
    ArrayPtr storage_type, path_or_inline_dv, offset, size_in_bytes, cardinality;
  };
  // The fields add and remove share.
  struct FileColumns {
    StructColumn s;
    ArrayPtr path, size, data_change, stats, base_row_id, default_row_commit_version;
    MapColumn partition_values, tags;
    DvColumns dv;
  };
  struct AddColumns : FileColumns {
    ArrayPtr modification_time, clustering_provider;
    std::optional<JsonNode> stats_parsed;
  };
  struct RemoveColumns : FileColumns {
    ArrayPtr deletion_timestamp, extended_file_metadata;
  };
  struct MetaColumns {
    StructColumn s;
    ArrayPtr id, name, description, schema_string, created_time, provider;
    MapColumn options, configuration;
    ListColumn partition_columns;
  };
  struct ProtocolColumns {
    StructColumn s;
    ArrayPtr min_reader, min_writer;
    ListColumn reader_features, writer_features;
  };
  struct TxnColumns {
    StructColumn s;
    ArrayPtr app_id, version, last_updated;
  };
  struct DomainColumns {
    StructColumn s;
    ArrayPtr domain, configuration, removed;
  };
  struct CheckpointMetadataColumns {
    StructColumn s;
    ArrayPtr version;
    MapColumn tags;
  };
  struct SidecarColumns {
    StructColumn s;
    ArrayPtr path, size_in_bytes, modification_time;
    MapColumn tags;
  };
  struct CdcColumns {
    StructColumn s;
    ArrayPtr path, size, data_change;
    MapColumn partition_values, tags;
  };

  Result<StructColumn> Top(std::string_view name) const {
    const int index = batch_.schema()->GetFieldIndex(name);
    if (index < 0) return StructColumn();
    const ArrayPtr& a = batch_.column(index);
    if (a->type_id() != TypeId::kStruct) {
      return Status::Corrupt(
          "{}: column {} is {}, not a struct (PROTOCOL.md, \"Checkpoint "
          "Schema\")",
          source_, name, a->type()->ToString());
    }
    return StructColumn(a, std::string(name), source_);
  }

  static Result<DvColumns> Dv(const StructColumn& parent) {
    DvColumns d;
    QUIRE_ASSIGN_OR_RETURN(d.s, parent.Struct("deletionVector"));
    QUIRE_ASSIGN_OR_RETURN(d.storage_type, d.s.String("storageType"));
    QUIRE_ASSIGN_OR_RETURN(d.path_or_inline_dv, d.s.String("pathOrInlineDv"));
    QUIRE_ASSIGN_OR_RETURN(d.offset, d.s.Integer("offset"));
    QUIRE_ASSIGN_OR_RETURN(d.size_in_bytes, d.s.Integer("sizeInBytes"));
    QUIRE_ASSIGN_OR_RETURN(d.cardinality, d.s.Integer("cardinality"));
    return d;
  }

  static Status ResolveFile(FileColumns& c) {
    QUIRE_ASSIGN_OR_RETURN(c.path, c.s.String("path"));
    QUIRE_ASSIGN_OR_RETURN(c.partition_values, c.s.Map("partitionValues"));
    QUIRE_ASSIGN_OR_RETURN(c.size, c.s.Integer("size"));
    QUIRE_ASSIGN_OR_RETURN(c.data_change, c.s.Bool("dataChange"));
    QUIRE_ASSIGN_OR_RETURN(c.stats, c.s.String("stats"));
    QUIRE_ASSIGN_OR_RETURN(c.tags, c.s.Map("tags"));
    QUIRE_ASSIGN_OR_RETURN(c.dv, Dv(c.s));
    QUIRE_ASSIGN_OR_RETURN(c.base_row_id, c.s.Integer("baseRowId"));
    QUIRE_ASSIGN_OR_RETURN(c.default_row_commit_version,
                           c.s.Integer("defaultRowCommitVersion"));
    return Status::OK();
  }

  Status Resolve() {
    QUIRE_ASSIGN_OR_RETURN(add_.s, Top("add"));
    if (add_.s) {
      auto& c = add_;
      QUIRE_RETURN_NOT_OK(ResolveFile(c));
      QUIRE_ASSIGN_OR_RETURN(c.modification_time, c.s.Integer("modificationTime"));
      QUIRE_ASSIGN_OR_RETURN(c.clustering_provider, c.s.String("clusteringProvider"));
      QUIRE_ASSIGN_OR_RETURN(auto parsed, c.s.Struct("stats_parsed"));
      if (parsed) c.stats_parsed = JsonNode::Of(parsed.array());
    }
    QUIRE_ASSIGN_OR_RETURN(remove_.s, Top("remove"));
    if (remove_.s) {
      auto& c = remove_;
      QUIRE_RETURN_NOT_OK(ResolveFile(c));
      QUIRE_ASSIGN_OR_RETURN(c.deletion_timestamp, c.s.Integer("deletionTimestamp"));
      QUIRE_ASSIGN_OR_RETURN(c.extended_file_metadata, c.s.Bool("extendedFileMetadata"));
    }
    QUIRE_ASSIGN_OR_RETURN(meta_.s, Top("metaData"));
    if (meta_.s) {
      auto& c = meta_;
      QUIRE_ASSIGN_OR_RETURN(c.id, c.s.String("id"));
      QUIRE_ASSIGN_OR_RETURN(c.name, c.s.String("name"));
      QUIRE_ASSIGN_OR_RETURN(c.description, c.s.String("description"));
      QUIRE_ASSIGN_OR_RETURN(auto format, c.s.Struct("format"));
      QUIRE_ASSIGN_OR_RETURN(c.provider, format.String("provider"));
      QUIRE_ASSIGN_OR_RETURN(c.options, format.Map("options"));
      QUIRE_ASSIGN_OR_RETURN(c.schema_string, c.s.String("schemaString"));
      QUIRE_ASSIGN_OR_RETURN(c.partition_columns, c.s.List("partitionColumns"));
      QUIRE_ASSIGN_OR_RETURN(c.configuration, c.s.Map("configuration"));
      QUIRE_ASSIGN_OR_RETURN(c.created_time, c.s.Integer("createdTime"));
    }
    QUIRE_ASSIGN_OR_RETURN(protocol_.s, Top("protocol"));
    if (protocol_.s) {
      auto& c = protocol_;
      QUIRE_ASSIGN_OR_RETURN(c.min_reader, c.s.Integer("minReaderVersion"));
      QUIRE_ASSIGN_OR_RETURN(c.min_writer, c.s.Integer("minWriterVersion"));
      QUIRE_ASSIGN_OR_RETURN(c.reader_features, c.s.List("readerFeatures"));
      QUIRE_ASSIGN_OR_RETURN(c.writer_features, c.s.List("writerFeatures"));
    }
    QUIRE_ASSIGN_OR_RETURN(txn_.s, Top("txn"));
    if (txn_.s) {
      QUIRE_ASSIGN_OR_RETURN(txn_.app_id, txn_.s.String("appId"));
      QUIRE_ASSIGN_OR_RETURN(txn_.version, txn_.s.Integer("version"));
      QUIRE_ASSIGN_OR_RETURN(txn_.last_updated, txn_.s.Integer("lastUpdated"));
    }
    QUIRE_ASSIGN_OR_RETURN(domain_.s, Top("domainMetadata"));
    if (domain_.s) {
      QUIRE_ASSIGN_OR_RETURN(domain_.domain, domain_.s.String("domain"));
      QUIRE_ASSIGN_OR_RETURN(domain_.configuration, domain_.s.String("configuration"));
      QUIRE_ASSIGN_OR_RETURN(domain_.removed, domain_.s.Bool("removed"));
    }
    QUIRE_ASSIGN_OR_RETURN(ckpt_.s, Top("checkpointMetadata"));
    if (ckpt_.s) {
      QUIRE_ASSIGN_OR_RETURN(ckpt_.version, ckpt_.s.Integer("version"));
      QUIRE_ASSIGN_OR_RETURN(ckpt_.tags, ckpt_.s.Map("tags"));
    }
    QUIRE_ASSIGN_OR_RETURN(sidecar_.s, Top("sidecar"));
    if (sidecar_.s) {
      QUIRE_ASSIGN_OR_RETURN(sidecar_.path, sidecar_.s.String("path"));
      QUIRE_ASSIGN_OR_RETURN(sidecar_.size_in_bytes, sidecar_.s.Integer("sizeInBytes"));
      QUIRE_ASSIGN_OR_RETURN(sidecar_.modification_time,
                             sidecar_.s.Integer("modificationTime"));
      QUIRE_ASSIGN_OR_RETURN(sidecar_.tags, sidecar_.s.Map("tags"));
    }
    QUIRE_ASSIGN_OR_RETURN(commit_info_, Top("commitInfo"));
    if (commit_info_) {
      commit_info_json_ = JsonNode::Of(commit_info_.array());
      QUIRE_ASSIGN_OR_RETURN(commit_timestamp_, commit_info_.Integer("timestamp"));
      QUIRE_ASSIGN_OR_RETURN(commit_ict_, commit_info_.Integer("inCommitTimestamp"));
      QUIRE_ASSIGN_OR_RETURN(commit_operation_, commit_info_.String("operation"));
    }
    QUIRE_ASSIGN_OR_RETURN(cdc_.s, Top("cdc"));
    if (cdc_.s) {
      QUIRE_ASSIGN_OR_RETURN(cdc_.path, cdc_.s.String("path"));
      QUIRE_ASSIGN_OR_RETURN(cdc_.partition_values, cdc_.s.Map("partitionValues"));
      QUIRE_ASSIGN_OR_RETURN(cdc_.size, cdc_.s.Integer("size"));
      QUIRE_ASSIGN_OR_RETURN(cdc_.data_change, cdc_.s.Bool("dataChange"));
      QUIRE_ASSIGN_OR_RETURN(cdc_.tags, cdc_.s.Map("tags"));
    }
    return Status::OK();
  }

  static Result<std::optional<DeletionVectorDescriptor>> DvAt(const DvColumns& c,
                                                              int64_t i, int64_t row) {
    // Not `return std::nullopt`: that would leave the Result without a value.
    if (!c.s.IsValid(i)) return std::optional<DeletionVectorDescriptor>();
    DeletionVectorDescriptor d;
    QUIRE_ASSIGN_OR_RETURN(d.storage_type,
                           RequiredStr(c.s, c.storage_type, row, i, "storageType"));
    QUIRE_ASSIGN_OR_RETURN(d.path_or_inline_dv, RequiredStr(c.s, c.path_or_inline_dv, row,
                                                            i, "pathOrInlineDv"));
    if (auto offset = IntOpt(c.offset.get(), i)) d.offset = int32_t(*offset);
    QUIRE_ASSIGN_OR_RETURN(int64_t size,
                           RequiredInt(c.s, c.size_in_bytes, row, i, "sizeInBytes"));
    d.size_in_bytes = int32_t(size);
    QUIRE_ASSIGN_OR_RETURN(d.cardinality,
                           RequiredInt(c.s, c.cardinality, row, i, "cardinality"));
    return std::optional<DeletionVectorDescriptor>(std::move(d));
  }

  Result<AddFile> Add(int64_t i, int64_t row) const {
    const auto& c = add_;
    AddFile a;
    QUIRE_ASSIGN_OR_RETURN(a.path, RequiredStr(c.s, c.path, row, i, "path"));
    a.partition_values = NullableMap(c.partition_values, i);
    QUIRE_ASSIGN_OR_RETURN(a.size, RequiredInt(c.s, c.size, row, i, "size"));
    QUIRE_ASSIGN_OR_RETURN(a.modification_time, RequiredInt(c.s, c.modification_time, row,
                                                            i, "modificationTime"));
    QUIRE_ASSIGN_OR_RETURN(a.data_change,
                           RequiredBool(c.s, c.data_change, row, i, "dataChange"));
    a.stats = OptStr(c.stats, i);
    if (!a.stats && c.stats_parsed && c.stats_parsed->array->IsValid(i)) {
      std::string json;
      c.stats_parsed->Append(i, &json);
      a.stats = std::move(json);
    }
    a.tags = NullableMap(c.tags, i);
    QUIRE_ASSIGN_OR_RETURN(a.deletion_vector, DvAt(c.dv, i, row));
    a.base_row_id = IntOpt(c.base_row_id.get(), i);
    a.default_row_commit_version = IntOpt(c.default_row_commit_version.get(), i);
    a.clustering_provider = OptStr(c.clustering_provider, i);
    return a;
  }

  Result<RemoveFile> Remove(int64_t i, int64_t row) const {
    const auto& c = remove_;
    RemoveFile r;
    QUIRE_ASSIGN_OR_RETURN(r.path, RequiredStr(c.s, c.path, row, i, "path"));
    r.deletion_timestamp = IntOpt(c.deletion_timestamp.get(), i);
    // dataChange is required by the protocol, but tombstones are only kept for
    // VACUUM and some writers leave it null there: default to true.
    r.data_change = BoolOpt(c.data_change.get(), i).value_or(true);
    r.extended_file_metadata = BoolOpt(c.extended_file_metadata.get(), i);
    if (!c.partition_values.IsNull(i))
      r.partition_values = NullableMap(c.partition_values, i);
    r.size = IntOpt(c.size.get(), i);
    r.stats = OptStr(c.stats, i);
    if (!c.tags.IsNull(i)) r.tags = NullableMap(c.tags, i);
    QUIRE_ASSIGN_OR_RETURN(r.deletion_vector, DvAt(c.dv, i, row));
    r.base_row_id = IntOpt(c.base_row_id.get(), i);
    r.default_row_commit_version = IntOpt(c.default_row_commit_version.get(), i);
    return r;
  }

  Result<Metadata> Meta(int64_t i, int64_t row) const {
    const auto& c = meta_;
    Metadata m;
    QUIRE_ASSIGN_OR_RETURN(m.id, RequiredStr(c.s, c.id, row, i, "id"));
    m.name = OptStr(c.name, i);
    m.description = OptStr(c.description, i);
    if (auto provider = StrAt(c.provider.get(), i))
      m.format_provider = std::string(*provider);
    m.format_options = StringMap(c.options, i);
    QUIRE_ASSIGN_OR_RETURN(m.schema_string,
                           RequiredStr(c.s, c.schema_string, row, i, "schemaString"));
    if (auto columns = c.partition_columns.At(i))
      m.partition_columns = std::move(*columns);
    m.configuration = StringMap(c.configuration, i);
    m.created_time = IntOpt(c.created_time.get(), i);
    return m;
  }

  Result<Protocol> Proto(int64_t i, int64_t row) const {
    const auto& c = protocol_;
    Protocol p;
    QUIRE_ASSIGN_OR_RETURN(int64_t reader,
                           RequiredInt(c.s, c.min_reader, row, i, "minReaderVersion"));
    QUIRE_ASSIGN_OR_RETURN(int64_t writer,
                           RequiredInt(c.s, c.min_writer, row, i, "minWriterVersion"));
    p.min_reader_version = int32_t(reader);
    p.min_writer_version = int32_t(writer);
    p.reader_features = c.reader_features.At(i);
    p.writer_features = c.writer_features.At(i);
    return p;
  }

  const columnar::RecordBatch& batch_;
  std::string_view source_;
  int64_t row_base_;
  AddColumns add_;
  RemoveColumns remove_;
  MetaColumns meta_;
  ProtocolColumns protocol_;
  TxnColumns txn_;
  DomainColumns domain_;
  CheckpointMetadataColumns ckpt_;
  SidecarColumns sidecar_;
  StructColumn commit_info_;
  JsonNode commit_info_json_;
  ArrayPtr commit_timestamp_, commit_ict_, commit_operation_;
  CdcColumns cdc_;
};

Result<std::vector<Action>> ConvertBatch(const columnar::RecordBatch& batch,
                                         std::string_view source, int64_t row_base) {
  return BatchConverter(batch, source, row_base).Convert();
}

// ---------------------------------------------------------------------------
// Reading a file: top-level projection plus, without stats, leaves left undecoded.

constexpr std::array<std::string_view, 10> kActionColumns = {"add",
                                                             "remove",
                                                             "metaData",
                                                             "protocol",
                                                             "txn",
                                                             "domainMetadata",
                                                             "checkpointMetadata",
                                                             "sidecar",
                                                             "commitInfo",
                                                             "cdc"};

void LeavesUnder(const parquet::SchemaDescriptor& s, int node, std::vector<int>* out) {
  const parquet::SchemaNode& n = s.node(node);
  if (n.column >= 0) out->push_back(n.column);
  for (int c : n.children) LeavesUnder(s, c, out);
}

// How one top-level field is read: the leaves decoded, and the leaves stood in for
// by null levels (stats when not wanted).
struct FieldPlan {
  int field = -1;  // index into the root's children and the Arrow schema
  int node = -1;
  std::vector<int> decoded;
  std::vector<int> skipped;
  int reference = -1;   // a decoded leaf without repetition, for the skipped levels
  int16_t cut_def = 0;  // definition level of the field itself
};

// Plans the fields to read. Under `add`, the optional children stats,
// stats_parsed (without stats) and partitionValues_parsed (never used) are
// skipped: their leaves get null levels derived from a sibling leaf, so that
// they assemble as null without being read.
std::vector<FieldPlan> PlanFields(const parquet::FileReader& reader,
                                  const CheckpointReadOptions& options) {
  const parquet::SchemaDescriptor& s = reader.schema_descriptor();
  std::vector<FieldPlan> plans;
  const auto& roots = s.root().children;
  for (size_t f = 0; f < roots.size(); ++f) {
    const parquet::SchemaNode& n = s.node(roots[f]);
    const bool known = std::find(kActionColumns.begin(), kActionColumns.end(),
                                 n.name()) != kActionColumns.end();
    const bool wanted = options.columns.empty() ||
                        std::find(options.columns.begin(), options.columns.end(),
                                  n.name()) != options.columns.end();
    if (!known || !wanted) continue;
    FieldPlan plan;
    plan.field = int(f);
    plan.node = roots[f];
    plan.cut_def = n.def_level;
    for (int child : n.children) {
      const parquet::SchemaNode& c = s.node(child);
      const bool skippable =
          n.name() == "add" && c.repetition == parquet::FieldRepetitionType::kOptional &&
          (c.name() == "partitionValues_parsed" ||
           (!options.with_stats && (c.name() == "stats" || c.name() == "stats_parsed")));
      LeavesUnder(s, child, skippable ? &plan.skipped : &plan.decoded);
    }
    for (int leaf : plan.decoded) {
      if (s.column(leaf).max_rep_level == 0) {
        plan.reference = leaf;
        break;
      }
    }
    if (plan.reference < 0) {
      // No sibling to borrow levels from: decode everything.
      plan.decoded.insert(plan.decoded.end(), plan.skipped.begin(), plan.skipped.end());
      plan.skipped.clear();
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

// Levels of a skipped leaf: null right below the field wherever the field is
// present (one entry per record: no repetition above the cut).
parquet::ColumnChunkData NullLeaf(const parquet::ColumnChunkData& reference,
                                  int16_t reference_max_def, int16_t cut_def,
                                  const parquet::ColumnDescriptor& column,
                                  columnar::ArrayPtr empty_values) {
  parquet::ColumnChunkData d;
  d.num_entries = reference.num_entries;
  d.def_levels.resize(size_t(d.num_entries));
  for (int64_t i = 0; i < d.num_entries; ++i) {
    const int16_t r = reference.def_levels.empty() ? reference_max_def
                                                   : reference.def_levels[size_t(i)];
    d.def_levels[size_t(i)] = std::min(r, cut_def);
  }
  if (column.max_rep_level > 0) d.rep_levels.assign(size_t(d.num_entries), 0);
  d.values = std::move(empty_values);
  return d;
}

Status ReadRowGroup(const parquet::FileReader& reader, int group,
                    const std::vector<FieldPlan>& plans,
                    const columnar::SchemaPtr& schema,
                    const CheckpointReadOptions& options, std::string_view source,
                    int64_t* row_base, const CheckpointActionSink& sink) {
  const parquet::SchemaDescriptor& s = reader.schema_descriptor();
  const int64_t num_rows = reader.metadata().row_groups[size_t(group)].num_rows;
  parquet::ReadOptions read;
  read.pool = options.pool;
  read.num_threads = 1;
  std::vector<int> decoded;
  for (const auto& p : plans)
    decoded.insert(decoded.end(), p.decoded.begin(), p.decoded.end());
  std::vector<int> fields;
  for (const auto& p : plans) fields.push_back(p.field);
  reader.WillNeed(group, fields);
  std::vector<std::unique_ptr<parquet::ColumnChunkStream>> streams;
  for (int leaf : decoded) {
    QUIRE_ASSIGN_OR_RETURN(auto stream, reader.StreamLeaf(group, leaf, read));
    streams.push_back(std::move(stream));
  }
  // Empty value arrays of the skipped leaves, made once.
  std::vector<std::pair<int, columnar::ArrayPtr>> empties;
  for (const auto& p : plans) {
    for (int leaf : p.skipped) {
      QUIRE_ASSIGN_OR_RETURN(auto type,
                             parquet::LeafArrowType(*s.column(leaf).element, {}));
      QUIRE_ASSIGN_OR_RETURN(auto empty,
                             columnar::MakeArrayOfNulls(type, 0, options.pool));
      empties.emplace_back(leaf, std::move(empty));
    }
  }
  std::vector<parquet::ColumnChunkData> data(decoded.size());
  std::vector<parquet::ColumnChunkData> nulls;
  std::vector<const parquet::ColumnChunkData*> leaves(size_t(s.num_columns()), nullptr);
  for (int64_t done = 0; done < num_rows;) {
    const int64_t want = std::min(options.batch_rows, num_rows - done);
    int64_t records = -1;
    for (size_t k = 0; k < decoded.size(); ++k) {
      int64_t got = 0;
      QUIRE_ASSIGN_OR_RETURN(data[k], streams[k]->Next(want, &got));
      if (records >= 0 && got != records) {
        return Status::Corrupt(
            "{}: row group {}: leaf columns disagree on the number of rows "
            "({} and {})",
            source, group, records, got);
      }
      records = got;
      leaves[size_t(decoded[k])] = &data[k];
    }
    if (records <= 0) {
      if (decoded.empty()) break;
      return Status::Corrupt("{}: row group {} ends after {} of {} rows", source, group,
                             done, num_rows);
    }
    nulls.clear();
    nulls.reserve(empties.size());
    size_t e = 0;
    for (const auto& p : plans) {
      for (int leaf : p.skipped) {
        const parquet::ColumnChunkData& ref = *leaves[size_t(p.reference)];
        nulls.push_back(NullLeaf(ref, s.column(p.reference).max_def_level, p.cut_def,
                                 s.column(leaf), empties[e++].second));
        leaves[size_t(leaf)] = &nulls.back();
      }
    }
    columnar::ArrayVector columns;
    for (const auto& p : plans) {
      QUIRE_ASSIGN_OR_RETURN(
          auto array, parquet::AssembleField(s, p.node, schema->field(p.field)->type(),
                                             leaves, records, options.pool));
      columns.push_back(std::move(array));
    }
    columnar::FieldVector out_fields;
    for (const auto& p : plans) out_fields.push_back(schema->field(p.field));
    columnar::RecordBatch batch(columnar::schema(std::move(out_fields)), records,
                                std::move(columns));
    QUIRE_ASSIGN_OR_RETURN(auto actions, ConvertBatch(batch, source, *row_base));
    QUIRE_RETURN_NOT_OK(sink(std::move(actions)));
    *row_base += records;
    done += records;
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<Action>> ActionsFromCheckpointBatch(const columnar::RecordBatch& batch,
                                                       std::string_view source) {
  return ConvertBatch(batch, source, 0);
}

namespace {

// ReadCheckpointFile, telling `on_open` the number of rows before the first batch.
Status ReadCheckpointRows(io::FileSystem& fs, std::string_view path,
                          const CheckpointReadOptions& options,
                          const CheckpointActionSink& sink,
                          const std::function<void(int64_t)>& on_open) {
  if (options.batch_rows < 1) {
    return Status::Invalid("{}: batch_rows must be positive, not {}", path,
                           options.batch_rows);
  }
  io::ReadOptions open;
  open.size = options.file_size;
  QUIRE_ASSIGN_OR_RETURN(auto file, fs.OpenRead(path, open));
  // A checkpoint's row group is read whole, column by column: announcing it lets one
  // coalesced request fetch it, on every filesystem (opening a table stays a few
  // requests).
  QUIRE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(io::MakeCoalescingFile(
                                          std::move(file))));
  const std::vector<FieldPlan> plans = PlanFields(*reader, options);
  if (plans.empty()) return Status::OK();
  if (on_open) on_open(reader->num_rows());
  std::vector<int> all_fields(size_t(reader->schema()->num_fields()));
  for (size_t i = 0; i < all_fields.size(); ++i) all_fields[i] = int(i);
  int64_t row_base = 0;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    reader->WillNeed(g, all_fields);
    QUIRE_RETURN_NOT_OK(ReadRowGroup(*reader, g, plans, reader->schema(), options, path,
                                     &row_base, sink));
  }
  return Status::OK();
}

}  // namespace

Status ReadCheckpointFile(io::FileSystem& fs, std::string_view path,
                          const CheckpointReadOptions& options,
                          const CheckpointActionSink& sink) {
  return ReadCheckpointRows(fs, path, options, sink, nullptr);
}

Result<std::vector<Action>> ReadCheckpointFile(io::FileSystem& fs, std::string_view path,
                                               const CheckpointReadOptions& options) {
  std::vector<Action> all;
  auto append = [&](std::vector<Action>&& batch) {
    all.insert(all.end(), std::make_move_iterator(batch.begin()),
               std::make_move_iterator(batch.end()));
    return Status::OK();
  };
  // At most one action a row: reserve once rather than regrow (an Action is large).
  auto reserve = [&](int64_t rows) {
    if (options.columns.empty()) all.reserve(size_t(std::max<int64_t>(rows, 0)));
  };
  QUIRE_RETURN_NOT_OK(ReadCheckpointRows(fs, path, options, append, reserve));
  return all;
}

}  // namespace quire::table
