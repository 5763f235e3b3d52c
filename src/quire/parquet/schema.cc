/// \file quire/parquet/schema.cc
#include "quire/parquet/schema.h"

#include <fmt/format.h>

#include "quire/columnar/variant.h"
#include "quire/util/macros.h"

namespace quire::parquet {

using columnar::DataType;
using columnar::FieldPtr;
using columnar::TypePtr;

std::string ColumnDescriptor::dotted_path() const {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

namespace {

bool IsKnownPhysicalType(Type t) { return int32_t(t) >= 0 && int32_t(t) <= 7; }

class TreeBuilder {
 public:
  TreeBuilder(const std::vector<SchemaElement>& e, std::vector<SchemaNode>* nodes,
              std::vector<ColumnDescriptor>* columns)
      : e_(e), nodes_(nodes), columns_(columns) {}

  Status Build(int parent, int depth) {
    if (depth > kMaxSchemaDepth) {
      return Status::Corrupt("schema is nested deeper than {} levels", kMaxSchemaDepth);
    }
    if (pos_ >= e_.size()) {
      return Status::Corrupt("schema ends after {} elements while children are missing",
                             e_.size());
    }
    const SchemaElement& el = e_[pos_];
    const int index = int(nodes_->size());
    ++pos_;
    SchemaNode node;
    node.element = &el;
    node.parent = parent;
    if (parent >= 0) {
      if (!el.repetition_type) {
        return Status::Corrupt("schema element '{}' has no repetition type", el.name);
      }
      node.repetition = *el.repetition_type;
      if (int32_t(node.repetition) < 0 || int32_t(node.repetition) > 2) {
        return Status::Corrupt("schema element '{}' has repetition type {}, which is not "
                               "REQUIRED, OPTIONAL or REPEATED",
                               el.name, int32_t(node.repetition));
      }
      const SchemaNode& p = (*nodes_)[size_t(parent)];
      node.def_level = int16_t(p.def_level + (node.repetition != FieldRepetitionType::kRequired));
      node.rep_level = int16_t(p.rep_level + (node.repetition == FieldRepetitionType::kRepeated));
    }
    const int32_t num_children = el.num_children.value_or(0);
    if (num_children < 0) {
      return Status::Corrupt("schema element '{}' has {} children", el.name, num_children);
    }
    if (el.type && num_children > 0) {
      return Status::Corrupt("schema element '{}' has a physical type and {} children",
                             el.name, num_children);
    }
    if (parent >= 0 && !el.type && !el.num_children) {
      return Status::Corrupt("schema element '{}' has neither a physical type nor children",
                             el.name);
    }
    if (parent < 0 && el.type) {
      return Status::Corrupt("the schema root '{}' has a physical type", el.name);
    }
    if (size_t(num_children) > e_.size() - pos_) {
      return Status::Corrupt("schema element '{}' claims {} children but only {} elements "
                             "follow", el.name, num_children, e_.size() - pos_);
    }
    nodes_->push_back(std::move(node));
    if (parent >= 0) (*nodes_)[size_t(parent)].children.push_back(index);
    if (el.type) {
      if (!IsKnownPhysicalType(*el.type)) {
        return Status::Corrupt("column '{}' has physical type {}, which is not a Parquet type",
                               el.name, int32_t(*el.type));
      }
      if (*el.type == Type::kFixedLenByteArray && el.type_length.value_or(0) <= 0) {
        return Status::Corrupt("FIXED_LEN_BYTE_ARRAY column '{}' has type length {}", el.name,
                               el.type_length.value_or(0));
      }
      ColumnDescriptor c;
      c.node = index;
      c.physical_type = *el.type;
      c.type_length = el.type_length.value_or(0);
      c.max_def_level = (*nodes_)[size_t(index)].def_level;
      c.max_rep_level = (*nodes_)[size_t(index)].rep_level;
      c.element = &el;
      for (int n = index; (*nodes_)[size_t(n)].parent >= 0; n = (*nodes_)[size_t(n)].parent) {
        c.path.insert(c.path.begin(), (*nodes_)[size_t(n)].name());
      }
      (*nodes_)[size_t(index)].column = int(columns_->size());
      columns_->push_back(std::move(c));
      return Status::OK();
    }
    for (int32_t k = 0; k < num_children; ++k) QUIRE_RETURN_NOT_OK(Build(index, depth + 1));
    return Status::OK();
  }

  size_t pos() const { return pos_; }

 private:
  const std::vector<SchemaElement>& e_;
  std::vector<SchemaNode>* nodes_;
  std::vector<ColumnDescriptor>* columns_;
  size_t pos_ = 0;
};

bool HasLogical(const SchemaElement& e, LogicalType::Kind kind) {
  return e.logical_type && e.logical_type->kind == kind;
}

bool HasConverted(const SchemaElement& e, ConvertedType c) {
  return e.converted_type && *e.converted_type == c;
}

bool IsList(const SchemaElement& e) {
  return HasLogical(e, LogicalType::Kind::kList) ||
         (!e.logical_type && HasConverted(e, ConvertedType::kList));
}

bool IsMap(const SchemaElement& e) {
  return HasLogical(e, LogicalType::Kind::kMap) ||
         (!e.logical_type && (HasConverted(e, ConvertedType::kMap) ||
                              HasConverted(e, ConvertedType::kMapKeyValue)));
}

bool IsVariantElement(const SchemaElement& e) {
  return !e.type && HasLogical(e, LogicalType::Kind::kVariant);
}

columnar::TimeUnit ArrowUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return columnar::TimeUnit::kMilli;
    case TimeUnit::kMicros: return columnar::TimeUnit::kMicro;
    case TimeUnit::kNanos: return columnar::TimeUnit::kNano;
  }
  return columnar::TimeUnit::kMicro;
}

Result<TypePtr> DecimalType(const SchemaElement& e, int32_t precision, int32_t scale) {
  const Type t = *e.type;
  const int32_t max = t == Type::kInt32 ? 9 : t == Type::kInt64 ? 18 : 76;
  if (precision < 1 || precision > 76) {
    return Status::Unsupported("column '{}': DECIMAL precision {} is outside [1, 76]", e.name,
                               precision);
  }
  if (scale < 0 || scale > precision) {
    return Status::Corrupt("column '{}': DECIMAL scale {} does not fit precision {}", e.name,
                           scale, precision);
  }
  if (t == Type::kFixedLenByteArray && e.type_length) {
    // Enough bytes for the digits is required; more are allowed (sign-extended).
    if (*e.type_length > 32 && precision > 38) {
      return Status::Unsupported("column '{}': DECIMAL in {} bytes", e.name, *e.type_length);
    }
  }
  (void)max;  // Writers exceed the spec's per-type maximum; the value still fits.
  if (t != Type::kInt32 && t != Type::kInt64 && t != Type::kByteArray &&
      t != Type::kFixedLenByteArray) {
    return Status::Corrupt("column '{}': DECIMAL on physical type {}", e.name, ToString(t));
  }
  return precision <= 38 ? columnar::decimal128(precision, scale)
                         : columnar::decimal256(precision, scale);
}

}  // namespace

