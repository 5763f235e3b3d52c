/// \file tests/compute/cast_test.cc
/// \brief Cast over the widenings of Delta's type widening, string and binary
/// layouts, timestamp units and nested types; nulls, slices and overflow errors.
#include "quire/compute/cast.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/testing/matchers.h"

namespace quire::compute {
namespace {

using namespace quire::columnar;  // NOLINT
using ::quire::testing::IsError;
using ::testing::HasSubstr;

template <typename T>
ArrayPtr Fixed(TypePtr type, const std::vector<std::optional<T>>& values) {
  FixedWidthBuilder<T> builder(std::move(type));
  for (const auto& v : values) {
    EXPECT_OK(v ? builder.Append(*v) : builder.AppendNull());
  }
  return builder.Finish().ValueOrDie();
}

ArrayPtr Decimals(TypePtr type, const std::vector<std::optional<std::string>>& values) {
  FixedSizeBinaryBuilder builder(std::move(type));
  for (const auto& v : values) {
    EXPECT_OK(v ? builder.AppendDecimal(std::string_view(*v)) : builder.AppendNull());
  }
  return builder.Finish().ValueOrDie();
}

ArrayPtr Strings(TypePtr type, const std::vector<std::optional<std::string>>& values) {
  auto builder = MakeBuilder(type).ValueOrDie();
  for (const auto& v : values) {
    if (!v) {
      EXPECT_OK(builder->AppendNull());
    } else if (type->id() == TypeId::kStringView || type->id() == TypeId::kBinaryView) {
      EXPECT_OK(static_cast<BinaryViewBuilder*>(builder.get())->Append(*v));
    } else if (type->id() == TypeId::kLargeString || type->id() == TypeId::kLargeBinary) {
      EXPECT_OK(static_cast<LargeStringBuilder*>(builder.get())->Append(*v));
    } else {
      EXPECT_OK(static_cast<StringBuilder*>(builder.get())->Append(*v));
    }
  }
  return builder->Finish().ValueOrDie();
}

std::string CastToString(const ArrayPtr& array, const TypePtr& to) {
  auto result = Cast(array, to);
  if (!result.ok()) return result.status().ToString();
  EXPECT_TRUE((*result)->type()->Equals(*to)) << (*result)->type()->ToString();
  EXPECT_OK((*result)->ValidateFull());
  return (*result)->ToString();
}

TEST(CastTest, IdentityReturnsTheSameArray) {
  auto a = Fixed<int32_t>(int32(), {1, std::nullopt, 3});
  ASSERT_OK_AND_ASSIGN(auto out, Cast(a, int32()));
  EXPECT_EQ(out.get(), a.get());
}

TEST(CastTest, WidensIntegersKeepingNulls) {
  auto a = Fixed<int8_t>(int8(), {-128, std::nullopt, 127});
  EXPECT_EQ(CastToString(a, int16()), "[-128, null, 127]");
  EXPECT_EQ(CastToString(a, int32()), "[-128, null, 127]");
  EXPECT_EQ(CastToString(a, int64()), "[-128, null, 127]");
  auto b = Fixed<int32_t>(int32(), {INT32_MIN, INT32_MAX});
  ASSERT_OK_AND_ASSIGN(auto wide, Cast(b, int64()));
  EXPECT_EQ(wide->values<int64_t>()[0], int64_t(INT32_MIN));
  EXPECT_EQ(wide->values<int64_t>()[1], int64_t(INT32_MAX));
}

TEST(CastTest, NarrowingOutOfRangeIsInvalidArgument) {
  auto a = Fixed<int32_t>(int32(), {1, 300});
  EXPECT_THAT(Cast(a, int8()),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("slot 1 does not fit")));
  auto b = Fixed<int32_t>(int32(), {-1});
  EXPECT_THAT(Cast(b, uint32()), IsError(ErrorCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(auto ok, Cast(Fixed<int32_t>(int32(), {1, 127}), int8()));
  EXPECT_EQ(ok->ToString(), "[1, 127]");
}

TEST(CastTest, IntegersToDouble) {
  auto a = Fixed<int16_t>(int16(), {-5, std::nullopt, 32767});
  ASSERT_OK_AND_ASSIGN(auto out, Cast(a, float64()));
  EXPECT_TRUE(out->IsNull(1));
  EXPECT_EQ(out->values<double>()[0], -5.0);
  EXPECT_EQ(out->values<double>()[2], 32767.0);
}

TEST(CastTest, FloatToDouble) {
  auto a = Fixed<float>(float32(), {1.5f, std::nullopt, -0.25f});
  ASSERT_OK_AND_ASSIGN(auto out, Cast(a, float64()));
  EXPECT_EQ(out->values<double>()[0], 1.5);
  EXPECT_EQ(out->values<double>()[2], -0.25);
  EXPECT_EQ(out->null_count(), 1);
  EXPECT_THAT(Cast(Fixed<double>(float64(), {1.0}), float32()),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("cannot cast double to float")));
}

TEST(CastTest, IntegersToDecimalScaleUp) {
  auto a = Fixed<int32_t>(int32(), {-7, std::nullopt, 2147483647});
  EXPECT_EQ(CastToString(a, decimal128(11, 1)), "[-7.0, null, 2147483647.0]");
  // 2147483647 needs 10 integer digits: decimal(10, 1) has only 9.
  EXPECT_THAT(Cast(a, decimal128(10, 1)),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("slot 2 does not fit")));
  auto b = Fixed<int64_t>(int64(), {INT64_MIN});
  EXPECT_EQ(CastToString(b, decimal128(21, 1)), "[-9223372036854775808.0]");
}

TEST(CastTest, DecimalRescalesToGreaterPrecisionAndScale) {
  auto a = Decimals(decimal128(10, 2), {"123.45", std::nullopt, "-0.01", "99999999.99"});
  EXPECT_EQ(CastToString(a, decimal128(20, 5)),
            "[123.45000, null, -0.01000, 99999999.99000]");
  EXPECT_EQ(CastToString(a, decimal128(20, 2)), "[123.45, null, -0.01, 99999999.99]");
  EXPECT_EQ(CastToString(a, decimal256(40, 4)), "[123.4500, null, -0.0100, 99999999.9900]");
  // decimal(10, 5) keeps 5 integer digits: 99999999.99 does not fit.
  EXPECT_THAT(Cast(a, decimal128(10, 5)),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("slot 3 does not fit")));
}

