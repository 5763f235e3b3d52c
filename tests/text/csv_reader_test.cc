/// \file tests/text/csv_reader_test.cc
/// \brief CsvReader: syntax, inference, schemas, malformed rows, rejects, blocks.
#include "quire/text/csv_reader.h"

#include <gtest/gtest.h>

#include "quire/columnar/json.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/testing/matchers.h"

namespace quire::text {
namespace {

using columnar::RecordBatchPtr;
using ::quire::testing::IsError;
using ::testing::HasSubstr;

Result<std::unique_ptr<CsvReader>> OpenCsv(std::string text, CsvReadOptions options = {}) {
  return CsvReader::Open(io::MakeStringInput(std::move(text), "t.csv"), std::move(options));
}

// All rows as canonical JSON, one row per line.
std::string ReadRows(CsvReader& reader) {
  std::string out;
  while (true) {
    auto batch = reader.Next();
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok() || *batch == nullptr) break;
    EXPECT_OK((*batch)->ValidateFull());
    std::string rows = columnar::RowsToJson(**batch);
    // Strip the enclosing "[\n" and "\n]".
    if (rows.size() > 4) out += rows.substr(2, rows.size() - 4) + "\n";
  }
  return out;
}

TEST(CsvReaderTest, Smoke) {
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv("a,b,c\n1,x,2.5\n2,\"y,z\",3\n"));
  EXPECT_EQ(reader->schema()->ToString(), "a: int64\nb: string\nc: double");
  EXPECT_EQ(ReadRows(*reader), "[1,\"x\",2.5],\n[2,\"y,z\",3]\n");
}

}  // namespace
}  // namespace quire::text
