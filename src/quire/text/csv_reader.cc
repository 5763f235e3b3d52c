/// \file quire/text/csv_reader.cc
///
/// How a block becomes batches:
/// 1. Impl reads `block_size` bytes after the carried-over partial record and cuts
///    the buffer after its last complete record (quote parity, csv_scan_internal.h).
/// 2. That region is split into one chunk per thread, again at record boundaries,
///    and each chunk goes to a ChunkParser (on the pool, the first on the caller).
/// 3. A ChunkParser tokenizes a few thousand rows at a time into a column-major
///    table of field offsets (Tokenizer, 64-byte masks), then converts column by
///    column into Sinks: typed buffers that can roll back a mini-batch, so that
///    malformed rows can be cut out and the rows redone.
/// 4. Impl collects the chunks' batches in order, writes their rejects, and turns
///    the first malformed row into an error when there is no rejects stream.
#include "quire/text/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <atomic>
#include <future>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/decimal.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/text/csv_scan_internal.h"
#include "quire/text/value_parse_internal.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"
#include "quire/text/block_queue_internal.h"
#include "quire/util/utf8.h"

namespace quire::text {

namespace {

using columnar::ArrayPtr;
using columnar::BufferBuilder;
using columnar::BufferPtr;
using columnar::DataType;
using columnar::MemoryPool;
using columnar::SchemaPtr;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;
using internal::Kind;
using internal::Masks;
using internal::PrefixXor;
using internal::Scan64;

// How a column's text becomes values.
enum class Conv : uint8_t {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal128,
  kDecimal256,
  kDate32,
  kDate64,
  kTime32,
  kTime64,
  kTimestamp,
  kString,
  kLargeString,
  kBinary,
  kLargeBinary,
};

Result<Conv> ConvFor(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull: return Conv::kNull;
    case TypeId::kBool: return Conv::kBool;
    case TypeId::kInt8: return Conv::kInt8;
    case TypeId::kInt16: return Conv::kInt16;
    case TypeId::kInt32: return Conv::kInt32;
    case TypeId::kInt64: return Conv::kInt64;
    case TypeId::kUInt8: return Conv::kUInt8;
    case TypeId::kUInt16: return Conv::kUInt16;
    case TypeId::kUInt32: return Conv::kUInt32;
    case TypeId::kUInt64: return Conv::kUInt64;
    case TypeId::kFloat32: return Conv::kFloat32;
    case TypeId::kFloat64: return Conv::kFloat64;
    case TypeId::kDecimal128: return Conv::kDecimal128;
    case TypeId::kDecimal256: return Conv::kDecimal256;
    case TypeId::kDate32: return Conv::kDate32;
    case TypeId::kDate64: return Conv::kDate64;
    case TypeId::kTime32: return Conv::kTime32;
    case TypeId::kTime64: return Conv::kTime64;
    case TypeId::kTimestamp: return Conv::kTimestamp;
    case TypeId::kString: return Conv::kString;
    case TypeId::kLargeString: return Conv::kLargeString;
    case TypeId::kBinary: return Conv::kBinary;
    case TypeId::kLargeBinary: return Conv::kLargeBinary;
    default:
      return Status::Unsupported(
          "CSV columns of type {} are not supported (null, bool, integers, float, double, "
          "decimals, dates, times, timestamps, strings and binary are)",
          type.ToString());
  }
}

int ValueWidth(Conv conv) {
  switch (conv) {
    case Conv::kBool:
    case Conv::kInt8:
    case Conv::kUInt8: return 1;
    case Conv::kInt16:
    case Conv::kUInt16: return 2;
    case Conv::kInt32:
    case Conv::kUInt32:
    case Conv::kFloat32:
    case Conv::kDate32:
    case Conv::kTime32: return 4;
    case Conv::kDecimal128: return 16;
    case Conv::kDecimal256: return 32;
    case Conv::kNull:
    case Conv::kString:
    case Conv::kLargeString:
    case Conv::kBinary:
    case Conv::kLargeBinary: return 0;
    default: return 8;
  }
}

// One column of the file.
struct ColumnSpec {
  std::string name;
  TypePtr type;
  Conv conv;
  bool nullable = true;
  int out_index = 0;  // position in the output schema
};

// Unquoted field texts that read as null. Texts of up to 8 bytes compare as one
// masked 8-byte load (fields sit in buffers with kScanPadding bytes after them).
class NullMatcher {
 public:
  explicit NullMatcher(const std::vector<std::string>& values) {
    for (const auto& v : values) {
      if (v.empty()) {
        empty_is_null_ = true;
      } else if (v.size() < 64) {
        length_mask_ |= uint64_t(1) << v.size();
        if (v.size() <= 8 && num_short_ < kMaxShort) {
          uint64_t word = 0;
          std::memcpy(&word, v.data(), v.size());
          short_words_[num_short_] = word;
          short_lengths_[num_short_] = uint8_t(v.size());
          ++num_short_;
        } else {
          long_values_.push_back(v);
        }
      }
    }
  }
  bool IsNull(const char* s, size_t n) const {
    if (n == 0) return empty_is_null_;
    if (n >= 64 || ((length_mask_ >> n) & 1) == 0) return false;
    if (n <= 8) {
      uint64_t word;
      std::memcpy(&word, s, 8);
      const uint64_t mask = n == 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * n)) - 1;
      word &= mask;
      for (int i = 0; i < num_short_; ++i) {
        if (short_lengths_[i] == n && short_words_[i] == word) return true;
      }
    }
    for (const auto& v : long_values_) {
      if (v.size() == n && std::memcmp(v.data(), s, n) == 0) return true;
    }
    return false;
  }

 private:
  static constexpr int kMaxShort = 8;
  bool empty_is_null_ = false;
  uint64_t length_mask_ = 0;
  int num_short_ = 0;
  uint64_t short_words_[kMaxShort] = {};
  uint8_t short_lengths_[kMaxShort] = {};
  std::vector<std::string> long_values_;
};

// The unescaped content of a quoted field [s, s + n) (s[0] is the quote), or
// false for bad quoting: anything but a doubled quote inside, or text after the
// closing quote.
bool Unquote(const char* s, size_t n, char quote, std::string_view* out,
             std::string* scratch) {
  if (n < 2 || s[n - 1] != quote) return false;
  const char* inner = s + 1;
  const size_t m = n - 2;
  const void* q = std::memchr(inner, quote, m);
  if (q == nullptr) {
    *out = {inner, m};
    return true;
  }
  scratch->clear();
  size_t i = 0;
  while (i < m) {
    const char* next = static_cast<const char*>(std::memchr(inner + i, quote, m - i));
    if (next == nullptr) {
      scratch->append(inner + i, m - i);
      break;
    }
    const size_t at = size_t(next - inner);
    scratch->append(inner + i, at - i);
    if (at + 1 >= m || inner[at + 1] != quote) return false;
    scratch->push_back(quote);
    i = at + 2;
  }
  *out = *scratch;
  return true;
}