TEST(CastTest, DecimalScaleDownOnlyWhenExact) {
  EXPECT_EQ(CastToString(Decimals(decimal128(10, 2), {"1.20", "-3.00"}), decimal128(10, 1)),
            "[1.2, -3.0]");
  EXPECT_THAT(Cast(Decimals(decimal128(10, 2), {"1.25"}), decimal128(10, 1)),
              IsError(ErrorCode::kInvalidArgument));
}

TEST(CastTest, DateToTimestampNtzIsMidnight) {
  auto a = Fixed<int32_t>(date32(), {0, std::nullopt, 19000, -1});
  ASSERT_OK_AND_ASSIGN(auto out, Cast(a, timestamp(TimeUnit::kMicro)));
  EXPECT_EQ(out->values<int64_t>()[0], 0);
  EXPECT_TRUE(out->IsNull(1));
  EXPECT_EQ(out->values<int64_t>()[2], int64_t(19000) * 86400 * 1000000);
  EXPECT_EQ(out->values<int64_t>()[3], -int64_t(86400) * 1000000);
}

TEST(CastTest, TimestampUnitsChange) {
  auto ms = Fixed<int64_t>(timestamp(TimeUnit::kMilli, "UTC"), {1, std::nullopt, -1});
  ASSERT_OK_AND_ASSIGN(auto us, Cast(ms, timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_EQ(us->values<int64_t>()[0], 1000);
  EXPECT_EQ(us->values<int64_t>()[2], -1000);
  EXPECT_TRUE(us->IsNull(1));
  // Nanoseconds truncate toward negative infinity.
  auto ns = Fixed<int64_t>(timestamp(TimeUnit::kNano), {1999, -1});
  ASSERT_OK_AND_ASSIGN(auto truncated, Cast(ns, timestamp(TimeUnit::kMicro)));
  EXPECT_EQ(truncated->values<int64_t>()[0], 1);
  EXPECT_EQ(truncated->values<int64_t>()[1], -1);
  auto s = Fixed<int64_t>(timestamp(TimeUnit::kSecond), {INT64_MAX / 10});
  EXPECT_THAT(Cast(s, timestamp(TimeUnit::kMicro)), IsError(ErrorCode::kInvalidArgument));
  // A naive timestamp is no instant: it does not become a zoned one.
  EXPECT_THAT(Cast(ns, timestamp(TimeUnit::kMicro, "UTC")),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("timestamp[us, tz=UTC]")));
}

TEST(CastTest, StringLayoutsConvertIntoEachOther) {
  const std::string long_value(40, 'x');
  auto a = Strings(utf8(), {"a", std::nullopt, long_value, ""});
  const std::string expected = CastToString(a, utf8());
  for (const auto& to : {large_utf8(), utf8_view(), binary(), large_binary(), binary_view()}) {
    ASSERT_OK_AND_ASSIGN(auto out, Cast(a, to));
    ASSERT_EQ(out->length(), 4) << to->ToString();
    EXPECT_EQ(GetBytes(*out, 0), "a");
    EXPECT_TRUE(out->IsNull(1));
    EXPECT_EQ(GetBytes(*out, 2), long_value);
    EXPECT_EQ(GetBytes(*out, 3), "");
    ASSERT_OK_AND_ASSIGN(auto back, Cast(out, utf8()));
    EXPECT_TRUE(back->Equals(*a)) << to->ToString();
  }
}

TEST(CastTest, BinaryToStringChecksUtf8) {
  auto bad = Strings(binary(), {"ok", std::string("\xff\xfe")});
  EXPECT_THAT(Cast(bad, utf8()),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("slot 1 is not valid UTF-8")));
  EXPECT_THAT(Cast(bad, large_utf8()), IsError(ErrorCode::kInvalidArgument));
}

