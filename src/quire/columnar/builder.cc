/// \file quire/columnar/builder.cc
#include "quire/columnar/builder.h"
#include "quire/columnar/array_internal.h"

#include <algorithm>
#include <limits>

#include "quire/columnar/decimal.h"

namespace quire::columnar {

// --- ArrayBuilder ----------------------------------------------------------

Status ArrayBuilder::AppendArray(const Array& array, int64_t offset, int64_t length) {
  const bool same = array.type()->Equals(*type_);
  const bool dict_of_values = type_->id() == TypeId::kDictionary &&
                              array.type()->Equals(*type_->dictionary_value_type());
  const bool dict_from_dict = type_->id() == TypeId::kDictionary &&
                              array.type_id() == TypeId::kDictionary &&
                              array.type()->dictionary_value_type()->Equals(
                                  *type_->dictionary_value_type());
  if (!same && !dict_of_values && !dict_from_dict) {
    return Status::Invalid("cannot append an array of type {} to a builder of type {}",
                           array.type()->ToString(), type_->ToString());
  }
  if (offset < 0 || length < 0 || offset > array.length() - length) {
    return Status::Invalid("slice [{}, {}) is outside an array of length {}", offset,
                           offset + length, array.length());
  }
  return AppendArraySlice(array, offset, length);
}

Result<BufferPtr> ArrayBuilder::FinishValidity() {
  if (validity_.false_count() == 0) {
    validity_.Reset();
    return BufferPtr();
  }
  return validity_.Finish();
}

// --- NullBuilder -----------------------------------------------------------

Result<ArrayPtr> NullBuilder::Finish() {
  const int64_t n = length_;
  length_ = 0;
  return Array::Make(null(), n, {}, {}, nullptr, n);
}

// --- BooleanBuilder --------------------------------------------------------

Status BooleanBuilder::Reserve(int64_t additional) {
  QUIRE_RETURN_NOT_OK(validity_.Reserve(additional));
  return values_.Reserve(additional);
}

Status BooleanBuilder::AppendValues(const uint8_t* values, int64_t count,
                                    const uint8_t* valid_bytes) {
  QUIRE_RETURN_NOT_OK(Reserve(count));
  for (int64_t i = 0; i < count; ++i) {
    values_.UnsafeAppend(values[i] != 0);
    validity_.UnsafeAppend(valid_bytes == nullptr || valid_bytes[i] != 0);
  }
  length_ += count;
  return Status::OK();
}

Status BooleanBuilder::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  QUIRE_RETURN_NOT_OK(values_.AppendRun(false, count));
  length_ += count;
  return Status::OK();
}

Status BooleanBuilder::AppendArraySlice(const Array& array, int64_t offset, int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  QUIRE_RETURN_NOT_OK(values_.AppendBits(array.buffer(1)->data(), array.offset() + offset,
                                         length));
  return AppendValidityFrom(array, offset, length);
}

Result<ArrayPtr> BooleanBuilder::Finish() {
  const int64_t n = length_, nulls = validity_.false_count();
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto values, values_.Finish());
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity), std::move(values)}, {}, nullptr, nulls);
}

// --- FixedWidthBuilder -----------------------------------------------------

template <typename T>
Status FixedWidthBuilder<T>::Reserve(int64_t additional) {
  QUIRE_RETURN_NOT_OK(validity_.Reserve(additional));
  return values_.Reserve(additional * int64_t(sizeof(T)));
}

template <typename T>
Status FixedWidthBuilder<T>::AppendValues(const T* values, int64_t count,
                                          const uint8_t* validity, int64_t validity_offset) {
  QUIRE_RETURN_NOT_OK(values_.Append(values, count * int64_t(sizeof(T))));
  QUIRE_RETURN_NOT_OK(validity_.AppendBits(validity, validity_offset, count));
  length_ += count;
  return Status::OK();
}

template <typename T>
Status FixedWidthBuilder<T>::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  QUIRE_RETURN_NOT_OK(values_.AppendFill(0, count * int64_t(sizeof(T))));
  length_ += count;
  return Status::OK();
}

template <typename T>
Status FixedWidthBuilder<T>::AppendArraySlice(const Array& array, int64_t offset,
                                              int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  QUIRE_RETURN_NOT_OK(values_.Append(array.values<T>() + offset, length * int64_t(sizeof(T))));
  return AppendValidityFrom(array, offset, length);
}

template <typename T>
Result<ArrayPtr> FixedWidthBuilder<T>::Finish() {
  const int64_t n = length_, nulls = validity_.false_count();
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto values, values_.Finish());
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity), std::move(values)}, {}, nullptr, nulls);
}

