/// \file quire/columnar/c_data_schema.cc
/// \brief Arrow C Data Interface, schemas: format strings, metadata encoding, and
/// export and import of ArrowSchema trees.
#include "quire/columnar/c_data.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/array_internal.h"
#include "quire/columnar/buffer.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"
#include "quire/columnar/c_data_internal.h"

namespace quire::columnar {

namespace internal {

std::string Where(std::string_view what, const std::string& path) {
  return path.empty() ? std::string(what) : fmt::format("{} child '{}'", what, path);
}

std::string ChildPath(const std::string& parent, std::string_view name, int64_t index) {
  std::string part = name.empty() ? fmt::format("#{}", index) : std::string(name);
  return parent.empty() ? part : parent + "." + part;
}

std::string DictionaryPath(const std::string& parent) {
  return parent.empty() ? std::string("[dictionary]") : parent + ".[dictionary]";
}

}  // namespace internal

namespace {

using namespace internal;  // NOLINT: this file's own helpers

// --- Format strings (C Data Interface, "Data type description -- format strings") ---

char UnitChar(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return 's';
    case TimeUnit::kMilli: return 'm';
    case TimeUnit::kMicro: return 'u';
    case TimeUnit::kNano: return 'n';
  }
  return '?';
}

bool UnitFromChar(char c, TimeUnit* unit) {
  switch (c) {
    case 's': *unit = TimeUnit::kSecond; return true;
    case 'm': *unit = TimeUnit::kMilli; return true;
    case 'u': *unit = TimeUnit::kMicro; return true;
    case 'n': *unit = TimeUnit::kNano; return true;
    default: return false;
  }
}

Result<std::string> FormatOf(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return std::string("n");
    case TypeId::kBool: return std::string("b");
    case TypeId::kInt8: return std::string("c");
    case TypeId::kUInt8: return std::string("C");
    case TypeId::kInt16: return std::string("s");
    case TypeId::kUInt16: return std::string("S");
    case TypeId::kInt32: return std::string("i");
    case TypeId::kUInt32: return std::string("I");
    case TypeId::kInt64: return std::string("l");
    case TypeId::kUInt64: return std::string("L");
    case TypeId::kFloat16: return std::string("e");
    case TypeId::kFloat32: return std::string("f");
    case TypeId::kFloat64: return std::string("g");
    case TypeId::kDecimal128: return fmt::format("d:{},{}", t.precision(), t.scale());
    case TypeId::kDecimal256: return fmt::format("d:{},{},256", t.precision(), t.scale());
    case TypeId::kDate32: return std::string("tdD");
    case TypeId::kDate64: return std::string("tdm");
    case TypeId::kTime32:
    case TypeId::kTime64: return fmt::format("tt{}", UnitChar(t.unit()));
    case TypeId::kTimestamp:
      return fmt::format("ts{}:{}", UnitChar(t.unit()), t.timezone());
    case TypeId::kDuration: return fmt::format("tD{}", UnitChar(t.unit()));
    case TypeId::kIntervalMonthDayNano: return std::string("tin");
    case TypeId::kBinary: return std::string("z");
    case TypeId::kString: return std::string("u");
    case TypeId::kLargeBinary: return std::string("Z");
    case TypeId::kLargeString: return std::string("U");
    case TypeId::kBinaryView: return std::string("vz");
    case TypeId::kStringView: return std::string("vu");
    case TypeId::kFixedSizeBinary: return fmt::format("w:{}", t.byte_width());
    case TypeId::kList: return std::string("+l");
    case TypeId::kLargeList: return std::string("+L");
    case TypeId::kFixedSizeList: return fmt::format("+w:{}", t.list_size());
    case TypeId::kStruct: return std::string("+s");
    case TypeId::kMap: return std::string("+m");
    case TypeId::kDictionary: return FormatOf(*t.index_type());
  }
  return Status::Internal("no Arrow format string for type id {}", int(t.id()));
}

// --- Metadata (C Data Interface, "ArrowSchema.metadata"): int32 pair count, then
// int32 length and bytes of each key and value, in native endianness. ---------------

