#pragma once

/// \file quire/text/column_cursor_internal.h
/// \brief Per-batch views of the columns the writers render, with fast paths
/// for the common types (ColumnCursor::render) and a kOther fallback.

#include <cstdint>
#include <string_view>

#include "quire/columnar/array.h"
#include "quire/text/value_format_internal.h"
#include "quire/util/bit_util.h"

namespace quire::text::internal {

/// \brief How a column's values are rendered.
enum class Render : uint8_t {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kDecimal128,
  kDate32,
  kTimestamp,
  kString,       ///< int32 offsets
  kLargeString,  ///< int64 offsets
  kOther,        ///< columnar's canonical renderers
};

/// \brief Raw pointers into one column of a batch. The array must outlive it.
struct ColumnCursor {
  Render render = Render::kOther;
  const columnar::Array* array = nullptr;
  const uint8_t* validity = nullptr;
  bool all_null = false;
  int64_t offset = 0;
  const uint8_t* values = nullptr;  // buffer 1, without the offset applied
  const char* data = nullptr;       // buffer 2 of strings
  int scale = 0;
  columnar::TimeUnit unit = columnar::TimeUnit::kSecond;
  bool utc = false;

  static ColumnCursor Make(const columnar::Array& a) {
    using columnar::TypeId;
    ColumnCursor c;
    c.array = &a;
    c.offset = a.offset();
    c.validity = a.validity();
    c.all_null = a.type_id() == TypeId::kNull;
    c.values = a.num_buffers() > 1 && a.buffer(1) ? a.buffer(1)->data() : nullptr;
    const auto& t = *a.type();
    switch (t.id()) {
      case TypeId::kBool: c.render = Render::kBool; break;
      case TypeId::kInt8: c.render = Render::kInt8; break;
      case TypeId::kInt16: c.render = Render::kInt16; break;
      case TypeId::kInt32: c.render = Render::kInt32; break;
      case TypeId::kInt64: c.render = Render::kInt64; break;
      case TypeId::kUInt8: c.render = Render::kUInt8; break;
      case TypeId::kUInt16: c.render = Render::kUInt16; break;
      case TypeId::kUInt32: c.render = Render::kUInt32; break;
      case TypeId::kUInt64: c.render = Render::kUInt64; break;
      case TypeId::kDecimal128:
        c.render = Render::kDecimal128;
        c.scale = t.scale();
        break;
      case TypeId::kDate32: c.render = Render::kDate32; break;
      case TypeId::kTimestamp:
        c.render = Render::kTimestamp;
        c.unit = t.unit();
        c.utc = !t.timezone().empty();
        break;
      case TypeId::kString:
      case TypeId::kLargeString:
        c.render = t.id() == TypeId::kString ? Render::kString : Render::kLargeString;
        c.data = a.buffer(2) ? reinterpret_cast<const char*>(a.buffer(2)->data()) : "";
        break;
      default: c.render = Render::kOther; break;
    }
    if (c.values == nullptr && c.render != Render::kOther) c.render = Render::kOther;
    return c;
  }

  bool IsNull(int64_t i) const {
    return all_null || (validity != nullptr && !util::GetBit(validity, offset + i));
  }

  template <typename T>
  T Value(int64_t i) const {
    T v;
    std::memcpy(&v, values + (offset + i) * int64_t(sizeof(T)), sizeof(T));
    return v;
  }

  /// \brief The bytes of string slot `i` (kString, kLargeString).
  std::string_view StringValue(int64_t i) const {
    if (render == Render::kString) {
      const int32_t b = Value<int32_t>(i), e = Value<int32_t>(i + 1);
      return {data + b, size_t(e - b)};
    }
    const int64_t b = Value<int64_t>(i), e = Value<int64_t>(i + 1);
    return {data + b, size_t(e - b)};
  }

  /// \brief Write the text of scalar slot `i` (a render other than strings and
  /// kOther) at `p` (kMaxScalarText bytes of room); return the end.
  char* WriteScalar(char* p, int64_t i) const {
    switch (render) {
      case Render::kBool:
        if (util::GetBit(values, offset + i)) {
          std::memcpy(p, "true", 4);
          return p + 4;
        }
        std::memcpy(p, "false", 5);
        return p + 5;
      case Render::kInt8: return WriteInteger(p, Value<int8_t>(i));
      case Render::kInt16: return WriteInteger(p, Value<int16_t>(i));
      case Render::kInt32: return WriteInteger(p, Value<int32_t>(i));
      case Render::kInt64: return WriteInteger(p, Value<int64_t>(i));
      case Render::kUInt8: return WriteInteger(p, Value<uint8_t>(i));
      case Render::kUInt16: return WriteInteger(p, Value<uint16_t>(i));
      case Render::kUInt32: return WriteInteger(p, Value<uint32_t>(i));
      case Render::kUInt64: return WriteInteger(p, Value<uint64_t>(i));
      case Render::kDecimal128: return WriteDecimal128(p, values + (offset + i) * 16, scale);
      case Render::kDate32: return WriteDate(p, Value<int32_t>(i));
      case Render::kTimestamp: return WriteTimestamp(p, Value<int64_t>(i), unit, utc);
      default: return p;
    }
  }
};

}  // namespace quire::text::internal
