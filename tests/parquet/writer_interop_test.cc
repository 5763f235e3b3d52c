/// \file tests/parquet/writer_interop_test.cc
/// \brief Files written by quire, read back by quire and by DuckDB (an independent
/// reader, tests/tools/duckdb_canonical.mjs): both must give the input's canonical
/// JSON, for every type, null pattern, codec, encoding and page version.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <filesystem>
#include <map>
#include <sstream>

#include "quire/columnar/builder.h"
#include "quire/columnar/json.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_writer.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "corpus.h"
#include "writer_test_util.h"

namespace quire::parquet {
namespace {

namespace fs = std::filesystem;
using columnar::TypeId;
using columnar::TypePtr;

// Types DuckDB 1.5.6 cannot give back exactly (quire's reader is checked on them
// by writer_test.cc):
// - decimals above precision 38: DuckDB reads them as DOUBLE;
// - month-day-nano intervals and negative-scale decimals: random values do not fit
//   Parquet (tested in writer_test.cc);
bool DuckDbComparable(const TypePtr& t) {
  if (t->is_decimal() && (t->precision() > 38 || t->scale() < 0)) return false;
  if (t->id() == TypeId::kIntervalMonthDayNano) return false;
  if (t->id() == TypeId::kDictionary) return DuckDbComparable(t->dictionary_value_type());
  for (const auto& f : t->fields()) {
    if (!DuckDbComparable(f->type())) return false;
  }
  return true;
}

// Run the DuckDB reader on `files`; return each file's output lines.
std::map<std::string, std::string> DuckDbRows(const std::vector<std::string>& files,
                                              const std::string& where = "") {
  const fs::path script = fs::path(QUIRE_SOURCE_DIR) / "tests/tools/duckdb_canonical.mjs";
  const fs::path list = fs::temp_directory_path() / ("quire-interop-" + std::to_string(::getpid()) + ".out");
  std::string cmd = "node " + script.string();
  if (!where.empty()) cmd += " \"--where=" + where + "\"";
  for (const auto& f : files) cmd += " '" + f + "'";
  cmd += " > '" + list.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  std::map<std::string, std::string> out;
  std::ifstream in(list);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      current = line.substr(3);
      out[current];
      continue;
    }
    out[current] += line + "\n";
  }
  fs::remove(list);
  if (rc != 0) out["<exit>"] = "node exited with " + std::to_string(rc);
  return out;
}

// One line per row, as `quire cat` and duckdb_canonical.mjs print them.
std::string RowLines(const columnar::Table& table) {
  std::string out;
  for (const auto& batch : table.ToBatches()) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      out += '[';
      for (int c = 0; c < batch->num_columns(); ++c) {
        if (c) out += ',';
        columnar::AppendJsonValue(*batch->column(c), r, &out, batch->schema()->field(c).get());
      }
      out += "]\n";
    }
  }
  return out;
}

struct Case {
  std::string file;
  std::string expected;
};

class WriterInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("quire-writer-interop-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Write `table` with `props`, check quire reads it back, remember it for DuckDB.
  void Add(const std::string& name, const columnar::Table& table, const WriterProperties& props) {
    const std::string path = (dir_ / (name + ".parquet")).string();
    auto written = WriteParquetFile(table, path, props);
    ASSERT_TRUE(written.ok()) << name << ": " << written.status().ToString();
    const std::string expected = RowLines(table);
    auto file = io::OpenLocalFile(path);
    ASSERT_TRUE(file.ok());
    auto reader = FileReader::Open(std::move(*file));
    ASSERT_TRUE(reader.ok()) << name << ": " << reader.status().ToString();
    auto back = (*reader)->ReadTable();
    ASSERT_TRUE(back.ok()) << name << ": " << back.status().ToString();
    EXPECT_EQ(RowLines(**back), expected) << name << " (quire)";
    cases_.push_back({path, expected});
  }

  void CheckDuckDb() {
    std::vector<std::string> files;
    for (const auto& c : cases_) files.push_back(c.file);
    auto rows = DuckDbRows(files);
    ASSERT_EQ(rows.count("<exit>"), 0u) << rows["<exit>"] << "\n" << rows[""];
    for (const auto& c : cases_) {
      EXPECT_EQ(rows[c.file], c.expected) << fs::path(c.file).filename() << " (DuckDB)";
    }
  }

  fs::path dir_;
  std::vector<Case> cases_;
};

using test::OneColumn;

TEST_F(WriterInteropTest, EveryTypeAndNullPatternReadsTheSameInDuckDb) {
  for (const auto& [name, type] : testing::EveryType()) {
    if (!DuckDbComparable(type)) continue;
    int k = 0;
    for (double nulls : {0.0, 0.3, 1.0}) {
      WriterProperties p;
      if (k == 1) p.data_page_version = DataPageVersion::kV2;
      if (k == 2) p.dictionary = false;
      p.max_page_rows = 50;
      p.max_row_group_rows = 120;
      Add(name + "_" + std::to_string(k++), *OneColumn(name, type, 300, nulls, 11), p);
    }
  }
  CheckDuckDb();
}

