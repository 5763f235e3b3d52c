#pragma once

/// \file quire/columnar/builder.h
/// \brief Builders: append values, nulls and whole ranges; Finish() yields an Array.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/buffer.h"
#include "quire/columnar/type.h"
#include "quire/util/macros.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Base of all builders.
///
/// Every builder appends nulls and ranges of an existing array of its type
/// (AppendArraySlice, the efficient way to copy, concatenate or rebuild data).
/// Finish() returns the array and leaves the builder empty for reuse.
/// Not thread-safe.
class QUIRE_EXPORT ArrayBuilder {
 public:
  ArrayBuilder(TypePtr type, MemoryPool* pool)
      : type_(std::move(type)), pool_(pool), validity_(pool, /*lazy=*/true) {}
  virtual ~ArrayBuilder() = default;
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  const TypePtr& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return validity_.false_count(); }
  MemoryPool* pool() const { return pool_; }

  /// \brief Append one null slot.
  Status AppendNull() { return AppendNulls(1); }
  /// \brief Append `count` null slots (children of nested types get placeholder slots).
  virtual Status AppendNulls(int64_t count) = 0;
  /// \brief Append slots [offset, offset + length) of `array`, whose type must equal
  /// type() (a dictionary builder also takes arrays of its value type).
  /// \return kInvalidArgument on a type mismatch or out-of-range slice.
  Status AppendArray(const Array& array, int64_t offset, int64_t length);
  Status AppendArray(const Array& array) { return AppendArray(array, 0, array.length()); }
  /// \brief Make room for `additional` more slots.
  virtual Status Reserve(int64_t additional) { return validity_.Reserve(additional); }
  /// \brief Return the built array and reset the builder.
  virtual Result<ArrayPtr> Finish() = 0;

  /// \brief Unchecked form of AppendArray: types and bounds already checked.
  virtual Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) = 0;

 protected:
  /// \brief Finish the validity bitmap: nullptr when there are no nulls.
  Result<BufferPtr> FinishValidity();
  /// \brief Take the length and null count for Finish() and reset them.
  void ResetCounts() { length_ = 0; }
  Status AppendValidityFrom(const Array& array, int64_t offset, int64_t length) {
    QUIRE_RETURN_NOT_OK(validity_.AppendBits(array.validity(), array.offset() + offset, length));
    length_ += length;
    return Status::OK();
  }

  TypePtr type_;
  MemoryPool* pool_;
  BitmapBuilder validity_;
  int64_t length_ = 0;
};

/// \brief Make a builder for any type, with child builders for nested types.
QUIRE_EXPORT Result<std::unique_ptr<ArrayBuilder>> MakeBuilder(
    const TypePtr& type, MemoryPool* pool = default_memory_pool());

/// \brief Builder of the null type.
class QUIRE_EXPORT NullBuilder final : public ArrayBuilder {
 public:
  explicit NullBuilder(MemoryPool* pool = default_memory_pool()) : ArrayBuilder(null(), pool) {}
  Status AppendNulls(int64_t count) override {
    length_ += count;
    return Status::OK();
  }
  Status AppendArraySlice(const Array&, int64_t, int64_t length) override {
    return AppendNulls(length);
  }
  Result<ArrayPtr> Finish() override;
};

/// \brief Builder of boolean arrays.
class QUIRE_EXPORT BooleanBuilder final : public ArrayBuilder {
 public:
  explicit BooleanBuilder(MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(boolean(), pool), values_(pool) {}
  Status Append(bool value) {
    QUIRE_RETURN_NOT_OK(Reserve(1));
    validity_.UnsafeAppend(true);
    values_.UnsafeAppend(value);
    ++length_;
    return Status::OK();
  }
  /// \brief Append `count` values, one per byte (non-zero is true); `valid_bytes`,
  /// if given, has one byte per value (zero is null).
  Status AppendValues(const uint8_t* values, int64_t count,
                      const uint8_t* valid_bytes = nullptr);
  Status AppendNulls(int64_t count) override;
  Status Reserve(int64_t additional) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  BitmapBuilder values_;
};

/// \brief Builder of fixed-width arrays whose slot is a `T` (any number type,
/// temporal types, float16 as uint16_t, interval as MonthDayNano).
template <typename T>
class QUIRE_EXPORT FixedWidthBuilder final : public ArrayBuilder {
 public:
  FixedWidthBuilder(TypePtr type, MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool), values_(pool) {}

