/// \file quire/columnar/c_data.cc
/// \brief Arrow C Data Interface and C Stream Interface: format strings, metadata,
/// zero-copy export (private data keeps quire's arrays alive) and import (a shared
/// owner calls the producer's release once).
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

namespace quire::columnar {

namespace {

// Deepest nesting accepted on import; bounds the recursion on hostile (even cyclic)
// ArrowSchema trees.
constexpr int kMaxNestingDepth = 64;

bool IsView(TypeId id) { return id == TypeId::kBinaryView || id == TypeId::kStringView; }

bool IsOffsetBinary(TypeId id) {
  return id == TypeId::kBinary || id == TypeId::kString || id == TypeId::kLargeBinary ||
         id == TypeId::kLargeString;
}

// Children in the C struct: the value field of lists, the entries of a map, the
// members of a struct. A dictionary's values travel in `dictionary` instead.
int64_t CChildCount(const DataType& type) {
  return type.id() == TypeId::kDictionary ? 0 : type.num_fields();
}

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

// --- Array export -------------------------------------------------------------------

// private_data of an exported ArrowArray: the quire array keeps every buffer alive,
// and each child has its own ArrayExport, so a moved child outlives its parent.
struct ArrayExport {
  ArrayPtr array;
  std::vector<const void*> buffers;
  std::vector<int64_t> variadic_sizes;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
  ArrowArray dictionary{};

