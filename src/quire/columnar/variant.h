#pragma once

/// \file quire/columnar/variant.h
/// \brief The Variant binary encoding (parquet-format VariantEncoding.md): reading,
/// validating, building and rendering semi-structured values.
///
/// A Variant is two byte strings: the metadata (a dictionary of object keys) and
/// the value (a self-describing tree of primitives, arrays and objects whose keys
/// are ids into that dictionary). In Arrow a Variant column is a struct
/// `<metadata: binary, value: binary>` whose field carries the canonical extension
/// name `arrow.parquet.variant` (kVariantExtensionName).
///
/// VariantMetadata::Make and VariantValue::Make check everything a reader relies on
/// (sizes, offsets, key ids, UTF-8 strings and keys, sorted unique object keys,
/// nesting depth), so the accessors of a value made by them never read out of
/// bounds. The views borrow the bytes they were made from.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Extension name of Variant columns (Arrow canonical extension types).
inline constexpr std::string_view kVariantExtensionName = "arrow.parquet.variant";

/// \brief Deepest nesting of arrays and objects accepted in one value.
inline constexpr int kMaxVariantDepth = 128;

/// \brief The logical kinds of Variant values (the primitive type ids of the
/// specification, with short strings folded into kString, then array and object).
enum class VariantType : uint8_t {
  kNull = 0,
  kBooleanTrue = 1,
  kBooleanFalse = 2,
  kInt8 = 3,
  kInt16 = 4,
  kInt32 = 5,
  kInt64 = 6,
  kDouble = 7,
  kDecimal4 = 8,
  kDecimal8 = 9,
  kDecimal16 = 10,
  kDate = 11,
  kTimestampMicros = 12,     ///< adjusted to UTC
  kTimestampNtzMicros = 13,  ///< no time zone
  kFloat = 14,
  kBinary = 15,
  kString = 16,
  kTimeNtzMicros = 17,
  kTimestampNanos = 18,
  kTimestampNtzNanos = 19,
  kUuid = 20,
  kObject = 64,
  kArray = 65,
};

/// \brief Return the specification's name of `type` ("int8", "timestamp_ntz_nanos").
QUIRE_EXPORT std::string_view VariantTypeName(VariantType type);

/// \brief A validated metadata dictionary (a view of its bytes).
class QUIRE_EXPORT VariantMetadata {
 public:
  VariantMetadata() = default;

  /// \brief Parse and check the metadata at the start of `bytes`; trailing bytes are
  /// allowed (size_bytes() tells where the metadata ends).
  /// \return kCorrupt for a wrong version, truncated or decreasing offsets, or keys
  /// that are not UTF-8 (or not sorted and unique when the header says so).
  static Result<VariantMetadata> Make(std::span<const uint8_t> bytes);

  /// \brief Return the number of keys.
  uint32_t size() const { return size_; }
  /// \brief Return key `id`; id < size().
  std::string_view key(uint32_t id) const;
  /// \brief Return the id of `name`, or nullopt when it is not in the dictionary.
  std::optional<uint32_t> Find(std::string_view name) const;
  bool sorted() const { return sorted_; }
  /// \brief Return the bytes the metadata occupies.
  size_t size_bytes() const { return size_bytes_; }
  std::span<const uint8_t> bytes() const { return {data_, size_bytes_}; }

 private:
  const uint8_t* data_ = nullptr;
  const uint8_t* offsets_ = nullptr;
  const uint8_t* strings_ = nullptr;
  uint32_t size_ = 0;
  uint8_t offset_size_ = 1;
  bool sorted_ = false;
  size_t size_bytes_ = 0;
};

/// \brief A validated value (a view of its bytes and of its metadata).
class QUIRE_EXPORT VariantValue {
 public:
  VariantValue() = default;

  /// \brief Parse and check the value at the start of `bytes` against `metadata`,
  /// which must outlive the view. Trailing bytes are allowed at the top level only
  /// when `allow_trailing` (nested values are always exactly delimited).
  /// \return kCorrupt for anything VariantEncoding.md forbids, kUnsupported for
  /// primitive type ids it does not define.
  static Result<VariantValue> Make(const VariantMetadata& metadata,
                                   std::span<const uint8_t> bytes,
                                   bool allow_trailing = false);

  VariantType type() const { return type_; }
  /// \brief Return the bytes of this value, header included.
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const VariantMetadata& metadata() const { return *metadata_; }

  /// Primitive accessors; each requires the matching type().
  bool boolean() const { return type_ == VariantType::kBooleanTrue; }
  /// \brief Return int8..int64, date (days), times and timestamps (ticks).
  int64_t integer() const;
  double float64() const;
  float float32() const;
  /// \brief Return the unscaled integer of a decimal, and its scale.
  __int128 decimal_unscaled() const;
  int32_t decimal_scale() const;
  /// \brief Return the bytes of a string (short or long), binary or uuid (16 bytes,
  /// big-endian as stored).
  std::string_view bytes_value() const;

