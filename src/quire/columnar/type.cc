/// \file quire/columnar/type.cc
#include "quire/columnar/type.h"

#include <fmt/format.h>

#include "quire/util/macros.h"

namespace quire::columnar {

std::string_view TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return "s";
    case TimeUnit::kMilli: return "ms";
    case TimeUnit::kMicro: return "us";
    case TimeUnit::kNano: return "ns";
  }
  return "?";
}

std::optional<std::string_view> KeyValueMetadata::Get(std::string_view key) const {
  for (const auto& [k, v] : pairs_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

std::string KeyValueMetadata::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (i) out += ", ";
    out += fmt::format("'{}': '{}'", pairs_[i].first, pairs_[i].second);
  }
  return out + "}";
}

namespace {

bool MetadataEquals(const MetadataPtr& a, const MetadataPtr& b) {
  const bool a_empty = !a || a->size() == 0;
  const bool b_empty = !b || b->size() == 0;
  if (a_empty || b_empty) return a_empty == b_empty;
  return a->Equals(*b);
}

bool FieldsEqual(const FieldVector& a, const FieldVector& b, bool check_metadata) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i]->Equals(*b[i], check_metadata)) return false;
  }
  return true;
}

}  // namespace

DataType::DataType(TypeId id, Params params)
    : id_(id),
      precision_(params.precision),
      scale_(params.scale),
      unit_(params.unit),
      timezone_(std::move(params.timezone)),
      list_size_(params.width),
      fields_(std::move(params.fields)),
      index_type_(std::move(params.index_type)),
      value_type_(std::move(params.value_type)),
      flag_(params.flag) {}

TypePtr DataType::Make(TypeId id, Params params) {
  QUIRE_DCHECK(CheckParams(id, params).ok());
  return std::make_shared<const DataType>(id, std::move(params));
}

Status DataType::CheckParams(TypeId id, const Params& p) {
  switch (id) {
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int32_t max_precision = id == TypeId::kDecimal128 ? 38 : 76;
      if (p.precision < 1 || p.precision > max_precision) {
        return Status::Invalid("decimal precision {} is outside [1, {}]", p.precision,
                               max_precision);
      }
      if (p.scale > p.precision || p.scale < -p.precision) {
        return Status::Invalid("decimal scale {} does not fit precision {}", p.scale,
                               p.precision);
      }
      return Status::OK();
    }
    case TypeId::kTime32:
      if (p.unit != TimeUnit::kSecond && p.unit != TimeUnit::kMilli) {
        return Status::Invalid("time32 takes unit s or ms, not {}", TimeUnitName(p.unit));
      }
      return Status::OK();
    case TypeId::kTime64:
      if (p.unit != TimeUnit::kMicro && p.unit != TimeUnit::kNano) {
        return Status::Invalid("time64 takes unit us or ns, not {}", TimeUnitName(p.unit));
      }
      return Status::OK();
    case TypeId::kFixedSizeBinary:
      if (p.width < 0) return Status::Invalid("fixed_size_binary width {} < 0", p.width);
      return Status::OK();
    case TypeId::kFixedSizeList:
      if (p.width < 0) return Status::Invalid("fixed_size_list size {} < 0", p.width);
      [[fallthrough]];
    case TypeId::kList:
    case TypeId::kLargeList:
      if (p.fields.size() != 1 || !p.fields[0] || !p.fields[0]->type()) {
        return Status::Invalid("a list type needs exactly one value field");
      }
      return Status::OK();
    case TypeId::kStruct:
      for (const auto& f : p.fields) {
        if (!f || !f->type()) return Status::Invalid("struct field without a type");
      }
      return Status::OK();
    case TypeId::kMap: {
      if (p.fields.size() != 1 || !p.fields[0] || !p.fields[0]->type()) {
        return Status::Invalid("a map type needs exactly one entries field");
      }
      const DataType& entries = *p.fields[0]->type();
      if (entries.id() != TypeId::kStruct || entries.num_fields() != 2) {
        return Status::Invalid("map entries must be a struct of key and value, not {}",
                               entries.ToString());
      }
      if (entries.field(0)->nullable()) return Status::Invalid("map keys must not be nullable");
      return Status::OK();
    }
    case TypeId::kDictionary:
      if (!p.index_type || !p.index_type->is_integer()) {
        return Status::Invalid("dictionary index type must be an integer, not {}",
                               p.index_type ? p.index_type->ToString() : "none");
      }
      if (!p.value_type) return Status::Invalid("dictionary without a value type");
      return Status::OK();
    default:
      return Status::OK();
  }
}

