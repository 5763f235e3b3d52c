#pragma once

/// \file quire/table/schema.h
/// \brief Delta schemas as Arrow schemas (PROTOCOL.md, "Schema Serialization
/// Format"), column mapping ("Column Mapping"), type widening ("Type Widening"),
/// partition values ("Partition Value Serialization") and their Hive-style
/// directories, add.path URIs, and the adaptation of data read from a file to the
/// table's schema.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::table {

/// \name Field metadata keys of the protocol and of Arrow's Parquet mapping.
/// @{
inline constexpr std::string_view kPhysicalNameKey = "delta.columnMapping.physicalName";
inline constexpr std::string_view kColumnMappingIdKey = "delta.columnMapping.id";
inline constexpr std::string_view kNestedIdsKey = "delta.columnMapping.nested.ids";
inline constexpr std::string_view kColumnMappingModeKey = "delta.columnMapping.mode";
inline constexpr std::string_view kParquetFieldIdKey = "PARQUET:field_id";
/// @}

// ---------------------------------------------------------------------------
// Schema serialization

/// \brief Parse a metaData action's schemaString into an Arrow schema.
///
/// Types: boolean, byte/short/integer/long -> int8..int64, float, double, string ->
/// utf8, binary, date -> date32, timestamp -> timestamp(us, "UTC"), timestamp_ntz
/// -> timestamp(us), decimal(p,s) -> decimal128, void -> null, array -> list with
/// a value field "element" whose nullability is containsNull, map -> map whose
/// value nullability is valueContainsNull, struct -> struct, variant -> the Arrow
/// Variant struct `<metadata: binary, value: binary>` tagged with the extension
/// name arrow.parquet.variant.
/// Each field's metadata becomes its Arrow field's KeyValueMetadata, in order:
/// string values as they are, other JSON values as their compact JSON text.
/// \return kCorrupt for malformed JSON or a schema missing required members;
/// kUnsupported naming the column for an unknown type name.
QUIRE_EXPORT Result<columnar::SchemaPtr> ParseDeltaSchema(std::string_view schema_string);

/// \brief Render an Arrow schema as the protocol's schemaString JSON (fields with
/// name, type, nullable and metadata).
///
/// Arrow types without a Delta type map to the nearest wider one, whose values
/// Cast produces when written: large and view strings -> string, large, view and
/// fixed-size binaries -> binary, uint8 -> short, uint16 -> integer, uint32 -> long,
/// timestamps of any unit -> timestamp (with a zone) or timestamp_ntz (without),
/// dictionaries -> their value type, large and fixed-size lists -> array.
/// Metadata values are written back as JSON when they were JSON values (numbers,
/// booleans, arrays, objects) in ParseDeltaSchema's input: the keys the protocol
/// defines with such values always, unknown keys when their text is a JSON
/// number, boolean, array or object; everything else as a string.
/// \return kUnsupported naming the column and type for uint64, float16, date64,
/// time, duration, interval types and decimals above precision 38.
QUIRE_EXPORT Result<std::string> DeltaSchemaToJson(const columnar::Schema& schema);

// ---------------------------------------------------------------------------
// Column mapping

/// \brief How logical column names map to the names in data files.
enum class ColumnMappingMode { kNone, kName, kId };

/// \brief Read `delta.columnMapping.mode` from a table's configuration (absent is
/// kNone).
/// \return kUnsupported naming the mode if it is not none, name or id.
QUIRE_EXPORT Result<ColumnMappingMode> ColumnMappingModeOf(
    const std::map<std::string, std::string>& configuration);

/// \brief Return the name of `field` in data files and partition values: its
/// `delta.columnMapping.physicalName` under name or id mapping (the logical name
/// when the key is absent), its logical name under kNone.
QUIRE_EXPORT std::string PhysicalName(const columnar::Field& field, ColumnMappingMode mode);

/// \brief Return the schema of data files for the logical schema `logical`: every
/// field, nested ones included, renamed to its physical name; under kId each field
/// also gets its `delta.columnMapping.id` as "PARQUET:field_id", and list elements
/// and map keys and values get theirs from `delta.columnMapping.nested.ids`.
/// \return kCorrupt naming the column when name or id mapping lacks a physical
/// name, or id mapping lacks an id.
QUIRE_EXPORT Result<columnar::SchemaPtr> PhysicalSchema(const columnar::Schema& logical,
                                                        ColumnMappingMode mode);

// ---------------------------------------------------------------------------
// Type widening

/// \brief Return whether changing a column from type `from` to type `to` is a
/// widening the typeWidening feature allows (PROTOCOL.md, "Type Widening"):
/// byte -> short -> int -> long; byte, short, int -> double; float -> double;
/// byte, short, int -> decimal(p, s) with p - s >= 10, long with p - s >= 20;
/// decimal(p, s) -> decimal(p + k1, s + k2) with k1 >= k2 >= 0; date ->
/// timestamp_ntz. Structs (same field names), arrays and maps qualify when each
/// child is unchanged or widened. Identical types are no change: false.
QUIRE_EXPORT bool IsAllowedWidening(const columnar::DataType& from,
                                    const columnar::DataType& to);

