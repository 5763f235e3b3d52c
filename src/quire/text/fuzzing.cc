/// \file quire/text/fuzzing.cc
#include "quire/text/fuzzing.h"

#include <string>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/text/csv_reader.h"
#include "quire/text/csv_writer.h"
#include "quire/text/jsonl_reader.h"
#include "quire/text/jsonl_writer.h"
#include "quire/util/macros.h"

namespace quire::text {

namespace {

struct Read {
  columnar::SchemaPtr schema;
  std::vector<columnar::RecordBatchPtr> batches;
  Status status;
};

// Read everything; a contract violation comes back as kInternal in `status`.
template <typename Reader>
Read Drain(Result<std::unique_ptr<Reader>> opened) {
  Read out;
  if (!opened.ok()) {
    out.status = opened.status();
    return out;
  }
  Reader& reader = **opened;
  out.schema = reader.schema();
  while (true) {
    auto batch = reader.Next();
    if (!batch.ok()) {
      out.status = batch.status();
      return out;
    }
    if (*batch == nullptr) return out;
    Status valid = (*batch)->ValidateFull();
    if (!valid.ok()) {
      out.status = Status::Internal("a batch read from text is invalid: {}", valid.message());
      return out;
    }
    out.batches.push_back(std::move(*batch));
  }
}

bool SameRows(const std::vector<columnar::RecordBatchPtr>& a,
              const std::vector<columnar::RecordBatchPtr>& b, const columnar::SchemaPtr& schema) {
  auto ta = columnar::Table::FromBatches(schema, a);
  auto tb = columnar::Table::FromBatches(schema, b);
  return ta.ok() && tb.ok() && (*ta)->Equals(**tb);
}

}  // namespace

Status FuzzTextReaders(std::span<const uint8_t> data) {
  const uint8_t flags = data.empty() ? 0 : data[0];
  const std::string text(reinterpret_cast<const char*>(data.data()) + (data.empty() ? 0 : 1),
                         data.empty() ? 0 : data.size() - 1);
  const bool jsonl = flags & 1;
  const bool with_rejects = flags & 2;
  const int threads = flags & 8 ? 2 : 1;
  const int64_t block_size = int64_t(1) << ((flags >> 4) / 2);
  const int64_t infer_rows = 1 + (flags >> 4);
  io::BufferOutputStream rejects;

  Read first;
  if (jsonl) {
    JsonlReadOptions options;
    options.block_size = block_size;
    options.infer_rows = infer_rows;
    options.num_threads = threads;
    options.batch_rows = 7;
    if (with_rejects) options.rejects = &rejects;
    first = Drain(JsonlReader::Open(io::MakeStringInput(text, "fuzz.jsonl"), options));
  } else {
    CsvReadOptions options;
    options.block_size = block_size;
    options.infer_rows = infer_rows;
    options.num_threads = threads;
    options.batch_rows = 7;
    options.header = !(flags & 4);
    if (with_rejects) options.rejects = &rejects;
    first = Drain(CsvReader::Open(io::MakeStringInput(text, "fuzz.csv"), options));
  }
  if (first.status.code() == ErrorCode::kInternal) return first.status;
  if (!first.status.ok()) {
    const bool expected = first.status.code() == ErrorCode::kCorrupt ||
                          (!jsonl && first.status.code() == ErrorCode::kInvalidArgument);
    if (!expected || (with_rejects && first.schema)) {
      return Status::Internal("unexpected read error: {}", first.status.ToString());
    }
    return first.status;
  }
  if (first.batches.empty()) return Status::OK();

  // Write what was read and read it back with its schema.
  io::BufferOutputStream out;
  if (jsonl) {
    QUIRE_ASSIGN_OR_RETURN(auto writer, JsonlWriter::Make(first.schema, &out));
    for (const auto& b : first.batches) QUIRE_RETURN_NOT_OK(writer->Write(*b));
    QUIRE_RETURN_NOT_OK(writer->Close());
  } else {
    QUIRE_ASSIGN_OR_RETURN(auto writer, CsvWriter::Make(first.schema, &out));
    for (const auto& b : first.batches) QUIRE_RETURN_NOT_OK(writer->Write(*b));
    QUIRE_RETURN_NOT_OK(writer->Close());
  }
  QUIRE_RETURN_NOT_OK(out.Close());
  const std::string written(out.buffer()->ToStringView());
  Read second;
  if (jsonl) {
    JsonlReadOptions options;
    options.schema = first.schema;
    second = Drain(JsonlReader::Open(io::MakeStringInput(written, "again.jsonl"), options));
  } else {
    CsvReadOptions options;
    options.schema = first.schema;
    second = Drain(CsvReader::Open(io::MakeStringInput(written, "again.csv"), options));
  }
  if (!second.status.ok()) {
    return Status::Internal("what was read does not read back after writing: {}\n{}",
                            second.status.ToString(), written);
  }
  if (!SameRows(first.batches, second.batches, first.schema)) {
    return Status::Internal("what was read reads back different after writing:\n{}", written);
  }
  return Status::OK();
}

}  // namespace quire::text
