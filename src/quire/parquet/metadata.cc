/// \file quire/parquet/metadata.cc
/// \brief Parsing and serialization of the parquet.thrift structures.
///
/// Each struct's fields are listed once, in a StructFields<T> specialization copied
/// field by field from parquet.thrift (id, Thrift name, member); one generic parser
/// and one generic serializer walk that list, so the two directions cannot disagree.
/// Codec<T> maps a member's C++ type to its compact-protocol type. Unions are written
/// out by hand: they keep the id of a member this code does not know.
#include "quire/parquet/metadata.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <type_traits>

#include "quire/util/macros.h"

namespace quire::parquet {

namespace {

template <typename T>
inline constexpr bool kIsVector = false;
template <typename T>
inline constexpr bool kIsVector<std::vector<T>> = true;

// Thrift unions whose members are all empty structs are held as an enum of the
// member's field id (TimeUnit, BloomFilterAlgorithm, ...): 0 when no member is set.
Status ParseUnionId(CompactReader& reader, const char* name, int16_t* id);
void WriteUnionId(CompactWriter& writer, int16_t id);

// Codec<T>: the compact type of a T and how to read and write one.
// The primary template is for structs, which have Parse() and Serialize().
template <typename T, typename Enable = void>
struct Codec {
  static constexpr CompactType kType = CompactType::kStruct;
  static bool Accepts(CompactType wire) { return wire == kType; }
  static Status Read(CompactReader& r, CompactType, T* out) { return Parse(r, out); }
  static void Write(CompactWriter& w, const T& v) { Serialize(v, w); }
};

template <>
struct Codec<bool> {
  static constexpr CompactType kType = CompactType::kBool;
  static bool Accepts(CompactType wire) { return wire == kType; }
  static Status Read(CompactReader& r, CompactType, bool* out) {
    QUIRE_ASSIGN_OR_RETURN(*out, r.ReadBool());
    return Status::OK();
  }
  static void Write(CompactWriter& w, bool v) { w.WriteBool(v); }
};

template <>
struct Codec<int8_t> {
  static constexpr CompactType kType = CompactType::kI8;
  static bool Accepts(CompactType wire) { return wire == kType; }
  static Status Read(CompactReader& r, CompactType, int8_t* out) {
    QUIRE_ASSIGN_OR_RETURN(*out, r.ReadI8());
    return Status::OK();
  }
  static void Write(CompactWriter& w, int8_t v) { w.WriteI8(v); }
};

// i16, i32 and i64 are all zigzag varints on the wire, so an integer is read
// whichever of the three it was written as, and range-checked. The Thrift libraries
// read list elements without looking at the element type, and some writers rely on
// it (bad_data/ARROW-GH-41317.parquet writes its encodings as list<i16>).
bool IsVarintInteger(CompactType wire) {
  return wire == CompactType::kI16 || wire == CompactType::kI32 ||
         wire == CompactType::kI64;
}

template <typename T>
Status ReadVarintInteger(CompactReader& r, CompactType wire, T* out) {
  const int64_t offset = r.position();
  int64_t value = 0;
  if (wire == CompactType::kI16) {
    QUIRE_ASSIGN_OR_RETURN(value, r.ReadI16());
  } else if (wire == CompactType::kI32) {
    QUIRE_ASSIGN_OR_RETURN(value, r.ReadI32());
  } else {
    QUIRE_ASSIGN_OR_RETURN(value, r.ReadI64());
  }
  if constexpr (sizeof(T) < sizeof(int64_t)) {
    if (QUIRE_PREDICT_FALSE(value < std::numeric_limits<T>::min() ||
                            value > std::numeric_limits<T>::max())) {
      return Status::Corrupt("the {} {} at offset {} does not fit {} bits",
                             CompactTypeName(wire), value, offset, sizeof(T) * 8);
    }
  }
  *out = static_cast<T>(value);
  return Status::OK();
}

template <typename T>
struct VarintCodec {
  static constexpr CompactType kType = sizeof(T) == 2   ? CompactType::kI16
                                       : sizeof(T) == 4 ? CompactType::kI32
                                                        : CompactType::kI64;
  static bool Accepts(CompactType wire) { return IsVarintInteger(wire); }
  static Status Read(CompactReader& r, CompactType wire, T* out) {
    return ReadVarintInteger(r, wire, out);
  }
  static void Write(CompactWriter& w, T v) {
    if constexpr (sizeof(T) == 8) {
      w.WriteI64(v);
    } else {
      w.WriteI32(v);
    }
  }
};

template <>
struct Codec<int16_t> : VarintCodec<int16_t> {};
template <>
struct Codec<int32_t> : VarintCodec<int32_t> {};
template <>
struct Codec<int64_t> : VarintCodec<int64_t> {};

template <>
struct Codec<double> {
  static constexpr CompactType kType = CompactType::kDouble;
  static bool Accepts(CompactType wire) { return wire == kType; }
  static Status Read(CompactReader& r, CompactType, double* out) {
    QUIRE_ASSIGN_OR_RETURN(*out, r.ReadDouble());
    return Status::OK();
  }
  static void Write(CompactWriter& w, double v) { w.WriteDouble(v); }
};

template <>
struct Codec<std::string> {
  static constexpr CompactType kType = CompactType::kBinary;
  static bool Accepts(CompactType wire) { return wire == kType; }
  static Status Read(CompactReader& r, CompactType, std::string* out) {
    QUIRE_ASSIGN_OR_RETURN(std::string_view bytes, r.ReadBinary());
    out->assign(bytes);
    return Status::OK();
  }
  static void Write(CompactWriter& w, const std::string& v) { w.WriteBinary(v); }
};

// Thrift enums are i32 on the wire; every value is kept (see metadata.h).
template <typename E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E> &&
                                 std::is_same_v<std::underlying_type_t<E>, int32_t>>> {
  static constexpr CompactType kType = CompactType::kI32;
  static bool Accepts(CompactType wire) { return IsVarintInteger(wire); }
  static Status Read(CompactReader& r, CompactType wire, E* out) {
    int32_t value = 0;
    QUIRE_RETURN_NOT_OK(ReadVarintInteger(r, wire, &value));
    *out = static_cast<E>(value);
    return Status::OK();
  }
  static void Write(CompactWriter& w, E v) { w.WriteI32(static_cast<int32_t>(v)); }
};

// Unions of empty structs, held as an enum of the member's field id.
template <typename E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E> &&
                                 std::is_same_v<std::underlying_type_t<E>, int16_t>>> {
  static constexpr CompactType kType = CompactType::kStruct;
  static bool Accepts(CompactType wire) { return wire == kType; }
  static Status Read(CompactReader& r, CompactType, E* out) {
    int16_t id = 0;
    QUIRE_RETURN_NOT_OK(ParseUnionId(r, "union", &id));
    *out = static_cast<E>(id);
    return Status::OK();
  }
  static void Write(CompactWriter& w, E v) { WriteUnionId(w, static_cast<int16_t>(v)); }
};

template <typename T>
struct Codec<std::vector<T>> {
  static constexpr CompactType kType = CompactType::kList;
  static bool Accepts(CompactType wire) { return wire == kType; }
  static void Write(CompactWriter& w, const std::vector<T>& v) {
    QUIRE_DCHECK(v.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
    w.WriteListHeader(Codec<T>::kType, static_cast<int32_t>(v.size()));
    for (const auto& element : v) Codec<T>::Write(w, element);
  }
};

// Reads a list into `out`, replacing what it held (a repeated field's last copy wins).
template <typename T>
Status ReadList(CompactReader& r, const char* struct_name, const char* name,
                std::vector<T>* out) {
  auto header = r.ReadListHeader();
  if (!header.ok()) {
    return header.status().WithContext(fmt::format("{}.{}", struct_name, name));
  }
  out->clear();
  if (header->size == 0) return Status::OK();
  if (!Codec<T>::Accepts(header->element_type)) {
    return Status::Corrupt(
        "{}.{}: expected a list of {} but the list before offset {} holds {}",
        struct_name, name, CompactTypeName(Codec<T>::kType), r.position(),
        CompactTypeName(header->element_type));
  }
  // The count is bounded by the bytes left, but a struct element can be far larger
  // in memory than its smallest encoding: grow with what was actually read.
  out->reserve(std::min<size_t>(header->size, 1024));
  for (int32_t i = 0; i < header->size; ++i) {
    T element{};
    Status st = Codec<T>::Read(r, header->element_type, &element);
    if (QUIRE_PREDICT_FALSE(!st.ok())) {
      return st.WithContext(fmt::format("{}.{}[{}]", struct_name, name, i));
    }
    out->push_back(std::move(element));
  }
  return Status::OK();
}

// Which fields of a struct were read (ids 1..63), and which were skipped because
// their type was not the one parquet.thrift gives.
struct FieldsSeen {
  uint64_t present = 0;
  uint64_t wrong_type = 0;
};

void MarkField(uint64_t* mask, int16_t id) {
  if (id > 0 && id < 64) *mask |= uint64_t{1} << id;
}

// One field of a struct being parsed: Read() its value into a member or Skip() it.
class Field {
 public:
  Field(CompactReader& reader, FieldHeader header, const char* struct_name,
        FieldsSeen* seen)
      : reader_(reader), header_(header), struct_name_(struct_name), seen_(seen) {}

