/// \file quire/columnar/json.cc
#include "quire/columnar/json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "quire/columnar/array.h"
#include "quire/columnar/array_internal.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/temporal.h"
#include "quire/columnar/type.h"
#include "quire/columnar/variant.h"
#include "quire/util/float16.h"
#include "quire/util/macros.h"

namespace quire::columnar {

namespace {

// Integers up to 2^53 in magnitude are exact as binary64, so as JSON numbers.
constexpr int64_t kMaxExactInteger = int64_t{1} << 53;
constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();
constexpr char kHexDigits[] = "0123456789abcdef";

// --- Numbers ----------------------------------------------------------------

// Lay out the digits of std::to_chars' shortest scientific form of a positive
// finite number (e.g. "1.5e-07") as ECMA-262 Number::toString(10) does: with
// digits d1..dk and value 0.d1..dk x 10^n, plain digits for n in (-6, 21], an
// exponent otherwise.
void AppendEcmaScriptLayout(std::string_view scientific, std::string* out) {
  const size_t e = scientific.find('e');
  QUIRE_DCHECK(e != std::string_view::npos);
  char digits[32];
  int k = 0;
  for (char c : scientific.substr(0, e)) {
    if (c != '.' && k < int(sizeof(digits))) digits[k++] = c;
  }
  std::string_view exponent_text = scientific.substr(e + 1);
  if (!exponent_text.empty() && exponent_text[0] == '+') exponent_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(),
                  exponent);
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out->append(digits, size_t(k));
    out->append(size_t(n - k), '0');
  } else if (0 < n && n <= 21) {
    out->append(digits, size_t(n));
    out->push_back('.');
    out->append(digits + n, size_t(k - n));
  } else if (-6 < n && n <= 0) {
    out->append("0.");
    out->append(size_t(-n), '0');
    out->append(digits, size_t(k));
  } else {
    out->push_back(digits[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(digits + 1, size_t(k - 1));
    }
    out->push_back('e');
    out->push_back(n - 1 < 0 ? '-' : '+');
    fmt::format_to(std::back_inserter(*out), "{}", std::abs(n - 1));
  }
}

// Append a float or double; `quote_specials` puts NaN and the infinities in quotes.
template <typename T>
void AppendShortest(T value, bool quote_specials, std::string* out) {
  if (!std::isfinite(value)) {
    if (quote_specials) out->push_back('"');
    out->append(std::isnan(value) ? "NaN" : value < 0 ? "-Infinity" : "Infinity");
    if (quote_specials) out->push_back('"');
    return;
  }
  if (value == 0) {
    // JSON.stringify(-0) gives "0"; the canonical form keeps the sign.
    out->append(std::signbit(value) ? "-0.0" : "0");
    return;
  }
  if (value < 0) {
    out->push_back('-');
    value = -value;
  }
  char buffer[64];
  // Without a precision, to_chars gives the shortest digits that round-trip to the
  // same value of type T.
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value,
                                    std::chars_format::scientific);
  AppendEcmaScriptLayout(std::string_view(buffer, size_t(result.ptr - buffer)), out);
}

void AppendSigned(int64_t v, std::string* out) {
  const bool safe = v >= -kMaxExactInteger && v <= kMaxExactInteger;
  if (!safe) out->push_back('"');
  fmt::format_to(std::back_inserter(*out), "{}", v);
  if (!safe) out->push_back('"');
}

void AppendUnsigned(uint64_t v, std::string* out) {
  const bool safe = v <= uint64_t(kMaxExactInteger);
  if (!safe) out->push_back('"');
  fmt::format_to(std::back_inserter(*out), "{}", v);
  if (!safe) out->push_back('"');
}

// --- Temporal ---------------------------------------------------------------

void AppendTimestamp(int64_t ticks, const DataType& type, std::string* out) {
  out->append(FormatTimestamp(ticks, type.unit()));
  // Arrow: a timestamp with a timezone holds UTC instants (Parquet isAdjustedToUTC).
  if (!type.timezone().empty()) out->push_back('Z');
}

