/// \file quire/table/schema.cc
/// \brief Delta schema JSON <-> Arrow, column mapping, type widening, partition
/// values, Hive directories and URIs, and file-to-table adaptation.

#include "quire/table/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include <simdjson.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/json.h"
#include "quire/columnar/temporal.h"
#include "quire/columnar/variant.h"
#include "quire/compute/cast.h"
#include "quire/text/value_parse_internal.h"
#include "quire/util/macros.h"

namespace quire::table {
namespace {

namespace dom = simdjson::dom;
using columnar::Array;
using columnar::ArrayPtr;
using columnar::DataType;
using columnar::Field;
using columnar::FieldPtr;
using columnar::FieldVector;
using columnar::KeyValueMetadata;
using columnar::MetadataPtr;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

constexpr std::string_view kExtensionNameKey = "ARROW:extension:name";

// ---------------------------------------------------------------------------
// Parsing the schemaString

/// Field metadata keys the protocol gives non-string JSON values.
bool IsJsonValuedKey(std::string_view key) {
  return key == kColumnMappingIdKey || key == kNestedIdsKey || key == "delta.typeChanges" ||
         key == "delta.identity.start" || key == "delta.identity.step" ||
         key == "delta.identity.highWaterMark" || key == "delta.identity.allowExplicitInsert" ||
         key == "parquet.field.id" || key == "parquet.field.nested.ids";
}

/// Field metadata keys the protocol gives string values (some hold JSON text).
bool IsStringValuedKey(std::string_view key) {
  return key == kPhysicalNameKey || key == "delta.invariants" ||
         key == "delta.generationExpression" || key == "CURRENT_DEFAULT" ||
         key == "EXISTS_DEFAULT" || key == "comment" || key == "__CHAR_VARCHAR_TYPE_STRING";
}

class SchemaParser {
 public:
  Result<columnar::SchemaPtr> Parse(std::string_view text) {
    dom::element root;
    if (auto error = parser_.parse(text.data(), text.size()).get(root)) {
      return Status::Corrupt("schemaString is not valid JSON: {}", simdjson::error_message(error));
    }
    QUIRE_ASSIGN_OR_RETURN(FieldVector fields, StructFields(root, "<schema>"));
    return columnar::schema(std::move(fields));
  }

 private:
  static std::string Join(std::string_view parent, std::string_view name) {
    if (parent.empty() || parent == "<schema>") return std::string(name);
    return std::string(parent) + "." + std::string(name);
  }

  Result<FieldVector> StructFields(dom::element object, const std::string& path) {
    std::string_view type;
    dom::array fields;
    if (object.is_object() == false || object["type"].get(type) || type != "struct" ||
        object["fields"].get(fields)) {
      return Status::Corrupt("schemaString: {} is not a struct with fields", path);
    }
    FieldVector out;
    for (dom::element f : fields) {
      QUIRE_ASSIGN_OR_RETURN(FieldPtr field, ParseField(f, path));
      out.push_back(std::move(field));
    }
    return out;
  }

  Result<FieldPtr> ParseField(dom::element f, const std::string& parent) {
    std::string_view name;
    if (!f.is_object() || f["name"].get(name)) {
      return Status::Corrupt("schemaString: a field of {} has no name", parent);
    }
    const std::string path = Join(parent, name);
    dom::element type;
    if (f["type"].get(type)) return Status::Corrupt("schemaString: field {} has no type", path);
    bool nullable = true;
    dom::element nullable_element;
    if (!f["nullable"].get(nullable_element) && nullable_element.get(nullable)) {
      return Status::Corrupt("schemaString: nullable of field {} is not a boolean", path);
    }
    QUIRE_ASSIGN_OR_RETURN(MetadataPtr metadata, ParseMetadata(f, path));
    QUIRE_ASSIGN_OR_RETURN(TypePtr arrow_type, ParseType(type, path));
    if (IsVariant(type)) metadata = WithVariantTag(metadata);
    return columnar::field(std::string(name), std::move(arrow_type), nullable,
                           std::move(metadata));
  }

