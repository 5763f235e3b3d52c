/// \file quire/columnar/pretty_print.cc
#include "quire/columnar/pretty_print.h"
#include "quire/columnar/array_internal.h"

#include <algorithm>

#include <fmt/format.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"
#include "quire/util/float16.h"

namespace quire::columnar {

namespace {

std::string Hex(std::string_view bytes) {
  std::string out = "0x";
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

template <typename OffsetT>
std::string FormatList(const Array& a, int64_t i) {
  ListView<OffsetT> v(a);
  std::string out = "[";
  for (int64_t k = 0; k < v.value_length(i); ++k) {
    if (k) out += ", ";
    out += FormatValue(v.values(), v.value_offset(i) + k);
  }
  return out + "]";
}

int64_t DisplayWidth(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Fit(std::string s, int width) {
  if (DisplayWidth(s) <= width) return s;
  // Cut at a code point boundary, leaving room for "...".
  int64_t kept = 0;
  size_t cut = 0;
  while (cut < s.size() && kept < width - 3) {
    ++cut;
    while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
    ++kept;
  }
  return s.substr(0, cut) + "...";
}

}  // namespace

std::string FormatValue(const Array& a, int64_t i) {
  if (a.IsNull(i)) return "null";
  const DataType& t = *a.type();
  const int64_t k = a.offset() + i;
  const uint8_t* values = a.buffer(1) ? a.buffer(1)->data() : nullptr;
  switch (t.id()) {
    case TypeId::kNull: return "null";
    case TypeId::kBool: return util::GetBit(values, k) ? "true" : "false";
    case TypeId::kInt8: return fmt::format("{}", a.values<int8_t>()[i]);
    case TypeId::kInt16: return fmt::format("{}", a.values<int16_t>()[i]);
    case TypeId::kInt32: return fmt::format("{}", a.values<int32_t>()[i]);
    case TypeId::kInt64: return fmt::format("{}", a.values<int64_t>()[i]);
    case TypeId::kUInt8: return fmt::format("{}", a.values<uint8_t>()[i]);
    case TypeId::kUInt16: return fmt::format("{}", a.values<uint16_t>()[i]);
    case TypeId::kUInt32: return fmt::format("{}", a.values<uint32_t>()[i]);
    case TypeId::kUInt64: return fmt::format("{}", a.values<uint64_t>()[i]);
    case TypeId::kFloat16: return fmt::format("{}", util::HalfToFloat(a.values<uint16_t>()[i]));
    case TypeId::kFloat32: return fmt::format("{}", a.values<float>()[i]);
    case TypeId::kFloat64: return fmt::format("{}", a.values<double>()[i]);
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
      return DecimalToString(values + k * t.byte_width(), t.byte_width(), t.scale());
    case TypeId::kDate32: return FormatDate(a.values<int32_t>()[i]);
    case TypeId::kDate64: return FormatDate(FloorDiv(a.values<int64_t>()[i], 86400000));
    case TypeId::kTime32: return FormatTimeOfDay(a.values<int32_t>()[i], t.unit());
    case TypeId::kTime64: return FormatTimeOfDay(a.values<int64_t>()[i], t.unit());
    case TypeId::kTimestamp: {
      std::string s = FormatTimestamp(a.values<int64_t>()[i], t.unit());
      if (t.timezone() == "UTC" || t.timezone() == "+00:00" || t.timezone() == "Z") return s + "Z";
      return t.timezone().empty() ? s : s + " " + t.timezone();
    }
    case TypeId::kDuration:
      return fmt::format("{}{}", a.values<int64_t>()[i], TimeUnitName(t.unit()));
    case TypeId::kIntervalMonthDayNano: {
      const auto& v = a.values<MonthDayNano>()[i];
      return fmt::format("{}M{}d{}ns", v.months, v.days, v.nanoseconds);
    }
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kStringView: return std::string(GetBytes(a, i));
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kBinaryView:
    case TypeId::kFixedSizeBinary: return Hex(GetBytes(a, i));
    case TypeId::kList: return FormatList<int32_t>(a, i);
    case TypeId::kLargeList: return FormatList<int64_t>(a, i);
    case TypeId::kFixedSizeList: {
      const int64_t n = t.list_size();
      std::string out = "[";
      for (int64_t e = 0; e < n; ++e) {
        if (e) out += ", ";
        out += FormatValue(*a.child(0), k * n + e);
      }
      return out + "]";
    }
    case TypeId::kStruct: {
      std::string out = "{";
      for (int c = 0; c < a.num_children(); ++c) {
        if (c) out += ", ";
        out += t.field(c)->name() + ": " + FormatValue(*a.child(c), k);
      }
      return out + "}";
    }
    case TypeId::kMap: {
      ListView<int32_t> v(a);
      const Array& entries = v.values();
      std::string out = "{";
      for (int64_t e = 0; e < v.value_length(i); ++e) {
        if (e) out += ", ";
        const int64_t at = entries.offset() + v.value_offset(i) + e;
        out += FormatValue(*entries.child(0), at) + ": " + FormatValue(*entries.child(1), at);
      }
      return out + "}";
    }
    case TypeId::kDictionary:
      return FormatValue(*a.dictionary(), internal::DictionaryIndex(a, i));
  }
  return "?";
}

std::string PrettyPrint(const Array& array, int64_t max_values) {
  std::string out = "[";
  const int64_t n = array.length();
  for (int64_t i = 0; i < n; ++i) {
    if (max_values > 0 && n > max_values && i == max_values / 2) {
      out += fmt::format("... {} values ..., ", n - max_values);
      i = n - max_values / 2 - 1;
      continue;
    }
    if (i) out += ", ";
    out += FormatValue(array, i);
  }
  return out + "]";
}

std::string Array::ToString() const { return PrettyPrint(*this); }

std::string PrettyPrint(const Table& table, const PrettyPrintOptions& options) {
  const int ncols = table.num_columns();
  const int64_t nrows = table.num_rows();
  // Rows to show: all, or the first and last halves with a gap marker between.
  std::vector<int64_t> rows;
  const bool cut = options.max_rows >= 0 && nrows > options.max_rows;
  const int64_t head = cut ? (options.max_rows + 1) / 2 : nrows;
  const int64_t tail = cut ? options.max_rows / 2 : 0;
  for (int64_t r = 0; r < head; ++r) rows.push_back(r);
  if (cut) rows.push_back(-1);
  for (int64_t r = nrows - tail; r < nrows; ++r) rows.push_back(r);

  std::vector<std::vector<std::string>> cells(static_cast<size_t>(ncols));
  std::vector<int64_t> width(static_cast<size_t>(ncols), 0);
  for (int c = 0; c < ncols; ++c) {
    const auto& chunked = *table.column(c);
    const auto& f = *table.schema()->field(c);
    auto& col = cells[size_t(c)];
    col.push_back(Fit(f.name(), options.max_cell_width));
    if (options.show_types) col.push_back(Fit(f.type()->ToString(), options.max_cell_width));
    // Locate each row's chunk by walking the chunk boundaries.
    size_t chunk = 0;
    int64_t base = 0;
    for (int64_t r : rows) {
      if (r < 0) {
        col.push_back("...");
        continue;
      }
      while (r >= base + chunked.chunks()[chunk]->length()) {
        base += chunked.chunks()[chunk]->length();
        ++chunk;
      }
      col.push_back(Fit(FormatValue(*chunked.chunks()[chunk], r - base), options.max_cell_width));
    }
    for (const auto& s : col) width[size_t(c)] = std::max(width[size_t(c)], DisplayWidth(s));
  }
  std::string out;
  auto emit_row = [&](size_t line) {
    for (int c = 0; c < ncols; ++c) {
      const std::string& s = cells[size_t(c)][line];
      out += c ? " | " : "";
      out += s;
      if (c + 1 < ncols) out.append(size_t(width[size_t(c)] - DisplayWidth(s)), ' ');
    }
    out += "\n";
  };
  const size_t header_lines = options.show_types ? 2 : 1;
  for (size_t l = 0; l < header_lines; ++l) emit_row(l);
  for (int c = 0; c < ncols; ++c) {
    out += c ? "-+-" : "";
    out.append(size_t(width[size_t(c)]), '-');
  }
  out += "\n";
  for (size_t l = 0; l < rows.size(); ++l) emit_row(header_lines + l);
  out += fmt::format("({} row{})\n", nrows, nrows == 1 ? "" : "s");
  return out;
}

std::string PrettyPrint(const RecordBatch& batch, const PrettyPrintOptions& options) {
  std::vector<ChunkedArrayPtr> columns;
  for (const auto& c : batch.columns()) {
    columns.push_back(std::make_shared<const ChunkedArray>(c->type(), ArrayVector{c}));
  }
  return PrettyPrint(Table(batch.schema(), std::move(columns), batch.num_rows()), options);
}

}  // namespace quire::columnar
