/// \file tests/text/csv_reader_test.cc
/// \brief CsvReader: syntax, inference, explicit schemas, malformed rows, rejects,
/// block boundaries and threads.
#include "quire/text/csv_reader.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "quire/columnar/json.h"
#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/testing/matchers.h"
#include "quire/util/thread_pool.h"

namespace quire::text {
namespace {

using columnar::RecordBatchPtr;
using ::quire::testing::IsError;
using ::testing::HasSubstr;

MATCHER_P(IsOkAndHolds, expected, "is OK and holds the expected value") {
  if (!arg.ok()) {
    *result_listener << arg.status().ToString();
    return false;
  }
  if (*arg == expected) return true;
  *result_listener << "holds\n" << *arg;
  return false;
}

Result<std::unique_ptr<CsvReader>> OpenCsv(std::string text, CsvReadOptions options = {}) {
  return CsvReader::Open(io::MakeStringInput(std::move(text), "t.csv"), std::move(options));
}

// The rows of every batch as canonical JSON, one row per line.
Result<std::string> ReadRows(CsvReader& reader, int64_t* batches = nullptr) {
  std::string out;
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader.Next());
    if (batch == nullptr) break;
    QUIRE_RETURN_NOT_OK(batch->ValidateFull());
    if (batches) ++*batches;
    const std::string rows = columnar::RowsToJson(*batch);
    if (rows.size() > 4) out += rows.substr(2, rows.size() - 4) + "\n";
  }
  return out;
}

Result<std::string> Rows(std::string text, CsvReadOptions options = {}) {
  QUIRE_ASSIGN_OR_RETURN(auto reader, OpenCsv(std::move(text), std::move(options)));
  return ReadRows(*reader);
}

std::string SchemaOf(std::string text, CsvReadOptions options = {}) {
  auto reader = OpenCsv(std::move(text), std::move(options));
  if (!reader.ok()) return reader.status().ToString();
  return (*reader)->schema()->ToString();
}

columnar::SchemaPtr MakeSchema(std::vector<std::pair<std::string, std::string>> fields) {
  columnar::FieldVector out;
  for (auto& [name, type] : fields) {
    bool nullable = true;
    if (type.size() > 9 && type.substr(type.size() - 9) == " not null") {
      nullable = false;
      type = type.substr(0, type.size() - 9);
    }
    out.push_back(columnar::field(name, columnar::ParseType(type).ValueOrDie(), nullable));
  }
  return columnar::schema(std::move(out));
}

// --- Syntax -----------------------------------------------------------------

TEST(CsvReaderTest, ReadsHeaderAndTypedRows) {
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv("a,b,c\n1,x,2.5\n2,\"y,z\",3\n"));
  EXPECT_EQ(reader->schema()->ToString(), "a: int64\nb: string\nc: double");
  ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(*reader));
  EXPECT_EQ(rows, "[1,\"x\",2.5],\n[2,\"y,z\",3]\n");
  EXPECT_EQ(reader->rows_read(), 2);
  EXPECT_EQ(reader->rows_rejected(), 0);
}

TEST(CsvReaderTest, QuotedFieldsHoldDelimitersDoubledQuotesAndNewlines) {
  const std::string csv =
      "s,n\n"
      "\"a,b\",1\n"
      "\"say \"\"hi\"\"\",2\n"
      "\"two\nlines\",3\n"
      "\"\",4\n"
      "\"crlf\r\ninside\",5\n";
  EXPECT_THAT(Rows(csv), IsOkAndHolds(std::string(
                             "[\"a,b\",1],\n[\"say \\\"hi\\\"\",2],\n[\"two\\nlines\",3],\n"
                             "[\"\",4],\n[\"crlf\\r\\ninside\",5]\n")));
}

