/// \file quire/columnar/validate.cc
/// \brief Array::Validate and Array::ValidateFull: the checks that make untrusted
/// arrays (imported through the C Data Interface, decoded from files) safe to read.
#include <limits>

#include "quire/columnar/array.h"
#include "quire/columnar/array_internal.h"
#include "quire/columnar/decimal.h"
#include "quire/util/macros.h"
#include "quire/util/utf8.h"

namespace quire::columnar {

namespace {

bool IsLarge(TypeId id) {
  return id == TypeId::kLargeBinary || id == TypeId::kLargeString || id == TypeId::kLargeList;
}

class Validator {
 public:
  Validator(const Array& a, bool full) : a_(a), full_(full), end_(a.offset() + a.length()) {}

  Status Run() {
    const TypeId id = a_.type_id();
    if (a_.length() < 0 || a_.offset() < 0) {
      return Status::Corrupt("negative length {} or offset {}", a_.length(), a_.offset());
    }
    if (a_.offset() > std::numeric_limits<int64_t>::max() - a_.length()) {
      return Status::Corrupt("offset {} + length {} overflows", a_.offset(), a_.length());
    }
    const int want = internal::LayoutBufferCount(id);
    if (want >= 0 ? a_.num_buffers() != want : a_.num_buffers() < 2) {
      return Status::Corrupt("{} array has {} buffers, expected {}", a_.type()->ToString(),
                             a_.num_buffers(), want >= 0 ? std::to_string(want) : "2 or more");
    }
    QUIRE_RETURN_NOT_OK(CheckChildrenShape());
    if (id != TypeId::kNull) {
      QUIRE_RETURN_NOT_OK(CheckBufferSize(0, util::BytesForBits(end_), "validity", true));
    }
    switch (id) {
      case TypeId::kNull:
        break;
      case TypeId::kBool:
        QUIRE_RETURN_NOT_OK(CheckBufferSize(1, util::BytesForBits(end_), "values"));
        break;
      case TypeId::kBinary:
      case TypeId::kString:
      case TypeId::kLargeBinary:
      case TypeId::kLargeString:
        QUIRE_RETURN_NOT_OK(ValidateOffsetsAgainst(-1));
        if (full_ && a_.type()->is_string()) QUIRE_RETURN_NOT_OK(ValidateUtf8());
        break;
      case TypeId::kBinaryView:
      case TypeId::kStringView:
        QUIRE_RETURN_NOT_OK(CheckBufferSize(1, end_ * int64_t(sizeof(ViewSlot)), "views"));
        if (full_) QUIRE_RETURN_NOT_OK(ValidateViews());
        break;
      case TypeId::kList:
      case TypeId::kLargeList:
      case TypeId::kMap:
        QUIRE_RETURN_NOT_OK(ValidateOffsetsAgainst(a_.child(0)->length()));
        break;
      case TypeId::kFixedSizeList: {
        const int64_t n = a_.type()->list_size();
        if (n > 0 && end_ > a_.child(0)->length() / n) {
          return Status::Corrupt("fixed_size_list of {} slots of size {} needs {} child values, "
                                 "the child has {}",
                                 end_, n, end_ * n, a_.child(0)->length());
        }
        break;
      }
      case TypeId::kStruct:
        for (int c = 0; c < a_.num_children(); ++c) {
          if (a_.child(c)->length() < end_) {
            return Status::Corrupt("struct field '{}' has {} values, fewer than the struct's {}",
                                   a_.type()->field(c)->name(), a_.child(c)->length(), end_);
          }
        }
        break;
      case TypeId::kDictionary:
        QUIRE_RETURN_NOT_OK(CheckBufferSize(
            1, end_ * (a_.type()->index_type()->bit_width() / 8), "indices"));
        if (full_) QUIRE_RETURN_NOT_OK(ValidateIndices());
        break;
      default:
        QUIRE_RETURN_NOT_OK(CheckBufferSize(1, end_ * (a_.type()->bit_width() / 8), "values"));
        if (full_) QUIRE_RETURN_NOT_OK(ValidateFixedValues());
        break;
    }
    if (full_) QUIRE_RETURN_NOT_OK(ValidateNullCount());
    return ValidateChildren();
  }