  ~ArrayExport() {
    for (ArrowArray& child : children) {
      if (child.release != nullptr) child.release(&child);
    }
    if (dictionary.release != nullptr) dictionary.release(&dictionary);
  }
};

void ReleaseExportedArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  delete static_cast<ArrayExport*>(array->private_data);
  array->private_data = nullptr;
  array->release = nullptr;
}

// A never-null pointer for the empty variadic sizes buffer of a view array without
// data buffers: some consumers mishandle null buffers (apache/arrow#33936).
const int64_t kNoVariadicSizes = 0;

Status ExportArrayNode(const ArrayPtr& array, ArrowArray* out) {
  if (!array) return Status::Invalid("cannot export a null array");
  auto node = std::make_unique<ArrayExport>();
  node->array = array;
  const TypeId id = array->type_id();

  // quire keeps [validity, views, data...] for views; the C struct appends the sizes
  // of the data buffers as a final int64 buffer.
  const int64_t quire_buffers =
      IsView(id) ? std::max(array->num_buffers(), 2) : internal::LayoutBufferCount(id);
  node->buffers.assign(size_t(quire_buffers), nullptr);
  for (int64_t i = 0; i < quire_buffers; ++i) {
    const BufferPtr& b = array->buffer(size_t(i));
    node->buffers[size_t(i)] = b ? b->data() : nullptr;
  }
  if (IsView(id)) {
    for (int64_t i = 2; i < quire_buffers; ++i) {
      const BufferPtr& b = array->buffer(size_t(i));
      node->variadic_sizes.push_back(b ? b->size() : 0);
    }
    node->buffers.push_back(node->variadic_sizes.empty() ? &kNoVariadicSizes
                                                         : node->variadic_sizes.data());
  }

  // Children are exported unsliced: as in Arrow, a struct's or fixed_size_list's offset
  // applies to its children, and a list's offsets index its child.
  const ArrayVector& children = array->children();
  node->children.resize(children.size());
  node->child_pointers.resize(children.size());
  for (size_t i = 0; i < children.size(); ++i) {
    QUIRE_RETURN_NOT_OK(ExportArrayNode(children[i], &node->children[i]));
    node->child_pointers[i] = &node->children[i];
  }
  if (array->dictionary()) {
    QUIRE_RETURN_NOT_OK(ExportArrayNode(array->dictionary(), &node->dictionary));
  }

  out->length = array->length();
  out->null_count = array->null_count();
  out->offset = array->offset();
  out->n_buffers = int64_t(node->buffers.size());
  out->n_children = int64_t(children.size());
  out->buffers = node->buffers.empty() ? nullptr : node->buffers.data();
  out->children = children.empty() ? nullptr : node->child_pointers.data();
  out->dictionary = node->dictionary.release != nullptr ? &node->dictionary : nullptr;
  out->release = &ReleaseExportedArray;
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

// --- Array import -------------------------------------------------------------------

// Shared owner of an imported ArrowArray tree: every Buffer made from the producer's
// memory holds it, and the last one to go calls the producer's release.
struct ImportedArray {
  ArrowArray c;
  explicit ImportedArray(ArrowArray* source) : c(*source) { source->release = nullptr; }
  ImportedArray(const ImportedArray&) = delete;
  ImportedArray& operator=(const ImportedArray&) = delete;
  ~ImportedArray() {
    if (c.release != nullptr) c.release(&c);
  }
};

// Stand-in for the null pointers the C Data Interface allows for empty buffers, so
// that quire code can rely on non-null data pointers (as quire's own buffers have).
const BufferPtr& EmptyBuffer() {
  alignas(kBufferAlignment) static const uint8_t kEmptyArea[kBufferAlignment] = {};
  static const BufferPtr kEmpty = std::make_shared<Buffer>(kEmptyArea, 0);
  return kEmpty;
}

int64_t BufferAlignment(int64_t element_width) {
  // Natural alignment of the element type, at most 8 (decimals and intervals are
  // read as 64-bit words).
  if (element_width <= 0 || (element_width & (element_width - 1)) != 0) return 1;
  return std::min<int64_t>(element_width, 8);
}

class ArrayImporter {
 public:
  explicit ArrayImporter(std::shared_ptr<const ImportedArray> owner)
      : owner_(std::move(owner)) {}

  Result<ArrayPtr> Import(const ArrowArray& c, const TypePtr& type,
                          const std::string& path, int depth) {
    Node node{c, *type, path};
    if (depth > kMaxNestingDepth) {
      return node.Error(
          fmt::format("nesting is deeper than {} levels", kMaxNestingDepth));
    }
    QUIRE_RETURN_NOT_OK(CheckShape(node));
    const TypeId id = type->id();
    const int64_t end = c.offset + c.length;  // CheckShape: no overflow

    std::vector<BufferPtr> buffers;
    if (id != TypeId::kNull) {
      if (c.buffers[0] == nullptr) {
        // C Data Interface: the validity pointer may be null only without nulls.
        if (c.null_count > 0) {
          return node.Error(
              fmt::format("validity buffer is null but null_count is {}", c.null_count));
        }
        buffers.push_back(nullptr);
      } else {
        QUIRE_ASSIGN_OR_RETURN(
            BufferPtr validity,
            Wrap(node, c.buffers[0], util::BytesForBits(end), 1, "validity"));
        buffers.push_back(std::move(validity));
      }
    }

    switch (id) {
      case TypeId::kNull:
      case TypeId::kStruct:
      case TypeId::kFixedSizeList: break;
      case TypeId::kBool: {
        QUIRE_ASSIGN_OR_RETURN(
            BufferPtr values,
            Wrap(node, c.buffers[1], util::BytesForBits(end), 1, "values"));
        buffers.push_back(std::move(values));
        break;
      }
      case TypeId::kBinary:
      case TypeId::kString:
      case TypeId::kLargeBinary:
      case TypeId::kLargeString:
      case TypeId::kList:
      case TypeId::kLargeList:
      case TypeId::kMap: {
        const bool large = id == TypeId::kLargeBinary || id == TypeId::kLargeString ||
                           id == TypeId::kLargeList;
        int64_t last_offset = 0;
        QUIRE_ASSIGN_OR_RETURN(BufferPtr offsets,
                               ImportOffsets(node, large ? 8 : 4, end, &last_offset));
        buffers.push_back(std::move(offsets));
        if (IsOffsetBinary(id)) {
          // The data a slice uses ends at its last offset.
          QUIRE_ASSIGN_OR_RETURN(BufferPtr data,
                                 Wrap(node, c.buffers[2], last_offset, 1, "data"));
          buffers.push_back(std::move(data));
        }
        break;
      }
      case TypeId::kBinaryView:
      case TypeId::kStringView: {
        QUIRE_ASSIGN_OR_RETURN(int64_t views_size, Bytes(node, end, sizeof(ViewSlot)));
        QUIRE_ASSIGN_OR_RETURN(BufferPtr views, Wrap(node, c.buffers[1], views_size,
                                                     alignof(ViewSlot), "views"));
        buffers.push_back(std::move(views));
        const int64_t n_data = c.n_buffers - 3;
        const auto* sizes = static_cast<const uint8_t*>(c.buffers[c.n_buffers - 1]);
        if (n_data > 0 && sizes == nullptr) {
          return node.Error(fmt::format(
              "variadic buffer sizes (the last buffer) are null for {} data buffers",
              n_data));
        }
        for (int64_t k = 0; k < n_data; ++k) {
          int64_t size = 0;
          std::memcpy(&size, sizes + k * int64_t(sizeof(int64_t)), sizeof(size));
          if (size < 0) {
            return node.Error(
                fmt::format("variadic data buffer {} has negative size {}", k, size));
          }
          QUIRE_ASSIGN_OR_RETURN(BufferPtr data,
                                 Wrap(node, c.buffers[2 + k], size, 1, "variadic data"));
          buffers.push_back(std::move(data));
        }
        break;
      }
      default: {
        // Fixed width: numbers, decimals, temporal, fixed_size_binary; dictionary
        // indices.
        const int64_t width = id == TypeId::kDictionary ? type->index_type()->byte_width()
                                                        : type->byte_width();
        QUIRE_ASSIGN_OR_RETURN(int64_t size, Bytes(node, end, width));
        QUIRE_ASSIGN_OR_RETURN(BufferPtr values,
                               Wrap(node, c.buffers[1], size, BufferAlignment(width),
                                    id == TypeId::kDictionary ? "indices" : "values"));
        buffers.push_back(std::move(values));
        break;
      }
    }

    ArrayVector children;
    children.reserve(size_t(c.n_children));
    for (int64_t i = 0; i < c.n_children; ++i) {
      const FieldPtr& f = type->field(int(i));
      QUIRE_ASSIGN_OR_RETURN(
          ArrayPtr child,
          Import(*c.children[i], f->type(), ChildPath(path, f->name(), i), depth + 1));
      children.push_back(std::move(child));
    }
    ArrayPtr dictionary;
    if (id == TypeId::kDictionary) {
      QUIRE_ASSIGN_OR_RETURN(dictionary,
                             Import(*c.dictionary, type->dictionary_value_type(),
                                    DictionaryPath(path), depth + 1));
    }

    // The null type's slots are all null whatever the producer counted.
    const int64_t null_count = id == TypeId::kNull  ? c.length
                               : c.null_count == -1 ? kUnknownNullCount
                                                    : c.null_count;
    return Array::Make(type, c.length, std::move(buffers), std::move(children),
                       std::move(dictionary), null_count, c.offset);
  }

 private:
  struct Node {
    const ArrowArray& c;
    const DataType& type;
    const std::string& path;

    Status Error(std::string message) const {
      return Status(ErrorCode::kCorrupt,
                    fmt::format("{} of type {}: {}", Where("ArrowArray", path),
                                type.ToString(), message));
    }
  };

  // Everything that must hold before any member is dereferenced.
  static Status CheckShape(const Node& node) {
    const ArrowArray& c = node.c;
    const DataType& type = node.type;
    if (c.release == nullptr) return node.Error("the struct is released");
    if (c.length < 0) return node.Error(fmt::format("negative length {}", c.length));
    if (c.offset < 0) return node.Error(fmt::format("negative offset {}", c.offset));
    // Leave room for the "+ 1" of offsets and the "+ 7" of bitmaps.
    if (c.offset > std::numeric_limits<int64_t>::max() - 8 - c.length) {
      return node.Error(
          fmt::format("offset {} + length {} overflows", c.offset, c.length));
    }
    if (c.null_count < -1 || c.null_count > c.length) {
      return node.Error(fmt::format("null_count {} is outside [-1, length {}]",
                                    c.null_count, c.length));
    }
    const int64_t want_buffers = internal::LayoutBufferCount(type.id());
    if (want_buffers >= 0 ? c.n_buffers != want_buffers : c.n_buffers < 3) {
      return node.Error(fmt::format(
          "n_buffers is {}, expected {}", c.n_buffers,
          want_buffers >= 0 ? std::to_string(want_buffers)
                            : "3 or more (validity, views, data buffers, their sizes)"));
    }
    if (c.n_buffers > 0 && c.buffers == nullptr) {
      return node.Error(fmt::format("n_buffers is {} but buffers is null", c.n_buffers));
    }
    const int64_t want_children = CChildCount(type);
    if (c.n_children != want_children) {
      return node.Error(
          fmt::format("n_children is {}, expected {}", c.n_children, want_children));
    }
    if (c.n_children > 0 && c.children == nullptr) {
      return node.Error(
          fmt::format("n_children is {} but children is null", c.n_children));
    }
    for (int64_t i = 0; i < c.n_children; ++i) {
      if (c.children[i] == nullptr) {
        return node.Error(fmt::format("children[{}] is null", i));
      }
    }
    if (type.id() == TypeId::kDictionary) {
      if (c.dictionary == nullptr) return node.Error("the dictionary is missing");
    } else if (c.dictionary != nullptr) {
      return node.Error("has a dictionary but the type is not dictionary-encoded");
    }
    return Status::OK();
  }

  static Result<int64_t> Bytes(const Node& node, int64_t count, int64_t width) {
    int64_t bytes = 0;
    if (__builtin_mul_overflow(count, width, &bytes)) {
      return node.Error(fmt::format("{} slots of {} bytes overflow", count, width));
    }
    return bytes;
  }

  // Offsets of binary and list layouts; `*last` gets the offset ending the slice.
  Result<BufferPtr> ImportOffsets(const Node& node, int64_t width, int64_t end,
                                  int64_t* last) {
    const void* p = node.c.buffers[1];
    if (p == nullptr) {
      // Arrow implementations omit the offsets of empty arrays; quire accepts it too.
      if (node.c.length == 0) {
        *last = 0;
        return EmptyBuffer();
      }
      return node.Error(
          fmt::format("offsets buffer is null for {} slots", node.c.length));
    }
    QUIRE_ASSIGN_OR_RETURN(int64_t size, Bytes(node, end + 1, width));
    const auto* at = static_cast<const uint8_t*>(p) + end * width;
    if (width == 4) {
      int32_t v;
      std::memcpy(&v, at, sizeof(v));
      *last = v;
    } else {
      std::memcpy(last, at, sizeof(*last));
    }
    if (*last < 0) return node.Error(fmt::format("last offset {} is negative", *last));
    return Wrap(node, p, size, width, "offsets");
  }

  // View `size` bytes of producer memory as a Buffer kept alive by the owner.
  Result<BufferPtr> Wrap(const Node& node, const void* p, int64_t size, int64_t alignment,
                         std::string_view what) {
    if (p == nullptr) {
      // C Data Interface: any buffer may be null when its size would be 0.
      if (size == 0) return EmptyBuffer();
      return node.Error(
          fmt::format("{} buffer is null but {} bytes are needed", what, size));
    }
    if (reinterpret_cast<uintptr_t>(p) % uintptr_t(alignment) != 0) {
      // Alignment is recommended, not required, by the spec; quire's typed views rely
      // on it, so a misaligned buffer is copied.
      return Buffer::Copy(std::span(static_cast<const std::byte*>(p), size_t(size)));
    }
    return std::make_shared<Buffer>(static_cast<const uint8_t*>(p), size, owner_);
  }

  std::shared_ptr<const void> owner_;
};

Status ApplyValidation(const Array& array, ImportValidation validation) {
  Status st;
  switch (validation) {
    case ImportValidation::kNone: return Status::OK();
    case ImportValidation::kStructure: st = array.Validate(); break;
    case ImportValidation::kFull: st = array.ValidateFull(); break;
  }
  return st.WithContext("imported ArrowArray");
}

// --- Streams ------------------------------------------------------------------------

// C Stream Interface, "Error codes": errno values; EINVAL, ENOMEM and EIO are the
// recommended ones, the rest keep quire's error codes across a round trip.
int ErrnoFromStatus(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kOk: return 0;
    case ErrorCode::kInvalidArgument: return EINVAL;
    case ErrorCode::kResourceExhausted: return ENOMEM;
    case ErrorCode::kCorrupt: return EBADMSG;
    case ErrorCode::kUnsupported: return ENOSYS;
    case ErrorCode::kNotFound: return ENOENT;
    case ErrorCode::kAlreadyExists: return EEXIST;
    case ErrorCode::kCancelled: return ECANCELED;
    default: return EIO;
  }
}

ErrorCode CodeFromErrno(int error) {
  switch (error) {
    case EINVAL: return ErrorCode::kInvalidArgument;
    case ENOMEM: return ErrorCode::kResourceExhausted;
    case EBADMSG: return ErrorCode::kCorrupt;
    case ENOSYS:
    case ENOTSUP: return ErrorCode::kUnsupported;
    case ENOENT: return ErrorCode::kNotFound;
    case EEXIST: return ErrorCode::kAlreadyExists;
    case ECANCELED: return ErrorCode::kCancelled;
    default: return ErrorCode::kIOError;
  }
}

std::string_view ErrnoName(int error) {
  switch (error) {
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EIO: return "EIO";
    case EBADMSG: return "EBADMSG";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ECANCELED: return "ECANCELED";
    default: return "unknown errno";
  }
}

// private_data of an exported ArrowArrayStream.
struct StreamExport {
  std::shared_ptr<RecordBatchReader> reader;
  SchemaPtr schema;
  std::string last_error;
  int64_t batches = 0;

