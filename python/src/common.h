#pragma once

/// \file python/src/common.h
/// \brief What every part of the _quire extension shares: turning Status into
/// Python exceptions, releasing the GIL around C++ work, and the data objects
/// (ArrowTable, BatchStream) that carry Arrow memory between C++ and Python.

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/util/result.h"
#include "quire/util/status.h"

namespace quire::python {

namespace py = pybind11;

/// \brief A failed Status on its way to Python; the registered translator raises
/// the quire exception class of its code (quire/_errors.py) with its message.
class StatusError : public std::exception {
 public:
  explicit StatusError(Status status) : status_(std::move(status)) {}
  const Status& status() const { return status_; }
  const char* what() const noexcept override { return status_.message().c_str(); }

 private:
  Status status_;
};

inline void Check(const Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T Unwrap(Result<T> result) {
  if (!result.ok()) throw StatusError(result.status());
  return std::move(result).ValueOrDie();
}

/// \brief Run `fn` without the GIL (I/O, decoding, encoding), returning its result.
template <typename Fn>
auto WithoutGil(Fn&& fn) {
  py::gil_scoped_release release;
  return fn();
}

/// \brief Raise KeyboardInterrupt (or whatever a signal handler raised) when a
/// signal arrived: called with the GIL held between batches of long work.
inline void CheckSignals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

/// \brief A materialised result: a schema and its batches. Exposed as
/// `_quire.ArrowTable`, with the Arrow PyCapsule protocol.
struct ArrowTable {
  columnar::SchemaPtr schema;
  std::vector<columnar::RecordBatchPtr> batches;
  int64_t num_rows() const;
};

/// \brief An Arrow schema handed to Python: `_quire.Schema`.
struct SchemaHandle {
  columnar::SchemaPtr schema;
};

/// \brief A capsule "arrow_schema" holding an export of `schema`.
py::capsule ExportSchemaCapsule(const columnar::Schema& schema);

/// \brief A lazy stream of batches, consumed once: `_quire.BatchStream`.
struct BatchStream {
  std::shared_ptr<columnar::RecordBatchReader> reader;
  columnar::SchemaPtr schema;
  /// Takes the reader; kInvalidArgument when it was taken already.
  std::shared_ptr<columnar::RecordBatchReader> Take(const char* what);
};

/// \brief Read every batch of `reader` (GIL released while decoding, signals
/// checked between batches).
ArrowTable ReadAll(columnar::RecordBatchReader& reader);

/// \brief Import anything holding Arrow data: an ArrowTable, a BatchStream, or an
/// object with __arrow_c_stream__ or __arrow_c_array__ (the PyCapsule protocol).
std::shared_ptr<columnar::RecordBatchReader> ImportStream(const py::object& data);


void RegisterData(py::module_& m);
void RegisterToPandas(py::module_& m);
void RegisterFromPandas(py::module_& m);
void RegisterFiles(py::module_& m);
void RegisterTables(py::module_& m);
void RegisterFs(py::module_& m);

}  // namespace quire::python
