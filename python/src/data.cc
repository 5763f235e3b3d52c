/// \file python/src/data.cc
/// \brief ArrowTable and BatchStream, and the Arrow PyCapsule protocol both ways:
/// __arrow_c_stream__ / __arrow_c_schema__ / __arrow_c_array__ on quire's results,
/// and import of any object offering them.

#include <pybind11/stl.h>

#include "common.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/c_data.h"
#include "quire/columnar/pretty_print.h"

namespace quire::python {
namespace {


// Capsule destructors (PyCapsule protocol): release what a consumer did not move out.
void ReleaseSchemaCapsule(PyObject* capsule) {
  auto* s = static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule, "arrow_schema"));
  if (s == nullptr) {
    PyErr_Clear();
    return;
  }
  if (s->release != nullptr) s->release(s);
  delete s;
}

void ReleaseArrayCapsule(PyObject* capsule) {
  auto* a = static_cast<ArrowArray*>(PyCapsule_GetPointer(capsule, "arrow_array"));
  if (a == nullptr) {
    PyErr_Clear();
    return;
  }
  if (a->release != nullptr) a->release(a);
  delete a;
}

void ReleaseStreamCapsule(PyObject* capsule) {
  auto* s = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, "arrow_array_stream"));
  if (s == nullptr) {
    PyErr_Clear();
    return;
  }
  if (s->release != nullptr) s->release(s);
  delete s;
}

}  // namespace

py::capsule ExportSchemaCapsule(const columnar::Schema& schema) {
  auto* out = new ArrowSchema();
  Status st = columnar::ExportSchema(schema, out);
  if (!st.ok()) {
    delete out;
    throw StatusError(st);
  }
  return py::capsule(out, "arrow_schema", &ReleaseSchemaCapsule);
}

namespace {

py::capsule StreamCapsule(std::shared_ptr<columnar::RecordBatchReader> reader) {
  auto* out = new ArrowArrayStream();
  Status st = columnar::ExportRecordBatchReader(std::move(reader), out);
  if (!st.ok()) {
    delete out;
    throw StatusError(st);
  }
  return py::capsule(out, "arrow_array_stream", &ReleaseStreamCapsule);
}

// The PyCapsule protocol lets a consumer ask for another schema; quire hands its own
// and the consumer casts (the protocol allows a producer to ignore the request).
void IgnoreRequestedSchema(const py::object&) {}

std::string SchemaString(const columnar::Schema& schema) { return schema.ToString(); }

// A reader over the batches of `table`, keeping them alive.
std::shared_ptr<columnar::RecordBatchReader> TableReader(const ArrowTable& table) {
  return std::shared_ptr<columnar::RecordBatchReader>(
      columnar::MakeVectorReader(table.schema, table.batches));
}

// Rows of one batch as a struct array exported through __arrow_c_array__.
py::tuple ArrayCapsules(const ArrowTable& table) {
  columnar::RecordBatchPtr batch;
  if (table.batches.size() == 1) {
    batch = table.batches[0];
  } else {
    // One batch was asked for: concatenate the columns.
    columnar::ArrayVector columns;
    for (int c = 0; c < table.schema->num_fields(); ++c) {
      columnar::ArrayVector chunks;
      for (const auto& b : table.batches) chunks.push_back(b->column(c));
      if (chunks.empty()) {
        columns.push_back(Unwrap(columnar::MakeArrayOfNulls(table.schema->field(c)->type(), 0)));
      } else {
        columns.push_back(Unwrap(columnar::Concatenate(chunks)));
      }
    }
    batch = Unwrap(columnar::RecordBatch::Make(table.schema, table.num_rows(), std::move(columns)));
  }
  py::capsule schema = ExportSchemaCapsule(*table.schema);
  auto* array = new ArrowArray();
  Status st = columnar::ExportRecordBatch(batch, array);
  if (!st.ok()) {
    delete array;
    throw StatusError(st);
  }
  return py::make_tuple(schema, py::capsule(array, "arrow_array", &ReleaseArrayCapsule));
}

}  // namespace

int64_t ArrowTable::num_rows() const {
  int64_t n = 0;
  for (const auto& b : batches) n += b->num_rows();
  return n;
}

std::shared_ptr<columnar::RecordBatchReader> BatchStream::Take(const char* what) {
  if (!reader) {
    throw StatusError(Status::Invalid("{}: this stream was consumed already", what));
  }
  return std::move(reader);
}

