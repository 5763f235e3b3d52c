/// \file quire/compute/cast.cc
/// \brief Cast: per-type-pair kernels over the Arrow layout. Leaf kernels write a
/// fresh values buffer (and a copy of the validity bits, rebased to offset 0);
/// nested kernels cast their children and keep their own buffers.

#include "quire/compute/cast.h"

#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"
#include "quire/util/utf8.h"

namespace quire::compute {
namespace {

using columnar::Array;
using columnar::ArrayPtr;
using columnar::BufferPtr;
using columnar::DataType;
using columnar::MutableBuffer;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;
using int128 = __int128;

Status CannotCast(const DataType& from, const DataType& to) {
  return Status::Invalid("cannot cast {} to {}", from.ToString(), to.ToString());
}

Status ValueDoesNotFit(const DataType& from, const DataType& to, int64_t i) {
  return Status::Invalid("cannot cast {} to {}: the value in slot {} does not fit",
                         from.ToString(), to.ToString(), i);
}

/// Largest unscaled magnitude + 1 of a decimal of `precision` digits (10^precision),
/// or 0 when every int128 fits (precision above 38).
int128 DecimalLimit(int32_t precision) {
  if (precision > 38) return 0;
  int128 v = 1;
  for (int32_t i = 0; i < precision; ++i) v *= 10;
  return v;
}

bool FitsPrecision(int128 v, int32_t precision) {
  const int128 limit = DecimalLimit(precision);
  return limit == 0 || (v < limit && v > -limit);
}

bool MulPow10(int128 v, int32_t k, int128* out) {
  for (int32_t i = 0; i < k; ++i) {
    if (__builtin_mul_overflow(v, int128(10), &v)) return false;
  }
  *out = v;
  return true;
}

/// Decimal digits an integer type needs, e.g. 3 for int8 (-128..127).
int32_t IntegerDigits(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kUInt8: return 3;
    case TypeId::kInt16:
    case TypeId::kUInt16: return 5;
    case TypeId::kInt32:
    case TypeId::kUInt32: return 10;
    case TypeId::kInt64: return 19;
    default: return 20;  // uint64
  }
}

/// Read slot `i` of an integer array (or the indices of a dictionary) whose
/// integer type is `id`.
int128 ReadInteger(const Array& a, TypeId id, int64_t i) {
  switch (id) {
    case TypeId::kInt8: return a.values<int8_t>()[i];
    case TypeId::kInt16: return a.values<int16_t>()[i];
    case TypeId::kInt32: return a.values<int32_t>()[i];
    case TypeId::kInt64: return a.values<int64_t>()[i];
    case TypeId::kUInt8: return a.values<uint8_t>()[i];
    case TypeId::kUInt16: return a.values<uint16_t>()[i];
    case TypeId::kUInt32: return a.values<uint32_t>()[i];
    case TypeId::kUInt64: return a.values<uint64_t>()[i];
    default: return 0;
  }
}

/// Read slot `i` of a decimal128/256 array as an int128; false when a decimal256
/// value needs more than 128 bits.
bool ReadDecimal(const Array& a, int64_t i, int128* out) {
  const int32_t width = a.type()->byte_width();
  const uint8_t* p = a.buffer(1)->data() + (a.offset() + i) * width;
  std::memcpy(out, p, sizeof(int128));
  if (width == 16) return true;
  // The upper 16 bytes must be the sign extension of the lower 16.
  const uint8_t fill = *out < 0 ? 0xFF : 0x00;
  for (int k = 16; k < 32; ++k) {
    if (p[k] != fill) return false;
  }
  return true;
}

/// Copy the validity bits of `a` to a new bitmap starting at bit 0, or nullptr
/// when `a` has no nulls.
Result<BufferPtr> RebasedValidity(const Array& a) {
  if (a.validity() == nullptr || a.null_count() == 0) return BufferPtr();
  QUIRE_ASSIGN_OR_RETURN(auto bits, MutableBuffer::AllocateZeroed(util::BytesForBits(a.length())));
  util::CopyBitmap(a.validity(), a.offset(), a.length(), bits->mutable_data(), 0);
  return BufferPtr(std::move(bits));
}

/// Build a fixed-width array of `Out` by calling `convert(i, &out)` for each valid
/// slot; `convert` returns false when the value does not fit.
template <typename Out, typename Convert>
Result<ArrayPtr> MapValues(const Array& a, const TypePtr& to, Convert convert) {
  const int64_t n = a.length();
  QUIRE_ASSIGN_OR_RETURN(BufferPtr validity, RebasedValidity(a));
  QUIRE_ASSIGN_OR_RETURN(auto values, MutableBuffer::AllocateZeroed(n * int64_t(sizeof(Out))));
  Out* out = values->template mutable_data_as<Out>();
  for (int64_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) continue;
    if (!convert(i, &out[i])) return ValueDoesNotFit(*a.type(), *to, i);
  }
  const int64_t null_count = validity ? a.null_count() : 0;
  return Array::Make(to, n, {std::move(validity), std::move(values)}, {}, nullptr, null_count);
}