  Result<MetadataPtr> ParseMetadata(dom::element f, const std::string& path) {
    dom::element m;
    if (f["metadata"].get(m)) return MetadataPtr();
    dom::object object;
    if (m.get(object)) {
      return Status::Corrupt("schemaString: metadata of field {} is not an object", path);
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    for (auto [key, value] : object) {
      std::string_view s;
      if (value.get(s) == simdjson::SUCCESS) {
        pairs.emplace_back(std::string(key), std::string(s));
      } else {
        pairs.emplace_back(std::string(key), simdjson::minify(value));
      }
    }
    if (pairs.empty()) return MetadataPtr();
    return KeyValueMetadata::Make(std::move(pairs));
  }

  static bool IsVariant(dom::element type) {
    std::string_view name;
    return type.get(name) == simdjson::SUCCESS && name == "variant";
  }

  static MetadataPtr WithVariantTag(const MetadataPtr& metadata) {
    std::vector<std::pair<std::string, std::string>> pairs;
    if (metadata) pairs = metadata->pairs();
    pairs.emplace_back(std::string(kExtensionNameKey),
                       std::string(columnar::kVariantExtensionName));
    return KeyValueMetadata::Make(std::move(pairs));
  }

  Result<TypePtr> ParseType(dom::element type, const std::string& path) {
    std::string_view name;
    if (type.get(name) == simdjson::SUCCESS) return PrimitiveType(name, path);
    std::string_view kind;
    if (!type.is_object() || type["type"].get(kind)) {
      return Status::Corrupt("schemaString: type of {} is neither a name nor an object", path);
    }
    if (kind == "struct") {
      QUIRE_ASSIGN_OR_RETURN(FieldVector fields, StructFields(type, path));
      return columnar::struct_(std::move(fields));
    }
    if (kind == "array") return ArrayType(type, path);
    if (kind == "map") return MapType(type, path);
    return Status::Unsupported("schemaString: column {} has the unknown type '{}'", path, kind);
  }

  Result<TypePtr> ArrayType(dom::element type, const std::string& path) {
    dom::element element;
    bool contains_null = true;
    if (type["elementType"].get(element) || type["containsNull"].get(contains_null)) {
      return Status::Corrupt("schemaString: array {} lacks elementType or containsNull", path);
    }
    QUIRE_ASSIGN_OR_RETURN(TypePtr element_type, ParseType(element, path + ".element"));
    MetadataPtr metadata = IsVariant(element) ? WithVariantTag(nullptr) : nullptr;
    return columnar::list(
        columnar::field("element", std::move(element_type), contains_null, std::move(metadata)));
  }

  Result<TypePtr> MapType(dom::element type, const std::string& path) {
    dom::element key, value;
    bool value_contains_null = true;
    if (type["keyType"].get(key) || type["valueType"].get(value) ||
        type["valueContainsNull"].get(value_contains_null)) {
      return Status::Corrupt(
          "schemaString: map {} lacks keyType, valueType or valueContainsNull", path);
    }
    QUIRE_ASSIGN_OR_RETURN(TypePtr key_type, ParseType(key, path + ".key"));
    QUIRE_ASSIGN_OR_RETURN(TypePtr value_type, ParseType(value, path + ".value"));
    auto key_field = columnar::field("key", std::move(key_type), false,
                                     IsVariant(key) ? WithVariantTag(nullptr) : nullptr);
    auto value_field = columnar::field("value", std::move(value_type), value_contains_null,
                                       IsVariant(value) ? WithVariantTag(nullptr) : nullptr);
    return columnar::map(columnar::field(
        "entries", columnar::struct_({std::move(key_field), std::move(value_field)}), false));
  }

  static Result<TypePtr> PrimitiveType(std::string_view name, const std::string& path) {
    if (name == "boolean") return columnar::boolean();
    if (name == "byte") return columnar::int8();
    if (name == "short") return columnar::int16();
    if (name == "integer") return columnar::int32();
    if (name == "long") return columnar::int64();
    if (name == "float") return columnar::float32();
    if (name == "double") return columnar::float64();
    if (name == "string") return columnar::utf8();
    if (name == "binary") return columnar::binary();
    if (name == "date") return columnar::date32();
    if (name == "timestamp") return columnar::timestamp(TimeUnit::kMicro, "UTC");
    if (name == "timestamp_ntz") return columnar::timestamp(TimeUnit::kMicro);
    if (name == "void") return columnar::null();
    if (name == "variant") {
      return columnar::struct_({columnar::field("metadata", columnar::binary(), false),
                                columnar::field("value", columnar::binary(), false)});
    }
    if (name.starts_with("decimal")) return DecimalType(name, path);
    return Status::Unsupported("schemaString: column {} has the unknown type '{}'", path, name);
  }

  /// "decimal(p,s)" (spaces allowed after the comma) or plain "decimal" (10, 0).
  static Result<TypePtr> DecimalType(std::string_view name, const std::string& path) {
    if (name == "decimal") return columnar::decimal128(10, 0);
    int32_t precision = -1, scale = -1;
    std::string_view rest = name.substr(7);
    auto number = [&](int32_t* out) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), *out);
      if (ec != std::errc()) return false;
      rest.remove_prefix(size_t(end - rest.data()));
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      return true;
    };
    const bool ok = rest.starts_with("(") && (rest.remove_prefix(1), number(&precision)) &&
                    rest.starts_with(",") && (rest.remove_prefix(1), number(&scale)) &&
                    rest == ")";
    // PROTOCOL.md, Primitive Types: precision and scale up to 38.
    if (!ok || precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      return Status::Unsupported("schemaString: column {} has the unsupported type '{}'", path,
                                 name);
    }
    return columnar::decimal128(precision, scale);
  }

  dom::parser parser_;
};

// ---------------------------------------------------------------------------
// Rendering the schemaString