TEST(CsvReaderTest, AcceptsCrlfLineEndsAndAMissingFinalLineEnd) {
  EXPECT_THAT(Rows("a,b\r\n1,x\r\n2,y"), IsOkAndHolds(std::string("[1,\"x\"],\n[2,\"y\"]\n")));
  EXPECT_THAT(Rows("a,b\r\n1,\"q\"\r\n"), IsOkAndHolds(std::string("[1,\"q\"]\n")));
}

TEST(CsvReaderTest, SkipsAUtf8ByteOrderMark) {
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv("\xEF\xBB\xBFid,v\n1,2\n"));
  EXPECT_EQ(reader->schema()->field(0)->name(), "id");
}

TEST(CsvReaderTest, OtherDelimiterAndQuote) {
  CsvReadOptions options;
  options.delimiter = ';';
  options.quote = '\'';
  EXPECT_THAT(Rows("a;b\n'x;y';1\n'it''s';2\n", options),
              IsOkAndHolds(std::string("[\"x;y\",1],\n[\"it's\",2]\n")));
  options.delimiter = '\t';
  options.quote = '"';
  EXPECT_THAT(Rows("a\tb\n1\t2\n", options), IsOkAndHolds(std::string("[1,2]\n")));
}

TEST(CsvReaderTest, SkipsBlankLinesExceptInOneColumnFiles) {
  EXPECT_THAT(Rows("a,b\n\n1,2\n\r\n3,4\n\n"), IsOkAndHolds(std::string("[1,2],\n[3,4]\n")));
  EXPECT_THAT(Rows("a\n1\n\n3\n"), IsOkAndHolds(std::string("[1],\n[null],\n[3]\n")));
}

TEST(CsvReaderTest, NoHeaderNamesColumnsAndSkipRowsSkipsLines) {
  CsvReadOptions options;
  options.header = false;
  EXPECT_EQ(SchemaOf("1,a\n2,b\n", options), "f0: int64\nf1: string");
  EXPECT_THAT(Rows("1,a\n2,b\n", options), IsOkAndHolds(std::string("[1,\"a\"],\n[2,\"b\"]\n")));
  options.header = true;
  options.skip_rows = 2;
  EXPECT_EQ(SchemaOf("# comment\njunk,\"x\nx,y\n1,2\n", options), "x: int64\ny: int64");
}

TEST(CsvReaderTest, EmptyRepeatedAndQuotedHeaderNames) {
  EXPECT_EQ(SchemaOf("a,,a,\"b,c\",a\n1,2,3,4,5\n"),
            "a: int64\nf1: int64\na_1: int64\nb,c: int64\na_2: int64");
}

TEST(CsvReaderTest, EmptyInputAndHeaderOnlyInput) {
  ASSERT_OK_AND_ASSIGN(auto empty, OpenCsv(""));
  EXPECT_EQ(empty->schema()->num_fields(), 0);
  ASSERT_OK_AND_ASSIGN(auto none, empty->Next());
  EXPECT_EQ(none, nullptr);

  ASSERT_OK_AND_ASSIGN(auto header_only, OpenCsv("a,b\n"));
  EXPECT_EQ(header_only->schema()->ToString(), "a: string\nb: string");
  ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(*header_only));
  EXPECT_EQ(rows, "");

  CsvReadOptions options;
  options.schema = MakeSchema({{"x", "int32"}});
  ASSERT_OK_AND_ASSIGN(auto with_schema, OpenCsv("", options));
  EXPECT_EQ(with_schema->schema()->ToString(), "x: int32");
  ASSERT_OK_AND_ASSIGN(rows, ReadRows(*with_schema));
  EXPECT_EQ(rows, "");
}

// --- Nulls ------------------------------------------------------------------

TEST(CsvReaderTest, NullValuesAreUnquotedAndConfigurable) {
  EXPECT_THAT(Rows("a,b\n1,x\n,NULL\nnull,\"\"\n4,\"NULL\"\n"),
              IsOkAndHolds(std::string(
                  "[1,\"x\"],\n[null,null],\n[null,\"\"],\n[4,\"NULL\"]\n")));
  CsvReadOptions options;
  options.null_values = {"NA", "-"};
  EXPECT_EQ(SchemaOf("a,b\n1,NA\n-,x\n", options), "a: int64\nb: string");
  EXPECT_THAT(Rows("a,b\n1,NA\n-,\n", options),
              IsOkAndHolds(std::string("[1,null],\n[null,\"\"]\n")));
}