void AppendTimeOfDay(int64_t ticks, TimeUnit unit, std::string* out) {
  out->append(FormatTimeOfDay(ticks, unit));
}

// --- Bytes ------------------------------------------------------------------

void AppendHex(std::string_view bytes, std::string* out) {
  out->append("\"0x");
  for (unsigned char c : bytes) {
    out->push_back(kHexDigits[c >> 4]);
    out->push_back(kHexDigits[c & 15]);
  }
  out->push_back('"');
}

void AppendUuid(std::string_view bytes, std::string* out) {
  out->push_back('"');
  for (size_t b = 0; b < bytes.size(); ++b) {
    if (b == 4 || b == 6 || b == 8 || b == 10) out->push_back('-');
    const auto c = static_cast<unsigned char>(bytes[b]);
    out->push_back(kHexDigits[c >> 4]);
    out->push_back(kHexDigits[c & 15]);
  }
  out->push_back('"');
}

bool IsUuid(const Array& array, const Field* field) {
  if (field == nullptr || field->metadata() == nullptr) return false;
  if (array.type_id() != TypeId::kFixedSizeBinary || array.type()->byte_width() != 16) {
    return false;
  }
  return field->metadata()->Get("ARROW:extension:name") == "arrow.uuid";
}

// Return the length of the well-formed UTF-8 sequence starting at `p` (Unicode
// Table 3-7), or minus the length of its maximal ill-formed subpart (at least 1),
// which WHATWG decoding replaces by one U+FFFD.
int ScanUtf8(const uint8_t* p, size_t available) {
  const uint8_t lead = p[0];
  int continuation;
  uint8_t lo = 0x80, hi = 0xBF;  // range of the first continuation byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation = 1;
  } else if (lead == 0xE0) {
    continuation = 2;
    lo = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    continuation = 2;
  } else if (lead == 0xED) {
    continuation = 2;
    hi = 0x9F;  // no surrogates
  } else if (lead == 0xF0) {
    continuation = 3;
    lo = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    continuation = 3;
  } else if (lead == 0xF4) {
    continuation = 3;
    hi = 0x8F;  // up to U+10FFFF
  } else {
    return -1;
  }
  for (int k = 1; k <= continuation; ++k) {
    if (size_t(k) >= available || p[k] < lo || p[k] > hi) return -k;
    lo = 0x80;
    hi = 0xBF;
  }
  return continuation + 1;
}

// --- Values -----------------------------------------------------------------

template <typename T>
T ValueAt(const Array& array, int64_t i) {
  return PrimitiveView<T>(array).Value(i);
}

template <typename OffsetT>
void AppendList(const Array& array, int64_t i, std::string* out) {
  const ListView<OffsetT> view(array);
  const Field* item_field = array.type()->value_field().get();
  const int64_t start = view.value_offset(i);
  const int64_t count = view.value_length(i);
  out->push_back('[');
  for (int64_t k = 0; k < count; ++k) {
    if (k > 0) out->push_back(',');
    AppendJsonValue(view.values(), start + k, out, item_field);
  }
  out->push_back(']');
}

void AppendFixedSizeList(const Array& array, int64_t i, std::string* out) {
  const DataType& type = *array.type();
  const int64_t size = type.list_size();
  const Field* item_field = type.value_field().get();
  // The parent's offset applies to the child, in units of whole lists.
  const int64_t start = (array.offset() + i) * size;
  out->push_back('[');
  for (int64_t k = 0; k < size; ++k) {
    if (k > 0) out->push_back(',');
    AppendJsonValue(*array.child(0), start + k, out, item_field);
  }
  out->push_back(']');
}