bool IsVariantField(const Field& field) {
  return field.metadata() && field.metadata()->Get(kExtensionNameKey) ==
                                 std::optional<std::string_view>(columnar::kVariantExtensionName);
}

/// Whether metadata text `value` under `key` goes back into the JSON unquoted.
bool WriteAsJson(std::string_view key, std::string_view value) {
  if (IsStringValuedKey(key)) return false;
  if (value.empty()) return false;
  if (!IsJsonValuedKey(key)) {
    // Unknown keys: only texts that cannot be meant as prose.
    const char c = value.front();
    const bool json_like = c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9') ||
                           value == "true" || value == "false";
    if (!json_like) return false;
  }
  dom::parser parser;
  dom::element element;
  if (parser.parse(value.data(), value.size()).get(element)) return false;
  return !element.is_string();
}

class SchemaWriter {
 public:
  Status Fields(const FieldVector& fields, const std::string& parent) {
    out_ += R"({"type":"struct","fields":[)";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out_ += ',';
      QUIRE_RETURN_NOT_OK(WriteField(*fields[i], parent));
    }
    out_ += "]}";
    return Status::OK();
  }

  std::string Take() { return std::move(out_); }

 private:
  Status WriteField(const Field& field, const std::string& parent) {
    const std::string path = parent.empty() ? field.name() : parent + "." + field.name();
    out_ += R"({"name":)";
    columnar::AppendJsonString(field.name(), &out_);
    out_ += R"(,"type":)";
    QUIRE_RETURN_NOT_OK(WriteType(field, path));
    out_ += field.nullable() ? R"(,"nullable":true)" : R"(,"nullable":false)";
    out_ += R"(,"metadata":{)";
    bool first = true;
    if (field.metadata()) {
      for (const auto& [key, value] : field.metadata()->pairs()) {
        if (key == kExtensionNameKey && IsVariantField(field)) continue;
        if (!first) out_ += ',';
        first = false;
        columnar::AppendJsonString(key, &out_);
        out_ += ':';
        if (WriteAsJson(key, value)) {
          out_ += value;
        } else {
          columnar::AppendJsonString(value, &out_);
        }
      }
    }
    out_ += "}}";
    return Status::OK();
  }

  Status WriteType(const Field& field, const std::string& path) {
    if (IsVariantField(field)) {
      out_ += R"("variant")";
      return Status::OK();
    }
    return WriteDataType(*field.type(), path);
  }

  Status WriteDataType(const DataType& type, const std::string& path) {
    auto name = [&](std::string_view n) {
      out_ += '"';
      out_ += n;
      out_ += '"';
      return Status::OK();
    };
    switch (type.id()) {
      case TypeId::kNull: return name("void");
      case TypeId::kBool: return name("boolean");
      case TypeId::kInt8: return name("byte");
      case TypeId::kInt16:
      case TypeId::kUInt8: return name("short");
      case TypeId::kInt32:
      case TypeId::kUInt16: return name("integer");
      case TypeId::kInt64:
      case TypeId::kUInt32: return name("long");
      case TypeId::kFloat32: return name("float");
      case TypeId::kFloat64: return name("double");
      case TypeId::kString:
      case TypeId::kLargeString:
      case TypeId::kStringView: return name("string");
      case TypeId::kBinary:
      case TypeId::kLargeBinary:
      case TypeId::kBinaryView:
      case TypeId::kFixedSizeBinary: return name("binary");
      case TypeId::kDate32: return name("date");
      case TypeId::kTimestamp:
        return name(type.timezone().empty() ? "timestamp_ntz" : "timestamp");
      case TypeId::kDecimal128:
      case TypeId::kDecimal256:
        if (type.precision() > 38 || type.scale() < 0) break;
        return name(fmt::format("decimal({},{})", type.precision(), type.scale()));
      case TypeId::kDictionary: return WriteDataType(*type.dictionary_value_type(), path);
      case TypeId::kList:
      case TypeId::kLargeList:
      case TypeId::kFixedSizeList: {
        const Field& element = *type.value_field();
        out_ += R"({"type":"array","elementType":)";
        QUIRE_RETURN_NOT_OK(WriteType(element, path + ".element"));
        out_ += element.nullable() ? R"(,"containsNull":true})" : R"(,"containsNull":false})";
        return Status::OK();
      }
      case TypeId::kMap: {
        const DataType& entries = *type.field(0)->type();
        out_ += R"({"type":"map","keyType":)";
        QUIRE_RETURN_NOT_OK(WriteType(*entries.field(0), path + ".key"));
        out_ += R"(,"valueType":)";
        QUIRE_RETURN_NOT_OK(WriteType(*entries.field(1), path + ".value"));
        out_ += entries.field(1)->nullable() ? R"(,"valueContainsNull":true})"
                                              : R"(,"valueContainsNull":false})";
        return Status::OK();
      }
      case TypeId::kStruct: return Fields(type.fields(), path);
      default: break;
    }
    return Status::Unsupported("column {}: the type {} has no Delta type", path,
                               type.ToString());
  }

  std::string out_;
};

