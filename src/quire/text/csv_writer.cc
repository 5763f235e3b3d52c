/// \file quire/text/csv_writer.cc
#include "quire/text/csv_writer.h"

#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "quire/columnar/array.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/json.h"
#include "quire/columnar/temporal.h"
#include "quire/io/output_stream.h"
#include "quire/text/column_cursor_internal.h"
#include "quire/util/float16.h"
#include "quire/util/macros.h"

namespace quire::text {

namespace {

using columnar::Array;
using columnar::TypeId;

template <typename T>
void AppendInteger(T value, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, size_t(end - buf));
}

template <typename T>
T Value(const Array& array, int64_t i) {
  return columnar::PrimitiveView<T>(array).Value(i);
}

// Whether `s` needs quotes to read back as the same string.
bool NeedsQuotes(std::string_view s, char delimiter, char quote) {
  if (s.size() <= 4) {
    if (s.empty() || s == "NULL" || s == "null") return true;
  }
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") return true;  // would read as a BOM
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i vd = _mm_set1_epi8(delimiter), vq = _mm_set1_epi8(quote);
  const __m128i vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vq)),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, vn), _mm_cmpeq_epi8(x, vr)));
    if (_mm_movemask_epi8(hit) != 0) return true;
  }
#endif
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == delimiter || c == quote || c == '\n' || c == '\r') return true;
  }
  return false;
}

void AppendQuoted(std::string_view s, char quote, std::string* out) {
  out->push_back(quote);
  size_t start = 0;
  while (true) {
    const size_t q = s.find(quote, start);
    if (q == std::string_view::npos) {
      out->append(s.substr(start));
      break;
    }
    out->append(s.substr(start, q + 1 - start));
    out->push_back(quote);
    start = q + 1;
  }
  out->push_back(quote);
}

// Whether values of `type` can contain characters that need quoting.
bool MayNeedQuotes(const columnar::DataType& type) {
  switch (type.id()) {
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kFloat16:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
    case TypeId::kDate32:
    case TypeId::kDate64:
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
    case TypeId::kDuration:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kBinaryView:
    case TypeId::kFixedSizeBinary: return false;
    default: return true;
  }
}

}  // namespace

void AppendCsvValue(const Array& array, int64_t i, std::string* out) {
  const auto& type = *array.type();
  switch (type.id()) {
    case TypeId::kBool:
      out->append(columnar::BoolView(array).Value(i) ? "true" : "false");
      return;
    case TypeId::kInt8: return AppendInteger(Value<int8_t>(array, i), out);
    case TypeId::kInt16: return AppendInteger(Value<int16_t>(array, i), out);
    case TypeId::kInt32: return AppendInteger(Value<int32_t>(array, i), out);
    case TypeId::kInt64: return AppendInteger(Value<int64_t>(array, i), out);
    case TypeId::kUInt8: return AppendInteger(Value<uint8_t>(array, i), out);
    case TypeId::kUInt16: return AppendInteger(Value<uint16_t>(array, i), out);
    case TypeId::kUInt32: return AppendInteger(Value<uint32_t>(array, i), out);
    case TypeId::kUInt64: return AppendInteger(Value<uint64_t>(array, i), out);
    case TypeId::kDuration: return AppendInteger(Value<int64_t>(array, i), out);
    case TypeId::kFloat16:
      out->append(columnar::FormatFloatShortest(util::HalfToFloat(Value<uint16_t>(array, i))));
      return;
    case TypeId::kFloat32:
      out->append(columnar::FormatFloatShortest(Value<float>(array, i)));
      return;
    case TypeId::kFloat64:
      out->append(columnar::FormatDoubleShortest(Value<double>(array, i)));
      return;
    case TypeId::kDecimal128:
    case TypeId::kDecimal256:
      out->append(columnar::DecimalToString(
          array.buffer(1)->data() + (array.offset() + i) * type.byte_width(), type.byte_width(),
          type.scale()));
      return;
    case TypeId::kDate32: out->append(columnar::FormatDate(Value<int32_t>(array, i))); return;
    case TypeId::kTimestamp:
      out->append(columnar::FormatTimestamp(Value<int64_t>(array, i), type.unit()));
      if (!type.timezone().empty()) out->push_back('Z');
      return;
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kStringView: out->append(columnar::GetBytes(array, i)); return;
    case TypeId::kDictionary: {
      const auto& dict = *array.dictionary();
      int64_t index = 0;
      switch (type.index_type()->id()) {
        case TypeId::kInt8: index = Value<int8_t>(array, i); break;
        case TypeId::kInt16: index = Value<int16_t>(array, i); break;
        case TypeId::kInt32: index = Value<int32_t>(array, i); break;
        case TypeId::kInt64: index = Value<int64_t>(array, i); break;
        case TypeId::kUInt8: index = Value<uint8_t>(array, i); break;
        case TypeId::kUInt16: index = Value<uint16_t>(array, i); break;
        case TypeId::kUInt32: index = Value<uint32_t>(array, i); break;
        case TypeId::kUInt64: index = int64_t(Value<uint64_t>(array, i)); break;
        default: break;
      }
      if (dict.IsNull(index)) return;
      return AppendCsvValue(dict, index, out);
    }
    default: break;
  }
  // The rest take their canonical JSON: scalars rendered as JSON strings (dates,
  // times, binary hex) lose their quotes; nested values keep their JSON text.
  const size_t at = out->size();
  columnar::AppendJsonValue(array, i, out);
  if (!type.is_nested() && type.id() != TypeId::kIntervalMonthDayNano &&
      out->size() - at >= 2 && (*out)[at] == '"' && out->back() == '"') {
    out->pop_back();
    out->erase(at, 1);
  }
}

