/// \file quire/columnar/c_data_array.cc
/// \brief Arrow C Data Interface, arrays: zero-copy export (private data keeps
/// quire's arrays alive) and import (a shared owner calls the producer's release
/// once).
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

namespace {

using namespace internal;  // NOLINT: this file's own helpers

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

}  // namespace

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

}  // namespace quire::columnar