// ---------------------------------------------------------------------------
// Column mapping

std::optional<std::string_view> MetadataValue(const Field& field, std::string_view key) {
  if (!field.metadata()) return std::nullopt;
  return field.metadata()->Get(key);
}

MetadataPtr WithPair(const MetadataPtr& metadata, std::string_view key, std::string value) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (metadata) {
    for (const auto& pair : metadata->pairs()) {
      if (pair.first != key) pairs.push_back(pair);
    }
  }
  pairs.emplace_back(std::string(key), std::move(value));
  return KeyValueMetadata::Make(std::move(pairs));
}

class PhysicalSchemaMaker {
 public:
  explicit PhysicalSchemaMaker(ColumnMappingMode mode) : mode_(mode) {}

  Result<FieldPtr> Convert(const FieldPtr& field, const std::string& parent) {
    const std::string path = parent.empty() ? field->name() : parent + "." + field->name();
    if (mode_ == ColumnMappingMode::kNone) return field;
    if (!MetadataValue(*field, kPhysicalNameKey)) {
      return Status::Corrupt("column {} has no {} under column mapping", path, kPhysicalNameKey);
    }
    const std::string physical = PhysicalName(*field, mode_);
    MetadataPtr metadata = field->metadata();
    if (mode_ == ColumnMappingMode::kId) {
      auto id = MetadataValue(*field, kColumnMappingIdKey);
      if (!id) {
        return Status::Corrupt("column {} has no {} under id column mapping", path,
                               kColumnMappingIdKey);
      }
      metadata = WithPair(metadata, kParquetFieldIdKey, std::string(*id));
      QUIRE_RETURN_NOT_OK(LoadNestedIds(*field, path));
    }
    QUIRE_ASSIGN_OR_RETURN(TypePtr type, ConvertType(field->type(), path, physical));
    return columnar::field(physical, std::move(type), field->nullable(), std::move(metadata));
  }

 private:
  // delta.columnMapping.nested.ids: {"<physical>.element": id, "<physical>.key": id,
  // "<physical>.value": id, ...} for the list and map levels below a field.
  Status LoadNestedIds(const Field& field, const std::string& path) {
    auto text = MetadataValue(field, kNestedIdsKey);
    if (!text) return Status::OK();
    dom::object object;
    if (parser_.parse(text->data(), text->size()).get(object)) {
      return Status::Corrupt("column {}: {} is not a JSON object", path, kNestedIdsKey);
    }
    for (auto [key, value] : object) {
      int64_t id;
      if (value.get(id)) {
        return Status::Corrupt("column {}: {} of {} is not an integer", path, key,
                               kNestedIdsKey);
      }
      nested_ids_[std::string(key)] = id;
    }
    return Status::OK();
  }

  FieldPtr WithNestedId(FieldPtr field, const std::string& id_path) {
    auto it = nested_ids_.find(id_path);
    if (it == nested_ids_.end()) return field;
    return field->WithMetadata(
        WithPair(field->metadata(), kParquetFieldIdKey, std::to_string(it->second)));
  }

  Result<TypePtr> ConvertType(const TypePtr& type, const std::string& path,
                              const std::string& id_path) {
    switch (type->id()) {
      case TypeId::kStruct: {
        FieldVector fields;
        for (const auto& child : type->fields()) {
          QUIRE_ASSIGN_OR_RETURN(FieldPtr converted, Convert(child, path));
          fields.push_back(std::move(converted));
        }
        return columnar::struct_(std::move(fields));
      }
      case TypeId::kList:
      case TypeId::kLargeList: {
        const FieldPtr& element = type->value_field();
        const std::string element_path = id_path + ".element";
        QUIRE_ASSIGN_OR_RETURN(TypePtr element_type,
                               ConvertType(element->type(), path + ".element", element_path));
        FieldPtr converted = WithNestedId(element->WithType(std::move(element_type)), element_path);
        return type->id() == TypeId::kList ? columnar::list(std::move(converted))
                                           : columnar::large_list(std::move(converted));
      }
      case TypeId::kMap: {
        const FieldPtr& entries = type->field(0);
        FieldVector children;
        for (int k = 0; k < 2; ++k) {
          const FieldPtr& child = entries->type()->field(k);
          const std::string child_path = id_path + (k == 0 ? ".key" : ".value");
          QUIRE_ASSIGN_OR_RETURN(TypePtr child_type,
                                 ConvertType(child->type(), path + "." + child->name(), child_path));
          children.push_back(WithNestedId(child->WithType(std::move(child_type)), child_path));
        }
        return columnar::map(entries->WithType(columnar::struct_(std::move(children))),
                             type->keys_sorted());
      }
      default: return type;
    }
  }

  ColumnMappingMode mode_;
  dom::parser parser_;
  std::map<std::string, int64_t> nested_ids_;
};

