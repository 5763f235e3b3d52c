/// \file tests/text/writer_test.cc
/// \brief CsvWriter and JsonlWriter output, and write -> read round trips of
/// random batches.
#include <string>

#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "quire/text/csv_reader.h"
#include "quire/text/csv_writer.h"
#include "quire/text/jsonl_reader.h"
#include "quire/text/jsonl_writer.h"

namespace quire::text {
namespace {

using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::SchemaPtr;
using ::quire::testing::IsError;
using ::testing::HasSubstr;

ArrayPtr Strings(std::vector<std::optional<std::string>> values) {
  columnar::StringBuilder b(columnar::utf8());
  for (const auto& v : values) {
    if (v) {
      EXPECT_OK(b.Append(*v));
    } else {
      EXPECT_OK(b.AppendNull());
    }
  }
  return b.Finish().ValueOrDie();
}

template <typename T>
ArrayPtr Numbers(columnar::TypePtr type, std::vector<std::optional<T>> values) {
  columnar::FixedWidthBuilder<T> b(type);
  for (const auto& v : values) {
    if (v) {
      EXPECT_OK(b.Append(*v));
    } else {
      EXPECT_OK(b.AppendNull());
    }
  }
  return b.Finish().ValueOrDie();
}

RecordBatchPtr MakeBatch(std::vector<std::pair<std::string, ArrayPtr>> columns) {
  columnar::FieldVector fields;
  columnar::ArrayVector arrays;
  for (auto& [name, array] : columns) {
    fields.push_back(columnar::field(name, array->type()));
    arrays.push_back(array);
  }
  const int64_t rows = arrays.empty() ? 0 : arrays[0]->length();
  return RecordBatch::Make(columnar::schema(fields), rows, arrays).ValueOrDie();
}

Result<std::string> WriteCsv(const std::vector<RecordBatchPtr>& batches, CsvWriteOptions options = {}) {
  io::BufferOutputStream out("out.csv");
  QUIRE_ASSIGN_OR_RETURN(auto writer, CsvWriter::Make(batches[0]->schema(), &out, options));
  for (const auto& b : batches) QUIRE_RETURN_NOT_OK(writer->Write(*b));
  QUIRE_RETURN_NOT_OK(writer->Close());
  QUIRE_RETURN_NOT_OK(out.Close());
  return std::string(out.buffer()->ToStringView());
}

Result<std::string> WriteJsonl(const std::vector<RecordBatchPtr>& batches,
                               JsonlWriteOptions options = {}) {
  io::BufferOutputStream out("out.jsonl");
  QUIRE_ASSIGN_OR_RETURN(auto writer, JsonlWriter::Make(batches[0]->schema(), &out, options));
  for (const auto& b : batches) QUIRE_RETURN_NOT_OK(writer->Write(*b));
  QUIRE_RETURN_NOT_OK(writer->Close());
  QUIRE_RETURN_NOT_OK(out.Close());
  return std::string(out.buffer()->ToStringView());
}

TEST(CsvWriterTest, WritesHeaderQuotesOnlyWhereNeededAndNullsAsEmpty) {
  auto batch = MakeBatch({{"id", Numbers<int64_t>(columnar::int64(), {1, std::nullopt, -3, 4, 5, 6})},
                          {"s", Strings({"plain", "a,b", "say \"hi\"", "two\nlines", "", std::nullopt})},
                          {"t", Strings({"NULL", "null", "cr\r", " x ", "ü", "Null"})}});
  ASSERT_OK_AND_ASSIGN(auto csv, WriteCsv({batch}));
  EXPECT_EQ(csv,
            "id,s,t\n"
            "1,plain,\"NULL\"\n"
            ",\"a,b\",\"null\"\n"
            "-3,\"say \"\"hi\"\"\",\"cr\r\"\n"
            "4,\"two\nlines\", x \n"
            "5,\"\",ü\n"
            "6,,Null\n");
  CsvWriteOptions options;
  options.header = false;
  options.delimiter = ';';
  ASSERT_OK_AND_ASSIGN(csv, WriteCsv({batch->Slice(1, 1)}, options));
  EXPECT_EQ(csv, ";a,b;\"null\"\n");
}

TEST(CsvWriterTest, RendersValuesCanonically) {
  using columnar::TimeUnit;
  auto dec = columnar::FixedSizeBinaryBuilder(columnar::decimal128(7, 2));
  ASSERT_OK(dec.AppendDecimal(__int128(-1230)));
  ASSERT_OK(dec.AppendDecimal(__int128(5)));
  columnar::ListBuilder lb(columnar::list(columnar::utf8()),
                           std::make_unique<columnar::StringBuilder>(columnar::utf8()));
  ASSERT_OK(lb.Append());
  ASSERT_OK(static_cast<columnar::StringBuilder*>(lb.value_builder())->Append("a,\"b\""));
  ASSERT_OK(lb.Append());
  columnar::BinaryBuilder bin(columnar::binary());
  ASSERT_OK(bin.Append(std::string_view("\x01\xff", 2)));
  ASSERT_OK(bin.Append(""));
  auto batch = MakeBatch(
      {{"b", Numbers<uint8_t>(columnar::uint8(), {255, 0})},
       {"f", Numbers<double>(columnar::float64(), {0.1, -0.0})},
       {"g", Numbers<float>(columnar::float32(), {1.1f, std::numeric_limits<float>::infinity()})},
       {"d", dec.Finish().ValueOrDie()},
       {"day", Numbers<int32_t>(columnar::date32(), {0, -1})},
       {"ts", Numbers<int64_t>(columnar::timestamp(TimeUnit::kMilli, "UTC"), {1, -1})},
       {"ns", Numbers<int64_t>(columnar::timestamp(TimeUnit::kNano), {1, 0})},
       {"t", Numbers<int64_t>(columnar::time64(TimeUnit::kMicro), {1, 86399999999})},
       {"l", lb.Finish().ValueOrDie()},
       {"bin", bin.Finish().ValueOrDie()}});
  ASSERT_OK_AND_ASSIGN(auto csv, WriteCsv({batch}));
  EXPECT_EQ(csv,
            "b,f,g,d,day,ts,ns,t,l,bin\n"
            "255,0.1,1.1,-12.30,1970-01-01,1970-01-01T00:00:00.001000Z,"
            "1970-01-01T00:00:00.000000001,00:00:00.000001,\"[\"\"a,\\\"\"b\\\"\"\"\"]\",0x01ff\n"
            "0,-0.0,Infinity,0.05,1969-12-31,1969-12-31T23:59:59.999000Z,"
            "1970-01-01T00:00:00.000000000,23:59:59.999999,[],0x\n");
}

TEST(CsvWriterTest, RefusesABatchOfAnotherSchema) {
  auto a = MakeBatch({{"x", Numbers<int32_t>(columnar::int32(), {1})}});
  auto b = MakeBatch({{"x", Numbers<int64_t>(columnar::int64(), {1})}});
  io::BufferOutputStream out;
  ASSERT_OK_AND_ASSIGN(auto writer, CsvWriter::Make(a->schema(), &out));
  EXPECT_THAT(writer->Write(*b), IsError(ErrorCode::kInvalidArgument, HasSubstr("differs")));
  ASSERT_OK_AND_ASSIGN(auto jwriter, JsonlWriter::Make(a->schema(), &out));
  EXPECT_THAT(jwriter->Write(*b), IsError(ErrorCode::kInvalidArgument, HasSubstr("differs")));
  CsvWriteOptions options;
  options.quote = ',';
  EXPECT_THAT(CsvWriter::Make(a->schema(), &out, options), IsError(ErrorCode::kInvalidArgument));
}

TEST(JsonlWriterTest, WritesOneObjectPerRow) {
  auto batch = MakeBatch({{"id", Numbers<int64_t>(columnar::int64(),
                                                  {int64_t(1) << 60, std::nullopt})},
                          {"s \"q\"", Strings({"a\nb", std::nullopt})},
                          {"f", Numbers<double>(columnar::float64(),
                                                {std::numeric_limits<double>::quiet_NaN(), 2.5})}});
  ASSERT_OK_AND_ASSIGN(auto jsonl, WriteJsonl({batch}));
  EXPECT_EQ(jsonl,
            "{\"id\":1152921504606846976,\"s \\\"q\\\"\":\"a\\nb\",\"f\":\"NaN\"}\n"
            "{\"id\":null,\"s \\\"q\\\"\":null,\"f\":2.5}\n");
  JsonlWriteOptions options;
  options.skip_nulls = true;
  ASSERT_OK_AND_ASSIGN(jsonl, WriteJsonl({batch->Slice(1, 1)}, options));
  EXPECT_EQ(jsonl, "{\"f\":2.5}\n");
}

// --- Round trips --------------------------------------------------------------

SchemaPtr RoundTripSchema(bool nested) {
  std::vector<std::pair<std::string, std::string>> types = {
      {"bool", "bool"},
      {"i8", "int8"},
      {"i16", "int16"},
      {"i32", "int32"},
      {"i64", "int64"},
      {"u8", "uint8"},
      {"u16", "uint16"},
      {"u32", "uint32"},
      {"u64", "uint64"},
      {"f32", "float"},
      {"f64", "double"},
      {"dec", "decimal128(20, 4)"},
      {"dec_neg", "decimal128(5, -2)"},
      {"dec256", "decimal256(60, 10)"},
      {"date", "date32[day]"},
      {"date64", "date64[ms]"},
      {"time_s", "time32[s]"},
      {"time_ns", "time64[ns]"},
      {"ts_s", "timestamp[s]"},
      {"ts_ms_utc", "timestamp[ms, tz=UTC]"},
      {"ts_us", "timestamp[us, tz=Europe/Berlin]"},
      {"ts_ns", "timestamp[ns]"},
      {"str", "string"},
      {"large_str", "large_string"},
  };
  if (nested) {
    types.push_back({"bin", "binary"});
    types.push_back({"list", "list<item: int32>"});
    types.push_back({"large_list", "large_list<item: string>"});
    types.push_back({"struct", "struct<x: double, s: string, l: list<item: bool>>"});
  }
  columnar::FieldVector fields;
  for (const auto& [name, type] : types) {
    fields.push_back(columnar::field(name, columnar::ParseType(type).ValueOrDie()));
  }
  return columnar::schema(std::move(fields));
}

std::vector<RecordBatchPtr> RandomBatches(const SchemaPtr& schema, int count, int64_t rows) {
  std::vector<RecordBatchPtr> batches;
  for (int b = 0; b < count; ++b) {
    columnar::ArrayVector columns;
    for (int c = 0; c < schema->num_fields(); ++c) {
      quire::testing::RandomOptions options;
      options.seed = uint32_t(1000 * b + c);
      columns.push_back(quire::testing::MakeRandomArray(schema->field(c)->type(), rows, options));
    }
    batches.push_back(RecordBatch::Make(schema, rows, columns).ValueOrDie());
  }
  return batches;
}

void ExpectSameRows(const std::vector<RecordBatchPtr>& expected,
                    const std::vector<RecordBatchPtr>& actual) {
  auto a = columnar::Table::FromBatches(expected[0]->schema(), expected).ValueOrDie();
  ASSERT_FALSE(actual.empty());
  auto b = columnar::Table::FromBatches(actual[0]->schema(), actual).ValueOrDie();
  ASSERT_EQ(a->num_rows(), b->num_rows());
  for (int c = 0; c < a->num_columns(); ++c) {
    SCOPED_TRACE(a->schema()->field(c)->name());
    auto x = a->column(c)->Combine().ValueOrDie();
    auto y = b->column(c)->Combine().ValueOrDie();
    for (int64_t r = 0; r < x->length(); ++r) {
      if (!x->ValueEquals(r, *y, r)) {
        ADD_FAILURE() << "row " << r << ": wrote " << x->Slice(r, 1)->ToString() << ", read "
                      << y->Slice(r, 1)->ToString();
        return;
      }
    }
  }
}

TEST(RoundTripTest, CsvWriteThenReadWithTheSchemaGivesTheSameValues) {
  const SchemaPtr schema = RoundTripSchema(/*nested=*/false);
  const auto batches = RandomBatches(schema, 3, 700);
  ASSERT_OK_AND_ASSIGN(auto csv, WriteCsv(batches));
  for (int threads : {1, 2}) {
    CsvReadOptions options;
    options.schema = schema;
    options.num_threads = threads;
    options.block_size = 64 * 1024;
    ASSERT_OK_AND_ASSIGN(auto reader,
                         CsvReader::Open(io::MakeStringInput(csv, "rt.csv"), options));
    ASSERT_OK_AND_ASSIGN(auto read, reader->ReadAll());
    for (const auto& b : read) ASSERT_OK(b->ValidateFull());
    ExpectSameRows(batches, read);
  }
}

TEST(RoundTripTest, CsvWriteThenInferReadsTheInferableTypes) {
  columnar::FieldVector fields = {
      columnar::field("b", columnar::boolean()),
      columnar::field("i", columnar::int64()),
      columnar::field("f", columnar::float64()),
      columnar::field("d", columnar::date32()),
      columnar::field("ts", columnar::timestamp(columnar::TimeUnit::kMicro)),
      columnar::field("tz", columnar::timestamp(columnar::TimeUnit::kMicro, "UTC")),
      columnar::field("s", columnar::utf8()),
  };
  auto schema = columnar::schema(fields);
  // Timestamps within 1584 years of 1970, so that their years have 4 digits.
  auto batches = RandomBatches(schema, 2, 500);
  for (auto& batch : batches) {
    columnar::ArrayVector columns = batch->columns();
    for (int c : {4, 5}) {
      columnar::Int64Builder b(schema->field(c)->type());
      columnar::PrimitiveView<int64_t> v(*columns[size_t(c)]);
      for (int64_t r = 0; r < v.length(); ++r) {
        if (v.IsNull(r)) {
          ASSERT_OK(b.AppendNull());
        } else {
          ASSERT_OK(b.Append(v.Value(r) % 50000000000000000LL));
        }
      }
      columns[size_t(c)] = b.Finish().ValueOrDie();
    }
    batch = RecordBatch::Make(schema, batch->num_rows(), columns).ValueOrDie();
  }
  ASSERT_OK_AND_ASSIGN(auto csv, WriteCsv(batches));
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(io::MakeStringInput(csv, "rt.csv")));
  EXPECT_TRUE(reader->schema()->Equals(*schema)) << reader->schema()->ToString();
  ASSERT_OK_AND_ASSIGN(auto read, reader->ReadAll());
  ExpectSameRows(batches, read);
}

TEST(RoundTripTest, JsonlWriteThenReadWithTheSchemaGivesTheSameValues) {
  const SchemaPtr schema = RoundTripSchema(/*nested=*/true);
  const auto batches = RandomBatches(schema, 3, 500);
  ASSERT_OK_AND_ASSIGN(auto jsonl, WriteJsonl(batches));
  for (int threads : {1, 2}) {
    JsonlReadOptions options;
    options.schema = schema;
    options.num_threads = threads;
    options.block_size = 64 * 1024;
    ASSERT_OK_AND_ASSIGN(auto reader,
                         JsonlReader::Open(io::MakeStringInput(jsonl, "rt.jsonl"), options));
    ASSERT_OK_AND_ASSIGN(auto read, reader->ReadAll());
    for (const auto& b : read) ASSERT_OK(b->ValidateFull());
    ExpectSameRows(batches, read);
  }
}

TEST(RoundTripTest, JsonlWriteThenInferKeepsNestedShapes) {
  columnar::FieldVector fields = {
      columnar::field("i", columnar::int64()),
      columnar::field("f", columnar::float64()),
      columnar::field("s", columnar::utf8()),
      columnar::field("d", columnar::date32()),
      columnar::field("l", columnar::list(columnar::int64())),
      columnar::field("o", columnar::struct_({columnar::field("a", columnar::boolean()),
                                              columnar::field("b", columnar::utf8())})),
  };
  auto schema = columnar::schema(fields);
  quire::testing::RandomOptions no_nulls;
  no_nulls.null_probability = 0;
  columnar::ArrayVector columns;
  for (const auto& f : fields) {
    columns.push_back(quire::testing::MakeRandomArray(f->type(), 300, no_nulls));
  }
  // Floats with a fraction somewhere, so that the column is not inferred int64.
  columnar::DoubleBuilder fb(columnar::float64());
  for (int r = 0; r < 300; ++r) ASSERT_OK(fb.Append(r + 0.5));
  columns[1] = fb.Finish().ValueOrDie();
  std::vector<RecordBatchPtr> batches = {RecordBatch::Make(schema, 300, columns).ValueOrDie()};
  ASSERT_OK_AND_ASSIGN(auto jsonl, WriteJsonl(batches));
  ASSERT_OK_AND_ASSIGN(auto reader, JsonlReader::Open(io::MakeStringInput(jsonl, "rt.jsonl")));
  EXPECT_TRUE(reader->schema()->Equals(*schema)) << reader->schema()->ToString();
  ASSERT_OK_AND_ASSIGN(auto read, reader->ReadAll());
  ExpectSameRows(batches, read);
}

}  // namespace
}  // namespace quire::text