std::string Excerpt(std::string_view value) {
  constexpr size_t kMax = 80;
  std::string out(value.substr(0, kMax));
  if (value.size() > kMax) out += "...";
  return out;
}

// A malformed row found by the tokenizer or a converter.
struct RowIssue {
  size_t begin;  // record start, relative to the chunk
  size_t end;    // one past its line end
  std::string reason;
};

// A failed cell of a mini-batch.
struct CellError {
  int64_t row;
  int column;
  std::string reason;
};

// Field offsets of up to `capacity` rows, column-major: field (r, c) is
// fields[c * capacity + r], packed as begin | end << 32 (chunk-relative).
struct FieldTable {
  int64_t capacity = 0;
  int64_t rows = 0;
  std::vector<uint64_t> fields;
  std::vector<uint32_t> row_begin;
  std::vector<uint32_t> row_end;

  void Reset(int64_t cap, int ncols) {
    capacity = cap;
    rows = 0;
    fields.resize(size_t(cap) * size_t(std::max(ncols, 1)));
    row_begin.resize(size_t(cap));
    row_end.resize(size_t(cap));
  }
  const uint64_t* column(int c) const { return fields.data() + size_t(c) * size_t(capacity); }
  // Remove the rows flagged in `bad` (one byte per row), keeping the order.
  void RemoveRows(const std::vector<uint8_t>& bad, int ncols) {
    int64_t out = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (bad[size_t(r)]) continue;
      if (out != r) {
        for (int c = 0; c < ncols; ++c) {
          fields[size_t(c) * size_t(capacity) + size_t(out)] =
              fields[size_t(c) * size_t(capacity) + size_t(r)];
        }
        row_begin[size_t(out)] = row_begin[size_t(r)];
        row_end[size_t(out)] = row_end[size_t(r)];
      }
      ++out;
    }
    rows = out;
  }
};

inline uint64_t PackField(size_t begin, size_t end) {
  return uint64_t(begin) | (uint64_t(end) << 32);
}

// Splits records of a chunk into fields, a mini-batch at a time.
class Tokenizer {
 public:
  Tokenizer(char delimiter, char quote, int ncols)
      : delimiter_(delimiter), quote_(quote), ncols_(ncols) {}

  // Tokenize the records of [data + pos, data + end) (pos at a record start; a
  // final record may lack its line end) into `table` until it is full. Returns the
  // start of the first record not consumed. Malformed records go to `issues`;
  // with `stop_on_issue` the first one ends the call (it is consumed).
  size_t Run(const char* data, size_t pos, size_t end, FieldTable* table,
             std::vector<RowIssue>* issues, bool stop_on_issue) {
    const int ncols = ncols_;
    const int64_t cap = table->capacity;
    uint64_t* fields = table->fields.data();
    int64_t rows = table->rows;
    size_t row_begin = pos;
    size_t field_start = pos;
    int col = 0;
    uint64_t inside_carry = 0;
    size_t w = pos;
    while (w < end) {
      const Masks m = Scan64(data + w, delimiter_, quote_);
      const size_t avail = end - w;
      const uint64_t valid = avail >= 64 ? ~uint64_t(0) : (uint64_t(1) << avail) - 1;
      const uint64_t q = m.quote & valid;
      uint64_t inside = inside_carry;
      if (q != 0) {
        saw_quote_ = true;
        inside = PrefixXor(q) ^ inside_carry;
        inside_carry = uint64_t(int64_t(inside) >> 63);
      }
      const uint64_t nl = m.newline & valid & ~inside;
      uint64_t structural = (m.delimiter & valid & ~inside) | nl;
      while (structural != 0) {
        const int bit = __builtin_ctzll(structural);
        structural &= structural - 1;
        const size_t p = w + size_t(bit);
        if (((nl >> bit) & 1) == 0) {
          if (col < ncols) fields[size_t(col) * size_t(cap) + size_t(rows)] = PackField(field_start, p);
          ++col;
          field_start = p + 1;
          continue;
        }
        size_t fe = p;
        if (fe > field_start && data[fe - 1] == '\r') --fe;
        const bool ok = EndRow(row_begin, field_start, fe, p + 1, &col, fields, cap,
                               &rows, table, issues);
        row_begin = field_start = p + 1;
        if (rows == cap || (!ok && stop_on_issue)) {
          table->rows = rows;
          return p + 1;
        }
      }
      w += 64;
    }
    if (row_begin < end) {
      // The last record of the input, without a line end.
      if (inside_carry != 0) {
        issues->push_back({row_begin, end, "a quoted field is still open at the end of the input"});
      } else {
        size_t fe = end;
        if (fe > field_start && data[fe - 1] == '\r') --fe;
        EndRow(row_begin, field_start, fe, end, &col, fields, cap, &rows, table, issues);
      }
    }
    table->rows = rows;
    return end;
  }

  // Whether any chunk tokenized since the last reset held a quote character.
  bool saw_quote() const { return saw_quote_; }
  void ResetSawQuote() { saw_quote_ = false; }

 private:
  // Store the last field of a record and count the record; false if malformed.
  bool EndRow(size_t row_begin, size_t field_start, size_t field_end,
              size_t row_end, int* col, uint64_t* fields, int64_t cap, int64_t* rows,
              FieldTable* table, std::vector<RowIssue>* issues) {
    if (*col < ncols_) {
      fields[size_t(*col) * size_t(cap) + size_t(*rows)] = PackField(field_start, field_end);
    }
    const int found = *col + 1;
    *col = 0;
    if (found == ncols_) {
      table->row_begin[size_t(*rows)] = uint32_t(row_begin);
      table->row_end[size_t(*rows)] = uint32_t(row_end);
      ++*rows;
      return true;
    }
    if (found == 1 && field_end == row_begin) return true;  // blank line
    issues->push_back({row_begin, row_end,
                       fmt::format("expected {} fields, found {}", ncols_, found)});
    return false;
  }

  char delimiter_;
  char quote_;
  int ncols_;
  bool saw_quote_ = false;
};

// Typed column buffers of the batch being built; a mini-batch can be rolled back.
class Sink {
 public:
  struct Mark {
    int64_t length, nulls, valid, values, offsets, data;
  };

  Sink(const ColumnSpec* spec, MemoryPool* pool)
      : spec_(spec), pool_(pool), valid_(pool), values_(pool), offsets_(pool), data_(pool) {}

  const ColumnSpec& spec() const { return *spec_; }
  int64_t length() const { return length_; }
  Mark GetMark() const {
    return {length_, nulls_, valid_.length(), values_.length(), offsets_.length(),
            data_.length()};
  }
  void Rollback(const Mark& m) {
    length_ = m.length;
    nulls_ = m.nulls;
    valid_.Rewind(valid_.length() - m.valid);
    values_.Rewind(values_.length() - m.values);
    offsets_.Rewind(offsets_.length() - m.offsets);
    data_.Rewind(data_.length() - m.data);
  }

  Result<ArrayPtr> Finish();

