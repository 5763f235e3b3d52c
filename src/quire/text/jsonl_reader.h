#pragma once

/// \file quire/text/jsonl_reader.h
/// \brief Streaming JSON Lines reader (one JSON object per line) producing record
/// batches, with type inference, explicit schemas and a rejects stream.

#include <cstdint>
#include <memory>

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

/// \brief Field metadata key and value that mark a string column holding raw
/// JSON text (Arrow's canonical "arrow.json" extension type).
inline constexpr const char* kExtensionNameKey = "ARROW:extension:name";
inline constexpr const char* kJsonExtensionName = "arrow.json";

/// \brief Options of JsonlReader.
///
/// **Input.** Each line holds one JSON object (parsed by simdjson); lines of only
/// whitespace are skipped; LF or CRLF line ends; a UTF-8 byte order mark at the
/// start is skipped. Keys are columns; a missing key or `null` is a null.
///
/// **Type inference** (when `schema` is null) looks at the first `infer_rows`
/// objects. Columns come in the order their keys are first seen in the sample.
/// JSON numbers give int64 (integers that fit) or float64 (any other number,
/// and integers mixed with them); booleans give bool; strings give string, or
/// date32 / timestamp[us] / timestamp[us, tz=UTC] when every sampled string of
/// the column looks like a date or timestamp (the rules of CsvReadOptions: dates
/// widen to timestamps); objects give struct (their keys merged in first-seen
/// order); arrays give list<item: element type inferred from every element>.
/// A column (or nested field) with only nulls is string. Any other mix (say,
/// numbers and strings) gives a string column marked with the "arrow.json"
/// extension, holding each value's compact JSON text (strings keep their quotes).
/// After the sample the schema is fixed: a later value that does not fit, or a
/// key not seen in the sample (at any depth), makes its line malformed.
///
/// **Explicit schema.** Keys match fields by name; a key that is not a field is
/// malformed, a field without a key is null. Supported types: null, bool,
/// integers (JSON integers in range), float32/float64 (any JSON number, and the
/// strings "NaN", "Infinity", "-Infinity"), decimal128/256 (from strings such as
/// "12.30" or from numbers, exactly), date32/date64, time32/time64 and
/// timestamps (from strings, as CsvReader parses them), string and large_string
/// (JSON strings; with "arrow.json" field metadata, any value as JSON text),
/// binary and large_binary (strings of `0x` and hex digits, as JsonlWriter
/// writes them), list, large_list and struct of these.
///
/// **Malformed lines** (invalid JSON, not an object, unknown keys, values that do
/// not fit) end the read with kCorrupt naming the path, the 1-based line and the
/// key path (`data.jsonl:7: key 'a.b': "x" does not fit int64`), or with
/// `rejects` are skipped and written there as CsvReadOptions describes.
struct JsonlReadOptions {
  /// Fixed schema; nullptr to infer one.
  columnar::SchemaPtr schema;
  /// Objects sampled for type inference.
  int64_t infer_rows = 16384;
  /// Most rows per batch (batches also end where a parse block ends).
  int64_t batch_rows = 65536;
  /// Bytes read from the input at a time (longer lines are read whole).
  int64_t block_size = 8 << 20;
  /// Where malformed lines go (not owned); nullptr makes the first one an error.
  io::OutputStream* rejects = nullptr;
  /// Precede each rejected line with a "# path:line: reason" line.
  bool reject_reasons = true;
  /// Threads that parse blocks in parallel; batches keep the input order.
  int num_threads = 1;
  /// Pool for the extra threads (the reader makes its own when null).
  util::ThreadPool* thread_pool = nullptr;
  columnar::MemoryPool* memory_pool = columnar::default_memory_pool();
};

/// \brief Reads JSON Lines from an InputStream as record batches, block by block.
///
/// Open() reads the inference sample, so schema() is known before Next(). Not
/// thread-safe (one consumer); parses on several threads internally.
class QUIRE_EXPORT JsonlReader final : public columnar::RecordBatchReader {
 public:
  /// \brief Start reading `input` (owned by the reader).
  /// \return kInvalidArgument for bad options, kUnsupported for a schema type
  /// JSON Lines cannot fill, kIOError from the input.
  static Result<std::unique_ptr<JsonlReader>> Open(std::unique_ptr<io::InputStream> input,
                                                   JsonlReadOptions options = {});
  ~JsonlReader() override;

  columnar::SchemaPtr schema() const override;
  /// \brief Return the next batch, nullptr at the end, or the first error (kept).
  Result<columnar::RecordBatchPtr> Next() override;

  /// \brief Rows returned in batches so far.
  int64_t rows_read() const;
  /// \brief Malformed lines written to `rejects` so far.
  int64_t rows_rejected() const;
  /// \brief Input bytes consumed so far (for progress bars).
  int64_t bytes_read() const;

 private:
  class Impl;
  explicit JsonlReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace quire::text
