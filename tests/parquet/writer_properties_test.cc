/// \file tests/parquet/writer_properties_test.cc
/// \brief FileWriter: random nested schemas, extreme values, what the metadata
/// says (statistics, encodings, page index, bloom filters), pruning on written
/// files, streaming row groups, and errors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>

#include "quire/columnar/builder.h"
#include "quire/columnar/json.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_writer.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"

namespace quire::parquet {
namespace {

using columnar::ArrayPtr;
using columnar::TypeId;
using columnar::TypePtr;
using ::testing::HasSubstr;
using quire::testing::IsError;

using TableRef = std::shared_ptr<const columnar::Table>;

TableRef MakeTable(std::vector<std::pair<std::string, ArrayPtr>> columns,
                   std::vector<bool> nullable = {}) {
  columnar::FieldVector fields;
  std::vector<columnar::ChunkedArrayPtr> chunks;
  int64_t rows = columns.empty() ? 0 : columns[0].second->length();
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& [name, a] = columns[i];
    fields.push_back(columnar::field(name, a->type(), nullable.empty() || nullable[i]));
    chunks.push_back(
        std::make_shared<columnar::ChunkedArray>(a->type(), columnar::ArrayVector{a}));
  }
  return std::make_shared<const columnar::Table>(columnar::schema(fields), chunks, rows);
}

Result<std::unique_ptr<FileReader>> OpenBuffer(const columnar::BufferPtr& bytes) {
  return FileReader::Open(io::MakeBufferFile(bytes, "written"));
}

Result<TableRef> RoundTrip(const columnar::Table& table, const WriterProperties& props = {}) {
  QUIRE_ASSIGN_OR_RETURN(auto bytes, WriteParquetBuffer(table, props));
  QUIRE_ASSIGN_OR_RETURN(auto reader, OpenBuffer(bytes));
  return reader->ReadTable();
}

// --- random schemas ----------------------------------------------------------

TypePtr RandomType(std::mt19937& rng, int depth) {
  static const std::vector<TypePtr> leaves = {
      columnar::boolean(), columnar::int8(), columnar::int32(), columnar::int64(),
      columnar::uint16(), columnar::uint64(), columnar::float32(), columnar::float64(),
      columnar::decimal128(9, 2), columnar::decimal128(30, 5), columnar::date32(),
      columnar::timestamp(columnar::TimeUnit::kMicro, "UTC"),
      columnar::time64(columnar::TimeUnit::kNano), columnar::utf8(), columnar::binary(),
      columnar::large_utf8(), columnar::fixed_size_binary(3), columnar::float16()};
  std::uniform_int_distribution<int> pick(0, depth >= 4 ? 0 : 5);
  auto nullable = [&] { return std::uniform_int_distribution<int>(0, 3)(rng) != 0; };
  switch (pick(rng)) {
    case 1: return columnar::list(columnar::field("item", RandomType(rng, depth + 1), nullable()));
    case 2: return columnar::large_list(RandomType(rng, depth + 1));
    case 3: {
      const int n = std::uniform_int_distribution<int>(1, 3)(rng);
      columnar::FieldVector fields;
      for (int i = 0; i < n; ++i) {
        fields.push_back(columnar::field("f" + std::to_string(i), RandomType(rng, depth + 1),
                                         nullable()));
      }
      return columnar::struct_(fields);
    }
    case 4: return columnar::map(columnar::utf8(), RandomType(rng, depth + 1));
    case 5: return columnar::fixed_size_list(RandomType(rng, depth + 1), 2);
    default:
      return leaves[size_t(std::uniform_int_distribution<int>(0, int(leaves.size()) - 1)(rng))];
  }
}

TEST(WriterPropertiesTest, RandomNestedSchemasRoundTrip) {
  std::mt19937 rng(20261122);
  for (int round = 0; round < 60; ++round) {
    std::vector<std::pair<std::string, ArrayPtr>> columns;
    const int width = std::uniform_int_distribution<int>(1, 4)(rng);
    const int64_t rows = std::uniform_int_distribution<int>(0, 400)(rng);
    for (int c = 0; c < width; ++c) {
      testing::RandomOptions o;
      o.seed = uint32_t(rng());
      o.null_probability = std::uniform_real_distribution<double>(0, 0.6)(rng);
      columns.push_back({"c" + std::to_string(c),
                         testing::MakeRandomArray(RandomType(rng, 0), rows, o)});
    }
    auto table = MakeTable(columns);
    WriterProperties p;
    p.max_page_rows = std::uniform_int_distribution<int>(1, 100)(rng);
    p.max_row_group_rows = std::uniform_int_distribution<int>(1, 300)(rng);
    p.data_page_version = round % 2 ? DataPageVersion::kV2 : DataPageVersion::kV1;
    p.dictionary = round % 3 != 0;
    SCOPED_TRACE("round " + std::to_string(round) + ": " + table->schema()->ToString());
    ASSERT_OK_AND_ASSIGN(auto back, RoundTrip(*table, p));
    EXPECT_EQ(columnar::RowsToJson(*back), columnar::RowsToJson(*table));
  }
}

// --- extremes -------------------------------------------------------------------

TEST(WriterPropertiesTest, ExtremeValuesNanAndUnicodeRoundTrip) {
  columnar::Int64Builder i64(columnar::int64());
  for (int64_t v : {std::numeric_limits<int64_t>::min(), int64_t(-1), int64_t(0),
                    std::numeric_limits<int64_t>::max()}) {
    ASSERT_OK(i64.Append(v));
  }
  columnar::DoubleBuilder f64(columnar::float64());
  for (double v : {std::nan(""), -0.0, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()}) {
    ASSERT_OK(f64.Append(v));
  }
  columnar::StringBuilder str(columnar::utf8());
  for (const char* v : {"", "\xe2\x82\xac \xf0\x9f\x98\x80", "a\nb\"c", "\x7f"}) {
    ASSERT_OK(str.Append(v));
  }
  columnar::UInt64Builder u64(columnar::uint64());
  for (uint64_t v : {uint64_t(0), uint64_t(1) << 63, ~uint64_t(0), uint64_t(5)}) {
    ASSERT_OK(u64.Append(v));
  }
  ASSERT_OK_AND_ASSIGN(auto a, i64.Finish());
  ASSERT_OK_AND_ASSIGN(auto b, f64.Finish());
  ASSERT_OK_AND_ASSIGN(auto c, str.Finish());
  ASSERT_OK_AND_ASSIGN(auto d, u64.Finish());
  auto table = MakeTable({{"i", a}, {"f", b}, {"s", c}, {"u", d}});
  for (bool dictionary : {true, false}) {
    WriterProperties p;
    p.dictionary = dictionary;
    ASSERT_OK_AND_ASSIGN(auto bytes, WriteParquetBuffer(*table, p));
    ASSERT_OK_AND_ASSIGN(auto reader, OpenBuffer(bytes));
    ASSERT_OK_AND_ASSIGN(auto back, reader->ReadTable());
    EXPECT_EQ(columnar::RowsToJson(*back), columnar::RowsToJson(*table));
    // Statistics in each column's order: unsigned for uint64, NaN left out of
    // float bounds (and counted), -0.0 as a zero minimum.
    const auto& rg = reader->metadata().row_groups[0];
    const Statistics& si = *rg.columns[0].meta_data->statistics;
    int64_t lo, hi;
    std::memcpy(&lo, si.min_value->data(), 8);
    std::memcpy(&hi, si.max_value->data(), 8);
    EXPECT_EQ(lo, std::numeric_limits<int64_t>::min());
    EXPECT_EQ(hi, std::numeric_limits<int64_t>::max());
    const Statistics& sf = *rg.columns[1].meta_data->statistics;
    double flo, fhi;
    std::memcpy(&flo, sf.min_value->data(), 8);
    std::memcpy(&fhi, sf.max_value->data(), 8);
    EXPECT_EQ(flo, -std::numeric_limits<double>::infinity());
    EXPECT_EQ(fhi, std::numeric_limits<double>::infinity());
    EXPECT_EQ(sf.nan_count, 1);
    const Statistics& ss = *rg.columns[2].meta_data->statistics;
    EXPECT_EQ(*ss.min_value, "");
    EXPECT_EQ(*ss.max_value, "\xe2\x82\xac \xf0\x9f\x98\x80");  // bytes order: 0xe2 > 0x7f
    const Statistics& su = *rg.columns[3].meta_data->statistics;
    uint64_t ulo, uhi;
    std::memcpy(&ulo, su.min_value->data(), 8);
    std::memcpy(&uhi, su.max_value->data(), 8);
    EXPECT_EQ(ulo, 0u);
    EXPECT_EQ(uhi, ~uint64_t(0));
    EXPECT_FALSE(su.min.has_value()) << "no signed legacy min/max for unsigned columns";
  }
}

TEST(WriterPropertiesTest, ZeroMinimumIsNegativeZeroAndZeroMaximumPositive) {
  columnar::DoubleBuilder f64(columnar::float64());
  ASSERT_OK(f64.Append(0.0));
  ASSERT_OK(f64.Append(0.0));
  ASSERT_OK_AND_ASSIGN(auto a, f64.Finish());
  ASSERT_OK_AND_ASSIGN(auto bytes, WriteParquetBuffer(*MakeTable({{"f", a}})));
  ASSERT_OK_AND_ASSIGN(auto reader, OpenBuffer(bytes));
  const Statistics& st = *reader->metadata().row_groups[0].columns[0].meta_data->statistics;
  double lo, hi;
  std::memcpy(&lo, st.min_value->data(), 8);
  std::memcpy(&hi, st.max_value->data(), 8);
  EXPECT_TRUE(std::signbit(lo));
  EXPECT_FALSE(std::signbit(hi));
}

// --- metadata --------------------------------------------------------------------

ArrayPtr Sequence(int64_t n, int64_t step = 1) {
  columnar::Int64Builder b(columnar::int64());
  for (int64_t i = 0; i < n; ++i) EXPECT_OK(b.Append(i * step));
  return b.Finish().ValueOrDie();
}

ArrayPtr Strings(int64_t n, int distinct) {
  columnar::StringBuilder b(columnar::utf8());
  for (int64_t i = 0; i < n; ++i) EXPECT_OK(b.Append("value-" + std::to_string(i % distinct)));
  return b.Finish().ValueOrDie();
}

TEST(WriterPropertiesTest, MetadataRecordsWhatWasWritten) {
  auto table = MakeTable({{"id", Sequence(10000)}, {"tag", Strings(10000, 10)},
                          {"uniq", Strings(10000, 10000)}});
  WriterProperties p;
  p.max_page_rows = 1000;
  p.max_row_group_rows = 4000;
  p.key_value_metadata = {{"origin", "test"}};
  p.sorting_columns = {{0, false, false}};
  ASSERT_OK_AND_ASSIGN(auto bytes, WriteParquetBuffer(*table, p));
  ASSERT_OK_AND_ASSIGN(auto reader, OpenBuffer(bytes));
  const FileMetaData& m = reader->metadata();
  EXPECT_THAT(*m.created_by, HasSubstr("quire version "));
  ASSERT_EQ(m.row_groups.size(), 3u);
  EXPECT_EQ(m.row_groups[2].num_rows, 2000);
  EXPECT_EQ(m.num_rows, 10000);
  ASSERT_TRUE(m.key_value_metadata);
  EXPECT_EQ((*m.key_value_metadata)[0].key, "origin");
  ASSERT_TRUE(m.row_groups[0].sorting_columns);
  const ColumnChunk& tag = m.row_groups[0].columns[1];
  // A column with 10 distinct values is dictionary-encoded, a unique one is not.
  EXPECT_THAT(tag.meta_data->encodings, ::testing::Contains(Encoding::kRleDictionary));
  EXPECT_TRUE(tag.meta_data->dictionary_page_offset.has_value());
  EXPECT_EQ(tag.meta_data->statistics->distinct_count, 10);
  const ColumnChunk& uniq = m.row_groups[0].columns[2];
  EXPECT_THAT(uniq.meta_data->encodings, ::testing::Not(::testing::Contains(Encoding::kRleDictionary)));
  EXPECT_EQ(*uniq.meta_data->size_statistics->unencoded_byte_array_data_bytes,
            [&] {
              int64_t n = 0;
              for (int i = 0; i < 4000; ++i) n += int64_t(("value-" + std::to_string(i)).size());
              return n;
            }());
  // Page index: 4 pages of 1000 rows per chunk, ascending for the sorted id.
  const ColumnChunk& id = m.row_groups[0].columns[0];
  ASSERT_TRUE(id.column_index_offset && id.offset_index_offset);
  ASSERT_OK_AND_ASSIGN(auto file_bytes, io::ReadWholeFile(*io::MakeBufferFile(bytes)));
  std::span<const uint8_t> all(file_bytes->data(), size_t(file_bytes->size()));
  ASSERT_OK_AND_ASSIGN(ColumnIndex ci, ParseColumnIndex(all.subspan(
      size_t(*id.column_index_offset), size_t(*id.column_index_length))));
  EXPECT_EQ(ci.null_pages.size(), 4u);
  EXPECT_EQ(ci.boundary_order, BoundaryOrder::kAscending);
  ASSERT_OK_AND_ASSIGN(OffsetIndex oi, ParseOffsetIndex(all.subspan(
      size_t(*id.offset_index_offset), size_t(*id.offset_index_length))));
  ASSERT_EQ(oi.page_locations.size(), 4u);
  EXPECT_EQ(oi.page_locations[3].first_row_index, 3000);
}

// --- pruning on written files --------------------------------------------------------

TEST(WriterPropertiesTest, ReaderPrunesRowGroupsPagesAndBloomFiltersOfWrittenFiles) {
  auto table = MakeTable({{"id", Sequence(20000)}, {"key", Sequence(20000, 7)}});
  WriterProperties p;
  p.max_row_group_rows = 5000;
  p.max_page_rows = 500;
  p.columns["key"].bloom_filter = true;
  p.dictionary = false;
  ASSERT_OK_AND_ASSIGN(auto bytes, WriteParquetBuffer(*table, p));
  ASSERT_OK_AND_ASSIGN(auto reader, OpenBuffer(bytes));
  // Statistics and page index: id between 6100 and 6200 lives in one row group and
  // one page of it.
  {
    ReadStats stats;
    ReadOptions o;
    ASSERT_OK_AND_ASSIGN(o.filter, compute::ParseExpression("id >= 6100 and id < 6200"));
    o.stats = &stats;
    ASSERT_OK_AND_ASSIGN(auto t, reader->ReadTable(o));
    EXPECT_EQ(t->num_rows(), 100);
    EXPECT_EQ(stats.row_groups_pruned, 3);
    EXPECT_EQ(stats.pages_pruned, 2 * 9);  // 9 of 10 pages in both columns
  }
  // Bloom filters: keys are multiples of 7 within every row group's min/max, so
  // only the bloom filter can rule out 7 * 1000 + 3.
  {
    ReadStats stats;
    ReadOptions o;
    ASSERT_OK_AND_ASSIGN(o.filter, compute::ParseExpression("key = 7003"));
    o.stats = &stats;
    ASSERT_OK_AND_ASSIGN(auto t, reader->ReadTable(o));
    EXPECT_EQ(t->num_rows(), 0);
    EXPECT_GE(stats.row_groups_pruned_by_bloom, 1);
  }
}

// --- streaming ------------------------------------------------------------------------

TEST(WriterPropertiesTest, StreamsBatchesIntoRowGroupsBySizeAndRows) {
  auto sink = std::make_unique<io::BufferOutputStream>();
  auto* raw = sink.get();
  auto schema = columnar::schema({columnar::field("id", columnar::int64())});
  WriterProperties p;
  p.max_row_group_rows = 250;
  ASSERT_OK_AND_ASSIGN(auto writer, FileWriter::Open(std::move(sink), schema, p));
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK_AND_ASSIGN(auto batch, columnar::RecordBatch::Make(schema, 100, {Sequence(100)}));
    ASSERT_OK(writer->Write(*batch));
  }
  // 1000 rows in groups of 250: three were flushed while writing, the fourth
  // waits for Close().
  EXPECT_EQ(writer->num_rows(), 1000);
  ASSERT_OK(writer->FlushRowGroup());
  ASSERT_OK_AND_ASSIGN(auto summary, writer->Close());
  EXPECT_EQ(summary.num_row_groups, 4);
  ASSERT_OK_AND_ASSIGN(auto reader, OpenBuffer(raw->buffer()));
  EXPECT_EQ(reader->metadata().num_rows, 1000);