/// Build a decimal array of type `to` from unscaled values given by `unscaled(i, &v)`.
template <typename Unscaled>
Result<ArrayPtr> MapDecimals(const Array& a, const TypePtr& to, Unscaled unscaled) {
  const int64_t n = a.length();
  const int32_t width = to->byte_width();
  QUIRE_ASSIGN_OR_RETURN(BufferPtr validity, RebasedValidity(a));
  QUIRE_ASSIGN_OR_RETURN(auto values, MutableBuffer::AllocateZeroed(n * width));
  for (int64_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) continue;
    int128 v;
    if (!unscaled(i, &v) || !FitsPrecision(v, to->precision())) {
      return ValueDoesNotFit(*a.type(), *to, i);
    }
    columnar::DecimalFromInt128(v, width, values->mutable_data() + i * width);
  }
  const int64_t null_count = validity ? a.null_count() : 0;
  return Array::Make(to, n, {std::move(validity), std::move(values)}, {}, nullptr, null_count);
}

bool IntegerFits(int128 v, TypeId id) {
  switch (id) {
    case TypeId::kInt8: return v >= INT8_MIN && v <= INT8_MAX;
    case TypeId::kInt16: return v >= INT16_MIN && v <= INT16_MAX;
    case TypeId::kInt32: return v >= INT32_MIN && v <= INT32_MAX;
    case TypeId::kInt64: return v >= INT64_MIN && v <= INT64_MAX;
    case TypeId::kUInt8: return v >= 0 && v <= UINT8_MAX;
    case TypeId::kUInt16: return v >= 0 && v <= UINT16_MAX;
    case TypeId::kUInt32: return v >= 0 && v <= UINT32_MAX;
    case TypeId::kUInt64: return v >= 0 && v <= int128(UINT64_MAX);
    default: return false;
  }
}

template <typename Out>
Result<ArrayPtr> IntegerToInteger(const Array& a, const TypePtr& to) {
  const TypeId from_id = a.type_id();
  return MapValues<Out>(a, to, [&](int64_t i, Out* out) {
    const int128 v = ReadInteger(a, from_id, i);
    if (!IntegerFits(v, to->id())) return false;
    *out = Out(v);
    return true;
  });
}

Result<ArrayPtr> CastInteger(const Array& a, const TypePtr& to) {
  const TypeId from_id = a.type_id();
  switch (to->id()) {
    case TypeId::kInt8: return IntegerToInteger<int8_t>(a, to);
    case TypeId::kInt16: return IntegerToInteger<int16_t>(a, to);
    case TypeId::kInt32: return IntegerToInteger<int32_t>(a, to);
    case TypeId::kInt64: return IntegerToInteger<int64_t>(a, to);
    case TypeId::kUInt8: return IntegerToInteger<uint8_t>(a, to);
    case TypeId::kUInt16: return IntegerToInteger<uint16_t>(a, to);
    case TypeId::kUInt32: return IntegerToInteger<uint32_t>(a, to);
    case TypeId::kUInt64: return IntegerToInteger<uint64_t>(a, to);
    case TypeId::kFloat32:
      return MapValues<float>(a, to, [&](int64_t i, float* out) {
        *out = float(ReadInteger(a, from_id, i));
        return true;
      });
    case TypeId::kFloat64:
      return MapValues<double>(a, to, [&](int64_t i, double* out) {
        *out = double(ReadInteger(a, from_id, i));
        return true;
      });
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
      if (to->scale() < 0) break;
      return MapDecimals(a, to, [&](int64_t i, int128* v) {
        return MulPow10(ReadInteger(a, from_id, i), to->scale(), v);
      });
    default: break;
  }
  return CannotCast(*a.type(), *to);
}

