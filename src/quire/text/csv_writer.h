#pragma once

/// \file quire/text/csv_writer.h
/// \brief Write record batches as CSV (RFC 4180) to an OutputStream.

#include <cstdint>
#include <memory>
#include <string>

#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/io/type_fwd.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::text {

/// \brief Options of CsvWriter.
struct CsvWriteOptions {
  char delimiter = ',';
  char quote = '"';
  /// Write a header line with the column names.
  bool header = true;
  /// Bytes rendered before each write to the stream.
  int64_t buffer_size = 1 << 20;
};

/// \brief Writes record batches as CSV.
///
/// Values render like columnar/json.h's canonical forms, without JSON quoting:
/// nulls are empty fields; bool `true`/`false`; integers in full; floats with
/// the shortest digits that round-trip (`NaN`, `Infinity`, `-Infinity`, `-0.0`);
/// decimals with exactly `scale` fraction digits; dates `YYYY-MM-DD`; times
/// `HH:MM:SS.ffffff`; timestamps `YYYY-MM-DDTHH:MM:SS.ffffff` (9 digits for
/// nanoseconds) with a trailing `Z` when the type has a timezone; strings as
/// their bytes; binary as `0x` and lowercase hex; dictionaries as their values;
/// nested values (lists, structs, maps) and intervals as their canonical JSON
/// text. A field is quoted (RFC 4180, quotes doubled) when it contains the
/// delimiter, the quote, CR or LF, and also when it is an empty string or the
/// text "NULL" or "null", so that CsvReader's default null values read it back as
/// a string, not a null. Lines end with LF.
/// Not thread-safe.
class QUIRE_EXPORT CsvWriter {
 public:
  /// \brief Start writing batches of `schema` to `sink` (not owned; the caller
  /// closes it after Close()). The header, if any, is written at once.
  /// \return kInvalidArgument if the delimiter and quote are equal or line ends.
  static Result<std::unique_ptr<CsvWriter>> Make(columnar::SchemaPtr schema,
                                                 io::OutputStream* sink,
                                                 CsvWriteOptions options = {});
  ~CsvWriter();

  /// \brief Append the rows of `batch`, whose schema must equal the writer's.
  /// \return kInvalidArgument on a schema mismatch; kIOError from the sink.
  Status Write(const columnar::RecordBatch& batch);
  /// \brief Write what is buffered; the sink stays open. Idempotent.
  Status Close();
  /// \brief Rows written so far.
  int64_t rows_written() const { return rows_; }

 private:
  CsvWriter(columnar::SchemaPtr schema, io::OutputStream* sink, CsvWriteOptions options);
  Status Flush();

  columnar::SchemaPtr schema_;
  io::OutputStream* sink_;
  CsvWriteOptions options_;
  std::string buffer_;
  std::string cell_;
  int64_t rows_ = 0;
  bool closed_ = false;
};

/// \brief Append the CSV text of slot `i` of `array` (valid, not null) to `out`,
/// unquoted, as CsvWriter renders it.
QUIRE_EXPORT void AppendCsvValue(const columnar::Array& array, int64_t i, std::string* out);

}  // namespace quire::text
