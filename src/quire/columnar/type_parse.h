#pragma once

/// \file quire/columnar/type_parse.h
/// \brief Parse data types from text: what DataType::ToString() prints, plus the
/// aliases people write in schema files.

#include <string_view>

#include "quire/columnar/type.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Parse a data type from text.
///
/// Accepts exactly what DataType::ToString() prints, for every type, so that
/// `ParseType(t->ToString())` equals `t` (map entries take Arrow's canonical
/// names "entries", "key" and "value"; field metadata is not part of the text).
/// Examples: "int32", "timestamp[us, tz=UTC]", "decimal128(15, 2)",
/// "list<item: string>", "struct<x: double, y: double not null>",
/// "map<string, int64, keys_sorted>",
/// "dictionary<values=string, indices=int32, ordered=0>".
///
/// Also accepts, case-insensitively, these aliases: tinyint (int8), smallint
/// (int16), int and integer (int32), bigint and long (int64), real and float32
/// (float), float64 (double), float16 (halffloat), boolean (bool), utf8, varchar
/// and text (string), bytes and blob (binary), date (date32[day]), time
/// (time64[us]), timestamp (timestamp[us], no timezone), timestamptz
/// (timestamp[us, tz=UTC]), and decimal(p, s) / numeric(p, s) (decimal128 when
/// p <= 38, else decimal256; scale 0 when omitted). Spaces between tokens are
/// optional. Note that "float" is 32-bit, as ToString() prints it.
/// Thread-safe.
/// \return kInvalidArgument naming the 0-based byte position and what was
/// expected there, e.g. "cannot parse type 'list<int32': at position 10:
/// expected '>'".
QUIRE_EXPORT Result<TypePtr> ParseType(std::string_view text);

/// \brief Parse a schema: fields "name: type" (with an optional " not null"),
/// separated by line ends or commas, as Schema::ToString() prints them, so that
/// `ParseSchema(s->ToString())` equals `s` (field metadata aside).
///
/// Types are read by ParseType() (aliases included). Blank lines and lines
/// starting with '#' are skipped; a name runs to its first ':' and is trimmed.
/// Example: "id: bigint not null, name: varchar, price: decimal(15,2)".
/// \return kInvalidArgument naming the position, as ParseType(); also for a
/// repeated field name.
QUIRE_EXPORT Result<SchemaPtr> ParseSchema(std::string_view text);

}  // namespace quire::columnar