void AppendStruct(const Array& array, int64_t i, std::string* out) {
  const DataType& type = *array.type();
  out->push_back('{');
  for (int c = 0; c < type.num_fields(); ++c) {
    if (c > 0) out->push_back(',');
    AppendJsonString(type.field(c)->name(), out);
    out->push_back(':');
    AppendJsonValue(*array.child(c), array.offset() + i, out, type.field(c).get());
  }
  out->push_back('}');
}

bool IsVariant(const Array& array, const Field* field) {
  if (field == nullptr || field->metadata() == nullptr) return false;
  if (array.type_id() != TypeId::kStruct) return false;
  return field->metadata()->Get("ARROW:extension:name") == kVariantExtensionName;
}

// A Variant struct renders as the value it encodes; bytes that are not a valid
// Variant render as the plain struct, so nothing is hidden.
bool AppendVariantSlot(const Array& array, int64_t i, std::string* out) {
  const DataType& type = *array.type();
  int metadata_child = -1, value_child = -1;
  for (int c = 0; c < type.num_fields(); ++c) {
    const auto& name = type.field(c)->name();
    const TypeId id = type.field(c)->type()->id();
    if (id != TypeId::kBinary && id != TypeId::kLargeBinary && id != TypeId::kBinaryView) continue;
    if (name == "metadata") metadata_child = c;
    if (name == "value") value_child = c;
  }
  if (metadata_child < 0 || value_child < 0) return false;
  const Array& m = *array.child(metadata_child);
  const Array& v = *array.child(value_child);
  const int64_t k = array.offset() + i;
  if (m.IsNull(k) || v.IsNull(k)) return false;
  const std::string_view mb = GetBytes(m, k), vb = GetBytes(v, k);
  auto metadata = VariantMetadata::Make(
      {reinterpret_cast<const uint8_t*>(mb.data()), mb.size()});
  if (!metadata.ok()) return false;
  auto value = VariantValue::Make(*metadata, {reinterpret_cast<const uint8_t*>(vb.data()), vb.size()});
  if (!value.ok()) return false;
  AppendVariantJson(*value, out);
  return true;
}

void AppendMap(const Array& array, int64_t i, std::string* out) {
  const ListView<int32_t> view(array);
  const Array& entries = view.values();
  const DataType& entries_type = *array.type()->field(0)->type();
  const Field* key_field = entries_type.field(0).get();
  const Field* item_field = entries_type.field(1).get();
  const int64_t start = entries.offset() + view.value_offset(i);
  const int64_t count = view.value_length(i);
  out->push_back('[');
  for (int64_t k = 0; k < count; ++k) {
    if (k > 0) out->push_back(',');
    out->push_back('[');
    AppendJsonValue(*entries.child(0), start + k, out, key_field);
    out->push_back(',');
    AppendJsonValue(*entries.child(1), start + k, out, item_field);
    out->push_back(']');
  }
  out->push_back(']');
}

// --- Rows -------------------------------------------------------------------

// Append "[\n<indent>row,\n<indent>row\n<close_indent>]" ("[]" without rows), where
// `cell(c, r)` returns the array and slot holding column c of row r.
template <typename Cell>
void AppendRows(const Schema& schema, int64_t num_rows, Cell&& cell,
                std::string_view indent, std::string_view close_indent,
                std::string* out) {
  out->push_back('[');
  for (int64_t r = 0; r < num_rows; ++r) {
    out->append(r > 0 ? ",\n" : "\n");
    out->append(indent);
    out->push_back('[');
    for (int c = 0; c < schema.num_fields(); ++c) {
      if (c > 0) out->push_back(',');
      const auto [array, slot] = cell(c, r);
      AppendJsonValue(*array, slot, out, schema.field(c).get());
    }
    out->push_back(']');
  }
  if (num_rows > 0) {
    out->push_back('\n');
    out->append(close_indent);
  }
  out->push_back(']');
}

// Locates rows of a table visited in increasing order, one cursor per column.
class TableCells {
 public:
  explicit TableCells(const Table& table) : table_(table) {
    cursors_.resize(size_t(table.num_columns()));
  }