TEST(CastTest, SlicedInputKeepsItsWindow) {
  auto a = Fixed<int8_t>(int8(), {1, std::nullopt, 3, 4, std::nullopt, 6, 7, 8, 9, 10});
  ASSERT_OK_AND_ASSIGN(auto out, Cast(a->Slice(3, 5), int64()));
  EXPECT_EQ(out->ToString(), "[4, null, 6, 7, 8]");
  auto s = Strings(utf8(), {"a", "b", std::nullopt, "d"});
  ASSERT_OK_AND_ASSIGN(auto view, Cast(s->Slice(1, 3), utf8_view()));
  EXPECT_EQ(GetBytes(*view, 0), "b");
  EXPECT_TRUE(view->IsNull(1));
  EXPECT_EQ(GetBytes(*view, 2), "d");
}

TEST(CastTest, StructCastsFieldByFieldByName) {
  auto ints = Fixed<int32_t>(int32(), {1, 2, 3});
  auto floats = Fixed<float>(float32(), {0.5f, std::nullopt, 2.0f});
  auto from = struct_({field("i", int32()), field("f", float32())});
  auto a = Array::Make(from, 3, {nullptr}, {ints, floats});
  auto to = struct_({field("f", float64()), field("i", int64())});
  ASSERT_OK_AND_ASSIGN(auto out, Cast(a, to));
  EXPECT_EQ(out->field(0)->values<double>()[0], 0.5);
  EXPECT_TRUE(out->field(0)->IsNull(1));
  EXPECT_EQ(out->field(1)->ToString(), "[1, 2, 3]");
  EXPECT_THAT(Cast(a, struct_({field("x", int64()), field("f", float64())})),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("cannot cast struct")));
}

TEST(CastTest, ListAndMapElementsCast) {
  ListBuilder lists(list(int16()), std::make_unique<Int16Builder>(int16()));
  auto* values = static_cast<Int16Builder*>(lists.value_builder());
  ASSERT_OK(lists.Append());
  ASSERT_OK(values->Append(1));
  ASSERT_OK(values->Append(2));
  ASSERT_OK(lists.AppendNull());
  ASSERT_OK(lists.Append());
  ASSERT_OK(values->AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a, lists.Finish());
  EXPECT_EQ(CastToString(a, list(int64())), "[[1, 2], null, [null]]");
  EXPECT_EQ(CastToString(a, large_list(int32())), "[[1, 2], null, [null]]");
  EXPECT_EQ(CastToString(a->Slice(1, 2), large_list(int32())), "[null, [null]]");

  MapBuilder maps(map(utf8(), int8()), std::make_unique<StringBuilder>(utf8()),
                  std::make_unique<Int8Builder>(int8()));
  ASSERT_OK(maps.Append());
  ASSERT_OK(static_cast<StringBuilder*>(maps.key_builder())->Append("k"));
  ASSERT_OK(static_cast<Int8Builder*>(maps.item_builder())->Append(5));
  ASSERT_OK_AND_ASSIGN(auto m, maps.Finish());
  ASSERT_OK_AND_ASSIGN(auto out, Cast(m, map(large_utf8(), int32())));
  EXPECT_TRUE(out->type()->Equals(*map(large_utf8(), int32())));
  EXPECT_EQ(out->child(0)->child(1)->ToString(), "[5]");
  EXPECT_EQ(GetBytes(*out->child(0)->child(0), 0), "k");
}