// --- Inference --------------------------------------------------------------

TEST(CsvReaderTest, InfersTheNarrowestTypePerColumn) {
  const std::string csv =
      "b,i,f,d,ts,tz,s,n\n"
      "true,1,1.5,2024-02-29,2024-01-01 10:00:00,2024-01-01T10:00:00Z,x,\n"
      "FALSE,-7,1e3,1970-01-01,2024-01-01T10:00:00.123456,2024-01-01T12:00:00+02:00,1,\n";
  EXPECT_EQ(SchemaOf(csv),
            "b: bool\ni: int64\nf: double\nd: date32[day]\nts: timestamp[us]\n"
            "tz: timestamp[us, tz=UTC]\ns: string\nn: string");
  EXPECT_THAT(Rows(csv),
              IsOkAndHolds(std::string(
                  "[true,1,1.5,\"2024-02-29\",\"2024-01-01T10:00:00.000000\","
                  "\"2024-01-01T10:00:00.000000Z\",\"x\",null],\n"
                  "[false,-7,1000,\"1970-01-01\",\"2024-01-01T10:00:00.123456\","
                  "\"2024-01-01T10:00:00.000000Z\",\"1\",null]\n")));
}

TEST(CsvReaderTest, WideningRuleWithinTheSample) {
  EXPECT_EQ(SchemaOf("x\n1\n2.5\n"), "x: double");          // int -> float
  EXPECT_EQ(SchemaOf("x\n1.5\n2\n"), "x: double");
  EXPECT_EQ(SchemaOf("x\n2024-01-01\n2024-01-01 00:00:01\n"), "x: timestamp[us]");
  EXPECT_EQ(SchemaOf("x\n1\ntrue\n"), "x: string");         // mixed
  EXPECT_EQ(SchemaOf("x\n1\n2024-01-01\n"), "x: string");
  EXPECT_EQ(SchemaOf("x\n2024-01-01T00:00:00\n2024-01-01T00:00:00Z\n"), "x: string");
  EXPECT_EQ(SchemaOf("x\n1.5\nabc\n"), "x: string");        // float -> string
  EXPECT_EQ(SchemaOf("x\n99999999999999999999\n"), "x: string");  // beyond int64
  EXPECT_EQ(SchemaOf("x\n\"12\"\n"), "x: int64");           // quotes are not types
  EXPECT_EQ(SchemaOf("x\n 1\n"), "x: string");              // no trimming
  EXPECT_EQ(SchemaOf("x\n2023-02-29\n"), "x: string");       // not a date
  EXPECT_EQ(SchemaOf("x\n\n\nNULL\n"), "x: string");           // all null
}

TEST(CsvReaderTest, TypesAreFixedAfterTheSample) {
  CsvReadOptions options;
  options.infer_rows = 2;
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv("id,v\n1,a\n2,b\n3.5,c\n", options));
  EXPECT_EQ(reader->schema()->ToString(), "id: int64\nv: string");
  EXPECT_THAT(ReadRows(*reader),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("t.csv:4: column 1 ('id'): '3.5' does not fit int64")));
}