  // Room for `rows` more one-byte validity flags and fixed-width values; returns
  // where they go.
  Status Prepare(int64_t rows) {
    if (valid_.capacity() == 0) {
      QUIRE_RETURN_NOT_OK(valid_.Reserve(last_rows_));
      QUIRE_RETURN_NOT_OK(values_.Reserve(last_values_));
      QUIRE_RETURN_NOT_OK(offsets_.Reserve(last_offsets_));
      QUIRE_RETURN_NOT_OK(data_.Reserve(last_data_));
    }
    QUIRE_RETURN_NOT_OK(valid_.Resize(valid_.length() + rows));
    const int width = ValueWidth(spec_->conv);
    if (width > 0) QUIRE_RETURN_NOT_OK(values_.Resize(values_.length() + rows * width));
    return Status::OK();
  }
  uint8_t* valid_at(int64_t row) { return valid_.mutable_data() + length_ + row; }
  template <typename T>
  T* values_at(int64_t row) {
    return reinterpret_cast<T*>(values_.mutable_data()) + length_ + row;
  }
  void Commit(int64_t rows, int64_t nulls) {
    length_ += rows;
    nulls_ += nulls;
  }
  BufferBuilder& offsets() { return offsets_; }
  BufferBuilder& data() { return data_; }

 private:
  const ColumnSpec* spec_;
  MemoryPool* pool_;
  BufferBuilder valid_;   // one byte per row, packed to bits by Finish()
  BufferBuilder values_;  // fixed-width values (bool: one byte per row)
  BufferBuilder offsets_;
  BufferBuilder data_;
  int64_t length_ = 0;
  int64_t nulls_ = 0;
  // Sizes of the last batch, reserved up front for the next one.
  int64_t last_rows_ = 0, last_values_ = 0, last_offsets_ = 0, last_data_ = 0;
};

Result<BufferPtr> PackBits(BufferBuilder& bytes, int64_t n, MemoryPool* pool) {
  BufferBuilder bits(pool);
  QUIRE_RETURN_NOT_OK(bits.Resize((n + 7) / 8));
  internal::PackBytesToBits(bytes.data(), n, bits.mutable_data());
  return bits.Finish();
}

Result<ArrayPtr> Sink::Finish() {
  const int64_t n = length_;
  const int64_t nulls = nulls_;
  MemoryPool* pool = pool_;
  last_rows_ = valid_.length();
  last_values_ = values_.length();
  last_offsets_ = offsets_.length();
  last_data_ = data_.length();
  length_ = 0;
  nulls_ = 0;
  if (spec_->conv == Conv::kNull) {
    valid_.Reset();
    return columnar::MakeArrayOfNulls(columnar::null(), n, pool);
  }
  BufferPtr validity;
  if (nulls > 0) {
    QUIRE_ASSIGN_OR_RETURN(validity, PackBits(valid_, n, pool));
  }
  valid_.Reset();
  switch (spec_->conv) {
    case Conv::kBool: {
      QUIRE_ASSIGN_OR_RETURN(BufferPtr bits, PackBits(values_, n, pool));
      values_.Reset();
      return columnar::Array::Make(spec_->type, n, {std::move(validity), std::move(bits)}, {},
                                   nullptr, nulls);
    }
    case Conv::kString:
    case Conv::kLargeString:
    case Conv::kBinary:
    case Conv::kLargeBinary: {
      const bool large = spec_->conv == Conv::kLargeString || spec_->conv == Conv::kLargeBinary;
      if (offsets_.length() == 0) {
        QUIRE_RETURN_NOT_OK(large ? offsets_.AppendValue(int64_t{0})
                                  : offsets_.AppendValue(int32_t{0}));
      }
      QUIRE_ASSIGN_OR_RETURN(BufferPtr offsets, offsets_.Finish());
      QUIRE_ASSIGN_OR_RETURN(BufferPtr data, data_.Finish());
      return columnar::Array::Make(spec_->type, n,
                                   {std::move(validity), std::move(offsets), std::move(data)},
                                   {}, nullptr, nulls);
    }
    default: {
      QUIRE_ASSIGN_OR_RETURN(BufferPtr values, values_.Finish());
      return columnar::Array::Make(spec_->type, n, {std::move(validity), std::move(values)},
                                   {}, nullptr, nulls);
    }
  }
}

// Everything a converter needs besides the sink.
struct ConvertContext {
  const char* data;  // chunk start
  const uint64_t* fields;
  int64_t rows;
  int column;
  const NullMatcher* nulls;
  char quote;
  bool chunk_has_quotes;
  std::string* scratch;
  std::vector<CellError>* errors;
};

std::string_view FieldText(const ConvertContext& cx, int64_t r) {
  const uint64_t f = cx.fields[r];
  const uint32_t b = uint32_t(f);
  const uint32_t e = uint32_t(f >> 32);
  return {cx.data + b, size_t(e - b)};
}

void AddError(const ConvertContext& cx, int64_t r, std::string reason) {
  cx.errors->push_back({r, cx.column, std::move(reason)});
}

std::string NotFit(const ColumnSpec& spec, std::string_view value) {
  return fmt::format("'{}' does not fit {}", Excerpt(value), spec.type->ToString());
}

// Convert fixed-width values with `parse(const char*, size_t, T*) -> bool`.
template <typename T, typename Parse>
Status ConvertFixed(const ConvertContext& cx, Sink* sink, Parse parse) {
  QUIRE_RETURN_NOT_OK(sink->Prepare(cx.rows));
  uint8_t* valid = sink->valid_at(0);
  T* out = sink->values_at<T>(0);
  const char quote = cx.quote;
  const NullMatcher& nulls = *cx.nulls;
  const ColumnSpec& spec = sink->spec();
  int64_t null_count = 0;
  for (int64_t r = 0; r < cx.rows; ++r) {
    const uint64_t f = cx.fields[r];
    const char* s = cx.data + uint32_t(f);
    const size_t n = size_t(uint32_t(f >> 32) - uint32_t(f));
    if (QUIRE_PREDICT_FALSE(nulls.IsNull(s, n))) {
      valid[r] = 0;
      out[r] = T{};
      ++null_count;
      if (!spec.nullable) AddError(cx, r, "null in a non-nullable column");
      continue;
    }
    std::string_view v(s, n);
    if (QUIRE_PREDICT_FALSE(n > 0 && s[0] == quote)) {
      if (!Unquote(s, n, quote, &v, cx.scratch)) {
        AddError(cx, r, "bad quoting: text after the closing quote");
        valid[r] = 0;
        out[r] = T{};
        ++null_count;
        continue;
      }
    }
    if (QUIRE_PREDICT_TRUE(parse(v.data(), v.size(), &out[r]))) {
      valid[r] = 1;
    } else {
      AddError(cx, r, NotFit(spec, v));
      valid[r] = 0;
      out[r] = T{};
      ++null_count;
    }
  }
  sink->Commit(cx.rows, null_count);
  return Status::OK();
}