TEST(CastTest, NullArrayBecomesNullsOfTheTarget) {
  auto a = Array::Make(null(), 3, {});
  ASSERT_OK_AND_ASSIGN(auto out, Cast(a, decimal128(5, 2)));
  EXPECT_EQ(out->length(), 3);
  EXPECT_EQ(out->null_count(), 3);
}

TEST(CastTest, UnsupportedPairNamesBothTypes) {
  auto a = Fixed<int64_t>(timestamp(TimeUnit::kMicro), {1});
  EXPECT_THAT(Cast(a, date32()),
              IsError(ErrorCode::kInvalidArgument,
                      HasSubstr("cannot cast timestamp[us] to date32")));
  EXPECT_THAT(Cast(Strings(utf8(), {"1"}), int32()),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("int32")));
}

TEST(CanCastLosslesslyTest, FollowsWideningRules) {
  EXPECT_TRUE(CanCastLosslessly(*int8(), *int64()));
  EXPECT_FALSE(CanCastLosslessly(*int64(), *int32()));
  EXPECT_TRUE(CanCastLosslessly(*uint16(), *int32()));
  EXPECT_FALSE(CanCastLosslessly(*uint32(), *int32()));
  EXPECT_FALSE(CanCastLosslessly(*int8(), *uint64()));
  EXPECT_TRUE(CanCastLosslessly(*int32(), *float64()));
  EXPECT_FALSE(CanCastLosslessly(*int64(), *float64()));
  EXPECT_TRUE(CanCastLosslessly(*float32(), *float64()));
  EXPECT_FALSE(CanCastLosslessly(*float64(), *float32()));
  EXPECT_TRUE(CanCastLosslessly(*int32(), *decimal128(10, 0)));
  EXPECT_FALSE(CanCastLosslessly(*int32(), *decimal128(10, 1)));
  EXPECT_TRUE(CanCastLosslessly(*decimal128(10, 1), *decimal128(12, 3)));
  EXPECT_FALSE(CanCastLosslessly(*decimal128(10, 1), *decimal128(11, 3)));
  EXPECT_FALSE(CanCastLosslessly(*decimal128(10, 2), *decimal128(10, 1)));
  EXPECT_TRUE(CanCastLosslessly(*date32(), *timestamp(TimeUnit::kMicro)));
  EXPECT_TRUE(CanCastLosslessly(*timestamp(TimeUnit::kMilli, "UTC"),
                                *timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_FALSE(CanCastLosslessly(*timestamp(TimeUnit::kNano), *timestamp(TimeUnit::kMicro)));
  EXPECT_FALSE(CanCastLosslessly(*timestamp(TimeUnit::kMicro), *timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_TRUE(CanCastLosslessly(*utf8(), *large_binary()));
  EXPECT_FALSE(CanCastLosslessly(*binary(), *utf8()));
  EXPECT_TRUE(CanCastLosslessly(*dictionary(int32(), utf8()), *large_utf8()));
  EXPECT_TRUE(CanCastLosslessly(*struct_({field("a", int8())}), *struct_({field("a", int16())})));
  EXPECT_FALSE(CanCastLosslessly(*struct_({field("a", int8())}), *struct_({field("b", int16())})));
  EXPECT_TRUE(CanCastLosslessly(*list(int32()), *large_list(int64())));
  EXPECT_FALSE(CanCastLosslessly(*large_list(int32()), *list(int32())));
  EXPECT_TRUE(CanCastLosslessly(*map(utf8(), int16()), *map(large_utf8(), int32())));
  EXPECT_FALSE(CanCastLosslessly(*utf8(), *int32()));
}

}  // namespace
}  // namespace quire::compute