  int16_t id() const { return header_.id; }
  CompactType type() const { return header_.type; }

  // Reads the value into `out`; errors are prefixed "Struct.name". A field whose
  // wire type does not fit T is skipped, as Thrift-generated code does (Dremio wrote
  // a list as ColumnMetaData field 15 in data/dict-page-offset-zero.parquet).
  template <typename T>
  Status Read(const char* name, T* out) {
    if (QUIRE_PREDICT_FALSE(!Codec<T>::Accepts(header_.type))) return SkipWrongType();
    Status result = ReadValue(name, out);
    if (QUIRE_PREDICT_TRUE(result.ok())) MarkField(&seen_->present, header_.id);
    return result;
  }

  template <typename T>
  Status Read(const char* name, std::optional<T>* out) {
    if (QUIRE_PREDICT_FALSE(!Codec<T>::Accepts(header_.type))) return SkipWrongType();
    return Read(name, &out->emplace());
  }

  // Skips a field this code does not know.
  Status Skip() {
    Status st = reader_.Skip(header_.type);
    if (QUIRE_PREDICT_FALSE(!st.ok())) {
      return st.WithContext(fmt::format("{} field {}", struct_name_, header_.id));
    }
    return st;
  }

  // Skips a known field whose type is not the expected one.
  Status SkipWrongType() {
    MarkField(&seen_->wrong_type, header_.id);
    return Skip();
  }