Result<ArrayPtr> CastDecimal(const Array& a, const TypePtr& to) {
  const int32_t from_scale = a.type()->scale();
  if (to->is_decimal()) {
    const int32_t shift = to->scale() - from_scale;
    int128 divisor = 1;
    if (shift < 0 && !MulPow10(1, -shift, &divisor)) return CannotCast(*a.type(), *to);
    return MapDecimals(a, to, [&](int64_t i, int128* v) {
      int128 x;
      if (!ReadDecimal(a, i, &x)) return false;
      if (shift >= 0) return MulPow10(x, shift, v);
      if (x % divisor != 0) return false;  // would drop fraction digits
      *v = x / divisor;
      return true;
    });
  }
  if (to->id() == TypeId::kFloat64) {
    double scale = 1;
    for (int32_t k = 0; k < from_scale; ++k) scale *= 10;
    return MapValues<double>(a, to, [&](int64_t i, double* out) {
      int128 x;
      if (!ReadDecimal(a, i, &x)) return false;
      *out = double(x) / scale;
      return true;
    });
  }
  return CannotCast(*a.type(), *to);
}

Result<ArrayPtr> CastTimestamp(const Array& a, const TypePtr& to) {
  const DataType& from = *a.type();
  if (from.timezone().empty() != to->timezone().empty()) return CannotCast(from, *to);
  const int64_t from_ticks = columnar::TicksPerSecond(from.unit());
  const int64_t to_ticks = columnar::TicksPerSecond(to->unit());
  const int64_t* in = a.values<int64_t>();
  if (to_ticks >= from_ticks) {
    const int64_t factor = to_ticks / from_ticks;
    return MapValues<int64_t>(a, to, [&](int64_t i, int64_t* out) {
      return !__builtin_mul_overflow(in[i], factor, out);
    });
  }
  const int64_t divisor = from_ticks / to_ticks;
  return MapValues<int64_t>(a, to, [&](int64_t i, int64_t* out) {
    *out = columnar::FloorDiv(in[i], divisor);
    return true;
  });
}

Result<ArrayPtr> CastDate32(const Array& a, const TypePtr& to) {
  if (to->id() != TypeId::kTimestamp) return CannotCast(*a.type(), *to);
  const int64_t per_day = 86400 * columnar::TicksPerSecond(to->unit());
  const int32_t* in = a.values<int32_t>();
  return MapValues<int64_t>(a, to, [&](int64_t i, int64_t* out) {
    return !__builtin_mul_overflow(int64_t(in[i]), per_day, out);
  });
}

/// The layout family of a binary-like type: 0 offsets32, 1 offsets64, 2 views.
int BinaryLayout(TypeId id) {
  switch (id) {
    case TypeId::kBinary:
    case TypeId::kString: return 0;
    case TypeId::kLargeBinary:
    case TypeId::kLargeString: return 1;
    default: return 2;
  }
}

template <typename Builder>
Result<ArrayPtr> CopyBytes(const Array& a, const TypePtr& to) {
  Builder builder(to);
  QUIRE_RETURN_NOT_OK(builder.Reserve(a.length()));
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i)) {
      QUIRE_RETURN_NOT_OK(builder.AppendNull());
    } else {
      QUIRE_RETURN_NOT_OK(builder.Append(columnar::GetBytes(a, i)));
    }
  }
  return builder.Finish();
}

Result<ArrayPtr> CastBinaryLike(const Array& a, const TypePtr& to) {
  if (!to->is_binary_like()) return CannotCast(*a.type(), *to);
  if (to->is_string() && !a.type()->is_string()) {
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsValid(i) && !util::IsValidUtf8(columnar::GetBytes(a, i))) {
        return Status::Invalid("cannot cast {} to {}: slot {} is not valid UTF-8",
                               a.type()->ToString(), to->ToString(), i);
      }
    }
  }
  // Same layout (string <-> binary, and their large and view forms): only the
  // type changes, the buffers are shared.
  if (BinaryLayout(a.type_id()) == BinaryLayout(to->id())) {
    return Array::Make(to, a.length(), a.buffers(), {}, nullptr, a.null_count(), a.offset());
  }
  switch (BinaryLayout(to->id())) {
    case 0: return CopyBytes<columnar::BinaryBuilder>(a, to);
    case 1: return CopyBytes<columnar::LargeBinaryBuilder>(a, to);
    default: return CopyBytes<columnar::BinaryViewBuilder>(a, to);
  }
}

Result<ArrayPtr> DecodeDictionary(const Array& a) {
  const ArrayPtr& dictionary = a.dictionary();
  const TypeId index_id = a.type()->index_type()->id();
  QUIRE_ASSIGN_OR_RETURN(auto builder, columnar::MakeBuilder(dictionary->type()));
  QUIRE_RETURN_NOT_OK(builder->Reserve(a.length()));
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i)) {
      QUIRE_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    const int128 index = ReadInteger(a, index_id, i);
    if (index < 0 || index >= dictionary->length()) {
      return Status::Invalid("dictionary index {} in slot {} is out of range", int64_t(index), i);
    }
    QUIRE_RETURN_NOT_OK(builder->AppendArraySlice(*dictionary, int64_t(index), 1));
  }
  return builder->Finish();
}

