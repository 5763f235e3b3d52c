/// \file quire/columnar/array.cc
#include "quire/columnar/array.h"

#include <algorithm>

#include "quire/columnar/array_internal.h"
#include "quire/columnar/builder.h"
#include "quire/util/macros.h"

namespace quire::columnar {

ArrayPtr Array::Make(TypePtr type, int64_t length, std::vector<BufferPtr> buffers,
                     ArrayVector children, ArrayPtr dictionary, int64_t null_count,
                     int64_t offset) {
  return std::make_shared<const Array>(std::move(type), length, std::move(buffers),
                                       std::move(children), std::move(dictionary),
                                       null_count, offset);
}

int64_t Array::null_count() const {
  int64_t n = null_count_.load(std::memory_order_relaxed);
  if (n >= 0) return n;
  if (type_->id() == TypeId::kNull) {
    n = length_;
  } else if (const uint8_t* bits = validity()) {
    n = length_ - util::CountSetBits(bits, offset_, length_);
  } else {
    n = 0;
  }
  null_count_.store(n, std::memory_order_relaxed);
  return n;
}

const BufferPtr& Array::buffer(size_t i) const {
  static const BufferPtr kNone;
  return i < buffers_.size() ? buffers_[i] : kNone;
}

ArrayPtr Array::field(int i) const {
  const ArrayPtr& c = children_[size_t(i)];
  if (offset_ == 0 && c->length() == length_) return c;
  return c->Slice(offset_, length_);
}

ArrayPtr Array::Slice(int64_t offset, int64_t length) const {
  offset = std::clamp<int64_t>(offset, 0, length_);
  length = std::clamp<int64_t>(length, 0, length_ - offset);
  int64_t null_count = kUnknownNullCount;
  const int64_t known = null_count_.load(std::memory_order_relaxed);
  if (known == 0) null_count = 0;
  if (type_->id() == TypeId::kNull) null_count = length;
  if (offset == 0 && length == length_ && known >= 0) null_count = known;
  return Make(type_, length, buffers_, children_, dictionary_, null_count, offset_ + offset);
}

std::string_view GetBytes(const Array& array, int64_t i) {
  switch (array.type_id()) {
    case TypeId::kBinary:
    case TypeId::kString:
      return OffsetBinaryView<int32_t>(array).Value(i);
    case TypeId::kLargeBinary:
    case TypeId::kLargeString:
      return OffsetBinaryView<int64_t>(array).Value(i);
    case TypeId::kBinaryView:
    case TypeId::kStringView:
      return VariadicBinaryView(array).Value(i);
    case TypeId::kFixedSizeBinary:
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int64_t w = array.type()->byte_width();
      if (!array.buffer(1)) return {};
      return {reinterpret_cast<const char*>(array.buffer(1)->data()) + (array.offset() + i) * w,
              size_t(w)};
    }
    default:
      return {};
  }
}

VariadicBinaryView::VariadicBinaryView(const Array& array)
    : views_(array.buffer(1) ? array.buffer(1)->data_as<ViewSlot>() + array.offset()
                             : nullptr),
      validity_(array.validity()),
      offset_(array.offset()),
      length_(array.length()) {
  for (size_t b = 2; b < array.buffers().size(); ++b) {
    data_.push_back(array.buffers()[b] ? array.buffers()[b]->data() : nullptr);
  }
}

