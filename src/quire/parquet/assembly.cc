/// \file quire/parquet/assembly.cc
///
/// Each leaf column holds one entry per value slot the writer saw, with a
/// repetition level r (0: a new record; k: a new element of the k-th repeated
/// ancestor) and a definition level d (how many optional or repeated ancestors,
/// the leaf included, are present). A node N of the tree is built from the entries
/// of one leaf below it: an entry opens a new slot of N when r <= P (the
/// repetition level of N's slots) and the slot exists when d >= T (N's parent is
/// there); the slot is non-null when d >= D(N). Lists add one repetition level:
/// their elements are the entries with r <= P + 1 and d >= D(repeated child).
#include "quire/parquet/assembly.h"

#include <algorithm>

#include "quire/columnar/builder.h"
#include "quire/parquet/variant_shredding.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"

namespace quire::parquet {

using columnar::ArrayPtr;
using columnar::TypeId;
using columnar::TypePtr;

namespace {

bool IsMapGroup(const SchemaNode& n) {
  const SchemaElement& e = *n.element;
  return (e.logical_type && e.logical_type->kind == LogicalType::Kind::kMap) ||
         (!e.logical_type && e.converted_type &&
          (*e.converted_type == ConvertedType::kMap ||
           *e.converted_type == ConvertedType::kMapKeyValue));
}

class Assembler {
 public:
  Assembler(const SchemaDescriptor& s, const std::vector<const ColumnChunkData*>& leaves,
            columnar::MemoryPool* pool)
      : s_(s), leaves_(leaves), pool_(pool) {}

  // Builds the slots of `node` (r <= p, d >= t). `as_element`: the node is the
  // element of the list formed by its own repetition, so that repetition is not
  // turned into another list here.
  Result<ArrayPtr> Build(int node, const TypePtr& type, int16_t t, int16_t p, bool as_element) {
    const SchemaNode& n = s_.node(node);
    if (n.repetition == FieldRepetitionType::kRepeated && !as_element) {
      // A repeated field that is not a LIST's level: a list of required elements.
      return BuildList(node, node, type, t, p, /*element_node=*/node, /*element_is_self=*/true);
    }
    if (IsVariantGroup(n) && type->id() == TypeId::kStruct) {
      // Assemble the group as stored, then rebuild the Variant values.
      QUIRE_ASSIGN_OR_RETURN(auto stored_type, ShreddedVariantType(s_, node));
      QUIRE_ASSIGN_OR_RETURN(auto stored, BuildStruct(node, stored_type, t, p));
      return UnshredVariant(*stored, type, n.name(), pool_);
    }
    switch (type->id()) {
      case TypeId::kList:
        if (n.is_leaf()) break;
        if (IsMapGroup(n)) {
          // A MAP without a value field: a list of its keys.
          const int kv = n.children[0];
          return BuildList(node, kv, type, t, p, s_.node(kv).children[0], false);
        }
        {
          QUIRE_ASSIGN_OR_RETURN(ListShape shape, ResolveList(s_, node));
          return BuildList(node, shape.repeated, type, t, p, shape.element,
                           shape.element_is_repeated_node);
        }
      case TypeId::kMap: {
        const int kv = n.children[0];
        return BuildList(node, kv, type, t, p, kv, /*element_is_self=*/true);
      }
      case TypeId::kStruct:
        if (!n.is_leaf()) return BuildStruct(node, type, t, p);
        break;
      default:
        break;
    }
    if (!n.is_leaf()) {
      return Status::Internal("schema node '{}' maps to {}", n.name(), type->ToString());
    }
    return BuildLeaf(node, type, t);
  }

 private:
  struct Stream {
    const ColumnChunkData* data;
    int16_t max_def;
    int64_t size() const { return data->num_entries; }
    // No definition levels: every entry is at the maximum.
    int16_t def(int64_t i) const {
      return data->def_levels.empty() ? max_def : data->def_levels[size_t(i)];
    }
    int16_t rep(int64_t i) const { return data->rep_levels.empty() ? 0 : data->rep_levels[size_t(i)]; }
  };

  Result<Stream> FirstLeafStream(int node) const {
    int n = node;
    while (!s_.node(n).is_leaf()) {
      if (s_.node(n).children.empty()) {
        return Status::Unsupported("group '{}' without leaf columns", s_.node(n).name());
      }
      n = s_.node(n).children[0];
    }
    const int column = s_.node(n).column;
    const ColumnChunkData* data = leaves_[size_t(column)];
    if (data == nullptr) return Status::Internal("leaf column {} was not decoded", column);
    return Stream{data, s_.column(column).max_def_level};
  }

