/// \file quire/table/convert.cc
/// \brief Converting a folder of (Hive-partitioned) Parquet files into a table in
/// place: the files stay, version 0 lists them.

#include <algorithm>
#include <future>

#include <fmt/format.h>

#include "quire/parquet/file_reader.h"
#include "quire/table/schema.h"
#include "quire/table/table_internal.h"
#include "quire/table/transaction.h"
#include "quire/table/writer.h"
#include "quire/text/value_parse_internal.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::table {

namespace {

// The `name=value` folders of a relative file path, unescaped, in order.
Result<std::vector<std::pair<std::string, std::optional<std::string>>>> HiveFolders(
    std::string_view relative) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  size_t start = 0;
  for (size_t slash; (slash = relative.find('/', start)) != std::string_view::npos;
       start = slash + 1) {
    const std::string_view folder = relative.substr(start, slash - start);
    const size_t eq = folder.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::Invalid("{}: folder '{}' is not a partition (name=value)", relative,
                             folder);
    }
    QUIRE_ASSIGN_OR_RETURN(std::string name, UnescapePartitionValue(folder.substr(0, eq)));
    const std::string_view raw = folder.substr(eq + 1);
    std::optional<std::string> value;
    if (raw != kHiveDefaultPartition) {
      QUIRE_ASSIGN_OR_RETURN(value, UnescapePartitionValue(raw));
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

// The narrowest of date, int64 and string that holds every value.
columnar::TypePtr InferPartitionType(const std::vector<std::optional<std::string>>& values) {
  bool dates = true, ints = true;
  for (const auto& v : values) {
    if (!v) continue;
    int64_t days;
    dates &= text::internal::ParseDate(v->data(), v->size(), &days);
    ints &= !v->empty() && v->find_first_not_of("-0123456789") == std::string::npos &&
            v->find('-', 1) == std::string::npos;
  }
  if (dates) return columnar::date32();
  if (ints) return columnar::int64();
  return columnar::utf8();
}

struct Footer {
  columnar::SchemaPtr schema;
  std::shared_ptr<const parquet::FileMetaData> metadata;
};

}  // namespace

Result<CommitResult> ConvertToTable(const Table& table, const ConvertOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(bool exists, table.Exists());
  if (exists) return Status::AlreadyExists("{}: a table already exists there", table.root());
  // The Parquet files below the root, hidden paths aside.
  QUIRE_ASSIGN_OR_RETURN(auto listing, table.fs()->ListAll(table.root(), {.recursive = true}));
  std::vector<io::FileInfo> files;
  const std::string prefix = table.root().empty() ? "" : table.root() + "/";
  for (auto& info : listing) {
    if (!info.is_file() || !info.path.ends_with(".parquet")) continue;
    const std::string_view rel = std::string_view(info.path).substr(prefix.size());
    bool hidden = rel.front() == '_' || rel.front() == '.' ||
                  rel.find("/_") != std::string_view::npos ||
                  rel.find("/.") != std::string_view::npos;
    if (!hidden) files.push_back(std::move(info));
  }
  if (files.empty()) return Status::NotFound("{}: no Parquet files to convert", table.root());
  // Footers, read concurrently (one or two requests each).
  std::vector<std::future<Result<Footer>>> reads;
  auto fs = table.fs();
  for (const auto& info : files) {
    reads.push_back(io::IoThreadPool()->Submit([fs, info]() -> Result<Footer> {
      QUIRE_ASSIGN_OR_RETURN(auto file, fs->OpenRead(info.path, {.size = info.size}));
      QUIRE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
      return Footer{reader->schema(),
                    std::make_shared<parquet::FileMetaData>(reader->metadata())};
    }));
  }
  std::vector<Footer> footers;
  Status first_error;
  for (auto& r : reads) {
    auto footer = r.get();
    if (!footer.ok() && first_error.ok()) first_error = footer.status();
    if (footer.ok()) footers.push_back(std::move(*footer));
  }
  QUIRE_RETURN_NOT_OK(first_error);

  // Partition columns: given, or read off the folders.
  std::vector<std::vector<std::pair<std::string, std::optional<std::string>>>> folders;
  for (const auto& info : files) {
    QUIRE_ASSIGN_OR_RETURN(auto f, HiveFolders(std::string_view(info.path).substr(prefix.size())));
    folders.push_back(std::move(f));
  }
  columnar::FieldVector partitions = options.partition_columns;
  if (partitions.empty()) {
    for (size_t k = 0; k < folders[0].size(); ++k) {
      std::vector<std::optional<std::string>> values;
      for (const auto& f : folders) {
        if (k < f.size()) values.push_back(f[k].second);
      }
      partitions.push_back(columnar::field(folders[0][k].first, InferPartitionType(values)));
    }
  }
  const columnar::Schema& data = *footers[0].schema;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!footers[i].schema->Equals(data)) {
      return Status::Invalid("{}: its columns ({}) differ from those of {} ({})",
                             files[i].path, footers[i].schema->ToString(), files[0].path,
                             data.ToString());
    }
    if (folders[i].size() != partitions.size()) {
      return Status::Invalid("{}: {} partition folders, where the table has {}", files[i].path,
                             folders[i].size(), partitions.size());
    }
    for (size_t k = 0; k < partitions.size(); ++k) {
      if (folders[i][k].first != partitions[k]->name()) {
        return Status::Invalid("{}: folder {} is '{}', where partition column '{}' was expected",
                               files[i].path, k + 1, folders[i][k].first,
                               partitions[k]->name());
      }
      // The value must read as the column's type.
      QUIRE_RETURN_NOT_OK(
          PartitionValueArray(partitions[k]->type(), folders[i][k].second, 1).status());
    }
  }
  columnar::FieldVector fields = data.fields();
  std::vector<std::string> partition_by;
  for (const auto& p : partitions) {
    if (data.GetFieldIndex(p->name()) >= 0) {
      return Status::Invalid("partition column '{}' is also a column of the files",
                             p->name());
    }
    fields.push_back(p);
    partition_by.push_back(p->name());
  }
  auto schema = columnar::schema(std::move(fields));
  // Through the protocol's JSON and back: the types the table will declare.
  QUIRE_ASSIGN_OR_RETURN(std::string schema_string, DeltaSchemaToJson(*schema));
  QUIRE_ASSIGN_OR_RETURN(schema, ParseDeltaSchema(schema_string));

  Metadata metadata;
  metadata.id = RandomUuid();
  metadata.name = options.create.name;
  metadata.description = options.create.description;
  metadata.schema_string = std::move(schema_string);
  metadata.partition_columns = partition_by;
  metadata.configuration = options.create.properties;
  metadata.created_time = internal::NowMs();
  PendingCommit pending;
  pending.operation = "CONVERT";
  pending.actions.push_back(ProtocolFor(*schema, options.create.properties));
  pending.actions.push_back(std::move(metadata));
  int64_t rows = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    AddFile add;
    add.path = PathToUri(std::string_view(files[i].path).substr(prefix.size()));
    for (const auto& [name, value] : folders[i]) add.partition_values[name] = value;
    add.size = files[i].size;
    add.modification_time = internal::ModificationMs(files[i]);
    add.data_change = true;
    add.stats = StatsJsonFromFooter(*footers[i].metadata);
    rows += footers[i].metadata->num_rows;
    pending.actions.push_back(std::move(add));
  }
  pending.operation_metrics["numConvertedFiles"] = int64_t(files.size());
  pending.operation_metrics["numRows"] = rows;
  return Commit(table, std::move(pending), {.checkpoint = false});
}

}  // namespace quire::table
