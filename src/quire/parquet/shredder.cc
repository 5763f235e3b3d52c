/// \file quire/parquet/shredder.cc
/// \brief Dremel shredding of Arrow arrays into levels and leaf values.

#include "quire/parquet/shredder.h"

#include <functional>
#include <utility>

#include "quire/columnar/builder.h"
#include "quire/util/macros.h"

namespace quire::parquet {

namespace {

using columnar::Array;
using columnar::ArrayPtr;
using columnar::Field;
using columnar::TypeId;
using util::ScratchVector;

// Level entries on the way down: idx >= 0 is a live slot of the current array;
// idx < 0 marks an entry whose levels are final (a null or an empty list above).
struct Entries {
  ScratchVector<int16_t> def;
  ScratchVector<int16_t> rep;
  ScratchVector<int64_t> idx;
  size_t size() const { return idx.size(); }
};

bool IsListLike(TypeId id) {
  return id == TypeId::kList || id == TypeId::kLargeList || id == TypeId::kFixedSizeList ||
         id == TypeId::kMap;
}

class Shredder {
 public:
  explicit Shredder(std::vector<LeafSlice>* out) : out_(out) {}

  Status Run(const Array& array, const Field& field) {
    rows_ = array.length();
    Entries e;
    e.def.assign(size_t(rows_), 0);
    e.rep.assign(size_t(rows_), 0);
    e.idx.resize(size_t(rows_));
    for (int64_t i = 0; i < rows_; ++i) e.idx[size_t(i)] = i;
    return Node(array, field, std::move(e), 0, 0, false, field.name());
  }

 private:
  Status Node(const Array& array, const Field& field, Entries e, int16_t def, int16_t rep,
              bool force_required, const std::string& path) {
    const bool optional =
        !force_required && (field.nullable() || array.type_id() == TypeId::kNull);
    if (optional) {
      ++def;
      if (array.null_count() != 0) {
        for (size_t k = 0; k < e.size(); ++k) {
          const int64_t i = e.idx[k];
          if (i >= 0 && array.IsNull(i)) {
            e.def[k] = int16_t(def - 1);
            e.idx[k] = -1;
          }
        }
      }
    } else if (array.null_count() != 0) {
      for (size_t k = 0; k < e.size(); ++k) {
        const int64_t i = e.idx[k];
        if (i >= 0 && array.IsNull(i)) {
          return Status::Invalid("column '{}' is not nullable but holds a null", path);
        }
      }
    }
    const TypeId id = array.type_id();
    if (IsListLike(id)) return List(array, field, std::move(e), def, rep, path);
    if (id == TypeId::kStruct) {
      const auto& fields = array.type()->fields();
      for (int j = 0; j < array.num_children(); ++j) {
        Entries copy = e;
        QUIRE_RETURN_NOT_OK(Node(*array.field(j), *fields[size_t(j)], std::move(copy), def, rep,
                                 false, path + "." + fields[size_t(j)]->name()));
      }
      return Status::OK();
    }
    return Leaf(array, std::move(e), def, rep);
  }