TEST(CsvReaderTest, IntegerOverflowDoesNotFit) {
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "int64"}, {"b", "int8"}, {"c", "uint16"}});
  EXPECT_THAT(Rows("a,b,c\n9223372036854775807,-128,65535\n", options),
              IsOkAndHolds(std::string("[\"9223372036854775807\",-128,65535]\n")));
  EXPECT_THAT(Rows("a,b,c\n9223372036854775808,0,0\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("'9223372036854775808' does not fit int64")));
  EXPECT_THAT(Rows("a,b,c\n-9223372036854775808,128,0\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("column 2 ('b'): '128' does not fit int8")));
  EXPECT_THAT(Rows("a,b,c\n0,0,-1\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("'-1' does not fit uint16")));
}

// --- Explicit schema --------------------------------------------------------

TEST(CsvReaderTest, ExplicitSchemaMatchesHeaderNamesInSchemaOrder) {
  CsvReadOptions options;
  options.schema = MakeSchema({{"b", "string"}, {"a", "int32"}});
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv("a,b\n1,x\n2,y\n", options));
  EXPECT_EQ(reader->schema()->ToString(), "b: string\na: int32");
  ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(*reader));
  EXPECT_EQ(rows, "[\"x\",1],\n[\"y\",2]\n");
}

TEST(CsvReaderTest, ExplicitSchemaMissingOrExtraColumnsAreErrors) {
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "int32"}, {"c", "string"}});
  EXPECT_THAT(OpenCsv("a,b\n1,2\n", options),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("column 'b' of the header")));
  options.schema = MakeSchema({{"a", "int32"}, {"b", "int32"}, {"c", "string"}});
  EXPECT_THAT(OpenCsv("a,b\n1,2\n", options),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("schema field 'c'")));
  options.header = false;
  EXPECT_THAT(OpenCsv("1,2\n", options),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("has 2 fields but the schema has 3")));
  options.schema = MakeSchema({{"l", "list<item: int32>"}});
  EXPECT_THAT(OpenCsv("1\n", options), IsError(ErrorCode::kUnsupported, HasSubstr("list")));
}

TEST(CsvReaderTest, ExplicitSchemaTypes) {
  CsvReadOptions options;
  options.schema = MakeSchema({{"b", "bool"},
                               {"f", "float"},
                               {"d64", "date64[ms]"},
                               {"t", "time64[us]"},
                               {"ts", "timestamp[ms]"},
                               {"tz", "timestamp[s, tz=UTC]"},
                               {"bin", "binary"},
                               {"ls", "large_string"},
                               {"n", "null"}});
  EXPECT_THAT(
      Rows("b,f,d64,t,ts,tz,bin,ls,n\n"
           "1,0.5,2000-01-02,12:34:56.5,2024-03-01T01:02:03.004,2024-03-01 02:00:00+01:00,"
           "ab,ü,\n"
           "False,-inf,1969-12-31,00:00:00,1900-01-01,2024-03-01 01:00:00,,\"\",NULL\n",
           options),
      IsOkAndHolds(std::string(
          "[true,0.5,\"2000-01-02\",\"12:34:56.500000\",\"2024-03-01T01:02:03.004000\","
          "\"2024-03-01T01:00:00.000000Z\",\"0x6162\",\"ü\",null],\n"
          "[false,\"-Infinity\",\"1969-12-31\",\"00:00:00.000000\",\"1900-01-01T00:00:00.000000\","
          "\"2024-03-01T01:00:00.000000Z\",null,\"\",null]\n")));
  // A naive column refuses offsets; digits finer than the unit do not fit.
  options.schema = MakeSchema({{"ts", "timestamp[ms]"}});
  EXPECT_THAT(Rows("ts\n2024-01-01T00:00:00Z\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("does not fit timestamp[ms]")));
  EXPECT_THAT(Rows("ts\n2024-01-01T00:00:00.0001\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("does not fit timestamp[ms]")));
  EXPECT_THAT(Rows("ts\n2024-01-01T00:00:00.0010\n", options),
              IsOkAndHolds(std::string("[\"2024-01-01T00:00:00.001000\"]\n")));
}

TEST(CsvReaderTest, DecimalsParseExactly) {
  CsvReadOptions options;
  options.schema = MakeSchema({{"d", "decimal(15,2)"}, {"w", "decimal256(40, 3)"}});
  EXPECT_THAT(Rows("d,w\n123.45,1.5\n-0.5,-0.001\n7,1234567890123456789012345678901234567.1\n"
                   ".5,0\n+1.2,2.\n1.230,3\n",
                   options),
              IsOkAndHolds(std::string("[\"123.45\",\"1.500\"],\n[\"-0.50\",\"-0.001\"],\n"
                                        "[\"7.00\",\"1234567890123456789012345678901234567.100\"],\n"
                                        "[\"0.50\",\"0.000\"],\n[\"1.20\",\"2.000\"],\n"
                                        "[\"1.23\",\"3.000\"]\n")));
  for (const char* bad : {"1.234", "1e3", "12345678901234.5", "abc", "1.2.3", "-", "."}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(Rows(std::string("d,w\n") + bad + ",0\n", options),
                IsError(ErrorCode::kCorrupt, HasSubstr("does not fit decimal128(15, 2)")));
  }
  EXPECT_THAT(Rows("d,w\n9999999999999.99,0\n", options),
              IsOkAndHolds(std::string("[\"9999999999999.99\",\"0.000\"]\n")));
}

TEST(CsvReaderTest, NonNullableFieldsRefuseNulls) {
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "int32 not null"}, {"s", "string not null"}});
  EXPECT_THAT(Rows("a,s\n1,\"\"\n", options), IsOkAndHolds(std::string("[1,\"\"]\n")));
  EXPECT_THAT(Rows("a,s\n1,x\n2,\n", options),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("t.csv:3: column 2 ('s'): null in a non-nullable column")));
}