  // By bytes: 8 bytes a row and a 4000-byte limit give row groups of 500 rows.
  auto sink2 = std::make_unique<io::BufferOutputStream>();
  auto* raw2 = sink2.get();
  WriterProperties q;
  q.max_row_group_bytes = 4000;
  ASSERT_OK_AND_ASSIGN(auto w2, FileWriter::Open(std::move(sink2), schema, q));
  ASSERT_OK_AND_ASSIGN(auto big, columnar::RecordBatch::Make(schema, 2000, {Sequence(2000)}));
  ASSERT_OK(w2->Write(*big));
  ASSERT_OK(w2->Close());
  ASSERT_OK_AND_ASSIGN(auto r2, OpenBuffer(raw2->buffer()));
  EXPECT_EQ(r2->metadata().row_groups.size(), 4u);
}

TEST(WriterPropertiesTest, ZeroRowFileHasSchemaAndNoRowGroups) {
  auto table = MakeTable({{"id", Sequence(0)}, {"s", Strings(0, 1)}});
  ASSERT_OK_AND_ASSIGN(auto bytes, WriteParquetBuffer(*table));
  ASSERT_OK_AND_ASSIGN(auto reader, OpenBuffer(bytes));
  EXPECT_EQ(reader->metadata().row_groups.size(), 0u);
  ASSERT_OK_AND_ASSIGN(auto back, reader->ReadTable());
  EXPECT_EQ(back->num_rows(), 0);
  EXPECT_EQ(back->schema()->num_fields(), 2);
}

