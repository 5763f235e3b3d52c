#include "quire/util/status.h"

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"
#include "quire/util/macros.h"

namespace quire {
namespace {

using ::quire::testing::IsError;
using ::quire::testing::IsOk;
using ::testing::HasSubstr;

TEST(StatusTest, OkStatusHoldsNoStateAndRendersOk) {
  Status st;
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kOk);
  EXPECT_EQ(st.ToString(), "OK");
  EXPECT_EQ(sizeof(Status), sizeof(void*));
}

TEST(StatusTest, FactoriesFormatTheMessageAndSetTheCode) {
  Status st = Status::Corrupt("{}: {} bytes is too small", "x.parquet", 3);
  EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
  EXPECT_EQ(st.message(), "x.parquet: 3 bytes is too small");
  EXPECT_EQ(st.ToString(), "Corrupt: x.parquet: 3 bytes is too small");
  EXPECT_FALSE(st.retryable());
  EXPECT_TRUE(Status::RetryableIOError("503").retryable());
}

TEST(StatusTest, CopiesAreDeepAndContextIsPrefixed) {
  Status a = Status::NotFound("no such key");
  Status b = a;
  EXPECT_EQ(a, b);
  Status c = b.WithContext("s3://bucket/key");
  EXPECT_EQ(c.message(), "s3://bucket/key: no such key");
  EXPECT_EQ(b.message(), "no such key");
  EXPECT_TRUE(Status().WithContext("x").ok());
}

Result<int> Half(int x) {
  if (x % 2) return Status::Invalid("{} is odd", x);
  return x / 2;
}

Result<int> Quarter(int x) {
  QUIRE_ASSIGN_OR_RETURN(int h, Half(x));
  QUIRE_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  QUIRE_RETURN_NOT_OK(Half(x));
  return Status::OK();
}

TEST(ResultTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), IsError(ErrorCode::kInvalidArgument, HasSubstr("3 is odd")));
  EXPECT_THAT(CheckEven(4), IsOk());
  EXPECT_THAT(CheckEven(5), IsError(ErrorCode::kInvalidArgument));
}

TEST(ResultTest, ResultFromOkStatusBecomesInternalError) {
  Result<int> r{Status::OK()};
  EXPECT_THAT(r, IsError(ErrorCode::kInternal));
}

TEST(ResultTest, MoveOnlyValuesMoveOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).ValueOrDie();
  EXPECT_EQ(*p, 7);
  EXPECT_EQ(Result<int>(Status::Invalid("x")).ValueOr(3), 3);
}

TEST(ErrorCodeTest, EveryCodeHasADistinctName) {
  std::set<std::string_view> names;
  for (int c = 0; c <= int(ErrorCode::kInternal); ++c) names.insert(ErrorCodeName(ErrorCode(c)));
  EXPECT_EQ(names.size(), size_t(ErrorCode::kInternal) + 1);
}

}  // namespace
}  // namespace quire