template class FixedWidthBuilder<int8_t>;
template class FixedWidthBuilder<int16_t>;
template class FixedWidthBuilder<int32_t>;
template class FixedWidthBuilder<int64_t>;
template class FixedWidthBuilder<uint8_t>;
template class FixedWidthBuilder<uint16_t>;
template class FixedWidthBuilder<uint32_t>;
template class FixedWidthBuilder<uint64_t>;
template class FixedWidthBuilder<float>;
template class FixedWidthBuilder<double>;
template class FixedWidthBuilder<MonthDayNano>;

// --- FixedSizeBinaryBuilder ------------------------------------------------

Status FixedSizeBinaryBuilder::Reserve(int64_t additional) {
  QUIRE_RETURN_NOT_OK(validity_.Reserve(additional));
  return values_.Reserve(additional * width_);
}

Status FixedSizeBinaryBuilder::Append(std::string_view value) {
  if (int64_t(value.size()) != width_) {
    return Status::Invalid("{} takes values of {} bytes, not {}", type_->ToString(), width_,
                           value.size());
  }
  QUIRE_RETURN_NOT_OK(Reserve(1));
  values_.UnsafeAppend(value.data(), width_);
  validity_.UnsafeAppend(true);
  ++length_;
  return Status::OK();
}

Status FixedSizeBinaryBuilder::AppendValues(const uint8_t* data, int64_t count) {
  QUIRE_RETURN_NOT_OK(values_.Append(data, count * width_));
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(true, count));
  length_ += count;
  return Status::OK();
}

Status FixedSizeBinaryBuilder::AppendDecimal(__int128 unscaled) {
  if (!type_->is_decimal()) {
    return Status::Invalid("AppendDecimal on a builder of type {}", type_->ToString());
  }
  uint8_t bytes[32];
  DecimalFromInt128(unscaled, width_, bytes);
  return Append({reinterpret_cast<const char*>(bytes), size_t(width_)});
}

Status FixedSizeBinaryBuilder::AppendDecimal(std::string_view text) {
  if (!type_->is_decimal()) {
    return Status::Invalid("AppendDecimal on a builder of type {}", type_->ToString());
  }
  uint8_t bytes[32];
  QUIRE_RETURN_NOT_OK(
      DecimalFromString(text, type_->precision(), type_->scale(), width_, bytes));
  return Append({reinterpret_cast<const char*>(bytes), size_t(width_)});
}

Status FixedSizeBinaryBuilder::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  QUIRE_RETURN_NOT_OK(values_.AppendFill(0, count * width_));
  length_ += count;
  return Status::OK();
}

Status FixedSizeBinaryBuilder::AppendArraySlice(const Array& array, int64_t offset,
                                                int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  if (width_ > 0) {  // width 0 arrays may have no values buffer
    QUIRE_RETURN_NOT_OK(values_.Append(
        array.buffer(1)->data() + (array.offset() + offset) * width_, length * width_));
  }
  return AppendValidityFrom(array, offset, length);
}

Result<ArrayPtr> FixedSizeBinaryBuilder::Finish() {
  const int64_t n = length_, nulls = validity_.false_count();
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto values, values_.Finish());
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity), std::move(values)}, {}, nullptr, nulls);
}

// --- OffsetBinaryBuilder ---------------------------------------------------

template <typename OffsetT>
Status OffsetBinaryBuilder<OffsetT>::CheckDataSize(int64_t extra) const {
  if (data_.length() + extra > int64_t(std::numeric_limits<OffsetT>::max())) {
    return Status::ResourceExhausted(
        "{} data would exceed {} bytes; use the large_ form of the type", type_->ToString(),
        std::numeric_limits<OffsetT>::max());
  }
  return Status::OK();
}

template <typename OffsetT>
Status OffsetBinaryBuilder<OffsetT>::Reserve(int64_t additional) {
  QUIRE_RETURN_NOT_OK(validity_.Reserve(additional));
  return offsets_.Reserve((additional + 1) * int64_t(sizeof(OffsetT)));
}

template <typename OffsetT>
Status OffsetBinaryBuilder<OffsetT>::Append(std::string_view value) {
  QUIRE_RETURN_NOT_OK(CheckDataSize(int64_t(value.size())));
  QUIRE_RETURN_NOT_OK(Reserve(1));
  offsets_.UnsafeAppendValue(OffsetT(data_.length()));
  QUIRE_RETURN_NOT_OK(data_.Append(value.data(), int64_t(value.size())));
  validity_.UnsafeAppend(true);
  ++length_;
  return Status::OK();
}