  Status Append(T value) {
    QUIRE_RETURN_NOT_OK(Reserve(1));
    UnsafeAppend(value);
    return Status::OK();
  }
  void UnsafeAppend(T value) {
    validity_.UnsafeAppend(true);
    values_.UnsafeAppendValue(value);
    ++length_;
  }
  /// \brief Append `count` values; `validity` (an Arrow bitmap read from bit
  /// `validity_offset`), if given, marks nulls.
  Status AppendValues(const T* values, int64_t count, const uint8_t* validity = nullptr,
                      int64_t validity_offset = 0);
  Status AppendValues(std::span<const T> values) {
    return AppendValues(values.data(), int64_t(values.size()));
  }
  /// \brief Append `count` valid slots and return where their values go: the
  /// caller writes all `count` before the next call (decoders fill it in place).
  Result<T*> AppendUninitialized(int64_t count) {
    const int64_t at = values_.length();
    QUIRE_RETURN_NOT_OK(values_.Resize(at + count * int64_t(sizeof(T))));
    QUIRE_RETURN_NOT_OK(validity_.AppendRun(true, count));
    length_ += count;
    return reinterpret_cast<T*>(values_.mutable_data() + at);
  }
  Status AppendNulls(int64_t count) override;
  Status Reserve(int64_t additional) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  BufferBuilder values_;
};

/// \brief Value of an interval_month_day_nano slot.
struct MonthDayNano {
  int32_t months;
  int32_t days;
  int64_t nanoseconds;
  bool operator==(const MonthDayNano&) const = default;
};

using Int8Builder = FixedWidthBuilder<int8_t>;
using Int16Builder = FixedWidthBuilder<int16_t>;
using Int32Builder = FixedWidthBuilder<int32_t>;
using Int64Builder = FixedWidthBuilder<int64_t>;
using UInt8Builder = FixedWidthBuilder<uint8_t>;
using UInt16Builder = FixedWidthBuilder<uint16_t>;
using UInt32Builder = FixedWidthBuilder<uint32_t>;
using UInt64Builder = FixedWidthBuilder<uint64_t>;
using FloatBuilder = FixedWidthBuilder<float>;
using DoubleBuilder = FixedWidthBuilder<double>;
/// Float16 values are IEEE binary16 bit patterns.
using HalfFloatBuilder = FixedWidthBuilder<uint16_t>;
using MonthDayNanoBuilder = FixedWidthBuilder<MonthDayNano>;

/// \brief Builder of fixed_size_binary, decimal128 and decimal256 arrays.
class QUIRE_EXPORT FixedSizeBinaryBuilder final : public ArrayBuilder {
 public:
  FixedSizeBinaryBuilder(TypePtr type, MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool), width_(type_->byte_width()), values_(pool) {}

  /// \brief Append `value`, which must have exactly byte_width() bytes.
  Status Append(std::string_view value);
  /// \brief Append `count` valid values stored back to back (count * byte_width() bytes).
  Status AppendValues(const uint8_t* data, int64_t count);
  /// \brief Append `count` valid slots and return where their count * byte_width()
  /// bytes go (see FixedWidthBuilder::AppendUninitialized).
  Result<uint8_t*> AppendUninitialized(int64_t count) {
    const int64_t at = values_.length();
    QUIRE_RETURN_NOT_OK(values_.Resize(at + count * width_));
    QUIRE_RETURN_NOT_OK(validity_.AppendRun(true, count));
    length_ += count;
    return values_.mutable_data() + at;
  }
  /// \brief Append a decimal from its unscaled integer (sign-extended for decimal256).
  Status AppendDecimal(__int128 unscaled);
  /// \brief Append a decimal from text such as "-12.30" (scale digits at most).
  Status AppendDecimal(std::string_view text);
  Status AppendNulls(int64_t count) override;
  Status Reserve(int64_t additional) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;
  int32_t byte_width() const { return width_; }

 private:
  int32_t width_;
  BufferBuilder values_;
};

/// \brief Builder of binary/string (OffsetT = int32_t) and their large forms (int64_t).
///
/// Strings are not checked for UTF-8 on append (ValidateFull does that).
template <typename OffsetT>
class QUIRE_EXPORT OffsetBinaryBuilder final : public ArrayBuilder {
 public:
  OffsetBinaryBuilder(TypePtr type, MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool), offsets_(pool), data_(pool) {}

