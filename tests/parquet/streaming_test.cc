/// \file tests/parquet/streaming_test.cc
/// \brief Row groups decoded a batch at a time (ReadOptions::stream_row_groups)
/// give exactly the rows of whole-row-group decoding, for every corpus file, batch
/// size and thread setting, in batches no larger than asked, with less memory.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "quire/columnar/json.h"
#include "quire/columnar/record_batch.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/testing/matchers.h"
#include "corpus.h"

namespace quire::parquet {
namespace {

// The rows of a streamed read, checking every batch's size on the way.
Result<std::string> StreamedRows(const FileReader& reader, ReadOptions options,
                                 int64_t* batches) {
  options.stream_row_groups = true;
  QUIRE_ASSIGN_OR_RETURN(auto stream, reader.Read(options));
  std::vector<columnar::RecordBatchPtr> all;
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(auto batch, stream->Next());
    if (!batch) break;
    if (batch->num_rows() == 0 || batch->num_rows() > options.batch_rows) {
      return Status::Invalid("a batch of {} rows (at most {} asked)", batch->num_rows(),
                             options.batch_rows);
    }
    QUIRE_RETURN_NOT_OK(batch->ValidateFull());
    ++*batches;
    all.push_back(std::move(batch));
  }
  QUIRE_ASSIGN_OR_RETURN(auto table, columnar::Table::FromBatches(stream->schema(), all));
  return columnar::RowsToJson(*table);
}

TEST(StreamingTest, BatchesGiveTheRowsOfWholeRowGroups) {
  int files = 0;
  int64_t batches = 0;
  int call = 0;
  for (const auto& path : test::CorpusFiles()) {
    if (!test::ReadableCandidate(path)) continue;
    const std::string p = path.string();
    auto read = test::ReadWhole(path);
    if (!read) continue;
    const std::string expected = columnar::RowsToJson(*read->table);
    const int64_t rows = read->table->num_rows();
    for (int64_t batch_rows : {int64_t(1), int64_t(3), int64_t(1000)}) {
      if (batch_rows < 10 && rows > 5000) continue;  // keeps the test quick
      ReadOptions options;
      options.batch_rows = batch_rows;
      options.num_threads = (call++ % 2) ? 1 : 0;
      auto actual = StreamedRows(*read->reader, options, &batches);
      ASSERT_TRUE(actual.ok()) << p << " batches of " << batch_rows << ": "
                               << actual.status().ToString();
      ASSERT_EQ(*actual, expected) << p << " batches of " << batch_rows;
    }
    ++files;
  }
  EXPECT_GT(files, 100);
  EXPECT_GT(batches, 10000);
  std::printf("%d files, %lld batches\n", files, (long long)batches);
}

// A filter is applied batch by batch when streaming.
TEST(StreamingTest, FiltersEachBatch) {
  const auto path = test::CorpusRoot() / "data" / "alltypes_tiny_pages.parquet";
  ASSERT_OK_AND_ASSIGN(auto file, io::OpenLocalFile(path.string()));
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(file)));
  ASSERT_OK_AND_ASSIGN(auto filter, compute::ParseExpression("int_col = 3 and id < 5000"));
  ReadOptions whole;
  whole.filter = filter;
  whole.columns = {"id", "string_col"};
  ASSERT_OK_AND_ASSIGN(auto expected, reader->ReadTable(whole));
  ASSERT_GT(expected->num_rows(), 100);
  ReadOptions options = whole;
  options.batch_rows = 77;
  options.late_materialize = false;  // which would decode whole row groups
  int64_t batches = 0;
  ASSERT_OK_AND_ASSIGN(auto actual, StreamedRows(*reader, options, &batches));
  EXPECT_EQ(actual, columnar::RowsToJson(*expected));
}

// Streaming keeps the decoded pages and the batch, not the whole row group.
TEST(StreamingTest, UsesLessMemoryThanWholeRowGroups) {
  const auto path = test::CorpusRoot() / "data" / "alltypes_tiny_pages_plain.parquet";
  ASSERT_OK_AND_ASSIGN(auto file, io::OpenLocalFile(path.string()));
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(file)));
  auto peak = [&](bool stream) {
    columnar::TrackingMemoryPool pool;
    ReadOptions options;
    options.pool = &pool;
    options.batch_rows = 100;
    options.num_threads = 1;
    options.stream_row_groups = stream;
    auto reader_stream = reader->Read(options);
    EXPECT_TRUE(reader_stream.ok());
    int64_t rows = 0;
    while (true) {
      auto batch = (*reader_stream)->Next();
      EXPECT_TRUE(batch.ok());
      if (!batch.ok() || !*batch) break;
      rows += (*batch)->num_rows();
    }
    EXPECT_EQ(rows, reader->num_rows());
    return pool.max_memory();
  };
  const int64_t whole = peak(false);
  const int64_t streamed = peak(true);
  EXPECT_LT(streamed * 4, whole) << "streamed " << streamed << " whole " << whole;
  std::printf("peak memory: %lld bytes streamed, %lld whole\n", (long long)streamed,
              (long long)whole);
}

}  // namespace
}  // namespace quire::parquet
