/// \file quire/columnar/c_stream.cc
/// \brief Arrow C Stream Interface: record batch readers exported as
/// ArrowArrayStream and ArrowArrayStream imported as readers.
#include "quire/columnar/c_data.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/array_internal.h"
#include "quire/columnar/buffer.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"
#include "quire/columnar/c_data_internal.h"

namespace quire::columnar {

namespace {

using namespace internal;  // NOLINT: this file's own helpers

// --- Streams ------------------------------------------------------------------------

// C Stream Interface, "Error codes": errno values; EINVAL, ENOMEM and EIO are the
// recommended ones, the rest keep quire's error codes across a round trip.
int ErrnoFromStatus(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kOk: return 0;
    case ErrorCode::kInvalidArgument: return EINVAL;
    case ErrorCode::kResourceExhausted: return ENOMEM;
    case ErrorCode::kCorrupt: return EBADMSG;
    case ErrorCode::kUnsupported: return ENOSYS;
    case ErrorCode::kNotFound: return ENOENT;
    case ErrorCode::kAlreadyExists: return EEXIST;
    case ErrorCode::kCancelled: return ECANCELED;
    default: return EIO;
  }
}

ErrorCode CodeFromErrno(int error) {
  switch (error) {
    case EINVAL: return ErrorCode::kInvalidArgument;
    case ENOMEM: return ErrorCode::kResourceExhausted;
    case EBADMSG: return ErrorCode::kCorrupt;
    case ENOSYS:
    case ENOTSUP: return ErrorCode::kUnsupported;
    case ENOENT: return ErrorCode::kNotFound;
    case EEXIST: return ErrorCode::kAlreadyExists;
    case ECANCELED: return ErrorCode::kCancelled;
    default: return ErrorCode::kIOError;
  }
}

std::string_view ErrnoName(int error) {
  switch (error) {
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EIO: return "EIO";
    case EBADMSG: return "EBADMSG";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ECANCELED: return "ECANCELED";
    default: return "unknown errno";
  }
}

// private_data of an exported ArrowArrayStream.
struct StreamExport {
  std::shared_ptr<RecordBatchReader> reader;
  SchemaPtr schema;
  std::string last_error;
  int64_t batches = 0;

  int Fail(const Status& st) {
    last_error = st.ToString();
    return ErrnoFromStatus(st);
  }
};

// No exception may unwind through the C callbacks.
template <typename F>
int CallGuarded(StreamExport* stream, F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    try {
      stream->last_error = "ResourceExhausted: out of memory";
    } catch (...) {
    }
    return ENOMEM;
  } catch (const std::exception& e) {
    try {
      stream->last_error = std::string("Internal: ") + e.what();
    } catch (...) {
    }
    return EIO;
  }
}

int StreamGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* p = static_cast<StreamExport*>(stream->private_data);
  return CallGuarded(p, [&] {
    Status st = ExportSchema(*p->schema, out);
    return st.ok() ? 0 : p->Fail(st);
  });
}

int StreamGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* p = static_cast<StreamExport*>(stream->private_data);
  return CallGuarded(p, [&] {
    Result<RecordBatchPtr> next = p->reader->Next();
    if (!next.ok()) return p->Fail(next.status());
    const RecordBatchPtr& batch = *next;
    if (!batch) {
      // C Stream Interface: the end of the stream is a released array.
      std::memset(out, 0, sizeof(*out));
      return 0;
    }
    const int64_t index = p->batches++;
    if (!batch->schema()->Equals(*p->schema)) {
      return p->Fail(Status::Invalid(
          "batch {} of the stream has schema\n{}\nbut the stream's schema is\n{}", index,
          batch->schema()->ToString(), p->schema->ToString()));
    }
    Status st = ExportRecordBatch(batch, out);
    return st.ok() ? 0 : p->Fail(st);
  });
}

const char* StreamGetLastError(ArrowArrayStream* stream) {
  auto* p = static_cast<StreamExport*>(stream->private_data);
  return p->last_error.empty() ? nullptr : p->last_error.c_str();
}