 private:
  template <typename T>
  Status ReadValue(const char* name, T* out) {
    if constexpr (kIsVector<T>) {
      return ReadList(reader_, struct_name_, name, out);
    } else {
      Status st = Codec<T>::Read(reader_, header_.type, out);
      if (QUIRE_PREDICT_FALSE(!st.ok())) {
        return st.WithContext(fmt::format("{}.{}", struct_name_, name));
      }
      return st;
    }
  }

  CompactReader& reader_;
  FieldHeader header_;
  const char* struct_name_;
  FieldsSeen* seen_;
};

// Reads a struct: calls on_field(Field&) for each field, which reads or skips it.
template <typename Fn>
Status ParseStruct(CompactReader& r, const char* struct_name, FieldsSeen* seen,
                   Fn&& on_field) {
  Status st = r.ReadStructBegin();
  if (QUIRE_PREDICT_FALSE(!st.ok())) return st.WithContext(struct_name);
  for (;;) {
    auto header = r.ReadFieldHeader();
    if (QUIRE_PREDICT_FALSE(!header.ok())) {
      return header.status().WithContext(struct_name);
    }
    if (header->type == CompactType::kStop) break;
    Field field(r, *header, struct_name, seen);
    QUIRE_RETURN_NOT_OK(on_field(field));
  }
  return r.ReadStructEnd();
}

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

// Field lists pass kDefaulted for the one required field that may be absent.
enum class Presence : uint8_t {
  kByType,     // required unless the member is a std::optional
  kDefaulted,  // required in the IDL but read as its default when absent
};

// Parses a struct whose fields are listed by `list_fields(visit)`, which calls
// visit(id, thrift_name, member[, presence]) for each field.
template <typename ListFields>
Status ParseFieldList(CompactReader& r, const char* struct_name,
                      ListFields&& list_fields) {
  FieldsSeen seen;
  QUIRE_RETURN_NOT_OK(ParseStruct(r, struct_name, &seen, [&](Field& f) -> Status {
    Status st;
    bool known = false;
    list_fields(
        [&](int16_t id, const char* name, auto& member, Presence = Presence::kByType) {
          if (id == f.id()) {
            known = true;
            st = f.Read(name, &member);
          }
        });
    return known ? st : f.Skip();
  }));
  Status missing;
  list_fields([&](int16_t id, const char* name, auto& member,
                  Presence presence = Presence::kByType) {
    using Member = std::remove_cvref_t<decltype(member)>;
    const uint64_t bit = uint64_t{1} << id;
    if (!kIsOptional<Member> && presence == Presence::kByType && missing.ok() &&
        (seen.present & bit) == 0) {
      missing =
          Status::Corrupt("{}: required field {} ({}) {}", struct_name, name, id,
                          (seen.wrong_type & bit) ? "has the wrong type" : "is missing");
    }
  });
  return missing;
}

template <typename T>
void WriteField(CompactWriter& w, int16_t id, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    w.WriteBoolField(id, value);
  } else {
    w.WriteFieldHeader(id, Codec<T>::kType);
    Codec<T>::Write(w, value);
  }
}

template <typename T>
void WriteField(CompactWriter& w, int16_t id, const std::optional<T>& value) {
  if (value.has_value()) WriteField(w, id, *value);
}

// Writes the fields listed by `list_fields(visit)` (in the order listed), without
// the struct's begin and end.
template <typename ListFields>
void WriteFieldList(CompactWriter& w, ListFields&& list_fields) {
  list_fields([&](int16_t id, const char*, const auto& member,
                  Presence = Presence::kByType) { WriteField(w, id, member); });
}

// StructFields<T>: parquet.thrift's fields of T, in id order. Visit() is a template
// on S (T or const T) so that one list serves parsing and serialization.
template <typename T>
struct StructFields;

template <typename T>
Status ParseListedStruct(CompactReader& r, T* out) {
  *out = {};
  return ParseFieldList(r, StructFields<T>::kName,
                        [&](auto&& visit) { StructFields<T>::Visit(*out, visit); });
}

template <typename T>
void SerializeListedStruct(const T& value, CompactWriter& w) {
  w.WriteStructBegin();
  WriteFieldList(w, [&](auto&& visit) { StructFields<T>::Visit(value, visit); });
  w.WriteStructEnd();
}

void WriteEmptyStruct(CompactWriter& w) {
  w.WriteStructBegin();
  w.WriteStructEnd();
}

Status TooManyMembers(const char* union_name) {
  return Status::Corrupt("{}: more than one member of the union is set", union_name);
}

Status ParseUnionId(CompactReader& r, const char* name, int16_t* id) {
  *id = 0;
  int members = 0;
  FieldsSeen seen;
  return ParseStruct(r, name, &seen, [&](Field& f) -> Status {
    if (++members > 1) return TooManyMembers(name);
    *id = f.id();
    return f.Skip();
  });
}

void WriteUnionId(CompactWriter& w, int16_t id) {
  w.WriteStructBegin();
  if (id != 0) {
    w.WriteFieldHeader(id, CompactType::kStruct);
    WriteEmptyStruct(w);
  }
  w.WriteStructEnd();
}

}  // namespace

bool LogicalType::is_recognized() const {
  const int id = static_cast<int>(kind);
  return id >= 1 && id <= 19 && id != 9;  // 9 is reserved (INTERVAL)
}

bool BoundingBox::operator==(const BoundingBox& other) const {
  auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof(a)) == 0; };
  auto same_opt = [&](const std::optional<double>& a, const std::optional<double>& b) {
    return a.has_value() == b.has_value() && (!a || same(*a, *b));
  };
  return same(xmin, other.xmin) && same(xmax, other.xmax) && same(ymin, other.ymin) &&
         same(ymax, other.ymax) && same_opt(zmin, other.zmin) &&
         same_opt(zmax, other.zmax) && same_opt(mmin, other.mmin) &&
         same_opt(mmax, other.mmax);
}