// --- errors -----------------------------------------------------------------------------

TEST(WriterPropertiesTest, RejectsBadPropertiesAndData) {
  auto schema = columnar::schema({columnar::field("id", columnar::int64(), false)});
  {
    WriterProperties p;
    p.columns["nope"].codec = CompressionCodec::kZstd;
    EXPECT_THAT(FileWriter::Open(std::make_unique<io::BufferOutputStream>(), schema, p),
                IsError(ErrorCode::kInvalidArgument, HasSubstr("'nope'")));
  }
  {
    WriterProperties p;
    p.columns["id"].encoding = Encoding::kDeltaLengthByteArray;
    EXPECT_THAT(FileWriter::Open(std::make_unique<io::BufferOutputStream>(), schema, p),
                IsError(ErrorCode::kInvalidArgument, HasSubstr("does not fit")));
  }
  {
    WriterProperties p;
    p.codec = CompressionCodec::kLzo;
    EXPECT_THAT(FileWriter::Open(std::make_unique<io::BufferOutputStream>(), schema, p),
                IsError(ErrorCode::kUnsupported));
  }
  {
    WriterProperties p;
    p.compression_level = 99;
    p.codec = CompressionCodec::kZstd;
    EXPECT_THAT(FileWriter::Open(std::make_unique<io::BufferOutputStream>(), schema, p),
                IsError(ErrorCode::kInvalidArgument));
  }
  // Nulls in a non-nullable column.
  ASSERT_OK_AND_ASSIGN(auto writer,
                       FileWriter::Open(std::make_unique<io::BufferOutputStream>(), schema));
  columnar::Int64Builder b(columnar::int64());
  ASSERT_OK(b.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::RecordBatch::Make(schema, 1, {a}));
  ASSERT_OK(writer->Write(*batch));
  EXPECT_THAT(writer->Close(), IsError(ErrorCode::kInvalidArgument, HasSubstr("'id'")));
  // A batch of another schema.
  ASSERT_OK_AND_ASSIGN(auto w2,
                       FileWriter::Open(std::make_unique<io::BufferOutputStream>(), schema));
  auto other = columnar::schema({columnar::field("x", columnar::int64())});
  ASSERT_OK_AND_ASSIGN(auto wrong, columnar::RecordBatch::Make(other, 1, {Sequence(1)}));
  EXPECT_THAT(w2->Write(*wrong), IsError(ErrorCode::kInvalidArgument, HasSubstr("schema")));
}