  Status Append(std::string_view value);
  Status AppendValues(std::span<const std::string_view> values);
  Status AppendNulls(int64_t count) override;
  Status Reserve(int64_t additional) override;
  /// \brief Make room for `bytes` more bytes of value data.
  Status ReserveData(int64_t bytes) { return data_.Reserve(bytes); }
  /// \brief Return kResourceExhausted if `extra` more bytes of data would overflow
  /// the offsets.
  Status CheckDataSize(int64_t extra) const;
  /// \brief Append a value after Reserve(), ReserveData() and CheckDataSize() made
  /// room for it.
  void UnsafeAppend(std::string_view value) {
    offsets_.UnsafeAppendValue(OffsetT(data_.length()));
    data_.UnsafeAppend(value.data(), int64_t(value.size()));
    validity_.UnsafeAppend(true);
    ++length_;
  }
  /// \brief Bulk appends of valid values, for decoders: after Reserve(n) and
  /// ReserveData() made room, write the start offsets of the n values at
  /// UnsafeNextOffsets() and their bytes from UnsafeNextData() on, then count them
  /// with UnsafeCommit(n, bytes). The offsets are positions in value_data(): the
  /// first is value_data_length().
  OffsetT* UnsafeNextOffsets() {
    return reinterpret_cast<OffsetT*>(offsets_.mutable_data() + offsets_.length());
  }
  uint8_t* UnsafeNextData() { return data_.mutable_data() + data_.length(); }
  Status UnsafeCommit(int64_t n, int64_t bytes) {
    offsets_.UnsafeAdvance(n * int64_t(sizeof(OffsetT)));
    data_.UnsafeAdvance(bytes);
    length_ += n;
    return validity_.AppendRun(true, n);
  }
  /// \brief The value bytes appended so far (value_data_length() of them).
  const uint8_t* value_data() const { return data_.data(); }
  /// \brief Where value `i` (< length()) starts in value_data().
  int64_t value_offset(int64_t i) const {
    return int64_t(reinterpret_cast<const OffsetT*>(offsets_.data())[i]);
  }
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;
  int64_t value_data_length() const { return data_.length(); }

 private:
  BufferBuilder offsets_;
  BufferBuilder data_;
};

using BinaryBuilder = OffsetBinaryBuilder<int32_t>;
using StringBuilder = OffsetBinaryBuilder<int32_t>;
using LargeBinaryBuilder = OffsetBinaryBuilder<int64_t>;
using LargeStringBuilder = OffsetBinaryBuilder<int64_t>;

/// \brief Builder of binary_view/string_view arrays. Long values are copied into
/// data blocks; AppendArraySlice shares the source's data buffers without copying.
class QUIRE_EXPORT BinaryViewBuilder final : public ArrayBuilder {
 public:
  BinaryViewBuilder(TypePtr type, MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool), views_(pool), block_(pool) {}

  Status Append(std::string_view value);
  Status AppendNulls(int64_t count) override;
  Status Reserve(int64_t additional) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  Status FlushBlock();
  BufferBuilder views_;
  BufferBuilder block_;
  std::vector<BufferPtr> data_buffers_;
  std::unordered_map<const Buffer*, int32_t> shared_index_;
};

/// \brief Builder of list (OffsetT = int32_t) and large_list (int64_t) arrays.
///
/// Start each list with Append(), then append its elements to value_builder().
template <typename OffsetT>
class QUIRE_EXPORT BaseListBuilder final : public ArrayBuilder {
 public:
  BaseListBuilder(TypePtr type, std::unique_ptr<ArrayBuilder> value_builder,
                  MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool),
        offsets_(pool),
        values_(std::move(value_builder)) {}

  /// \brief Start a new list (valid or null); following value appends belong to it.
  Status Append(bool is_valid = true);
  ArrayBuilder* value_builder() const { return values_.get(); }
  Status AppendNulls(int64_t count) override;
  Status Reserve(int64_t additional) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  Status CheckChildLength(int64_t extra) const;
  BufferBuilder offsets_;
  std::unique_ptr<ArrayBuilder> values_;
};

using ListBuilder = BaseListBuilder<int32_t>;
using LargeListBuilder = BaseListBuilder<int64_t>;

/// \brief Builder of map arrays. Start each map with Append(), then append the
/// same number of keys to key_builder() and items to item_builder().
class QUIRE_EXPORT MapBuilder final : public ArrayBuilder {
 public:
  MapBuilder(TypePtr type, std::unique_ptr<ArrayBuilder> key_builder,
             std::unique_ptr<ArrayBuilder> item_builder, MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool),
        offsets_(pool),
        keys_(std::move(key_builder)),
        items_(std::move(item_builder)) {}

