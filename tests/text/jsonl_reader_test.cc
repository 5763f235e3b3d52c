/// \file tests/text/jsonl_reader_test.cc
/// \brief JsonlReader: inference, explicit schemas, malformed lines, rejects,
/// blocks and threads.
#include "quire/text/jsonl_reader.h"

#include <string>

#include <gtest/gtest.h>

#include "quire/columnar/json.h"
#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/testing/matchers.h"

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

Result<std::unique_ptr<JsonlReader>> OpenJsonl(std::string text, JsonlReadOptions options = {}) {
  return JsonlReader::Open(io::MakeStringInput(std::move(text), "t.jsonl"), std::move(options));
}

// One line of canonical JSON per row, whatever the batches.
Result<std::string> ReadRows(JsonlReader& reader) {
  std::string out;
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader.Next());
    if (batch == nullptr) break;
    QUIRE_RETURN_NOT_OK(batch->ValidateFull());
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      out += "[";
      for (int c = 0; c < batch->num_columns(); ++c) {
        if (c) out += ",";
        columnar::AppendJsonValue(*batch->column(c), r, &out, batch->schema()->field(c).get());
      }
      out += "]\n";
    }
  }
  return out;
}

Result<std::string> Rows(std::string text, JsonlReadOptions options = {}) {
  QUIRE_ASSIGN_OR_RETURN(auto reader, OpenJsonl(std::move(text), std::move(options)));
  return ReadRows(*reader);
}

std::string SchemaOf(std::string text, JsonlReadOptions options = {}) {
  auto reader = OpenJsonl(std::move(text), std::move(options));
  if (!reader.ok()) return reader.status().ToString();
  return (*reader)->schema()->ToString();
}

columnar::SchemaPtr MakeSchema(std::vector<std::pair<std::string, std::string>> fields) {
  columnar::FieldVector out;
  for (auto& [name, type] : fields) {
    out.push_back(columnar::field(name, columnar::ParseType(type).ValueOrDie()));
  }
  return columnar::schema(std::move(out));
}

TEST(JsonlReaderTest, InfersScalarColumnsInFirstSeenKeyOrder) {
  const std::string jsonl =
      "{\"i\":1,\"f\":1.5,\"b\":true,\"s\":\"x\"}\n"
      "{\"f\":2,\"i\":-3,\"d\":\"2024-01-31\",\"n\":null}\n"
      "\n"
      "   \r\n"
      "{\"ts\":\"2024-01-31T10:00:00\",\"tz\":\"2024-01-31T10:00:00+01:00\",\"i\":null}\r\n";
  EXPECT_EQ(SchemaOf(jsonl),
            "i: int64\nf: double\nb: bool\ns: string\nd: date32[day]\nn: string\n"
            "ts: timestamp[us]\ntz: timestamp[us, tz=UTC]");
  EXPECT_THAT(Rows(jsonl),
              IsOkAndHolds(std::string(
                  "[1,1.5,true,\"x\",null,null,null,null]\n"
                  "[-3,2,null,null,\"2024-01-31\",null,null,null]\n"
                  "[null,null,null,null,null,null,\"2024-01-31T10:00:00.000000\","
                  "\"2024-01-31T09:00:00.000000Z\"]\n")));
}

TEST(JsonlReaderTest, InfersNestedStructsAndLists) {
  const std::string jsonl =
      "{\"p\":{\"x\":1,\"y\":[1,2]},\"l\":[1,2.5],\"ll\":[[\"a\"],[]]}\n"
      "{\"p\":{\"z\":\"q\",\"y\":null},\"l\":[],\"ll\":null}\n";
  EXPECT_EQ(SchemaOf(jsonl),
            "p: struct<x: int64, y: list<item: int64>, z: string>\n"
            "l: list<item: double>\n"
            "ll: list<item: list<item: string>>");
  EXPECT_THAT(Rows(jsonl), IsOkAndHolds(std::string(
                               "[{\"x\":1,\"y\":[1,2],\"z\":null},[1,2.5],[[\"a\"],[]]]\n"
                               "[{\"x\":null,\"y\":null,\"z\":\"q\"},[],null]\n")));
}

