/// \file python/src/tables.cc
/// \brief Delta tables from Python: opening a version, scanning, writing, deleting,
/// updating and maintenance, plus the pieces a distributed write or scan (Dask)
/// runs in separate processes: staged writes and scans of part of a plan.

#include <pybind11/stl.h>

#include "common.h"
#include "quire/compute/expression.h"
#include "quire/table/actions.h"
#include "quire/table/maintenance.h"
#include "quire/table/scan.h"
#include "quire/table/schema.h"
#include "quire/table/snapshot.h"
#include "quire/table/table.h"
#include "quire/table/transaction.h"

namespace quire::python {

parquet::WriterProperties WriterPropertiesFrom(const py::dict& o);

namespace {

using table::SnapshotPtr;

struct TableHandle {
  std::shared_ptr<table::Table> table;
  SnapshotPtr snapshot;
  std::string url;
};

compute::ExpressionPtr Filter(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  return Unwrap(compute::ParseExpression(*text));
}

std::shared_ptr<table::Table> OpenTable(const std::string& url) {
  return Unwrap(table::Table::Open(url));
}

SnapshotPtr LoadSnapshot(const table::Table& t, const std::optional<int64_t>& version,
                         const py::object& as_of) {
  if (version && !as_of.is_none()) {
    throw StatusError(Status::Invalid("give version or as_of, not both"));
  }
  if (version) return Unwrap(WithoutGil([&] { return t.AtVersion(*version); }));
  if (!as_of.is_none()) {
    int64_t ms;
    if (py::isinstance<py::int_>(as_of)) {
      ms = as_of.cast<int64_t>();
    } else {
      ms = Unwrap(table::ParseTimestampMs(py::str(as_of).cast<std::string>()));
    }
    return Unwrap(WithoutGil([&] { return t.AsOf(ms); }));
  }
  return Unwrap(WithoutGil([&] { return t.Latest(); }));
}

py::dict CommitDict(const table::CommitResult& r) {
  py::dict d;
  d["version"] = r.version;
  d["attempts"] = r.attempts;
  d["skipped"] = r.skipped;
  d["files_added"] = r.files_added;
  d["files_removed"] = r.files_removed;
  d["rows_written"] = r.rows_written;
  d["bytes_written"] = r.bytes_written;
  d["checkpoint_written"] = r.checkpoint_written;
  d["checkpoint_error"] =
      r.checkpoint_error ? py::object(py::str(r.checkpoint_error->ToString())) : py::none();
  return d;
}

py::dict PartitionDict(const table::PartitionValues& values) {
  py::dict d;
  for (const auto& [k, v] : values) d[py::str(k)] = v ? py::object(py::str(*v)) : py::none();
  return d;
}

py::dict FileDict(const table::AddFile& f) {
  py::dict d;
  d["path"] = f.path;
  d["size"] = f.size;
  d["modification_time"] = f.modification_time;
  d["partition_values"] = PartitionDict(f.partition_values);
  d["stats"] = f.stats ? py::object(py::str(*f.stats)) : py::none();
  d["deletion_vector"] = f.deletion_vector.has_value();
  return d;
}

compute::Literal LiteralFrom(const py::handle& v) {
  compute::Literal l;
  if (v.is_none()) return l;
  if (py::isinstance<py::bool_>(v)) {
    l.kind = compute::Literal::Kind::kBool;
    l.bool_value = v.cast<bool>();
  } else if (py::isinstance<py::int_>(v)) {
    l.kind = compute::Literal::Kind::kInt;
    l.int_value = v.cast<int64_t>();
  } else if (py::isinstance<py::float_>(v)) {
    l.kind = compute::Literal::Kind::kDouble;
    l.double_value = v.cast<double>();
  } else if (py::isinstance<py::str>(v)) {
    l.kind = compute::Literal::Kind::kString;
    l.string_value = v.cast<std::string>();
  } else {
    throw StatusError(Status::Invalid(
        "update values must be None, bool, int, float or str (dates as ISO strings), not {}",
        std::string(py::str(py::type::of(v).attr("__name__")))));
  }
  return l;
}

table::WriteOptions WriteOptionsFrom(const std::string& mode,
                                     const std::vector<std::string>& partition_by,
                                     bool schema_merge, const std::optional<std::string>& predicate,
                                     const py::dict& options) {
  table::WriteOptions o;
  if (mode == "append" || mode == "error") {
    o.mode = table::WriteMode::kAppend;
  } else if (mode == "overwrite") {
    o.mode = table::WriteMode::kOverwrite;
  } else {
    throw StatusError(Status::Invalid("mode must be 'append', 'overwrite' or 'error', not '{}'",
                                      mode));
  }
  o.create.partition_by = partition_by;
  o.schema_evolution = schema_merge;
  o.replace_where = Filter(predicate);
  if (o.replace_where && o.mode != table::WriteMode::kOverwrite) {
    throw StatusError(Status::Invalid("predicate= replaces rows: it needs mode='overwrite'"));
  }
  py::dict parquet_options;
  for (auto item : options) {
    const std::string key = py::str(item.first);
    const py::handle v = item.second;
    if (v.is_none()) continue;
    if (key == "name") {
      o.create.name = py::str(v).cast<std::string>();
    } else if (key == "description") {
      o.create.description = py::str(v).cast<std::string>();
    } else if (key == "configuration") {
      for (auto kv : v.cast<py::dict>()) {
        o.create.properties[py::str(kv.first).cast<std::string>()] =
            py::str(kv.second).cast<std::string>();
      }
    } else if (key == "app_id") {
      o.app_id = py::str(v).cast<std::string>();
    } else if (key == "app_version") {
      o.app_version = v.cast<int64_t>();
    } else if (key == "target_file_size") {
      o.data.target_file_size = v.cast<int64_t>();
    } else if (key == "max_open_files") {
      o.data.max_open_files = v.cast<int>();
    } else if (key == "max_commit_attempts") {
      o.commit.max_attempts = v.cast<int>();
    } else {
      parquet_options[item.first] = v;
    }
  }
  o.data.parquet = WriterPropertiesFrom(parquet_options);
  return o;
}

// A staged write travels to other processes as a dict of strings and numbers.
py::dict StagedToDict(const table::StagedWrite& s) {
  py::dict d;
  d["read_version"] = s.snapshot ? s.snapshot->version() : int64_t(-1);
  d["prefix"] = table::ActionsToJson(s.prefix);
  d["schema"] = Unwrap(table::DeltaSchemaToJson(*s.schema));
  d["partition_columns"] = s.partition_columns;
  d["mapping_mode"] = int(s.mapping_mode);
  d["skipped"] = s.skipped;
  return d;
}

// The staged write of `d`; with `with_snapshot`, the snapshot read is loaded again
// (the commit needs it for conflict checks and overwrites; writers of files do not).
table::StagedWrite StagedFromDict(const table::Table& t, const py::dict& d, bool with_snapshot) {
  table::StagedWrite s;
  const int64_t read_version = d["read_version"].cast<int64_t>();
  if (with_snapshot && read_version >= 0) {
    s.snapshot = Unwrap(WithoutGil([&] { return t.AtVersion(read_version); }));
  }
  const std::string prefix = d["prefix"].cast<std::string>();
  if (!prefix.empty()) s.prefix = Unwrap(table::ParseActions(prefix, "staged write"));
  s.schema = Unwrap(table::ParseDeltaSchema(d["schema"].cast<std::string>()));
  s.partition_columns = d["partition_columns"].cast<std::vector<std::string>>();
  s.mapping_mode = table::ColumnMappingMode(d["mapping_mode"].cast<int>());
  s.skipped = d["skipped"].cast<bool>();
  return s;
}

BatchStream ScanStream(const SnapshotPtr& snapshot,
                       const std::optional<std::vector<std::string>>& columns,
                       const std::optional<std::string>& filter, int num_threads) {
  table::ScanOptions options;
  if (columns) options.columns = *columns;
  options.filter = Filter(filter);
  options.num_threads = num_threads;
  auto reader = Unwrap(WithoutGil([&] { return table::Scan(snapshot, options); }));
  BatchStream s;
  s.schema = reader->schema();
  s.reader = std::shared_ptr<columnar::RecordBatchReader>(std::move(reader));
  return s;
}

}  // namespace

void RegisterTables(py::module_& m) {
  py::class_<TableHandle>(m, "Table")
      .def(py::init([](const std::string& url, std::optional<int64_t> version,
                       const py::object& as_of) {
             TableHandle h;
             h.url = url;
             h.table = OpenTable(url);
             h.snapshot = LoadSnapshot(*h.table, version, as_of);
             return h;
           }),
           py::arg("url"), py::arg("version") = py::none(), py::arg("as_of") = py::none())
      .def_property_readonly("version", [](const TableHandle& h) { return h.snapshot->version(); })
      .def_property_readonly("schema",
                             [](const TableHandle& h) { return SchemaHandle{h.snapshot->schema()}; })
      .def_property_readonly("partition_columns",
                             [](const TableHandle& h) {
                               return h.snapshot->metadata().partition_columns;
                             })
      .def_property_readonly("timestamp_ms",
                             [](const TableHandle& h) { return h.snapshot->timestamp_ms(); })
      .def_property_readonly("metadata",
                             [](const TableHandle& h) {
                               const auto& md = h.snapshot->metadata();
                               py::dict d;
                               d["id"] = md.id;
                               d["name"] = md.name;
                               d["description"] = md.description;
                               d["partition_columns"] = md.partition_columns;
                               d["configuration"] = md.configuration;
                               d["created_time"] = md.created_time;
                               d["schema_string"] = md.schema_string;
                               return d;
                             })
      .def_property_readonly("protocol",
                             [](const TableHandle& h) {
                               const auto& p = h.snapshot->protocol();
                               py::dict d;
                               d["min_reader_version"] = p.min_reader_version;
                               d["min_writer_version"] = p.min_writer_version;
                               d["reader_features"] = p.reader_features;
                               d["writer_features"] = p.writer_features;
                               return d;
                             })
      .def("num_files", [](const TableHandle& h) { return h.snapshot->files().size(); })
      .def("files",
           [](const TableHandle& h) {
             py::list out;
             for (const auto& f : h.snapshot->files()) out.append(FileDict(f));
             return out;
           })
      .def(
          "plan",
          [](const TableHandle& h, const std::optional<std::string>& filter) {
            auto expr = Filter(filter);
            table::ScanReport report;
            auto indices =
                Unwrap(table::PlanScanFiles(*h.snapshot, expr.get(), &report));
            return indices;
          },
          py::arg("filter") = py::none(),
          "Indices into files() of the files a scan with `filter` reads.")
      .def(
          "part_actions",
          [](const TableHandle& h, const std::vector<size_t>& indices) {
            std::vector<table::Action> actions;
            actions.push_back(h.snapshot->protocol());
            actions.push_back(h.snapshot->metadata());
            for (size_t i : indices) {
              if (i >= h.snapshot->files().size()) throw py::index_error("file index");
              actions.push_back(h.snapshot->files()[i]);
            }
            return table::ActionsToJson(actions);
          },
          "The protocol, metadata and chosen files as log JSON: a part of a scan plan.")
      .def(
          "history",
          [](const TableHandle& h, std::optional<int64_t> limit) {
            auto entries = Unwrap(WithoutGil([&] { return h.table->History(limit); }));
            py::list out;
            for (const auto& e : entries) {
              py::dict d;
              d["version"] = e.version;
              d["timestamp_ms"] = e.timestamp_ms;
              d["operation"] = e.operation;
              d["commit_info"] = e.commit_info;
              out.append(d);
            }
            return out;
          },
          py::arg("limit") = py::none())
      .def(
          "scan",
          [](const TableHandle& h, const std::optional<std::vector<std::string>>& columns,
             const std::optional<std::string>& filter,
             int num_threads) { return ScanStream(h.snapshot, columns, filter, num_threads); },
          py::arg("columns") = py::none(), py::arg("filter") = py::none(),
           py::arg("num_threads") = 0)
      .def("refresh",
           [](TableHandle& h) {
             h.snapshot = Unwrap(WithoutGil([&] { return h.table->Latest(); }));
           })
      .def(
          "delete",
          [](TableHandle& h, const std::optional<std::string>& predicate) {
            compute::ExpressionPtr expr = Filter(predicate);
            if (!expr) expr = Unwrap(compute::ParseExpression("true"));
            auto r = Unwrap(WithoutGil([&] { return table::DeleteRows(*h.table, expr); }));
            return CommitDict(r);
          },
          py::arg("predicate") = py::none())
      .def(
          "update",
          [](TableHandle& h, const std::optional<std::string>& predicate, const py::dict& values) {
            compute::ExpressionPtr expr = Filter(predicate);
            if (!expr) expr = Unwrap(compute::ParseExpression("true"));
            std::map<std::string, compute::Literal> literals;
            for (auto kv : values) literals[py::str(kv.first)] = LiteralFrom(kv.second);
            auto r =
                Unwrap(WithoutGil([&] { return table::UpdateRows(*h.table, expr, literals); }));
            return CommitDict(r);
          },
          py::arg("predicate"), py::arg("values"))
      .def(
          "vacuum",
          [](TableHandle& h, std::optional<double> retention_hours, bool dry_run,
             bool enforce_retention) {
            table::VacuumOptions o;
            if (retention_hours) o.retention_ms = int64_t(*retention_hours * 3600 * 1000);
            o.dry_run = dry_run;
            o.enforce_retention = enforce_retention;
            auto r = Unwrap(WithoutGil([&] { return table::Vacuum(*h.table, o); }));
            py::dict d;
            d["files"] = r.files;
            d["bytes"] = r.bytes;
            d["files_listed"] = r.files_listed;
            return d;
          },
          py::arg("retention_hours") = py::none(), py::arg("dry_run") = false,
          py::arg("enforce_retention") = true)
      .def(
          "optimize",
          [](TableHandle& h, std::optional<int64_t> target_size,
             const std::optional<std::string>& where) {
            table::OptimizeOptions o;
            if (target_size) {
              o.target_file_size = *target_size;
              o.data.target_file_size = *target_size;
            }
            o.where = Filter(where);
            auto r = Unwrap(WithoutGil([&] { return table::Optimize(*h.table, o); }));
            return CommitDict(r);
          },
          py::arg("target_size") = py::none(), py::arg("where") = py::none())
      .def("checkpoint", [](TableHandle& h) {
        auto latest = Unwrap(WithoutGil([&] { return h.table->Latest(); }));
        return Unwrap(WithoutGil([&] { return table::WriteSnapshotCheckpoint(*h.table, *latest); }));
      });

  m.def(
      "write_table",
      [](const std::string& url, const py::object& data, const std::string& mode,
         const std::vector<std::string>& partition_by, bool schema_merge,
         const std::optional<std::string>& predicate, const py::dict& options) {
        auto t = OpenTable(url);
        auto o = WriteOptionsFrom(mode, partition_by, schema_merge, predicate, options);
        if (mode == "error") {
          if (Unwrap(WithoutGil([&] { return t->Exists(); }))) {
            throw StatusError(Status::AlreadyExists("{}: a table already exists there", url));
          }
        }
        auto reader = ImportStream(data);
        // Batches arrive from Python objects: import them with the GIL, write without.
        class SignalCheckingReader final : public columnar::RecordBatchReader {
         public:
          explicit SignalCheckingReader(std::shared_ptr<columnar::RecordBatchReader> inner)
              : inner_(std::move(inner)) {}
          columnar::SchemaPtr schema() const override { return inner_->schema(); }
          Result<columnar::RecordBatchPtr> Next() override {
            {
              py::gil_scoped_acquire gil;
              if (PyErr_CheckSignals() != 0) {
                PyErr_Clear();
                return Status::Cancelled("interrupted");
              }
            }
            return inner_->Next();
          }

         private:
          std::shared_ptr<columnar::RecordBatchReader> inner_;
        } checked(reader);
        auto r = WithoutGil([&] { return table::WriteTable(*t, checked, o); });
        if (!r.ok() && r.status().code() == ErrorCode::kCancelled) {
          PyErr_SetNone(PyExc_KeyboardInterrupt);
          throw py::error_already_set();
        }
        return CommitDict(Unwrap(std::move(r)));
      },
      py::arg("url"), py::arg("data"), py::arg("mode") = "append",
      py::arg("partition_by") = std::vector<std::string>{}, py::arg("schema_merge") = false,
      py::arg("predicate") = py::none(), py::arg("options") = py::dict());

  m.def(
      "stage_write",
      [](const std::string& url, const SchemaHandle& data_schema, const std::string& mode,
         const std::vector<std::string>& partition_by, bool schema_merge,
         const std::optional<std::string>& predicate, const py::dict& options) {
        auto t = OpenTable(url);
        auto o = WriteOptionsFrom(mode, partition_by, schema_merge, predicate, options);
        auto latest = WithoutGil([&] { return t->Latest(); });
        SnapshotPtr snapshot;
        if (latest.ok()) {
          if (mode == "error") {
            throw StatusError(Status::AlreadyExists("{}: a table already exists there", url));
          }
          snapshot = *latest;
        } else if (latest.status().code() != ErrorCode::kNotFound) {
          throw StatusError(latest.status());
        }
        auto staged = Unwrap(table::StageWrite(*t, snapshot, *data_schema.schema, o));
        return StagedToDict(staged);
      },
      py::arg("url"), py::arg("schema"), py::arg("mode") = "append",
      py::arg("partition_by") = std::vector<std::string>{}, py::arg("schema_merge") = false,
      py::arg("predicate") = py::none(), py::arg("options") = py::dict());

  m.def(
      "write_staged_files",
      [](const std::string& url, const py::dict& staged_dict, const py::object& data,
         const std::string& mode, const std::optional<std::string>& predicate,
         const py::dict& options) {
        auto t = OpenTable(url);
        auto o = WriteOptionsFrom(mode, {}, false, predicate, options);
        auto staged = StagedFromDict(*t, staged_dict, /*with_snapshot=*/false);
        auto reader = ImportStream(data);
        auto files = Unwrap(WithoutGil([&] { return table::WriteDataFiles(*t, staged, *reader, o); }));
        py::dict d;
        std::vector<std::string> adds;
        for (const auto& a : files.adds) adds.push_back(table::ActionToJson(a));
        d["adds"] = adds;
        d["rows"] = files.rows;
        d["bytes"] = files.bytes;
        return d;
      },
      py::arg("url"), py::arg("staged"), py::arg("data"), py::arg("mode") = "append",
      py::arg("predicate") = py::none(), py::arg("options") = py::dict());

  m.def(
      "commit_staged",
      [](const std::string& url, const py::dict& staged_dict, const std::vector<py::dict>& parts,
         const std::string& mode, const std::optional<std::string>& predicate,
         const py::dict& options) {
        auto t = OpenTable(url);
        auto o = WriteOptionsFrom(mode, {}, false, predicate, options);
        auto staged = StagedFromDict(*t, staged_dict, /*with_snapshot=*/true);
        table::WrittenFiles files;
        for (const auto& part : parts) {
          for (const auto& text : part["adds"].cast<std::vector<std::string>>()) {
            auto actions = Unwrap(table::ParseActions(text, "written file"));
            for (auto& a : actions) {
              auto* add = std::get_if<table::AddFile>(&a);
              if (add == nullptr) {
                throw StatusError(Status::Invalid("commit_staged: expected add actions only"));
              }
              files.adds.push_back(std::move(*add));
            }
          }
          files.rows += part["rows"].cast<int64_t>();
          files.bytes += part["bytes"].cast<int64_t>();
        }
        auto r = Unwrap(WithoutGil([&] { return table::CommitWrite(*t, staged, std::move(files), o); }));
        return CommitDict(r);
      },
      py::arg("url"), py::arg("staged"), py::arg("parts"), py::arg("mode") = "append",
      py::arg("predicate") = py::none(), py::arg("options") = py::dict());

  m.def(
      "scan_part",
      [](const std::string& url, int64_t version, const std::string& actions_json,
         const std::optional<std::vector<std::string>>& columns,
         const std::optional<std::string>& filter, int num_threads) {
        auto t = OpenTable(url);
        auto actions = Unwrap(table::ParseActions(actions_json, "scan plan"));
        auto snapshot = Unwrap(
            table::Snapshot::FromActions(t->fs(), t->root(), version, std::move(actions)));
        BatchStream s = ScanStream(snapshot, columns, filter, num_threads);
        return ReadAll(*s.reader);
      },
      py::arg("url"), py::arg("version"), py::arg("actions"), py::arg("columns") = py::none(),
      py::arg("filter") = py::none(), py::arg("num_threads") = 1);
}

}  // namespace quire::python