Result<SchemaDescriptor> SchemaDescriptor::Make(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Status::Corrupt("the schema has no elements");
  SchemaDescriptor s;
  TreeBuilder builder(elements, &s.nodes_, &s.columns_);
  QUIRE_RETURN_NOT_OK(builder.Build(-1, 0));
  if (builder.pos() != elements.size()) {
    return Status::Corrupt("the schema tree ends after {} of its {} elements", builder.pos(),
                           elements.size());
  }
  return s;
}

Result<TypePtr> LeafArrowType(const SchemaElement& e, const ArrowSchemaOptions& options) {
  using columnar::TimeUnit;
  const Type t = *e.type;
  const LogicalType* lt =
      e.logical_type && e.logical_type->is_recognized() ? &*e.logical_type : nullptr;
  // An unrecognized LogicalType means "ignore the annotation", converted type too.
  const bool unknown_logical = e.logical_type && !e.logical_type->is_recognized();
  std::optional<ConvertedType> ct;
  if (!unknown_logical) ct = e.converted_type;
  using K = LogicalType::Kind;
  if (lt && lt->kind == K::kNull) return columnar::null();
  if ((lt && lt->kind == K::kDecimal) || (!lt && ct == ConvertedType::kDecimal)) {
    const int32_t precision = lt ? lt->precision : e.precision.value_or(0);
    const int32_t scale = lt ? lt->scale : e.scale.value_or(0);
    return DecimalType(e, precision, scale);
  }
  switch (t) {
    case Type::kBoolean:
      return columnar::boolean();
    case Type::kInt32:
      if (lt && lt->kind == K::kInteger) {
        switch (lt->bit_width) {
          case 8: return lt->is_signed ? columnar::int8() : columnar::uint8();
          case 16: return lt->is_signed ? columnar::int16() : columnar::uint16();
          case 32: return lt->is_signed ? columnar::int32() : columnar::uint32();
          default:
            return Status::Corrupt("column '{}': INTEGER({}) on INT32", e.name,
                                   int(lt->bit_width));
        }
      }
      if (lt && lt->kind == K::kDate) return columnar::date32();
      if (lt && lt->kind == K::kTime) {
        if (lt->unit != ::quire::parquet::TimeUnit::kMillis) {
          return Status::Corrupt("column '{}': TIME({}) on INT32 must be MILLIS", e.name,
                                 ToString(lt->unit));
        }
        return columnar::time32(TimeUnit::kMilli);
      }
      if (!lt && ct) {
        switch (*ct) {
          case ConvertedType::kInt8: return columnar::int8();
          case ConvertedType::kInt16: return columnar::int16();
          case ConvertedType::kInt32: return columnar::int32();
          case ConvertedType::kUint8: return columnar::uint8();
          case ConvertedType::kUint16: return columnar::uint16();
          case ConvertedType::kUint32: return columnar::uint32();
          case ConvertedType::kDate: return columnar::date32();
          case ConvertedType::kTimeMillis: return columnar::time32(TimeUnit::kMilli);
          default: break;
        }
      }
      return columnar::int32();
    case Type::kInt64:
      if (lt && lt->kind == K::kInteger) {
        if (lt->bit_width != 64) {
          return Status::Corrupt("column '{}': INTEGER({}) on INT64", e.name,
                                 int(lt->bit_width));
        }
        return lt->is_signed ? columnar::int64() : columnar::uint64();
      }
      if (lt && lt->kind == K::kTimestamp) {
        return columnar::timestamp(ArrowUnit(lt->unit), lt->is_adjusted_to_utc ? "UTC" : "");
      }
      if (lt && lt->kind == K::kTime) {
        if (lt->unit == ::quire::parquet::TimeUnit::kMillis) {
          return Status::Corrupt("column '{}': TIME(MILLIS) on INT64", e.name);
        }
        return columnar::time64(ArrowUnit(lt->unit));
      }
      if (!lt && ct) {
        switch (*ct) {
          case ConvertedType::kInt64: return columnar::int64();
          case ConvertedType::kUint64: return columnar::uint64();
          case ConvertedType::kTimeMicros: return columnar::time64(TimeUnit::kMicro);
          // LogicalTypes.md, compatibility: TIMESTAMP_MILLIS/MICROS are
          // TIMESTAMP(isAdjustedToUTC=true, ...).
          case ConvertedType::kTimestampMillis: return columnar::timestamp(TimeUnit::kMilli, "UTC");
          case ConvertedType::kTimestampMicros: return columnar::timestamp(TimeUnit::kMicro, "UTC");
          default: break;
        }
      }
      return columnar::int64();
    case Type::kInt96:
      return columnar::timestamp(options.int96_unit);
    case Type::kFloat:
      return columnar::float32();
    case Type::kDouble:
      return columnar::float64();
    case Type::kByteArray:
      if (lt && (lt->kind == K::kString || lt->kind == K::kEnum || lt->kind == K::kJson)) {
        return options.read_dictionary ? columnar::dictionary(columnar::int32(), columnar::utf8())
                                       : columnar::utf8();
      }
      if (!lt && (ct == ConvertedType::kUtf8 || ct == ConvertedType::kEnum ||
                  ct == ConvertedType::kJson)) {
        return options.read_dictionary ? columnar::dictionary(columnar::int32(), columnar::utf8())
                                       : columnar::utf8();
      }
      if (lt && lt->kind != K::kBson) return columnar::binary();  // e.g. GEOMETRY (WKB)
      return options.read_dictionary ? columnar::dictionary(columnar::int32(), columnar::binary())
                                     : columnar::binary();
    case Type::kFixedLenByteArray: {
      const int32_t width = e.type_length.value_or(0);
      if (lt && lt->kind == K::kFloat16) {
        if (width != 2) {
          return Status::Corrupt("column '{}': FLOAT16 in {} bytes, not 2", e.name, width);
        }
        return columnar::float16();
      }
      if (lt && lt->kind == K::kUuid && width != 16) {
        return Status::Corrupt("column '{}': UUID in {} bytes, not 16", e.name, width);
      }
      if (!lt && ct == ConvertedType::kInterval) {
        if (width != 12) {
          return Status::Corrupt("column '{}': INTERVAL in {} bytes, not 12", e.name, width);
        }
        return columnar::interval_month_day_nano();
      }
      return columnar::fixed_size_binary(width);
    }
  }
  return Status::Corrupt("column '{}' has physical type {}", e.name, int32_t(t));
}