  int Fail(const Status& st) {
    last_error = st.ToString();
    return ErrnoFromStatus(st);
  }
};

// No exception may unwind through the C callbacks.
template <typename F>
int CallGuarded(StreamExport* stream, F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    try {
      stream->last_error = "ResourceExhausted: out of memory";
    } catch (...) {
    }
    return ENOMEM;
  } catch (const std::exception& e) {
    try {
      stream->last_error = std::string("Internal: ") + e.what();
    } catch (...) {
    }
    return EIO;
  }
}

int StreamGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* p = static_cast<StreamExport*>(stream->private_data);
  return CallGuarded(p, [&] {
    Status st = ExportSchema(*p->schema, out);
    return st.ok() ? 0 : p->Fail(st);
  });
}

int StreamGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* p = static_cast<StreamExport*>(stream->private_data);
  return CallGuarded(p, [&] {
    Result<RecordBatchPtr> next = p->reader->Next();
    if (!next.ok()) return p->Fail(next.status());
    const RecordBatchPtr& batch = *next;
    if (!batch) {
      // C Stream Interface: the end of the stream is a released array.
      std::memset(out, 0, sizeof(*out));
      return 0;
    }
    const int64_t index = p->batches++;
    if (!batch->schema()->Equals(*p->schema)) {
      return p->Fail(Status::Invalid(
          "batch {} of the stream has schema\n{}\nbut the stream's schema is\n{}", index,
          batch->schema()->ToString(), p->schema->ToString()));
    }
    Status st = ExportRecordBatch(batch, out);
    return st.ok() ? 0 : p->Fail(st);
  });
}