// ---------------------------------------------------------------------------
// Field lists, copied from parquet.thrift.

namespace {

#define QUIRE_STRUCT_FIELDS(Type)               \
  template <>                                   \
  struct StructFields<Type> {                   \
    static constexpr const char* kName = #Type; \
    template <typename S, typename V>           \
    static void Visit(S& s, V&& visit);         \
  };                                            \
  template <typename S, typename V>             \
  void StructFields<Type>::Visit(S& s, V&& visit)

QUIRE_STRUCT_FIELDS(Statistics) {
  visit(1, "max", s.max);
  visit(2, "min", s.min);
  visit(3, "null_count", s.null_count);
  visit(4, "distinct_count", s.distinct_count);
  visit(5, "max_value", s.max_value);
  visit(6, "min_value", s.min_value);
  visit(7, "is_max_value_exact", s.is_max_value_exact);
  visit(8, "is_min_value_exact", s.is_min_value_exact);
  visit(9, "nan_count", s.nan_count);
}

QUIRE_STRUCT_FIELDS(SizeStatistics) {
  visit(1, "unencoded_byte_array_data_bytes", s.unencoded_byte_array_data_bytes);
  visit(2, "repetition_level_histogram", s.repetition_level_histogram);
  visit(3, "definition_level_histogram", s.definition_level_histogram);
}

QUIRE_STRUCT_FIELDS(BoundingBox) {
  visit(1, "xmin", s.xmin);
  visit(2, "xmax", s.xmax);
  visit(3, "ymin", s.ymin);
  visit(4, "ymax", s.ymax);
  visit(5, "zmin", s.zmin);
  visit(6, "zmax", s.zmax);
  visit(7, "mmin", s.mmin);
  visit(8, "mmax", s.mmax);
}

QUIRE_STRUCT_FIELDS(GeospatialStatistics) {
  visit(1, "bbox", s.bbox);
  visit(2, "geospatial_types", s.geospatial_types);
}

QUIRE_STRUCT_FIELDS(PageEncodingStats) {
  visit(1, "page_type", s.page_type);
  visit(2, "encoding", s.encoding);
  visit(3, "count", s.count);
}

QUIRE_STRUCT_FIELDS(SchemaElement) {
  visit(1, "type", s.type);
  visit(2, "type_length", s.type_length);
  visit(3, "repetition_type", s.repetition_type);
  visit(4, "name", s.name);
  visit(5, "num_children", s.num_children);
  visit(6, "converted_type", s.converted_type);
  visit(7, "scale", s.scale);
  visit(8, "precision", s.precision);
  visit(9, "field_id", s.field_id);
  visit(10, "logicalType", s.logical_type);
  visit(11, "vector_length", s.vector_length);
}

QUIRE_STRUCT_FIELDS(DataPageHeader) {
  visit(1, "num_values", s.num_values);
  visit(2, "encoding", s.encoding);
  visit(3, "definition_level_encoding", s.definition_level_encoding);
  visit(4, "repetition_level_encoding", s.repetition_level_encoding);
  visit(5, "statistics", s.statistics);
}

QUIRE_STRUCT_FIELDS(IndexPageHeader) {}

QUIRE_STRUCT_FIELDS(DictionaryPageHeader) {
  visit(1, "num_values", s.num_values);
  visit(2, "encoding", s.encoding);
  visit(3, "is_sorted", s.is_sorted);
}

QUIRE_STRUCT_FIELDS(DataPageHeaderV2) {
  visit(1, "num_values", s.num_values);
  visit(2, "num_nulls", s.num_nulls);
  visit(3, "num_rows", s.num_rows);
  visit(4, "encoding", s.encoding);
  visit(5, "definition_levels_byte_length", s.definition_levels_byte_length);
  visit(6, "repetition_levels_byte_length", s.repetition_levels_byte_length);
  visit(7, "is_compressed", s.is_compressed);
  visit(8, "statistics", s.statistics);
}

QUIRE_STRUCT_FIELDS(PageHeader) {
  visit(1, "type", s.type);
  visit(2, "uncompressed_page_size", s.uncompressed_page_size);
  visit(3, "compressed_page_size", s.compressed_page_size);
  visit(4, "crc", s.crc);
  visit(5, "data_page_header", s.data_page_header);
  visit(6, "index_page_header", s.index_page_header);
  visit(7, "dictionary_page_header", s.dictionary_page_header);
  visit(8, "data_page_header_v2", s.data_page_header_v2);
}

QUIRE_STRUCT_FIELDS(KeyValue) {
  visit(1, "key", s.key);
  visit(2, "value", s.value);
}

QUIRE_STRUCT_FIELDS(SortingColumn) {
  visit(1, "column_idx", s.column_idx);
  visit(2, "descending", s.descending);
  visit(3, "nulls_first", s.nulls_first);
}

QUIRE_STRUCT_FIELDS(ColumnMetaData) {
  visit(1, "type", s.type);
  visit(2, "encodings", s.encodings);
  visit(3, "path_in_schema", s.path_in_schema);
  visit(4, "codec", s.codec);
  visit(5, "num_values", s.num_values);
  visit(6, "total_uncompressed_size", s.total_uncompressed_size);
  visit(7, "total_compressed_size", s.total_compressed_size);
  visit(8, "key_value_metadata", s.key_value_metadata);
  visit(9, "data_page_offset", s.data_page_offset);
  visit(10, "index_page_offset", s.index_page_offset);
  visit(11, "dictionary_page_offset", s.dictionary_page_offset);
  visit(12, "statistics", s.statistics);
  visit(13, "encoding_stats", s.encoding_stats);
  visit(14, "bloom_filter_offset", s.bloom_filter_offset);
  visit(15, "bloom_filter_length", s.bloom_filter_length);
  visit(16, "size_statistics", s.size_statistics);
  visit(17, "geospatial_statistics", s.geospatial_statistics);
}

QUIRE_STRUCT_FIELDS(ColumnChunk) {
  visit(1, "file_path", s.file_path);
  // Required in the IDL but deprecated, with a default of 0: absent reads as 0.
  visit(2, "file_offset", s.file_offset, Presence::kDefaulted);
  visit(3, "meta_data", s.meta_data);
  visit(4, "offset_index_offset", s.offset_index_offset);
  visit(5, "offset_index_length", s.offset_index_length);
  visit(6, "column_index_offset", s.column_index_offset);
  visit(7, "column_index_length", s.column_index_length);
  visit(8, "crypto_metadata", s.crypto_metadata);
  visit(9, "encrypted_column_metadata", s.encrypted_column_metadata);
}

QUIRE_STRUCT_FIELDS(RowGroup) {
  visit(1, "columns", s.columns);
  visit(2, "total_byte_size", s.total_byte_size);
  visit(3, "num_rows", s.num_rows);
  visit(4, "sorting_columns", s.sorting_columns);
  visit(5, "file_offset", s.file_offset);
  visit(6, "total_compressed_size", s.total_compressed_size);
  visit(7, "ordinal", s.ordinal);
}

QUIRE_STRUCT_FIELDS(FileMetaData) {
  visit(1, "version", s.version);
  visit(2, "schema", s.schema);
  visit(3, "num_rows", s.num_rows);
  visit(4, "row_groups", s.row_groups);
  visit(5, "key_value_metadata", s.key_value_metadata);
  visit(6, "created_by", s.created_by);
  visit(7, "column_orders", s.column_orders);
  visit(8, "encryption_algorithm", s.encryption_algorithm);
  visit(9, "footer_signing_key_metadata", s.footer_signing_key_metadata);
}

QUIRE_STRUCT_FIELDS(FileCryptoMetaData) {
  visit(1, "encryption_algorithm", s.encryption_algorithm);
  visit(2, "key_metadata", s.key_metadata);
}

QUIRE_STRUCT_FIELDS(PageLocation) {
  visit(1, "offset", s.offset);
  visit(2, "compressed_page_size", s.compressed_page_size);
  visit(3, "first_row_index", s.first_row_index);
}

QUIRE_STRUCT_FIELDS(OffsetIndex) {
  visit(1, "page_locations", s.page_locations);
  visit(2, "unencoded_byte_array_data_bytes", s.unencoded_byte_array_data_bytes);
}

QUIRE_STRUCT_FIELDS(ColumnIndex) {
  visit(1, "null_pages", s.null_pages);
  visit(2, "min_values", s.min_values);
  visit(3, "max_values", s.max_values);
  visit(4, "boundary_order", s.boundary_order);
  visit(5, "null_counts", s.null_counts);
  visit(6, "repetition_level_histograms", s.repetition_level_histograms);
  visit(7, "definition_level_histograms", s.definition_level_histograms);
  visit(8, "nan_counts", s.nan_counts);
}

QUIRE_STRUCT_FIELDS(BloomFilterHeader) {
  visit(1, "numBytes", s.num_bytes);
  visit(2, "algorithm", s.algorithm);
  visit(3, "hash", s.hash);
  visit(4, "compression", s.compression);
}

#undef QUIRE_STRUCT_FIELDS

}  // namespace

