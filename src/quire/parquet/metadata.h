#pragma once

/// \file quire/parquet/metadata.h
/// \brief Parquet metadata structures (parquet.thrift) and their compact-protocol
/// parsing and serialization: file metadata, page headers, page index, bloom filter
/// headers and the encryption structures.
///
/// The structs mirror parquet.thrift field for field (apache/parquet-format,
/// src/main/thrift/parquet.thrift); names are snake_case versions of the Thrift
/// names, and optional Thrift fields are std::optional. They are plain values:
/// parsing checks the wire format and required fields, not the meaning (a schema's
/// num_children, a column's type against its schema element, offsets against the
/// file size): the schema builder and the readers do that and give better messages.
///
/// Forward compatibility, as the format asks of readers:
/// - Enums are `enum class : int32_t`. A value this code has no name for (a new
///   Encoding in ColumnMetaData::encodings, a new CompressionCodec, an invalid
///   physical type) is kept as is and survives a round trip; the code that uses it
///   decides whether it is an error (ToString() renders it as e.g. "Encoding(42)").
/// - Unions (LogicalType, TimeUnit, ColumnOrder, the bloom filter and encryption
///   unions) record which member is set by its Thrift field id. A member this code
///   does not know keeps its id, with its contents dropped, so a reader can fall back
///   (e.g. to the physical type for an unrecognized LogicalType) and a writer writes
///   it back as an empty struct. An empty union has id 0.
/// - Unknown struct fields are skipped, and so are known fields whose wire type is
///   not the one parquet.thrift gives (as Thrift-generated code does; Dremio wrote a
///   list as ColumnMetaData field 15). The integer types i16, i32 and i64 share one
///   varint encoding and are read interchangeably, range-checked (the Thrift
///   libraries ignore list element types, and ARROW-GH-41317 writes list<i16>).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "quire/parquet/thrift_compact.h"
#include "quire/util/result.h"
#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

// ---------------------------------------------------------------------------
// Enums. Values are parquet.thrift's; any other int32 value may occur (see above).

/// \brief Physical type of a column (Thrift `Type`).
enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,  ///< Deprecated; legacy timestamps.
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

/// \brief Deprecated logical annotation, superseded by LogicalType (Thrift
/// `ConvertedType`).
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

/// \brief Repetition of a schema field (Thrift `FieldRepetitionType`).
enum class FieldRepetitionType : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
  kVector = 3,  ///< Fixed-size vector group (SchemaElement::vector_length).
};

/// \brief Encoding of values or levels (Thrift `Encoding`; 1 was never used).
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

/// \brief Compression of pages (Thrift `CompressionCodec`).
enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  ///< Deprecated: Hadoop's framing or none, depending on the writer.
  kZstd = 6,
  kLz4Raw = 7,
};

/// \brief Kind of a page (Thrift `PageType`).
enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

/// \brief Ordering of a ColumnIndex's min/max lists (Thrift `BoundaryOrder`).
enum class BoundaryOrder : int32_t {
  kUnordered = 0,
  kAscending = 1,
  kDescending = 2,
};

/// \brief Edge interpolation of GEOGRAPHY values (Thrift `EdgeInterpolationAlgorithm`).
enum class EdgeInterpolationAlgorithm : int32_t {
  kSpherical = 0,
  kVincenty = 1,
  kThomas = 2,
  kAndoyer = 3,
  kKarney = 4,
};

/// \brief Unit of TIME and TIMESTAMP (Thrift union `TimeUnit`, by member field id).
enum class TimeUnit : int16_t {
  kMillis = 1,
  kMicros = 2,
  kNanos = 3,
};

/// \brief Return the spec name of a value, e.g. "RLE_DICTIONARY", or "Encoding(42)"
/// for a value without one.
QUIRE_EXPORT std::string ToString(Type value);
QUIRE_EXPORT std::string ToString(ConvertedType value);
QUIRE_EXPORT std::string ToString(FieldRepetitionType value);
QUIRE_EXPORT std::string ToString(Encoding value);
QUIRE_EXPORT std::string ToString(CompressionCodec value);
QUIRE_EXPORT std::string ToString(PageType value);
QUIRE_EXPORT std::string ToString(BoundaryOrder value);
QUIRE_EXPORT std::string ToString(EdgeInterpolationAlgorithm value);
QUIRE_EXPORT std::string ToString(TimeUnit value);