const char* StreamGetLastError(ArrowArrayStream* stream) {
  auto* p = static_cast<StreamExport*>(stream->private_data);
  return p->last_error.empty() ? nullptr : p->last_error.c_str();
}

void StreamRelease(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) return;
  delete static_cast<StreamExport*>(stream->private_data);
  stream->private_data = nullptr;
  stream->release = nullptr;
}

class ImportedStreamReader final : public RecordBatchReader {
 public:
  ImportedStreamReader(UniqueStream stream, ImportValidation validation)
      : stream_(std::move(stream)), validation_(validation) {}

  Status Init() {
    UniqueSchema c_schema;
    const int rc = stream_->get_schema(stream_.get(), c_schema.get());
    if (rc != 0) return ProducerError("get_schema", rc);
    Result<SchemaPtr> schema = ImportSchema(c_schema.get());
    if (!schema.ok()) {
      return schema.status().WithContext("schema of the ArrowArrayStream");
    }
    schema_ = std::move(schema).ValueOrDie();
    return Status::OK();
  }

  SchemaPtr schema() const override { return schema_; }

  Result<RecordBatchPtr> Next() override {
    if (!error_.ok()) return error_;
    if (finished_) return RecordBatchPtr();
    UniqueArray c_array;
    const int rc = stream_->get_next(stream_.get(), c_array.get());
    if (rc != 0) {
      error_ = ProducerError("get_next", rc);
      return error_;
    }
    if (!c_array) {
      finished_ = true;
      return RecordBatchPtr();
    }
    Result<RecordBatchPtr> batch = ImportRecordBatch(c_array.get(), schema_, validation_);
    if (!batch.ok()) {
      error_ = batch.status().WithContext(
          fmt::format("batch {} of the ArrowArrayStream", batches_));
      return error_;
    }
    ++batches_;
    return batch;
  }