 private:
  Status CheckChildrenShape() {
    const DataType& t = *a_.type();
    int want = 0;
    switch (t.id()) {
      case TypeId::kList:
      case TypeId::kLargeList:
      case TypeId::kFixedSizeList:
      case TypeId::kMap: want = 1; break;
      case TypeId::kStruct: want = t.num_fields(); break;
      default: break;
    }
    if (a_.num_children() != want) {
      return Status::Corrupt("{} array has {} children, expected {}", t.ToString(),
                             a_.num_children(), want);
    }
    for (int c = 0; c < want; ++c) {
      if (!a_.child(c)) return Status::Corrupt("child {} is missing", c);
      if (!a_.child(c)->type()->Equals(*t.field(c)->type())) {
        return Status::Corrupt("child '{}' holds {} but the type says {}", t.field(c)->name(),
                               a_.child(c)->type()->ToString(), t.field(c)->type()->ToString());
      }
    }
    if (t.id() == TypeId::kDictionary) {
      if (!a_.dictionary()) return Status::Corrupt("dictionary array without a dictionary");
      if (!a_.dictionary()->type()->Equals(*t.dictionary_value_type())) {
        return Status::Corrupt("dictionary holds {} but the type says {}",
                               a_.dictionary()->type()->ToString(),
                               t.dictionary_value_type()->ToString());
      }
    } else if (a_.dictionary()) {
      return Status::Corrupt("{} array carries a dictionary", t.ToString());
    }
    return Status::OK();
  }

  Status CheckBufferSize(size_t i, int64_t need, const char* what, bool optional = false) {
    const BufferPtr& b = a_.buffer(i);
    if (!b) {
      if (optional || need == 0) return Status::OK();
      return Status::Corrupt("{} buffer is missing for {} slots", what, end_);
    }
    if (b->size() < need) {
      return Status::Corrupt("{} buffer holds {} bytes, {} slots need {}", what, b->size(), end_,
                             need);
    }
    if (need > 0 && b->data() == nullptr) {
      return Status::Corrupt("{} buffer has a null data pointer", what);
    }
    return Status::OK();
  }

  template <typename OffsetT>
  Status CheckOffsets(int64_t limit) {
    const OffsetT* o = a_.buffer(1)->data_as<OffsetT>();
    const int64_t first = o[a_.offset()], last = o[end_];
    if (first < 0 || first > last || last > limit) {
      return Status::Corrupt("offsets [{}, {}] of slots [{}, {}] are outside [0, {}]", first,
                             last, a_.offset(), end_, limit);
    }
    if (!full_) return Status::OK();
    for (int64_t i = a_.offset(); i < end_; ++i) {
      if (o[i] > o[i + 1]) {
        return Status::Corrupt("offsets decrease at slot {} ({} > {})", i - a_.offset(), o[i],
                               o[i + 1]);
      }
    }
    return Status::OK();
  }

  // `limit` is the child length for lists; -1 means the data buffer of binaries.
  Status ValidateOffsetsAgainst(int64_t limit) {
    const TypeId id = a_.type_id();
    const int64_t width = IsLarge(id) ? 8 : 4;
    if (a_.length() == 0 && (!a_.buffer(1) || a_.buffer(1)->size() == 0)) {
      return Status::OK();  // an empty array may omit its offsets
    }
    QUIRE_RETURN_NOT_OK(CheckBufferSize(1, (end_ + 1) * width, "offsets"));
    if (limit < 0) {
      const BufferPtr& data = a_.buffer(2);
      limit = data ? data->size() : 0;
    }
    return width == 8 ? CheckOffsets<int64_t>(limit) : CheckOffsets<int32_t>(limit);
  }

  Status ValidateUtf8() {
    return IsLarge(a_.type_id()) ? ValidateUtf8Offsets<int64_t>() : ValidateUtf8Offsets<int32_t>();
  }

