/// \file python/src/module.cc
/// \brief The _quire extension: registers every part and maps quire's error codes
/// to the exception classes of quire/_errors.py, in one place.

#include <pybind11/pybind11.h>

#include "common.h"
#include "quire/util/status.h"

namespace quire::python {
namespace {

// Name of the quire/_errors.py class raised for each code.
const char* ExceptionClassName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "InvalidArgumentError";
    case ErrorCode::kNotFound: return "NotFoundError";
    case ErrorCode::kAlreadyExists: return "AlreadyExistsError";
    case ErrorCode::kCorrupt: return "CorruptFileError";
    case ErrorCode::kUnsupported: return "UnsupportedError";
    case ErrorCode::kIOError: return "StorageError";
    case ErrorCode::kCommitConflict: return "CommitConflictError";
    case ErrorCode::kCommitStateUnknown: return "CommitStateUnknownError";
    case ErrorCode::kCancelled: return "CancelledError";
    case ErrorCode::kResourceExhausted: return "ResourceExhaustedError";
    case ErrorCode::kSchemaMismatch: return "SchemaMismatchError";
    case ErrorCode::kInternal:
    case ErrorCode::kOk: break;
  }
  return "InternalError";
}

void RaiseStatus(const Status& status) {
  py::object errors = py::module_::import("quire._errors");
  py::object cls = errors.attr(ExceptionClassName(status.code()));
  py::object exc = cls(py::str(status.message()));
  exc.attr("code") = py::str(std::string(ErrorCodeName(status.code())));
  exc.attr("retryable") = py::bool_(status.retryable());
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

}  // namespace
}  // namespace quire::python

PYBIND11_MODULE(_quire, m) {
  using namespace quire::python;
  m.doc() = "quire's native core; use the `quire` package.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      RaiseStatus(e.status());
    }
  });
  RegisterData(m);
  RegisterToPandas(m);
  RegisterFromPandas(m);
  RegisterFiles(m);
  RegisterTables(m);
  RegisterFs(m);
}