template <typename OffsetT>
Status OffsetBinaryBuilder<OffsetT>::AppendValues(std::span<const std::string_view> values) {
  int64_t total = 0;
  for (auto v : values) total += int64_t(v.size());
  QUIRE_RETURN_NOT_OK(CheckDataSize(total));
  QUIRE_RETURN_NOT_OK(Reserve(int64_t(values.size())));
  QUIRE_RETURN_NOT_OK(data_.Reserve(total));
  for (auto v : values) {
    offsets_.UnsafeAppendValue(OffsetT(data_.length()));
    data_.UnsafeAppend(v.data(), int64_t(v.size()));
    validity_.UnsafeAppend(true);
  }
  length_ += int64_t(values.size());
  return Status::OK();
}

template <typename OffsetT>
Status OffsetBinaryBuilder<OffsetT>::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(Reserve(count));
  const OffsetT end = OffsetT(data_.length());
  for (int64_t i = 0; i < count; ++i) offsets_.UnsafeAppendValue(end);
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  length_ += count;
  return Status::OK();
}

template <typename OffsetT>
Status OffsetBinaryBuilder<OffsetT>::AppendArraySlice(const Array& array, int64_t offset,
                                                      int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  // The source has this builder's type (AppendArray checks), so its offsets are OffsetT.
  const OffsetT* src = array.buffer(1)->data_as<OffsetT>() + array.offset() + offset;
  const int64_t first = src[0];
  const int64_t bytes = int64_t(src[length]) - first;
  QUIRE_RETURN_NOT_OK(CheckDataSize(bytes));
  QUIRE_RETURN_NOT_OK(Reserve(length));
  const OffsetT delta = OffsetT(data_.length() - first);
  for (int64_t i = 0; i < length; ++i) offsets_.UnsafeAppendValue(OffsetT(src[i] + delta));
  if (bytes > 0) {  // all-empty values may come without a data buffer
    QUIRE_RETURN_NOT_OK(data_.Append(array.buffer(2)->data() + first, bytes));
  }
  return AppendValidityFrom(array, offset, length);
}

template <typename OffsetT>
Result<ArrayPtr> OffsetBinaryBuilder<OffsetT>::Finish() {
  QUIRE_RETURN_NOT_OK(offsets_.AppendValue(OffsetT(data_.length())));
  const int64_t n = length_, nulls = validity_.false_count();
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto offsets, offsets_.Finish());
  QUIRE_ASSIGN_OR_RETURN(auto data, data_.Finish());
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity), std::move(offsets), std::move(data)}, {},
                     nullptr, nulls);
}

template class OffsetBinaryBuilder<int32_t>;
template class OffsetBinaryBuilder<int64_t>;

// --- BinaryViewBuilder -----------------------------------------------------

namespace {
// Out-of-line bytes go to blocks of this size (larger values get their own block).
constexpr int64_t kViewBlockSize = 256 * 1024;
}  // namespace

Status BinaryViewBuilder::Reserve(int64_t additional) {
  QUIRE_RETURN_NOT_OK(validity_.Reserve(additional));
  return views_.Reserve(additional * int64_t(sizeof(ViewSlot)));
}

Status BinaryViewBuilder::FlushBlock() {
  if (block_.length() == 0) return Status::OK();
  QUIRE_ASSIGN_OR_RETURN(auto buf, block_.Finish());
  data_buffers_.push_back(std::move(buf));
  return Status::OK();
}

Status BinaryViewBuilder::Append(std::string_view value) {
  if (value.size() > size_t(std::numeric_limits<int32_t>::max())) {
    return Status::ResourceExhausted("{} value of {} bytes exceeds 2 GiB", type_->ToString(),
                                     value.size());
  }
  QUIRE_RETURN_NOT_OK(Reserve(1));
  ViewSlot slot{};
  slot.size = int32_t(value.size());
  if (slot.size <= ViewSlot::kMaxInline) {
    if (slot.size > 0) std::memcpy(slot.inlined, value.data(), value.size());
  } else {
    if (block_.length() + slot.size > std::max<int64_t>(kViewBlockSize, slot.size)) {
      QUIRE_RETURN_NOT_OK(FlushBlock());
    }
    if (data_buffers_.size() >= size_t(std::numeric_limits<int32_t>::max())) {
      return Status::ResourceExhausted("too many data buffers in {}", type_->ToString());
    }
    std::memcpy(slot.ref.prefix, value.data(), 4);
    slot.ref.buffer_index = int32_t(data_buffers_.size());
    slot.ref.offset = int32_t(block_.length());
    QUIRE_RETURN_NOT_OK(block_.Append(value.data(), slot.size));
  }
  views_.UnsafeAppendValue(slot);
  validity_.UnsafeAppend(true);
  ++length_;
  return Status::OK();
}