// ---------------------------------------------------------------------------
// Type widening

bool IsSmallInteger(TypeId id) {
  return id == TypeId::kInt8 || id == TypeId::kInt16 || id == TypeId::kInt32;
}

bool IsWideningOrSame(const DataType& from, const DataType& to) {
  return from.Equals(to) || IsAllowedWidening(from, to);
}

// ---------------------------------------------------------------------------
// Partition values

Status BadPartitionValue(std::string_view value, const DataType& type) {
  return Status::Corrupt("partition value '{}' is not a valid {}", value, type.ToString());
}

template <typename T>
Result<ArrayPtr> RepeatFixed(const TypePtr& type, T value, int64_t length) {
  columnar::FixedWidthBuilder<T> builder(type);
  QUIRE_ASSIGN_OR_RETURN(T * out, builder.AppendUninitialized(length));
  std::fill(out, out + length, value);
  return builder.Finish();
}

template <typename T>
Result<ArrayPtr> RepeatInteger(const TypePtr& type, std::string_view text, int64_t length) {
  int64_t v;
  if (!text::internal::ParseInt64(text.data(), text.size(), &v) ||
      v < int64_t(std::numeric_limits<T>::min()) || v > int64_t(std::numeric_limits<T>::max())) {
    return BadPartitionValue(text, *type);
  }
  return RepeatFixed<T>(type, T(v), length);
}

template <typename Builder>
Result<ArrayPtr> RepeatBytes(const TypePtr& type, std::string_view value, int64_t length) {
  Builder builder(type);
  QUIRE_RETURN_NOT_OK(builder.Reserve(length));
  for (int64_t i = 0; i < length; ++i) QUIRE_RETURN_NOT_OK(builder.Append(value));
  return builder.Finish();
}

/// Java's Double.toString layout for integral values ("1.0"), shortest digits.
std::string FloatText(double value, bool is_float32) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  std::string s = is_float32 ? columnar::FormatFloatShortest(float(value))
                             : columnar::FormatDoubleShortest(value);
  if (s.find_first_of(".eEN") == std::string::npos) s += ".0";
  return s;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return c - 'a' + 10;
}

void AppendPercent(uint8_t byte, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 15]);
}

Result<std::string> PercentDecode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) {
      return Status::Corrupt("{} '{}': '%' at byte {} is not followed by two hex digits", what,
                             text, i);
    }
    out.push_back(char(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
    i += 2;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Adaptation

/// The field id of a field: "PARQUET:field_id", else delta.columnMapping.id.
std::optional<int64_t> FieldId(const Field& field) {
  for (std::string_view key : {kParquetFieldIdKey, kColumnMappingIdKey}) {
    auto text = MetadataValue(field, key);
    int64_t id;
    if (text && text::internal::ParseInt64(text->data(), text->size(), &id)) return id;
  }
  return std::nullopt;
}

/// Index in `file_fields` of the file field holding `table_field`, or -1.
int FindFileField(const FieldVector& file_fields, const Field& table_field,
                  ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kId) {
    if (auto id = FieldId(table_field)) {
      bool file_has_ids = false;
      for (size_t k = 0; k < file_fields.size(); ++k) {
        auto file_id = MetadataValue(*file_fields[k], kParquetFieldIdKey);
        if (!file_id) continue;
        file_has_ids = true;
        if (FieldId(*file_fields[k]) == id) return int(k);
      }
      if (file_has_ids) return -1;
    }
  }
  const std::string physical = PhysicalName(table_field, mode);
  for (size_t k = 0; k < file_fields.size(); ++k) {
    if (file_fields[k]->name() == physical) return int(k);
  }
  return -1;
}

bool IsListLike(TypeId id) {
  return id == TypeId::kList || id == TypeId::kLargeList || id == TypeId::kFixedSizeList;
}

Status ShapeMismatch(const Field& file_field, const Field& table_field) {
  return Status::Invalid("column {}: the file's {} cannot be read as {}", table_field.name(),
                         file_field.type()->ToString(), table_field.type()->ToString());
}

}  // namespace

// ---------------------------------------------------------------------------

Result<columnar::SchemaPtr> ParseDeltaSchema(std::string_view schema_string) {
  return SchemaParser().Parse(schema_string);
}

Result<std::string> DeltaSchemaToJson(const columnar::Schema& schema) {
  SchemaWriter writer;
  QUIRE_RETURN_NOT_OK(writer.Fields(schema.fields(), ""));
  return writer.Take();
}

Result<ColumnMappingMode> ColumnMappingModeOf(
    const std::map<std::string, std::string>& configuration) {
  auto it = configuration.find(std::string(kColumnMappingModeKey));
  if (it == configuration.end() || it->second == "none") return ColumnMappingMode::kNone;
  if (it->second == "name") return ColumnMappingMode::kName;
  if (it->second == "id") return ColumnMappingMode::kId;
  return Status::Unsupported("column mapping mode '{}' (delta.columnMapping.mode)", it->second);
}