int32_t DataType::byte_width() const {
  switch (id_) {
    case TypeId::kFixedSizeBinary: return list_size_;
    case TypeId::kDecimal128: return 16;
    case TypeId::kDecimal256: return 32;
    default: return bit_width() / 8;
  }
}

const TypePtr& DataType::value_type() const { return fields_[0]->type(); }
const TypePtr& DataType::key_type() const { return fields_[0]->type()->field(0)->type(); }
const TypePtr& DataType::item_type() const { return fields_[0]->type()->field(1)->type(); }

int DataType::bit_width() const {
  switch (id_) {
    case TypeId::kBool: return 1;
    case TypeId::kInt8:
    case TypeId::kUInt8: return 8;
    case TypeId::kInt16:
    case TypeId::kUInt16:
    case TypeId::kFloat16: return 16;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32:
    case TypeId::kTime32: return 32;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kDate64:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return 64;
    case TypeId::kIntervalMonthDayNano:
    case TypeId::kDecimal128: return 128;
    case TypeId::kDecimal256: return 256;
    case TypeId::kFixedSizeBinary: return list_size_ * 8;
    default: return 0;
  }
}

bool DataType::Equals(const DataType& o, bool check_metadata) const {
  if (this == &o) return true;
  if (id_ != o.id_) return false;
  switch (id_) {
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
      return precision_ == o.precision_ && scale_ == o.scale_;
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return unit_ == o.unit_;
    case TypeId::kTimestamp:
      return unit_ == o.unit_ && timezone_ == o.timezone_;
    case TypeId::kFixedSizeBinary:
      return list_size_ == o.list_size_;
    case TypeId::kFixedSizeList:
      return list_size_ == o.list_size_ && FieldsEqual(fields_, o.fields_, check_metadata);
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kStruct:
      return FieldsEqual(fields_, o.fields_, check_metadata);
    case TypeId::kMap:
      return flag_ == o.flag_ && FieldsEqual(fields_, o.fields_, check_metadata);
    case TypeId::kDictionary:
      return flag_ == o.flag_ && index_type_->Equals(*o.index_type_, check_metadata) &&
             value_type_->Equals(*o.value_type_, check_metadata);
    default:
      return true;
  }
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kNull: return "null";
    case TypeId::kBool: return "bool";
    case TypeId::kInt8: return "int8";
    case TypeId::kInt16: return "int16";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kUInt8: return "uint8";
    case TypeId::kUInt16: return "uint16";
    case TypeId::kUInt32: return "uint32";
    case TypeId::kUInt64: return "uint64";
    case TypeId::kFloat16: return "halffloat";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal128: return fmt::format("decimal128({}, {})", precision_, scale_);
    case TypeId::kDecimal256: return fmt::format("decimal256({}, {})", precision_, scale_);
    case TypeId::kDate32: return "date32[day]";
    case TypeId::kDate64: return "date64[ms]";
    case TypeId::kTime32: return fmt::format("time32[{}]", TimeUnitName(unit_));
    case TypeId::kTime64: return fmt::format("time64[{}]", TimeUnitName(unit_));
    case TypeId::kTimestamp:
      if (timezone_.empty()) return fmt::format("timestamp[{}]", TimeUnitName(unit_));
      return fmt::format("timestamp[{}, tz={}]", TimeUnitName(unit_), timezone_);
    case TypeId::kDuration: return fmt::format("duration[{}]", TimeUnitName(unit_));
    case TypeId::kIntervalMonthDayNano: return "month_day_nano_interval";
    case TypeId::kBinary: return "binary";
    case TypeId::kString: return "string";
    case TypeId::kLargeBinary: return "large_binary";
    case TypeId::kLargeString: return "large_string";
    case TypeId::kBinaryView: return "binary_view";
    case TypeId::kStringView: return "string_view";
    case TypeId::kFixedSizeBinary: return fmt::format("fixed_size_binary[{}]", list_size_);
    case TypeId::kList: return fmt::format("list<{}>", fields_[0]->ToString());
    case TypeId::kLargeList: return fmt::format("large_list<{}>", fields_[0]->ToString());
    case TypeId::kFixedSizeList:
      return fmt::format("fixed_size_list<{}>[{}]", fields_[0]->ToString(), list_size_);
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i) out += ", ";
        out += fields_[i]->ToString();
      }
      return out + ">";
    }
    case TypeId::kMap:
      return fmt::format("map<{}, {}{}>", key_type()->ToString(), item_type()->ToString(),
                         flag_ ? ", keys_sorted" : "");
    case TypeId::kDictionary:
      return fmt::format("dictionary<values={}, indices={}, ordered={}>",
                         value_type_->ToString(), index_type_->ToString(), int(flag_));
  }
  return "unknown";
}