namespace {

int64_t IndexAt(const Array& indices, int64_t i) {
  const int64_t k = indices.offset() + i;
  const uint8_t* p = indices.buffer(1)->data();
  switch (indices.type()->id() == TypeId::kDictionary ? indices.type()->index_type()->id()
                                                        : indices.type()->id()) {
    case TypeId::kInt8: return reinterpret_cast<const int8_t*>(p)[k];
    case TypeId::kInt16: return reinterpret_cast<const int16_t*>(p)[k];
    case TypeId::kInt32: return reinterpret_cast<const int32_t*>(p)[k];
    case TypeId::kInt64: return reinterpret_cast<const int64_t*>(p)[k];
    case TypeId::kUInt8: return p[k];
    case TypeId::kUInt16: return reinterpret_cast<const uint16_t*>(p)[k];
    case TypeId::kUInt32: return reinterpret_cast<const uint32_t*>(p)[k];
    case TypeId::kUInt64: return int64_t(reinterpret_cast<const uint64_t*>(p)[k]);
    default: return 0;
  }
}

template <typename OffsetT>
bool ListValuesEqual(const Array& a, int64_t i, const Array& b, int64_t j) {
  ListView<OffsetT> va(a), vb(b);
  const int64_t n = va.value_length(i);
  if (n != vb.value_length(j)) return false;
  const int64_t ai = va.value_offset(i), bj = vb.value_offset(j);
  for (int64_t k = 0; k < n; ++k) {
    if (!va.values().ValueEquals(ai + k, vb.values(), bj + k)) return false;
  }
  return true;
}

}  // namespace

namespace internal {
int64_t DictionaryIndex(const Array& array, int64_t i) { return IndexAt(array, i); }

int LayoutBufferCount(TypeId id) {
  switch (id) {
    case TypeId::kNull: return 0;
    case TypeId::kStruct:
    case TypeId::kFixedSizeList: return 1;
    case TypeId::kBinary:
    case TypeId::kString:
    case TypeId::kLargeBinary:
    case TypeId::kLargeString: return 3;
    case TypeId::kBinaryView:
    case TypeId::kStringView: return -1;
    default: return 2;
  }
}
}  // namespace internal

bool Array::ValueEquals(int64_t i, const Array& other, int64_t j) const {
  const bool a_valid = IsValid(i), b_valid = other.IsValid(j);
  if (a_valid != b_valid) return false;
  if (!a_valid) return true;
  switch (type_->id()) {
    case TypeId::kNull:
      return true;
    case TypeId::kBool:
      return util::GetBit(buffers_[1]->data(), offset_ + i) ==
             util::GetBit(other.buffers_[1]->data(), other.offset_ + j);
    case TypeId::kBinary:
    case TypeId::kString:
    case TypeId::kLargeBinary:
    case TypeId::kLargeString:
    case TypeId::kBinaryView:
    case TypeId::kStringView:
    case TypeId::kFixedSizeBinary:
      return GetBytes(*this, i) == GetBytes(other, j);
    case TypeId::kList:
    case TypeId::kMap:
      return ListValuesEqual<int32_t>(*this, i, other, j);
    case TypeId::kLargeList:
      return ListValuesEqual<int64_t>(*this, i, other, j);
    case TypeId::kFixedSizeList: {
      const int64_t n = type_->list_size();
      for (int64_t k = 0; k < n; ++k) {
        if (!children_[0]->ValueEquals((offset_ + i) * n + k, *other.children_[0],
                                       (other.offset_ + j) * n + k)) {
          return false;
        }
      }
      return true;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < children_.size(); ++c) {
        if (!children_[c]->ValueEquals(offset_ + i, *other.children_[c], other.offset_ + j)) {
          return false;
        }
      }
      return true;
    case TypeId::kDictionary:
      return dictionary_->ValueEquals(IndexAt(*this, i), *other.dictionary_,
                                      IndexAt(other, j));
    default: {
      const int64_t w = type_->bit_width() / 8;
      return std::memcmp(buffers_[1]->data() + (offset_ + i) * w,
                         other.buffers_[1]->data() + (other.offset_ + j) * w, size_t(w)) == 0;
    }
  }
}

bool Array::Equals(const Array& other) const {
  if (this == &other) return true;
  if (length_ != other.length_ || !type_->Equals(*other.type_)) return false;
  for (int64_t i = 0; i < length_; ++i) {
    if (!ValueEquals(i, other, i)) return false;
  }
  return true;
}

Result<ArrayPtr> MakeArrayOfNulls(const TypePtr& type, int64_t length, MemoryPool* pool) {
  QUIRE_ASSIGN_OR_RETURN(auto builder, MakeBuilder(type, pool));
  QUIRE_RETURN_NOT_OK(builder->AppendNulls(length));
  return builder->Finish();
}

}  // namespace quire::columnar