  /// Arrays and objects.
  uint32_t num_elements() const { return num_elements_; }
  /// \brief Return element `i` of an array or the value of field `i` of an object
  /// (fields in key order).
  VariantValue element(uint32_t i) const;
  /// \brief Return the key id / key of field `i` of an object.
  uint32_t field_id(uint32_t i) const;
  std::string_view field_name(uint32_t i) const { return metadata_->key(field_id(i)); }
  /// \brief Return the value of field `name` of an object, if present.
  std::optional<VariantValue> Field(std::string_view name) const;

 private:
  // Parse the header of the value at `bytes`; with `deep`, check its children too.
  static Status Parse(const VariantMetadata& metadata, std::span<const uint8_t> bytes,
                      int depth, bool deep, VariantValue* out);

  const VariantMetadata* metadata_ = nullptr;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  VariantType type_ = VariantType::kNull;
  // Arrays and objects: element count, widths and where the lists start.
  uint32_t num_elements_ = 0;
  uint8_t id_size_ = 0;
  uint8_t offset_size_ = 0;
  const uint8_t* ids_ = nullptr;
  const uint8_t* offsets_ = nullptr;
  const uint8_t* values_ = nullptr;
};

/// \brief Check that `metadata` and `value` are a whole, valid Variant (no trailing
/// bytes after either).
QUIRE_EXPORT Status ValidateVariant(std::span<const uint8_t> metadata,
                                    std::span<const uint8_t> value);

/// \brief Writes Variant values into a byte string, against a fixed metadata.
///
/// Arrays and objects are opened, filled with values (objects: Key() before each
/// value) and closed; sizes and offsets are chosen at Close. Keys must be ids of the
/// metadata; duplicate keys in one object are an error at EndObject. Not
/// thread-safe.
class QUIRE_EXPORT VariantBuilder {
 public:
  explicit VariantBuilder(const VariantMetadata* metadata) : metadata_(metadata) {}

  void Null();
  void Boolean(bool value);
  /// \brief Append an integer as int8, int16, int32 or int64 (`type`).
  void Integer(VariantType type, int64_t value);
  void Float(float value);
  void Double(double value);
  /// \brief Append a decimal4/8/16 (chosen by `type`) with `scale` in [0, 38].
  void Decimal(VariantType type, __int128 unscaled, int32_t scale);
  /// \brief Append a date (days), time or timestamp (ticks); `type` says which.
  void Temporal(VariantType type, int64_t value);
  /// \brief Append a string (short-string form below 64 bytes).
  void String(std::string_view utf8);
  void Binary(std::string_view bytes);
  /// \brief Append a UUID from its 16 big-endian bytes.
  void Uuid(std::string_view bytes16);
  /// \brief Append an already encoded value (validated by the caller).
  void Encoded(std::span<const uint8_t> value);

  void BeginArray();
  Status EndArray();
  void BeginObject();
  /// \brief Set the key of the next value of the open object.
  void Key(uint32_t id);
  Status EndObject();

  /// \brief Return the encoded value and reset; exactly one value must have been
  /// appended at the top level.
  Result<std::string> Finish();

 private:
  struct Frame {
    bool is_object;
    size_t start;  // where the first child value starts in out_
    std::vector<uint32_t> keys;
    std::vector<size_t> starts;  // child value starts (relative to `start`)
  };
  void BeginValue();
  void AppendLE(uint64_t value, int width);

  const VariantMetadata* metadata_;
  std::string out_;
  std::vector<Frame> stack_;
  int top_values_ = 0;
};

/// \brief Build metadata bytes holding `keys` in the given order (sorted_strings
/// set when they are sorted and unique).
QUIRE_EXPORT std::string MakeVariantMetadata(const std::vector<std::string>& keys);

/// \brief Append the JSON rendering of `value` (the canonical rendering of
/// shared/testdata: objects with keys in key order, decimals as strings, dates,
/// times and timestamps as ISO strings with `Z` for UTC, binary as "0x" hex, UUIDs
/// in 8-4-4-4-12 form).
QUIRE_EXPORT void AppendVariantJson(const VariantValue& value, std::string* out);

/// \brief Return a rendering that keeps the physical type of every primitive
/// ("int8:34", "string:\"a\"", objects by key), for comparing two Variants exactly
/// up to their equivalence classes (short and long strings are both "string").
QUIRE_EXPORT std::string VariantDebugString(const VariantValue& value);

}  // namespace quire::columnar
