#pragma once

/// \file quire/columnar/record_batch.h
/// \brief Record batches, batch streams, chunked arrays and tables.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/type.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Equal-length columns under a schema. Immutable; thread-safe.
class QUIRE_EXPORT RecordBatch {
 public:
  RecordBatch(SchemaPtr schema, int64_t num_rows, ArrayVector columns)
      : schema_(std::move(schema)), num_rows_(num_rows), columns_(std::move(columns)) {}

  /// \brief Make a batch, checking column count, lengths and types against `schema`.
  /// \return kInvalidArgument naming the first column that does not fit.
  static Result<RecordBatchPtr> Make(SchemaPtr schema, int64_t num_rows, ArrayVector columns);
  /// \brief Make a batch from a struct array (one column per struct field).
  /// \return kInvalidArgument if the struct itself has null rows (a batch has none).
  static Result<RecordBatchPtr> FromStructArray(const ArrayPtr& array);

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return int(columns_.size()); }
  const ArrayVector& columns() const { return columns_; }
  const ArrayPtr& column(int i) const { return columns_[size_t(i)]; }
  const std::string& column_name(int i) const { return schema_->field(i)->name(); }
  /// \brief Return the column named `name`, or nullptr.
  ArrayPtr GetColumnByName(std::string_view name) const;

  /// \brief Return these columns as one non-null struct array.
  ArrayPtr ToStructArray() const;
  /// \brief Return a zero-copy slice of rows.
  RecordBatchPtr Slice(int64_t offset, int64_t length) const;
  /// \brief Return a batch of the chosen columns, in the given order.
  Result<RecordBatchPtr> SelectColumns(const std::vector<int>& indices) const;

  /// \brief Check the structure of every column; errors name the column.
  Status Validate() const;
  /// \brief Check every value of every column; errors name the column.
  Status ValidateFull() const;
  bool Equals(const RecordBatch& other, bool check_metadata = false) const;
  /// \brief Render as an aligned text table (see pretty_print.h).
  std::string ToString() const;

 private:
  SchemaPtr schema_;
  int64_t num_rows_;
  ArrayVector columns_;
};

/// \brief A stream of record batches of one schema.
///
/// Not thread-safe: one consumer calls Next() until it returns nullptr.
class QUIRE_EXPORT RecordBatchReader {
 public:
  virtual ~RecordBatchReader() = default;
  virtual SchemaPtr schema() const = 0;
  /// \brief Return the next batch, nullptr at the end of the stream, or an error.
  virtual Result<RecordBatchPtr> Next() = 0;
  /// \brief Read the rest of the stream into a vector.
  Result<std::vector<RecordBatchPtr>> ReadAll();
};

/// \brief Make a reader over batches already in memory.
QUIRE_EXPORT std::unique_ptr<RecordBatchReader> MakeVectorReader(
    SchemaPtr schema, std::vector<RecordBatchPtr> batches);

/// \brief One logical column made of arrays ("chunks") of one type. Immutable.
class QUIRE_EXPORT ChunkedArray {
 public:
  ChunkedArray(TypePtr type, ArrayVector chunks);
  const TypePtr& type() const { return type_; }
  const ArrayVector& chunks() const { return chunks_; }
  int num_chunks() const { return int(chunks_.size()); }
  int64_t length() const { return length_; }
  int64_t null_count() const;
  /// \brief Return a zero-copy slice across chunks.
  std::shared_ptr<const ChunkedArray> Slice(int64_t offset, int64_t length) const;
  /// \brief Concatenate the chunks into one array.
  Result<ArrayPtr> Combine(MemoryPool* pool = default_memory_pool()) const;
  /// \brief Return whether both hold the same values, however they are chunked.
  bool Equals(const ChunkedArray& other) const;

 private:
  TypePtr type_;
  ArrayVector chunks_;
  int64_t length_;
};

using ChunkedArrayPtr = std::shared_ptr<const ChunkedArray>;

/// \brief Columns of equal length, each a ChunkedArray, under a schema. Immutable.
class QUIRE_EXPORT Table {
 public:
  Table(SchemaPtr schema, std::vector<ChunkedArrayPtr> columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

  /// \brief Make a table from batches of one schema (zero copy).
  static Result<std::shared_ptr<const Table>> FromBatches(
      SchemaPtr schema, const std::vector<RecordBatchPtr>& batches);
  /// \brief Read a whole stream into a table.
  static Result<std::shared_ptr<const Table>> FromReader(RecordBatchReader& reader);

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return int(columns_.size()); }
  const ChunkedArrayPtr& column(int i) const { return columns_[size_t(i)]; }
  const std::vector<ChunkedArrayPtr>& columns() const { return columns_; }

  /// \brief Return a zero-copy slice of rows.
  std::shared_ptr<const Table> Slice(int64_t offset, int64_t length) const;
  /// \brief Return a table with every column in one chunk.
  Result<std::shared_ptr<const Table>> CombineChunks(
      MemoryPool* pool = default_memory_pool()) const;
  /// \brief Return record batches over the table (zero copy; batches end where any
  /// column's chunk ends, and hold at most `max_rows` rows when it is positive).
  std::vector<RecordBatchPtr> ToBatches(int64_t max_rows = 0) const;
  Status ValidateFull() const;
  bool Equals(const Table& other, bool check_metadata = false) const;
  std::string ToString() const;

 private:
  SchemaPtr schema_;
  std::vector<ChunkedArrayPtr> columns_;
  int64_t num_rows_;
};

using TablePtr = std::shared_ptr<const Table>;

}  // namespace quire::columnar