template <typename OffsetT>
Status ConvertBinary(const ConvertContext& cx, Sink* sink, bool utf8) {
  QUIRE_RETURN_NOT_OK(sink->Prepare(cx.rows));
  const ColumnSpec& spec = sink->spec();
  BufferBuilder& offsets = sink->offsets();
  BufferBuilder& data = sink->data();
  int64_t bytes = 0;
  for (int64_t r = 0; r < cx.rows; ++r) {
    const uint64_t f = cx.fields[r];
    bytes += int64_t(uint32_t(f >> 32) - uint32_t(f));
  }
  const int64_t data_start = data.length();
  if constexpr (sizeof(OffsetT) == 4) {
    if (data_start + bytes > std::numeric_limits<int32_t>::max()) {
      return Status::ResourceExhausted(
          "column '{}': more than 2 GiB of {} data in one batch; use a smaller batch_rows "
          "or large_string",
          spec.name, spec.type->ToString());
    }
  }
  if (offsets.length() == 0) QUIRE_RETURN_NOT_OK(offsets.AppendValue(OffsetT{0}));
  QUIRE_RETURN_NOT_OK(offsets.Reserve(cx.rows * int64_t(sizeof(OffsetT))));
  // 16 bytes of slack: short unquoted fields are copied as one 16-byte move.
  QUIRE_RETURN_NOT_OK(data.Reserve(bytes + 16));
  uint8_t* valid = sink->valid_at(0);
  OffsetT* off = reinterpret_cast<OffsetT*>(offsets.mutable_data() + offsets.length());
  char* base = reinterpret_cast<char*>(data.mutable_data());
  int64_t pos = data_start;
  const char quote = cx.quote;
  const NullMatcher& nulls = *cx.nulls;
  int64_t null_count = 0;
  for (int64_t r = 0; r < cx.rows; ++r) {
    const uint64_t f = cx.fields[r];
    const char* s = cx.data + uint32_t(f);
    const size_t n = size_t(uint32_t(f >> 32) - uint32_t(f));
    if (n > 0 && s[0] == quote) {
      std::string_view v;
      if (Unquote(s, n, quote, &v, cx.scratch)) {
        std::memcpy(base + pos, v.data(), v.size());
        pos += int64_t(v.size());
        valid[r] = 1;
      } else {
        AddError(cx, r, "bad quoting: text after the closing quote");
        valid[r] = 0;
        ++null_count;
      }
    } else if (nulls.IsNull(s, n)) {
      valid[r] = 0;
      ++null_count;
      if (!spec.nullable) AddError(cx, r, "null in a non-nullable column");
    } else {
      if (cx.chunk_has_quotes && std::memchr(s, quote, n) != nullptr) {
        AddError(cx, r, fmt::format("bad quoting: a quote inside the unquoted field '{}'",
                                    Excerpt({s, n})));
      }
      // The input buffer has kScanPadding readable bytes after the data.
      if (n <= 16) {
        std::memcpy(base + pos, s, 16);
      } else {
        std::memcpy(base + pos, s, n);
      }
      pos += int64_t(n);
      valid[r] = 1;
    }
    off[r] = OffsetT(pos);
  }
  offsets.UnsafeAdvance(cx.rows * int64_t(sizeof(OffsetT)));
  data.UnsafeAdvance(pos - data_start);
  // One check of the whole batch's bytes, unless it fails or a multi-byte sequence
  // straddles two values (valid together, invalid apart: a row boundary that holds
  // a continuation byte); then value by value.
  bool per_value = false;
  if (utf8) {
    per_value = !util::IsValidUtf8(data.data() + data_start, pos - data_start);
    for (int64_t r = 0; r + 1 < cx.rows && !per_value; ++r) {
      const int64_t at = int64_t(off[r]);
      per_value = at < pos && (data.data()[at] & 0xC0) == 0x80;
    }
  }
  if (per_value) {
    // Find the rows at fault (rare).
    OffsetT prev = OffsetT(data_start);
    for (int64_t r = 0; r < cx.rows; ++r) {
      if (!util::IsValidUtf8(data.data() + prev, int64_t(off[r] - prev))) {
        AddError(cx, r, "invalid UTF-8");
      }
      prev = off[r];
    }
  }
  sink->Commit(cx.rows, null_count);
  return Status::OK();
}

template <typename T>
auto IntParser() {
  return [](const char* s, size_t n, T* out) {
    int64_t v;
    if (!internal::ParseInt64(s, n, &v)) return false;
    if (v < int64_t(std::numeric_limits<T>::min()) || v > int64_t(std::numeric_limits<T>::max())) {
      return false;
    }
    *out = T(v);
    return true;
  };
}

template <typename T>
auto UIntParser() {
  return [](const char* s, size_t n, T* out) {
    uint64_t v;
    if (!internal::ParseUInt64(s, n, &v) || v > uint64_t(std::numeric_limits<T>::max())) {
      return false;
    }
    *out = T(v);
    return true;
  };
}

struct Dec128 {
  uint8_t bytes[16];
};
struct Dec256 {
  uint8_t bytes[32];
};