 private:
  Status ProducerError(std::string_view callback, int rc) {
    const char* message = stream_->get_last_error != nullptr
                              ? stream_->get_last_error(stream_.get())
                              : nullptr;
    return Status(
        CodeFromErrno(rc),
        fmt::format("ArrowArrayStream {} failed with errno {} ({}): {}", callback, rc,
                    ErrnoName(rc),
                    message != nullptr ? message : "no message from the producer"));
  }

  UniqueStream stream_;
  ImportValidation validation_;
  SchemaPtr schema_;
  Status error_;  // sticky: a C stream must not be read after an error
  bool finished_ = false;
  int64_t batches_ = 0;
};

}  // namespace

// --- Public API ---------------------------------------------------------------------

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

Status ExportArray(const ArrayPtr& array, ArrowArray* out, ArrowSchema* out_schema) {
  if (!array) return Status::Invalid("ExportArray: the array is null");
  if (out == nullptr) {
    return Status::Invalid("ExportArray: the output ArrowArray is null");
  }
  UniqueSchema schema;
  if (out_schema != nullptr) {
    QUIRE_RETURN_NOT_OK(ExportType(*array->type(), schema.get()));
  }
  QUIRE_RETURN_NOT_OK(ExportArrayNode(array, out));
  if (out_schema != nullptr) schema.release(out_schema);
  return Status::OK();
}