Result<ArrayPtr> CastStruct(const Array& a, const TypePtr& to) {
  const DataType& from = *a.type();
  if (to->id() != TypeId::kStruct || from.num_fields() != to->num_fields()) {
    return CannotCast(from, *to);
  }
  columnar::ArrayVector children;
  for (const auto& target : to->fields()) {
    int source = -1;
    for (int k = 0; k < from.num_fields(); ++k) {
      if (from.field(k)->name() == target->name()) source = k;
    }
    if (source < 0) return CannotCast(from, *to);
    QUIRE_ASSIGN_OR_RETURN(auto child, Cast(a.child(source), target->type()));
    children.push_back(std::move(child));
  }
  // Struct children share the parent's offset, so the parent's buffers are kept.
  return Array::Make(to, a.length(), a.buffers(), std::move(children), nullptr,
                     a.null_count(), a.offset());
}

/// Rewrite list offsets between int32 (list) and int64 (large_list), rebased to 0.
template <typename From, typename To>
Result<ArrayPtr> ConvertListOffsets(const Array& a, const TypePtr& to, ArrayPtr values) {
  const From* in = a.values<From>();
  QUIRE_ASSIGN_OR_RETURN(BufferPtr validity, RebasedValidity(a));
  QUIRE_ASSIGN_OR_RETURN(auto offsets, MutableBuffer::Allocate((a.length() + 1) * int64_t(sizeof(To))));
  To* out = offsets->template mutable_data_as<To>();
  for (int64_t i = 0; i <= a.length(); ++i) {
    if (int128(in[i]) > int128(std::numeric_limits<To>::max())) {
      return Status::Invalid("cannot cast {} to {}: offsets overflow", a.type()->ToString(),
                             to->ToString());
    }
    out[i] = To(in[i]);
  }
  const int64_t null_count = validity ? a.null_count() : 0;
  return Array::Make(to, a.length(), {std::move(validity), std::move(offsets)},
                     {std::move(values)}, nullptr, null_count);
}

Result<ArrayPtr> CastList(const Array& a, const TypePtr& to) {
  const DataType& from = *a.type();
  const bool list_like = to->id() == TypeId::kList || to->id() == TypeId::kLargeList;
  if (!list_like) return CannotCast(from, *to);
  QUIRE_ASSIGN_OR_RETURN(auto values, Cast(a.child(0), to->value_type()));
  if (from.id() == to->id()) {
    return Array::Make(to, a.length(), a.buffers(), {std::move(values)}, nullptr,
                       a.null_count(), a.offset());
  }
  if (from.id() == TypeId::kList) {
    return ConvertListOffsets<int32_t, int64_t>(a, to, std::move(values));
  }
  return ConvertListOffsets<int64_t, int32_t>(a, to, std::move(values));
}

Result<ArrayPtr> CastFixedSizeList(const Array& a, const TypePtr& to) {
  if (to->id() != TypeId::kFixedSizeList || to->list_size() != a.type()->list_size()) {
    return CannotCast(*a.type(), *to);
  }
  QUIRE_ASSIGN_OR_RETURN(auto values, Cast(a.child(0), to->value_type()));
  return Array::Make(to, a.length(), a.buffers(), {std::move(values)}, nullptr, a.null_count(),
                     a.offset());
}

Result<ArrayPtr> CastMap(const Array& a, const TypePtr& to) {
  if (to->id() != TypeId::kMap) return CannotCast(*a.type(), *to);
  // Keys and items are matched by position: the entries' names vary by writer
  // ("entries"/"key_value", "value"/"item").
  const Array& entries = *a.child(0);
  QUIRE_ASSIGN_OR_RETURN(auto keys, Cast(entries.child(0), to->key_type()));
  QUIRE_ASSIGN_OR_RETURN(auto items, Cast(entries.child(1), to->item_type()));
  auto new_entries = Array::Make(to->field(0)->type(), entries.length(), entries.buffers(),
                                 {std::move(keys), std::move(items)}, nullptr,
                                 entries.null_count(), entries.offset());
  return Array::Make(to, a.length(), a.buffers(), {std::move(new_entries)}, nullptr,
                     a.null_count(), a.offset());
}

}  // namespace