Status Convert(const ConvertContext& cx, Sink* sink) {
  const ColumnSpec& spec = sink->spec();
  switch (spec.conv) {
    case Conv::kNull: {
      QUIRE_RETURN_NOT_OK(sink->Prepare(cx.rows));
      for (int64_t r = 0; r < cx.rows; ++r) {
        const std::string_view v = FieldText(cx, r);
        if ((!v.empty() && v[0] == cx.quote) || !cx.nulls->IsNull(v.data(), v.size())) {
          AddError(cx, r, NotFit(spec, v));
        }
      }
      sink->Commit(cx.rows, cx.rows);
      return Status::OK();
    }
    case Conv::kBool:
      return ConvertFixed<uint8_t>(cx, sink, [](const char* s, size_t n, uint8_t* out) {
        bool b;
        if (internal::ParseBoolWord(s, n, &b)) {
          *out = b;
          return true;
        }
        if (n == 1 && (s[0] == '0' || s[0] == '1')) {
          *out = s[0] == '1';
          return true;
        }
        return false;
      });
    case Conv::kInt8: return ConvertFixed<int8_t>(cx, sink, IntParser<int8_t>());
    case Conv::kInt16: return ConvertFixed<int16_t>(cx, sink, IntParser<int16_t>());
    case Conv::kInt32: return ConvertFixed<int32_t>(cx, sink, IntParser<int32_t>());
    case Conv::kInt64:
      return ConvertFixed<int64_t>(cx, sink, [](const char* s, size_t n, int64_t* out) {
        return internal::ParseInt64(s, n, out);
      });
    case Conv::kUInt8: return ConvertFixed<uint8_t>(cx, sink, UIntParser<uint8_t>());
    case Conv::kUInt16: return ConvertFixed<uint16_t>(cx, sink, UIntParser<uint16_t>());
    case Conv::kUInt32: return ConvertFixed<uint32_t>(cx, sink, UIntParser<uint32_t>());
    case Conv::kUInt64: return ConvertFixed<uint64_t>(cx, sink, UIntParser<uint64_t>());
    case Conv::kFloat32:
      return ConvertFixed<float>(cx, sink, [](const char* s, size_t n, float* out) {
        return internal::ParseFloat(s, n, out);
      });
    case Conv::kFloat64:
      return ConvertFixed<double>(cx, sink, [](const char* s, size_t n, double* out) {
        return internal::ParseFloat(s, n, out);
      });
    case Conv::kDecimal128: {
      const int precision = spec.type->precision();
      const int scale = spec.type->scale();
      return ConvertFixed<Dec128>(cx, sink, [=](const char* s, size_t n, Dec128* out) {
        __int128 v;
        if (!internal::ParseDecimal128(s, n, precision, scale, &v)) return false;
        // Two 8-byte stores: one 16-byte copy of a value built in two halves
        // stalls on store forwarding.
        const uint64_t lo = uint64_t(v), hi = uint64_t(v >> 64);
        std::memcpy(out->bytes, &lo, 8);
        std::memcpy(out->bytes + 8, &hi, 8);
        return true;
      });
    }
    case Conv::kDecimal256: {
      const int precision = spec.type->precision();
      const int scale = spec.type->scale();
      return ConvertFixed<Dec256>(cx, sink, [=](const char* s, size_t n, Dec256* out) {
        // Beyond 38 digits: the general parser of columnar (no exponent either).
        return columnar::DecimalFromString({s, n}, precision, scale, 32, out->bytes).ok();
      });
    }
    case Conv::kDate32:
      return ConvertFixed<int32_t>(cx, sink, [](const char* s, size_t n, int32_t* out) {
        int64_t days;
        if (!internal::ParseDate(s, n, &days)) return false;
        *out = int32_t(days);
        return true;
      });
    case Conv::kDate64:
      return ConvertFixed<int64_t>(cx, sink, [](const char* s, size_t n, int64_t* out) {
        int64_t days;
        if (!internal::ParseDate(s, n, &days)) return false;
        *out = days * 86400000;
        return true;
      });
    case Conv::kTime32: {
      const TimeUnit unit = spec.type->unit();
      return ConvertFixed<int32_t>(cx, sink, [=](const char* s, size_t n, int32_t* out) {
        int64_t t;
        if (!internal::ParseTimeOfDay(s, n, unit, &t)) return false;
        *out = int32_t(t);
        return true;
      });
    }
    case Conv::kTime64: {
      const TimeUnit unit = spec.type->unit();
      return ConvertFixed<int64_t>(cx, sink, [=](const char* s, size_t n, int64_t* out) {
        return internal::ParseTimeOfDay(s, n, unit, out);
      });
    }
    case Conv::kTimestamp: {
      const TimeUnit unit = spec.type->unit();
      const bool has_tz = !spec.type->timezone().empty();
      return ConvertFixed<int64_t>(cx, sink, [=](const char* s, size_t n, int64_t* out) {
        switch (internal::ParseTimestamp(s, n, unit, out)) {
          case internal::TimestampForm::kNaive: return true;
          case internal::TimestampForm::kWithOffset: return has_tz;
          case internal::TimestampForm::kInvalid: return false;
        }
        return false;
      });
    }
    case Conv::kString: return ConvertBinary<int32_t>(cx, sink, true);
    case Conv::kLargeString: return ConvertBinary<int64_t>(cx, sink, true);
    case Conv::kBinary: return ConvertBinary<int32_t>(cx, sink, false);
    case Conv::kLargeBinary: return ConvertBinary<int64_t>(cx, sink, false);
  }
  return Status::Internal("unhandled CSV conversion");
}

// What parsing one chunk produced.
struct ChunkResult {
  std::vector<columnar::RecordBatchPtr> batches;
  std::vector<RowIssue> rejects;  // in input order
  std::optional<RowIssue> error;  // the first malformed row, without rejects
  Status status;                  // failures other than malformed rows
  size_t newlines = 0;
};

// Everything the chunk parsers share (read-only while they run).
struct ParseShared {
  std::vector<ColumnSpec> columns;  // in file order
  SchemaPtr schema;                 // output schema
  NullMatcher nulls;
  char delimiter;
  char quote;
  int64_t batch_rows;
  int64_t mini_rows;
  bool collect_rejects;
  MemoryPool* pool;
};

// Parses chunks into batches; one per thread, reused across blocks.
class ChunkParser {
 public:
  explicit ChunkParser(const ParseShared* shared)
      : shared_(shared),
        tokenizer_(shared->delimiter, shared->quote, int(shared->columns.size())) {
    for (const auto& spec : shared->columns) {
      sinks_.push_back(std::make_unique<Sink>(&spec, shared->pool));
    }
  }

  void Parse(const char* data, size_t size, ChunkResult* result) {
    result->newlines = internal::CountByte(data, size, '\n');
    result->status = ParseImpl(data, size, result);
    std::stable_sort(result->rejects.begin(), result->rejects.end(),
                     [](const RowIssue& a, const RowIssue& b) { return a.begin < b.begin; });
  }

 private:
  Status ParseImpl(const char* data, size_t size, ChunkResult* result) {
    const int ncols = int(shared_->columns.size());
    const bool collect = shared_->collect_rejects;
    tokenizer_.ResetSawQuote();
    size_t pos = 0;
    int64_t batch_len = 0;
    std::vector<RowIssue> issues;
    std::vector<CellError> errors;
    std::vector<Sink::Mark> marks(static_cast<size_t>(ncols));
    while (pos < size) {
      const int64_t want = std::min(shared_->mini_rows, shared_->batch_rows - batch_len);
      table_.Reset(want, ncols);
      issues.clear();
      pos = tokenizer_.Run(data, pos, size, &table_, &issues, /*stop_on_issue=*/!collect);
      for (int c = 0; c < ncols; ++c) marks[size_t(c)] = sinks_[size_t(c)]->GetMark();
      errors.clear();
      QUIRE_RETURN_NOT_OK(ConvertAll(data, &errors));
      if (!errors.empty()) {
        for (int c = 0; c < ncols; ++c) sinks_[size_t(c)]->Rollback(marks[size_t(c)]);
        if (!collect) {
          // The first failing cell in row order; it comes before any tokenizer
          // issue, which ended the mini-batch.
          const CellError& first = *std::min_element(
              errors.begin(), errors.end(), [](const CellError& a, const CellError& b) {
                return a.row != b.row ? a.row < b.row : a.column < b.column;
              });
          result->error = RowIssue{table_.row_begin[size_t(first.row)],
                                   table_.row_end[size_t(first.row)], CellReason(first)};
          return FlushBatch(result, &batch_len);
        }
        // Cut the failing rows out and convert the rest again.
        std::vector<uint8_t> bad(size_t(table_.rows), 0);
        std::vector<std::string> reasons(size_t(table_.rows));
        std::stable_sort(errors.begin(), errors.end(),
                         [](const CellError& a, const CellError& b) {
                           return a.row != b.row ? a.row < b.row : a.column < b.column;
                         });
        for (const auto& e : errors) {
          if (bad[size_t(e.row)]) continue;
          bad[size_t(e.row)] = 1;
          result->rejects.push_back({table_.row_begin[size_t(e.row)],
                                     table_.row_end[size_t(e.row)], CellReason(e)});
        }
        table_.RemoveRows(bad, ncols);
        errors.clear();
        QUIRE_RETURN_NOT_OK(ConvertAll(data, &errors));
        if (!errors.empty()) return Status::Internal("CSV row failed to convert twice");
      }
      batch_len += table_.rows;
      if (!issues.empty()) {
        if (!collect) {
          result->error = std::move(issues.front());
          return FlushBatch(result, &batch_len);
        }
        for (auto& issue : issues) result->rejects.push_back(std::move(issue));
      }
      if (batch_len >= shared_->batch_rows) QUIRE_RETURN_NOT_OK(FlushBatch(result, &batch_len));
    }
    return FlushBatch(result, &batch_len);
  }