// ---------------------------------------------------------------------------
// Statistics

/// \brief Column chunk or page statistics (Thrift `Statistics`); all optional.
///
/// min_value/max_value are ordered by the column's ColumnOrder; the deprecated
/// min/max by signed comparison. Values are PLAIN-encoded without length prefix.
struct Statistics {
  std::optional<std::string> max;  ///< Deprecated.
  std::optional<std::string> min;  ///< Deprecated.
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;  ///< FLOAT, DOUBLE and FLOAT16 only.

  bool operator==(const Statistics&) const = default;
};

/// \brief Sizes and level histograms for memory estimates (Thrift `SizeStatistics`).
struct SizeStatistics {
  std::optional<int64_t> unencoded_byte_array_data_bytes;
  std::optional<std::vector<int64_t>> repetition_level_histogram;
  std::optional<std::vector<int64_t>> definition_level_histogram;

  bool operator==(const SizeStatistics&) const = default;
};

/// \brief Bounding box of GEOMETRY/GEOGRAPHY values (Thrift `BoundingBox`).
struct BoundingBox {
  double xmin = 0;
  double xmax = 0;
  double ymin = 0;
  double ymax = 0;
  std::optional<double> zmin;
  std::optional<double> zmax;
  std::optional<double> mmin;
  std::optional<double> mmax;

  /// \brief Compare bit patterns, so that NaN bounds compare equal to themselves.
  QUIRE_EXPORT bool operator==(const BoundingBox& other) const;
};

/// \brief Statistics of GEOMETRY/GEOGRAPHY columns (Thrift `GeospatialStatistics`).
struct GeospatialStatistics {
  std::optional<BoundingBox> bbox;
  std::optional<std::vector<int32_t>> geospatial_types;  ///< WKB type codes.

  bool operator==(const GeospatialStatistics&) const = default;
};

/// \brief Number of pages of one type and encoding (Thrift `PageEncodingStats`).
struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;

  bool operator==(const PageEncodingStats&) const = default;
};

// ---------------------------------------------------------------------------
// Schema

/// \brief Logical type annotation (Thrift union `LogicalType`), flattened: `kind` says
/// which member is set and which of the other fields mean something.
///
/// `kind` is the member's Thrift field id. Ids without a Kind name (members added
/// to the format after this code, or 0 for an empty union) are kept: readers must
/// then ignore the annotation and use the physical type.
struct LogicalType {
  enum class Kind : int16_t {
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,  ///< scale, precision
    kDate = 6,
    kTime = 7,       ///< is_adjusted_to_utc, unit
    kTimestamp = 8,  ///< is_adjusted_to_utc, unit
    kInteger = 10,   ///< bit_width, is_signed
    kNull = 11,      ///< Thrift `UNKNOWN` (NullType): the column is always null.
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    kVariant = 16,    ///< specification_version
    kGeometry = 17,   ///< crs
    kGeography = 18,  ///< crs, algorithm
    kVector = 19,
  };

  Kind kind = Kind::kString;
  int32_t scale = 0;
  int32_t precision = 0;
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kMillis;
  int8_t bit_width = 0;
  bool is_signed = false;
  std::optional<int8_t> specification_version;
  std::optional<std::string> crs;
  std::optional<EdgeInterpolationAlgorithm> algorithm;

  /// \brief Return whether `kind` is a member this code knows.
  QUIRE_EXPORT bool is_recognized() const;

  bool operator==(const LogicalType&) const = default;
};

/// \brief Render e.g. "DECIMAL(precision=9, scale=2)" or "LogicalType(20)".
QUIRE_EXPORT std::string ToString(const LogicalType& value);

/// \brief One node of the depth-first flattened schema tree (Thrift `SchemaElement`).
struct SchemaElement {
  std::optional<Type> type;  ///< Set for leaves only.
  std::optional<int32_t> type_length;
  std::optional<FieldRepetitionType> repetition_type;  ///< Absent on the root.
  std::string name;
  std::optional<int32_t> num_children;  ///< Set for groups only; checked by the schema.
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;
  std::optional<int32_t> vector_length;