Status BinaryViewBuilder::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(views_.AppendFill(0, count * int64_t(sizeof(ViewSlot))));
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  length_ += count;
  return Status::OK();
}

Status BinaryViewBuilder::AppendArraySlice(const Array& array, int64_t offset, int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  // Share the source's data buffers; only the 16-byte views are copied.
  QUIRE_RETURN_NOT_OK(FlushBlock());
  std::vector<int32_t> remap(array.buffers().size() > 2 ? array.buffers().size() - 2 : 0, -1);
  QUIRE_RETURN_NOT_OK(Reserve(length));
  const ViewSlot* src = array.buffer(1)->data_as<ViewSlot>() + array.offset() + offset;
  for (int64_t i = 0; i < length; ++i) {
    ViewSlot slot = src[i];
    if (slot.size > ViewSlot::kMaxInline && array.IsValid(offset + i)) {
      int32_t& mapped = remap[size_t(slot.ref.buffer_index)];
      if (mapped < 0) {
        const BufferPtr& buf = array.buffer(size_t(slot.ref.buffer_index) + 2);
        auto it = shared_index_.find(buf.get());
        if (it == shared_index_.end()) {
          it = shared_index_.emplace(buf.get(), int32_t(data_buffers_.size())).first;
          data_buffers_.push_back(buf);
        }
        mapped = it->second;
      }
      slot.ref.buffer_index = mapped;
    } else if (!array.IsValid(offset + i)) {
      slot = ViewSlot{};
    }
    views_.UnsafeAppendValue(slot);
  }
  return AppendValidityFrom(array, offset, length);
}

Result<ArrayPtr> BinaryViewBuilder::Finish() {
  QUIRE_RETURN_NOT_OK(FlushBlock());
  const int64_t n = length_, nulls = validity_.false_count();
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto views, views_.Finish());
  std::vector<BufferPtr> buffers{std::move(validity), std::move(views)};
  for (auto& b : data_buffers_) buffers.push_back(std::move(b));
  data_buffers_.clear();
  shared_index_.clear();
  length_ = 0;
  return Array::Make(type_, n, std::move(buffers), {}, nullptr, nulls);
}

// --- Lists -----------------------------------------------------------------

template <typename OffsetT>
Status BaseListBuilder<OffsetT>::CheckChildLength(int64_t extra) const {
  if (values_->length() + extra > int64_t(std::numeric_limits<OffsetT>::max())) {
    return Status::ResourceExhausted("{} would hold more than {} values; use large_list",
                                     type_->ToString(), std::numeric_limits<OffsetT>::max());
  }
  return Status::OK();
}

template <typename OffsetT>
Status BaseListBuilder<OffsetT>::Reserve(int64_t additional) {
  QUIRE_RETURN_NOT_OK(validity_.Reserve(additional));
  return offsets_.Reserve((additional + 1) * int64_t(sizeof(OffsetT)));
}

template <typename OffsetT>
Status BaseListBuilder<OffsetT>::Append(bool is_valid) {
  QUIRE_RETURN_NOT_OK(CheckChildLength(0));
  QUIRE_RETURN_NOT_OK(Reserve(1));
  offsets_.UnsafeAppendValue(OffsetT(values_->length()));
  validity_.UnsafeAppend(is_valid);
  ++length_;
  return Status::OK();
}

template <typename OffsetT>
Status BaseListBuilder<OffsetT>::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(Reserve(count));
  for (int64_t i = 0; i < count; ++i) offsets_.UnsafeAppendValue(OffsetT(values_->length()));
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  length_ += count;
  return Status::OK();
}

template <typename OffsetT>
Status BaseListBuilder<OffsetT>::AppendArraySlice(const Array& array, int64_t offset,
                                                  int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  const OffsetT* src = array.buffer(1)->data_as<OffsetT>() + array.offset() + offset;
  const int64_t first = src[0];
  const int64_t count = int64_t(src[length]) - first;
  QUIRE_RETURN_NOT_OK(CheckChildLength(count));
  QUIRE_RETURN_NOT_OK(Reserve(length));
  const OffsetT delta = OffsetT(values_->length() - first);
  for (int64_t i = 0; i < length; ++i) offsets_.UnsafeAppendValue(OffsetT(src[i] + delta));
  QUIRE_RETURN_NOT_OK(values_->AppendArraySlice(*array.child(0), first, count));
  return AppendValidityFrom(array, offset, length);
}

template <typename OffsetT>
Result<ArrayPtr> BaseListBuilder<OffsetT>::Finish() {
  QUIRE_RETURN_NOT_OK(offsets_.AppendValue(OffsetT(values_->length())));
  const int64_t n = length_, nulls = validity_.false_count();
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto offsets, offsets_.Finish());
  QUIRE_ASSIGN_OR_RETURN(auto values, values_->Finish());
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity), std::move(offsets)}, {std::move(values)},
                     nullptr, nulls);
}

