#pragma once

/// \file quire/text/api.h
/// \brief The text layer: CSV and JSON Lines in and out, as record batches.
///
/// A tour:
/// - csv_reader.h: CsvReader, a columnar::RecordBatchReader over an
///   io::InputStream. RFC 4180 quoting, type inference from a sample (or an
///   explicit schema), malformed rows as errors naming path, line and column, or
///   skipped into a rejects stream; blocks parsed in parallel, in order.
/// - jsonl_reader.h: JsonlReader, the same for one JSON object per line (simdjson),
///   with nested structs and lists inferred.
/// - csv_writer.h, jsonl_writer.h: CsvWriter and JsonlWriter, record batches to an
///   io::OutputStream in the canonical value forms of columnar/json.h.
///
/// The layer sits between io and parquet: `quire convert` pairs these readers and
/// writers with the Parquet ones.

#include "quire/text/csv_reader.h"
#include "quire/text/csv_writer.h"
#include "quire/text/jsonl_reader.h"
#include "quire/text/jsonl_writer.h"