TEST(JsonlReaderTest, MixedColumnsHoldRawJsonText) {
  const std::string jsonl = "{\"m\":1,\"k\":\"a\"}\n{\"m\":\"x\",\"k\":{\"a\":[1, 2]}}\n{\"m\":null}\n";
  ASSERT_OK_AND_ASSIGN(auto reader, OpenJsonl(jsonl));
  EXPECT_EQ(reader->schema()->ToString(), "m: string\nk: string");
  const auto& meta = reader->schema()->field(0)->metadata();
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->Get(kExtensionNameKey).value_or(""), kJsonExtensionName);
  EXPECT_THAT(ReadRows(*reader), IsOkAndHolds(std::string("[\"1\",\"\\\"a\\\"\"]\n"
                                                          "[\"\\\"x\\\"\",\"{\\\"a\\\":[1,2]}\"]\n"
                                                          "[null,null]\n")));
}

TEST(JsonlReaderTest, WideningRules) {
  EXPECT_EQ(SchemaOf("{\"a\":1}\n{\"a\":1.5}\n"), "a: double");
  EXPECT_EQ(SchemaOf("{\"a\":18446744073709551615}\n"), "a: double");
  EXPECT_EQ(SchemaOf("{\"a\":\"2024-01-01\"}\n{\"a\":\"2024-01-01 00:00:00\"}\n"),
            "a: timestamp[us]");
  EXPECT_EQ(SchemaOf("{\"a\":\"2024-01-01\"}\n{\"a\":\"soon\"}\n"), "a: string");
  EXPECT_EQ(SchemaOf("{\"a\":\"123\"}\n"), "a: string");
  EXPECT_EQ(SchemaOf("{\"a\":true}\n{\"a\":1}\n"), "a: string");
  EXPECT_EQ(SchemaOf("{\"a\":[]}\n"), "a: list<item: string>");
}

TEST(JsonlReaderTest, ValuesAndKeysAfterTheSampleAreMalformed) {
  JsonlReadOptions options;
  options.infer_rows = 1;
  EXPECT_THAT(Rows("{\"a\":1}\n{\"a\":2.5}\n", options),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("t.jsonl:2: key 'a': 2.5 does not fit int64")));
  EXPECT_THAT(Rows("{\"a\":1}\n{\"a\":2,\"b\":3}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.jsonl:2: key 'b' is not a column")));
  EXPECT_THAT(Rows("{\"a\":{\"b\":1}}\n\n{\"a\":{\"b\":\"x\"}}\n", options),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("t.jsonl:3: key 'a.b': \"x\" does not fit int64")));
  EXPECT_THAT(Rows("{\"a\":{\"b\":1}}\n{\"a\":{\"c\":1}}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("key 'a': unknown key 'c'")));
  EXPECT_THAT(Rows("{\"a\":[1]}\n{\"a\":[1,\"x\"]}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("key 'a[1]': \"x\" does not fit int64")));
}

TEST(JsonlReaderTest, InvalidJsonAndNonObjectsAreMalformed) {
  EXPECT_THAT(Rows("{\"a\":1}\n{\"a\":\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.jsonl:2: invalid JSON")));
  EXPECT_THAT(Rows("{\"a\":1}\n[1]\n"),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.jsonl:2: expected a JSON object")));
}

TEST(JsonlReaderTest, RejectsGetMalformedLinesWithReasons) {
  io::BufferOutputStream rejects;
  JsonlReadOptions options;
  options.rejects = &rejects;
  options.infer_rows = 2;
  ASSERT_OK_AND_ASSIGN(auto reader,
                       OpenJsonl("{\"a\":1}\n{\"a\":2}\n{\"a\":\"x\"}\nnot json\n{\"a\":3}\n{\"b\":1}",
                                 options));
  EXPECT_THAT(ReadRows(*reader), IsOkAndHolds(std::string("[1]\n[2]\n[3]\n")));
  EXPECT_EQ(reader->rows_rejected(), 3);
  ASSERT_OK(rejects.Close());
  const std::string text(rejects.buffer()->ToStringView());
  EXPECT_THAT(text, HasSubstr("# t.jsonl:3: key 'a': \"x\" does not fit int64\n{\"a\":\"x\"}\n"));
  EXPECT_THAT(text, HasSubstr("# t.jsonl:4: invalid JSON"));
  EXPECT_THAT(text, HasSubstr("not json\n"));
  EXPECT_THAT(text, HasSubstr("# t.jsonl:6: key 'b' is not a column\n{\"b\":1}\n"));
}