std::string PhysicalName(const Field& field, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone) return field.name();
  auto physical = MetadataValue(field, kPhysicalNameKey);
  return physical ? std::string(*physical) : field.name();
}

Result<columnar::SchemaPtr> PhysicalSchema(const columnar::Schema& logical,
                                           ColumnMappingMode mode) {
  PhysicalSchemaMaker maker(mode);
  FieldVector fields;
  for (const auto& field : logical.fields()) {
    QUIRE_ASSIGN_OR_RETURN(FieldPtr physical, maker.Convert(field, ""));
    fields.push_back(std::move(physical));
  }
  return columnar::schema(std::move(fields), logical.metadata());
}

bool IsAllowedWidening(const DataType& from, const DataType& to) {
  if (from.Equals(to)) return false;
  const TypeId f = from.id();
  switch (to.id()) {
    case TypeId::kInt16: return f == TypeId::kInt8;
    case TypeId::kInt32: return f == TypeId::kInt8 || f == TypeId::kInt16;
    case TypeId::kInt64: return IsSmallInteger(f);
    case TypeId::kFloat64: return IsSmallInteger(f) || f == TypeId::kFloat32;
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int32_t integer_digits = to.precision() - to.scale();
      if (IsSmallInteger(f)) return integer_digits >= 10;
      if (f == TypeId::kInt64) return integer_digits >= 20;
      // decimal(p, s) -> decimal(p + k1, s + k2), k1 >= k2 >= 0.
      return from.is_decimal() && to.scale() >= from.scale() &&
             to.precision() - from.precision() >= to.scale() - from.scale();
    }
    case TypeId::kTimestamp:
      return f == TypeId::kDate32 && to.timezone().empty() && to.unit() == TimeUnit::kMicro;
    case TypeId::kStruct: {
      if (f != TypeId::kStruct || from.num_fields() != to.num_fields()) return false;
      for (int k = 0; k < to.num_fields(); ++k) {
        if (from.field(k)->name() != to.field(k)->name() ||
            !IsWideningOrSame(*from.field(k)->type(), *to.field(k)->type())) {
          return false;
        }
      }
      return true;
    }
    case TypeId::kList:
    case TypeId::kLargeList:
      return f == to.id() && IsWideningOrSame(*from.value_type(), *to.value_type());
    case TypeId::kMap:
      return f == TypeId::kMap && IsWideningOrSame(*from.key_type(), *to.key_type()) &&
             IsWideningOrSame(*from.item_type(), *to.item_type());
    default: return false;
  }
}

Result<ArrayPtr> PartitionValueArray(const TypePtr& type, const std::optional<std::string>& value,
                                     int64_t length) {
  if (!value || (value->empty() && !type->is_string())) {
    return columnar::MakeArrayOfNulls(type, length);
  }
  const std::string_view text = *value;
  const char* s = text.data();
  const size_t n = text.size();
  switch (type->id()) {
    case TypeId::kBool: {
      bool b;
      if (!text::internal::ParseBoolWord(s, n, &b)) return BadPartitionValue(text, *type);
      columnar::BooleanBuilder builder;
      QUIRE_RETURN_NOT_OK(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) QUIRE_RETURN_NOT_OK(builder.Append(b));
      return builder.Finish();
    }
    case TypeId::kInt8: return RepeatInteger<int8_t>(type, text, length);
    case TypeId::kInt16: return RepeatInteger<int16_t>(type, text, length);
    case TypeId::kInt32: return RepeatInteger<int32_t>(type, text, length);
    case TypeId::kInt64: return RepeatInteger<int64_t>(type, text, length);
    case TypeId::kFloat32: {
      float v;
      if (!text::internal::ParseFloat(s, n, &v)) return BadPartitionValue(text, *type);
      return RepeatFixed<float>(type, v, length);
    }
    case TypeId::kFloat64: {
      double v;
      if (!text::internal::ParseFloat(s, n, &v)) return BadPartitionValue(text, *type);
      return RepeatFixed<double>(type, v, length);
    }
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int32_t width = type->byte_width();
      std::string bytes(size_t(width), '\0');
      if (!columnar::DecimalFromString(text, type->precision(), type->scale(), width,
                                       reinterpret_cast<uint8_t*>(bytes.data()))
               .ok()) {
        return BadPartitionValue(text, *type);
      }
      columnar::FixedSizeBinaryBuilder builder(type);
      QUIRE_ASSIGN_OR_RETURN(uint8_t * out, builder.AppendUninitialized(length));
      for (int64_t i = 0; i < length; ++i) std::memcpy(out + i * width, bytes.data(), width);
      return builder.Finish();
    }
    case TypeId::kDate32: {
      int64_t days;
      if (!text::internal::ParseDate(s, n, &days) || days < INT32_MIN || days > INT32_MAX) {
        return BadPartitionValue(text, *type);
      }
      return RepeatFixed<int32_t>(type, int32_t(days), length);
    }
    case TypeId::kTimestamp: {
      // A value without an offset is taken as UTC (see the header).
      int64_t ticks;
      if (text::internal::ParseTimestamp(s, n, type->unit(), &ticks) ==
          text::internal::TimestampForm::kInvalid) {
        return BadPartitionValue(text, *type);
      }
      return RepeatFixed<int64_t>(type, ticks, length);
    }
    case TypeId::kString:
    case TypeId::kBinary: return RepeatBytes<columnar::StringBuilder>(type, text, length);
    case TypeId::kLargeString:
    case TypeId::kLargeBinary: return RepeatBytes<columnar::LargeStringBuilder>(type, text, length);
    case TypeId::kStringView:
    case TypeId::kBinaryView: return RepeatBytes<columnar::BinaryViewBuilder>(type, text, length);
    default: break;
  }
  return Status::Unsupported("partition values of type {}", type->ToString());
}