namespace {

Result<TypePtr> NodeType(const SchemaDescriptor& s, int index, const ArrowSchemaOptions& o);

// The field of a node as its parent sees it: a repeated node that is not the
// level of an enclosing LIST or MAP is itself a list of required elements
// (LogicalTypes.md: repeated fields without LIST annotation).
Result<FieldPtr> FieldOf(const SchemaDescriptor& s, int index, const ArrowSchemaOptions& o) {
  const SchemaNode& n = s.node(index);
  QUIRE_ASSIGN_OR_RETURN(TypePtr type, NodeType(s, index, o));
  // Canonical Arrow extension types name what the plain storage type cannot say.
  columnar::MetadataPtr metadata;
  if (IsVariantElement(*n.element)) {
    metadata = columnar::KeyValueMetadata::Make(
        {{"ARROW:extension:name", std::string(columnar::kVariantExtensionName)}});
  } else if (n.is_leaf() && n.element->logical_type) {
    const LogicalType& lt = *n.element->logical_type;
    if (lt.kind == LogicalType::Kind::kUuid) {
      metadata = columnar::KeyValueMetadata::Make({{"ARROW:extension:name", "arrow.uuid"}});
    } else if (lt.kind == LogicalType::Kind::kGeometry ||
               lt.kind == LogicalType::Kind::kGeography) {
      // GEOMETRY and GEOGRAPHY values are WKB (LogicalTypes.md, "Geospatial Types").
      std::vector<std::pair<std::string, std::string>> pairs = {
          {"ARROW:extension:name", "geoarrow.wkb"}};
      if (lt.crs) pairs.emplace_back("parquet:crs", *lt.crs);
      if (lt.kind == LogicalType::Kind::kGeography) {
        pairs.emplace_back("parquet:edges", "spherical");
      }
      metadata = columnar::KeyValueMetadata::Make(std::move(pairs));
    }
  }
  if (n.repetition == FieldRepetitionType::kRepeated) {
    auto element = columnar::field(n.name(), std::move(type), /*nullable=*/false, metadata);
    return columnar::field(n.name(), columnar::list(std::move(element)), /*nullable=*/false);
  }
  return columnar::field(n.name(), std::move(type),
                         n.repetition == FieldRepetitionType::kOptional, metadata);
}

Result<TypePtr> NodeType(const SchemaDescriptor& s, int index, const ArrowSchemaOptions& o) {
  const SchemaNode& n = s.node(index);
  if (n.is_leaf()) return LeafArrowType(*n.element, o);
  if (IsVariantElement(*n.element)) {
    // Read unshredded (VariantShredding.md, "Reconstructing a Shredded Variant"):
    // a missing value becomes the Variant null, so `value` is never null.
    return columnar::struct_(
        {columnar::field("metadata", columnar::binary(), /*nullable=*/false),
         columnar::field("value", columnar::binary(), /*nullable=*/false)});
  }
  if (IsList(*n.element)) {
    QUIRE_ASSIGN_OR_RETURN(ListShape shape, ResolveList(s, index));
    if (shape.element_is_repeated_node) {
      const SchemaNode& r = s.node(shape.repeated);
      QUIRE_ASSIGN_OR_RETURN(TypePtr element, NodeType(s, shape.repeated, o));
      return columnar::list(columnar::field(r.name(), std::move(element), /*nullable=*/false));
    }
    QUIRE_ASSIGN_OR_RETURN(FieldPtr element, FieldOf(s, shape.element, o));
    return columnar::list(std::move(element));
  }
  if (IsMap(*n.element) && n.children.size() == 1 &&
      s.node(n.children[0]).repetition == FieldRepetitionType::kRepeated) {
    const SchemaNode& kv = s.node(n.children[0]);
    if (kv.children.size() == 1) {
      // A MAP without a value field (map_no_value.parquet): a list of its keys.
      QUIRE_ASSIGN_OR_RETURN(FieldPtr key, FieldOf(s, kv.children[0], o));
      return columnar::list(key->WithNullable(false));
    }
    if (kv.children.size() != 2) {
      return Status::Unsupported("MAP '{}': the key_value group has {} fields, not 2",
                                 n.name(), kv.children.size());
    }
    QUIRE_ASSIGN_OR_RETURN(FieldPtr key, FieldOf(s, kv.children[0], o));
    QUIRE_ASSIGN_OR_RETURN(FieldPtr value, FieldOf(s, kv.children[1], o));
    auto entries = columnar::struct_({key->WithNullable(false)->WithName("key"),
                                      value->WithName("value")});
    return columnar::map(columnar::field(kv.name(), std::move(entries), /*nullable=*/false));
  }
  columnar::FieldVector fields;
  for (int c : n.children) {
    QUIRE_ASSIGN_OR_RETURN(FieldPtr f, FieldOf(s, c, o));
    fields.push_back(std::move(f));
  }
  return columnar::struct_(std::move(fields));
}

}  // namespace