  std::string CellReason(const CellError& e) const {
    return fmt::format("column {} ('{}'): {}", e.column + 1,
                       shared_->columns[size_t(e.column)].name, e.reason);
  }

  Status ConvertAll(const char* data, std::vector<CellError>* errors) {
    if (table_.rows == 0) return Status::OK();
    const int ncols = int(shared_->columns.size());
    for (int c = 0; c < ncols; ++c) {
      ConvertContext cx{data,
                        table_.column(c),
                        table_.rows,
                        c,
                        &shared_->nulls,
                        shared_->quote,
                        tokenizer_.saw_quote(),
                        &scratch_,
                        errors};
      QUIRE_RETURN_NOT_OK(Convert(cx, sinks_[size_t(c)].get()));
    }
    return Status::OK();
  }

  Status FlushBatch(ChunkResult* result, int64_t* batch_len) {
    if (*batch_len == 0) return Status::OK();
    const int ncols = int(shared_->columns.size());
    columnar::ArrayVector columns(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      QUIRE_ASSIGN_OR_RETURN(ArrayPtr array, sinks_[size_t(c)]->Finish());
      columns[size_t(shared_->columns[size_t(c)].out_index)] = std::move(array);
    }
    result->batches.push_back(
        std::make_shared<columnar::RecordBatch>(shared_->schema, *batch_len, std::move(columns)));
    *batch_len = 0;
    return Status::OK();
  }

  const ParseShared* shared_;
  Tokenizer tokenizer_;
  FieldTable table_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::string scratch_;
};

