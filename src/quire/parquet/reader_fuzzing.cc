/// \file quire/parquet/reader_fuzzing.cc
#include "quire/parquet/reader_fuzzing.h"

#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/util/macros.h"

namespace quire::parquet {

Status FuzzParquetFile(std::span<const uint8_t> data) {
  QUIRE_ASSIGN_OR_RETURN(auto bytes, columnar::Buffer::Copy(std::as_bytes(data)));
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(io::MakeBufferFile(bytes, "fuzz")));
  // Bounded: a limited pool, small pages and chunks.
  columnar::TrackingMemoryPool pool(int64_t(256) << 20);
  ReadOptions options;
  options.pool = &pool;
  options.max_page_bytes = int64_t(16) << 20;
  options.max_chunk_entries = int64_t(1) << 20;
  options.verify_crc = true;
  for (int g = 0; g < reader->num_row_groups() && g < 64; ++g) {
    std::vector<int> fields;
    for (int f = 0; f < reader->schema()->num_fields(); ++f) fields.push_back(f);
    QUIRE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(g, fields, options));
    Status valid = batch->ValidateFull();
    if (!valid.ok()) {
      return Status::Internal("the reader accepted a file and produced invalid data: {}",
                              valid.ToString());
    }
  }
  // The same file a few rows at a time (row groups streamed batch by batch).
  options.batch_rows = 7;
  options.num_threads = 1;
  options.stream_row_groups = true;
  QUIRE_ASSIGN_OR_RETURN(auto stream, reader->Read(options));
  for (int k = 0; k < 4096; ++k) {
    QUIRE_ASSIGN_OR_RETURN(auto batch, stream->Next());
    if (!batch) break;
    Status valid = batch->ValidateFull();
    if (!valid.ok()) {
      return Status::Internal("the streaming reader produced invalid data: {}",
                              valid.ToString());
    }
  }
  return Status::OK();
}

}  // namespace quire::parquet
