/// \file tests/parquet/writer_test.cc
/// \brief FileWriter: every type, null pattern, codec, encoding and page version
/// written and read back by quire's reader, value by value (canonical JSON).

#include "quire/parquet/file_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/json.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "writer_test_util.h"

namespace quire::parquet {
namespace {

using columnar::ArrayPtr;
using columnar::TypeId;
using columnar::TypePtr;

// Types whose random values Parquet cannot hold as they are.
bool Writable(const TypePtr& t) {
  if (t->id() == TypeId::kIntervalMonthDayNano) return false;  // negative parts
  if (t->is_decimal() && t->scale() < 0) return false;
  for (const auto& f : t->fields()) {
    if (!Writable(f->type())) return false;
  }
  if (t->id() == TypeId::kDictionary) return Writable(t->dictionary_value_type());
  return true;
}

using test::OneColumn;

Result<columnar::TablePtr> ReadBack(const columnar::BufferPtr& bytes) {
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(io::MakeBufferFile(bytes, "written")));
  return reader->ReadTable();
}

std::string Rows(const columnar::Table& t) { return columnar::RowsToJson(t); }

struct Variant {
  std::string name;
  WriterProperties props;
};

std::vector<Variant> Variants() {
  std::vector<Variant> v;
  v.push_back({"default", {}});
  WriterProperties p;
  p.data_page_version = DataPageVersion::kV2;
  p.codec = CompressionCodec::kZstd;
  v.push_back({"v2_zstd", p});
  p = {};
  p.dictionary = false;
  p.codec = CompressionCodec::kUncompressed;
  p.max_page_rows = 7;
  p.max_row_group_rows = 100;
  v.push_back({"plain_small_pages_and_groups", p});
  return v;
}

TEST(WriterTest, RoundTripsEveryTypeAndNullPattern) {
  for (const auto& [name, type] : testing::EveryType()) {
    if (!Writable(type)) continue;
    for (double nulls : {0.0, 0.3, 1.0}) {
      for (int64_t length : {0, 1, 300}) {
        for (const auto& variant : Variants()) {
          SCOPED_TRACE(name + " nulls=" + std::to_string(nulls) + " length=" +
                       std::to_string(length) + " " + variant.name);
          auto table = OneColumn(name, type, length, nulls, 7);
          ASSERT_OK_AND_ASSIGN(auto bytes, WriteParquetBuffer(*table, variant.props));
          ASSERT_OK_AND_ASSIGN(auto back, ReadBack(bytes));
          EXPECT_EQ(back->num_rows(), length);
          EXPECT_EQ(Rows(*back), Rows(*table));
        }
      }
    }
  }
}

}  // namespace
}  // namespace quire::parquet