Status ExportRecordBatch(const RecordBatchPtr& batch, ArrowArray* out,
                         ArrowSchema* out_schema) {
  if (!batch) return Status::Invalid("ExportRecordBatch: the batch is null");
  if (out == nullptr) {
    return Status::Invalid("ExportRecordBatch: the output ArrowArray is null");
  }
  UniqueSchema schema;
  if (out_schema != nullptr) {
    QUIRE_RETURN_NOT_OK(ExportSchema(*batch->schema(), schema.get()));
  }
  QUIRE_RETURN_NOT_OK(ExportArrayNode(batch->ToStructArray(), out));
  if (out_schema != nullptr) schema.release(out_schema);
  return Status::OK();
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

Result<ArrayPtr> ImportArray(ArrowArray* array, const TypePtr& type,
                             ImportValidation validation) {
  if (array == nullptr) return Status::Invalid("ImportArray: the ArrowArray is null");
  auto owner = std::make_shared<const ImportedArray>(array);
  if (!type) return Status::Invalid("ImportArray: the type is null");
  ArrayImporter importer(owner);
  QUIRE_ASSIGN_OR_RETURN(ArrayPtr result, importer.Import(owner->c, type, "", 0));
  QUIRE_RETURN_NOT_OK(ApplyValidation(*result, validation));
  return result;
}

Result<ArrayPtr> ImportArray(ArrowArray* array, ArrowSchema* schema,
                             ImportValidation validation) {
  UniqueArray owned_array(array);
  if (array == nullptr) {
    UniqueSchema owned_schema(schema);
    return Status::Invalid("ImportArray: the ArrowArray is null");
  }
  QUIRE_ASSIGN_OR_RETURN(TypePtr type, ImportType(schema));
  return ImportArray(owned_array.get(), type, validation);
}

Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, const SchemaPtr& schema,
                                         ImportValidation validation) {
  if (array == nullptr) {
    return Status::Invalid("ImportRecordBatch: the ArrowArray is null");
  }
  if (!schema) {
    UniqueArray owned_array(array);
    return Status::Invalid("ImportRecordBatch: the schema is null");
  }
  QUIRE_ASSIGN_OR_RETURN(ArrayPtr array_of_struct,
                         ImportArray(array, struct_(schema->fields()), validation));
  // C Data Interface: a record batch is a struct array without top-level nulls.
  if (array_of_struct->validity() != nullptr && array_of_struct->null_count() > 0) {
    return Status::Corrupt("ArrowArray of a record batch has {} top-level nulls",
                           array_of_struct->null_count());
  }
  ArrayVector columns;
  columns.reserve(size_t(array_of_struct->num_children()));
  for (int i = 0; i < array_of_struct->num_children(); ++i) {
    columns.push_back(array_of_struct->field(i));
  }
  return RecordBatch::Make(schema, array_of_struct->length(), std::move(columns));
}

Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, ArrowSchema* schema,
                                         ImportValidation validation) {
  UniqueArray owned_array(array);
  if (array == nullptr) {
    UniqueSchema owned_schema(schema);
    return Status::Invalid("ImportRecordBatch: the ArrowArray is null");
  }
  QUIRE_ASSIGN_OR_RETURN(SchemaPtr imported_schema, ImportSchema(schema));
  return ImportRecordBatch(owned_array.get(), imported_schema, validation);
}