#define QUIRE_LISTED_STRUCT(Type)                            \
  Status Parse(CompactReader& reader, Type* out) {           \
    return ParseListedStruct(reader, out);                   \
  }                                                          \
  void Serialize(const Type& value, CompactWriter& writer) { \
    SerializeListedStruct(value, writer);                    \
  }

QUIRE_LISTED_STRUCT(Statistics)
QUIRE_LISTED_STRUCT(SizeStatistics)
QUIRE_LISTED_STRUCT(BoundingBox)
QUIRE_LISTED_STRUCT(GeospatialStatistics)
QUIRE_LISTED_STRUCT(PageEncodingStats)
QUIRE_LISTED_STRUCT(SchemaElement)
QUIRE_LISTED_STRUCT(DataPageHeader)
QUIRE_LISTED_STRUCT(IndexPageHeader)
QUIRE_LISTED_STRUCT(DictionaryPageHeader)
QUIRE_LISTED_STRUCT(DataPageHeaderV2)
QUIRE_LISTED_STRUCT(PageHeader)
QUIRE_LISTED_STRUCT(KeyValue)
QUIRE_LISTED_STRUCT(SortingColumn)
QUIRE_LISTED_STRUCT(ColumnMetaData)
QUIRE_LISTED_STRUCT(ColumnChunk)
QUIRE_LISTED_STRUCT(RowGroup)
QUIRE_LISTED_STRUCT(FileMetaData)
QUIRE_LISTED_STRUCT(FileCryptoMetaData)
QUIRE_LISTED_STRUCT(PageLocation)
QUIRE_LISTED_STRUCT(OffsetIndex)
QUIRE_LISTED_STRUCT(ColumnIndex)
QUIRE_LISTED_STRUCT(BloomFilterHeader)