TEST_F(WriterInteropTest, EveryCodecAndEncodingReadsTheSameInDuckDb) {
  const std::vector<std::pair<std::string, TypePtr>> columns = {
      {"i32", columnar::int32()},   {"i64", columnar::int64()},
      {"f32", columnar::float32()}, {"f64", columnar::float64()},
      {"s", columnar::utf8()},      {"b", columnar::binary()},
      {"fsb", columnar::fixed_size_binary(4)}};
  const std::vector<std::pair<std::string, CompressionCodec>> codecs = {
      {"none", CompressionCodec::kUncompressed}, {"snappy", CompressionCodec::kSnappy},
      {"gzip", CompressionCodec::kGzip},         {"brotli", CompressionCodec::kBrotli},
      {"zstd", CompressionCodec::kZstd},         {"lz4raw", CompressionCodec::kLz4Raw}};
  for (const auto& [cname, codec] : codecs) {
    for (const auto& [name, type] : columns) {
      std::vector<Encoding> encodings = {Encoding::kPlain};
      if (type->id() == TypeId::kInt32 || type->id() == TypeId::kInt64) {
        encodings.push_back(Encoding::kDeltaBinaryPacked);
      }
      if (type->is_binary_like()) {
        encodings.push_back(Encoding::kDeltaLengthByteArray);
        encodings.push_back(Encoding::kDeltaByteArray);
      }
      // DuckDB 1.5.6 reads BYTE_STREAM_SPLIT only for FLOAT and DOUBLE.
      if (type->is_floating()) encodings.push_back(Encoding::kByteStreamSplit);
      for (Encoding e : encodings) {
        for (bool v2 : {false, true}) {
          WriterProperties p;
          p.codec = codec;
          p.columns[name].encoding = e;
          p.data_page_version = v2 ? DataPageVersion::kV2 : DataPageVersion::kV1;
          p.max_page_rows = 64;
          p.columns[name].bloom_filter = true;  // DuckDB must accept quire's filters
          Add(cname + "_" + name + "_" + ToString(e) + (v2 ? "_v2" : "_v1"),
              *OneColumn(name, type, 500, 0.1, 5), p);
        }
      }
    }
  }
  CheckDuckDb();
}

TEST_F(WriterInteropTest, EveryCorpusFileRewrittenReadsTheSameInQuireAndDuckDb) {
  // Rewriting turns every encoding, codec and legacy annotation of the corpus into
  // what quire writes; DuckDB then reads all of them (it cannot read some of the
  // originals: Hadoop LZ4, BYTE_STREAM_SPLIT on integers, a MAP without values).
  int files = 0;
  for (const auto& path : test::CorpusFiles()) {
    // The parquet-testing files (tests/data/parquet/data); the shredded VARIANT
    // cases hold nanosecond timestamps DuckDB 1.5.6 reads as microseconds.
    if (!test::ReadableCandidate(path) || path.parent_path().filename() != "data") {
      continue;
    }
    auto whole = test::ReadWhole(path);
    if (!whole) continue;
    Add("corpus_" + path.stem().string(), *whole->table, {});
    ++files;
  }
  EXPECT_GE(files, 60);
  CheckDuckDb();
}

TEST_F(WriterInteropTest, DuckDbFiltersWithQuireStatisticsPageIndexAndBloomFilters) {
  // A sorted key in pages of 100 rows and row groups of 1000, a bloom filter on a
  // scattered column: DuckDB must read the metadata and give the exact rows.
  columnar::Int64Builder id(columnar::int64());
  columnar::StringBuilder tag(columnar::utf8());
  for (int64_t i = 0; i < 5000; ++i) {
    ASSERT_TRUE(id.Append(i).ok());
    ASSERT_TRUE(tag.Append("t" + std::to_string(i * 7919 % 5000)).ok());
  }
  auto a = id.Finish().ValueOrDie();
  auto b = tag.Finish().ValueOrDie();
  auto schema = columnar::schema({columnar::field("id", a->type()), columnar::field("tag", b->type())});
  columnar::Table table(schema,
                        {std::make_shared<columnar::ChunkedArray>(a->type(), columnar::ArrayVector{a}),
                         std::make_shared<columnar::ChunkedArray>(b->type(), columnar::ArrayVector{b})},
                        5000);
  WriterProperties p;
  p.max_page_rows = 100;
  p.max_row_group_rows = 1000;
  p.columns["tag"].bloom_filter = true;
  p.dictionary = false;
  const std::string path = (dir_ / "filtered.parquet").string();
  ASSERT_TRUE(WriteParquetFile(table, path, p).ok());
  auto row = [](int64_t i) {
    return "[" + std::to_string(i) + ",\"t" + std::to_string(i * 7919 % 5000) + "\"]\n";
  };
  auto by_id = DuckDbRows({path}, "id BETWEEN 2345 AND 2347");
  EXPECT_EQ(by_id[path], row(2345) + row(2346) + row(2347));
  auto by_tag = DuckDbRows({path}, "tag = 't" + std::to_string(2345 * 7919 % 5000) + "'");
  EXPECT_EQ(by_tag[path], row(2345));
  auto none = DuckDbRows({path}, "tag = 'absent'");
  EXPECT_EQ(none[path], "");
}

}  // namespace
}  // namespace quire::parquet
