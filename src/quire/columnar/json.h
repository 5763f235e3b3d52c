#pragma once

/// \file quire/columnar/json.h
/// \brief Canonical JSON rendering of values, batches and tables, the form the
/// conformance tests compare with (shared/testdata/parquet/README.md, "Canonical
/// value rendering").
///
/// One value renders as:
/// - null (at any level) and the null type: `null`; bool: `true` / `false`;
/// - integers of any width, and durations (the count in their unit): a JSON integer
///   when |v| <= 2^53, else a string of the digits (`"-9223372036854775808"`);
/// - float64: the shortest digits that round-trip, laid out like ECMAScript
///   Number::toString (`10`, `0.1`, `1e+21`, `1.5e-7`); float32 and float16 the
///   same with the shortest digits of the binary32 value (`1.1`); negative zero
///   `-0.0`; NaN and infinities the strings `"NaN"`, `"Infinity"`, `"-Infinity"`;
/// - decimal128/256: a string with exactly `scale` fraction digits (`"-12.30"`);
/// - date32/date64: `"YYYY-MM-DD"`; time32/time64: `"HH:MM:SS.ffffff"` (9 fraction
///   digits for nanoseconds); timestamp: `"YYYY-MM-DDTHH:MM:SS.ffffff"` (9 digits
///   for nanoseconds, floor for instants before 1970), with a trailing `Z` when the
///   type has a timezone (the value is then a UTC instant);
/// - interval_month_day_nano: `{"months":m,"days":d,"micros":floor(nanos / 1000)}`;
/// - string types: a JSON string; binary types and fixed_size_binary: `"0x"` and
///   lowercase hex; a fixed_size_binary(16) whose field has the extension name
///   "arrow.uuid": `"8-4-4-4-12"` lowercase hex;
/// - list types: an array; struct: an object with keys in field order; map: an
///   array of `[key, value]` pairs in stored order; dictionary: the decoded value.
///
/// Values are compact (no spaces); RowsToJson and ToCanonicalJson put one row per
/// line so that diffs stay readable.

#include <cstdint>
#include <string>
#include <string_view>

#include "quire/columnar/type_fwd.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Append the canonical JSON of slot `i` of `array` to `out`.
///
/// `i` must be in [0, array.length()) and the array must be valid (Validate();
/// offsets and dictionary indices in range). `field`, when given, describes the
/// array and supplies extension metadata ("ARROW:extension:name"); children of
/// nested values take their own fields from the type, so extension metadata on
/// nested fields applies too. Strings that are not valid UTF-8 render with each
/// maximal ill-formed subsequence replaced by U+FFFD, as TextDecoder does.
/// Thread-safe.
QUIRE_EXPORT void AppendJsonValue(const Array& array, int64_t i, std::string* out,
                                  const Field* field = nullptr);

/// \brief Return the canonical JSON of slot `i` of `array` (see AppendJsonValue).
QUIRE_EXPORT std::string JsonValue(const Array& array, int64_t i,
                                   const Field* field = nullptr);

/// \brief Render the rows of `batch` as a JSON array of rows, each an array of the
/// values in column order, one row per line: "[\n[1,\"a\"],\n[2,null]\n]", or
/// "[]" when there are no rows. Column fields come from the schema.
QUIRE_EXPORT std::string RowsToJson(const RecordBatch& batch);
/// \brief Render the rows of `table` as RowsToJson(const RecordBatch&) does,
/// whatever its chunking.
QUIRE_EXPORT std::string RowsToJson(const Table& table);

/// \brief Render `table` as a document laid out like the corpus's expected files:
///
///     {
///       "num_rows": 2,
///       "columns": [
///         {"name":"a","type":"int32"},
///         {"name":"b","type":"string"}
///       ],
///       "rows": [
///         [1,"a"],
///         [2,null]
///       ]
///     }
///
/// "type" is DataType::ToString(); "rows" holds the values of RowsToJson(), one
/// row per line, indented (`"rows": []` when empty).
QUIRE_EXPORT std::string ToCanonicalJson(const Table& table);
/// \brief Render `batch` as ToCanonicalJson(const Table&) does.
QUIRE_EXPORT std::string ToCanonicalJson(const RecordBatch& batch);

/// \brief Append `utf8` to `out` as a JSON string literal, escaped as ECMAScript
/// JSON.stringify does: \" \\ \b \f \n \r \t, other characters below U+0020 as
/// \u00xx (lowercase hex), everything else (non-ASCII UTF-8 included) raw.
/// Ill-formed UTF-8 is replaced as AppendJsonValue describes.
QUIRE_EXPORT void AppendJsonString(std::string_view utf8, std::string* out);

/// \brief Render `value` with the shortest round-trip digits in the layout of
/// ECMAScript Number::toString, except that negative zero is "-0.0" and NaN and
/// the infinities are "NaN", "Infinity" and "-Infinity" (unquoted).
QUIRE_EXPORT std::string FormatDoubleShortest(double value);
/// \brief Render `value` like FormatDoubleShortest, with the shortest digits that
/// round-trip to the same binary32 value (1.1f is "1.1").
QUIRE_EXPORT std::string FormatFloatShortest(float value);

}  // namespace quire::columnar
