#include "quire/columnar/type.h"

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::columnar {
namespace {

using ::quire::testing::IsError;

TEST(TypeTest, ToStringNamesEveryParameter) {
  EXPECT_EQ(int32()->ToString(), "int32");
  EXPECT_EQ(decimal128(10, 2)->ToString(), "decimal128(10, 2)");
  EXPECT_EQ(timestamp(TimeUnit::kMicro, "UTC")->ToString(), "timestamp[us, tz=UTC]");
  EXPECT_EQ(timestamp(TimeUnit::kNano)->ToString(), "timestamp[ns]");
  EXPECT_EQ(list(utf8())->ToString(), "list<item: string>");
  EXPECT_EQ(fixed_size_list(field("v", float32(), false), 3)->ToString(),
            "fixed_size_list<v: float not null>[3]");
  EXPECT_EQ(map(utf8(), int64())->ToString(), "map<string, int64>");
  EXPECT_EQ(struct_({field("a", int8()), field("b", binary_view())})->ToString(),
            "struct<a: int8, b: binary_view>");
  EXPECT_EQ(dictionary(int16(), utf8())->ToString(),
            "dictionary<values=string, indices=int16, ordered=0>");
}

TEST(TypeTest, EqualityComparesParametersAndChildren) {
  EXPECT_TRUE(timestamp(TimeUnit::kMilli, "UTC")->Equals(*timestamp(TimeUnit::kMilli, "UTC")));
  EXPECT_FALSE(timestamp(TimeUnit::kMilli, "UTC")->Equals(*timestamp(TimeUnit::kMilli)));
  EXPECT_FALSE(decimal128(10, 2)->Equals(*decimal128(10, 3)));
  EXPECT_FALSE(decimal128(10, 2)->Equals(*decimal256(10, 2)));
  EXPECT_FALSE(list(int32())->Equals(*list(int64())));
  EXPECT_FALSE(list(field("item", int32()))->Equals(*list(field("element", int32()))));
  EXPECT_FALSE(map(utf8(), int32(), true)->Equals(*map(utf8(), int32(), false)));
  EXPECT_FALSE(fixed_size_binary(4)->Equals(*fixed_size_binary(5)));
  EXPECT_FALSE(utf8()->Equals(*large_utf8()));
}

TEST(TypeTest, MetadataOnlyMattersWhenAsked) {
  auto md = KeyValueMetadata::Make({{"k", "v"}});
  auto a = field("x", int32(), true, md);
  auto b = field("x", int32());
  EXPECT_TRUE(a->Equals(*b));
  EXPECT_FALSE(a->Equals(*b, /*check_metadata=*/true));
  EXPECT_EQ(md->Get("k"), "v");
  EXPECT_FALSE(md->Get("missing").has_value());
}

TEST(TypeTest, CheckParamsRejectsIllegalParameters) {
  EXPECT_THAT(DataType::CheckParams(TypeId::kDecimal128, {.precision = 39}),
              IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(DataType::CheckParams(TypeId::kDecimal256, {.precision = 0}),
              IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(DataType::CheckParams(TypeId::kTime32, {.unit = TimeUnit::kMicro}),
              IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(DataType::CheckParams(TypeId::kTime64, {.unit = TimeUnit::kSecond}),
              IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(DataType::CheckParams(TypeId::kDictionary,
                                    {.index_type = utf8(), .value_type = utf8()}),
              IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(DataType::CheckParams(TypeId::kList, {}), IsError(ErrorCode::kInvalidArgument));
}

TEST(SchemaTest, LooksUpFieldsByNameAndNamesTheKnownOnesOnMiss) {
  auto s = schema({field("a", int32()), field("b", utf8())});
  EXPECT_EQ(s->GetFieldIndex("b"), 1);
  EXPECT_EQ(s->GetFieldIndex("c"), -1);
  EXPECT_THAT(s->GetField("c"), IsError(ErrorCode::kNotFound, ::testing::HasSubstr("a, b")));
  EXPECT_EQ(s->ToString(), "a: int32\nb: string");
}

}  // namespace
}  // namespace quire::columnar
