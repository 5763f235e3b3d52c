/// \file quire/parquet/variant_shredding.cc
/// \brief VariantShredding.md, "Reconstructing a Shredded Variant", on Arrow arrays.
///
/// The shredded tree is described once per batch (a Shape per value/typed_value
/// pair, with its arrays and the Variant type its typed_value encodes), then every
/// row is rebuilt by walking it with a VariantBuilder.
#include "quire/parquet/variant_shredding.h"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/type.h"
#include "quire/columnar/variant.h"
#include "quire/util/macros.h"
#include "quire/util/utf8.h"

namespace quire::parquet {

using columnar::Array;
using columnar::ArrayPtr;
using columnar::TypeId;
using columnar::VariantBuilder;
using columnar::VariantMetadata;
using columnar::VariantType;
using columnar::VariantValue;

namespace {

enum class Kind { kNone, kPrimitive, kObject, kArray };

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool IsBinaryLike(TypeId id) {
  return id == TypeId::kBinary || id == TypeId::kString || id == TypeId::kLargeBinary ||
         id == TypeId::kLargeString || id == TypeId::kBinaryView || id == TypeId::kStringView;
}

// One value/typed_value pair of the shredded tree.
struct Shape {
  std::string path;   // for messages
  ArrayPtr group;     // the struct holding the pair (null slot: a missing field)
  ArrayPtr value;     // binary, or nullptr when the column is absent
  ArrayPtr typed;     // typed_value, or nullptr
  Kind kind = Kind::kNone;
  VariantType primitive = VariantType::kNull;
  std::vector<std::string> names;  // object: shredded field names, sorted
  std::vector<Shape> children;     // object: one per name; array: the element

  bool Present(int64_t k) const {
    if (group && group->IsNull(k)) return false;
    return (value && value->IsValid(k)) || (typed && typed->IsValid(k));
  }
};

// The Variant type of a shredded primitive (VariantShredding.md, "Shredded Value
// Types"), or an error for a type the table does not list.
Result<VariantType> PrimitiveOf(const columnar::Field& field, const std::string& path) {
  const columnar::DataType& t = *field.type();
  auto unit_is = [&](columnar::TimeUnit u) { return t.unit() == u; };
  switch (t.id()) {
    case TypeId::kBool: return VariantType::kBooleanTrue;
    case TypeId::kInt8: return VariantType::kInt8;
    case TypeId::kInt16: return VariantType::kInt16;
    case TypeId::kInt32: return VariantType::kInt32;
    case TypeId::kInt64: return VariantType::kInt64;
    case TypeId::kFloat32: return VariantType::kFloat;
    case TypeId::kFloat64: return VariantType::kDouble;
    case TypeId::kDecimal128:
      if (t.precision() <= 9) return VariantType::kDecimal4;
      if (t.precision() <= 18) return VariantType::kDecimal8;
      return VariantType::kDecimal16;
    case TypeId::kDate32: return VariantType::kDate;
    case TypeId::kTime64:
      if (unit_is(columnar::TimeUnit::kMicro)) return VariantType::kTimeNtzMicros;
      break;
    case TypeId::kTimestamp: {
      const bool utc = !t.timezone().empty();
      if (unit_is(columnar::TimeUnit::kMicro)) {
        return utc ? VariantType::kTimestampMicros : VariantType::kTimestampNtzMicros;
      }
      if (unit_is(columnar::TimeUnit::kNano)) {
        return utc ? VariantType::kTimestampNanos : VariantType::kTimestampNtzNanos;
      }
      break;
    }
    case TypeId::kString: return VariantType::kString;
    case TypeId::kBinary: return VariantType::kBinary;
    case TypeId::kFixedSizeBinary:
      if (t.byte_width() == 16 && field.metadata() &&
          field.metadata()->Get("ARROW:extension:name") == "arrow.uuid") {
        return VariantType::kUuid;
      }
      break;
    default: break;
  }
  return Status::Unsupported("variant '{}': a typed_value of type {} is not a shredded "
                             "Variant type (VariantShredding.md, \"Shredded Value Types\")",
                             path, t.ToString());
}

// Describe the pair held by struct `group` (whose slots are the values).
Status MakeShape(const ArrayPtr& group, std::string path, bool group_may_be_null,
                 Shape* out);

Status MakeTyped(const columnar::Field& field, const ArrayPtr& typed, Shape* s) {
  s->typed = typed;
  const columnar::DataType& t = *field.type();
  if (t.id() == TypeId::kStruct) {
    s->kind = Kind::kObject;
    std::vector<int> order(size_t(t.num_fields()));
    for (int c = 0; c < t.num_fields(); ++c) order[size_t(c)] = c;
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return t.field(a)->name() < t.field(b)->name(); });
    for (int c : order) {
      const auto& f = t.field(c);
      if (!s->names.empty() && s->names.back() == f->name()) {
        return Status::Corrupt("variant '{}' shreds the field '{}' twice", s->path, f->name());
      }
      if (f->type()->id() != TypeId::kStruct) {
        return Status::Corrupt("variant '{}': shredded field '{}' is not a group of value "
                               "and typed_value", s->path, f->name());
      }
      s->names.push_back(f->name());
      Shape child;
      // The specification makes field groups required; optional ones (written by
      // some engines) are read with a null group meaning a missing field.
      QUIRE_RETURN_NOT_OK(MakeShape(typed->field(c), s->path + "." + f->name(), true, &child));
      s->children.push_back(std::move(child));
    }
    return Status::OK();
  }
  if (t.id() == TypeId::kList) {
    s->kind = Kind::kArray;
    const auto& element = t.value_field();
    if (element->type()->id() != TypeId::kStruct) {
      return Status::Corrupt("variant '{}': the elements of a shredded array must be groups "
                             "of value and typed_value", s->path);
    }
    Shape child;
    QUIRE_RETURN_NOT_OK(MakeShape(typed->child(0), s->path + "[]", false, &child));
    s->children.push_back(std::move(child));
    return Status::OK();
  }
  s->kind = Kind::kPrimitive;
  QUIRE_ASSIGN_OR_RETURN(s->primitive, PrimitiveOf(field, s->path));
  return Status::OK();
}