#undef QUIRE_LISTED_STRUCT

// ---------------------------------------------------------------------------
// Unions. Each keeps the field id of its member; the fields of a known member
// are listed like a struct's.

namespace {

// The fields of LogicalType's member struct for `s.kind` (none for the empty ones).
template <typename S, typename V>
void VisitLogicalTypeMember(S& s, V&& visit) {
  using Kind = LogicalType::Kind;
  switch (s.kind) {
    case Kind::kDecimal:
      visit(1, "scale", s.scale);
      visit(2, "precision", s.precision);
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      visit(1, "isAdjustedToUTC", s.is_adjusted_to_utc);
      visit(2, "unit", s.unit);
      break;
    case Kind::kInteger:
      visit(1, "bitWidth", s.bit_width);
      visit(2, "isSigned", s.is_signed);
      break;
    case Kind::kVariant:
      visit(1, "specification_version", s.specification_version);
      break;
    case Kind::kGeometry: visit(1, "crs", s.crs); break;
    case Kind::kGeography:
      visit(1, "crs", s.crs);
      visit(2, "algorithm", s.algorithm);
      break;
    default: break;
  }
}

const char* LogicalTypeMemberName(LogicalType::Kind kind) {
  static constexpr const char* kNames[] = {
      nullptr,       "StringType",  "MapType",      "ListType",      "EnumType",
      "DecimalType", "DateType",    "TimeType",     "TimestampType", nullptr,
      "IntType",     "NullType",    "JsonType",     "BsonType",      "UUIDType",
      "Float16Type", "VariantType", "GeometryType", "GeographyType", "VectorType"};
  const auto id = static_cast<int>(kind);
  return id >= 0 && id < 20 && kNames[id] != nullptr ? kNames[id] : "LogicalType member";
}

// AesGcmV1 and AesGcmCtrV1 have the same fields.
template <typename S, typename V>
void VisitAesGcmFields(S& s, V&& visit) {
  visit(1, "aad_prefix", s.aad_prefix);
  visit(2, "aad_file_unique", s.aad_file_unique);
  visit(3, "supply_aad_prefix", s.supply_aad_prefix);
}

template <typename S, typename V>
void VisitEncryptionWithColumnKey(S& s, V&& visit) {
  visit(1, "path_in_schema", s.path_in_schema);
  visit(2, "key_metadata", s.key_metadata);
}

// Parses a union: `known(id)` says whether this code knows member `id`, whose
// struct parse_member() then reads. Unknown members are skipped and their id kept;
// a known member that is not a struct is skipped as Thrift-generated code does.
template <typename Kind, typename IsKnown, typename ParseMember>
Status ParseUnion(CompactReader& r, const char* union_name, Kind* kind, IsKnown&& known,
                  ParseMember&& parse_member) {
  *kind = static_cast<Kind>(0);
  int members = 0;
  FieldsSeen seen;
  return ParseStruct(r, union_name, &seen, [&](Field& f) -> Status {
    if (++members > 1) return TooManyMembers(union_name);
    if (!known(f.id())) {
      *kind = static_cast<Kind>(f.id());
      return f.Skip();
    }
    if (f.type() != CompactType::kStruct) return f.SkipWrongType();
    *kind = static_cast<Kind>(f.id());
    Status st = parse_member();
    return st.ok() ? st : st.WithContext(union_name);
  });
}

// Writes a union whose member `kind` holds the fields listed by list_fields.
template <typename Kind, typename ListFields>
void SerializeUnion(CompactWriter& w, Kind kind, ListFields&& list_fields) {
  w.WriteStructBegin();
  const auto id = static_cast<int16_t>(kind);
  if (id != 0) {
    w.WriteFieldHeader(id, CompactType::kStruct);
    w.WriteStructBegin();
    WriteFieldList(w, list_fields);
    w.WriteStructEnd();
  }
  w.WriteStructEnd();
}

}  // namespace

