/// \file quire/parquet/schema_writer.cc
/// \brief Arrow schema -> Parquet schema elements (LogicalTypes.md), for writers.

#include <cmath>
#include <string>
#include <vector>

#include "quire/columnar/variant.h"
#include "quire/parquet/schema.h"
#include "quire/util/macros.h"

namespace quire::parquet {

namespace {

using columnar::DataType;
using columnar::Field;
using columnar::TypeId;

LogicalType Logical(LogicalType::Kind kind) {
  LogicalType t;
  t.kind = kind;
  return t;
}

LogicalType IntegerLogical(int bits, bool is_signed) {
  LogicalType t = Logical(LogicalType::Kind::kInteger);
  t.bit_width = int8_t(bits);
  t.is_signed = is_signed;
  return t;
}

TimeUnit ParquetUnit(columnar::TimeUnit unit) {
  switch (unit) {
    case columnar::TimeUnit::kSecond:
    case columnar::TimeUnit::kMilli: return TimeUnit::kMillis;
    case columnar::TimeUnit::kMicro: return TimeUnit::kMicros;
    case columnar::TimeUnit::kNano: return TimeUnit::kNanos;
  }
  return TimeUnit::kMicros;
}

bool HasExtension(const Field& field, std::string_view name) {
  if (!field.metadata()) return false;
  auto value = field.metadata()->Get("ARROW:extension:name");
  return value && *value == name;
}

class SchemaWriter {
 public:
  explicit SchemaWriter(std::vector<SchemaElement>* out) : out_(out) {}

  Status AddField(const Field& field, std::optional<FieldRepetitionType> repetition = {}) {
    const FieldRepetitionType rep =
        repetition ? *repetition
                   : (field.nullable() || field.type()->id() == TypeId::kNull
                          ? FieldRepetitionType::kOptional
                          : FieldRepetitionType::kRequired);
    const DataType& type = *field.type();
    const TypeId id = type.id() == TypeId::kDictionary ? type.dictionary_value_type()->id()
                                                      : type.id();
    const DataType& t = type.id() == TypeId::kDictionary ? *type.dictionary_value_type() : type;
    switch (id) {
      case TypeId::kList:
      case TypeId::kLargeList:
      case TypeId::kFixedSizeList: {
        SchemaElement outer = Group(field.name(), rep, 1);
        outer.logical_type = Logical(LogicalType::Kind::kList);
        outer.converted_type = ConvertedType::kList;
        out_->push_back(std::move(outer));
        out_->push_back(Group("list", FieldRepetitionType::kRepeated, 1));
        const Field& element = *t.value_field();
        return AddField(*element.WithName("element"));
      }
      case TypeId::kMap: {
        SchemaElement outer = Group(field.name(), rep, 1);
        outer.logical_type = Logical(LogicalType::Kind::kMap);
        outer.converted_type = ConvertedType::kMap;
        out_->push_back(std::move(outer));
        // The entries struct: key (required) and value.
        const DataType& entries = *t.value_type();
        out_->push_back(Group("key_value", FieldRepetitionType::kRepeated, 2));
        QUIRE_RETURN_NOT_OK(
            AddField(*entries.field(0)->WithName("key"), FieldRepetitionType::kRequired));
        return AddField(*entries.field(1)->WithName("value"));
      }
      case TypeId::kStruct: {
        if (t.num_fields() == 0) {
          return Status::Unsupported(
              "column '{}': a struct without fields has no Parquet form (groups need a "
              "child)",
              field.name());
        }
        SchemaElement group = Group(field.name(), rep, t.num_fields());
        if (HasExtension(field, columnar::kVariantExtensionName)) {
          LogicalType v = Logical(LogicalType::Kind::kVariant);
          v.specification_version = 1;
          group.logical_type = v;
        }
        out_->push_back(std::move(group));
        for (const auto& child : t.fields()) QUIRE_RETURN_NOT_OK(AddField(*child));
        return Status::OK();
      }
      default:
        break;
    }
    QUIRE_ASSIGN_OR_RETURN(SchemaElement leaf, Leaf(field, t, rep));
    out_->push_back(std::move(leaf));
    return Status::OK();
  }

 private:
  static SchemaElement Group(const std::string& name, FieldRepetitionType rep, int children) {
    SchemaElement e;
    e.name = name;
    e.repetition_type = rep;
    e.num_children = children;
    return e;
  }