Status MakeShape(const ArrayPtr& group, std::string path, bool group_may_be_null,
                 Shape* out) {
  Shape s;
  s.path = std::move(path);
  if (group_may_be_null) s.group = group;
  const columnar::DataType& t = *group->type();
  for (int c = 0; c < t.num_fields(); ++c) {
    const auto& f = t.field(c);
    if (f->name() == "value") {
      if (!IsBinaryLike(f->type()->id())) {
        return Status::Corrupt("variant '{}': value is {}, not binary", s.path,
                               f->type()->ToString());
      }
      s.value = group->field(c);
    } else if (f->name() == "typed_value") {
      QUIRE_RETURN_NOT_OK(MakeTyped(*f, group->field(c), &s));
    } else if (f->name() != "metadata" || group_may_be_null) {
      return Status::Corrupt("variant '{}' has an unexpected field '{}'", s.path, f->name());
    }
  }
  *out = std::move(s);
  return Status::OK();
}

class Unshredder {
 public:
  Unshredder(const VariantMetadata& metadata, VariantBuilder* builder)
      : metadata_(metadata), b_(*builder) {}

  // Append the value of `s` at slot `k`; the caller checked s.Present(k).
  Status Append(const Shape& s, int64_t k) {
    const bool has_value = s.value && s.value->IsValid(k);
    const bool has_typed = s.typed && s.typed->IsValid(k);
    if (!has_typed) {
      QUIRE_ASSIGN_OR_RETURN(auto v, ParseValue(s, k));
      b_.Encoded(v.bytes());
      return Status::OK();
    }
    switch (s.kind) {
      case Kind::kPrimitive:
        if (has_value) return Conflict(s);
        return AppendPrimitive(s, k);
      case Kind::kArray: {
        if (has_value) return Conflict(s);
        const columnar::ListView<int32_t> list(*s.typed);
        const int64_t start = list.value_offset(k), n = list.value_length(k);
        b_.BeginArray();
        for (int64_t j = start; j < start + n; ++j) {
          // Elements must be present; a missing one reads as the Variant null.
          if (s.children[0].Present(j)) {
            QUIRE_RETURN_NOT_OK(Append(s.children[0], j));
          } else {
            b_.Null();
          }
        }
        return b_.EndArray();
      }
      case Kind::kObject: {
        std::optional<VariantValue> rest;
        if (has_value) {
          QUIRE_ASSIGN_OR_RETURN(rest, ParseValue(s, k));
          if (rest->type() != VariantType::kObject) {
            return Status::Corrupt("variant '{}': invalid variant, a non-object value ({}) "
                                   "with shredded fields", s.path,
                                   columnar::VariantTypeName(rest->type()));
          }
        }
        b_.BeginObject();
        for (size_t f = 0; f < s.names.size(); ++f) {
          if (!s.children[f].Present(k)) continue;
          auto id = metadata_.Find(s.names[f]);
          if (!id) {
            return Status::Corrupt("variant '{}': shredded field '{}' is not in the "
                                   "metadata", s.path, s.names[f]);
          }
          b_.Key(*id);
          QUIRE_RETURN_NOT_OK(Append(s.children[f], k));
        }
        if (rest) {
          for (uint32_t i = 0; i < rest->num_elements(); ++i) {
            // A field both shredded and in value: the shredded column wins
            // (VariantShredding.md, "Objects").
            if (std::binary_search(s.names.begin(), s.names.end(), rest->field_name(i))) {
              continue;
            }
            b_.Key(rest->field_id(i));
            b_.Encoded(rest->element(i).bytes());
          }
        }
        return b_.EndObject();
      }
      case Kind::kNone: break;
    }
    return Status::Internal("variant '{}': typed_value without a kind", s.path);
  }