void AppendInt32(std::string* out, int32_t v) {
  char bytes[sizeof(v)];
  std::memcpy(bytes, &v, sizeof(v));
  out->append(bytes, sizeof(v));
}

Result<std::string> EncodeMetadata(const KeyValueMetadata& metadata) {
  constexpr size_t kMax = size_t(std::numeric_limits<int32_t>::max());
  if (metadata.pairs().size() > kMax) {
    return Status::Invalid("{} metadata pairs do not fit the C Data encoding",
                           metadata.pairs().size());
  }
  std::string out;
  AppendInt32(&out, int32_t(metadata.pairs().size()));
  for (const auto& [key, value] : metadata.pairs()) {
    if (key.size() > kMax || value.size() > kMax) {
      return Status::Invalid(
          "metadata key '{}' or its value is too long for the C Data encoding",
          key.substr(0, 40));
    }
    AppendInt32(&out, int32_t(key.size()));
    out += key;
    AppendInt32(&out, int32_t(value.size()));
    out += value;
  }
  return out;
}

// The producer vouches that the encoding is complete; only its lengths are checked.
Result<MetadataPtr> DecodeMetadata(const char* data, const std::string& path) {
  if (data == nullptr) return MetadataPtr();
  const char* p = data;
  auto read_int32 = [&p]() {
    int32_t v;
    std::memcpy(&v, p, sizeof(v));
    p += sizeof(v);
    return v;
  };
  const int32_t n = read_int32();
  if (n < 0) {
    return Status::Corrupt("{}: metadata has a negative pair count {}",
                           Where("ArrowSchema", path), n);
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(size_t(std::min(n, 1024)));
  for (int32_t i = 0; i < n; ++i) {
    const int32_t key_length = read_int32();
    if (key_length < 0) {
      return Status::Corrupt("{}: metadata key {} has negative length {}",
                             Where("ArrowSchema", path), i, key_length);
    }
    std::string key(p, size_t(key_length));
    p += key_length;
    const int32_t value_length = read_int32();
    if (value_length < 0) {
      return Status::Corrupt("{}: metadata value of key '{}' has negative length {}",
                             Where("ArrowSchema", path), key, value_length);
    }
    std::string value(p, size_t(value_length));
    p += value_length;
    pairs.emplace_back(std::move(key), std::move(value));
  }
  if (pairs.empty()) return MetadataPtr();
  return KeyValueMetadata::Make(std::move(pairs));
}

// --- Schema export ----------------------------------------------------------------

// private_data of an exported ArrowSchema. Children and dictionary are released
// through this struct rather than through the C members, so that a consumer that
// moved a child out (leaving it released here) is handled, and so that a partly
// built export cleans up after an error.
struct SchemaExport {
  std::string format;
  std::string name;
  std::string metadata;
  bool has_metadata = false;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
  ArrowSchema dictionary{};

  ~SchemaExport() {
    for (ArrowSchema& child : children) {
      if (child.release != nullptr) child.release(&child);
    }
    if (dictionary.release != nullptr) dictionary.release(&dictionary);
  }
};

void ReleaseExportedSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  delete static_cast<SchemaExport*>(schema->private_data);
  schema->private_data = nullptr;
  schema->release = nullptr;
}