  bool operator==(const SchemaElement&) const = default;
};

// ---------------------------------------------------------------------------
// Pages

/// \brief Header of a v1 data page (Thrift `DataPageHeader`).
struct DataPageHeader {
  int32_t num_values = 0;  ///< Including nulls.
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeader&) const = default;
};

/// \brief Header of an index page (Thrift `IndexPageHeader`, empty in the format).
struct IndexPageHeader {
  bool operator==(const IndexPageHeader&) const = default;
};

/// \brief Header of a dictionary page (Thrift `DictionaryPageHeader`).
struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;

  bool operator==(const DictionaryPageHeader&) const = default;
};

/// \brief Header of a v2 data page (Thrift `DataPageHeaderV2`); levels come first,
/// uncompressed, then the (possibly compressed) values.
struct DataPageHeaderV2 {
  int32_t num_values = 0;  ///< Including nulls.
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  std::optional<bool> is_compressed;  ///< Absent means true.
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeaderV2&) const = default;
};

/// \brief Header in front of every page (Thrift `PageHeader`).
struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;  ///< Excluding this header.
  int32_t compressed_page_size = 0;    ///< Excluding this header.
  std::optional<int32_t> crc;          ///< CRC-32 of the page bytes after the header.
  std::optional<DataPageHeader> data_page_header;
  std::optional<IndexPageHeader> index_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;

  bool operator==(const PageHeader&) const = default;
};

// ---------------------------------------------------------------------------
// Column chunks, row groups, file

/// \brief A key/value pair (Thrift `KeyValue`).
struct KeyValue {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const KeyValue&) const = default;
};

/// \brief Sort order of one column within a row group (Thrift `SortingColumn`).
struct SortingColumn {
  int32_t column_idx = 0;  ///< Leaf column ordinal.
  bool descending = false;
  bool nulls_first = false;

  bool operator==(const SortingColumn&) const = default;
};

/// \brief Metadata of one column chunk (Thrift `ColumnMetaData`).
struct ColumnMetaData {
  Type type = Type::kBoolean;
  std::vector<Encoding> encodings;  ///< May hold encodings this code does not know.
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  ///< Including page headers.
  int64_t total_compressed_size = 0;    ///< Including page headers.
  std::optional<std::vector<KeyValue>> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::optional<std::vector<PageEncodingStats>> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;  ///< Including the BloomFilterHeader.
  std::optional<SizeStatistics> size_statistics;
  std::optional<GeospatialStatistics> geospatial_statistics;

  bool operator==(const ColumnMetaData&) const = default;
};

/// \brief How a column chunk is encrypted (Thrift union `ColumnCryptoMetaData`).
struct ColumnCryptoMetaData {
  enum class Kind : int16_t {
    kEncryptionWithFooterKey = 1,
    kEncryptionWithColumnKey = 2,  ///< path_in_schema, key_metadata
  };
  Kind kind = Kind::kEncryptionWithFooterKey;
  std::vector<std::string> path_in_schema;
  std::optional<std::string> key_metadata;

  bool operator==(const ColumnCryptoMetaData&) const = default;
};

/// \brief One column of one row group (Thrift `ColumnChunk`).
struct ColumnChunk {
  std::optional<std::string> file_path;  ///< Summary files only.
  int64_t file_offset = 0;               ///< Deprecated; absent on the wire reads as 0.
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
  std::optional<ColumnCryptoMetaData> crypto_metadata;  ///< Set: the column is encrypted.
  std::optional<std::string> encrypted_column_metadata;

  bool operator==(const ColumnChunk&) const = default;
};

/// \brief One row group (Thrift `RowGroup`).
struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<std::vector<SortingColumn>> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;

  bool operator==(const RowGroup&) const = default;
};

/// \brief Order of a column's min/max statistics (Thrift union `ColumnOrder`).
///
/// An unrecognized kind means the column's min/max statistics must be ignored.
struct ColumnOrder {
  enum class Kind : int16_t {
    kTypeDefinedOrder = 1,
    kIeee754TotalOrder = 2,
    kInt96TimestampOrder = 3,
  };
  Kind kind = Kind::kTypeDefinedOrder;

  bool operator==(const ColumnOrder&) const = default;
};

