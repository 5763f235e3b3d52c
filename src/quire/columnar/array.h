#pragma once

/// \file quire/columnar/array.h
/// \brief Immutable arrays in the Arrow columnar layout, and typed views over them.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quire/columnar/buffer.h"
#include "quire/columnar/type.h"
#include "quire/util/bit_util.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief null_count() value passed to Array::Make when the count is not known yet.
inline constexpr int64_t kUnknownNullCount = -1;

/// \brief One column of values in the Arrow columnar layout.
///
/// Buffers, by type (Arrow Columnar Format, "Buffer Listing for Each Layout"):
/// - null: none;
/// - fixed width (bool, numbers, decimals, temporal, fixed_size_binary): validity, values;
/// - binary, string (int32 offsets) and large forms (int64 offsets): validity, offsets, data;
/// - binary_view, string_view: validity, views (16 bytes each), then the data buffers;
/// - list, large_list, map: validity, offsets; one child (map: the entries struct);
/// - fixed_size_list, struct: validity; children;
/// - dictionary: validity, indices; the values in dictionary().
/// A null validity buffer means "no nulls". Slots [offset, offset + length) of the
/// buffers are this array's; for struct and fixed_size_list the offset applies to
/// the children too.
///
/// Immutable; thread-safe. Create with Make(), builders, Slice(), Concatenate() or
/// ImportArray().
class QUIRE_EXPORT Array {
 public:
  Array(TypePtr type, int64_t length, std::vector<BufferPtr> buffers, ArrayVector children,
        ArrayPtr dictionary, int64_t null_count, int64_t offset)
      : type_(std::move(type)),
        length_(length),
        offset_(offset),
        null_count_(null_count),
        buffers_(std::move(buffers)),
        children_(std::move(children)),
        dictionary_(std::move(dictionary)) {}

  /// \brief Make an array; the caller vouches for the layout or calls Validate().
  static ArrayPtr Make(TypePtr type, int64_t length, std::vector<BufferPtr> buffers,
                       ArrayVector children = {}, ArrayPtr dictionary = nullptr,
                       int64_t null_count = kUnknownNullCount, int64_t offset = 0);

  const TypePtr& type() const { return type_; }
  TypeId type_id() const { return type_->id(); }
  int64_t length() const { return length_; }
  int64_t offset() const { return offset_; }
  /// \brief Return the number of null slots (computed from the bitmap on first use).
  int64_t null_count() const;

  const std::vector<BufferPtr>& buffers() const { return buffers_; }
  /// \brief Return buffer `i`, or nullptr when absent.
  const BufferPtr& buffer(size_t i) const;
  int num_buffers() const { return int(buffers_.size()); }
  const ArrayVector& children() const { return children_; }
  const ArrayPtr& child(int i) const { return children_[size_t(i)]; }
  int num_children() const { return int(children_.size()); }
  /// \brief Return the values of a dictionary array; nullptr for other types.
  const ArrayPtr& dictionary() const { return dictionary_; }