Result<ListShape> ResolveList(const SchemaDescriptor& s, int index) {
  const SchemaNode& g = s.node(index);
  if (g.children.size() != 1 ||
      s.node(g.children[0]).repetition != FieldRepetitionType::kRepeated) {
    return Status::Corrupt("LIST '{}' must have exactly one repeated child", g.name());
  }
  ListShape shape;
  shape.repeated = g.children[0];
  const SchemaNode& r = s.node(shape.repeated);
  // LogicalTypes.md, "Lists", backward-compatibility rules 1-5, in order.
  if (r.is_leaf() || r.children.size() > 1 ||
      s.node(r.children[0]).repetition == FieldRepetitionType::kRepeated ||
      r.name() == "array" || r.name() == g.name() + "_tuple") {
    shape.element = shape.repeated;
    shape.element_is_repeated_node = true;
  } else {
    shape.element = r.children[0];
  }
  return shape;
}

bool IsVariantGroup(const SchemaNode& node) {
  return !node.is_leaf() && IsVariantElement(*node.element);
}

bool IsInsideVariant(const SchemaDescriptor& schema, int node) {
  for (int n = schema.node(node).parent; n > 0; n = schema.node(n).parent) {
    if (IsVariantGroup(schema.node(n))) return true;
  }
  return false;
}