  std::pair<const Array*, int64_t> operator()(int c, int64_t row) {
    Cursor& cursor = cursors_[size_t(c)];
    const ArrayVector& chunks = table_.column(c)->chunks();
    while (row - cursor.base >= chunks[cursor.chunk]->length()) {
      cursor.base += chunks[cursor.chunk]->length();
      ++cursor.chunk;
      QUIRE_DCHECK(cursor.chunk < chunks.size());
    }
    return {chunks[cursor.chunk].get(), row - cursor.base};
  }

 private:
  struct Cursor {
    size_t chunk = 0;
    int64_t base = 0;  // table row of the chunk's first slot
  };
  const Table& table_;
  std::vector<Cursor> cursors_;
};

auto BatchCells(const RecordBatch& batch) {
  return [&batch](int c, int64_t row) {
    return std::pair<const Array*, int64_t>(batch.column(c).get(), row);
  };
}

template <typename Cell>
std::string CanonicalDocument(const Schema& schema, int64_t num_rows, Cell&& cell) {
  std::string out = fmt::format("{{\n  \"num_rows\": {},\n  \"columns\": [", num_rows);
  for (int c = 0; c < schema.num_fields(); ++c) {
    out.append(c > 0 ? ",\n    " : "\n    ");
    out.append("{\"name\":");
    AppendJsonString(schema.field(c)->name(), &out);
    out.append(",\"type\":");
    AppendJsonString(schema.field(c)->type()->ToString(), &out);
    out.push_back('}');
  }
  if (schema.num_fields() > 0) out.append("\n  ");
  out.append("],\n  \"rows\": ");
  AppendRows(schema, num_rows, cell, "    ", "  ", &out);
  out.append("\n}");
  return out;
}

}  // namespace

void AppendJsonString(std::string_view utf8, std::string* out) {
  out->reserve(out->size() + utf8.size() + 2);
  out->push_back('"');
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const size_t n = utf8.size();
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const int length = ScanUtf8(p + i, n - i);
      if (length > 0) {
        i += size_t(length);
        continue;
      }
      out->append(utf8.data() + run, i - run);
      out->append("\xEF\xBF\xBD");  // U+FFFD
      i += size_t(-length);
      run = i;
      continue;
    }
    out->append(utf8.data() + run, i - run);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        out->append("\\u00");
        out->push_back(kHexDigits[c >> 4]);
        out->push_back(kHexDigits[c & 15]);
    }
    ++i;
    run = i;
  }
  out->append(utf8.data() + run, n - run);
  out->push_back('"');
}

std::string FormatDoubleShortest(double value) {
  std::string out;
  AppendShortest(value, /*quote_specials=*/false, &out);
  return out;
}

std::string FormatFloatShortest(float value) {
  std::string out;
  AppendShortest(value, /*quote_specials=*/false, &out);
  return out;
}

