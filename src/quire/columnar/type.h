#pragma once

/// \file quire/columnar/type.h
/// \brief Logical data types, fields and schemas (the Arrow type system).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quire/columnar/type_fwd.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Identity of a data type; parameters live in DataType.
enum class TypeId : uint8_t {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat16,
  kFloat32,
  kFloat64,
  kDecimal128,
  kDecimal256,
  kDate32,   ///< days since the UNIX epoch, int32
  kDate64,   ///< milliseconds since the UNIX epoch, int64
  kTime32,   ///< time of day in seconds or milliseconds, int32
  kTime64,   ///< time of day in microseconds or nanoseconds, int64
  kTimestamp,
  kDuration,
  kIntervalMonthDayNano,  ///< {int32 months, int32 days, int64 nanoseconds}
  kBinary,
  kString,
  kLargeBinary,
  kLargeString,
  kBinaryView,
  kStringView,
  kFixedSizeBinary,
  kList,
  kLargeList,
  kFixedSizeList,
  kStruct,
  kMap,
  kDictionary,
};

/// \brief Resolution of time, timestamp and duration types.
enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };

/// \brief Return "s", "ms", "us" or "ns".
QUIRE_EXPORT std::string_view TimeUnitName(TimeUnit unit);

/// \brief Ordered string key/value pairs attached to fields and schemas.
///
/// Immutable once shared. Keys may repeat, as in the Arrow C Data Interface.
class QUIRE_EXPORT KeyValueMetadata {
 public:
  KeyValueMetadata() = default;
  explicit KeyValueMetadata(std::vector<std::pair<std::string, std::string>> pairs)
      : pairs_(std::move(pairs)) {}

  static MetadataPtr Make(std::vector<std::pair<std::string, std::string>> pairs) {
    return std::make_shared<const KeyValueMetadata>(std::move(pairs));
  }

  const std::vector<std::pair<std::string, std::string>>& pairs() const { return pairs_; }
  int64_t size() const { return int64_t(pairs_.size()); }
  /// \brief Return the value of the first pair with `key`, if any.
  std::optional<std::string_view> Get(std::string_view key) const;
  bool Equals(const KeyValueMetadata& other) const { return pairs_ == other.pairs_; }
  std::string ToString() const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

/// \brief Parameters of a DataType; each type reads the ones it has.
struct TypeParams {
  int32_t precision = 0;
  int32_t scale = 0;
  TimeUnit unit = TimeUnit::kSecond;
  std::string timezone;
  int32_t width = 0;  ///< fixed_size_binary byte width or fixed_size_list size
  FieldVector fields;
  TypePtr index_type;
  TypePtr value_type;
  bool flag = false;  ///< map keys_sorted or dictionary ordered
};

/// \brief A data type: an id plus its parameters. Immutable; shared as TypePtr.
///
/// Built through the factory functions below (int32(), timestamp(...), ...).
/// Thread-safe (immutable).
class QUIRE_EXPORT DataType {
 public:
  TypeId id() const { return id_; }