Result<std::optional<std::string>> SerializePartitionValue(const Array& array, int64_t i) {
  if (array.IsNull(i)) return std::optional<std::string>();
  const DataType& type = *array.type();
  switch (type.id()) {
    case TypeId::kBool:
      return std::optional<std::string>(columnar::BoolView(array).Value(i) ? "true" : "false");
    case TypeId::kInt8: return std::optional(std::to_string(array.values<int8_t>()[i]));
    case TypeId::kInt16: return std::optional(std::to_string(array.values<int16_t>()[i]));
    case TypeId::kInt32: return std::optional(std::to_string(array.values<int32_t>()[i]));
    case TypeId::kInt64: return std::optional(std::to_string(array.values<int64_t>()[i]));
    case TypeId::kFloat32: return std::optional(FloatText(array.values<float>()[i], true));
    case TypeId::kFloat64: return std::optional(FloatText(array.values<double>()[i], false));
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int32_t width = type.byte_width();
      return std::optional(columnar::DecimalToString(
          array.buffer(1)->data() + (array.offset() + i) * width, width, type.scale()));
    }
    case TypeId::kDate32: return std::optional(columnar::FormatDate(array.values<int32_t>()[i]));
    case TypeId::kTimestamp: {
      // PROTOCOL.md: "{year}-{month}-{day} {hour}:{minute}:{second}.{microsecond}";
      // values are instants in UTC (or wall-clock for timestamp_ntz).
      const int64_t value = array.values<int64_t>()[i];
      const int64_t per_second = columnar::TicksPerSecond(type.unit());
      int64_t micros;
      if (per_second >= 1000000) {
        micros = columnar::FloorDiv(value, per_second / 1000000);
      } else if (__builtin_mul_overflow(value, 1000000 / per_second, &micros)) {
        return Status::Invalid("timestamp {} {} is out of the microsecond range", value,
                               type.ToString());
      }
      std::string s = columnar::FormatTimestamp(micros, TimeUnit::kMicro);
      std::replace(s.begin(), s.end(), 'T', ' ');
      return std::optional(std::move(s));
    }
    default:
      if (type.is_binary_like()) {
        return std::optional(std::string(columnar::GetBytes(array, i)));
      }
      break;
  }
  return Status::Unsupported("partition values of type {}", type.ToString());
}