  Result<ArrayPtr> BuildLeaf(int node, const TypePtr& type, int16_t t) {
    QUIRE_ASSIGN_OR_RETURN(Stream st, FirstLeafStream(node));
    const ArrayPtr& dense = st.data->values;
    int64_t slots = 0;
    if (st.data->def_levels.empty() && st.data->rep_levels.empty()) {
      slots = st.size();  // every entry a present value, one per slot
    } else {
      for (int64_t i = 0; i < st.size(); ++i) slots += st.def(i) >= t;
    }
    if (slots == dense->length()) return dense;  // no nulls at this level
    if (type->id() == TypeId::kDictionary) {
      // Spread the indices and keep the chunk's dictionary.
      auto index_type = type->index_type();
      auto index_view = columnar::Array::Make(index_type, dense->length(), dense->buffers(), {},
                                              nullptr, 0, dense->offset());
      Stream indices_stream = st;
      QUIRE_ASSIGN_OR_RETURN(auto spread, Spread(node, indices_stream, index_view, index_type, t));
      return columnar::Array::Make(type, spread->length(), spread->buffers(), {},
                                   dense->dictionary(), spread->null_count());
    }
    return Spread(node, st, dense, type, t);
  }

  // Spread `dense` over the slots of `st` (d >= t), nulls where d < max_def.
  Result<ArrayPtr> Spread(int node, const Stream& st, const ArrayPtr& dense, const TypePtr& type,
                          int16_t t) {
    int64_t slots = 0;
    for (int64_t i = 0; i < st.size(); ++i) slots += st.def(i) >= t;
    QUIRE_ASSIGN_OR_RETURN(auto b, columnar::MakeBuilder(type, pool_));
    QUIRE_RETURN_NOT_OK(b->Reserve(slots));
    int64_t k = 0;  // next dense value
    int64_t i = 0;
    while (i < st.size()) {
      const int16_t d = st.def(i);
      if (d < t) {
        ++i;
        continue;
      }
      int64_t j = i + 1;
      const bool present = d == st.max_def;
      while (j < st.size() && st.def(j) >= t && (st.def(j) == st.max_def) == present) ++j;
      const int64_t run = j - i;
      if (present) {
        if (k + run > dense->length()) {
          return Status::Corrupt("column '{}' has fewer values than its levels announce",
                                 s_.node(node).name());
        }
        QUIRE_RETURN_NOT_OK(b->AppendArraySlice(*dense, k, run));
        k += run;
      } else {
        QUIRE_RETURN_NOT_OK(b->AppendNulls(run));
      }
      i = j;
    }
    if (k != dense->length()) {
      return Status::Corrupt("column '{}' has {} values but its levels place {}",
                             s_.node(node).name(), dense->length(), k);
    }
    return b->Finish();
  }

  Result<columnar::BufferPtr> Validity(const Stream& st, int16_t t, int16_t p, int16_t present,
                                       int64_t* slots, int64_t* nulls) {
    columnar::BitmapBuilder bits(pool_);
    *slots = 0;
    for (int64_t i = 0; i < st.size(); ++i) {
      if (st.def(i) >= t && st.rep(i) <= p) {
        QUIRE_RETURN_NOT_OK(bits.Append(st.def(i) >= present));
        ++*slots;
      }
    }
    *nulls = bits.false_count();
    if (*nulls == 0) return columnar::BufferPtr();
    return bits.Finish();
  }

  Result<ArrayPtr> BuildStruct(int node, const TypePtr& type, int16_t t, int16_t p) {
    const SchemaNode& n = s_.node(node);
    QUIRE_ASSIGN_OR_RETURN(Stream st, FirstLeafStream(node));
    int64_t slots = 0, nulls = 0;
    QUIRE_ASSIGN_OR_RETURN(auto validity, Validity(st, t, p, n.def_level, &slots, &nulls));
    columnar::ArrayVector children;
    for (size_t c = 0; c < n.children.size(); ++c) {
      QUIRE_ASSIGN_OR_RETURN(
          auto child, Build(n.children[c], type->field(int(c))->type(), t, p, false));
      if (child->length() != slots) {
        return Status::Corrupt("fields of '{}' disagree on its number of values ({} and {})",
                               n.name(), slots, child->length());
      }
      children.push_back(std::move(child));
    }
    return columnar::Array::Make(type, slots, {std::move(validity)}, std::move(children),
                                 nullptr, nulls);
  }

