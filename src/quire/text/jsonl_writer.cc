/// \file quire/text/jsonl_writer.cc
#include "quire/text/jsonl_writer.h"

#include <charconv>

#include "quire/columnar/array.h"
#include "quire/columnar/json.h"
#include "quire/io/output_stream.h"
#include "quire/text/column_cursor_internal.h"
#include "quire/text/jsonl_reader.h"
#include "quire/util/macros.h"

namespace quire::text {

namespace {

using columnar::Array;
using columnar::TypeId;

bool IsJsonText(const columnar::Field& f) {
  if (!f.metadata()) return false;
  auto name = f.metadata()->Get(kExtensionNameKey);
  return name && *name == kJsonExtensionName;
}

template <typename T>
void AppendInteger(const Array& array, int64_t i, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), columnar::PrimitiveView<T>(array).Value(i));
  out->append(buf, size_t(end - buf));
}

// Integers as bare numbers at any depth (canonical JSON quotes those beyond
// 2^53); everything else canonical.
void AppendValue(const Array& array, int64_t i, const columnar::Field* field, std::string* out) {
  if (array.IsNull(i)) {
    out->append("null");
    return;
  }
  const auto& type = *array.type();
  switch (type.id()) {
    case TypeId::kInt64: return AppendInteger<int64_t>(array, i, out);
    case TypeId::kUInt64: return AppendInteger<uint64_t>(array, i, out);
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kFixedSizeList:
    case TypeId::kMap: {
      int64_t begin, length;
      if (type.id() == TypeId::kLargeList) {
        columnar::ListView<int64_t> view(array);
        begin = view.value_offset(i);
        length = view.value_length(i);
      } else if (type.id() == TypeId::kFixedSizeList) {
        length = type.list_size();
        begin = (array.offset() + i) * length;
      } else {
        columnar::ListView<int32_t> view(array);
        begin = view.value_offset(i);
        length = view.value_length(i);
      }
      const Array& values = *array.child(0);
      out->push_back('[');
      for (int64_t k = 0; k < length; ++k) {
        if (k) out->push_back(',');
        if (type.id() == TypeId::kMap) {
          // Canonical map form: [key, value] pairs.
          const Array& entries = values;
          out->push_back('[');
          AppendValue(*entries.child(0), entries.offset() + begin + k, nullptr, out);
          out->push_back(',');
          AppendValue(*entries.child(1), entries.offset() + begin + k, nullptr, out);
          out->push_back(']');
        } else {
          AppendValue(values, begin + k, type.value_field().get(), out);
        }
      }
      out->push_back(']');
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      for (int c = 0; c < type.num_fields(); ++c) {
        if (c) out->push_back(',');
        columnar::AppendJsonString(type.field(c)->name(), out);
        out->push_back(':');
        AppendValue(*array.child(c), array.offset() + i, type.field(c).get(), out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kString:
    case TypeId::kLargeString:
      if (field && IsJsonText(*field)) {
        // An "arrow.json" column holds JSON text: written as it is.
        out->append(columnar::GetBytes(array, i));
        return;
      }
      [[fallthrough]];
    default: columnar::AppendJsonValue(array, i, out, field);
  }
}

}  // namespace

JsonlWriter::JsonlWriter(columnar::SchemaPtr schema, io::OutputStream* sink,
                         JsonlWriteOptions options)
    : schema_(std::move(schema)), sink_(sink), options_(options) {
  for (const auto& f : schema_->fields()) {
    std::string key;
    columnar::AppendJsonString(f->name(), &key);
    key.push_back(':');
    keys_.push_back(std::move(key));
  }
}

JsonlWriter::~JsonlWriter() = default;

Result<std::unique_ptr<JsonlWriter>> JsonlWriter::Make(columnar::SchemaPtr schema,
                                                       io::OutputStream* sink,
                                                       JsonlWriteOptions options) {
  if (!schema || !sink) return Status::Invalid("JsonlWriter needs a schema and a sink");
  if (options.buffer_size <= 0) options.buffer_size = 1 << 20;
  std::unique_ptr<JsonlWriter> writer(new JsonlWriter(std::move(schema), sink, options));
  writer->buffer_.reserve(size_t(options.buffer_size) + 4096);
  return writer;
}

Status JsonlWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  QUIRE_RETURN_NOT_OK(sink_->Write(std::string_view(buffer_)));
  buffer_.clear();
  return Status::OK();
}

Status JsonlWriter::Write(const columnar::RecordBatch& batch) {
  if (closed_) return Status::Invalid("{}: write after Close()", sink_->path());
  if (!batch.schema()->Equals(*schema_)) {
    return Status::Invalid("{}: batch schema\n{}\ndiffers from the writer's\n{}", sink_->path(),
                           batch.schema()->ToString(), schema_->ToString());
  }
  const int ncols = batch.num_columns();
  std::vector<internal::ColumnCursor> cols;
  std::vector<bool> json_text;
  for (int c = 0; c < ncols; ++c) {
    cols.push_back(internal::ColumnCursor::Make(*batch.column(c)));
    json_text.push_back(IsJsonText(*schema_->field(c)));
  }
  char tmp[internal::kMaxScalarText];
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    buffer_.push_back('{');
    bool first = true;
    for (int c = 0; c < ncols; ++c) {
      const internal::ColumnCursor& col = cols[size_t(c)];
      const bool null = col.IsNull(r);
      if (null && options_.skip_nulls) continue;
      if (!first) buffer_.push_back(',');
      first = false;
      buffer_ += keys_[size_t(c)];
      if (null) {
        buffer_ += "null";
        continue;
      }
      switch (col.render) {
        case internal::Render::kDecimal128:
        case internal::Render::kDate32:
        case internal::Render::kTimestamp:
          // JSON strings of text that needs no escapes.
          {
            tmp[0] = '"';
            char* end = col.WriteScalar(tmp + 1, r);
            *end++ = '"';
            buffer_.append(tmp, size_t(end - tmp));
          }
          break;
        case internal::Render::kString:
        case internal::Render::kLargeString:
          if (json_text[size_t(c)]) {
            buffer_.append(col.StringValue(r));
          } else {
            columnar::AppendJsonString(col.StringValue(r), &buffer_);
          }
          break;
        case internal::Render::kOther:
          AppendValue(*col.array, r, schema_->field(c).get(), &buffer_);
          break;
        default:
          buffer_.append(tmp, size_t(col.WriteScalar(tmp, r) - tmp));
          break;
      }
    }
    buffer_ += "}\n";
    if (int64_t(buffer_.size()) >= options_.buffer_size) QUIRE_RETURN_NOT_OK(Flush());
  }
  rows_ += batch.num_rows();
  return Status::OK();
}

Status JsonlWriter::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  return Flush();
}

}  // namespace quire::text