void AppendJsonValue(const Array& array, int64_t i, std::string* out,
                     const Field* field) {
  QUIRE_DCHECK(i >= 0 && i < array.length());
  if (array.IsNull(i)) {
    out->append("null");
    return;
  }
  const DataType& type = *array.type();
  switch (type.id()) {
    case TypeId::kNull: out->append("null"); return;
    case TypeId::kBool: out->append(BoolView(array).Value(i) ? "true" : "false"); return;
    case TypeId::kInt8: AppendSigned(ValueAt<int8_t>(array, i), out); return;
    case TypeId::kInt16: AppendSigned(ValueAt<int16_t>(array, i), out); return;
    case TypeId::kInt32: AppendSigned(ValueAt<int32_t>(array, i), out); return;
    case TypeId::kInt64: AppendSigned(ValueAt<int64_t>(array, i), out); return;
    case TypeId::kUInt8: AppendUnsigned(ValueAt<uint8_t>(array, i), out); return;
    case TypeId::kUInt16: AppendUnsigned(ValueAt<uint16_t>(array, i), out); return;
    case TypeId::kUInt32: AppendUnsigned(ValueAt<uint32_t>(array, i), out); return;
    case TypeId::kUInt64: AppendUnsigned(ValueAt<uint64_t>(array, i), out); return;
    case TypeId::kFloat16:
      // README: FLOAT16 is read as FLOAT, so the digits are those of binary32.
      AppendShortest(util::HalfToFloat(ValueAt<uint16_t>(array, i)), true, out);
      return;
    case TypeId::kFloat32: AppendShortest(ValueAt<float>(array, i), true, out); return;
    case TypeId::kFloat64: AppendShortest(ValueAt<double>(array, i), true, out); return;
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const std::string_view bytes = GetBytes(array, i);
      out->push_back('"');
      out->append(DecimalToString(reinterpret_cast<const uint8_t*>(bytes.data()),
                                  type.byte_width(), type.scale()));
      out->push_back('"');
      return;
    }
    case TypeId::kDate32:
      out->push_back('"');
      out->append(FormatDate(ValueAt<int32_t>(array, i)));
      out->push_back('"');
      return;
    case TypeId::kDate64:
      out->push_back('"');
      out->append(FormatDate(FloorDiv(ValueAt<int64_t>(array, i), 86400000)));
      out->push_back('"');
      return;
    case TypeId::kTime32:
      out->push_back('"');
      AppendTimeOfDay(ValueAt<int32_t>(array, i), type.unit(), out);
      out->push_back('"');
      return;
    case TypeId::kTime64:
      out->push_back('"');
      AppendTimeOfDay(ValueAt<int64_t>(array, i), type.unit(), out);
      out->push_back('"');
      return;
    case TypeId::kTimestamp:
      out->push_back('"');
      AppendTimestamp(ValueAt<int64_t>(array, i), type, out);
      out->push_back('"');
      return;
    case TypeId::kDuration: AppendSigned(ValueAt<int64_t>(array, i), out); return;
    case TypeId::kIntervalMonthDayNano: {
      const auto v = ValueAt<MonthDayNano>(array, i);
      fmt::format_to(std::back_inserter(*out),
                     "{{\"months\":{},\"days\":{},\"micros\":", v.months, v.days);
      AppendSigned(FloorDiv(v.nanoseconds, 1000), out);
      out->push_back('}');
      return;
    }
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kStringView: AppendJsonString(GetBytes(array, i), out); return;
    case TypeId::kFixedSizeBinary:
      if (IsUuid(array, field)) {
        AppendUuid(GetBytes(array, i), out);
        return;
      }
      [[fallthrough]];
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kBinaryView: AppendHex(GetBytes(array, i), out); return;
    case TypeId::kList: AppendList<int32_t>(array, i, out); return;
    case TypeId::kLargeList: AppendList<int64_t>(array, i, out); return;
    case TypeId::kFixedSizeList: AppendFixedSizeList(array, i, out); return;
    case TypeId::kStruct:
      if (IsVariant(array, field) && AppendVariantSlot(array, i, out)) return;
      AppendStruct(array, i, out);
      return;
    case TypeId::kMap: AppendMap(array, i, out); return;
    case TypeId::kDictionary:
      // The field describes the dictionary column, so its extension metadata
      // applies to the decoded values.
      AppendJsonValue(*array.dictionary(), internal::DictionaryIndex(array, i), out, field);
      return;
  }
  QUIRE_DCHECK(false);
  out->append("null");
}