// --- Unicode ----------------------------------------------------------------

TEST(CsvReaderTest, KeepsUnicodeAndRefusesInvalidUtf8InStrings) {
  EXPECT_THAT(Rows("name,city\nZoë,Kraków\n\"日本, 東京\",🙂\n"),
              IsOkAndHolds(std::string("[\"Zoë\",\"Kraków\"],\n[\"日本, 東京\",\"🙂\"]\n")));
  EXPECT_THAT(Rows("a,s\n1,ok\n2,bad\xC3(\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:3: column 2 ('s'): invalid UTF-8")));
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "int32"}, {"s", "binary"}});
  EXPECT_THAT(Rows("a,s\n2,\xFF\n", options), IsOkAndHolds(std::string("[2,\"0xff\"]\n")));
  // A two-byte sequence split over two rows is valid in the batch's bytes taken
  // together but invalid in each value (found by the text_reader fuzzer).
  EXPECT_THAT(Rows("s\nx\xD3\n\xB8y\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:2: column 1 ('s'): invalid UTF-8")));
}

// --- Malformed rows ---------------------------------------------------------

TEST(CsvReaderTest, RaggedRowsAreErrorsNamingPathAndLine) {
  EXPECT_THAT(Rows("a,b,c\n1,2,3\n4,5\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:3: expected 3 fields, found 2")));
  EXPECT_THAT(Rows("a,b\n1,2\n\"multi\nline\",2\n3,4,5\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:5: expected 2 fields, found 3")));
}

TEST(CsvReaderTest, BadQuotingIsAnError) {
  EXPECT_THAT(Rows("a,b\n\"x\"y,1\n"),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("t.csv:2: column 1 ('a'): bad quoting: text after the closing "
                                "quote")));
  EXPECT_THAT(Rows("a,b\n1,\"open\n2,3\n"),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("t.csv:2: a quoted field is still open at the end of the input")));
  EXPECT_THAT(Rows("a,b\nx\"y\"z,1\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("a quote inside the unquoted field")));
  EXPECT_THAT(OpenCsv("\"a\"b,c\n1,2\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:1: bad quoting")));
}

TEST(CsvReaderTest, ErrorMessageNamesColumnAndValue) {
  CsvReadOptions options;
  options.schema = MakeSchema({{"id", "int64"}, {"price", "double"}});
  EXPECT_THAT(Rows("id,price\n1,2.5\n2,12x\n", options),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("t.csv:3: column 2 ('price'): '12x' does not fit double")));
}

