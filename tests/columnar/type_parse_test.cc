/// \file tests/columnar/type_parse_test.cc
/// \brief ParseType: the inverse of DataType::ToString(), plus aliases.
#include "quire/columnar/type_parse.h"

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"

namespace quire::columnar {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

TEST(TypeParseTest, RoundTripsToStringOfEveryType) {
  for (const auto& [name, type] : quire::testing::EveryType()) {
    SCOPED_TRACE(name + ": " + type->ToString());
    ASSERT_OK_AND_ASSIGN(TypePtr parsed, ParseType(type->ToString()));
    EXPECT_TRUE(parsed->Equals(*type)) << parsed->ToString();
    EXPECT_EQ(parsed->ToString(), type->ToString());
  }
}

TEST(TypeParseTest, RoundTripsParametersAndNullability) {
  const TypePtr types[] = {
      timestamp(TimeUnit::kNano, "America/New_York"),
      map(utf8(), int32(), /*keys_sorted=*/true),
      dictionary(int8(), utf8(), /*ordered=*/true),
      list(field("element", int64(), /*nullable=*/false)),
      struct_({}),
      fixed_size_list(field("v", float64()), 0),
      decimal128(38, 38),
      decimal256(76, -5),
      time32(TimeUnit::kMilli),
      duration(TimeUnit::kSecond),
  };
  for (const auto& type : types) {
    ASSERT_OK_AND_ASSIGN(TypePtr parsed, ParseType(type->ToString()));
    EXPECT_TRUE(parsed->Equals(*type)) << type->ToString() << " -> " << parsed->ToString();
  }
}

TEST(TypeParseTest, AcceptsAliasesCaseInsensitively) {
  const std::pair<const char*, TypePtr> cases[] = {
      {"int", int32()},
      {"INTEGER", int32()},
      {"bigint", int64()},
      {"smallint", int16()},
      {"tinyint", int8()},
      {"Double", float64()},
      {"float64", float64()},
      {"float", float32()},
      {"FLOAT", float32()},
      {"real", float32()},
      {"boolean", boolean()},
      {"BOOL", boolean()},
      {"utf8", utf8()},
      {"varchar", utf8()},
      {"VARCHAR(20)", utf8()},
      {"text", utf8()},
      {"date", date32()},
      {"timestamp", timestamp(TimeUnit::kMicro)},
      {"timestamptz", timestamp(TimeUnit::kMicro, "UTC")},
      {"decimal(15,2)", decimal128(15, 2)},
      {"DECIMAL( 15 , 2 )", decimal128(15, 2)},
      {"numeric(10)", decimal128(10, 0)},
      {"decimal(50,3)", decimal256(50, 3)},
      {"  list < item : int32 >  ", list(int32())},
  };
  for (const auto& [text, expected] : cases) {
    ASSERT_OK_AND_ASSIGN(TypePtr parsed, ParseType(text));
    EXPECT_TRUE(parsed->Equals(*expected)) << text << " -> " << parsed->ToString();
  }
}

TEST(TypeParseTest, RejectsBadInputWithThePosition) {
  EXPECT_THAT(ParseType(""), IsError(ErrorCode::kInvalidArgument,
                                     HasSubstr("at position 0: expected a type name")));
  EXPECT_THAT(ParseType("int33"), IsError(ErrorCode::kInvalidArgument,
                                          HasSubstr("unknown type name 'int33'")));
  EXPECT_THAT(ParseType("list<item: int32"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("at position 16: expected '>'")));
  EXPECT_THAT(ParseType("int32 x"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("at position 6")));
  EXPECT_THAT(ParseType("decimal(40x"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("expected ')'")));
  EXPECT_THAT(ParseType("decimal128(39, 2)"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("precision 39")));
  EXPECT_THAT(ParseType("time32[us]"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("time32 takes unit s or ms")));
  EXPECT_THAT(ParseType("timestamp[xs]"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("expected a time unit")));
  EXPECT_THAT(ParseType("dictionary<values=string, indices=double>"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("must be an integer")));
  EXPECT_THAT(ParseType("struct<a int32>"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("expected 'name: type'")));
}

TEST(TypeParseTest, ParseSchemaRoundTripsSchemaToString) {
  FieldVector fields;
  for (const auto& [name, type] : quire::testing::EveryType()) {
    fields.push_back(field(name, type, /*nullable=*/name.size() % 2 == 0));
  }
  const SchemaPtr s = schema(fields);
  ASSERT_OK_AND_ASSIGN(SchemaPtr parsed, ParseSchema(s->ToString()));
  EXPECT_TRUE(parsed->Equals(*s)) << parsed->ToString();
}

TEST(TypeParseTest, ParseSchemaTakesCommasCommentsAndAliases) {
  ASSERT_OK_AND_ASSIGN(
      SchemaPtr s,
      ParseSchema("# lineitem\n  id: BIGINT NOT NULL, name : varchar\n\n"
                  "price: decimal(15,2)  # money\r\n tags: list<item: string>,\n"));
  EXPECT_EQ(s->ToString(),
            "id: int64 not null\nname: string\nprice: decimal128(15, 2)\n"
            "tags: list<item: string>");
  ASSERT_OK_AND_ASSIGN(SchemaPtr empty, ParseSchema("  \n# nothing\n"));
  EXPECT_EQ(empty->num_fields(), 0);
  EXPECT_THAT(ParseSchema("a: int32\nb int32\n"),
              IsError(ErrorCode::kInvalidArgument,
                      HasSubstr("cannot parse schema 'a: int32\nb int32\n': at position 9: "
                                "expected 'name: type'")));
  EXPECT_THAT(ParseSchema("a: int32, a: string"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("field 'a' appears twice")));
  EXPECT_THAT(ParseSchema("a: int32 b: string"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("expected ',' or a line end")));
  EXPECT_THAT(ParseSchema("a: nope"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("unknown type name 'nope'")));
}

}  // namespace
}  // namespace quire::columnar