  template <typename OffsetT>
  Status ValidateUtf8Offsets() {
    if (a_.length() == 0) return Status::OK();
    const OffsetT* o = a_.buffer(1)->data_as<OffsetT>() + a_.offset();
    const uint8_t* data = a_.buffer(2) ? a_.buffer(2)->data() : nullptr;
    if (a_.null_count() == 0) {
      // Without nulls, one pass over the whole range suffices: valid UTF-8 cut only
      // where a character starts (never before a continuation byte 10xxxxxx) gives
      // valid values.
      const int64_t begin = o[0], end = o[a_.length()];
      bool ok = util::IsValidUtf8(data + begin, end - begin);
      for (int64_t i = 1; ok && i < a_.length(); ++i) {
        ok = o[i] >= end || (data[o[i]] & 0xC0) != 0x80;
      }
      if (ok) return Status::OK();
    }
    for (int64_t i = 0; i < a_.length(); ++i) {
      if (a_.IsNull(i)) continue;
      if (!util::IsValidUtf8(data + o[i], int64_t(o[i + 1]) - o[i])) {
        return Status::Corrupt("invalid UTF-8 in string at slot {}", i);
      }
    }
    return Status::OK();
  }

  Status ValidateViews() {
    if (a_.length() == 0) return Status::OK();  // the views buffer may be absent
    const ViewSlot* views = a_.buffer(1)->data_as<ViewSlot>() + a_.offset();
    const int64_t num_data = a_.num_buffers() - 2;
    for (int64_t i = 0; i < a_.length(); ++i) {
      if (a_.IsNull(i)) continue;
      const ViewSlot& v = views[i];
      if (v.size < 0) return Status::Corrupt("view at slot {} has negative size {}", i, v.size);
      if (v.size > ViewSlot::kMaxInline) {
        if (v.ref.buffer_index < 0 || v.ref.buffer_index >= num_data) {
          return Status::Corrupt("view at slot {} refers to data buffer {} of {}", i,
                                 v.ref.buffer_index, num_data);
        }
        const BufferPtr& data = a_.buffer(size_t(v.ref.buffer_index) + 2);
        if (!data || v.ref.offset < 0 || int64_t(v.ref.offset) + v.size > data->size()) {
          return Status::Corrupt("view at slot {} ([{}, +{}) in buffer {}) is out of bounds", i,
                                 v.ref.offset, v.size, v.ref.buffer_index);
        }
        if (std::memcmp(v.ref.prefix, data->data() + v.ref.offset, 4) != 0) {
          return Status::Corrupt("view at slot {} has a prefix that differs from its data", i);
        }
      }
      if (a_.type()->is_string() && !util::IsValidUtf8(VariadicBinaryView(a_).Value(i))) {
        return Status::Corrupt("invalid UTF-8 in string at slot {}", i);
      }
    }
    return Status::OK();
  }

  Status ValidateIndices() {
    const int64_t n = a_.dictionary()->length();
    for (int64_t i = 0; i < a_.length(); ++i) {
      if (a_.IsNull(i)) continue;
      const int64_t k = internal::DictionaryIndex(a_, i);
      // uint64 indices above INT64_MAX come back negative and are rejected too.
      if (k < 0 || k >= n) {
        return Status::Corrupt("dictionary index {} at slot {} is outside [0, {})", k, i, n);
      }
    }
    return Status::OK();
  }