TEST(CsvReaderTest, TheFirstMalformedRowInInputOrderIsReported) {
  // Row 3 has a bad value in column 2 and row 4 is ragged; row 3 is reported even
  // though columns convert one at a time.
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "string"}, {"b", "int32"}, {"c", "int32"}});
  EXPECT_THAT(Rows("a,b,c\nx,1,2\ny,z,3\nw,4,q\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:3: column 2 ('b')")));
  EXPECT_THAT(Rows("a,b,c\nx,1,2\ny,1,q\nw,z,3\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:3: column 3 ('c')")));
}

TEST(CsvReaderTest, RowsBeforeAnErrorAreDeliveredAndTheErrorSticks) {
  CsvReadOptions options;
  options.batch_rows = 2;
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv("a\n1\n2\n3\n4\nx\n", options));
  // Inference saw "x": string. Use an explicit schema instead.
  options.schema = MakeSchema({{"a", "int32"}});
  ASSERT_OK_AND_ASSIGN(reader, OpenCsv("a\n1\n2\n3\n4\nx\n", options));
  int64_t rows = 0;
  Status error;
  while (true) {
    auto batch = reader->Next();
    if (!batch.ok()) {
      error = batch.status();
      break;
    }
    if (*batch == nullptr) break;
    rows += (*batch)->num_rows();
  }
  EXPECT_EQ(rows, 4);
  EXPECT_THAT(error, IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:6:")));
  EXPECT_THAT(reader->Next(), IsError(ErrorCode::kCorrupt, HasSubstr("t.csv:6:")));
}

// --- Rejects ----------------------------------------------------------------

TEST(CsvReaderTest, RejectsGetMalformedRowsVerbatimWithReasons) {
  io::BufferOutputStream rejects("rejects.csv");
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "int32"}, {"b", "string"}});
  options.rejects = &rejects;
  const std::string csv =
      "a,b\n"
      "1,x\n"
      "oops,y\r\n"
      "2,\"multi\nline\"\n"
      "3\n"
      "4,\"bad\"quote\n"
      "5,z\n"
      "6,\"open";
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv(csv, options));
  ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(*reader));
  EXPECT_EQ(rows, "[1,\"x\"],\n[2,\"multi\\nline\"],\n[5,\"z\"]\n");
  EXPECT_EQ(reader->rows_read(), 3);
  EXPECT_EQ(reader->rows_rejected(), 4);
  ASSERT_OK(rejects.Close());
  EXPECT_EQ(rejects.buffer()->ToStringView(),
            "# t.csv:3: column 1 ('a'): 'oops' does not fit int32\n"
            "oops,y\r\n"
            "# t.csv:6: expected 2 fields, found 1\n"
            "3\n"
            "# t.csv:7: column 2 ('b'): bad quoting: text after the closing quote\n"
            "4,\"bad\"quote\n"
            "# t.csv:9: a quoted field is still open at the end of the input\n"
            "6,\"open\n");
}

TEST(CsvReaderTest, RejectsWithoutReasonsAreJustTheRows) {
  io::BufferOutputStream rejects;
  CsvReadOptions options;
  options.rejects = &rejects;
  options.reject_reasons = false;
  options.infer_rows = 1;
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv("a,b\n1,2\nx,3\n4\n5,6\n", options));
  ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(*reader));
  EXPECT_EQ(rows, "[1,2],\n[5,6]\n");
  ASSERT_OK(rejects.Close());
  EXPECT_EQ(rejects.buffer()->ToStringView(), "x,3\n4\n");
  EXPECT_EQ(reader->rows_rejected(), 2);
}