  Status Append(bool is_valid = true);
  ArrayBuilder* key_builder() const { return keys_.get(); }
  ArrayBuilder* item_builder() const { return items_.get(); }
  Status AppendNulls(int64_t count) override;
  Status Reserve(int64_t additional) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  BufferBuilder offsets_;
  std::unique_ptr<ArrayBuilder> keys_;
  std::unique_ptr<ArrayBuilder> items_;
};

/// \brief Builder of fixed_size_list arrays: Append(), then list_size() values.
class QUIRE_EXPORT FixedSizeListBuilder final : public ArrayBuilder {
 public:
  FixedSizeListBuilder(TypePtr type, std::unique_ptr<ArrayBuilder> value_builder,
                       MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool), values_(std::move(value_builder)) {}

  /// \brief Start a list; a null list gets list_size() null values appended for it.
  Status Append(bool is_valid = true);
  ArrayBuilder* value_builder() const { return values_.get(); }
  Status AppendNulls(int64_t count) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  std::unique_ptr<ArrayBuilder> values_;
};

/// \brief Builder of struct arrays: Append(), then one value per field builder.
class QUIRE_EXPORT StructBuilder final : public ArrayBuilder {
 public:
  StructBuilder(TypePtr type, std::vector<std::unique_ptr<ArrayBuilder>> field_builders,
                MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool), fields_(std::move(field_builders)) {}

  /// \brief Mark the next struct slot valid or null. For a null slot, append
  /// placeholder values to the field builders too (AppendNull does that for you).
  Status Append(bool is_valid = true);
  ArrayBuilder* field_builder(int i) const { return fields_[size_t(i)].get(); }
  int num_fields() const { return int(fields_.size()); }
  Status AppendNulls(int64_t count) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  std::vector<std::unique_ptr<ArrayBuilder>> fields_;
};

/// \brief Builder of dictionary arrays: values are memoised, slots get indices.
///
/// Takes values of the dictionary's value type through AppendBytes (binary-like
/// and fixed-width values), AppendFrom (one slot of any array of the value type),
/// or AppendArray of plain or dictionary arrays (dictionaries are unified).
/// Nested value types are not supported.
class QUIRE_EXPORT DictionaryBuilder final : public ArrayBuilder {
 public:
  DictionaryBuilder(TypePtr type, std::unique_ptr<ArrayBuilder> index_builder,
                    std::unique_ptr<ArrayBuilder> value_builder,
                    MemoryPool* pool = default_memory_pool());

  /// \brief Append a value given by its bytes (the raw slot of fixed-width types).
  Status AppendBytes(std::string_view value);
  /// \brief Append the value in slot `i` of `values` (of the value type, or null).
  Status AppendFrom(const Array& values, int64_t i);
  /// \brief Number of distinct values so far.
  int64_t dictionary_length() const { return next_index_; }
  Status AppendNulls(int64_t count) override;
  Status AppendArraySlice(const Array& array, int64_t offset, int64_t length) override;
  Result<ArrayPtr> Finish() override;

 private:
  Status AppendIndex(int64_t index);
  Status AppendMemo(std::string_view key, const Array* source, int64_t i);

  std::unique_ptr<ArrayBuilder> indices_;
  std::unique_ptr<ArrayBuilder> values_;
  std::unordered_map<std::string, int64_t> memo_;
  int64_t next_index_ = 0;
  int64_t max_index_;
};

/// \brief Concatenate arrays of one type into a new array (dictionaries unified).
/// \return kInvalidArgument if the types differ or `arrays` is empty.
QUIRE_EXPORT Result<ArrayPtr> Concatenate(const ArrayVector& arrays,
                                          MemoryPool* pool = default_memory_pool());

/// \brief Return the raw bytes memoised by a dictionary for slot `i` of `values`.
QUIRE_EXPORT std::string_view DictionaryKeyBytes(const Array& values, int64_t i);

}  // namespace quire::columnar