template class BaseListBuilder<int32_t>;
template class BaseListBuilder<int64_t>;

// --- MapBuilder ------------------------------------------------------------

Status MapBuilder::Reserve(int64_t additional) {
  QUIRE_RETURN_NOT_OK(validity_.Reserve(additional));
  return offsets_.Reserve((additional + 1) * int64_t(sizeof(int32_t)));
}

Status MapBuilder::Append(bool is_valid) {
  if (keys_->length() != items_->length()) {
    return Status::Invalid("map builder has {} keys but {} items", keys_->length(),
                           items_->length());
  }
  if (keys_->length() > std::numeric_limits<int32_t>::max()) {
    return Status::ResourceExhausted("map would hold more than 2^31-1 entries");
  }
  QUIRE_RETURN_NOT_OK(Reserve(1));
  offsets_.UnsafeAppendValue(int32_t(keys_->length()));
  validity_.UnsafeAppend(is_valid);
  ++length_;
  return Status::OK();
}

Status MapBuilder::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(Reserve(count));
  for (int64_t i = 0; i < count; ++i) offsets_.UnsafeAppendValue(int32_t(keys_->length()));
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  length_ += count;
  return Status::OK();
}

Status MapBuilder::AppendArraySlice(const Array& array, int64_t offset, int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  const int32_t* src = array.buffer(1)->data_as<int32_t>() + array.offset() + offset;
  const int64_t first = src[0];
  const int64_t count = int64_t(src[length]) - first;
  if (keys_->length() + count > std::numeric_limits<int32_t>::max()) {
    return Status::ResourceExhausted("map would hold more than 2^31-1 entries");
  }
  QUIRE_RETURN_NOT_OK(Reserve(length));
  const int64_t delta = keys_->length() - first;
  for (int64_t i = 0; i < length; ++i) offsets_.UnsafeAppendValue(int32_t(src[i] + delta));
  const Array& entries = *array.child(0);
  QUIRE_RETURN_NOT_OK(
      keys_->AppendArraySlice(*entries.child(0), entries.offset() + first, count));
  QUIRE_RETURN_NOT_OK(
      items_->AppendArraySlice(*entries.child(1), entries.offset() + first, count));
  return AppendValidityFrom(array, offset, length);
}

Result<ArrayPtr> MapBuilder::Finish() {
  if (keys_->length() != items_->length()) {
    return Status::Invalid("map builder has {} keys but {} items", keys_->length(),
                           items_->length());
  }
  QUIRE_RETURN_NOT_OK(offsets_.AppendValue(int32_t(keys_->length())));
  const int64_t n = length_, nulls = validity_.false_count();
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto offsets, offsets_.Finish());
  QUIRE_ASSIGN_OR_RETURN(auto keys, keys_->Finish());
  QUIRE_ASSIGN_OR_RETURN(auto items, items_->Finish());
  const int64_t entries_length = keys->length();
  auto entries = Array::Make(type_->field(0)->type(), entries_length, {nullptr},
                             {std::move(keys), std::move(items)}, nullptr, 0);
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity), std::move(offsets)}, {std::move(entries)},
                     nullptr, nulls);
}

// --- FixedSizeListBuilder --------------------------------------------------

Status FixedSizeListBuilder::Append(bool is_valid) {
  QUIRE_RETURN_NOT_OK(validity_.Append(is_valid));
  ++length_;
  if (!is_valid) return values_->AppendNulls(type_->list_size());
  return Status::OK();
}

Status FixedSizeListBuilder::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  length_ += count;
  return values_->AppendNulls(count * type_->list_size());
}

Status FixedSizeListBuilder::AppendArraySlice(const Array& array, int64_t offset,
                                              int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  const int64_t n = type_->list_size();
  QUIRE_RETURN_NOT_OK(
      values_->AppendArraySlice(*array.child(0), (array.offset() + offset) * n, length * n));
  return AppendValidityFrom(array, offset, length);
}

Result<ArrayPtr> FixedSizeListBuilder::Finish() {
  const int64_t n = length_, nulls = validity_.false_count();
  if (values_->length() != n * type_->list_size()) {
    return Status::Invalid("{} builder has {} values for {} lists", type_->ToString(),
                           values_->length(), n);
  }
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  QUIRE_ASSIGN_OR_RETURN(auto values, values_->Finish());
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity)}, {std::move(values)}, nullptr, nulls);
}

// --- StructBuilder ---------------------------------------------------------

Status StructBuilder::Append(bool is_valid) {
  QUIRE_RETURN_NOT_OK(validity_.Append(is_valid));
  ++length_;
  return Status::OK();
}