Result<ArrayPtr> Cast(const ArrayPtr& array, const TypePtr& to) {
  if (array == nullptr || to == nullptr) return Status::Invalid("Cast: null array or type");
  const Array& a = *array;
  const DataType& from = *a.type();
  if (from.Equals(*to)) {
    if (a.type() == to || from.Equals(*to, /*check_metadata=*/true)) return array;
    return Array::Make(to, a.length(), a.buffers(), a.children(), a.dictionary(),
                       a.null_count(), a.offset());
  }
  if (from.id() == TypeId::kNull) return columnar::MakeArrayOfNulls(to, a.length());
  if (from.id() == TypeId::kDictionary) {
    QUIRE_ASSIGN_OR_RETURN(auto decoded, DecodeDictionary(a));
    return Cast(decoded, to);
  }
  if (from.is_integer()) return CastInteger(a, to);
  if (from.is_decimal()) return CastDecimal(a, to);
  if (from.is_binary_like()) return CastBinaryLike(a, to);
  switch (from.id()) {
    case TypeId::kFloat32:
      if (to->id() != TypeId::kFloat64) break;
      return MapValues<double>(a, to, [&](int64_t i, double* out) {
        *out = double(a.values<float>()[i]);
        return true;
      });
    case TypeId::kDate32: return CastDate32(a, to);
    case TypeId::kTimestamp:
      if (to->id() != TypeId::kTimestamp) break;
      return CastTimestamp(a, to);
    case TypeId::kStruct: return CastStruct(a, to);
    case TypeId::kList:
    case TypeId::kLargeList: return CastList(a, to);
    case TypeId::kFixedSizeList: return CastFixedSizeList(a, to);
    case TypeId::kMap: return CastMap(a, to);
    default: break;
  }
  return CannotCast(from, *to);
}

bool CanCastLosslessly(const DataType& from, const DataType& to) {
  if (from.Equals(to)) return true;
  if (from.id() == TypeId::kNull) return true;
  if (from.id() == TypeId::kDictionary) {
    return CanCastLosslessly(*from.dictionary_value_type(), to);
  }
  if (from.is_integer()) {
    const bool from_signed = from.is_signed_integer();
    if (to.is_integer()) {
      if (from_signed) return to.is_signed_integer() && to.bit_width() >= from.bit_width();
      return to.is_signed_integer() ? to.bit_width() > from.bit_width()
                                    : to.bit_width() >= from.bit_width();
    }
    if (to.id() == TypeId::kFloat32) return from.bit_width() <= 16;
    if (to.id() == TypeId::kFloat64) return from.bit_width() <= 32;
    if (to.is_decimal()) {
      return to.scale() >= 0 && to.precision() - to.scale() >= IntegerDigits(from.id());
    }
    return false;
  }
  switch (from.id()) {
    case TypeId::kFloat32: return to.id() == TypeId::kFloat64;
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
      return to.is_decimal() && to.scale() >= from.scale() &&
             to.precision() - to.scale() >= from.precision() - from.scale();
    case TypeId::kDate32:
      // Nanoseconds overflow int64 for dates beyond the years 1677..2262.
      return to.id() == TypeId::kTimestamp && to.unit() != TimeUnit::kNano;
    case TypeId::kTimestamp:
      return to.id() == TypeId::kTimestamp && to.unit() >= from.unit() &&
             from.timezone().empty() == to.timezone().empty();
    default: break;
  }
  if (from.is_binary_like()) {
    return to.is_binary_like() && (from.is_string() || !to.is_string());
  }
  switch (from.id()) {
    case TypeId::kStruct: {
      if (to.id() != TypeId::kStruct || to.num_fields() != from.num_fields()) return false;
      for (const auto& target : to.fields()) {
        bool found = false;
        for (const auto& source : from.fields()) {
          if (source->name() != target->name()) continue;
          found = CanCastLosslessly(*source->type(), *target->type());
        }
        if (!found) return false;
      }
      return true;
    }
    case TypeId::kList:
    case TypeId::kLargeList:
      if (to.id() != TypeId::kList && to.id() != TypeId::kLargeList) return false;
      // large_list to list may overflow the 32-bit offsets.
      if (from.id() == TypeId::kLargeList && to.id() == TypeId::kList) return false;
      return CanCastLosslessly(*from.value_type(), *to.value_type());
    case TypeId::kFixedSizeList:
      return to.id() == TypeId::kFixedSizeList && to.list_size() == from.list_size() &&
             CanCastLosslessly(*from.value_type(), *to.value_type());
    case TypeId::kMap:
      return to.id() == TypeId::kMap && CanCastLosslessly(*from.key_type(), *to.key_type()) &&
             CanCastLosslessly(*from.item_type(), *to.item_type());
    default: return false;
  }
}

}  // namespace quire::compute