void StreamRelease(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) return;
  delete static_cast<StreamExport*>(stream->private_data);
  stream->private_data = nullptr;
  stream->release = nullptr;
}

class ImportedStreamReader final : public RecordBatchReader {
 public:
  ImportedStreamReader(UniqueStream stream, ImportValidation validation)
      : stream_(std::move(stream)), validation_(validation) {}

  Status Init() {
    UniqueSchema c_schema;
    const int rc = stream_->get_schema(stream_.get(), c_schema.get());
    if (rc != 0) return ProducerError("get_schema", rc);
    Result<SchemaPtr> schema = ImportSchema(c_schema.get());
    if (!schema.ok()) {
      return schema.status().WithContext("schema of the ArrowArrayStream");
    }
    schema_ = std::move(schema).ValueOrDie();
    return Status::OK();
  }

  SchemaPtr schema() const override { return schema_; }

  Result<RecordBatchPtr> Next() override {
    if (!error_.ok()) return error_;
    if (finished_) return RecordBatchPtr();
    UniqueArray c_array;
    const int rc = stream_->get_next(stream_.get(), c_array.get());
    if (rc != 0) {
      error_ = ProducerError("get_next", rc);
      return error_;
    }
    if (!c_array) {
      finished_ = true;
      return RecordBatchPtr();
    }
    Result<RecordBatchPtr> batch = ImportRecordBatch(c_array.get(), schema_, validation_);
    if (!batch.ok()) {
      error_ = batch.status().WithContext(
          fmt::format("batch {} of the ArrowArrayStream", batches_));
      return error_;
    }
    ++batches_;
    return batch;
  }

 private:
  Status ProducerError(std::string_view callback, int rc) {
    const char* message = stream_->get_last_error != nullptr
                              ? stream_->get_last_error(stream_.get())
                              : nullptr;
    return Status(
        CodeFromErrno(rc),
        fmt::format("ArrowArrayStream {} failed with errno {} ({}): {}", callback, rc,
                    ErrnoName(rc),
                    message != nullptr ? message : "no message from the producer"));
  }

  UniqueStream stream_;
  ImportValidation validation_;
  SchemaPtr schema_;
  Status error_;  // sticky: a C stream must not be read after an error
  bool finished_ = false;
  int64_t batches_ = 0;
};

}  // namespace

Status ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader,
                               ArrowArrayStream* out) {
  if (!reader) return Status::Invalid("ExportRecordBatchReader: the reader is null");
  if (out == nullptr) {
    return Status::Invalid(
        "ExportRecordBatchReader: the output ArrowArrayStream is null");
  }
  auto p = std::make_unique<StreamExport>();
  p->schema = reader->schema();
  if (!p->schema) {
    return Status::Invalid("ExportRecordBatchReader: the reader has no schema");
  }
  p->reader = std::move(reader);
  out->get_schema = &StreamGetSchema;
  out->get_next = &StreamGetNext;
  out->get_last_error = &StreamGetLastError;
  out->release = &StreamRelease;
  out->private_data = p.release();
  return Status::OK();
}

Result<std::unique_ptr<RecordBatchReader>> ImportRecordBatchReader(
    ArrowArrayStream* stream, ImportValidation validation) {
  if (stream == nullptr) {
    return Status::Invalid("ImportRecordBatchReader: the ArrowArrayStream is null");
  }
  UniqueStream owned(stream);
  if (!owned) return Status::Corrupt("ArrowArrayStream: the struct is released");
  if (owned->get_schema == nullptr || owned->get_next == nullptr) {
    return Status::Corrupt("ArrowArrayStream: get_schema or get_next is null");
  }
  auto reader = std::make_unique<ImportedStreamReader>(std::move(owned), validation);
  QUIRE_RETURN_NOT_OK(reader->Init());
  return std::unique_ptr<RecordBatchReader>(std::move(reader));
}

}  // namespace quire::columnar