Status StructBuilder::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  length_ += count;
  for (auto& f : fields_) QUIRE_RETURN_NOT_OK(f->AppendNulls(count));
  return Status::OK();
}

Status StructBuilder::AppendArraySlice(const Array& array, int64_t offset, int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  for (size_t c = 0; c < fields_.size(); ++c) {
    QUIRE_RETURN_NOT_OK(fields_[c]->AppendArraySlice(*array.child(int(c)),
                                                     array.offset() + offset, length));
  }
  return AppendValidityFrom(array, offset, length);
}

Result<ArrayPtr> StructBuilder::Finish() {
  const int64_t n = length_, nulls = validity_.false_count();
  ArrayVector children;
  for (size_t c = 0; c < fields_.size(); ++c) {
    if (fields_[c]->length() != n) {
      return Status::Invalid("struct field '{}' has {} values for {} structs",
                             type_->field(int(c))->name(), fields_[c]->length(), n);
    }
  }
  for (auto& f : fields_) {
    QUIRE_ASSIGN_OR_RETURN(auto child, f->Finish());
    children.push_back(std::move(child));
  }
  QUIRE_ASSIGN_OR_RETURN(auto validity, FinishValidity());
  length_ = 0;
  return Array::Make(type_, n, {std::move(validity)}, std::move(children), nullptr, nulls);
}

// --- DictionaryBuilder -----------------------------------------------------

namespace {
int64_t MaxIndexFor(TypeId id) {
  switch (id) {
    case TypeId::kInt8: return std::numeric_limits<int8_t>::max();
    case TypeId::kUInt8: return std::numeric_limits<uint8_t>::max();
    case TypeId::kInt16: return std::numeric_limits<int16_t>::max();
    case TypeId::kUInt16: return std::numeric_limits<uint16_t>::max();
    case TypeId::kInt32: return std::numeric_limits<int32_t>::max();
    case TypeId::kUInt32: return std::numeric_limits<uint32_t>::max();
    default: return std::numeric_limits<int64_t>::max();
  }
}
}  // namespace

DictionaryBuilder::DictionaryBuilder(TypePtr type, std::unique_ptr<ArrayBuilder> index_builder,
                                     std::unique_ptr<ArrayBuilder> value_builder,
                                     MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool),
      indices_(std::move(index_builder)),
      values_(std::move(value_builder)),
      max_index_(MaxIndexFor(type_->index_type()->id())) {}

std::string_view DictionaryKeyBytes(const Array& values, int64_t i) {
  if (values.type()->is_binary_like() || values.type_id() == TypeId::kFixedSizeBinary ||
      values.type()->is_decimal()) {
    return GetBytes(values, i);
  }
  if (values.type_id() == TypeId::kBool) {
    static constexpr char kBits[2] = {0, 1};
    return {&kBits[util::GetBit(values.buffer(1)->data(), values.offset() + i)], 1};
  }
  const int64_t w = values.type()->bit_width() / 8;
  return {reinterpret_cast<const char*>(values.buffer(1)->data()) + (values.offset() + i) * w,
          size_t(w)};
}

Status DictionaryBuilder::AppendIndex(int64_t index) {
  ++length_;
  QUIRE_RETURN_NOT_OK(validity_.Append(true));
  switch (indices_->type()->id()) {
    case TypeId::kInt8: return static_cast<Int8Builder*>(indices_.get())->Append(int8_t(index));
    case TypeId::kInt16: return static_cast<Int16Builder*>(indices_.get())->Append(int16_t(index));
    case TypeId::kInt32: return static_cast<Int32Builder*>(indices_.get())->Append(int32_t(index));
    case TypeId::kInt64: return static_cast<Int64Builder*>(indices_.get())->Append(index);
    case TypeId::kUInt8: return static_cast<UInt8Builder*>(indices_.get())->Append(uint8_t(index));
    case TypeId::kUInt16:
      return static_cast<UInt16Builder*>(indices_.get())->Append(uint16_t(index));
    case TypeId::kUInt32:
      return static_cast<UInt32Builder*>(indices_.get())->Append(uint32_t(index));
    case TypeId::kUInt64:
      return static_cast<UInt64Builder*>(indices_.get())->Append(uint64_t(index));
    default: return Status::Internal("dictionary index type is not an integer");
  }
}

