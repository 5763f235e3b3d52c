/// \file tests/compute/expression_test.cc
/// \brief The predicate language: parsing (precedence, literals, errors) and
/// evaluation with SQL's three-valued logic, and filtering.
#include "quire/compute/expression.h"

#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/testing/matchers.h"

namespace quire::compute {
namespace {

using namespace quire::columnar;  // NOLINT
using ::quire::testing::IsError;
using ::testing::HasSubstr;

std::string Parsed(std::string_view text) {
  auto e = ParseExpression(text);
  return e.ok() ? (*e)->ToString() : e.status().ToString();
}

TEST(ExpressionParserTest, FollowsPrecedenceAndReadsEveryLiteral) {
  EXPECT_EQ(Parsed("a > 10 and b = 'x' or not c is null"),
            "(((a > 10) and (b = 'x')) or (not (c is null)))");
  EXPECT_EQ(Parsed("a > 10 and (b = 'x' or c is not null)"),
            "((a > 10) and ((b = 'x') or (c is not null)))");
  EXPECT_EQ(Parsed("b IN ('x', 'y') AND n NOT IN (1, 2.5, null)"),
            "((b in ('x', 'y')) and (n not in (1, 2.5, null)))");
  EXPECT_EQ(Parsed("\"odd name\" <> 'it''s' and x >= -3 and y <= 1e3 and z == true"),
            "((((\"odd name\" != 'it''s') and (x >= -3)) and (y <= 1000)) and (z = true))");
  EXPECT_EQ(Parsed("10 < a"), "(10 < a)");
}

TEST(ExpressionParserTest, ReportsWhereAndWhatWasExpected) {
  EXPECT_THAT(ParseExpression("a > "), IsError(ErrorCode::kInvalidArgument,
                                               HasSubstr("expected a value at position 4")));
  EXPECT_THAT(ParseExpression("a in (1, 2"), IsError(ErrorCode::kInvalidArgument,
                                                     HasSubstr("expected ',' or ')'")));
  EXPECT_THAT(ParseExpression("a = 'open"), IsError(ErrorCode::kInvalidArgument,
                                                    HasSubstr("unterminated string")));
  EXPECT_THAT(ParseExpression("a ~ 1"), IsError(ErrorCode::kInvalidArgument,
                                                HasSubstr("unexpected '~' at position 2")));
  EXPECT_THAT(ParseExpression("a = 1 b"), IsError(ErrorCode::kInvalidArgument,
                                                  HasSubstr("end of the expression")));
  EXPECT_THAT(ParseExpression(std::string(1000, '(') + "a" + std::string(1000, ')')),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("nested too deeply")));
}

RecordBatchPtr Sample() {
  Int32Builder ids(int32());
  StringBuilder names(utf8());
  DoubleBuilder scores(float64());
  Int32Builder days(date32());
  for (int i = 0; i < 6; ++i) {
    EXPECT_OK(ids.Append(i));
    EXPECT_OK(i == 2 ? names.AppendNull() : names.Append(std::string(1, char('a' + i))));
    EXPECT_OK(i == 4 ? scores.AppendNull() : scores.Append(i * 1.5));
    EXPECT_OK(days.Append(int32_t(19844 + i)));  // 2024-05-01 + i
  }
  return RecordBatch::Make(schema({field("id", int32()), field("name", utf8()),
                                   field("score", float64()), field("day", date32())}),
                           6, {*ids.Finish(), *names.Finish(), *scores.Finish(), *days.Finish()})
      .ValueOrDie();
}

std::string Eval(std::string_view text) {
  auto e = ParseExpression(text);
  if (!e.ok()) return e.status().ToString();
  auto mask = Evaluate(**e, *Sample());
  return mask.ok() ? (*mask)->ToString() : mask.status().ToString();
}

TEST(ExpressionEvaluateTest, UsesThreeValuedLogic) {
  EXPECT_EQ(Eval("id > 3"), "[false, false, false, false, true, true]");
  EXPECT_EQ(Eval("name = 'b'"), "[false, true, null, false, false, false]");
  EXPECT_EQ(Eval("name = 'b' or id = 2"), "[false, true, true, false, false, false]");
  EXPECT_EQ(Eval("name != 'b' and id > 1"), "[false, false, null, true, true, true]");
  EXPECT_EQ(Eval("not name = 'b'"), "[true, false, null, true, true, true]");
  EXPECT_EQ(Eval("score is null"), "[false, false, false, false, true, false]");
  EXPECT_EQ(Eval("name in ('a', 'f')"), "[true, false, null, false, false, true]");
  EXPECT_EQ(Eval("id not in (1, null)"), "[null, false, null, null, null, null]");
  EXPECT_EQ(Eval("score >= 3 and score < 6"), "[false, false, true, true, null, false]");
  EXPECT_EQ(Eval("4 <= id"), "[false, false, false, false, true, true]");
  EXPECT_EQ(Eval("score > id"), "[false, true, true, true, null, true]");
  EXPECT_EQ(Eval("id = null"), "[null, null, null, null, null, null]");
}

TEST(ExpressionEvaluateTest, ReadsDateLiteralsForDateColumns) {
  EXPECT_EQ(Eval("day >= '2024-05-04'"), "[false, false, false, true, true, true]");
  EXPECT_THAT(Eval("day = 'May 1st'"), HasSubstr("is not a date"));
}

TEST(ExpressionEvaluateTest, RejectsUnknownColumnsAndMismatchedTypes) {
  EXPECT_THAT(Eval("nope = 1"), HasSubstr("NotFound: no column named 'nope' (columns: id, name, score, day)"));
  EXPECT_THAT(Eval("name > 3"), HasSubstr("cannot compare column 'name' of type string with 3"));
  EXPECT_THAT(Eval("id = 'x'"), HasSubstr("cannot compare column 'id'"));
  EXPECT_THAT(Eval("name = id"), HasSubstr("cannot compare column 'name'"));
  EXPECT_THAT(Eval("id"), HasSubstr("is not a condition"));
}

TEST(FilterTest, KeepsOnlyTheTrueRows) {
  auto batch = Sample();
  auto e = ParseExpression("id >= 1 and name is not null").ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto mask, Evaluate(*e, *batch));
  ASSERT_OK_AND_ASSIGN(auto out, Filter(*batch, *mask));
  EXPECT_EQ(out->num_rows(), 4);
  EXPECT_EQ(out->column(0)->ToString(), "[1, 3, 4, 5]");
  EXPECT_EQ(out->column(2)->ToString(), "[1.5, 4.5, null, 7.5]");
  EXPECT_OK(out->ValidateFull());
  EXPECT_THAT(Filter(*batch, *batch->column(0)), IsError(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace quire::compute