TEST(WriterPropertiesTest, ValuesParquetCannotHoldAreErrors) {
  columnar::MonthDayNanoBuilder iv(columnar::interval_month_day_nano());
  ASSERT_OK(iv.Append({1, 2, 3}));  // 3 ns: not whole milliseconds
  ASSERT_OK_AND_ASSIGN(auto a, iv.Finish());
  EXPECT_THAT(WriteParquetBuffer(*MakeTable({{"iv", a}})),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("INTERVAL")));
  columnar::MonthDayNanoBuilder ok(columnar::interval_month_day_nano());
  ASSERT_OK(ok.Append({14, 3, 5000000}));
  ASSERT_OK_AND_ASSIGN(auto good, ok.Finish());
  ASSERT_OK_AND_ASSIGN(auto back, RoundTrip(*MakeTable({{"iv", good}})));
  EXPECT_EQ(columnar::RowsToJson(*back), columnar::RowsToJson(*MakeTable({{"iv", good}})));

  columnar::FixedWidthBuilder<int64_t> ts(columnar::timestamp(columnar::TimeUnit::kSecond));
  ASSERT_OK(ts.Append(std::numeric_limits<int64_t>::max() / 10));
  ASSERT_OK_AND_ASSIGN(auto t, ts.Finish());
  EXPECT_THAT(WriteParquetBuffer(*MakeTable({{"ts", t}})),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("milliseconds")));
  EXPECT_THAT(WriteParquetBuffer(*MakeTable({{"s", columnar::MakeArrayOfNulls(
                                                       columnar::struct_({}), 1).ValueOrDie()}})),
              IsError(ErrorCode::kUnsupported));
}

TEST(WriterPropertiesTest, NegativeScaleDecimalsAreRefused) {
  auto type = columnar::decimal128(5, -2);
  auto a = testing::MakeRandomArray(type, 3);
  EXPECT_THAT(WriteParquetBuffer(*MakeTable({{"d", a}})),
              IsError(ErrorCode::kUnsupported, HasSubstr("negative scale")));
}

TEST(WriterPropertiesTest, AbortLeavesNothingAtThePath) {
  const std::string path = ::testing::TempDir() + "/quire_writer_abort.parquet";
  std::remove(path.c_str());
  auto schema = columnar::schema({columnar::field("id", columnar::int64())});
  {
    ASSERT_OK_AND_ASSIGN(auto sink, io::OpenLocalOutput(path));
    ASSERT_OK_AND_ASSIGN(auto writer, FileWriter::Open(std::move(sink), schema));
    ASSERT_OK_AND_ASSIGN(auto batch, columnar::RecordBatch::Make(schema, 10, {Sequence(10)}));
    ASSERT_OK(writer->Write(*batch));
    ASSERT_OK(writer->FlushRowGroup());
    // Destroyed without Close().
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace quire::parquet