Status DictionaryBuilder::AppendMemo(std::string_view key, const Array* source, int64_t i) {
  auto it = memo_.find(std::string(key));
  if (it != memo_.end()) return AppendIndex(it->second);
  if (next_index_ >= max_index_ + 1) {
    return Status::ResourceExhausted("dictionary with index type {} cannot hold {} values",
                                     indices_->type()->ToString(), next_index_ + 1);
  }
  if (source != nullptr) {
    QUIRE_RETURN_NOT_OK(values_->AppendArraySlice(*source, i, 1));
  } else {
    const TypeId vid = values_->type()->id();
    switch (vid) {
      case TypeId::kBinary:
      case TypeId::kString:
      case TypeId::kLargeBinary:
      case TypeId::kLargeString:
      case TypeId::kBinaryView:
      case TypeId::kStringView:
      case TypeId::kFixedSizeBinary:
      case TypeId::kDecimal128:
      case TypeId::kDecimal256: {
        // All these builders take string_view values; dispatch on the concrete class.
        if (vid == TypeId::kBinary || vid == TypeId::kString) {
          QUIRE_RETURN_NOT_OK(static_cast<BinaryBuilder*>(values_.get())->Append(key));
        } else if (vid == TypeId::kLargeBinary || vid == TypeId::kLargeString) {
          QUIRE_RETURN_NOT_OK(static_cast<LargeBinaryBuilder*>(values_.get())->Append(key));
        } else if (vid == TypeId::kBinaryView || vid == TypeId::kStringView) {
          QUIRE_RETURN_NOT_OK(static_cast<BinaryViewBuilder*>(values_.get())->Append(key));
        } else {
          QUIRE_RETURN_NOT_OK(static_cast<FixedSizeBinaryBuilder*>(values_.get())->Append(key));
        }
        break;
      }
      default: {
        // Fixed-width values: wrap the bytes as a one-slot array and append it.
        const int64_t w = std::max(1, values_->type()->bit_width() / 8);
        if (int64_t(key.size()) != w || vid == TypeId::kBool) {
          if (vid == TypeId::kBool && key.size() == 1) {
            QUIRE_RETURN_NOT_OK(
                static_cast<BooleanBuilder*>(values_.get())->Append(key[0] != 0));
            break;
          }
          return Status::Invalid("dictionary of {} takes values of {} bytes, not {}",
                                 values_->type()->ToString(), w, key.size());
        }
        auto buf = std::make_shared<Buffer>(reinterpret_cast<const uint8_t*>(key.data()),
                                            int64_t(key.size()));
        auto one = Array::Make(values_->type(), 1, {nullptr, buf}, {}, nullptr, 0);
        QUIRE_RETURN_NOT_OK(values_->AppendArraySlice(*one, 0, 1));
      }
    }
  }
  memo_.emplace(std::string(key), next_index_);
  return AppendIndex(next_index_++);
}

Status DictionaryBuilder::AppendBytes(std::string_view value) {
  if (values_->type()->is_nested()) {
    return Status::Unsupported("dictionary of nested type {}", values_->type()->ToString());
  }
  return AppendMemo(value, nullptr, 0);
}

Status DictionaryBuilder::AppendFrom(const Array& values, int64_t i) {
  if (values.IsNull(i)) return AppendNull();
  if (values.type()->is_nested()) {
    return Status::Unsupported("dictionary of nested type {}", values.type()->ToString());
  }
  return AppendMemo(DictionaryKeyBytes(values, i), &values, i);
}

Status DictionaryBuilder::AppendNulls(int64_t count) {
  QUIRE_RETURN_NOT_OK(validity_.AppendRun(false, count));
  length_ += count;
  return indices_->AppendNulls(count);
}

Status DictionaryBuilder::AppendArraySlice(const Array& array, int64_t offset, int64_t length) {
  if (length == 0) return Status::OK();  // a 0-length array may lack buffers
  if (array.type_id() != TypeId::kDictionary) {
    for (int64_t i = 0; i < length; ++i) QUIRE_RETURN_NOT_OK(AppendFrom(array, offset + i));
    return Status::OK();
  }
  const Array& dict = *array.dictionary();
  for (int64_t i = 0; i < length; ++i) {
    if (array.IsNull(offset + i)) {
      QUIRE_RETURN_NOT_OK(AppendNull());
    } else {
      QUIRE_RETURN_NOT_OK(AppendFrom(dict, internal::DictionaryIndex(array, offset + i)));
    }
  }
  return Status::OK();
}

Result<ArrayPtr> DictionaryBuilder::Finish() {
  QUIRE_ASSIGN_OR_RETURN(auto indices, indices_->Finish());
  QUIRE_ASSIGN_OR_RETURN(auto values, values_->Finish());
  validity_.Reset();
  memo_.clear();
  next_index_ = 0;
  const int64_t n = length_;
  length_ = 0;
  return Array::Make(type_, n, indices->buffers(), {}, std::move(values), indices->null_count());
}

// --- MakeBuilder and Concatenate -------------------------------------------

