/// \file tests/parquet/remote_read_check.cc
/// \brief Reading a Parquet file through a FileSystem reads little: the footer in
/// one request, then only the selected column chunks (or pages, with the page
/// index), coalesced per row group. Request counts and bytes are asserted exactly
/// from the file's metadata, on every filesystem the suite is instantiated with.
#include <numeric>

#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/compute/api.h"
#include "quire/io/coalescing_file.h"
#include "quire/io/memory_file_system.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/footer.h"
#include "quire/parquet/file_writer.h"
#include "quire/testing/matchers.h"
#include "remote_read_check.h"

namespace quire::parquet {

using columnar::RecordBatchPtr;

columnar::TablePtr RemoteReadTable() {
  // 12 columns of 200,000 rows in 4 row groups; "id" ascends, so that the page
  // index prunes a range filter on it to a few pages.
  constexpr int64_t kRows = 200000;
  columnar::FieldVector fields;
  std::vector<columnar::ChunkedArrayPtr> columns;
  for (int c = 0; c < 12; ++c) {
    const bool is_id = c == 0;
    columnar::Int64Builder b(columnar::int64());
    for (int64_t i = 0; i < kRows; ++i) {
      // Distinct values (no dictionary), so that chunks are large and far apart.
      (void)b.Append(is_id ? i : int64_t(uint64_t(i * 2654435761u + c) % 1000003) * (c + 1));
    }
    auto array = b.Finish();
    fields.push_back(columnar::field(is_id ? "id" : fmt::format("c{}", c), columnar::int64()));
    columns.push_back(
        std::make_shared<columnar::ChunkedArray>(columnar::int64(), columnar::ArrayVector{*array}));
  }
  return std::make_shared<const columnar::Table>(columnar::schema(fields), columns, kRows);
}

void CheckRemoteReads(io::FileSystem& fs, const std::string& path,
                      const io::CoalesceOptions& coalesce, bool wrap) {
  auto table = RemoteReadTable();
  WriterProperties props;
  props.max_row_group_rows = 50000;
  props.codec = CompressionCodec::kUncompressed;
  ASSERT_OK_AND_ASSIGN(auto bytes, WriteParquetBuffer(*table, props));
  ASSERT_OK(fs.WriteAll(path, {bytes->data(), size_t(bytes->size())}));
  auto open = [&]() -> Result<std::unique_ptr<FileReader>> {
    QUIRE_ASSIGN_OR_RETURN(auto raw, fs.OpenRead(path, {.size = bytes->size()}));
    return FileReader::Open(wrap ? io::MakeCoalescingFile(std::move(raw), coalesce)
                                 : std::move(raw));
  };

  // A projection: the footer, then per row group the three chunks, merged where
  // the holes between them are small enough.
  {
    const io::IoStatsSnapshot before = fs.stats().Snapshot();
    ASSERT_OK_AND_ASSIGN(auto reader, open());
    ReadOptions options;
    options.columns = {"c1", "c2", "c9"};
    options.num_threads = 1;
    ASSERT_OK_AND_ASSIGN(auto batches, reader->Read(options));
    ASSERT_OK_AND_ASSIGN(auto got, batches->ReadAll());
    const io::IoStatsSnapshot d = fs.stats().Snapshot() - before;

    int64_t rows = 0;
    for (const auto& b : got) rows += b->num_rows();
    EXPECT_EQ(rows, table->num_rows());
    int64_t expected_requests = 1;  // the tail, footer included
    int64_t expected_bytes = std::min<int64_t>(bytes->size(), kFooterSpeculativeReadSize);
    for (const auto& rg : reader->metadata().row_groups) {
      std::vector<std::pair<int64_t, int64_t>> ranges;
      for (int c : {1, 2, 9}) {
        const ColumnMetaData& m = *rg.columns[size_t(c)].meta_data;
        const int64_t start = m.dictionary_page_offset.value_or(m.data_page_offset);
        ranges.emplace_back(start, std::min(m.total_compressed_size + 100, bytes->size() - start));
      }
      for (const auto& [o, l] : io::CoalesceRanges(ranges, coalesce)) {
        ++expected_requests;
        expected_bytes += l;
      }
    }
    EXPECT_EQ(d.count(io::RequestKind::kRead), expected_requests) << d.ToString();
    EXPECT_EQ(d.total_requests(), expected_requests) << d.ToString();
    EXPECT_EQ(d.bytes_read, expected_bytes) << d.ToString();
    EXPECT_LT(d.bytes_read, bytes->size() / 3) << d.ToString();
  }

  // A filter the page index narrows to a few pages: far fewer bytes, right rows.
  {
    const io::IoStatsSnapshot before = fs.stats().Snapshot();
    ASSERT_OK_AND_ASSIGN(auto reader, open());
    ReadOptions options;
    options.columns = {"id", "c5"};
    ASSERT_OK_AND_ASSIGN(options.filter, compute::ParseExpression("id >= 120000 and id < 121000"));
    options.num_threads = 1;
    ReadStats stats;
    options.stats = &stats;
    ASSERT_OK_AND_ASSIGN(auto batches, reader->Read(options));
    ASSERT_OK_AND_ASSIGN(auto got, batches->ReadAll());
    const io::IoStatsSnapshot d = fs.stats().Snapshot() - before;
    int64_t rows = 0;
    for (const auto& b : got) rows += b->num_rows();
    EXPECT_EQ(rows, 1000);
    EXPECT_EQ(stats.row_groups_pruned, 3);
    EXPECT_GT(stats.pages_pruned, 0);
    EXPECT_LT(d.bytes_read, bytes->size() / 20) << d.ToString();
    EXPECT_LE(d.total_requests(), 10) << d.ToString();
  }
}

}  // namespace quire::parquet