std::string EscapePartitionValue(std::string_view value) {
  // Spark ExternalCatalogUtils.escapePathName / Hive FileUtils.escapePathName; NUL
  // is escaped too (no file name may hold it).
  static constexpr std::string_view kSpecial = "\"#%'*/:=?\\{[]^";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto byte = uint8_t(c);
    if (byte < 0x20 || byte == 0x7F || kSpecial.find(c) != std::string_view::npos) {
      AppendPercent(byte, &out);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::string> UnescapePartitionValue(std::string_view escaped) {
  return PercentDecode(escaped, "escaped partition value");
}

std::string PartitionDirectory(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& values) {
  std::string out;
  for (const auto& [name, value] : values) {
    out += EscapePartitionValue(name);
    out += '=';
    if (value && !value->empty()) {
      out += EscapePartitionValue(*value);
    } else {
      out += kHiveDefaultPartition;
    }
    out += '/';
  }
  return out;
}

std::string PathToUri(std::string_view relative_path) {
  // RFC 3986: pchar = unreserved / pct-encoded / sub-delims / ":" / "@". A ':' in the
  // first segment would read as a scheme, so it is encoded there.
  static constexpr std::string_view kKeep = "-._~!$&'()*+,;=@/";
  std::string out;
  out.reserve(relative_path.size());
  bool first_segment = true;
  for (char c : relative_path) {
    const auto byte = uint8_t(c);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == '/') first_segment = false;
    if (alnum || kKeep.find(c) != std::string_view::npos || (c == ':' && !first_segment)) {
      out.push_back(c);
    } else {
      AppendPercent(byte, &out);
    }
  }
  return out;
}

Result<std::string> UriToPath(std::string_view uri) { return PercentDecode(uri, "URI"); }

Result<ArrayPtr> AdaptColumn(const ArrayPtr& file_array, const FieldPtr& file_field,
                             const FieldPtr& table_field, ColumnMappingMode mode) {
  const DataType& from = *file_field->type();
  const TypePtr& to = table_field->type();
  if (to->id() == TypeId::kStruct) {
    if (from.id() != TypeId::kStruct) return ShapeMismatch(*file_field, *table_field);
    // Struct children share the parent's offset: adapt the whole children and keep
    // the parent's validity and offset.
    const int64_t child_length = file_array->offset() + file_array->length();
    columnar::ArrayVector children;
    for (const auto& child : to->fields()) {
      const int k = FindFileField(from.fields(), *child, mode);
      if (k < 0) {
        QUIRE_ASSIGN_OR_RETURN(auto nulls, columnar::MakeArrayOfNulls(child->type(), child_length));
        children.push_back(std::move(nulls));
        continue;
      }
      QUIRE_ASSIGN_OR_RETURN(auto adapted,
                             AdaptColumn(file_array->child(k), from.field(k), child, mode));
      children.push_back(std::move(adapted));
    }
    return Array::Make(to, file_array->length(), file_array->buffers(), std::move(children),
                       nullptr, file_array->null_count(), file_array->offset());
  }
  if (IsListLike(to->id())) {
    if (!IsListLike(from.id())) return ShapeMismatch(*file_field, *table_field);
    QUIRE_ASSIGN_OR_RETURN(auto values, AdaptColumn(file_array->child(0), from.value_field(),
                                                    to->value_field(), mode));
    // Same layout as the file, the table's element; Cast converts list kinds.
    TypePtr same_kind = from.id() == TypeId::kList ? columnar::list(to->value_field())
                        : from.id() == TypeId::kLargeList
                            ? columnar::large_list(to->value_field())
                            : columnar::fixed_size_list(to->value_field(), from.list_size());
    auto array = Array::Make(std::move(same_kind), file_array->length(), file_array->buffers(),
                             {std::move(values)}, nullptr, file_array->null_count(),
                             file_array->offset());
    return compute::Cast(array, to);
  }
  if (to->id() == TypeId::kMap) {
    if (from.id() != TypeId::kMap) return ShapeMismatch(*file_field, *table_field);
    const Array& entries = *file_array->child(0);
    const DataType& file_entries = *from.field(0)->type();
    const DataType& table_entries = *to->field(0)->type();
    QUIRE_ASSIGN_OR_RETURN(auto keys, AdaptColumn(entries.child(0), file_entries.field(0),
                                                  table_entries.field(0), mode));
    QUIRE_ASSIGN_OR_RETURN(auto items, AdaptColumn(entries.child(1), file_entries.field(1),
                                                   table_entries.field(1), mode));
    auto new_entries = Array::Make(to->field(0)->type(), entries.length(), entries.buffers(),
                                   {std::move(keys), std::move(items)}, nullptr,
                                   entries.null_count(), entries.offset());
    return Array::Make(to, file_array->length(), file_array->buffers(), {std::move(new_entries)},
                       nullptr, file_array->null_count(), file_array->offset());
  }
  columnar::ArrayPtr source = file_array;
  if (from.id() == TypeId::kTimestamp && to->id() == TypeId::kTimestamp &&
      from.timezone().empty() && !to->timezone().empty()) {
    // A Delta `timestamp` holds UTC instants whatever the file's annotation says
    // (writers store them as INT96 or as timestamps not marked adjusted to UTC).
    source = Array::Make(columnar::timestamp(from.unit(), to->timezone()), file_array->length(),
                         file_array->buffers(), {}, nullptr, file_array->null_count(),
                         file_array->offset());
  }
  auto cast = compute::Cast(source, to);
  if (!cast.ok()) {
    return Status::Invalid("column {}: {}", table_field->name(), cast.status().message());
  }
  return cast;
}

Result<columnar::RecordBatchPtr> AdaptBatch(const columnar::RecordBatch& file_batch,
                                            const columnar::Schema& table_schema,
                                            ColumnMappingMode mode) {
  const FieldVector& file_fields = file_batch.schema()->fields();
  columnar::ArrayVector columns;
  for (const auto& field : table_schema.fields()) {
    const int k = FindFileField(file_fields, *field, mode);
    if (k < 0) {
      QUIRE_ASSIGN_OR_RETURN(auto nulls,
                             columnar::MakeArrayOfNulls(field->type(), file_batch.num_rows()));
      columns.push_back(std::move(nulls));
      continue;
    }
    QUIRE_ASSIGN_OR_RETURN(auto adapted,
                           AdaptColumn(file_batch.column(k), file_fields[size_t(k)], field, mode));
    columns.push_back(std::move(adapted));
  }
  return columnar::RecordBatch::Make(
      columnar::schema(table_schema.fields(), table_schema.metadata()), file_batch.num_rows(),
      std::move(columns));
}

}  // namespace quire::table