CsvWriter::CsvWriter(columnar::SchemaPtr schema, io::OutputStream* sink,
                     CsvWriteOptions options)
    : schema_(std::move(schema)), sink_(sink), options_(options) {}

CsvWriter::~CsvWriter() = default;

Result<std::unique_ptr<CsvWriter>> CsvWriter::Make(columnar::SchemaPtr schema,
                                                   io::OutputStream* sink,
                                                   CsvWriteOptions options) {
  if (options.delimiter == options.quote || options.delimiter == '\n' ||
      options.delimiter == '\r' || options.quote == '\n' || options.quote == '\r') {
    return Status::Invalid("the CSV delimiter and quote must differ and not be line ends");
  }
  if (!schema || !sink) return Status::Invalid("CsvWriter needs a schema and a sink");
  if (options.buffer_size <= 0) options.buffer_size = 1 << 20;
  std::unique_ptr<CsvWriter> writer(new CsvWriter(std::move(schema), sink, options));
  writer->buffer_.reserve(size_t(options.buffer_size) + 4096);
  if (options.header && writer->schema_->num_fields() > 0) {
    std::string& out = writer->buffer_;
    for (int c = 0; c < writer->schema_->num_fields(); ++c) {
      if (c) out.push_back(options.delimiter);
      const std::string& name = writer->schema_->field(c)->name();
      if (NeedsQuotes(name, options.delimiter, options.quote) && !name.empty()) {
        AppendQuoted(name, options.quote, &out);
      } else {
        out += name;
      }
    }
    out.push_back('\n');
  }
  return writer;
}

Status CsvWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  QUIRE_RETURN_NOT_OK(sink_->Write(std::string_view(buffer_)));
  buffer_.clear();
  return Status::OK();
}

Status CsvWriter::Write(const columnar::RecordBatch& batch) {
  if (closed_) return Status::Invalid("{}: write after Close()", sink_->path());
  if (!batch.schema()->Equals(*schema_)) {
    return Status::Invalid("{}: batch schema\n{}\ndiffers from the writer's\n{}", sink_->path(),
                           batch.schema()->ToString(), schema_->ToString());
  }
  const int ncols = batch.num_columns();
  std::vector<internal::ColumnCursor> cols;
  std::vector<bool> may_quote;
  for (int c = 0; c < ncols; ++c) {
    cols.push_back(internal::ColumnCursor::Make(*batch.column(c)));
    may_quote.push_back(MayNeedQuotes(*batch.column(c)->type()));
  }
  const char delimiter = options_.delimiter;
  const char quote = options_.quote;
  char tmp[internal::kMaxScalarText];
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    for (int c = 0; c < ncols; ++c) {
      if (c) buffer_.push_back(delimiter);
      const internal::ColumnCursor& col = cols[size_t(c)];
      if (col.IsNull(r)) continue;
      switch (col.render) {
        case internal::Render::kString:
        case internal::Render::kLargeString: {
          const std::string_view v = col.StringValue(r);
          if (NeedsQuotes(v, delimiter, quote)) {
            AppendQuoted(v, quote, &buffer_);
          } else {
            buffer_.append(v);
          }
          break;
        }
        case internal::Render::kOther:
          if (!may_quote[size_t(c)]) {
            AppendCsvValue(*col.array, r, &buffer_);
            break;
          }
          cell_.clear();
          AppendCsvValue(*col.array, r, &cell_);
          if (NeedsQuotes(cell_, delimiter, quote)) {
            AppendQuoted(cell_, quote, &buffer_);
          } else {
            buffer_ += cell_;
          }
          break;
        default:
          buffer_.append(tmp, size_t(col.WriteScalar(tmp, r) - tmp));
          break;
      }
    }
    // A null in a one-column file is a blank line, which CsvReader reads as null.
    buffer_.push_back('\n');
    if (int64_t(buffer_.size()) >= options_.buffer_size) QUIRE_RETURN_NOT_OK(Flush());
  }
  rows_ += batch.num_rows();
  return Status::OK();
}

Status CsvWriter::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  return Flush();
}

}  // namespace quire::text