Result<TypePtr> ShreddedVariantType(const SchemaDescriptor& schema, int node,
                                    const ArrowSchemaOptions& options) {
  ArrowSchemaOptions o = options;
  o.read_dictionary = false;
  columnar::FieldVector fields;
  for (int c : schema.node(node).children) {
    QUIRE_ASSIGN_OR_RETURN(FieldPtr f, FieldOf(schema, c, o));
    fields.push_back(std::move(f));
  }
  return columnar::struct_(std::move(fields));
}

Result<FieldPtr> ArrowFieldOf(const SchemaDescriptor& schema, int node,
                              const ArrowSchemaOptions& options) {
  return FieldOf(schema, node, options);
}

Result<columnar::SchemaPtr> ToArrowSchema(const SchemaDescriptor& schema,
                                          const FileMetaData& metadata,
                                          const ArrowSchemaOptions& options) {
  columnar::FieldVector fields;
  for (int c : schema.root().children) {
    QUIRE_ASSIGN_OR_RETURN(FieldPtr f, FieldOf(schema, c, options));
    fields.push_back(std::move(f));
  }
  columnar::MetadataPtr md;
  if (metadata.key_value_metadata && !metadata.key_value_metadata->empty()) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& kv : *metadata.key_value_metadata) {
      pairs.emplace_back(kv.key, kv.value.value_or(""));
    }
    md = columnar::KeyValueMetadata::Make(std::move(pairs));
  }
  return columnar::schema(std::move(fields), std::move(md));
}

}  // namespace quire::parquet