 private:
  Status Conflict(const Shape& s) {
    return Status::Corrupt("variant '{}': invalid variant, conflicting value and typed_value "
                           "(both set for a non-object)", s.path);
  }

  Result<VariantValue> ParseValue(const Shape& s, int64_t k) {
    const std::string_view bytes = columnar::GetBytes(*s.value, k);
    auto v = VariantValue::Make(metadata_, AsBytes(bytes));
    if (!v.ok()) {
      return Status(v.status().code(),
                    fmt::format("variant '{}': {}", s.path, v.status().message()));
    }
    return v;
  }

  Status AppendPrimitive(const Shape& s, int64_t k) {
    const Array& a = *s.typed;
    switch (s.primitive) {
      case VariantType::kBooleanTrue: b_.Boolean(columnar::BoolView(a).Value(k)); break;
      case VariantType::kInt8:
        b_.Integer(s.primitive, columnar::PrimitiveView<int8_t>(a).Value(k));
        break;
      case VariantType::kInt16:
        b_.Integer(s.primitive, columnar::PrimitiveView<int16_t>(a).Value(k));
        break;
      case VariantType::kInt32:
      case VariantType::kDate:
        b_.Integer(s.primitive, columnar::PrimitiveView<int32_t>(a).Value(k));
        break;
      case VariantType::kInt64:
      case VariantType::kTimeNtzMicros:
      case VariantType::kTimestampMicros:
      case VariantType::kTimestampNtzMicros:
      case VariantType::kTimestampNanos:
      case VariantType::kTimestampNtzNanos:
        b_.Integer(s.primitive, columnar::PrimitiveView<int64_t>(a).Value(k));
        break;
      case VariantType::kFloat: b_.Float(columnar::PrimitiveView<float>(a).Value(k)); break;
      case VariantType::kDouble: b_.Double(columnar::PrimitiveView<double>(a).Value(k)); break;
      case VariantType::kDecimal4:
      case VariantType::kDecimal8:
      case VariantType::kDecimal16: {
        const std::string_view bytes = columnar::GetBytes(a, k);
        unsigned __int128 u = 0;
        for (int b = 0; b < 16; ++b) u |= (unsigned __int128)uint8_t(bytes[size_t(b)]) << (8 * b);
        b_.Decimal(s.primitive, (__int128)u, a.type()->scale());
        break;
      }
      case VariantType::kString: {
        const std::string_view text = columnar::GetBytes(a, k);
        if (!util::IsValidUtf8(text)) {
          return Status::Corrupt("variant '{}': shredded string is not UTF-8", s.path);
        }
        b_.String(text);
        break;
      }
      case VariantType::kBinary: b_.Binary(columnar::GetBytes(a, k)); break;
      case VariantType::kUuid: b_.Uuid(columnar::GetBytes(a, k)); break;
      default:
        return Status::Internal("variant '{}': no encoder for {}", s.path,
                                columnar::VariantTypeName(s.primitive));
    }
    return Status::OK();
  }