  Status List(const Array& array, const Field& field, Entries e, int16_t def, int16_t rep,
              const std::string& path) {
    const TypeId id = array.type_id();
    // Count the child entries first, then fill.
    auto range = [&](int64_t i) -> std::pair<int64_t, int64_t> {
      switch (id) {
        case TypeId::kLargeList: {
          const auto* o = array.buffer(1)->data_as<int64_t>() + array.offset();
          return {o[i], o[i + 1]};
        }
        case TypeId::kFixedSizeList: {
          const int64_t n = array.type()->list_size();
          return {(array.offset() + i) * n, (array.offset() + i + 1) * n};
        }
        default: {
          const auto* o = array.buffer(1)->data_as<int32_t>() + array.offset();
          return {o[i], o[i + 1]};
        }
      }
    };
    size_t total = 0;
    for (size_t k = 0; k < e.size(); ++k) {
      const int64_t i = e.idx[k];
      if (i < 0) {
        ++total;
      } else {
        auto [s, t] = range(i);
        total += t > s ? size_t(t - s) : 1;
      }
    }
    const int16_t child_def = int16_t(def + 1);
    const int16_t child_rep = int16_t(rep + 1);
    Entries c;
    c.def.resize(total);
    c.rep.resize(total);
    c.idx.resize(total);
    size_t w = 0;
    for (size_t k = 0; k < e.size(); ++k) {
      const int64_t i = e.idx[k];
      if (i < 0) {
        c.def[w] = e.def[k];
        c.rep[w] = e.rep[k];
        c.idx[w] = -1;
        ++w;
        continue;
      }
      auto [s, t] = range(i);
      if (t <= s) {  // an empty list: defined up to the list itself
        c.def[w] = def;
        c.rep[w] = e.rep[k];
        c.idx[w] = -1;
        ++w;
        continue;
      }
      for (int64_t j = s; j < t; ++j) {
        c.def[w] = child_def;
        c.rep[w] = j == s ? e.rep[k] : child_rep;
        c.idx[w] = j;
        ++w;
      }
    }
    e = Entries();
    const Array& child = *array.child(0);
    if (id == TypeId::kMap) {
      // The entries struct is the repeated key_value group: never null itself.
      const auto& fields = child.type()->fields();
      Entries copy = c;
      QUIRE_RETURN_NOT_OK(Node(*child.field(0), *fields[0], std::move(copy), child_def,
                               child_rep, true, path + ".key"));
      return Node(*child.field(1), *fields[1], std::move(c), child_def, child_rep, false,
                  path + ".value");
    }
    return Node(child, *array.type()->value_field(), std::move(c), child_def, child_rep,
                false, path + ".element");
  }

  Status Leaf(const Array& array, Entries e, int16_t max_def, int16_t max_rep) {
    LeafSlice s;
    QUIRE_ASSIGN_OR_RETURN(s.values, DecodeDictionaries(array.Slice(0)));
    s.num_levels = int64_t(e.size());
    s.num_rows = rows_;
    bool dense = true;
    for (size_t k = 0; k < e.size() && dense; ++k) dense = e.idx[k] == int64_t(k);
    s.dense = dense;
    if (!dense) {
      s.slots.reserve(e.size());
      for (size_t k = 0; k < e.size(); ++k) {
        if (e.idx[k] >= 0) {
          s.slots.push_back(e.idx[k]);
          e.def[k] = max_def;
        }
      }
      if (max_def > 0) s.def_levels = std::move(e.def);
    }
    if (max_rep > 0) s.rep_levels = std::move(e.rep);
    out_->push_back(std::move(s));
    return Status::OK();
  }

