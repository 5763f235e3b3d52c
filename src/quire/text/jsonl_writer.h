#pragma once

/// \file quire/text/jsonl_writer.h
/// \brief Write record batches as JSON Lines (one JSON object per row).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/io/type_fwd.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::text {

/// \brief Options of JsonlWriter.
struct JsonlWriteOptions {
  /// Leave out keys whose value is null (instead of `"key":null`).
  bool skip_nulls = false;
  /// Bytes rendered before each write to the stream.
  int64_t buffer_size = 1 << 20;
};

/// \brief Writes record batches as JSON Lines: one compact object per row,
/// `{"col":value,...}` with keys in schema order, each line ended by LF.
///
/// Values are columnar::AppendJsonValue's canonical JSON (decimals, dates,
/// timestamps and binary as strings, NaN and infinities as "NaN", "Infinity" and
/// "-Infinity"), except that integers of every width, at any depth, are bare JSON
/// numbers even beyond 2^53, so that JsonlReader reads them back exactly, and
/// that string fields marked "arrow.json" (kJsonExtensionName) are written as the
/// JSON text they hold, not as strings.
/// Not thread-safe.
class QUIRE_EXPORT JsonlWriter {
 public:
  /// \brief Start writing batches of `schema` to `sink` (not owned; the caller
  /// closes it after Close()).
  static Result<std::unique_ptr<JsonlWriter>> Make(columnar::SchemaPtr schema,
                                                   io::OutputStream* sink,
                                                   JsonlWriteOptions options = {});
  ~JsonlWriter();

  /// \brief Append the rows of `batch`, whose schema must equal the writer's.
  /// \return kInvalidArgument on a schema mismatch; kIOError from the sink.
  Status Write(const columnar::RecordBatch& batch);
  /// \brief Write what is buffered; the sink stays open. Idempotent.
  Status Close();
  /// \brief Rows written so far.
  int64_t rows_written() const { return rows_; }

 private:
  JsonlWriter(columnar::SchemaPtr schema, io::OutputStream* sink, JsonlWriteOptions options);
  Status Flush();

  columnar::SchemaPtr schema_;
  io::OutputStream* sink_;
  JsonlWriteOptions options_;
  std::vector<std::string> keys_;  // "\"name\":" per column
  std::string buffer_;
  int64_t rows_ = 0;
  bool closed_ = false;
};

}  // namespace quire::text