Result<std::unique_ptr<ArrayBuilder>> MakeBuilder(const TypePtr& type, MemoryPool* pool) {
  using P = std::unique_ptr<ArrayBuilder>;
  switch (type->id()) {
    case TypeId::kNull: return P(new NullBuilder(pool));
    case TypeId::kBool: return P(new BooleanBuilder(pool));
    case TypeId::kInt8: return P(new Int8Builder(type, pool));
    case TypeId::kInt16: return P(new Int16Builder(type, pool));
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return P(new Int32Builder(type, pool));
    case TypeId::kInt64:
    case TypeId::kDate64:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return P(new Int64Builder(type, pool));
    case TypeId::kUInt8: return P(new UInt8Builder(type, pool));
    case TypeId::kUInt16:
    case TypeId::kFloat16: return P(new UInt16Builder(type, pool));
    case TypeId::kUInt32: return P(new UInt32Builder(type, pool));
    case TypeId::kUInt64: return P(new UInt64Builder(type, pool));
    case TypeId::kFloat32: return P(new FloatBuilder(type, pool));
    case TypeId::kFloat64: return P(new DoubleBuilder(type, pool));
    case TypeId::kIntervalMonthDayNano: return P(new MonthDayNanoBuilder(type, pool));
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
    case TypeId::kFixedSizeBinary: return P(new FixedSizeBinaryBuilder(type, pool));
    case TypeId::kBinary:
    case TypeId::kString: return P(new BinaryBuilder(type, pool));
    case TypeId::kLargeBinary:
    case TypeId::kLargeString: return P(new LargeBinaryBuilder(type, pool));
    case TypeId::kBinaryView:
    case TypeId::kStringView: return P(new BinaryViewBuilder(type, pool));
    case TypeId::kList: {
      QUIRE_ASSIGN_OR_RETURN(auto values, MakeBuilder(type->value_type(), pool));
      return P(new ListBuilder(type, std::move(values), pool));
    }
    case TypeId::kLargeList: {
      QUIRE_ASSIGN_OR_RETURN(auto values, MakeBuilder(type->value_type(), pool));
      return P(new LargeListBuilder(type, std::move(values), pool));
    }
    case TypeId::kFixedSizeList: {
      QUIRE_ASSIGN_OR_RETURN(auto values, MakeBuilder(type->value_type(), pool));
      return P(new FixedSizeListBuilder(type, std::move(values), pool));
    }
    case TypeId::kMap: {
      QUIRE_ASSIGN_OR_RETURN(auto keys, MakeBuilder(type->key_type(), pool));
      QUIRE_ASSIGN_OR_RETURN(auto items, MakeBuilder(type->item_type(), pool));
      return P(new MapBuilder(type, std::move(keys), std::move(items), pool));
    }
    case TypeId::kStruct: {
      std::vector<std::unique_ptr<ArrayBuilder>> fields;
      for (const auto& f : type->fields()) {
        QUIRE_ASSIGN_OR_RETURN(auto b, MakeBuilder(f->type(), pool));
        fields.push_back(std::move(b));
      }
      return P(new StructBuilder(type, std::move(fields), pool));
    }
    case TypeId::kDictionary: {
      if (type->dictionary_value_type()->is_nested()) {
        return Status::Unsupported("building dictionaries of nested type {}",
                                   type->dictionary_value_type()->ToString());
      }
      QUIRE_ASSIGN_OR_RETURN(auto indices, MakeBuilder(type->index_type(), pool));
      QUIRE_ASSIGN_OR_RETURN(auto values, MakeBuilder(type->dictionary_value_type(), pool));
      return P(new DictionaryBuilder(type, std::move(indices), std::move(values), pool));
    }
  }
  return Status::Unsupported("no builder for type {}", type->ToString());
}

Result<ArrayPtr> Concatenate(const ArrayVector& arrays, MemoryPool* pool) {
  if (arrays.empty()) return Status::Invalid("Concatenate needs at least one array");
  const TypePtr& type = arrays[0]->type();
  int64_t total = 0;
  for (const auto& a : arrays) {
    if (!a->type()->Equals(*type)) {
      return Status::Invalid("cannot concatenate arrays of types {} and {}", type->ToString(),
                             a->type()->ToString());
    }
    total += a->length();
  }
  QUIRE_ASSIGN_OR_RETURN(auto builder, MakeBuilder(type, pool));
  QUIRE_RETURN_NOT_OK(builder->Reserve(total));
  for (const auto& a : arrays) {
    QUIRE_RETURN_NOT_OK(builder->AppendArraySlice(*a, 0, a->length()));
  }
  return builder->Finish();
}

}  // namespace quire::columnar
