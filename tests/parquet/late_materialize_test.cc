/// \file tests/parquet/late_materialize_test.cc
/// \brief Late materialisation: the columns a filter does not name are decoded
/// only for the rows it keeps, also when the page index narrowed the first pass;
/// pages of those columns without a kept row are skipped undecoded, and PLAIN
/// strings are copied (and checked) only where kept.

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "quire/columnar/builder.h"
#include "quire/columnar/json.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_writer.h"
#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

constexpr int64_t kRows = 40000;

// id: 0..kRows-1 (sorted, so the page index narrows filters on it); s: a string
// per row, null every 13th.
columnar::TablePtr Events() {
  columnar::Int64Builder ids(columnar::int64());
  columnar::StringBuilder s(columnar::utf8());
  for (int64_t i = 0; i < kRows; ++i) {
    EXPECT_TRUE(ids.Append(i).ok());
    if (i % 13 == 5) {
      EXPECT_TRUE(s.AppendNull().ok());
    } else {
      EXPECT_TRUE(s.Append("value-" + std::to_string((i * 7919) % 100003)).ok());
    }
  }
  auto schema = columnar::schema(
      {columnar::field("id", columnar::int64()), columnar::field("s", columnar::utf8())});
  auto batch = columnar::RecordBatch::Make(schema, kRows, {*ids.Finish(), *s.Finish()});
  return *columnar::Table::FromBatches(schema, {*batch});
}

WriterProperties SmallPages(bool page_index, DataPageVersion version, CompressionCodec codec) {
  WriterProperties p;
  p.dictionary = false;  // PLAIN strings
  p.max_page_rows = 500;
  p.max_row_group_rows = 10000;
  p.page_index = page_index;
  p.data_page_version = version;
  p.codec = codec;
  return p;
}

// Each row of `table`, as canonical JSON.
std::vector<std::string> RowsOf(const columnar::Table& table) {
  std::vector<std::string> rows;
  for (int64_t i = 0; i < table.num_rows(); ++i) rows.push_back(columnar::RowsToJson(*table.Slice(i, 1)));
  return rows;
}

// The rows of `table` (of Events()) whose id is in `ids`, as canonical JSON.
std::vector<std::string> Expected(const columnar::Table& table, const std::set<int64_t>& ids) {
  std::vector<std::string> rows;
  for (int64_t id : ids) rows.push_back(columnar::RowsToJson(*table.Slice(id, 1)));
  return rows;
}

Result<columnar::TablePtr> Read(const columnar::BufferPtr& bytes, const std::string& where,
                                bool late, ReadStats* stats = nullptr) {
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(io::MakeBufferFile(bytes, "events")));
  ReadOptions options;
  QUIRE_ASSIGN_OR_RETURN(options.filter, compute::ParseExpression(where));
  options.late_materialize = late;
  options.stats = stats;
  return reader->ReadTable(options);
}

TEST(LateMaterializeTest, KeptRowsMatchWithAndWithoutThePageIndex) {
  const auto table = Events();
  const std::set<int64_t> ids = {3, 4, 5, 999, 1000, 15000, 15001, 29999, 39998, 39999};
  std::string where = "id in (";
  for (int64_t id : ids) where += std::to_string(id) + (id == *ids.rbegin() ? ")" : ", ");
  for (bool page_index : {false, true}) {
    for (auto version : {DataPageVersion::kV1, DataPageVersion::kV2}) {
      for (auto codec : {CompressionCodec::kUncompressed, CompressionCodec::kSnappy}) {
        ASSERT_OK_AND_ASSIGN(auto bytes,
                             WriteParquetBuffer(*table, SmallPages(page_index, version, codec)));
        for (bool late : {false, true}) {
          SCOPED_TRACE(::testing::Message() << "page_index=" << page_index << " v"
                                            << int(version) << " codec=" << int(codec)
                                            << " late=" << late);
          ReadStats stats;
          ASSERT_OK_AND_ASSIGN(auto rows, Read(bytes, where, late, &stats));
          EXPECT_EQ(RowsOf(*rows), Expected(*table, ids));
          EXPECT_EQ(stats.rows_returned, int64_t(ids.size()));
          if (page_index) {
            EXPECT_GT(stats.pages_pruned, 0);
            EXPECT_LT(stats.rows_read, 10 * 500);  // only pages holding a kept id
          }
        }
      }
    }
  }
}

// Replace the bytes of `needle` (a PLAIN string value) in `bytes`; returns its
// offset, or -1 when absent.
int64_t Overwrite(std::string* bytes, const std::string& needle, const std::string& with) {
  const size_t at = bytes->find(needle);
  if (at == std::string::npos) return -1;
  std::memcpy(bytes->data() + at, with.data(), with.size());
  return int64_t(at);
}

columnar::BufferPtr ToBuffer(const std::string& bytes) {
  return *columnar::Buffer::Copy(std::string_view(bytes));
}

TEST(LateMaterializeTest, OnlyKeptStringsAreDecodedAndChecked) {
  const auto table = Events();
  ASSERT_OK_AND_ASSIGN(auto written, WriteParquetBuffer(*table, SmallPages(false, DataPageVersion::kV1,
                                                                           CompressionCodec::kUncompressed)));
  std::string bytes(reinterpret_cast<const char*>(written->data()), size_t(written->size()));
  // Row 20010 (page 40 of s, rows 20000-20499): its string becomes invalid UTF-8.
  const std::string value = "value-" + std::to_string((20010 * 7919) % 100003);
  ASSERT_GE(Overwrite(&bytes, value, std::string(value.size(), '\xff')), 0);
  const auto corrupt = ToBuffer(bytes);
  // Reading the value fails, naming UTF-8...
  auto all = Read(corrupt, "id >= 0", false);
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.status().message().find("UTF-8"), std::string::npos) << all.status().ToString();
  EXPECT_FALSE(Read(corrupt, "id = 20010", true).ok());
  // ...but late columns decode only kept rows: another row of the same page, and
  // rows of other pages, read fine.
  ASSERT_OK_AND_ASSIGN(auto same_page, Read(corrupt, "id = 20011 or id = 20499", true));
  EXPECT_EQ(RowsOf(*same_page), Expected(*table, {20011, 20499}));
  ASSERT_OK_AND_ASSIGN(auto other_page, Read(corrupt, "id = 19999 or id = 20500", true));
  EXPECT_EQ(RowsOf(*other_page), Expected(*table, {19999, 20500}));

  // A length prefix running past the page is corrupt data when a later value of
  // the page is kept (the lengths before it are followed).
  std::string lengths(reinterpret_cast<const char*>(written->data()), size_t(written->size()));
  const int64_t at = Overwrite(&lengths, value, value);
  ASSERT_GE(at, 4);
  std::memcpy(lengths.data() + at - 4, "\xff\xff\xff\x7f", 4);
  auto past = Read(ToBuffer(lengths), "id = 20011", true);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), ErrorCode::kCorrupt) << past.status().ToString();
  ASSERT_OK(Read(ToBuffer(lengths), "id = 19999", true).status());
}

}  // namespace
}  // namespace quire::parquet