ArrowTable ReadAll(columnar::RecordBatchReader& reader) {
  ArrowTable out;
  out.schema = reader.schema();
  for (;;) {
    auto next = WithoutGil([&] { return reader.Next(); });
    auto batch = Unwrap(std::move(next));
    if (!batch) break;
    out.batches.push_back(std::move(batch));
    CheckSignals();
  }
  return out;
}

std::shared_ptr<columnar::RecordBatchReader> ImportStream(const py::object& data) {
  if (py::isinstance<ArrowTable>(data)) return TableReader(data.cast<const ArrowTable&>());
  if (py::isinstance<BatchStream>(data)) return data.cast<BatchStream&>().Take("data");
  if (py::hasattr(data, "__arrow_c_stream__")) {
    py::object capsule = data.attr("__arrow_c_stream__")();
    auto* stream = static_cast<ArrowArrayStream*>(
        PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream"));
    if (stream == nullptr) throw py::error_already_set();
    // Move the stream out: the capsule's destructor then finds it released.
    ArrowArrayStream moved = *stream;
    stream->release = nullptr;
    return std::shared_ptr<columnar::RecordBatchReader>(
        Unwrap(columnar::ImportRecordBatchReader(&moved)));
  }
  if (py::hasattr(data, "__arrow_c_array__")) {
    py::tuple pair = data.attr("__arrow_c_array__")();
    if (pair.size() != 2) {
      throw StatusError(Status::Invalid("__arrow_c_array__ must return (schema, array)"));
    }
    auto* schema =
        static_cast<ArrowSchema*>(PyCapsule_GetPointer(pair[0].ptr(), "arrow_schema"));
    if (schema == nullptr) throw py::error_already_set();
    auto* array = static_cast<ArrowArray*>(PyCapsule_GetPointer(pair[1].ptr(), "arrow_array"));
    if (array == nullptr) throw py::error_already_set();
    ArrowArray moved_array = *array;
    array->release = nullptr;
    // The schema capsule keeps its struct; import a copy made by moving too.
    ArrowSchema moved_schema = *schema;
    schema->release = nullptr;
    auto batch = Unwrap(columnar::ImportRecordBatch(&moved_array, &moved_schema));
    auto batch_schema = batch->schema();
    return std::shared_ptr<columnar::RecordBatchReader>(
        columnar::MakeVectorReader(batch_schema, {batch}));
  }
  throw StatusError(Status::Invalid(
      "expected a pandas DataFrame or an object with __arrow_c_stream__ or "
      "__arrow_c_array__ (the Arrow PyCapsule protocol), got {}",
      std::string(py::str(py::type::of(data).attr("__name__")))));
}

void RegisterData(py::module_& m) {
  py::class_<ArrowTable>(m, "ArrowTable",
                         "Arrow record batches held by quire (zero-copy through the Arrow "
                         "PyCapsule protocol).")
      .def_property_readonly("num_rows", &ArrowTable::num_rows)
      .def_property_readonly("num_columns",
                             [](const ArrowTable& t) { return t.schema->num_fields(); })
      .def_property_readonly("num_batches",
                             [](const ArrowTable& t) { return t.batches.size(); })
      .def_property_readonly("column_names",
                             [](const ArrowTable& t) {
                               std::vector<std::string> names;
                               for (const auto& f : t.schema->fields()) names.push_back(f->name());
                               return names;
                             })
      .def_property_readonly("schema_string",
                             [](const ArrowTable& t) { return SchemaString(*t.schema); })
      .def("__arrow_c_schema__", [](const ArrowTable& t) { return ExportSchemaCapsule(*t.schema); })
      .def(
          "__arrow_c_stream__",
          [](const ArrowTable& t, const py::object& requested) {
            IgnoreRequestedSchema(requested);
            return StreamCapsule(TableReader(t));
          },
          py::arg("requested_schema") = py::none())
      .def(
          "__arrow_c_array__",
          [](const ArrowTable& t, const py::object& requested) {
            IgnoreRequestedSchema(requested);
            return ArrayCapsules(t);
          },
          py::arg("requested_schema") = py::none())
      .def("slice",
           [](const ArrowTable& t, int64_t offset, int64_t length) {
             ArrowTable out;
             out.schema = t.schema;
             int64_t start = 0;
             for (const auto& b : t.batches) {
               const int64_t end = start + b->num_rows();
               const int64_t lo = std::max(start, offset);
               const int64_t hi = std::min(end, offset + length);
               if (lo < hi) out.batches.push_back(b->Slice(lo - start, hi - lo));
               start = end;
             }
             return out;
           })
      .def("select",
           [](const ArrowTable& t, const std::vector<std::string>& names) {
             std::vector<int> indices;
             for (const auto& n : names) {
               Unwrap(t.schema->GetField(n));  // kNotFound naming the known columns
               indices.push_back(t.schema->GetFieldIndex(n));
             }
             ArrowTable out;
             columnar::FieldVector fields;
             for (int i : indices) fields.push_back(t.schema->field(i));
             out.schema = columnar::schema(fields, t.schema->metadata());
             for (const auto& b : t.batches) {
               columnar::ArrayVector cols;
               for (int i : indices) cols.push_back(b->column(i));
               out.batches.push_back(
                   Unwrap(columnar::RecordBatch::Make(out.schema, b->num_rows(), cols)));
             }
             return out;
           })
      .def("equals",
           [](const ArrowTable& a, const ArrowTable& b) {
             if (!a.schema->Equals(*b.schema)) return false;
             auto ta = Unwrap(columnar::Table::FromBatches(a.schema, a.batches));
             auto tb = Unwrap(columnar::Table::FromBatches(b.schema, b.batches));
             if (ta->num_rows() != tb->num_rows()) return false;
             for (int c = 0; c < ta->num_columns(); ++c) {
               if (!ta->column(c)->Equals(*tb->column(c))) return false;
             }
             return true;
           })
      .def("metadata",
           [](const ArrowTable& t) {
             py::dict out;
             if (t.schema->metadata()) {
               for (const auto& [k, v] : t.schema->metadata()->pairs()) {
                 out[py::bytes(k)] = py::bytes(v);
               }
             }
             return out;
           })
      .def("__repr__", [](const ArrowTable& t) {
        return "quire.ArrowTable(" + std::to_string(t.num_rows()) + " rows)\n" +
               SchemaString(*t.schema);
      });

  py::class_<BatchStream>(m, "BatchStream", "A stream of Arrow record batches, read once.")
      .def_property_readonly("schema_string",
                             [](const BatchStream& s) { return SchemaString(*s.schema); })
      .def("__arrow_c_schema__", [](const BatchStream& s) { return ExportSchemaCapsule(*s.schema); })
      .def(
          "__arrow_c_stream__",
          [](BatchStream& s, const py::object& requested) {
            IgnoreRequestedSchema(requested);
            return StreamCapsule(s.Take("__arrow_c_stream__"));
          },
          py::arg("requested_schema") = py::none())
      .def("read_next",
           [](BatchStream& s) -> py::object {
             if (!s.reader) {
               throw StatusError(Status::Invalid("this stream was consumed already"));
             }
             auto next = WithoutGil([&] { return s.reader->Next(); });
             auto batch = Unwrap(std::move(next));
             if (!batch) {
               s.reader.reset();
               return py::none();
             }
             ArrowTable out;
             out.schema = batch->schema();
             out.batches.push_back(std::move(batch));
             return py::cast(std::move(out));
           })
      .def("read_all", [](BatchStream& s) {
        auto reader = s.Take("read_all");
        return ReadAll(*reader);
      });

  m.def(
      "import_data",
      [](const py::object& data) {
        auto reader = ImportStream(data);
        return ReadAll(*reader);
      },
      py::arg("data"), "Read all batches of an Arrow PyCapsule producer into an ArrowTable.");
  m.def("concat",
        [](const std::vector<const ArrowTable*>& parts) {
          ArrowTable out;
          for (const ArrowTable* p : parts) {
            if (!out.schema) out.schema = p->schema;
            if (!p->schema->Equals(*out.schema)) {
              throw StatusError(Status::SchemaMismatch("concat: schemas differ: {} against {}",
                                                       p->schema->ToString(),
                                                       out.schema->ToString()));
            }
            out.batches.insert(out.batches.end(), p->batches.begin(), p->batches.end());
          }
          if (!out.schema) out.schema = columnar::schema({});
          return out;
        });
}

}  // namespace quire::python
