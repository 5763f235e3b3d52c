/// \file python/src/files.cc
/// \brief Parquet files from Python: read_parquet, ParquetFile, write_parquet, and
/// the Schema object.

#include <pybind11/stl.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "common.h"
#include "quire/compute/expression.h"
#include "quire/io/file_system.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_writer.h"
#include "quire/parquet/schema.h"
#include "quire/parquet/statistics.h"
#include "quire/columnar/type_parse.h"
#include "quire/table/schema.h"
#include "quire/util/bit_util.h"

namespace quire::python {
namespace {

// An open Parquet file shared by the streams it hands out.
struct ParquetFileHandle {
  std::shared_ptr<parquet::FileReader> reader;
  std::string url;
};

// A stream of a file's batches that keeps the file open.
class OwningReader final : public columnar::RecordBatchReader {
 public:
  OwningReader(std::shared_ptr<parquet::FileReader> file,
               std::unique_ptr<columnar::RecordBatchReader> inner)
      : file_(std::move(file)), inner_(std::move(inner)) {}
  columnar::SchemaPtr schema() const override { return inner_->schema(); }
  Result<columnar::RecordBatchPtr> Next() override { return inner_->Next(); }

 private:
  std::shared_ptr<parquet::FileReader> file_;
  std::unique_ptr<columnar::RecordBatchReader> inner_;
};

compute::ExpressionPtr ParseFilter(const std::optional<std::string>& filter) {
  if (!filter || filter->empty()) return nullptr;
  return Unwrap(compute::ParseExpression(*filter));
}

std::shared_ptr<parquet::FileReader> OpenFile(const std::string& url) {
  return WithoutGil([&]() -> std::shared_ptr<parquet::FileReader> {
    auto file = Unwrap(io::OpenReadUrl(url));
    return Unwrap(parquet::FileReader::Open(std::move(file)));
  });
}

parquet::ReadOptions MakeReadOptions(const std::optional<std::vector<std::string>>& columns,
                                     const std::optional<std::string>& filter, int num_threads,
                                     int64_t batch_rows) {
  parquet::ReadOptions options;
  if (columns) options.columns = *columns;
  options.filter = ParseFilter(filter);
  options.num_threads = num_threads;
  if (batch_rows > 0) options.batch_rows = batch_rows;
  return options;
}

py::object StatToPy(const compute::StatisticValue& v, const columnar::DataType& type) {
  if (const auto* i = std::get_if<__int128>(&v)) {
    if (*i >= std::numeric_limits<int64_t>::min() && *i <= std::numeric_limits<int64_t>::max()) {
      return py::int_(int64_t(*i));
    }
    return py::int_(uint64_t(*i));
  }
  if (const auto* d = std::get_if<double>(&v)) return py::float_(*d);
  if (const auto* b = std::get_if<bool>(&v)) return py::bool_(*b);
  const auto& s = std::get<std::string>(v);
  if (type.is_string()) {
    return py::reinterpret_steal<py::object>(
        PyUnicode_DecodeUTF8(s.data(), py::ssize_t(s.size()), "replace"));
  }
  return py::bytes(s);
}

py::dict MetadataDict(const parquet::FileReader& reader) {
  const auto& md = reader.metadata();
  const auto& schema = reader.schema_descriptor();
  py::dict out;
  out["num_rows"] = md.num_rows;
  out["num_row_groups"] = md.row_groups.size();
  out["num_columns"] = schema.num_columns();
  out["created_by"] = md.created_by ? py::object(py::str(*md.created_by)) : py::none();
  out["format_version"] = md.version;
  py::dict kv;
  if (md.key_value_metadata) {
    for (const auto& p : *md.key_value_metadata) {
      kv[py::str(p.key)] = p.value ? py::object(py::str(*p.value)) : py::none();
    }
  }
  out["key_value_metadata"] = kv;
  py::list groups;
  for (const auto& rg : md.row_groups) {
    py::dict g;
    g["num_rows"] = rg.num_rows;
    g["total_byte_size"] = rg.total_byte_size;
    py::list columns;
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const auto& chunk = rg.columns[c];
      py::dict col;
      if (c < size_t(schema.num_columns())) {
        col["path"] = schema.column(int(c)).dotted_path();
      }
      if (chunk.meta_data) {
        const auto& m = *chunk.meta_data;
        col["physical_type"] = parquet::ToString(m.type);
        col["compression"] = parquet::ToString(m.codec);
        py::list encodings;
        for (auto e : m.encodings) encodings.append(parquet::ToString(e));
        col["encodings"] = encodings;
        col["num_values"] = m.num_values;
        col["total_compressed_size"] = m.total_compressed_size;
        col["total_uncompressed_size"] = m.total_uncompressed_size;
        py::object stats = py::none();
        if (c < size_t(schema.num_columns())) {
          const auto& desc = schema.column(int(c));
          auto type = parquet::LeafArrowType(*desc.element);
          if (type.ok()) {
            const auto s = parquet::ChunkStatistics(desc, m, *type, rg.num_rows, std::nullopt);
            py::dict sd;
            sd["null_count"] = s.null_count ? py::object(py::int_(*s.null_count)) : py::none();
            sd["min"] = s.min ? StatToPy(*s.min, **type) : py::none();
            sd["max"] = s.max ? StatToPy(*s.max, **type) : py::none();
            stats = sd;
          }
        }
        col["statistics"] = stats;
      }
      columns.append(col);
    }
    g["columns"] = columns;
    groups.append(g);
  }
  out["row_groups"] = groups;
  return out;
}

Result<parquet::CompressionCodec> CodecByName(std::string name) {
  for (auto& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (name == "none" || name == "uncompressed") return parquet::CompressionCodec::kUncompressed;
  if (name == "snappy") return parquet::CompressionCodec::kSnappy;
  if (name == "gzip") return parquet::CompressionCodec::kGzip;
  if (name == "brotli") return parquet::CompressionCodec::kBrotli;
  if (name == "zstd") return parquet::CompressionCodec::kZstd;
  if (name == "lz4" || name == "lz4_raw") return parquet::CompressionCodec::kLz4Raw;
  return Status::Invalid("unknown compression '{}' (none, snappy, gzip, brotli, zstd, lz4)",
                         name);
}

void CollectColumns(const compute::Expression& e, std::set<std::string>* out) {
  if (e.kind() == compute::Expression::Kind::kColumn) out->insert(e.column());
  if (e.left()) CollectColumns(*e.left(), out);
  if (e.right()) CollectColumns(*e.right(), out);
}

// One file of a Hive-partitioned folder: its columns, then the partition columns
// (constant, typed from `partitions`: name -> (type, value or None)), filtered.
// A filter on partition columns only is decided without reading the file; one on
// file columns only is pushed down to the reader; a mixed one is applied after.
ArrowTable ReadParquetPart(const std::string& url,
                           const std::optional<std::vector<std::string>>& columns,
                           const std::optional<std::string>& filter,
                           const std::vector<std::tuple<std::string, std::string,
                                                        std::optional<std::string>>>& partitions) {
  auto wanted = [&](const std::string& name) {
    return !columns || std::find(columns->begin(), columns->end(), name) != columns->end();
  };
  compute::ExpressionPtr expr = ParseFilter(filter);
  std::set<std::string> partition_names;
  columnar::FieldVector partition_fields;
  for (const auto& [name, type_text, value] : partitions) {
    partition_names.insert(name);
    partition_fields.push_back(columnar::field(name, Unwrap(columnar::ParseType(type_text))));
  }
  std::set<std::string> referenced;
  if (expr) CollectColumns(*expr, &referenced);
  bool only_partitions = expr != nullptr, only_file = true;
  for (const auto& c : referenced) {
    if (partition_names.count(c)) {
      only_file = false;
    } else {
      only_partitions = false;
    }
  }
  bool keep = true;
  if (only_partitions) {
    columnar::ArrayVector one_row;
    for (size_t p = 0; p < partitions.size(); ++p) {
      one_row.push_back(Unwrap(table::PartitionValueArray(partition_fields[p]->type(),
                                                          std::get<2>(partitions[p]), 1)));
    }
    auto batch = Unwrap(columnar::RecordBatch::Make(columnar::schema(partition_fields), 1, one_row));
    auto mask = Unwrap(compute::Evaluate(*expr, *batch));
    keep = !mask->IsNull(0) && util::GetBit(mask->buffer(1)->data(), mask->offset());
    expr = nullptr;
  }
  // A filter naming both kinds of columns is applied once the partition columns
  // are added; one naming file columns only is pushed down to the reader.
  const bool filter_after = expr && !only_file;
  parquet::ReadOptions options;
  options.batch_rows = 1 << 20;
  if (expr && only_file) options.filter = expr;
  if (columns) {
    for (const auto& c : *columns) {
      if (!partition_names.count(c)) options.columns.push_back(c);
    }
    for (const auto& c : referenced) {
      if (filter_after && !partition_names.count(c) && !wanted(c)) options.columns.push_back(c);
    }
  }
  auto file = OpenFile(url);
  auto reader = Unwrap(WithoutGil([&] { return file->Read(options); }));
  ArrowTable in;
  if (keep) {
    in = ReadAll(*reader);
  } else {
    in.schema = reader->schema();  // nothing of this file is wanted: the shape only
  }
  // Every batch: the file's columns (a partition value wins over a file column of
  // the same name), then the partition columns wanted or filtered on.
  std::vector<int> file_indices;
  columnar::FieldVector full_fields, out_fields;
  for (int i = 0; i < in.schema->num_fields(); ++i) {
    const auto& f = in.schema->field(i);
    if (partition_names.count(f->name())) continue;
    file_indices.push_back(i);
    full_fields.push_back(f);
    if (wanted(f->name())) out_fields.push_back(f);
  }
  std::vector<size_t> part_indices;
  for (size_t p = 0; p < partition_fields.size(); ++p) {
    const auto& name = partition_fields[p]->name();
    if (!wanted(name) && !(filter_after && referenced.count(name))) continue;
    part_indices.push_back(p);
    full_fields.push_back(partition_fields[p]);
    if (wanted(name)) out_fields.push_back(partition_fields[p]);
  }
  auto full_schema = columnar::schema(full_fields);
  ArrowTable out;
  out.schema = columnar::schema(out_fields);
  for (const auto& b : in.batches) {
    columnar::ArrayVector full;
    for (int i : file_indices) full.push_back(b->column(i));
    for (size_t p : part_indices) {
      full.push_back(Unwrap(table::PartitionValueArray(partition_fields[p]->type(),
                                                       std::get<2>(partitions[p]), b->num_rows())));
    }
    auto batch = Unwrap(columnar::RecordBatch::Make(full_schema, b->num_rows(), full));
    if (filter_after) {
      auto mask = Unwrap(compute::Evaluate(*expr, *batch));
      batch = Unwrap(compute::Filter(*batch, *mask));
    }
    columnar::ArrayVector cols;
    for (const auto& f : out_fields) cols.push_back(batch->GetColumnByName(f->name()));
    out.batches.push_back(Unwrap(columnar::RecordBatch::Make(out.schema, batch->num_rows(), cols)));
  }
  return out;
}

}  // namespace

/// \brief WriterProperties from the keyword arguments of write_parquet and
/// write_table (shared with tables.cc).
parquet::WriterProperties WriterPropertiesFrom(const py::dict& o) {
  parquet::WriterProperties p;
  for (auto item : o) {
    const std::string key = py::str(item.first);
    const py::handle value = item.second;
    if (value.is_none()) continue;
    if (key == "compression") {
      p.codec = Unwrap(CodecByName(py::str(value)));
    } else if (key == "compression_level") {
      p.compression_level = value.cast<int>();
    } else if (key == "row_group_size") {
      p.max_row_group_rows = value.cast<int64_t>();
    } else if (key == "row_group_bytes") {
      p.max_row_group_bytes = value.cast<int64_t>();
    } else if (key == "data_page_size") {
      p.data_page_bytes = value.cast<int64_t>();
    } else if (key == "use_dictionary") {
      p.dictionary = value.cast<bool>();
    } else if (key == "write_statistics") {
      p.statistics = value.cast<bool>();
    } else if (key == "write_page_index") {
      p.page_index = value.cast<bool>();
    } else if (key == "data_page_version") {
      const std::string v = py::str(value);
      if (v != "1.0" && v != "2.0") {
        throw StatusError(Status::Invalid("data_page_version must be '1.0' or '2.0', not '{}'", v));
      }
      p.data_page_version =
          v == "2.0" ? parquet::DataPageVersion::kV2 : parquet::DataPageVersion::kV1;
    } else if (key == "bloom_filter_columns") {
      for (auto c : value) p.columns[py::str(c)].bloom_filter = true;
    } else if (key == "num_threads") {
      p.num_threads = value.cast<int>();
    } else if (key == "key_value_metadata") {
      for (auto kv : value.cast<py::dict>()) {
        p.key_value_metadata.push_back(
            {py::str(kv.first).cast<std::string>(), py::str(kv.second).cast<std::string>()});
      }
    } else {
      throw StatusError(Status::Invalid(
          "unknown writer option '{}' (compression, compression_level, row_group_size, "
          "row_group_bytes, data_page_size, use_dictionary, write_statistics, "
          "write_page_index, data_page_version, bloom_filter_columns, num_threads, "
          "key_value_metadata)",
          key));
    }
  }
  return p;
}

void RegisterFiles(py::module_& m) {
  py::class_<SchemaHandle>(m, "Schema", "An Arrow schema (PyCapsule: __arrow_c_schema__).")
      .def_property_readonly("names",
                             [](const SchemaHandle& s) {
                               std::vector<std::string> out;
                               for (const auto& f : s.schema->fields()) out.push_back(f->name());
                               return out;
                             })
      .def_property_readonly("types",
                             [](const SchemaHandle& s) {
                               std::vector<std::string> out;
                               for (const auto& f : s.schema->fields()) {
                                 out.push_back(f->type()->ToString());
                               }
                               return out;
                             })
      .def_property_readonly("nullable",
                             [](const SchemaHandle& s) {
                               std::vector<bool> out;
                               for (const auto& f : s.schema->fields()) out.push_back(f->nullable());
                               return out;
                             })
      .def("__arrow_c_schema__", [](const SchemaHandle& s) { return ExportSchemaCapsule(*s.schema); })
      .def("__len__", [](const SchemaHandle& s) { return s.schema->num_fields(); })
      .def("__eq__",
           [](const SchemaHandle& a, const SchemaHandle& b) { return a.schema->Equals(*b.schema); })
      .def("__str__", [](const SchemaHandle& s) { return s.schema->ToString(); })
      .def("__repr__", [](const SchemaHandle& s) {
        return "quire.Schema(\n" + s.schema->ToString() + "\n)";
      });
  m.def("table_schema", [](const ArrowTable& t) { return SchemaHandle{t.schema}; });

  py::class_<ParquetFileHandle>(m, "ParquetFile")
      .def(py::init([](const std::string& url) { return ParquetFileHandle{OpenFile(url), url}; }),
           py::arg("url"))
      .def_property_readonly("metadata",
                             [](const ParquetFileHandle& f) { return MetadataDict(*f.reader); })
      .def_property_readonly("schema",
                             [](const ParquetFileHandle& f) { return SchemaHandle{f.reader->schema()}; })
      .def_property_readonly("num_row_groups",
                             [](const ParquetFileHandle& f) { return f.reader->num_row_groups(); })
      .def_property_readonly("num_rows",
                             [](const ParquetFileHandle& f) { return f.reader->num_rows(); })
      .def(
          "read_row_group",
          [](const ParquetFileHandle& f, int index,
             const std::optional<std::vector<std::string>>& columns, int num_threads) {
            if (index < 0 || index >= f.reader->num_row_groups()) {
              throw py::index_error("row group " + std::to_string(index) + " of " +
                                    std::to_string(f.reader->num_row_groups()));
            }
            std::vector<int> fields;
            const auto& schema = f.reader->schema();
            if (columns) {
              for (const auto& c : *columns) {
                Unwrap(schema->GetField(c));
                fields.push_back(schema->GetFieldIndex(c));
              }
            } else {
              for (int i = 0; i < schema->num_fields(); ++i) fields.push_back(i);
            }
            parquet::ReadOptions options;
            options.num_threads = num_threads;
            auto batch = WithoutGil([&] { return f.reader->ReadRowGroup(index, fields, options); });
            ArrowTable out;
            out.batches.push_back(Unwrap(std::move(batch)));
            out.schema = out.batches[0]->schema();
            return out;
          },
          py::arg("index"), py::arg("columns") = py::none(), py::arg("num_threads") = 0)
      .def(
          "iter_batches",
          [](const ParquetFileHandle& f, int64_t batch_size,
             const std::optional<std::vector<std::string>>& columns,
             const std::optional<std::string>& filter, int num_threads) {
            auto options = MakeReadOptions(columns, filter, num_threads, batch_size);
            auto inner = Unwrap(WithoutGil([&] { return f.reader->Read(options); }));
            BatchStream s;
            s.schema = inner->schema();
            s.reader = std::make_shared<OwningReader>(f.reader, std::move(inner));
            return s;
          },
          py::arg("batch_size") = 64 * 1024, py::arg("columns") = py::none(),
          py::arg("filter") = py::none(), py::arg("num_threads") = 0);

  m.def(
      "read_parquet",
      [](const std::string& url, const std::optional<std::vector<std::string>>& columns,
         const std::optional<std::string>& filter, int num_threads, int64_t batch_rows) {
        auto file = OpenFile(url);
        auto options = MakeReadOptions(columns, filter, num_threads, batch_rows);
        auto reader = Unwrap(WithoutGil([&] { return file->Read(options); }));
        return ReadAll(*reader);
      },
      py::arg("url"), py::arg("columns") = py::none(), py::arg("filter") = py::none(),
      py::arg("num_threads") = 0, py::arg("batch_rows") = 1 << 20);

  m.def("read_parquet_part", &ReadParquetPart, py::arg("url"), py::arg("columns") = py::none(),
        py::arg("filter") = py::none(), py::arg("partitions") = py::list());

  m.def(
      "write_parquet",
      [](const py::object& data, const std::string& url, const py::dict& options) {
        auto properties = WriterPropertiesFrom(options);
        auto reader = ImportStream(data);
        auto sink = Unwrap(WithoutGil([&] { return io::OpenWriteUrl(url); }));
        auto writer = Unwrap(parquet::FileWriter::Open(std::move(sink), reader->schema(),
                                                       std::move(properties)));
        for (;;) {
          auto batch = Unwrap(WithoutGil([&] { return reader->Next(); }));
          if (!batch) break;
          Check(WithoutGil([&] { return writer->Write(*batch); }));
          CheckSignals();
        }
        auto summary = Unwrap(WithoutGil([&] { return writer->Close(); }));
        py::dict out;
        out["num_rows"] = summary.num_rows;
        out["num_row_groups"] = summary.num_row_groups;
        out["file_bytes"] = summary.file_bytes;
        return out;
      },
      py::arg("data"), py::arg("url"), py::arg("options") = py::dict());
}

}  // namespace quire::python