Status ExportSchemaNode(const DataType& type, const std::string& name, bool nullable,
                        const KeyValueMetadata* metadata, ArrowSchema* out) {
  auto node = std::make_unique<SchemaExport>();
  QUIRE_ASSIGN_OR_RETURN(node->format, FormatOf(type));
  node->name = name;
  if (metadata != nullptr && metadata->size() > 0) {
    QUIRE_ASSIGN_OR_RETURN(node->metadata, EncodeMetadata(*metadata));
    node->has_metadata = true;
  }
  int64_t flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  if (type.id() == TypeId::kMap && type.keys_sorted()) {
    flags |= ARROW_FLAG_MAP_KEYS_SORTED;
  }
  if (type.id() == TypeId::kDictionary && type.ordered()) {
    flags |= ARROW_FLAG_DICTIONARY_ORDERED;
  }

  const int64_t n_children = CChildCount(type);
  node->children.resize(size_t(n_children));  // zeroed: released until exported
  node->child_pointers.resize(size_t(n_children));
  for (int64_t i = 0; i < n_children; ++i) {
    const Field& f = *type.field(int(i));
    if (!f.type()) return Status::Invalid("field '{}' has no type", f.name());
    QUIRE_RETURN_NOT_OK(ExportSchemaNode(*f.type(), f.name(), f.nullable(),
                                         f.metadata().get(), &node->children[size_t(i)]));
    node->child_pointers[size_t(i)] = &node->children[size_t(i)];
  }
  if (type.id() == TypeId::kDictionary) {
    // The dictionary describes the values; the field's name and flags stay on the
    // parent, which describes the indices (C Data Interface, "Dictionary-encoded
    // arrays").
    QUIRE_RETURN_NOT_OK(ExportSchemaNode(*type.dictionary_value_type(), "", true, nullptr,
                                         &node->dictionary));
  }

  out->format = node->format.c_str();
  out->name = node->name.c_str();
  out->metadata = node->has_metadata ? node->metadata.data() : nullptr;
  out->flags = flags;
  out->n_children = n_children;
  out->children = n_children > 0 ? node->child_pointers.data() : nullptr;
  out->dictionary = node->dictionary.release != nullptr ? &node->dictionary : nullptr;
  out->release = &ReleaseExportedSchema;
  out->private_data = node.release();
  return Status::OK();
}

// --- Schema import ------------------------------------------------------------------

Result<TypePtr> ImportTypeNode(const ArrowSchema& s, const std::string& path, int depth);
Result<FieldPtr> ImportFieldNode(const ArrowSchema& s, const std::string& path,
                                 int depth);

Status CheckSchemaNode(const ArrowSchema& s, const std::string& path, int depth) {
  if (depth > kMaxNestingDepth) {
    return Status::Corrupt("{}: nesting is deeper than {} levels",
                           Where("ArrowSchema", path), kMaxNestingDepth);
  }
  if (s.release == nullptr) {
    return Status::Corrupt("{}: the struct is released", Where("ArrowSchema", path));
  }
  if (s.format == nullptr) {
    return Status::Corrupt("{}: format is null", Where("ArrowSchema", path));
  }
  if (s.n_children < 0) {
    return Status::Corrupt("{}: n_children is negative ({})", Where("ArrowSchema", path),
                           s.n_children);
  }
  if (s.n_children > 0 && s.children == nullptr) {
    return Status::Corrupt("{}: n_children is {} but children is null",
                           Where("ArrowSchema", path), s.n_children);
  }
  for (int64_t i = 0; i < s.n_children; ++i) {
    if (s.children[i] == nullptr) {
      return Status::Corrupt("{}: children[{}] is null", Where("ArrowSchema", path), i);
    }
    if (s.children[i]->release == nullptr) {
      return Status::Corrupt("{}: children[{}] is released", Where("ArrowSchema", path),
                             i);
    }
  }
  return Status::OK();
}

Result<FieldVector> ImportChildFields(const ArrowSchema& s, const std::string& path,
                                      int depth) {
  FieldVector fields;
  fields.reserve(size_t(s.n_children));
  for (int64_t i = 0; i < s.n_children; ++i) {
    const ArrowSchema& child = *s.children[i];  // checked by CheckSchemaNode
    const std::string_view name = child.name != nullptr ? child.name : "";
    QUIRE_ASSIGN_OR_RETURN(FieldPtr f,
                           ImportFieldNode(child, ChildPath(path, name, i), depth + 1));
    fields.push_back(std::move(f));
  }
  return fields;
}

