#include "quire/columnar/builder.h"

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::columnar {
namespace {

TEST(BuilderTest, Int32WithNullsMatchesArrowLayout) {
  Int32Builder b(int32());
  ASSERT_OK(b.Append(1));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.Append(3));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->length(), 3);
  EXPECT_EQ(a->null_count(), 1);
  EXPECT_EQ(a->validity()[0], 0b101);
  EXPECT_EQ(a->values<int32_t>()[2], 3);
  EXPECT_EQ(a->ToString(), "[1, null, 3]");
  EXPECT_OK(a->ValidateFull());
}

}  // namespace
}  // namespace quire::columnar