  Status ValidateFixedValues() {
    const DataType& t = *a_.type();
    switch (t.id()) {
      case TypeId::kDecimal128:
      case TypeId::kDecimal256: {
        const int w = t.byte_width();
        for (int64_t i = 0; i < a_.length(); ++i) {
          if (a_.IsNull(i)) continue;
          const std::string s =
              DecimalToString(a_.buffer(1)->data() + (a_.offset() + i) * w, w, 0);
          const int digits = int(s.size()) - (s[0] == '-' ? 1 : 0);
          if (digits > t.precision() && s != "0") {
            return Status::Corrupt("decimal at slot {} has {} digits, more than precision {}", i,
                                   digits, t.precision());
          }
        }
        return Status::OK();
      }
      case TypeId::kDate64: {
        // Arrow Schema.fbs: date64 values are whole days in milliseconds.
        const int64_t* v = a_.values<int64_t>();
        for (int64_t i = 0; i < a_.length(); ++i) {
          if (a_.IsValid(i) && v[i] % 86400000 != 0) {
            return Status::Corrupt("date64 at slot {} ({} ms) is not a whole day", i, v[i]);
          }
        }
        return Status::OK();
      }
      case TypeId::kTime32:
      case TypeId::kTime64: {
        static constexpr int64_t kPerDay[] = {86400LL, 86400000LL, 86400000000LL,
                                              86400000000000LL};
        const int64_t limit = kPerDay[int(t.unit())];
        for (int64_t i = 0; i < a_.length(); ++i) {
          if (!a_.IsValid(i)) continue;
          const int64_t v = t.id() == TypeId::kTime32 ? a_.values<int32_t>()[i]
                                                      : a_.values<int64_t>()[i];
          if (v < 0 || v >= limit) {
            return Status::Corrupt("{} at slot {} ({}) is not a time of day", t.ToString(), i, v);
          }
        }
        return Status::OK();
      }
      default:
        return Status::OK();
    }
  }

  Status ValidateNullCount() {
    const int64_t declared = a_.null_count();  // may compute it: buffers are checked
    int64_t actual = 0;
    if (a_.type_id() == TypeId::kNull) {
      actual = a_.length();
    } else if (a_.validity()) {
      actual = a_.length() - util::CountSetBits(a_.validity(), a_.offset(), a_.length());
    }
    if (declared != actual) {
      return Status::Corrupt("null count is {} but the validity bitmap has {} nulls", declared,
                             actual);
    }
    return Status::OK();
  }

  Status ValidateChildren() {
    const DataType& t = *a_.type();
    for (int c = 0; c < a_.num_children(); ++c) {
      const Array& child = *a_.child(c);
      Status st = full_ ? child.ValidateFull() : child.Validate();
      if (!st.ok()) return st.WithContext(fmt::format("child '{}'", t.field(c)->name()));
    }
    if (t.id() == TypeId::kMap && full_) {
      const Array& keys = *a_.child(0)->child(0);
      const int64_t entries_offset = a_.child(0)->offset();
      const int32_t* o = a_.buffer(1) ? a_.buffer(1)->data_as<int32_t>() : nullptr;
      if (o && a_.length() > 0) {
        for (int64_t k = o[a_.offset()]; k < o[end_]; ++k) {
          if (keys.IsNull(entries_offset + k)) {
            return Status::Corrupt("map key {} is null (map keys must not be null)", k);
          }
        }
      }
    }
    if (a_.dictionary()) {
      Status st = full_ ? a_.dictionary()->ValidateFull() : a_.dictionary()->Validate();
      if (!st.ok()) return st.WithContext("dictionary");
    }
    return Status::OK();
  }

  const Array& a_;
  const bool full_;
  const int64_t end_;
};

}  // namespace

Status Array::Validate() const {
  QUIRE_RETURN_NOT_OK(DataType::CheckParams(
      type_->id(), DataType::Params{.precision = type_->precision(),
                                    .scale = type_->scale(),
                                    .unit = type_->unit(),
                                    .timezone = {},
                                    .width = type_->id() == TypeId::kFixedSizeBinary
                                                 ? type_->byte_width()
                                                 : type_->list_size(),
                                    .fields = type_->fields(),
                                    .index_type = type_->index_type(),
                                    .value_type = type_->dictionary_value_type(),
                                    .flag = false}));
  return Validator(*this, false).Run();
}

Status Array::ValidateFull() const {
  QUIRE_RETURN_NOT_OK(Validate());
  return Validator(*this, true).Run();
}

}  // namespace quire::columnar