  /// \brief Decimal precision and scale (decimal128/256).
  int32_t precision() const { return precision_; }
  int32_t scale() const { return scale_; }
  /// \brief Unit of time32/time64/timestamp/duration.
  TimeUnit unit() const { return unit_; }
  /// \brief Timezone of a timestamp; empty for a naive (wall-clock) timestamp.
  const std::string& timezone() const { return timezone_; }
  /// \brief Bytes per value of fixed_size_binary (and the decimals: 16 or 32).
  int32_t byte_width() const;
  /// \brief Number of values per list of fixed_size_list.
  int32_t list_size() const { return list_size_; }
  /// \brief Child fields: the value field of list types, the members of a struct,
  /// the "entries" struct field of a map.
  const FieldVector& fields() const { return fields_; }
  int num_fields() const { return int(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[size_t(i)]; }
  /// \brief Value field of list, large_list, fixed_size_list.
  const FieldPtr& value_field() const { return fields_[0]; }
  const TypePtr& value_type() const;
  /// \brief Key and item types of a map.
  const TypePtr& key_type() const;
  const TypePtr& item_type() const;
  bool keys_sorted() const { return flag_; }
  /// \brief Index type of a dictionary (a signed or unsigned integer).
  const TypePtr& index_type() const { return index_type_; }
  /// \brief Value type of a dictionary.
  const TypePtr& dictionary_value_type() const { return value_type_; }
  bool ordered() const { return flag_; }

  /// \brief Bits per value of a fixed-width type (bool: 1); 0 for other layouts.
  int bit_width() const;
  bool is_integer() const { return id_ >= TypeId::kInt8 && id_ <= TypeId::kUInt64; }
  bool is_signed_integer() const { return id_ >= TypeId::kInt8 && id_ <= TypeId::kInt64; }
  bool is_floating() const { return id_ >= TypeId::kFloat16 && id_ <= TypeId::kFloat64; }
  bool is_decimal() const { return id_ == TypeId::kDecimal128 || id_ == TypeId::kDecimal256; }
  /// \brief True for binary, string and their large and view forms.
  bool is_binary_like() const { return id_ >= TypeId::kBinary && id_ <= TypeId::kStringView; }
  /// \brief True for string, large_string and string_view (UTF-8 required).
  bool is_string() const {
    return id_ == TypeId::kString || id_ == TypeId::kLargeString || id_ == TypeId::kStringView;
  }
  bool is_nested() const { return id_ >= TypeId::kList && id_ <= TypeId::kMap; }

  /// \brief Return whether both types are the same, parameters and children included.
  /// \param check_metadata also compare the key-value metadata of child fields.
  bool Equals(const DataType& other, bool check_metadata = false) const;
  bool operator==(const DataType& other) const { return Equals(other); }

  /// \brief Render as e.g. "timestamp[us, tz=UTC]" or "list<item: int32>".
  std::string ToString() const;

  /// \brief Parameters of Make() and CheckParams().
  using Params = TypeParams;

  static TypePtr Make(TypeId id, Params params = {});

  /// \brief Check that the parameters are legal for the id (decimal precision in
  /// range, time units allowed, integer dictionary indices, map entries shape...).
  static Status CheckParams(TypeId id, const Params& params);

  DataType(TypeId id, Params params);

 private:
  TypeId id_;
  int32_t precision_;
  int32_t scale_;
  TimeUnit unit_;
  std::string timezone_;
  int32_t list_size_;  // also the byte width of fixed_size_binary
  FieldVector fields_;
  TypePtr index_type_;
  TypePtr value_type_;
  bool flag_;
};

/// \brief A named, typed, optionally nullable column with key-value metadata.
///
/// Immutable; shared as FieldPtr. Thread-safe.
class QUIRE_EXPORT Field {
 public:
  Field(std::string name, TypePtr type, bool nullable = true, MetadataPtr metadata = nullptr)
      : name_(std::move(name)),
        type_(std::move(type)),
        nullable_(nullable),
        metadata_(std::move(metadata)) {}

  const std::string& name() const { return name_; }
  const TypePtr& type() const { return type_; }
  bool nullable() const { return nullable_; }
  /// \brief Metadata, or nullptr when there is none.
  const MetadataPtr& metadata() const { return metadata_; }

  FieldPtr WithName(std::string name) const;
  FieldPtr WithType(TypePtr type) const;
  FieldPtr WithNullable(bool nullable) const;
  FieldPtr WithMetadata(MetadataPtr metadata) const;

  bool Equals(const Field& other, bool check_metadata = false) const;
  bool operator==(const Field& other) const { return Equals(other); }
  /// \brief Render as "name: type" with " not null" when not nullable.
  std::string ToString() const;

 private:
  std::string name_;
  TypePtr type_;
  bool nullable_;
  MetadataPtr metadata_;
};

/// \brief Make a field.
QUIRE_EXPORT FieldPtr field(std::string name, TypePtr type, bool nullable = true,
                            MetadataPtr metadata = nullptr);

/// \brief An ordered list of fields plus key-value metadata. Immutable; thread-safe.
class QUIRE_EXPORT Schema {
 public:
  explicit Schema(FieldVector fields, MetadataPtr metadata = nullptr)
      : fields_(std::move(fields)), metadata_(std::move(metadata)) {}