  // `list_node`: the node whose slots are the lists (its validity decides null
  // lists); `repeated`: the node that repeats (its def level marks an element).
  Result<ArrayPtr> BuildList(int list_node, int repeated, const TypePtr& type, int16_t t,
                             int16_t p, int element_node, bool element_is_self) {
    const SchemaNode& ln = s_.node(list_node);
    const SchemaNode& rn = s_.node(repeated);
    QUIRE_ASSIGN_OR_RETURN(Stream st, FirstLeafStream(repeated));
    // A repeated field (list_node == repeated) has no null state: its lists are
    // present whenever the parent is.
    const int16_t present = list_node == repeated ? t : ln.def_level;
    const int16_t element_def = rn.def_level;
    const int16_t element_rep = rn.rep_level;
    columnar::BitmapBuilder bits(pool_);
    columnar::BufferBuilder offsets(pool_);
    int64_t count = 0, slots = 0;
    for (int64_t i = 0; i < st.size(); ++i) {
      const int16_t d = st.def(i), r = st.rep(i);
      if (d < t) continue;
      if (r <= p) {
        if (count > std::numeric_limits<int32_t>::max()) {
          return Status::Unsupported("list '{}' holds more than 2^31 elements", ln.name());
        }
        QUIRE_RETURN_NOT_OK(offsets.AppendValue(int32_t(count)));
        QUIRE_RETURN_NOT_OK(bits.Append(d >= present));
        ++slots;
        if (d >= element_def) ++count;
      } else if (r == element_rep) {
        if (slots == 0 || d < element_def) {
          return Status::Corrupt("repetition level {} at entry {} of list '{}' continues no "
                                 "list", r, i, ln.name());
        }
        ++count;
      }
    }
    QUIRE_RETURN_NOT_OK(offsets.AppendValue(int32_t(count)));
    const int64_t nulls = bits.false_count();
    columnar::BufferPtr validity;
    if (nulls > 0) {
      QUIRE_ASSIGN_OR_RETURN(validity, bits.Finish());
    }
    QUIRE_ASSIGN_OR_RETURN(auto offset_buffer, offsets.Finish());
    const TypePtr& element_type =
        type->id() == TypeId::kMap ? type->field(0)->type() : type->value_type();
    ArrayPtr values;
    if (type->id() == TypeId::kMap) {
      QUIRE_ASSIGN_OR_RETURN(values, BuildEntries(repeated, element_type, element_def, element_rep));
    } else {
      QUIRE_ASSIGN_OR_RETURN(values, Build(element_node, element_type, element_def, element_rep,
                                           /*as_element=*/element_is_self));
    }
    if (values->length() != count) {
      return Status::Corrupt("list '{}' has {} elements but its values number {}", ln.name(),
                             count, values->length());
    }
    return columnar::Array::Make(type, slots, {std::move(validity), std::move(offset_buffer)},
                                 {std::move(values)}, nullptr, nulls);
  }

  // The entries struct of a map: key and value built from the key_value group.
  Result<ArrayPtr> BuildEntries(int kv, const TypePtr& entries_type, int16_t t, int16_t p) {
    const SchemaNode& n = s_.node(kv);
    columnar::ArrayVector children;
    for (size_t c = 0; c < n.children.size() && c < 2; ++c) {
      QUIRE_ASSIGN_OR_RETURN(
          auto child, Build(n.children[c], entries_type->field(int(c))->type(), t, p, false));
      children.push_back(std::move(child));
    }
    if (children.size() != 2 || children[0]->length() != children[1]->length()) {
      return Status::Corrupt("map '{}': keys and values disagree in number", n.name());
    }
    if (children[0]->null_count() != 0) {
      return Status::Corrupt("map '{}' has {} null keys (map keys must not be null)", n.name(),
                             children[0]->null_count());
    }
    const int64_t len = children[0]->length();
    return columnar::Array::Make(entries_type, len, {nullptr}, std::move(children), nullptr, 0);
  }

  const SchemaDescriptor& s_;
  const std::vector<const ColumnChunkData*>& leaves_;
  columnar::MemoryPool* pool_;
};

}  // namespace

Result<ArrayPtr> AssembleField(const SchemaDescriptor& schema, int node, const TypePtr& type,
                               const std::vector<const ColumnChunkData*>& leaves,
                               int64_t num_rows, columnar::MemoryPool* pool) {
  Assembler a(schema, leaves, pool);
  QUIRE_ASSIGN_OR_RETURN(auto array, a.Build(node, type, 0, 0, false));
  if (array->length() != num_rows) {
    return Status::Corrupt("column '{}' holds {} records, its row group {}",
                           schema.node(node).name(), array->length(), num_rows);
  }
  return array;
}

}  // namespace quire::parquet