/// \brief Encryption algorithm of a file (Thrift union `EncryptionAlgorithm`; both
/// members, AesGcmV1 and AesGcmCtrV1, have the same fields).
struct EncryptionAlgorithm {
  enum class Kind : int16_t {
    kAesGcmV1 = 1,
    kAesGcmCtrV1 = 2,
  };
  Kind kind = Kind::kAesGcmV1;
  std::optional<std::string> aad_prefix;
  std::optional<std::string> aad_file_unique;
  std::optional<bool> supply_aad_prefix;

  bool operator==(const EncryptionAlgorithm&) const = default;
};

/// \brief The footer (Thrift `FileMetaData`).
struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  ///< Depth first; the root first.
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::optional<std::vector<KeyValue>> key_value_metadata;
  std::optional<std::string> created_by;
  std::optional<std::vector<ColumnOrder>> column_orders;  ///< One per leaf column.
  /// Set only in encrypted files with a plaintext footer.
  std::optional<EncryptionAlgorithm> encryption_algorithm;
  std::optional<std::string> footer_signing_key_metadata;

  bool operator==(const FileMetaData&) const = default;
};

/// \brief Crypto metadata in front of an encrypted footer (Thrift `FileCryptoMetaData`).
struct FileCryptoMetaData {
  EncryptionAlgorithm encryption_algorithm;
  std::optional<std::string> key_metadata;

  bool operator==(const FileCryptoMetaData&) const = default;
};

// ---------------------------------------------------------------------------
// Page index and bloom filters

/// \brief Location of one data page (Thrift `PageLocation`).
struct PageLocation {
  int64_t offset = 0;
  int32_t compressed_page_size = 0;  ///< Including the page header.
  int64_t first_row_index = 0;

  bool operator==(const PageLocation&) const = default;
};

/// \brief Where the data pages of a column chunk are (Thrift `OffsetIndex`).
struct OffsetIndex {
  std::vector<PageLocation> page_locations;
  std::optional<std::vector<int64_t>> unencoded_byte_array_data_bytes;

  bool operator==(const OffsetIndex&) const = default;
};

/// \brief Per-page statistics of a column chunk (Thrift `ColumnIndex`).
///
/// ParseColumnIndex() checks that null_pages, min_values, max_values and, when
/// present, null_counts and nan_counts have one entry per page.
struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::optional<std::vector<int64_t>> null_counts;
  std::optional<std::vector<int64_t>> repetition_level_histograms;
  std::optional<std::vector<int64_t>> definition_level_histograms;
  std::optional<std::vector<int64_t>> nan_counts;

  bool operator==(const ColumnIndex&) const = default;
};

/// \brief Bloom filter algorithm (Thrift union `BloomFilterAlgorithm`, by member id).
enum class BloomFilterAlgorithm : int16_t { kBlock = 1 };
/// \brief Bloom filter hash (Thrift union `BloomFilterHash`, by member id).
enum class BloomFilterHash : int16_t { kXxHash = 1 };
/// \brief Bloom filter compression (Thrift union `BloomFilterCompression`, by member id).
enum class BloomFilterCompression : int16_t { kUncompressed = 1 };

/// \brief Header in front of a bloom filter's bitset (Thrift `BloomFilterHeader`).
struct BloomFilterHeader {
  int32_t num_bytes = 0;  ///< Size of the bitset that follows.
  BloomFilterAlgorithm algorithm = BloomFilterAlgorithm::kBlock;
  BloomFilterHash hash = BloomFilterHash::kXxHash;
  BloomFilterCompression compression = BloomFilterCompression::kUncompressed;

  bool operator==(const BloomFilterHeader&) const = default;
};

// ---------------------------------------------------------------------------
// Parsing. Errors are kCorrupt and name the struct and field ("ColumnChunk.meta_data:
// ColumnMetaData: required field num_values (5) is missing") and the byte offset of
// wire-format problems. Counts are bounded by the bytes left (CompactReader), so no
// input makes these allocate more than a small multiple of its own size.

/// \brief Parse a FileMetaData from the footer bytes; trailing bytes are ignored (a
/// plaintext footer of an encrypted file is followed by its signature).
QUIRE_EXPORT Result<FileMetaData> ParseFileMetaData(std::span<const uint8_t> data);