TEST(JsonlReaderTest, ExplicitSchemaTypes) {
  JsonlReadOptions options;
  options.schema = MakeSchema({{"i8", "int8"},
                               {"u", "uint64"},
                               {"f", "float"},
                               {"d", "decimal(10,2)"},
                               {"day", "date32[day]"},
                               {"t", "time32[ms]"},
                               {"ts", "timestamp[ns, tz=UTC]"},
                               {"bin", "binary"},
                               {"l", "large_list<item: struct<a: int32>>"}});
  EXPECT_THAT(Rows("{\"i8\":-128,\"u\":18446744073709551615,\"f\":\"NaN\",\"d\":\"12.3\","
                   "\"day\":\"2020-02-29\",\"t\":\"01:02:03.004\",\"ts\":\"2020-01-01T00:00:00."
                   "000000001Z\",\"bin\":\"0x00ff\",\"l\":[{\"a\":1},null,{}]}\n"
                   "{\"d\":7,\"f\":-1.5}\n{\"d\":0.25}\n",
                   options),
              IsOkAndHolds(std::string(
                  "[-128,\"18446744073709551615\",\"NaN\",\"12.30\",\"2020-02-29\","
                  "\"01:02:03.004000\",\"2020-01-01T00:00:00.000000001Z\",\"0x00ff\","
                  "[{\"a\":1},null,{\"a\":null}]]\n"
                  "[null,null,-1.5,\"7.00\",null,null,null,null,null]\n"
                  "[null,null,null,\"0.25\",null,null,null,null,null]\n")));
  EXPECT_THAT(Rows("{\"i8\":128}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("key 'i8': 128 does not fit int8")));
  EXPECT_THAT(Rows("{\"d\":\"1.234\"}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("does not fit decimal128(10, 2)")));
  EXPECT_THAT(Rows("{\"bin\":\"zz\"}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("does not fit binary")));
  EXPECT_THAT(Rows("{\"x\":1}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("key 'x' is not a column")));
  options.schema = MakeSchema({{"m", "map<string, int32>"}});
  EXPECT_THAT(OpenJsonl("{}\n", options), IsError(ErrorCode::kUnsupported, HasSubstr("map")));
}

TEST(JsonlReaderTest, NonNullableFieldsNeedValues) {
  JsonlReadOptions options;
  options.schema = columnar::schema({columnar::field("a", columnar::int32(), false)});
  EXPECT_THAT(Rows("{\"a\":1}\n{}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("t.jsonl:2: key 'a': missing")));
  EXPECT_THAT(Rows("{\"a\":null}\n", options),
              IsError(ErrorCode::kCorrupt, HasSubstr("null in a non-nullable field")));
}

TEST(JsonlReaderTest, EmptyInputAndBom) {
  ASSERT_OK_AND_ASSIGN(auto reader, OpenJsonl(""));
  EXPECT_EQ(reader->schema()->num_fields(), 0);
  ASSERT_OK_AND_ASSIGN(auto batch, reader->Next());
  EXPECT_EQ(batch, nullptr);
  EXPECT_EQ(SchemaOf("\xEF\xBB\xBF{\"a\":\"ü\"}\n"), "a: string");
  EXPECT_THAT(Rows("\xEF\xBB\xBF{\"a\":\"ü\"}\n"), IsOkAndHolds(std::string("[\"ü\"]\n")));
}

TEST(JsonlReaderTest, TinyBlocksAndThreadsGiveTheSameRows) {
  std::string jsonl;
  for (int i = 0; i < 20000; ++i) {
    jsonl += fmt::format("{{\"i\":{},\"s\":\"v{}\",\"l\":[{},{}],\"o\":{{\"k\":{}}}}}\n", i, i, i,
                         -i, i % 3 ? "true" : "false");
  }
  ASSERT_OK_AND_ASSIGN(auto expected, Rows(jsonl));
  for (int64_t block : {1, 5, 100, 1 << 20}) {
    for (int threads : {1, 3}) {
      SCOPED_TRACE(fmt::format("block {} threads {}", block, threads));
      JsonlReadOptions options;
      options.block_size = block;
      options.num_threads = threads;
      options.batch_rows = 999;
      EXPECT_THAT(Rows(jsonl, options), IsOkAndHolds(expected));
      if (block == 1) break;  // slow enough with one thread
    }
  }
}

}  // namespace
}  // namespace quire::text