Status Parse(CompactReader& r, LogicalType* out) {
  *out = {};
  return ParseUnion(
      r, "LogicalType", &out->kind,
      [](int16_t id) {
        LogicalType probe;
        probe.kind = static_cast<LogicalType::Kind>(id);
        return probe.is_recognized();
      },
      [&] {
        return ParseFieldList(r, LogicalTypeMemberName(out->kind),
                              [&](auto&& visit) { VisitLogicalTypeMember(*out, visit); });
      });
}

void Serialize(const LogicalType& value, CompactWriter& w) {
  SerializeUnion(w, value.kind,
                 [&](auto&& visit) { VisitLogicalTypeMember(value, visit); });
}

Status Parse(CompactReader& r, ColumnCryptoMetaData* out) {
  using Kind = ColumnCryptoMetaData::Kind;
  *out = {};
  return ParseUnion(
      r, "ColumnCryptoMetaData", &out->kind,
      [](int16_t id) {
        return id == static_cast<int16_t>(Kind::kEncryptionWithFooterKey) ||
               id == static_cast<int16_t>(Kind::kEncryptionWithColumnKey);
      },
      [&] {
        if (out->kind == Kind::kEncryptionWithFooterKey) {
          return ParseFieldList(r, "EncryptionWithFooterKey", [](auto&&) {});
        }
        return ParseFieldList(r, "EncryptionWithColumnKey", [&](auto&& visit) {
          VisitEncryptionWithColumnKey(*out, visit);
        });
      });
}

void Serialize(const ColumnCryptoMetaData& value, CompactWriter& w) {
  SerializeUnion(w, value.kind, [&](auto&& visit) {
    if (value.kind == ColumnCryptoMetaData::Kind::kEncryptionWithColumnKey) {
      VisitEncryptionWithColumnKey(value, visit);
    }
  });
}

Status Parse(CompactReader& r, EncryptionAlgorithm* out) {
  using Kind = EncryptionAlgorithm::Kind;
  *out = {};
  return ParseUnion(
      r, "EncryptionAlgorithm", &out->kind,
      [](int16_t id) {
        return id == static_cast<int16_t>(Kind::kAesGcmV1) ||
               id == static_cast<int16_t>(Kind::kAesGcmCtrV1);
      },
      [&] {
        return ParseFieldList(r,
                              out->kind == Kind::kAesGcmV1 ? "AesGcmV1" : "AesGcmCtrV1",
                              [&](auto&& visit) { VisitAesGcmFields(*out, visit); });
      });
}

void Serialize(const EncryptionAlgorithm& value, CompactWriter& w) {
  using Kind = EncryptionAlgorithm::Kind;
  SerializeUnion(w, value.kind, [&](auto&& visit) {
    if (value.kind == Kind::kAesGcmV1 || value.kind == Kind::kAesGcmCtrV1) {
      VisitAesGcmFields(value, visit);
    }
  });
}

Status Parse(CompactReader& r, ColumnOrder* out) {
  int16_t id = 0;
  QUIRE_RETURN_NOT_OK(ParseUnionId(r, "ColumnOrder", &id));
  out->kind = static_cast<ColumnOrder::Kind>(id);
  return Status::OK();
}

void Serialize(const ColumnOrder& value, CompactWriter& w) {
  WriteUnionId(w, static_cast<int16_t>(value.kind));
}

// ---------------------------------------------------------------------------
// Entry points