  std::vector<LeafSlice>* out_;
  int64_t rows_ = 0;
};

Status ShredFlat(const Array& array, const Field& field, std::vector<LeafSlice>* out) {
  LeafSlice s;
  QUIRE_ASSIGN_OR_RETURN(s.values, DecodeDictionaries(array.Slice(0)));
  const int64_t n = array.length();
  s.num_levels = n;
  s.num_rows = n;
  const bool is_null_type = array.type_id() == TypeId::kNull;
  const int64_t nulls = is_null_type ? n : array.null_count();
  if (nulls == 0) {
    s.dense = true;
  } else if (!field.nullable() && !is_null_type) {
    return Status::Invalid("column '{}' is not nullable but holds {} nulls", field.name(),
                           nulls);
  } else {
    s.def_levels.resize(size_t(n));
    s.slots.reserve(size_t(n - nulls));
    const uint8_t* bits = is_null_type ? nullptr : array.validity();
    const int64_t off = array.offset();
    for (int64_t i = 0; i < n; ++i) {
      const bool valid = !is_null_type && (bits == nullptr || util::GetBit(bits, off + i));
      s.def_levels[size_t(i)] = valid ? 1 : 0;
      if (valid) s.slots.push_back(i);
    }
  }
  out->push_back(std::move(s));
  return Status::OK();
}

}  // namespace

Status ShredColumn(const Array& array, const Field& field, std::vector<LeafSlice>* out) {
  const TypeId id = array.type_id();
  const bool nested = IsListLike(id) || id == TypeId::kStruct ||
                      (id == TypeId::kDictionary &&
                       array.type()->dictionary_value_type()->is_nested());
  if (!nested) return ShredFlat(array, field, out);
  QUIRE_ASSIGN_OR_RETURN(ArrayPtr decoded, DecodeDictionaries(array.Slice(0)));
  Shredder shredder(out);
  return shredder.Run(*decoded, field);
}

namespace {

bool HasDictionary(const columnar::DataType& type) {
  if (type.id() == TypeId::kDictionary) return true;
  for (const auto& f : type.fields()) {
    if (HasDictionary(*f->type())) return true;
  }
  return false;
}

}  // namespace

Result<ArrayPtr> DecodeDictionaries(const ArrayPtr& array) {
  if (!HasDictionary(*array->type())) return array;
  // Rebuild through a builder of the decoded type: slow, but dictionary arrays
  // are rare on the write path (quire reads dictionaries only on request).
  std::function<columnar::TypePtr(const columnar::TypePtr&)> plain =
      [&](const columnar::TypePtr& t) -> columnar::TypePtr {
    if (t->id() == TypeId::kDictionary) return plain(t->dictionary_value_type());
    if (t->fields().empty()) return t;
    columnar::TypeParams p;
    p.precision = t->precision();
    p.scale = t->scale();
    p.unit = t->unit();
    p.timezone = t->timezone();
    p.width = t->id() == TypeId::kFixedSizeList ? t->list_size() : 0;
    p.flag = t->keys_sorted();
    for (const auto& f : t->fields()) p.fields.push_back(f->WithType(plain(f->type())));
    return columnar::DataType::Make(t->id(), std::move(p));
  };
  const columnar::TypePtr target = plain(array->type());
  QUIRE_ASSIGN_OR_RETURN(auto builder, columnar::MakeBuilder(target));
  std::function<Status(columnar::ArrayBuilder*, const Array&, int64_t)> append =
      [&](columnar::ArrayBuilder* b, const Array& a, int64_t i) -> Status {
    if (a.IsNull(i)) return b->AppendNull();
    if (a.type_id() == TypeId::kDictionary) {
      const columnar::DataType& it = *a.type()->index_type();
      int64_t index = 0;
      switch (it.id()) {
        case TypeId::kInt8: index = a.values<int8_t>()[i]; break;
        case TypeId::kUInt8: index = a.values<uint8_t>()[i]; break;
        case TypeId::kInt16: index = a.values<int16_t>()[i]; break;
        case TypeId::kUInt16: index = a.values<uint16_t>()[i]; break;
        case TypeId::kInt32: index = a.values<int32_t>()[i]; break;
        case TypeId::kUInt32: index = a.values<uint32_t>()[i]; break;
        case TypeId::kInt64: index = a.values<int64_t>()[i]; break;
        default: index = int64_t(a.values<uint64_t>()[i]); break;
      }
      return append(b, *a.dictionary(), index);
    }
    if (!HasDictionary(*a.type())) return b->AppendArraySlice(a, i, 1);
    // A nested value holding dictionaries below: slow path through a one-row
    // decode of the slice.
    QUIRE_ASSIGN_OR_RETURN(ArrayPtr one, DecodeDictionaries(a.Slice(i, 1)));
    return b->AppendArraySlice(*one, 0, 1);
  };
  if (array->type_id() != TypeId::kDictionary) {
    // A nested array with dictionaries inside: rebuild children recursively.
    std::vector<ArrayPtr> children;
    for (const auto& c : array->children()) {
      QUIRE_ASSIGN_OR_RETURN(ArrayPtr d, DecodeDictionaries(c));
      children.push_back(std::move(d));
    }
    return Array::Make(target, array->length(), array->buffers(), std::move(children), nullptr,
                       array->null_count(), array->offset());
  }
  for (int64_t i = 0; i < array->length(); ++i) {
    QUIRE_RETURN_NOT_OK(append(builder.get(), *array, i));
  }
  return builder->Finish();
}

}  // namespace quire::parquet