TEST(CsvReaderTest, ManyRejectsInOneBatch) {
  io::BufferOutputStream rejects;
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "int32"}, {"b", "int32"}});
  options.rejects = &rejects;
  options.reject_reasons = false;
  std::string csv = "a,b\n", expected_rows, expected_rejects;
  for (int i = 0; i < 5000; ++i) {
    if (i % 3 == 0) {
      csv += fmt::format("{},x{}\n", i, i);
      expected_rejects += fmt::format("{},x{}\n", i, i);
    } else if (i % 7 == 0) {
      csv += fmt::format("y,{}\n", i);
      expected_rejects += fmt::format("y,{}\n", i);
    } else {
      csv += fmt::format("{},{}\n", i, -i);
      expected_rows += fmt::format("[{},{}],\n", i, -i);
    }
  }
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv(csv, options));
  ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(*reader));
  // ReadRows ends each batch's last row without a comma; compare the values only.
  auto strip = [](std::string s) {
    std::erase(s, ',');
    std::erase(s, '\n');
    return s;
  };
  EXPECT_EQ(strip(rows), strip(expected_rows));
  ASSERT_OK(rejects.Close());
  EXPECT_EQ(rejects.buffer()->ToStringView(), expected_rejects);
}

// --- Blocks, batches and threads ---------------------------------------------

std::string MakeMixedCsv(int rows) {
  std::string csv = "id,name,price,day,note\n";
  for (int i = 0; i < rows; ++i) {
    csv += fmt::format("{},\"n{}\",{}.{},2024-01-{:02},", i, i, i, i % 100, 1 + i % 28);
    if (i % 5 == 0) csv += "\"quoted, with \"\"quotes\"\" and\nnewline\"";
    if (i % 5 == 1) csv += "";
    if (i % 5 == 2) csv += "plain";
    if (i % 5 == 3) csv += "ünïcödé";
    if (i % 5 == 4) csv += "NULL";
    csv += i % 2 ? "\r\n" : "\n";
  }
  return csv;
}

TEST(CsvReaderTest, TinyBlocksGiveTheSameRowsAsOneBlock) {
  const std::string csv = MakeMixedCsv(300);
  ASSERT_OK_AND_ASSIGN(auto whole, Rows(csv));
  for (int64_t block : {1, 2, 3, 7, 64, 65, 1000}) {
    SCOPED_TRACE(block);
    CsvReadOptions options;
    options.block_size = block;
    options.batch_rows = 17;
    ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv(csv, options));
    EXPECT_EQ(reader->schema()->ToString(),
              "id: int64\nname: string\nprice: double\nday: date32[day]\nnote: string");
    int64_t batches = 0;
    ASSERT_OK_AND_ASSIGN(auto rows, ReadRows(*reader, &batches));
    auto strip = [](std::string s) {
      std::erase(s, '\n');
      return s;
    };
    // Batch boundaries change where ReadRows puts commas and newlines only.
    std::string a = strip(rows), b = strip(whole);
    std::erase(a, ',');
    std::erase(b, ',');
    EXPECT_EQ(a, b);
    EXPECT_GE(batches, 300 / 17);
  }
}

TEST(CsvReaderTest, BatchesHoldAtMostBatchRows) {
  CsvReadOptions options;
  options.batch_rows = 10;
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv(MakeMixedCsv(95), options));
  int64_t total = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(auto batch, reader->Next());
    if (!batch) break;
    EXPECT_LE(batch->num_rows(), 10);
    EXPECT_GT(batch->num_rows(), 0);
    total += batch->num_rows();
  }
  EXPECT_EQ(total, 95);
}

TEST(CsvReaderTest, LineNumbersStayRightAcrossBlocksAndThreads) {
  std::string csv = "a,b\n";
  for (int i = 0; i < 200000; ++i) {
    csv += i % 1000 == 0 ? "\"x\ny\",1\n" : "x,1\n";  // quoted newlines shift lines
  }
  csv += "x,oops\n";
  const int64_t bad_line = 1 + 200000 + 200 + 1;
  for (int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    CsvReadOptions options;
    options.num_threads = threads;
    options.block_size = 1 << 20;
    options.schema = MakeSchema({{"a", "string"}, {"b", "int64"}});
    EXPECT_THAT(Rows(csv, options),
                IsError(ErrorCode::kCorrupt, HasSubstr(fmt::format("t.csv:{}:", bad_line))));
  }
}

