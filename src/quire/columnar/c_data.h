#pragma once

/// \file quire/columnar/c_data.h
/// \brief Zero-copy export and import through the Arrow C Data Interface and the
/// Arrow C Stream Interface.
///
/// Export hands quire arrays, batches and streams to any Arrow consumer (pyarrow,
/// DuckDB, polars, nanoarrow...) without copying: the C structs point into quire's
/// buffers and keep them alive until the consumer calls `release`. Import wraps a
/// producer's buffers in quire Buffers whose shared owner calls the producer's
/// `release` exactly once, when the last Array referring to them is gone.
///
/// Every import function takes ownership of the C structs it is given: on success
/// and on failure alike, each input is consumed (released, or moved into the result)
/// and left with `release == nullptr`.
///
/// Supported formats: every quire type (see type.h). The Arrow types quire does not
/// have (32/64-bit decimals, month and day-time intervals, list views, unions,
/// run-end encoding) are rejected with kUnsupported.

#include <cstdint>
#include <cstring>
#include <memory>

#include "quire/columnar/type_fwd.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

// Arrow C Data Interface, "Structure definitions", and Arrow C Stream Interface,
// "Structure definition". The guards are the canonical ones, so these definitions
// coexist with copies from Arrow, nanoarrow or any other project.
extern "C" {

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  // Callbacks providing stream functionality
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);

  // Release callback
  void (*release)(struct ArrowArrayStream*);

  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

}  // extern "C"

namespace quire::columnar {

/// \brief Move-only owner of one Arrow C struct (ArrowSchema, ArrowArray or
/// ArrowArrayStream) that calls its `release` callback on destruction.
///
/// Holds the struct by value, so `get()` can be passed to a producer as the `out`
/// argument and to the Import functions, which move the struct out and leave the
/// holder empty. Moving the holder moves the struct as the spec allows (bitwise copy,
/// then mark the source released). Thread-compatible.
template <typename T>
class UniqueCStruct {
 public:
  /// \brief Make an empty (released) holder.
  UniqueCStruct() noexcept { Clear(); }
  /// \brief Take ownership of `*source`, which is left released; null means empty.
  explicit UniqueCStruct(T* source) noexcept {
    Clear();
    if (source != nullptr) {
      data_ = *source;
      source->release = nullptr;
    }
  }
  UniqueCStruct(UniqueCStruct&& other) noexcept : data_(other.data_) {
    other.data_.release = nullptr;
  }
  UniqueCStruct& operator=(UniqueCStruct&& other) noexcept {
    if (this != &other) {
      reset();
      data_ = other.data_;
      other.data_.release = nullptr;
    }
    return *this;
  }
  UniqueCStruct(const UniqueCStruct&) = delete;
  UniqueCStruct& operator=(const UniqueCStruct&) = delete;
  ~UniqueCStruct() { reset(); }

  /// \brief Return the owned struct (released when the holder is empty).
  T* get() noexcept { return &data_; }
  const T* get() const noexcept { return &data_; }
  T* operator->() noexcept { return &data_; }
  const T* operator->() const noexcept { return &data_; }
  /// \brief Return whether the holder owns a live (not released) struct.
  explicit operator bool() const noexcept { return data_.release != nullptr; }

  /// \brief Call `release` if the struct is live and leave the holder empty.
  void reset() noexcept {
    if (data_.release != nullptr) data_.release(&data_);
    Clear();
  }
  /// \brief Release the current struct, then take ownership of `*source` (left released).
  void reset(T* source) noexcept { *this = UniqueCStruct(source); }
  /// \brief Move the struct to `*out` (which must not hold a live struct) and leave
  /// the holder empty, handing over the duty to call `release`.
  void release(T* out) noexcept {
    *out = data_;
    data_.release = nullptr;
  }

 private:
  void Clear() noexcept { std::memset(&data_, 0, sizeof(data_)); }