  static Result<SchemaElement> Leaf(const Field& field, const DataType& t,
                                    FieldRepetitionType rep) {
    SchemaElement e;
    e.name = field.name();
    e.repetition_type = rep;
    auto set = [&](Type physical, std::optional<LogicalType> logical = {},
                   std::optional<ConvertedType> converted = {}) {
      e.type = physical;
      e.logical_type = logical;
      e.converted_type = converted;
    };
    switch (t.id()) {
      case TypeId::kNull: set(Type::kInt32, Logical(LogicalType::Kind::kNull)); break;
      case TypeId::kBool: set(Type::kBoolean); break;
      case TypeId::kInt8: set(Type::kInt32, IntegerLogical(8, true), ConvertedType::kInt8); break;
      case TypeId::kInt16:
        set(Type::kInt32, IntegerLogical(16, true), ConvertedType::kInt16);
        break;
      case TypeId::kInt32: set(Type::kInt32); break;
      case TypeId::kInt64: set(Type::kInt64); break;
      case TypeId::kUInt8:
        set(Type::kInt32, IntegerLogical(8, false), ConvertedType::kUint8);
        break;
      case TypeId::kUInt16:
        set(Type::kInt32, IntegerLogical(16, false), ConvertedType::kUint16);
        break;
      case TypeId::kUInt32:
        set(Type::kInt32, IntegerLogical(32, false), ConvertedType::kUint32);
        break;
      case TypeId::kUInt64:
        set(Type::kInt64, IntegerLogical(64, false), ConvertedType::kUint64);
        break;
      case TypeId::kFloat16:
        set(Type::kFixedLenByteArray, Logical(LogicalType::Kind::kFloat16));
        e.type_length = 2;
        break;
      case TypeId::kFloat32: set(Type::kFloat); break;
      case TypeId::kFloat64: set(Type::kDouble); break;
      case TypeId::kDecimal128:
      case TypeId::kDecimal256: {
        if (t.scale() < 0) {
          return Status::Unsupported(
              "column '{}': {} has a negative scale, which Parquet's DECIMAL cannot hold "
              "(cast to a scale of 0 first)",
              field.name(), t.ToString());
        }
        LogicalType d = Logical(LogicalType::Kind::kDecimal);
        d.precision = t.precision();
        d.scale = t.scale();
        const Type physical = t.precision() <= 9    ? Type::kInt32
                              : t.precision() <= 18 ? Type::kInt64
                                                    : Type::kFixedLenByteArray;
        set(physical, d, ConvertedType::kDecimal);
        e.precision = t.precision();
        e.scale = t.scale();
        if (physical == Type::kFixedLenByteArray) {
          e.type_length = DecimalByteWidth(t.precision());
        }
        break;
      }
      case TypeId::kDate32:
      case TypeId::kDate64:
        set(Type::kInt32, Logical(LogicalType::Kind::kDate), ConvertedType::kDate);
        break;
      case TypeId::kTime32: {
        LogicalType l = Logical(LogicalType::Kind::kTime);
        l.unit = TimeUnit::kMillis;
        // No TIME_MILLIS: the converted types mean "adjusted to UTC" (LogicalTypes.md),
        // and Arrow times are local times of day.
        set(Type::kInt32, l);
        break;
      }
      case TypeId::kTime64: {
        LogicalType l = Logical(LogicalType::Kind::kTime);
        l.unit = ParquetUnit(t.unit());
        set(Type::kInt64, l);
        break;
      }
      case TypeId::kTimestamp: {
        LogicalType l = Logical(LogicalType::Kind::kTimestamp);
        l.unit = ParquetUnit(t.unit());
        l.is_adjusted_to_utc = !t.timezone().empty();
        // LogicalTypes.md: the converted types mean "adjusted to UTC"; local
        // timestamps have none.
        std::optional<ConvertedType> c;
        if (l.is_adjusted_to_utc && l.unit == TimeUnit::kMillis) c = ConvertedType::kTimestampMillis;
        if (l.is_adjusted_to_utc && l.unit == TimeUnit::kMicros) c = ConvertedType::kTimestampMicros;
        set(Type::kInt64, l, c);
        break;
      }
      case TypeId::kDuration: set(Type::kInt64); break;
      case TypeId::kIntervalMonthDayNano:
        set(Type::kFixedLenByteArray, std::nullopt, ConvertedType::kInterval);
        e.type_length = 12;
        break;
      case TypeId::kBinary:
      case TypeId::kLargeBinary:
      case TypeId::kBinaryView: set(Type::kByteArray); break;
      case TypeId::kString:
      case TypeId::kLargeString:
      case TypeId::kStringView:
        set(Type::kByteArray, Logical(LogicalType::Kind::kString), ConvertedType::kUtf8);
        break;
      case TypeId::kFixedSizeBinary:
        set(Type::kFixedLenByteArray);
        e.type_length = t.byte_width();
        if (t.byte_width() == 16 && HasExtension(field, "arrow.uuid")) {
          e.logical_type = Logical(LogicalType::Kind::kUuid);
        }
        break;
      default:
        return Status::Unsupported("column '{}': type {} has no Parquet form", field.name(),
                                   t.ToString());
    }
    return e;
  }

  std::vector<SchemaElement>* out_;
};

}  // namespace

int32_t DecimalByteWidth(int32_t precision) {
  // The fewest bytes whose signed range holds 10^precision - 1.
  int32_t bytes = 1;
  double max = 127;
  const double need = std::pow(10.0, precision) - 1;
  while (max < need && bytes < 32) {
    ++bytes;
    max = std::ldexp(1.0, 8 * bytes - 1) - 1;
  }
  return bytes;
}

Result<std::vector<SchemaElement>> ToParquetSchema(const columnar::Schema& schema) {
  if (schema.num_fields() == 0) {
    return Status::Invalid("a Parquet file needs at least one column");
  }
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_fields();
  out.push_back(std::move(root));
  SchemaWriter writer(&out);
  for (const auto& f : schema.fields()) QUIRE_RETURN_NOT_OK(writer.AddField(*f));
  return out;
}

}  // namespace quire::parquet