Status ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader,
                               ArrowArrayStream* out) {
  if (!reader) return Status::Invalid("ExportRecordBatchReader: the reader is null");
  if (out == nullptr) {
    return Status::Invalid(
        "ExportRecordBatchReader: the output ArrowArrayStream is null");
  }
  auto p = std::make_unique<StreamExport>();
  p->schema = reader->schema();
  if (!p->schema) {
    return Status::Invalid("ExportRecordBatchReader: the reader has no schema");
  }
  p->reader = std::move(reader);
  out->get_schema = &StreamGetSchema;
  out->get_next = &StreamGetNext;
  out->get_last_error = &StreamGetLastError;
  out->release = &StreamRelease;
  out->private_data = p.release();
  return Status::OK();
}

Result<std::unique_ptr<RecordBatchReader>> ImportRecordBatchReader(
    ArrowArrayStream* stream, ImportValidation validation) {
  if (stream == nullptr) {
    return Status::Invalid("ImportRecordBatchReader: the ArrowArrayStream is null");
  }
  UniqueStream owned(stream);
  if (!owned) return Status::Corrupt("ArrowArrayStream: the struct is released");
  if (owned->get_schema == nullptr || owned->get_next == nullptr) {
    return Status::Corrupt("ArrowArrayStream: get_schema or get_next is null");
  }
  auto reader = std::make_unique<ImportedStreamReader>(std::move(owned), validation);
  QUIRE_RETURN_NOT_OK(reader->Init());
  return std::unique_ptr<RecordBatchReader>(std::move(reader));
}

}  // namespace quire::columnar