FieldPtr Field::WithName(std::string name) const {
  return std::make_shared<const Field>(std::move(name), type_, nullable_, metadata_);
}
FieldPtr Field::WithType(TypePtr type) const {
  return std::make_shared<const Field>(name_, std::move(type), nullable_, metadata_);
}
FieldPtr Field::WithNullable(bool nullable) const {
  return std::make_shared<const Field>(name_, type_, nullable, metadata_);
}
FieldPtr Field::WithMetadata(MetadataPtr metadata) const {
  return std::make_shared<const Field>(name_, type_, nullable_, std::move(metadata));
}

bool Field::Equals(const Field& o, bool check_metadata) const {
  if (this == &o) return true;
  if (name_ != o.name_ || nullable_ != o.nullable_) return false;
  if (!type_->Equals(*o.type_, check_metadata)) return false;
  return !check_metadata || MetadataEquals(metadata_, o.metadata_);
}

std::string Field::ToString() const {
  return fmt::format("{}: {}{}", name_, type_->ToString(), nullable_ ? "" : " not null");
}

FieldPtr field(std::string name, TypePtr type, bool nullable, MetadataPtr metadata) {
  return std::make_shared<const Field>(std::move(name), std::move(type), nullable,
                                       std::move(metadata));
}

int Schema::GetFieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i]->name() == name) return int(i);
  }
  return -1;
}

Result<FieldPtr> Schema::GetField(std::string_view name) const {
  const int i = GetFieldIndex(name);
  if (i >= 0) return fields_[size_t(i)];
  std::string known;
  for (const auto& f : fields_) known += (known.empty() ? "" : ", ") + f->name();
  return Status::NotFound("no column named '{}' (columns: {})", name, known);
}

SchemaPtr Schema::WithMetadata(MetadataPtr metadata) const {
  return std::make_shared<const Schema>(fields_, std::move(metadata));
}

bool Schema::Equals(const Schema& o, bool check_metadata) const {
  if (this == &o) return true;
  if (!FieldsEqual(fields_, o.fields_, check_metadata)) return false;
  return !check_metadata || MetadataEquals(metadata_, o.metadata_);
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out += "\n";
    out += fields_[i]->ToString();
  }
  return out;
}

SchemaPtr schema(FieldVector fields, MetadataPtr metadata) {
  return std::make_shared<const Schema>(std::move(fields), std::move(metadata));
}

namespace {
TypePtr Simple(TypeId id) { return DataType::Make(id); }
}  // namespace

#define QUIRE_SINGLETON_TYPE(name, Id)            \
  TypePtr name() {                                \
    static const TypePtr kType = Simple(TypeId::Id); \
    return kType;                                 \
  }