  const VariantMetadata& metadata_;
  VariantBuilder& b_;
};

}  // namespace

Result<ArrayPtr> UnshredVariant(const Array& shredded, const columnar::TypePtr& variant_type,
                                std::string_view column, columnar::MemoryPool* pool) {
  const columnar::DataType& t = *shredded.type();
  int metadata_child = -1;
  for (int c = 0; c < t.num_fields(); ++c) {
    if (t.field(c)->name() == "metadata") metadata_child = c;
  }
  if (t.id() != TypeId::kStruct || metadata_child < 0 ||
      !IsBinaryLike(t.field(metadata_child)->type()->id())) {
    return Status::Corrupt("variant '{}' has no binary metadata field", column);
  }
  // Slice to the parent's slots so that index k is the same at every level.
  const ArrayPtr whole = shredded.Slice(0, shredded.length());
  Shape top;
  QUIRE_RETURN_NOT_OK(MakeShape(whole, std::string(column), false, &top));
  if (!top.value && !top.typed) {
    return Status::Corrupt("variant '{}' has neither value nor typed_value", column);
  }
  const ArrayPtr metadata = whole->field(metadata_child);

  columnar::BinaryBuilder values(columnar::binary(), pool);
  QUIRE_RETURN_NOT_OK(values.Reserve(shredded.length()));
  for (int64_t k = 0; k < shredded.length(); ++k) {
    if (shredded.IsNull(k)) {
      QUIRE_RETURN_NOT_OK(values.Append({}));
      continue;
    }
    if (metadata->IsNull(k)) {
      return Status::Corrupt("variant '{}': row {} has no metadata", column, k);
    }
    const std::string_view mbytes = columnar::GetBytes(*metadata, k);
    auto m = VariantMetadata::Make(AsBytes(mbytes));
    if (!m.ok()) {
      return Status(m.status().code(),
                    fmt::format("variant '{}': {}", column, m.status().message()));
    }
    if (m->size_bytes() != mbytes.size()) {
      return Status::Corrupt("variant '{}': metadata of row {} has {} bytes after its end",
                             column, k, mbytes.size() - m->size_bytes());
    }
    VariantBuilder builder(&*m);
    if (top.Present(k)) {
      Unshredder u(*m, &builder);
      QUIRE_RETURN_NOT_OK(u.Append(top, k));
    } else {
      // VariantShredding.md: a missing value where one is required is the Variant null.
      builder.Null();
    }
    QUIRE_ASSIGN_OR_RETURN(std::string value, builder.Finish());
    QUIRE_RETURN_NOT_OK(values.Append(value));
  }
  QUIRE_ASSIGN_OR_RETURN(ArrayPtr value_array, values.Finish());
  columnar::BufferPtr validity;
  if (shredded.null_count() > 0) {
    columnar::BitmapBuilder bits(pool);
    for (int64_t k = 0; k < shredded.length(); ++k) {
      QUIRE_RETURN_NOT_OK(bits.Append(shredded.IsValid(k)));
    }
    QUIRE_ASSIGN_OR_RETURN(validity, bits.Finish());
  }
  return Array::Make(variant_type, shredded.length(), {std::move(validity)},
                     {metadata, value_array}, nullptr, shredded.null_count());
}

}  // namespace quire::parquet