namespace {

template <typename T>
Result<T> ParseWhole(std::span<const uint8_t> data, int64_t* length) {
  CompactReader reader(data);
  T value;
  QUIRE_RETURN_NOT_OK(Parse(reader, &value));
  if (length != nullptr) *length = reader.position();
  return value;
}

template <typename T>
std::string SerializeToString(const T& value) {
  std::string out;
  CompactWriter writer(&out);
  Serialize(value, writer);
  return out;
}

Status CheckNotNegative(int64_t value, const char* name) {
  if (QUIRE_PREDICT_FALSE(value < 0))
    return Status::Corrupt("{} is negative: {}", name, value);
  return Status::OK();
}

Status ValidatePageHeader(const PageHeader& h) {
  QUIRE_RETURN_NOT_OK(
      CheckNotNegative(h.uncompressed_page_size, "PageHeader.uncompressed_page_size"));
  QUIRE_RETURN_NOT_OK(
      CheckNotNegative(h.compressed_page_size, "PageHeader.compressed_page_size"));
  switch (h.type) {
    case PageType::kDataPage:
      if (!h.data_page_header) {
        return Status::Corrupt("PageHeader: a DATA_PAGE without data_page_header");
      }
      return CheckNotNegative(h.data_page_header->num_values,
                              "DataPageHeader.num_values");
    case PageType::kDictionaryPage:
      if (!h.dictionary_page_header) {
        return Status::Corrupt(
            "PageHeader: a DICTIONARY_PAGE without dictionary_page_header");
      }
      return CheckNotNegative(h.dictionary_page_header->num_values,
                              "DictionaryPageHeader.num_values");
    case PageType::kDataPageV2: {
      if (!h.data_page_header_v2) {
        return Status::Corrupt("PageHeader: a DATA_PAGE_V2 without data_page_header_v2");
      }
      const DataPageHeaderV2& v2 = *h.data_page_header_v2;
      QUIRE_RETURN_NOT_OK(CheckNotNegative(v2.num_values, "DataPageHeaderV2.num_values"));
      QUIRE_RETURN_NOT_OK(CheckNotNegative(v2.num_nulls, "DataPageHeaderV2.num_nulls"));
      QUIRE_RETURN_NOT_OK(CheckNotNegative(v2.num_rows, "DataPageHeaderV2.num_rows"));
      QUIRE_RETURN_NOT_OK(
          CheckNotNegative(v2.definition_levels_byte_length,
                           "DataPageHeaderV2.definition_levels_byte_length"));
      QUIRE_RETURN_NOT_OK(
          CheckNotNegative(v2.repetition_levels_byte_length,
                           "DataPageHeaderV2.repetition_levels_byte_length"));
      if (v2.num_nulls > v2.num_values) {
        return Status::Corrupt("DataPageHeaderV2: num_nulls {} exceeds num_values {}",
                               v2.num_nulls, v2.num_values);
      }
      // The levels are stored uncompressed in front of the values (DataPageHeaderV2).
      const int64_t levels =
          int64_t{v2.definition_levels_byte_length} + v2.repetition_levels_byte_length;
      if (levels > h.compressed_page_size || levels > h.uncompressed_page_size) {
        return Status::Corrupt(
            "DataPageHeaderV2: {} bytes of levels do not fit a page of {} compressed and "
            "{} "
            "uncompressed bytes",
            levels, h.compressed_page_size, h.uncompressed_page_size);
      }
      return Status::OK();
    }
    default: return Status::OK();
  }
}

Status ValidateColumnIndex(const ColumnIndex& index) {
  const size_t pages = index.null_pages.size();
  auto check = [&](size_t size, const char* name) {
    if (size == pages) return Status::OK();
    return Status::Corrupt("ColumnIndex: {} has {} entries but null_pages has {}", name,
                           size, pages);
  };
  QUIRE_RETURN_NOT_OK(check(index.min_values.size(), "min_values"));
  QUIRE_RETURN_NOT_OK(check(index.max_values.size(), "max_values"));
  if (index.null_counts)
    QUIRE_RETURN_NOT_OK(check(index.null_counts->size(), "null_counts"));
  if (index.nan_counts)
    QUIRE_RETURN_NOT_OK(check(index.nan_counts->size(), "nan_counts"));
  return Status::OK();
}

}  // namespace

Result<FileMetaData> ParseFileMetaData(std::span<const uint8_t> data) {
  return ParseWhole<FileMetaData>(data, nullptr);
}

Result<FileCryptoMetaData> ParseFileCryptoMetaData(std::span<const uint8_t> data,
                                                   int64_t* length) {
  return ParseWhole<FileCryptoMetaData>(data, length);
}

Result<PageHeader> ParsePageHeader(std::span<const uint8_t> data,
                                   int64_t* header_length) {
  QUIRE_DCHECK(header_length != nullptr);
  QUIRE_ASSIGN_OR_RETURN(PageHeader header, ParseWhole<PageHeader>(data, header_length));
  QUIRE_RETURN_NOT_OK(ValidatePageHeader(header));
  return header;
}

Result<ColumnIndex> ParseColumnIndex(std::span<const uint8_t> data) {
  QUIRE_ASSIGN_OR_RETURN(ColumnIndex index, ParseWhole<ColumnIndex>(data, nullptr));
  QUIRE_RETURN_NOT_OK(ValidateColumnIndex(index));
  return index;
}

Result<OffsetIndex> ParseOffsetIndex(std::span<const uint8_t> data) {
  return ParseWhole<OffsetIndex>(data, nullptr);
}

Result<BloomFilterHeader> ParseBloomFilterHeader(std::span<const uint8_t> data,
                                                 int64_t* header_length) {
  QUIRE_DCHECK(header_length != nullptr);
  QUIRE_ASSIGN_OR_RETURN(BloomFilterHeader header,
                         ParseWhole<BloomFilterHeader>(data, header_length));
  QUIRE_RETURN_NOT_OK(CheckNotNegative(header.num_bytes, "BloomFilterHeader.numBytes"));
  return header;
}

std::string SerializeFileMetaData(const FileMetaData& value) {
  return SerializeToString(value);
}

std::string SerializeFileCryptoMetaData(const FileCryptoMetaData& value) {
  return SerializeToString(value);
}

std::string SerializePageHeader(const PageHeader& value) {
  return SerializeToString(value);
}

std::string SerializeColumnIndex(const ColumnIndex& value) {
  return SerializeToString(value);
}

std::string SerializeOffsetIndex(const OffsetIndex& value) {
  return SerializeToString(value);
}

std::string SerializeBloomFilterHeader(const BloomFilterHeader& value) {
  return SerializeToString(value);
}

}  // namespace quire::parquet