QUIRE_SINGLETON_TYPE(null, kNull)
QUIRE_SINGLETON_TYPE(boolean, kBool)
QUIRE_SINGLETON_TYPE(int8, kInt8)
QUIRE_SINGLETON_TYPE(int16, kInt16)
QUIRE_SINGLETON_TYPE(int32, kInt32)
QUIRE_SINGLETON_TYPE(int64, kInt64)
QUIRE_SINGLETON_TYPE(uint8, kUInt8)
QUIRE_SINGLETON_TYPE(uint16, kUInt16)
QUIRE_SINGLETON_TYPE(uint32, kUInt32)
QUIRE_SINGLETON_TYPE(uint64, kUInt64)
QUIRE_SINGLETON_TYPE(float16, kFloat16)
QUIRE_SINGLETON_TYPE(float32, kFloat32)
QUIRE_SINGLETON_TYPE(float64, kFloat64)
QUIRE_SINGLETON_TYPE(date32, kDate32)
QUIRE_SINGLETON_TYPE(date64, kDate64)
QUIRE_SINGLETON_TYPE(interval_month_day_nano, kIntervalMonthDayNano)
QUIRE_SINGLETON_TYPE(binary, kBinary)
QUIRE_SINGLETON_TYPE(utf8, kString)
QUIRE_SINGLETON_TYPE(large_binary, kLargeBinary)
QUIRE_SINGLETON_TYPE(large_utf8, kLargeString)
QUIRE_SINGLETON_TYPE(binary_view, kBinaryView)
QUIRE_SINGLETON_TYPE(utf8_view, kStringView)
#undef QUIRE_SINGLETON_TYPE

TypePtr decimal128(int32_t precision, int32_t scale) {
  return DataType::Make(TypeId::kDecimal128, {.precision = precision, .scale = scale});
}
TypePtr decimal256(int32_t precision, int32_t scale) {
  return DataType::Make(TypeId::kDecimal256, {.precision = precision, .scale = scale});
}
TypePtr time32(TimeUnit unit) { return DataType::Make(TypeId::kTime32, {.unit = unit}); }
TypePtr time64(TimeUnit unit) { return DataType::Make(TypeId::kTime64, {.unit = unit}); }
TypePtr timestamp(TimeUnit unit, std::string timezone) {
  return DataType::Make(TypeId::kTimestamp, {.unit = unit, .timezone = std::move(timezone)});
}
TypePtr duration(TimeUnit unit) { return DataType::Make(TypeId::kDuration, {.unit = unit}); }
TypePtr fixed_size_binary(int32_t byte_width) {
  return DataType::Make(TypeId::kFixedSizeBinary, {.width = byte_width});
}
TypePtr list(FieldPtr value_field) {
  return DataType::Make(TypeId::kList, {.fields = {std::move(value_field)}});
}
TypePtr list(TypePtr value_type) { return list(field("item", std::move(value_type))); }
TypePtr large_list(FieldPtr value_field) {
  return DataType::Make(TypeId::kLargeList, {.fields = {std::move(value_field)}});
}
TypePtr large_list(TypePtr value_type) {
  return large_list(field("item", std::move(value_type)));
}
TypePtr fixed_size_list(FieldPtr value_field, int32_t list_size) {
  return DataType::Make(TypeId::kFixedSizeList,
                        {.width = list_size, .fields = {std::move(value_field)}});
}
TypePtr fixed_size_list(TypePtr value_type, int32_t list_size) {
  return fixed_size_list(field("item", std::move(value_type)), list_size);
}
TypePtr struct_(FieldVector fields) {
  return DataType::Make(TypeId::kStruct, {.fields = std::move(fields)});
}
TypePtr map(TypePtr key_type, TypePtr item_type, bool keys_sorted) {
  auto entries = struct_({field("key", std::move(key_type), /*nullable=*/false),
                          field("value", std::move(item_type))});
  return map(field("entries", std::move(entries), /*nullable=*/false), keys_sorted);
}
TypePtr map(FieldPtr entries, bool keys_sorted) {
  return DataType::Make(TypeId::kMap, {.fields = {std::move(entries)}, .flag = keys_sorted});
}
TypePtr dictionary(TypePtr index_type, TypePtr value_type, bool ordered) {
  return DataType::Make(TypeId::kDictionary, {.index_type = std::move(index_type),
                                              .value_type = std::move(value_type),
                                              .flag = ordered});
}

TypePtr TypeFromId(TypeId id) {
  switch (id) {
    case TypeId::kInt8: return int8();
    case TypeId::kInt16: return int16();
    case TypeId::kInt32: return int32();
    case TypeId::kInt64: return int64();
    case TypeId::kUInt8: return uint8();
    case TypeId::kUInt16: return uint16();
    case TypeId::kUInt32: return uint32();
    case TypeId::kUInt64: return uint64();
    default: return nullptr;
  }
}

}  // namespace quire::columnar
