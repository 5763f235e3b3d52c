#pragma once

/// \file quire/text/csv_reader.h
/// \brief Streaming CSV reader (RFC 4180) producing record batches, with type
/// inference, explicit schemas, a rejects stream and parallel parsing.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quire/columnar/buffer.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/io/type_fwd.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::util {
class ThreadPool;
}  // namespace quire::util

namespace quire::text {

/// \brief Options of CsvReader.
///
/// **Syntax** (RFC 4180). Fields are separated by `delimiter`; a field that
/// starts with `quote` is quoted and may hold delimiters, line ends and doubled
/// quotes (`""` is one quote); nothing but a delimiter or a line end may follow
/// its closing quote. Lines end with LF or CRLF (a lone CR is data). A UTF-8 byte
/// order mark at the start is skipped. A record ends at the first line end outside
/// quotes, counting every quote character of the record (so a stray quote in an
/// unquoted field opens a quoted section, and the record is malformed). Blank
/// lines are skipped, except in a one-column file, where a blank line is a row
/// whose field is empty (null by default).
///
/// **Nulls.** An unquoted field equal to one of `null_values` (by default the
/// empty field, "NULL" and "null") is null in every column type. A quoted field is
/// never null: `""` is the empty string, which is how CsvWriter tells empty
/// strings from nulls.
///
/// **Type inference** (when `schema` is null) looks at the first `infer_rows`
/// records. Each column gets the narrowest type that holds every non-null sampled
/// value: bool (true/false, any case), int64, float64, date32 (YYYY-MM-DD),
/// timestamp[us] (YYYY-MM-DD[T| ]HH:MM:SS[.ffffff]), timestamp[us, tz=UTC] (the
/// same with a Z or +HH:MM offset, converted to UTC), else string. Within the
/// sample, int64 widens to float64, date32 widens to timestamp[us], and any other
/// mix (including an integer too long for int64) gives string. A column with no
/// non-null value in the sample is string. Values are not trimmed: " 1" is a
/// string. After the sample the types are fixed: a later value that does not fit
/// its column's type makes its row malformed; types never change silently.
///
/// **Explicit schema.** With `schema`, nothing is inferred. With a header,
/// columns are matched to fields by name, and batches follow the schema's field
/// order; a field missing from the header or a header column missing from the
/// schema is kInvalidArgument. Without a header, fields match columns by position
/// and the counts must agree. Supported field types: null, bool (true/false in any
/// case, 1, 0), int8..int64, uint8..uint64, float32, float64, decimal128 and
/// decimal256 (exact: "123.45", "-0.5", ".5"; fewer fraction digits than the scale
/// are padded, more non-zero ones, an exponent or too many digits do not fit),
/// date32, date64, time32/time64 (HH:MM:SS[.f]), timestamp of any unit (digits
/// finer than the unit must be zero; a column with a timezone takes values with
/// an offset, converted to UTC, and values without one as UTC; a column without a
/// timezone refuses offsets), string and large_string (valid UTF-8), binary and
/// large_binary (the field's bytes as they are). A non-nullable field refuses
/// nulls. Other types are kUnsupported.
///
/// **Malformed rows** are: a wrong number of fields, bad quoting (text after a
/// closing quote, a quote inside an unquoted string field, a quoted field open at
/// the end of the input), invalid UTF-8 in a string column, and a value that does
/// not fit its column's type. Without `rejects`, the first one (in input order)
/// ends the read with kCorrupt, whose message names the input path, the 1-based
/// line where the record starts, the column number and name, and the value, e.g.
/// `data.csv:42: column 3 ('price'): '12x' does not fit double`. With `rejects`,
/// each malformed record is skipped and written to `rejects`, counted by
/// CsvReader::rows_rejected(): when `reject_reasons` is true a comment line comes
/// first, `# <path>:<line>: <reason>` (the reason as in the error message), then
/// the record's bytes verbatim with its line end (LF added when the input's last
/// record has none).
struct CsvReadOptions {
  char delimiter = ',';
  char quote = '"';
  /// The first record (after `skip_rows`) names the columns. Without a header,
  /// columns are named f0, f1, ... Empty names become f<i> too, and a repeated
  /// name gets a suffix: a, a_1, a_2.
  bool header = true;
  /// Lines (LF-terminated, quotes not considered) skipped before the header.
  int64_t skip_rows = 0;
  /// Unquoted field texts read as null.
  std::vector<std::string> null_values = {"", "NULL", "null"};
  /// Fixed schema; nullptr to infer one.
  columnar::SchemaPtr schema;
  /// Records sampled for type inference.
  int64_t infer_rows = 16384;
  /// Most rows per batch. Batches also end where a parse block ends, so they
  /// may be smaller.
  int64_t batch_rows = 65536;
  /// Bytes read from the input at a time (records longer than this are read
  /// whole). Memory use is a few blocks per thread.
  int64_t block_size = 8 << 20;
  /// Where malformed records go (not owned; the reader writes, the caller
  /// closes); nullptr makes the first malformed record an error.
  io::OutputStream* rejects = nullptr;
  /// Precede each rejected record with a "# path:line: reason" line.
  bool reject_reasons = true;
  /// Threads that parse blocks in parallel (1: the calling thread only). Batches
  /// keep the input order whatever the thread count.
  int num_threads = 1;
  /// Pool for the extra threads; when null and num_threads > 1 the reader makes
  /// its own pool of num_threads - 1 threads.
  util::ThreadPool* thread_pool = nullptr;
  /// Pool of the batches' buffers.
  columnar::MemoryPool* memory_pool = columnar::default_memory_pool();
};

/// \brief Reads CSV from an InputStream as record batches, block by block.
///
/// Open() reads the header and, without an explicit schema, the inference sample,
/// so schema() is known before the first Next(). Memory stays bounded by a few
/// blocks plus the batches in flight. Not thread-safe (one consumer), though it
/// parses on several threads internally (CsvReadOptions::num_threads).
class QUIRE_EXPORT CsvReader final : public columnar::RecordBatchReader {
 public:
  /// \brief Start reading `input` (owned by the reader).
  /// \return kInvalidArgument for bad options or a schema that does not match the
  /// header; kUnsupported for a schema type CSV cannot hold; kCorrupt for a
  /// malformed header; kIOError from the input.
  static Result<std::unique_ptr<CsvReader>> Open(std::unique_ptr<io::InputStream> input,
                                                 CsvReadOptions options = {});
  ~CsvReader() override;

  columnar::SchemaPtr schema() const override;
  /// \brief Return the next batch, nullptr at the end, or the first error
  /// (kCorrupt for a malformed record without `rejects`, kIOError from the input
  /// or the rejects stream). After an error, Next() keeps returning it.
  Result<columnar::RecordBatchPtr> Next() override;

  /// \brief Rows returned in batches so far.
  int64_t rows_read() const;
  /// \brief Malformed records written to `rejects` so far.
  int64_t rows_rejected() const;
  /// \brief Input bytes consumed so far (for progress bars).
  int64_t bytes_read() const;

 private:
  class Impl;
  explicit CsvReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace quire::text