  T data_;
};

/// \brief Owner of an ArrowSchema.
using UniqueSchema = UniqueCStruct<ArrowSchema>;
/// \brief Owner of an ArrowArray.
using UniqueArray = UniqueCStruct<ArrowArray>;
/// \brief Owner of an ArrowArrayStream.
using UniqueStream = UniqueCStruct<ArrowArrayStream>;

/// \brief How much an import checks the producer's data before returning it.
enum class ImportValidation : uint8_t {
  /// Trust the producer: only the checks needed to wrap the buffers safely
  /// (buffer and child counts, null pointers, lengths) are made.
  kNone,
  /// Also Array::Validate(): layout and buffer sizes, O(1) per buffer.
  kStructure,
  /// Also Array::ValidateFull(): every offset, view, index, UTF-8 string and null
  /// count. Use it before reading data from an untrusted producer.
  kFull,
};

// --- Export ---------------------------------------------------------------------

/// \brief Export `type` as an ArrowSchema with an empty name and the nullable flag.
///
/// `*out` is overwritten (it must not hold a live struct); the caller owns the result
/// and must call its `release`. On error `*out` is left untouched.
/// \return kInvalidArgument if `out` is null.
QUIRE_EXPORT Status ExportType(const DataType& type, ArrowSchema* out);

/// \brief Export `field` (name, type, nullable flag and metadata) as an ArrowSchema.
/// Ownership as in ExportType().
QUIRE_EXPORT Status ExportField(const Field& field, ArrowSchema* out);

/// \brief Export `schema` as a struct ArrowSchema ("+s") with one child per field
/// and the schema's metadata. Ownership as in ExportType().
QUIRE_EXPORT Status ExportSchema(const Schema& schema, ArrowSchema* out);

/// \brief Export `array` zero-copy as an ArrowArray, and its type as an ArrowSchema
/// when `out_schema` is not null.
///
/// The ArrowArray keeps `array`'s buffers alive until its `release` is called, so it
/// may outlive every quire reference to the array. Offsets and null counts are
/// exported as they are; children of struct and fixed_size_list arrays are exported
/// unsliced, the parent's offset applying to them as in the Arrow format. The caller
/// owns the results; on error nothing is exported. Thread-safe.
/// \return kInvalidArgument if `array` or `out` is null.
QUIRE_EXPORT Status ExportArray(const ArrayPtr& array, ArrowArray* out,
                                ArrowSchema* out_schema = nullptr);

/// \brief Export `batch` zero-copy as a struct ArrowArray without nulls (the C Data
/// convention for record batches), and its schema when `out_schema` is not null.
/// Ownership as in ExportArray().
QUIRE_EXPORT Status ExportRecordBatch(const RecordBatchPtr& batch, ArrowArray* out,
                                      ArrowSchema* out_schema = nullptr);

// --- Import ---------------------------------------------------------------------

/// \brief Import the data type described by `*schema`, consuming it.
///
/// Field names, nullability and metadata of children are kept; the root's name,
/// metadata and nullable flag are not part of a type and are dropped.
/// \return kCorrupt for a malformed struct or format string (the message names the
/// format and the child path), kUnsupported for an Arrow type quire lacks,
/// kInvalidArgument if `schema` is null.
QUIRE_EXPORT Result<TypePtr> ImportType(ArrowSchema* schema);

/// \brief Import the field (name, type, nullable flag, metadata) described by
/// `*schema`, consuming it. Errors as in ImportType().
QUIRE_EXPORT Result<FieldPtr> ImportField(ArrowSchema* schema);

/// \brief Import a schema from a struct ArrowSchema ("+s"), consuming it: one field
/// per child, and the root's metadata as the schema's. Errors as in ImportType();
/// kCorrupt if the root is not a struct.
QUIRE_EXPORT Result<SchemaPtr> ImportSchema(ArrowSchema* schema);

/// \brief Import `*array`, whose type the caller knows, zero-copy; consumes `*array`.
///
/// The result's buffers point into the producer's memory; the producer's `release`
/// is called once, when the last Buffer referring to it is destroyed (or before
/// returning, on error). A null_count of -1 becomes kUnknownNullCount.
/// \return kCorrupt naming the problem and the child path for a malformed struct
/// (released, wrong buffer or child count, null pointers where data is required,
/// negative length or offset, missing dictionary) or data failing `validation`;
/// kInvalidArgument if `array` or `type` is null.
QUIRE_EXPORT Result<ArrayPtr> ImportArray(
    ArrowArray* array, const TypePtr& type,
    ImportValidation validation = ImportValidation::kStructure);

/// \brief Import `*array` with the type described by `*schema`, consuming both.
/// Errors as in ImportType() and ImportArray().
QUIRE_EXPORT Result<ArrayPtr> ImportArray(
    ArrowArray* array, ArrowSchema* schema,
    ImportValidation validation = ImportValidation::kStructure);

/// \brief Import a record batch of `schema` from a struct ArrowArray, consuming it.
/// \return kCorrupt if the struct has top-level nulls or does not match `schema`;
/// otherwise errors as in ImportArray().
QUIRE_EXPORT Result<RecordBatchPtr> ImportRecordBatch(
    ArrowArray* array, const SchemaPtr& schema,
    ImportValidation validation = ImportValidation::kStructure);

/// \brief Import a record batch whose schema is described by `*schema`, consuming
/// both structs. Errors as in ImportSchema() and ImportRecordBatch().
QUIRE_EXPORT Result<RecordBatchPtr> ImportRecordBatch(
    ArrowArray* array, ArrowSchema* schema,
    ImportValidation validation = ImportValidation::kStructure);

// --- Streams --------------------------------------------------------------------

/// \brief Export `reader` as an ArrowArrayStream.
///
/// get_schema exports reader->schema(); get_next exports the next batch as in
/// ExportRecordBatch() and signals the end of the stream with a released array;
/// errors (including a batch whose schema differs from the stream's) are returned
/// as errno values (EINVAL, ENOMEM, EIO, ENOSYS, EBADMSG for kCorrupt...) with the
/// Status text available from get_last_error. The stream owns `reader` until its
/// `release` is called. Like any C stream, not thread-safe.
/// \return kInvalidArgument if `reader` or `out` is null.
QUIRE_EXPORT Status ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader,
                                            ArrowArrayStream* out);

/// \brief Import an ArrowArrayStream as a RecordBatchReader, consuming `*stream`.
///
/// The schema is read once, here. Next() returns nullptr at the end of the stream;
/// a producer error becomes a Status whose code follows the errno (ENOMEM:
/// kResourceExhausted, EINVAL: kInvalidArgument, EBADMSG: kCorrupt, ENOSYS:
/// kUnsupported, others: kIOError) and whose message holds the errno and the
/// producer's get_last_error text. After an error Next() keeps returning it. Batches
/// are imported with `validation` and stay valid after the reader is destroyed.
/// The stream is released when the reader is destroyed. Not thread-safe.
/// \return the error of get_schema or ImportSchema(); kInvalidArgument if `stream`
/// is null; kCorrupt if it is released or lacks a callback.
QUIRE_EXPORT Result<std::unique_ptr<RecordBatchReader>> ImportRecordBatchReader(
    ArrowArrayStream* stream, ImportValidation validation = ImportValidation::kStructure);

}  // namespace quire::columnar