// Split a header or first record [s, s + n) (no line end) into unescaped fields.
Result<std::vector<std::string>> SplitRecord(const char* s, size_t n, char delimiter,
                                             char quote) {
  std::vector<std::string> fields;
  std::string scratch;
  size_t i = 0;
  while (true) {
    size_t start = i;
    if (i < n && s[i] == quote) {
      // Quoted: find the closing quote (a doubled quote is content).
      size_t j = i + 1;
      while (true) {
        if (j >= n) return Status::Corrupt("a quoted field is not closed");
        if (s[j] == quote) {
          if (j + 1 < n && s[j + 1] == quote) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      const size_t end = j + 1;
      if (end < n && s[end] != delimiter) {
        return Status::Corrupt("bad quoting: text after the closing quote of field {}",
                               fields.size() + 1);
      }
      std::string_view v;
      if (!Unquote(s + start, end - start, quote, &v, &scratch)) {
        return Status::Corrupt("bad quoting in field {}", fields.size() + 1);
      }
      fields.emplace_back(v);
      i = end;
    } else {
      const void* d = std::memchr(s + i, delimiter, n - i);
      const size_t end = d ? size_t(static_cast<const char*>(d) - s) : n;
      fields.emplace_back(s + start, end - start);
      i = end;
    }
    if (i >= n) break;
    ++i;  // the delimiter
    if (i == n) {
      fields.emplace_back();
      break;
    }
  }
  return fields;
}

}  // namespace

class CsvReader::Impl {
 public:
  Impl(std::unique_ptr<io::InputStream> input, CsvReadOptions options)
      : input_(std::move(input)),
        options_(std::move(options)),
        shared_{{}, nullptr, NullMatcher(options_.null_values), options_.delimiter,
                options_.quote, options_.batch_rows, 0, options_.rejects != nullptr,
                options_.memory_pool} {}

  ~Impl() {
    // Let running tasks finish before the state they use goes away.
    queue_.Wait();
    for (auto& f : pending_) {
      if (f.valid()) f.wait();
    }
  }

  Status Open();
  Result<columnar::RecordBatchPtr> Next();

  SchemaPtr schema() const { return shared_.schema; }
  int64_t rows_read() const { return queue_.rows_read(); }
  int64_t rows_rejected() const { return rows_rejected_; }
  int64_t bytes_read() const { return bytes_consumed_.load(); }

 private:
  const char* buf() const { return buffer_.data(); }

  // Read up to one block more after the unconsumed bytes (moved to the front).
  Status Fill() {
    if (eof_) return Status::OK();
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    const size_t block = size_t(options_.block_size);
    const size_t need = end_ + block + internal::kScanPadding;
    if (buffer_.size() < need) buffer_.resize(std::max(need, buffer_.size() * 2));
    size_t got = 0;
    while (got < block) {
      QUIRE_ASSIGN_OR_RETURN(
          int64_t n, input_->Read({reinterpret_cast<uint8_t*>(buffer_.data() + end_),
                                   block - got}));
      if (n == 0) {
        eof_ = true;
        break;
      }
      end_ += size_t(n);
      got += size_t(n);
    }
    std::memset(buffer_.data() + end_, 0, internal::kScanPadding);
    return Status::OK();
  }

  // Make sure [begin_, end_) holds a whole record (or the input ended); return the
  // end of the first record relative to begin_ (0 if there is no data).
  Result<size_t> FirstRecord() {
    size_t scanned = 0;
    while (true) {
      const size_t n = end_ - begin_;
      const size_t e = n > scanned ? internal::NextRecordEnd(buf() + begin_, n, scanned,
                                                              options_.quote)
                                   : 0;
      if (e > 0) return e;
      if (eof_) return n;
      scanned = n;
      QUIRE_RETURN_NOT_OK(Fill());
    }
  }

  Status SkipLines(int64_t lines) {
    while (lines > 0) {
      const void* nl = std::memchr(buf() + begin_, '\n', end_ - begin_);
      if (nl != nullptr) {
        begin_ = size_t(static_cast<const char*>(nl) - buf()) + 1;
        ++next_line_;
        --lines;
        continue;
      }
      begin_ = end_;
      if (eof_) return Status::OK();
      QUIRE_RETURN_NOT_OK(Fill());
    }
    return Status::OK();
  }

  Status SetUpColumns(const std::vector<std::string>& header, int ncols);
  Status Infer();
  Status ParseRegion(size_t region_end);
  Status ParseNextBlock();
  Status Emit(const char* chunk, ChunkResult* result, int64_t chunk_first_line);

  // The batches of one block, or the error that ended it.
  internal::TextBlock Produce();

  std::unique_ptr<io::InputStream> input_;
  CsvReadOptions options_;
  ParseShared shared_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // end of the bytes read
  bool eof_ = false;
  bool done_ = false;      // producer: the input is used up
  int64_t next_line_ = 1;  // line number at begin_
  std::vector<Kind> kinds_;
  std::vector<std::unique_ptr<ChunkParser>> parsers_;
  std::vector<ChunkResult> results_;
  std::vector<std::future<void>> pending_;
  std::unique_ptr<util::ThreadPool> own_pool_;
  util::ThreadPool* pool_ = nullptr;
  // Consumer side: with more than one thread, the next block is parsed by a
  // producer task while the consumer works on the batches of the current one.
  bool prefetch_ = false;
  internal::BlockQueue queue_{[this] { return Produce(); }};
  // Producer side, read by the accessors.
  std::vector<columnar::RecordBatchPtr>* out_ = nullptr;  // batches of the block being made
  std::atomic<int64_t> rows_rejected_{0};
  std::atomic<int64_t> bytes_consumed_{0};
};

Status CsvReader::Impl::Open() {
  const auto& o = options_;
  if (o.delimiter == o.quote || o.delimiter == '\n' || o.delimiter == '\r' || o.quote == '\n' ||
      o.quote == '\r') {
    return Status::Invalid("{}: the CSV delimiter and quote must differ and not be line ends",
                           input_->path());
  }
  if (o.batch_rows <= 0 || o.block_size <= 0 || o.num_threads <= 0 || o.infer_rows < 0 ||
      o.skip_rows < 0) {
    return Status::Invalid(
        "{}: batch_rows, block_size and num_threads must be positive, infer_rows and "
        "skip_rows not negative",
        input_->path());
  }
  for (const auto& v : o.null_values) {
    if (v.size() >= 64) return Status::Invalid("null value '{}' is too long", Excerpt(v));
  }
  QUIRE_RETURN_NOT_OK(Fill());
  if (end_ >= 3 && std::memcmp(buf(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;
  QUIRE_RETURN_NOT_OK(SkipLines(o.skip_rows));

  std::vector<std::string> header;
  int ncols = 0;
  QUIRE_ASSIGN_OR_RETURN(size_t first, FirstRecord());
  if (first > 0) {
    size_t n = first;
    if (n > 0 && buf()[begin_ + n - 1] == '\n') --n;
    if (n > 0 && buf()[begin_ + n - 1] == '\r') --n;
    auto fields = SplitRecord(buf() + begin_, n, o.delimiter, o.quote);
    if (!fields.ok()) {
      return Status::Corrupt("{}:{}: {}", input_->path(), next_line_,
                             fields.status().message());
    }
    ncols = int(fields->size());
    if (o.header) {
      header = std::move(*fields);
      next_line_ += int64_t(internal::CountByte(buf() + begin_, first, '\n'));
      begin_ += first;
    }
  } else if (o.schema) {
    ncols = o.schema->num_fields();
  }
  if (o.header && header.empty() && o.schema) {
    // No header in an empty input: the schema's names stand for it.
    for (const auto& f : o.schema->fields()) header.push_back(f->name());
    ncols = int(header.size());
  }
  QUIRE_RETURN_NOT_OK(SetUpColumns(header, ncols));

  const int threads = o.num_threads;
  if (threads > 1) {
    pool_ = o.thread_pool;
    if (pool_ == nullptr) {
      own_pool_ = std::make_unique<util::ThreadPool>(threads - 1);
      pool_ = own_pool_.get();
    }
    prefetch_ = true;
  }
  bytes_consumed_ = input_->position() - int64_t(end_ - begin_);
  if (prefetch_ && !shared_.columns.empty()) queue_.StartPrefetch();
  return Status::OK();
}

Status CsvReader::Impl::SetUpColumns(const std::vector<std::string>& header, int ncols) {
  const auto& o = options_;
  std::vector<std::string> names;
  if (o.header) {
    // Unique, non-empty names.
    std::unordered_map<std::string, int> seen;
    for (int i = 0; i < ncols; ++i) {
      std::string name = header[size_t(i)];
      if (name.empty()) name = fmt::format("f{}", i);
      std::string unique = name;
      for (int k = 1; seen.count(unique); ++k) unique = fmt::format("{}_{}", name, k);
      seen[unique] = i;
      names.push_back(std::move(unique));
    }
  } else {
    for (int i = 0; i < ncols; ++i) names.push_back(fmt::format("f{}", i));
  }
  auto& columns = shared_.columns;
  columns.resize(size_t(ncols));
  if (o.schema) {
    const auto& schema = *o.schema;
    if (o.header) {
      std::vector<bool> used(size_t(schema.num_fields()), false);
      for (int i = 0; i < ncols; ++i) {
        const int k = schema.GetFieldIndex(names[size_t(i)]);
        if (k < 0) {
          return Status::Invalid("{}: column '{}' of the header is not in the schema",
                                 input_->path(), names[size_t(i)]);
        }
        used[size_t(k)] = true;
        columns[size_t(i)].out_index = k;
      }
      for (int k = 0; k < schema.num_fields(); ++k) {
        if (!used[size_t(k)]) {
          return Status::Invalid("{}: schema field '{}' is not a column of the header",
                                 input_->path(), schema.field(k)->name());
        }
      }
    } else {
      if (ncols != schema.num_fields()) {
        return Status::Invalid("{}: the first record has {} fields but the schema has {}",
                               input_->path(), ncols, schema.num_fields());
      }
      for (int i = 0; i < ncols; ++i) columns[size_t(i)].out_index = i;
    }
    for (int i = 0; i < ncols; ++i) {
      auto& c = columns[size_t(i)];
      const auto& f = schema.field(c.out_index);
      c.name = f->name();
      c.type = f->type();
      c.nullable = f->nullable();
      auto conv = ConvFor(*c.type);
      if (!conv.ok()) {
        return Status::Unsupported("{}: column '{}': {}", input_->path(), c.name,
                                   conv.status().message());
      }
      c.conv = *conv;
    }
    shared_.schema = o.schema;
  } else {
    for (int i = 0; i < ncols; ++i) {
      columns[size_t(i)].name = names[size_t(i)];
      columns[size_t(i)].out_index = i;
    }
    QUIRE_RETURN_NOT_OK(Infer());
    columnar::FieldVector fields;
    for (int i = 0; i < ncols; ++i) {
      auto& c = columns[size_t(i)];
      c.type = internal::KindType(kinds_[size_t(i)]);
      c.conv = *ConvFor(*c.type);
      fields.push_back(columnar::field(c.name, c.type));
    }
    shared_.schema = columnar::schema(std::move(fields));
  }
  // Mini-batches whose field table (8 bytes a field) stays near 512 KiB, in cache.
  shared_.mini_rows = std::clamp<int64_t>(65536 / std::max(ncols, 1), 64, 8192);
  return Status::OK();
}

Status CsvReader::Impl::Infer() {
  const int ncols = int(shared_.columns.size());
  kinds_.assign(size_t(ncols), Kind::kNull);
  if (ncols == 0 || options_.infer_rows == 0) return Status::OK();
  Tokenizer tokenizer(options_.delimiter, options_.quote, ncols);
  FieldTable table;
  std::vector<RowIssue> issues;
  std::string scratch;
  int64_t sampled = 0;
  size_t scan = 0;  // relative to begin_, a record start
  while (true) {
    const size_t n = end_ - begin_;
    const size_t region = eof_ ? n : internal::LastRecordEnd(buf() + begin_, n, options_.quote);
    while (scan < region && sampled < options_.infer_rows) {
      table.Reset(std::min<int64_t>(4096, options_.infer_rows - sampled), ncols);
      issues.clear();
      scan = tokenizer.Run(buf() + begin_, scan, region, &table, &issues, false);
      for (int c = 0; c < ncols; ++c) {
        const uint64_t* fields = table.column(c);
        Kind kind = kinds_[size_t(c)];
        for (int64_t r = 0; r < table.rows; ++r) {
          const uint64_t f = fields[r];
          const char* s = buf() + begin_ + uint32_t(f);
          size_t len = size_t(uint32_t(f >> 32) - uint32_t(f));
          if (len > 0 && s[0] == options_.quote) {
            std::string_view v;
            if (!Unquote(s, len, options_.quote, &v, &scratch)) continue;
            kind = internal::JoinKinds(kind, internal::ClassifyValue(v.data(), v.size()));
          } else if (!shared_.nulls.IsNull(s, len)) {
            kind = internal::JoinKinds(kind, internal::ClassifyValue(s, len));
          }
        }
        kinds_[size_t(c)] = kind;
      }
      sampled += table.rows;
    }
    if (sampled >= options_.infer_rows || eof_) break;
    QUIRE_RETURN_NOT_OK(Fill());  // keeps begin_-relative offsets valid
  }
  return Status::OK();
}

Status CsvReader::Impl::Emit(const char* chunk, ChunkResult* result, int64_t first_line) {
  if (!result->status.ok()) return result->status.WithContext(input_->path());
  for (auto& b : result->batches) out_->push_back(std::move(b));
  size_t counted_to = 0;
  int64_t line = first_line;
  auto line_of = [&](size_t offset) {
    line += int64_t(internal::CountByte(chunk + counted_to, offset - counted_to, '\n'));
    counted_to = offset;
    return line;
  };
  for (const auto& r : result->rejects) {
    const int64_t at = line_of(r.begin);
    if (options_.reject_reasons) {
      QUIRE_RETURN_NOT_OK(
          options_.rejects->Write(fmt::format("# {}:{}: {}\n", input_->path(), at, r.reason)));
    }
    QUIRE_RETURN_NOT_OK(options_.rejects->Write(std::string_view(chunk + r.begin, r.end - r.begin)));
    if (r.end == r.begin || chunk[r.end - 1] != '\n') {
      QUIRE_RETURN_NOT_OK(options_.rejects->Write(std::string_view("\n")));
    }
    ++rows_rejected_;
  }
  if (result->error) {
    return Status::Corrupt("{}:{}: {}", input_->path(), line_of(result->error->begin),
                           result->error->reason);
  }
  return Status::OK();
}

Status CsvReader::Impl::ParseRegion(size_t region_end) {
  const char* base = buf() + begin_;
  const size_t size = region_end - begin_;
  if (size >= (size_t(1) << 32)) {
    return Status::ResourceExhausted("{}:{}: a record of more than 4 GiB", input_->path(),
                                     next_line_);
  }
  // Chunk boundaries at record ends, one chunk per thread (small regions: one).
  std::vector<size_t> cuts = {0};
  const int threads = options_.num_threads;
  constexpr size_t kMinChunk = 256 * 1024;
  if (threads > 1 && size >= 2 * kMinChunk) {
    const int n = int(std::min<size_t>(size_t(threads), size / kMinChunk));
    for (int k = 1; k < n; ++k) {
      const size_t target = size * size_t(k) / size_t(n);
      if (target <= cuts.back()) continue;
      const size_t e = internal::NextRecordEnd(base, size, target, options_.quote);
      if (e == 0 || e >= size) break;
      if (e > cuts.back()) cuts.push_back(e);
    }
  }
  cuts.push_back(size);
  const size_t nchunks = cuts.size() - 1;
  while (parsers_.size() < nchunks) parsers_.push_back(std::make_unique<ChunkParser>(&shared_));
  results_.clear();
  results_.resize(nchunks);
  pending_.clear();
  for (size_t k = 1; k < nchunks; ++k) {
    ChunkParser* parser = parsers_[k].get();
    ChunkResult* result = &results_[k];
    const char* data = base + cuts[k];
    const size_t len = cuts[k + 1] - cuts[k];
    pending_.push_back(pool_->Submit([parser, result, data, len] { parser->Parse(data, len, result); }));
  }
  parsers_[0]->Parse(base, cuts[1], &results_[0]);
  for (auto& f : pending_) f.wait();
  pending_.clear();
  int64_t line = next_line_;
  Status st;
  for (size_t k = 0; k < nchunks && st.ok(); ++k) {
    st = Emit(base + cuts[k], &results_[k], line);
    line += int64_t(results_[k].newlines);
  }
  next_line_ = line;
  begin_ = region_end;
  return st;
}

Status CsvReader::Impl::ParseNextBlock() {
  while (true) {
    if (begin_ == end_ && eof_) {
      done_ = true;
      return Status::OK();
    }
    QUIRE_RETURN_NOT_OK(Fill());
    const size_t n = end_ - begin_;
    const size_t region = eof_ ? n : internal::LastRecordEnd(buf() + begin_, n, options_.quote);
    if (region == 0) {
      if (eof_) {
        done_ = true;
        return Status::OK();
      }
      continue;  // a record longer than the buffer: read more
    }
    return ParseRegion(begin_ + region);
  }
}

internal::TextBlock CsvReader::Impl::Produce() {
  internal::TextBlock block;
  out_ = &block.batches;
  block.status = ParseNextBlock();
  out_ = nullptr;
  block.end = done_;
  bytes_consumed_ = input_->position() - int64_t(end_ - begin_);
  return block;
}

Result<columnar::RecordBatchPtr> CsvReader::Impl::Next() {
  if (shared_.columns.empty()) return columnar::RecordBatchPtr(nullptr);
  return queue_.Next();
}

CsvReader::CsvReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(std::unique_ptr<io::InputStream> input,
                                                   CsvReadOptions options) {
  if (!input) return Status::Invalid("CsvReader::Open: no input");
  auto impl = std::make_unique<Impl>(std::move(input), std::move(options));
  QUIRE_RETURN_NOT_OK(impl->Open());
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

columnar::SchemaPtr CsvReader::schema() const { return impl_->schema(); }
Result<columnar::RecordBatchPtr> CsvReader::Next() { return impl_->Next(); }
int64_t CsvReader::rows_read() const { return impl_->rows_read(); }
int64_t CsvReader::rows_rejected() const { return impl_->rows_rejected(); }
int64_t CsvReader::bytes_read() const { return impl_->bytes_read(); }

}  // namespace quire::text