bool ParseInt32(std::string_view text, int32_t* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// Parse "P,S" or "P,S,B" of a "d:" format.
Result<TypePtr> ParseDecimal(std::string_view format, const std::string& where) {
  std::vector<int32_t> numbers;
  std::string_view rest = format.substr(2);
  while (true) {
    const size_t comma = rest.find(',');
    int32_t v = 0;
    if (!ParseInt32(rest.substr(0, comma), &v)) {
      return Status::Corrupt("{}: malformed decimal format string '{}'", where, format);
    }
    numbers.push_back(v);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (numbers.size() != 2 && numbers.size() != 3) {
    return Status::Corrupt(
        "{}: malformed decimal format string '{}' (expected d:P,S or d:P,S,bitwidth)",
        where, format);
  }
  const int32_t bit_width = numbers.size() == 3 ? numbers[2] : 128;
  TypeId id;
  if (bit_width == 128) {
    id = TypeId::kDecimal128;
  } else if (bit_width == 256) {
    id = TypeId::kDecimal256;
  } else if (bit_width == 32 || bit_width == 64) {
    return Status::Unsupported(
        "{}: format string '{}': {}-bit decimals are not supported", where, format,
        bit_width);
  } else {
    return Status::Corrupt(
        "{}: format string '{}': decimal bit width {} is not 32, 64, 128 or 256", where,
        format, bit_width);
  }
  DataType::Params params{.precision = numbers[0], .scale = numbers[1]};
  Status st = DataType::CheckParams(id, params);
  if (!st.ok()) {
    return Status::Corrupt("{}: format string '{}': {}", where, format, st.message());
  }
  return DataType::Make(id, std::move(params));
}

Result<TypePtr> ParseTemporal(std::string_view format, const std::string& where) {
  auto malformed = [&]() {
    return Status::Corrupt("{}: malformed temporal format string '{}'", where, format);
  };
  TimeUnit unit;
  switch (format.size() >= 2 ? format[1] : '\0') {
    case 'd':
      if (format == "tdD") return date32();
      if (format == "tdm") return date64();
      return malformed();
    case 't':
      if (format.size() != 3 || !UnitFromChar(format[2], &unit)) return malformed();
      return unit == TimeUnit::kSecond || unit == TimeUnit::kMilli ? time32(unit)
                                                                   : time64(unit);
    case 's':
      // "tsu:" + timezone; the colon is required even when the timezone is empty.
      if (format.size() < 4 || format[3] != ':' || !UnitFromChar(format[2], &unit)) {
        return malformed();
      }
      return timestamp(unit, std::string(format.substr(4)));
    case 'D':
      if (format.size() != 3 || !UnitFromChar(format[2], &unit)) return malformed();
      return duration(unit);
    case 'i':
      if (format == "tin") return interval_month_day_nano();
      if (format == "tiM" || format == "tiD") {
        return Status::Unsupported(
            "{}: format string '{}': {} intervals are not supported", where, format,
            format == "tiM" ? "month" : "day-time");
      }
      return malformed();
    default: return Status::Unsupported("{}: unknown format string '{}'", where, format);
  }
}

Status CheckChildCount(const ArrowSchema& s, std::string_view format, int64_t want,
                       const std::string& where) {
  if (s.n_children != want) {
    return Status::Corrupt("{}: format string '{}' needs {} child{}, n_children is {}",
                           where, format, want, want == 1 ? "" : "ren", s.n_children);
  }
  return Status::OK();
}

Result<TypePtr> ParseNested(const ArrowSchema& s, std::string_view format,
                            const std::string& path, int depth) {
  const std::string where = Where("ArrowSchema", path);
  if (format == "+s") {
    QUIRE_ASSIGN_OR_RETURN(FieldVector fields, ImportChildFields(s, path, depth));
    return struct_(std::move(fields));
  }
  if (format == "+l" || format == "+L") {
    QUIRE_RETURN_NOT_OK(CheckChildCount(s, format, 1, where));
    QUIRE_ASSIGN_OR_RETURN(FieldVector fields, ImportChildFields(s, path, depth));
    return format == "+l" ? list(std::move(fields[0])) : large_list(std::move(fields[0]));
  }
  if (format.starts_with("+w:")) {
    int32_t size = 0;
    if (!ParseInt32(format.substr(3), &size) || size < 0) {
      return Status::Corrupt("{}: malformed fixed_size_list format string '{}'", where,
                             format);
    }
    QUIRE_RETURN_NOT_OK(CheckChildCount(s, format, 1, where));
    QUIRE_ASSIGN_OR_RETURN(FieldVector fields, ImportChildFields(s, path, depth));
    return fixed_size_list(std::move(fields[0]), size);
  }
  if (format == "+m") {
    QUIRE_RETURN_NOT_OK(CheckChildCount(s, format, 1, where));
    QUIRE_ASSIGN_OR_RETURN(FieldVector fields, ImportChildFields(s, path, depth));
    FieldPtr entries = std::move(fields[0]);
    const DataType& entries_type = *entries->type();
    if (entries_type.id() == TypeId::kStruct && entries_type.num_fields() == 2 &&
        entries_type.field(0)->nullable()) {
      // Map keys are never null (Columnar Format, "Map"); some producers still set the
      // nullable flag on the key field, so it is cleared rather than rejected.
      FieldVector key_value = entries_type.fields();
      key_value[0] = key_value[0]->WithNullable(false);
      entries = entries->WithType(struct_(std::move(key_value)));
    }
    DataType::Params params{.fields = {entries}};
    Status st = DataType::CheckParams(TypeId::kMap, params);
    if (!st.ok()) {
      return Status::Corrupt("{}: format string '+m': {}", where, st.message());
    }
    return map(std::move(entries), (s.flags & ARROW_FLAG_MAP_KEYS_SORTED) != 0);
  }
  if (format == "+vl" || format == "+vL") {
    return Status::Unsupported("{}: format string '{}': list views are not supported",
                               where, format);
  }
  if (format == "+r") {
    return Status::Unsupported(
        "{}: format string '+r': run-end encoding is not supported", where);
  }
  if (format.starts_with("+ud:") || format.starts_with("+us:")) {
    return Status::Unsupported("{}: format string '{}': unions are not supported", where,
                               format);
  }
  return Status::Unsupported("{}: unknown format string '{}'", where, format);
}

// Parse a format string that is not dictionary-encoded.
Result<TypePtr> ParseFormat(const ArrowSchema& s, const std::string& path, int depth) {
  const std::string_view format(s.format);
  const std::string where = Where("ArrowSchema", path);
  if (format.empty()) return Status::Corrupt("{}: empty format string", where);
  if (format[0] == '+') return ParseNested(s, format, path, depth);
  if (s.n_children != 0) {
    return Status::Corrupt("{}: format string '{}' takes no children, n_children is {}",
                           where, format, s.n_children);
  }
  if (format.size() == 1) {
    switch (format[0]) {
      case 'n': return null();
      case 'b': return boolean();
      case 'c': return int8();
      case 'C': return uint8();
      case 's': return int16();
      case 'S': return uint16();
      case 'i': return int32();
      case 'I': return uint32();
      case 'l': return int64();
      case 'L': return uint64();
      case 'e': return float16();
      case 'f': return float32();
      case 'g': return float64();
      case 'z': return binary();
      case 'Z': return large_binary();
      case 'u': return utf8();
      case 'U': return large_utf8();
      case 'd':
      case 'w':
      case 'v':
      case 't': return Status::Corrupt("{}: malformed format string '{}'", where, format);
      default:
        return Status::Unsupported("{}: unknown format string '{}'", where, format);
    }
  }
  switch (format[0]) {
    case 'v':
      if (format == "vz") return binary_view();
      if (format == "vu") return utf8_view();
      return Status::Corrupt("{}: malformed format string '{}'", where, format);
    case 'd':
      if (format[1] != ':') break;
      return ParseDecimal(format, where);
    case 'w': {
      int32_t width = 0;
      if (format[1] != ':' || !ParseInt32(format.substr(2), &width) || width < 0) break;
      return fixed_size_binary(width);
    }
    case 't': return ParseTemporal(format, where);
    default:
      if (std::string_view("nbcCsSiIlLefgzZuU").find(format[0]) ==
          std::string_view::npos) {
        return Status::Unsupported("{}: unknown format string '{}'", where, format);
      }
      break;  // a one-letter format followed by garbage
  }
  return Status::Corrupt("{}: malformed format string '{}'", where, format);
}

Result<TypePtr> ImportTypeNode(const ArrowSchema& s, const std::string& path, int depth) {
  QUIRE_RETURN_NOT_OK(CheckSchemaNode(s, path, depth));
  if (s.dictionary == nullptr) return ParseFormat(s, path, depth);

  // Dictionary-encoded: the format is the index type, the dictionary the value type.
  const std::string where = Where("ArrowSchema", path);
  if (s.dictionary->release == nullptr) {
    return Status::Corrupt("{}: the dictionary is released", where);
  }
  QUIRE_ASSIGN_OR_RETURN(TypePtr index_type, ParseFormat(s, path, depth));
  if (!index_type->is_integer()) {
    return Status::Corrupt(
        "{}: format string '{}' of a dictionary is not an integer index type", where,
        s.format);
  }
  QUIRE_ASSIGN_OR_RETURN(TypePtr value_type,
                         ImportTypeNode(*s.dictionary, DictionaryPath(path), depth + 1));
  return dictionary(std::move(index_type), std::move(value_type),
                    (s.flags & ARROW_FLAG_DICTIONARY_ORDERED) != 0);
}

Result<FieldPtr> ImportFieldNode(const ArrowSchema& s, const std::string& path,
                                 int depth) {
  QUIRE_ASSIGN_OR_RETURN(TypePtr type, ImportTypeNode(s, path, depth));
  QUIRE_ASSIGN_OR_RETURN(MetadataPtr metadata, DecodeMetadata(s.metadata, path));
  return field(s.name != nullptr ? s.name : "", std::move(type),
               (s.flags & ARROW_FLAG_NULLABLE) != 0, std::move(metadata));
}

}  // namespace


Status ExportType(const DataType& type, ArrowSchema* out) {
  if (out == nullptr) {
    return Status::Invalid("ExportType: the output ArrowSchema is null");
  }
  return ExportSchemaNode(type, "", /*nullable=*/true, nullptr, out);
}

Status ExportField(const Field& field, ArrowSchema* out) {
  if (out == nullptr) {
    return Status::Invalid("ExportField: the output ArrowSchema is null");
  }
  if (!field.type()) {
    return Status::Invalid("ExportField: field '{}' has no type", field.name());
  }
  return ExportSchemaNode(*field.type(), field.name(), field.nullable(),
                          field.metadata().get(), out);
}

Status ExportSchema(const Schema& schema, ArrowSchema* out) {
  if (out == nullptr) {
    return Status::Invalid("ExportSchema: the output ArrowSchema is null");
  }
  for (const FieldPtr& f : schema.fields()) {
    if (!f || !f->type()) return Status::Invalid("ExportSchema: a field has no type");
  }
  return ExportSchemaNode(*struct_(schema.fields()), "", /*nullable=*/false,
                          schema.metadata().get(), out);
}

Result<TypePtr> ImportType(ArrowSchema* schema) {
  if (schema == nullptr) return Status::Invalid("ImportType: the ArrowSchema is null");
  UniqueSchema owned(schema);
  return ImportTypeNode(*owned.get(), "", 0);
}

Result<FieldPtr> ImportField(ArrowSchema* schema) {
  if (schema == nullptr) return Status::Invalid("ImportField: the ArrowSchema is null");
  UniqueSchema owned(schema);
  return ImportFieldNode(*owned.get(), "", 0);
}

Result<SchemaPtr> ImportSchema(ArrowSchema* schema) {
  if (schema == nullptr) return Status::Invalid("ImportSchema: the ArrowSchema is null");
  UniqueSchema owned(schema);
  const ArrowSchema& s = *owned.get();
  QUIRE_RETURN_NOT_OK(CheckSchemaNode(s, "", 0));
  if (std::string_view(s.format) != "+s" || s.dictionary != nullptr) {
    return Status::Corrupt(
        "ArrowSchema: a schema must be a struct (format string '+s'), not '{}'{}",
        s.format, s.dictionary != nullptr ? " with a dictionary" : "");
  }
  QUIRE_ASSIGN_OR_RETURN(FieldVector fields, ImportChildFields(s, "", 0));
  QUIRE_ASSIGN_OR_RETURN(MetadataPtr metadata, DecodeMetadata(s.metadata, ""));
  return columnar::schema(std::move(fields), std::move(metadata));
}

}  // namespace quire::columnar