// ---------------------------------------------------------------------------
// Partition values

/// \brief Make an array of `length` copies of the partition value `value` of type
/// `type`, parsed as PROTOCOL.md "Partition Value Serialization" writes it.
///
/// nullopt is null; so is the empty string for every type but the string types.
/// Booleans are "true"/"false" (any case); numbers their decimal text (floats
/// also NaN and [-]Infinity); dates "YYYY-MM-DD"; timestamps "YYYY-MM-DD
/// HH:MM:SS[.ffffff]" or ISO-8601 with 'T' and a "Z" or "+HH:MM" offset. A
/// timestamp without an offset is read as UTC: the protocol says it is in the
/// writer's time zone, which the log does not record. Binary values are the
/// string's bytes.
/// \return kCorrupt naming the value and the type when the value does not parse;
/// kUnsupported for types partition columns cannot have.
QUIRE_EXPORT Result<columnar::ArrayPtr> PartitionValueArray(
    const columnar::TypePtr& type, const std::optional<std::string>& value, int64_t length);

/// \brief Render slot `i` of `array` as a partition value; nullopt for null.
///
/// Timestamps are adjusted to UTC and written "YYYY-MM-DD HH:MM:SS.ffffff"
/// (microseconds, truncated), which PartitionValueArray reads back exactly; floats
/// in their shortest round-trip digits with ".0" on integral values (as Spark).
/// \return kUnsupported for types partition columns cannot have.
QUIRE_EXPORT Result<std::optional<std::string>> SerializePartitionValue(
    const columnar::Array& array, int64_t i);

// ---------------------------------------------------------------------------
// Partition directories and add.path URIs

/// \brief Directory name of null (and empty) partition values.
inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

/// \brief Escape a partition column name or value for a Hive-style directory, as
/// Spark and Hive do: bytes 0x00-0x1F, 0x7F and `"#%'*/:=?\{[]^` become %XX
/// (uppercase hex); everything else, non-ASCII included, stays.
QUIRE_EXPORT std::string EscapePartitionValue(std::string_view value);

/// \brief Undo EscapePartitionValue.
/// \return kCorrupt when a '%' is not followed by two hex digits.
QUIRE_EXPORT Result<std::string> UnescapePartitionValue(std::string_view escaped);

/// \brief Return the directory of a file with these partition values, e.g.
/// "a=1/b=__HIVE_DEFAULT_PARTITION__/" (names and values escaped; nullopt and
/// empty values are kHiveDefaultPartition); "" for no partition columns.
QUIRE_EXPORT std::string PartitionDirectory(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& values);

/// \brief Percent-encode a relative path for add.path, which is a URI reference
/// (RFC 3986 path): everything but unreserved characters, sub-delimiters, '@', '/'
/// and ':' (outside the first segment) becomes %XX, so "x=B%20B/f" gives
/// "x=B%2520B/f".
QUIRE_EXPORT std::string PathToUri(std::string_view relative_path);

/// \brief Percent-decode an add.path URI reference into a path.
/// \return kCorrupt when a '%' is not followed by two hex digits.
QUIRE_EXPORT Result<std::string> UriToPath(std::string_view uri);

// ---------------------------------------------------------------------------
// Adapting file data to the table schema

/// \brief Convert an array read from a data file to the table's field.
///
/// `file_field` is the file's field (physical names); `table_field` the table's
/// logical field. Struct children are matched by "PARQUET:field_id" under kId
/// when both sides have one (the table side may give it as
/// delta.columnMapping.id), by physical name otherwise; table fields the file
/// lacks become nulls, file fields the table lacks are dropped. Lists and maps
/// recurse; leaves whose types differ are cast with compute::Cast (type widening).
/// The result has the table field's type, so its children carry logical names.
/// \return kInvalidArgument when the shapes differ (a struct against a list, ...)
/// or a cast is impossible.
QUIRE_EXPORT Result<columnar::ArrayPtr> AdaptColumn(const columnar::ArrayPtr& file_array,
                                                    const columnar::FieldPtr& file_field,
                                                    const columnar::FieldPtr& table_field,
                                                    ColumnMappingMode mode);

/// \brief Adapt a batch read from a data file to `table_schema` (logical names,
/// data columns only), column by column as AdaptColumn does; columns missing from
/// the file become all-null columns.
QUIRE_EXPORT Result<columnar::RecordBatchPtr> AdaptBatch(const columnar::RecordBatch& file_batch,
                                                         const columnar::Schema& table_schema,
                                                         ColumnMappingMode mode);

}  // namespace quire::table