  /// \brief Return the validity bitmap (bit 0 is slot -offset), or nullptr when there
  /// is no bitmap.
  const uint8_t* validity() const {
    return !buffers_.empty() && buffers_[0] ? buffers_[0]->data() : nullptr;
  }
  bool IsValid(int64_t i) const {
    if (type_->id() == TypeId::kNull) return false;
    const uint8_t* bits = validity();
    return bits == nullptr || util::GetBit(bits, offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }

  /// \brief Return a pointer to value 0 of this array (offset applied) in buffer 1,
  /// or nullptr when that buffer is absent (legal when it would hold 0 bytes).
  template <typename T>
  const T* values() const {
    const BufferPtr& b = buffer(1);
    return b ? b->data_as<T>() + offset_ : nullptr;
  }

  /// \brief Return child `i` of a struct, with this array's offset and length applied.
  ArrayPtr field(int i) const;

  /// \brief Return a zero-copy slice; `offset` and `length` are clamped to the array.
  ArrayPtr Slice(int64_t offset, int64_t length) const;
  ArrayPtr Slice(int64_t offset) const { return Slice(offset, length_ - offset); }

  /// \brief Check the layout in O(1) per buffer and child: buffer counts and sizes,
  /// child lengths, type parameters. Enough to make every accessor memory-safe
  /// except where values are offsets or indices; see ValidateFull().
  /// \return kCorrupt naming the problem.
  Status Validate() const;
  /// \brief Validate() plus every value: offsets monotonic and in range, UTF-8 of
  /// strings, view lengths and references, dictionary indices in range, null counts.
  Status ValidateFull() const;

  /// \brief Return whether both arrays hold the same type and the same logical
  /// values (floats compare by bits, so NaN equals NaN and -0.0 differs from 0.0).
  bool Equals(const Array& other) const;
  /// \brief Return whether slot `i` of this and slot `j` of `other` hold the same value.
  bool ValueEquals(int64_t i, const Array& other, int64_t j) const;

  /// \brief Render the values for humans, e.g. "[1, null, 3]".
  std::string ToString() const;

 private:
  TypePtr type_;
  int64_t length_;
  int64_t offset_;
  mutable std::atomic<int64_t> null_count_;
  std::vector<BufferPtr> buffers_;
  ArrayVector children_;
  ArrayPtr dictionary_;
};

/// \brief Make an array of `length` nulls of `type` (any type).
QUIRE_EXPORT Result<ArrayPtr> MakeArrayOfNulls(const TypePtr& type, int64_t length,
                                              MemoryPool* pool = default_memory_pool());

/// \brief Return the bytes of slot `i` of any binary-like or fixed_size_binary array.
QUIRE_EXPORT std::string_view GetBytes(const Array& array, int64_t i);

// ---------------------------------------------------------------------------
// Typed views: non-owning, cheap accessors for hot loops. The viewed Array must
// outlive the view and must have been validated if it came from outside.

/// \brief View of a fixed-width array whose values are `T` (numbers, temporal,
/// float16 as uint16_t, decimals as arrays of 64-bit words...).
template <typename T>
class PrimitiveView {
 public:
  explicit PrimitiveView(const Array& array)
      : values_(array.buffer(1) ? array.buffer(1)->data_as<T>() + array.offset() : nullptr),
        validity_(array.validity()),
        offset_(array.offset()),
        length_(array.length()) {}
  int64_t length() const { return length_; }
  bool IsValid(int64_t i) const {
    return validity_ == nullptr || util::GetBit(validity_, offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  T Value(int64_t i) const {
    T v;
    std::memcpy(&v, values_ + i, sizeof(T));
    return v;
  }
  const T* raw_values() const { return values_; }

 private:
  const T* values_;
  const uint8_t* validity_;
  int64_t offset_;
  int64_t length_;
};

/// \brief View of a boolean array.
class BoolView {
 public:
  explicit BoolView(const Array& array)
      : values_(array.buffer(1) ? array.buffer(1)->data() : nullptr),
        validity_(array.validity()),
        offset_(array.offset()),
        length_(array.length()) {}
  int64_t length() const { return length_; }
  bool IsValid(int64_t i) const {
    return validity_ == nullptr || util::GetBit(validity_, offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  bool Value(int64_t i) const { return util::GetBit(values_, offset_ + i); }

 private:
  const uint8_t* values_;
  const uint8_t* validity_;
  int64_t offset_;
  int64_t length_;
};

/// \brief View of binary/string (OffsetT = int32_t) or large_binary/large_string
/// (OffsetT = int64_t).
template <typename OffsetT>
class OffsetBinaryView {
 public:
  explicit OffsetBinaryView(const Array& array)
      : offsets_(array.buffer(1) ? array.buffer(1)->data_as<OffsetT>() + array.offset()
                                 : nullptr),
        data_(array.buffer(2) ? reinterpret_cast<const char*>(array.buffer(2)->data())
                              : nullptr),
        validity_(array.validity()),
        offset_(array.offset()),
        length_(array.length()) {}
  int64_t length() const { return length_; }
  bool IsValid(int64_t i) const {
    return validity_ == nullptr || util::GetBit(validity_, offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  std::string_view Value(int64_t i) const {
    return {data_ + offsets_[i], size_t(offsets_[i + 1] - offsets_[i])};
  }
  OffsetT value_offset(int64_t i) const { return offsets_[i]; }
  const OffsetT* raw_offsets() const { return offsets_; }
  const char* raw_data() const { return data_; }

 private:
  const OffsetT* offsets_;
  const char* data_;
  const uint8_t* validity_;
  int64_t offset_;
  int64_t length_;
};

/// \brief One 16-byte slot of a binary_view/string_view array (Arrow "view" layout):
/// length, then either up to 12 inline bytes, or a 4-byte prefix, the index of the
/// data buffer and the offset in it.
struct ViewSlot {
  int32_t size;
  union {
    char inlined[12];
    struct {
      char prefix[4];
      int32_t buffer_index;
      int32_t offset;
    } ref;
  };
  static constexpr int32_t kMaxInline = 12;
};
static_assert(sizeof(ViewSlot) == 16);

/// \brief View of a binary_view/string_view array.
class QUIRE_EXPORT VariadicBinaryView {
 public:
  explicit VariadicBinaryView(const Array& array);
  int64_t length() const { return length_; }
  bool IsValid(int64_t i) const {
    return validity_ == nullptr || util::GetBit(validity_, offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  std::string_view Value(int64_t i) const {
    const ViewSlot& v = views_[i];
    if (v.size <= ViewSlot::kMaxInline) return {v.inlined, size_t(v.size)};
    return {reinterpret_cast<const char*>(data_[size_t(v.ref.buffer_index)]) + v.ref.offset,
            size_t(v.size)};
  }

 private:
  const ViewSlot* views_;
  std::vector<const uint8_t*> data_;
  const uint8_t* validity_;
  int64_t offset_;
  int64_t length_;
};

/// \brief View of list (OffsetT = int32_t), large_list or map (int32_t) arrays.
template <typename OffsetT>
class ListView {
 public:
  explicit ListView(const Array& array)
      : offsets_(array.buffer(1) ? array.buffer(1)->data_as<OffsetT>() + array.offset()
                                 : nullptr),
        values_(array.child(0).get()),
        validity_(array.validity()),
        offset_(array.offset()),
        length_(array.length()) {}
  int64_t length() const { return length_; }
  bool IsValid(int64_t i) const {
    return validity_ == nullptr || util::GetBit(validity_, offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }
  /// \brief Index in values() of the first element of list `i`.
  int64_t value_offset(int64_t i) const { return int64_t(offsets_[i]); }
  int64_t value_length(int64_t i) const { return int64_t(offsets_[i + 1] - offsets_[i]); }
  /// \brief The child array (unsliced: index it with value_offset()).
  const Array& values() const { return *values_; }

 private:
  const OffsetT* offsets_;
  const Array* values_;
  const uint8_t* validity_;
  int64_t offset_;
  int64_t length_;
};

}  // namespace quire::columnar