  const FieldVector& fields() const { return fields_; }
  int num_fields() const { return int(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[size_t(i)]; }
  const MetadataPtr& metadata() const { return metadata_; }
  /// \brief Return the index of the first field named `name`, or -1.
  int GetFieldIndex(std::string_view name) const;
  /// \brief Return the field named `name`, or kNotFound naming the known fields.
  Result<FieldPtr> GetField(std::string_view name) const;

  SchemaPtr WithMetadata(MetadataPtr metadata) const;

  bool Equals(const Schema& other, bool check_metadata = false) const;
  bool operator==(const Schema& other) const { return Equals(other); }
  /// \brief Render one field per line.
  std::string ToString() const;

 private:
  FieldVector fields_;
  MetadataPtr metadata_;
};

QUIRE_EXPORT SchemaPtr schema(FieldVector fields, MetadataPtr metadata = nullptr);

/// \name Type factories. Parameters are checked with QUIRE_DCHECK; use
/// DataType::CheckParams for parameters from untrusted input.
/// @{
QUIRE_EXPORT TypePtr null();
QUIRE_EXPORT TypePtr boolean();
QUIRE_EXPORT TypePtr int8();
QUIRE_EXPORT TypePtr int16();
QUIRE_EXPORT TypePtr int32();
QUIRE_EXPORT TypePtr int64();
QUIRE_EXPORT TypePtr uint8();
QUIRE_EXPORT TypePtr uint16();
QUIRE_EXPORT TypePtr uint32();
QUIRE_EXPORT TypePtr uint64();
QUIRE_EXPORT TypePtr float16();
QUIRE_EXPORT TypePtr float32();
QUIRE_EXPORT TypePtr float64();
QUIRE_EXPORT TypePtr decimal128(int32_t precision, int32_t scale);
QUIRE_EXPORT TypePtr decimal256(int32_t precision, int32_t scale);
QUIRE_EXPORT TypePtr date32();
QUIRE_EXPORT TypePtr date64();
QUIRE_EXPORT TypePtr time32(TimeUnit unit);
QUIRE_EXPORT TypePtr time64(TimeUnit unit);
QUIRE_EXPORT TypePtr timestamp(TimeUnit unit, std::string timezone = "");
QUIRE_EXPORT TypePtr duration(TimeUnit unit);
QUIRE_EXPORT TypePtr interval_month_day_nano();
QUIRE_EXPORT TypePtr binary();
QUIRE_EXPORT TypePtr utf8();
QUIRE_EXPORT TypePtr large_binary();
QUIRE_EXPORT TypePtr large_utf8();
QUIRE_EXPORT TypePtr binary_view();
QUIRE_EXPORT TypePtr utf8_view();
QUIRE_EXPORT TypePtr fixed_size_binary(int32_t byte_width);
QUIRE_EXPORT TypePtr list(FieldPtr value_field);
QUIRE_EXPORT TypePtr list(TypePtr value_type);  ///< value field "item", nullable
QUIRE_EXPORT TypePtr large_list(FieldPtr value_field);
QUIRE_EXPORT TypePtr large_list(TypePtr value_type);
QUIRE_EXPORT TypePtr fixed_size_list(FieldPtr value_field, int32_t list_size);
QUIRE_EXPORT TypePtr fixed_size_list(TypePtr value_type, int32_t list_size);
QUIRE_EXPORT TypePtr struct_(FieldVector fields);
/// \brief Map of non-null `key_type` to nullable `item_type`, entries named
/// "entries" with children "key" and "value" (Arrow's canonical names).
QUIRE_EXPORT TypePtr map(TypePtr key_type, TypePtr item_type, bool keys_sorted = false);
/// \brief Map from an explicit entries field (a non-null struct of key, value).
QUIRE_EXPORT TypePtr map(FieldPtr entries, bool keys_sorted = false);
QUIRE_EXPORT TypePtr dictionary(TypePtr index_type, TypePtr value_type, bool ordered = false);
/// @}

/// \brief Return the type for a fixed-width integer id, e.g. kInt32 -> int32().
QUIRE_EXPORT TypePtr TypeFromId(TypeId id);

}  // namespace quire::columnar
