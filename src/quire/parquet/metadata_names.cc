/// \file quire/parquet/metadata_names.cc
/// \brief Spec names of the metadata enums and logical types, for messages.
#include <fmt/format.h>

#include <initializer_list>
#include <string>

#include "quire/parquet/metadata.h"

namespace quire::parquet {

namespace {

template <typename E>
std::string EnumName(E value, std::initializer_list<const char*> names,
                     const char* type_name) {
  const auto index = static_cast<int64_t>(value);
  if (index >= 0 && index < static_cast<int64_t>(names.size()) &&
      names.begin()[index] != nullptr) {
    return names.begin()[index];
  }
  return fmt::format("{}({})", type_name, index);
}

}  // namespace

std::string ToString(Type value) {
  return EnumName(value,
                  {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
                   "FIXED_LEN_BYTE_ARRAY"},
                  "Type");
}

std::string ToString(ConvertedType value) {
  return EnumName(value,
                  {"UTF8",
                   "MAP",
                   "MAP_KEY_VALUE",
                   "LIST",
                   "ENUM",
                   "DECIMAL",
                   "DATE",
                   "TIME_MILLIS",
                   "TIME_MICROS",
                   "TIMESTAMP_MILLIS",
                   "TIMESTAMP_MICROS",
                   "UINT_8",
                   "UINT_16",
                   "UINT_32",
                   "UINT_64",
                   "INT_8",
                   "INT_16",
                   "INT_32",
                   "INT_64",
                   "JSON",
                   "BSON",
                   "INTERVAL"},
                  "ConvertedType");
}

std::string ToString(FieldRepetitionType value) {
  return EnumName(value, {"REQUIRED", "OPTIONAL", "REPEATED", "VECTOR"},
                  "FieldRepetitionType");
}

std::string ToString(Encoding value) {
  return EnumName(value,
                  {"PLAIN", nullptr, "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
                   "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
                   "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"},
                  "Encoding");
}

std::string ToString(CompressionCodec value) {
  return EnumName(
      value,
      {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"},
      "CompressionCodec");
}

std::string ToString(PageType value) {
  return EnumName(value, {"DATA_PAGE", "INDEX_PAGE", "DICTIONARY_PAGE", "DATA_PAGE_V2"},
                  "PageType");
}

std::string ToString(BoundaryOrder value) {
  return EnumName(value, {"UNORDERED", "ASCENDING", "DESCENDING"}, "BoundaryOrder");
}

std::string ToString(EdgeInterpolationAlgorithm value) {
  return EnumName(value, {"SPHERICAL", "VINCENTY", "THOMAS", "ANDOYER", "KARNEY"},
                  "EdgeInterpolationAlgorithm");
}

std::string ToString(TimeUnit value) {
  return EnumName(value, {nullptr, "MILLIS", "MICROS", "NANOS"}, "TimeUnit");
}

std::string ToString(const LogicalType& value) {
  using Kind = LogicalType::Kind;
  switch (value.kind) {
    case Kind::kString: return "STRING";
    case Kind::kMap: return "MAP";
    case Kind::kList: return "LIST";
    case Kind::kEnum: return "ENUM";
    case Kind::kDecimal:
      return fmt::format("DECIMAL(precision={}, scale={})", value.precision, value.scale);
    case Kind::kDate: return "DATE";
    case Kind::kTime:
    case Kind::kTimestamp:
      return fmt::format("{}(isAdjustedToUTC={}, unit={})",
                         value.kind == Kind::kTime ? "TIME" : "TIMESTAMP",
                         value.is_adjusted_to_utc, ToString(value.unit));
    case Kind::kInteger:
      return fmt::format("INTEGER(bitWidth={}, isSigned={})", value.bit_width,
                         value.is_signed);
    case Kind::kNull: return "UNKNOWN";
    case Kind::kJson: return "JSON";
    case Kind::kBson: return "BSON";
    case Kind::kUuid: return "UUID";
    case Kind::kFloat16: return "FLOAT16";
    case Kind::kVariant:
      return value.specification_version
                 ? fmt::format("VARIANT(specification_version={})",
                               *value.specification_version)
                 : std::string("VARIANT");
    case Kind::kGeometry:
      return value.crs ? fmt::format("GEOMETRY(crs={})", *value.crs) : "GEOMETRY";
    case Kind::kGeography:
      return fmt::format(
          "GEOGRAPHY(crs={}, algorithm={})", value.crs.value_or("OGC:CRS84"),
          ToString(value.algorithm.value_or(EdgeInterpolationAlgorithm::kSpherical)));
    case Kind::kVector: return "VECTOR";
  }
  return fmt::format("LogicalType({})", static_cast<int>(value.kind));
}

}  // namespace quire::parquet
