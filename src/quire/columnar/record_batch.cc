/// \file quire/columnar/record_batch.cc
#include "quire/columnar/record_batch.h"

#include <algorithm>

#include "quire/columnar/builder.h"
#include "quire/columnar/pretty_print.h"
#include "quire/util/macros.h"

namespace quire::columnar {

Result<RecordBatchPtr> RecordBatch::Make(SchemaPtr schema, int64_t num_rows,
                                         ArrayVector columns) {
  if (int(columns.size()) != schema->num_fields()) {
    return Status::Invalid("batch has {} columns but its schema has {} fields", columns.size(),
                           schema->num_fields());
  }
  for (int i = 0; i < schema->num_fields(); ++i) {
    const auto& f = schema->field(i);
    const auto& c = columns[size_t(i)];
    if (!c) return Status::Invalid("column '{}' is missing", f->name());
    if (c->length() != num_rows) {
      return Status::Invalid("column '{}' has {} rows, the batch {}", f->name(), c->length(),
                             num_rows);
    }
    if (!c->type()->Equals(*f->type())) {
      return Status::Invalid("column '{}' holds {} but the schema says {}", f->name(),
                             c->type()->ToString(), f->type()->ToString());
    }
  }
  return std::make_shared<const RecordBatch>(std::move(schema), num_rows, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::FromStructArray(const ArrayPtr& array) {
  if (array->type_id() != TypeId::kStruct) {
    return Status::Invalid("a record batch comes from a struct array, not {}",
                           array->type()->ToString());
  }
  if (array->null_count() != 0) {
    return Status::Invalid("a struct array with {} null rows cannot become a record batch",
                           array->null_count());
  }
  ArrayVector columns;
  for (int i = 0; i < array->num_children(); ++i) columns.push_back(array->field(i));
  return Make(columnar::schema(array->type()->fields()), array->length(), std::move(columns));
}

ArrayPtr RecordBatch::GetColumnByName(std::string_view name) const {
  const int i = schema_->GetFieldIndex(name);
  return i < 0 ? nullptr : columns_[size_t(i)];
}

ArrayPtr RecordBatch::ToStructArray() const {
  return Array::Make(struct_(schema_->fields()), num_rows_, {nullptr}, columns_, nullptr, 0);
}

RecordBatchPtr RecordBatch::Slice(int64_t offset, int64_t length) const {
  offset = std::clamp<int64_t>(offset, 0, num_rows_);
  length = std::clamp<int64_t>(length, 0, num_rows_ - offset);
  ArrayVector columns;
  for (const auto& c : columns_) columns.push_back(c->Slice(offset, length));
  return std::make_shared<const RecordBatch>(schema_, length, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::SelectColumns(const std::vector<int>& indices) const {
  FieldVector fields;
  ArrayVector columns;
  for (int i : indices) {
    if (i < 0 || i >= num_columns()) {
      return Status::Invalid("column index {} is outside [0, {})", i, num_columns());
    }
    fields.push_back(schema_->field(i));
    columns.push_back(columns_[size_t(i)]);
  }
  return std::make_shared<const RecordBatch>(columnar::schema(std::move(fields), schema_->metadata()),
                                             num_rows_, std::move(columns));
}

namespace {
Status ValidateColumns(const RecordBatch& batch, bool full) {
  if (batch.num_columns() != batch.schema()->num_fields()) {
    return Status::Corrupt("batch has {} columns but its schema has {} fields",
                           batch.num_columns(), batch.schema()->num_fields());
  }
  for (int i = 0; i < batch.num_columns(); ++i) {
    const auto& c = batch.column(i);
    const std::string context = fmt::format("column '{}'", batch.column_name(i));
    if (c->length() != batch.num_rows()) {
      return Status::Corrupt("{}: {} rows in a batch of {}", context, c->length(),
                             batch.num_rows());
    }
    if (!c->type()->Equals(*batch.schema()->field(i)->type())) {
      return Status::Corrupt("{}: holds {} but the schema says {}", context,
                             c->type()->ToString(), batch.schema()->field(i)->type()->ToString());
    }
    QUIRE_RETURN_NOT_OK((full ? c->ValidateFull() : c->Validate()).WithContext(context));
  }
  return Status::OK();
}
}  // namespace

Status RecordBatch::Validate() const { return ValidateColumns(*this, false); }
Status RecordBatch::ValidateFull() const { return ValidateColumns(*this, true); }

bool RecordBatch::Equals(const RecordBatch& other, bool check_metadata) const {
  if (num_rows_ != other.num_rows_ || !schema_->Equals(*other.schema_, check_metadata)) {
    return false;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!columns_[i]->Equals(*other.columns_[i])) return false;
  }
  return true;
}

std::string RecordBatch::ToString() const { return PrettyPrint(*this); }

Result<std::vector<RecordBatchPtr>> RecordBatchReader::ReadAll() {
  std::vector<RecordBatchPtr> out;
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(auto batch, Next());
    if (!batch) break;
    out.push_back(std::move(batch));
  }
  return out;
}

namespace {
class VectorReader final : public RecordBatchReader {
 public:
  VectorReader(SchemaPtr schema, std::vector<RecordBatchPtr> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  SchemaPtr schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override {
    if (next_ >= batches_.size()) return RecordBatchPtr();
    return batches_[next_++];
  }

 private:
  SchemaPtr schema_;
  std::vector<RecordBatchPtr> batches_;
  size_t next_ = 0;
};
}  // namespace

std::unique_ptr<RecordBatchReader> MakeVectorReader(SchemaPtr schema,
                                                    std::vector<RecordBatchPtr> batches) {
  return std::make_unique<VectorReader>(std::move(schema), std::move(batches));
}

ChunkedArray::ChunkedArray(TypePtr type, ArrayVector chunks)
    : type_(std::move(type)), chunks_(std::move(chunks)), length_(0) {
  for (const auto& c : chunks_) length_ += c->length();
}

int64_t ChunkedArray::null_count() const {
  int64_t n = 0;
  for (const auto& c : chunks_) n += c->null_count();
  return n;
}

ChunkedArrayPtr ChunkedArray::Slice(int64_t offset, int64_t length) const {
  offset = std::clamp<int64_t>(offset, 0, length_);
  length = std::clamp<int64_t>(length, 0, length_ - offset);
  ArrayVector out;
  for (const auto& c : chunks_) {
    if (length == 0) break;
    if (offset >= c->length()) {
      offset -= c->length();
      continue;
    }
    const int64_t take = std::min(length, c->length() - offset);
    out.push_back(c->Slice(offset, take));
    length -= take;
    offset = 0;
  }
  return std::make_shared<const ChunkedArray>(type_, std::move(out));
}

Result<ArrayPtr> ChunkedArray::Combine(MemoryPool* pool) const {
  if (chunks_.size() == 1) return chunks_[0];
  if (chunks_.empty()) return MakeArrayOfNulls(type_, 0, pool);
  return Concatenate(chunks_, pool);
}

bool ChunkedArray::Equals(const ChunkedArray& other) const {
  if (length_ != other.length_ || !type_->Equals(*other.type_)) return false;
  // Walk both chunkings in step.
  size_t ci = 0, cj = 0;
  int64_t i = 0, j = 0;
  for (int64_t k = 0; k < length_; ++k) {
    while (i >= chunks_[ci]->length()) ++ci, i = 0;
    while (j >= other.chunks_[cj]->length()) ++cj, j = 0;
    if (!chunks_[ci]->ValueEquals(i, *other.chunks_[cj], j)) return false;
    ++i, ++j;
  }
  return true;
}

Result<TablePtr> Table::FromBatches(SchemaPtr schema,
                                    const std::vector<RecordBatchPtr>& batches) {
  std::vector<ArrayVector> chunks(size_t(schema->num_fields()));
  int64_t rows = 0;
  for (const auto& b : batches) {
    if (!b->schema()->Equals(*schema)) {
      return Status::Invalid("batch schema differs from the table's:\n{}\nvs\n{}",
                             b->schema()->ToString(), schema->ToString());
    }
    for (int i = 0; i < b->num_columns(); ++i) chunks[size_t(i)].push_back(b->column(i));
    rows += b->num_rows();
  }
  std::vector<ChunkedArrayPtr> columns;
  for (int i = 0; i < schema->num_fields(); ++i) {
    columns.push_back(
        std::make_shared<const ChunkedArray>(schema->field(i)->type(), std::move(chunks[size_t(i)])));
  }
  return std::make_shared<const Table>(std::move(schema), std::move(columns), rows);
}

Result<TablePtr> Table::FromReader(RecordBatchReader& reader) {
  QUIRE_ASSIGN_OR_RETURN(auto batches, reader.ReadAll());
  return FromBatches(reader.schema(), batches);
}

TablePtr Table::Slice(int64_t offset, int64_t length) const {
  offset = std::clamp<int64_t>(offset, 0, num_rows_);
  length = std::clamp<int64_t>(length, 0, num_rows_ - offset);
  std::vector<ChunkedArrayPtr> columns;
  for (const auto& c : columns_) columns.push_back(c->Slice(offset, length));
  return std::make_shared<const Table>(schema_, std::move(columns), length);
}

Result<TablePtr> Table::CombineChunks(MemoryPool* pool) const {
  std::vector<ChunkedArrayPtr> columns;
  for (const auto& c : columns_) {
    QUIRE_ASSIGN_OR_RETURN(auto one, c->Combine(pool));
    columns.push_back(std::make_shared<const ChunkedArray>(c->type(), ArrayVector{one}));
  }
  return std::make_shared<const Table>(schema_, std::move(columns), num_rows_);
}

std::vector<RecordBatchPtr> Table::ToBatches(int64_t max_rows) const {
  std::vector<RecordBatchPtr> out;
  std::vector<size_t> chunk(columns_.size(), 0);
  std::vector<int64_t> pos(columns_.size(), 0);
  int64_t row = 0;
  while (row < num_rows_) {
    int64_t take = num_rows_ - row;
    if (max_rows > 0) take = std::min(take, max_rows);
    for (size_t c = 0; c < columns_.size(); ++c) {
      const auto& chunks = columns_[c]->chunks();
      while (pos[c] >= chunks[chunk[c]]->length()) ++chunk[c], pos[c] = 0;
      take = std::min(take, chunks[chunk[c]]->length() - pos[c]);
    }
    ArrayVector cols;
    for (size_t c = 0; c < columns_.size(); ++c) {
      cols.push_back(columns_[c]->chunks()[chunk[c]]->Slice(pos[c], take));
      pos[c] += take;
    }
    out.push_back(std::make_shared<const RecordBatch>(schema_, take, std::move(cols)));
    row += take;
  }
  return out;
}

Status Table::ValidateFull() const {
  for (const auto& b : ToBatches()) QUIRE_RETURN_NOT_OK(b->ValidateFull());
  return Status::OK();
}

bool Table::Equals(const Table& other, bool check_metadata) const {
  if (num_rows_ != other.num_rows_ || !schema_->Equals(*other.schema_, check_metadata)) {
    return false;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!columns_[i]->Equals(*other.columns_[i])) return false;
  }
  return true;
}

std::string Table::ToString() const { return PrettyPrint(*this); }

}  // namespace quire::columnar