TEST(CsvReaderTest, ThreadsKeepTheInputOrder) {
  const std::string csv = MakeMixedCsv(100000);
  CsvReadOptions one;
  one.block_size = 4 << 20;
  ASSERT_OK_AND_ASSIGN(auto expected, Rows(csv, one));
  util::ThreadPool pool(3);
  for (int threads : {2, 4}) {
    SCOPED_TRACE(threads);
    CsvReadOptions options = one;
    options.num_threads = threads;
    if (threads == 4) options.thread_pool = &pool;
    ASSERT_OK_AND_ASSIGN(auto rows, Rows(csv, options));
    auto a = rows, b = expected;
    std::erase(a, '\n');
    std::erase(b, '\n');
    std::erase(a, ',');
    std::erase(b, ',');
    EXPECT_EQ(a, b);
  }
}

TEST(CsvReaderTest, RejectsStayInOrderAcrossThreads) {
  std::string csv = "a\n", expected;
  for (int i = 0; i < 300000; ++i) {
    if (i % 997 == 0) {
      csv += fmt::format("bad{}\n", i);
      expected += fmt::format("bad{}\n", i);
    } else {
      csv += fmt::format("{}\n", i);
    }
  }
  io::BufferOutputStream rejects;
  CsvReadOptions options;
  options.schema = MakeSchema({{"a", "int32"}});
  options.rejects = &rejects;
  options.reject_reasons = false;
  options.num_threads = 3;
  options.block_size = 1 << 20;
  ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv(csv, options));
  ASSERT_OK(ReadRows(*reader).status());
  ASSERT_OK(rejects.Close());
  EXPECT_EQ(rejects.buffer()->ToStringView(), expected);
  EXPECT_EQ(reader->rows_read() + reader->rows_rejected(), 300000);
}

TEST(CsvReaderTest, RecordsLongerThanTheBlockAreReadWhole) {
  std::string big(100000, 'z');
  CsvReadOptions options;
  options.block_size = 4096;
  ASSERT_OK_AND_ASSIGN(auto rows, Rows("a,b\n1,\"" + big + "\"\n2," + big + "\n", options));
  EXPECT_EQ(rows, "[1,\"" + big + "\"],\n[2,\"" + big + "\"]\n");
}

TEST(CsvReaderTest, DestroyingAReaderWhileTheNextBlockIsParsedIsSafe) {
  const std::string csv = MakeMixedCsv(50000);
  for (int consumed : {0, 1, 3}) {
    CsvReadOptions options;
    options.num_threads = 2;
    options.block_size = 64 * 1024;
    ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv(csv, options));
    for (int i = 0; i < consumed; ++i) {
      ASSERT_OK_AND_ASSIGN(auto batch, reader->Next());
      ASSERT_NE(batch, nullptr);
    }
    reader.reset();
  }
}

TEST(CsvReaderTest, BadOptionsAreInvalidArguments) {
  CsvReadOptions options;
  options.quote = ',';
  EXPECT_THAT(OpenCsv("a\n", options), IsError(ErrorCode::kInvalidArgument));
  options = {};
  options.batch_rows = 0;
  EXPECT_THAT(OpenCsv("a\n", options), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(CsvReader::Open(nullptr), IsError(ErrorCode::kInvalidArgument));
}

TEST(CsvReaderTest, ReportsBytesRead) {
  const std::string csv = MakeMixedCsv(20000);
  for (int threads : {1, 2}) {
    CsvReadOptions options;
    options.num_threads = threads;
    options.block_size = 100000;
    ASSERT_OK_AND_ASSIGN(auto reader, OpenCsv(csv, options));
    int64_t last = 0;
    while (true) {
      ASSERT_OK_AND_ASSIGN(auto batch, reader->Next());
      EXPECT_GE(reader->bytes_read(), last);
      last = reader->bytes_read();
      if (!batch) break;
    }
    EXPECT_EQ(reader->bytes_read(), int64_t(csv.size()));
  }
}

}  // namespace
}  // namespace quire::text