namespace {

// `typed`: prefix primitives with their physical type (VariantDebugString).
void AppendVariant(const VariantValue& v, bool typed, std::string* out) {
  auto quoted = [&](const std::string& text) {
    out->push_back('"');
    out->append(text);
    out->push_back('"');
  };
  const VariantType type = v.type();
  if (typed && type != VariantType::kNull && type != VariantType::kArray &&
      type != VariantType::kObject) {
    out->append(type == VariantType::kBooleanTrue || type == VariantType::kBooleanFalse
                    ? "boolean"
                    : VariantTypeName(type));
    out->push_back(':');
  }
  switch (type) {
    case VariantType::kNull: out->append("null"); return;
    case VariantType::kBooleanTrue: out->append("true"); return;
    case VariantType::kBooleanFalse: out->append("false"); return;
    case VariantType::kInt8:
    case VariantType::kInt16:
    case VariantType::kInt32:
    case VariantType::kInt64: AppendSigned(v.integer(), out); return;
    case VariantType::kFloat: AppendShortest(v.float32(), true, out); return;
    case VariantType::kDouble: AppendShortest(v.float64(), true, out); return;
    case VariantType::kDecimal4:
    case VariantType::kDecimal8:
    case VariantType::kDecimal16: {
      // The scale shows: 1.50 and 1.5 are different encodings of one number.
      uint8_t bytes[16];
      DecimalFromInt128(v.decimal_unscaled(), 16, bytes);
      const std::string text = DecimalToString(bytes, 16, v.decimal_scale());
      if (typed) out->append(text); else quoted(text);
      return;
    }
    case VariantType::kDate: quoted(FormatDate(v.integer())); return;
    case VariantType::kTimestampMicros:
      quoted(FormatTimestamp(v.integer(), TimeUnit::kMicro) + "Z");
      return;
    case VariantType::kTimestampNtzMicros:
      quoted(FormatTimestamp(v.integer(), TimeUnit::kMicro));
      return;
    case VariantType::kTimestampNanos:
      quoted(FormatTimestamp(v.integer(), TimeUnit::kNano) + "Z");
      return;
    case VariantType::kTimestampNtzNanos:
      quoted(FormatTimestamp(v.integer(), TimeUnit::kNano));
      return;
    case VariantType::kTimeNtzMicros: quoted(FormatTimeOfDay(v.integer(), TimeUnit::kMicro)); return;
    case VariantType::kString: AppendJsonString(v.bytes_value(), out); return;
    case VariantType::kBinary: AppendHex(v.bytes_value(), out); return;
    case VariantType::kUuid: AppendUuid(v.bytes_value(), out); return;
    case VariantType::kArray:
    case VariantType::kObject: {
      const bool object = type == VariantType::kObject;
      out->push_back(object ? '{' : '[');
      for (uint32_t i = 0; i < v.num_elements(); ++i) {
        if (i > 0) out->push_back(',');
        if (object) {
          AppendJsonString(v.field_name(i), out);
          out->push_back(':');
        }
        AppendVariant(v.element(i), typed, out);
      }
      out->push_back(object ? '}' : ']');
      return;
    }
  }
  out->append("null");
}

}  // namespace

void AppendVariantJson(const VariantValue& value, std::string* out) {
  AppendVariant(value, /*typed=*/false, out);
}

std::string VariantDebugString(const VariantValue& value) {
  std::string out;
  AppendVariant(value, /*typed=*/true, &out);
  return out;
}

std::string JsonValue(const Array& array, int64_t i, const Field* field) {
  std::string out;
  AppendJsonValue(array, i, &out, field);
  return out;
}

std::string RowsToJson(const RecordBatch& batch) {
  std::string out;
  AppendRows(*batch.schema(), batch.num_rows(), BatchCells(batch), "", "", &out);
  return out;
}

std::string RowsToJson(const Table& table) {
  std::string out;
  AppendRows(*table.schema(), table.num_rows(), TableCells(table), "", "", &out);
  return out;
}

std::string ToCanonicalJson(const Table& table) {
  return CanonicalDocument(*table.schema(), table.num_rows(), TableCells(table));
}

std::string ToCanonicalJson(const RecordBatch& batch) {
  return CanonicalDocument(*batch.schema(), batch.num_rows(), BatchCells(batch));
}

}  // namespace quire::columnar