/// \brief Parse the FileCryptoMetaData at the start of an encrypted ("PARE") footer.
/// \param[out] length if not null, set to the bytes it took.
QUIRE_EXPORT Result<FileCryptoMetaData> ParseFileCryptoMetaData(
    std::span<const uint8_t> data, int64_t* length = nullptr);

/// \brief Parse the page header at the start of `data`, which may go on with the page.
///
/// Also checks what the page reader relies on: sizes, value, null and row counts are
/// not negative, a v2 page's levels fit in its compressed size, and a data,
/// dictionary or v2 page has its type's header.
/// \param[out] header_length set to the bytes the header took (must not be null).
QUIRE_EXPORT Result<PageHeader> ParsePageHeader(std::span<const uint8_t> data,
                                                int64_t* header_length);

/// \brief Parse a ColumnIndex; trailing bytes are ignored.
QUIRE_EXPORT Result<ColumnIndex> ParseColumnIndex(std::span<const uint8_t> data);

/// \brief Parse an OffsetIndex; trailing bytes are ignored.
QUIRE_EXPORT Result<OffsetIndex> ParseOffsetIndex(std::span<const uint8_t> data);

/// \brief Parse the header in front of a bloom filter bitset; checks num_bytes >= 0.
/// \param[out] header_length set to the bytes the header took (must not be null).
QUIRE_EXPORT Result<BloomFilterHeader> ParseBloomFilterHeader(
    std::span<const uint8_t> data, int64_t* header_length);

/// \brief Read one struct value of each type from `reader`, checking required fields
/// only (the Parse...() functions above add their semantic checks).
QUIRE_EXPORT Status Parse(CompactReader& reader, Statistics* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, SizeStatistics* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, BoundingBox* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, GeospatialStatistics* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, PageEncodingStats* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, LogicalType* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, SchemaElement* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, DataPageHeader* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, IndexPageHeader* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, DictionaryPageHeader* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, DataPageHeaderV2* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, PageHeader* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, KeyValue* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, SortingColumn* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, ColumnMetaData* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, ColumnCryptoMetaData* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, ColumnChunk* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, RowGroup* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, ColumnOrder* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, EncryptionAlgorithm* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, FileMetaData* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, FileCryptoMetaData* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, PageLocation* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, OffsetIndex* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, ColumnIndex* out);
QUIRE_EXPORT Status Parse(CompactReader& reader, BloomFilterHeader* out);

// ---------------------------------------------------------------------------
// Serialization. Fields are written in field-id order, optional ones only when set,
// as the Thrift libraries write them, so parse-then-serialize of what they wrote
// usually gives the same bytes (not always: unknown fields are dropped).

/// \brief Append one struct value of each type to `writer`.
QUIRE_EXPORT void Serialize(const Statistics& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const SizeStatistics& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const BoundingBox& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const GeospatialStatistics& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const PageEncodingStats& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const LogicalType& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const SchemaElement& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const DataPageHeader& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const IndexPageHeader& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const DictionaryPageHeader& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const DataPageHeaderV2& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const PageHeader& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const KeyValue& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const SortingColumn& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const ColumnMetaData& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const ColumnCryptoMetaData& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const ColumnChunk& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const RowGroup& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const ColumnOrder& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const EncryptionAlgorithm& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const FileMetaData& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const FileCryptoMetaData& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const PageLocation& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const OffsetIndex& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const ColumnIndex& value, CompactWriter& writer);
QUIRE_EXPORT void Serialize(const BloomFilterHeader& value, CompactWriter& writer);

/// \brief Return the compact-protocol bytes of a value, ready to write to a file.
QUIRE_EXPORT std::string SerializeFileMetaData(const FileMetaData& value);
QUIRE_EXPORT std::string SerializeFileCryptoMetaData(const FileCryptoMetaData& value);
QUIRE_EXPORT std::string SerializePageHeader(const PageHeader& value);
QUIRE_EXPORT std::string SerializeColumnIndex(const ColumnIndex& value);
QUIRE_EXPORT std::string SerializeOffsetIndex(const OffsetIndex& value);
QUIRE_EXPORT std::string SerializeBloomFilterHeader(const BloomFilterHeader& value);

}  // namespace quire::parquet
