#include "quire/columnar/array.h"

#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"

namespace quire::columnar {
namespace {

using ::quire::testing::EveryType;
using ::quire::testing::MakeRandomArray;

ArrayPtr Ints(std::vector<std::optional<int32_t>> values) {
  Int32Builder b(int32());
  for (auto v : values) EXPECT_OK(v ? b.Append(*v) : b.AppendNull());
  return b.Finish().ValueOrDie();
}

TEST(ArrayTest, SliceIsZeroCopyAndCountsItsOwnNulls) {
  auto a = Ints({1, std::nullopt, 3, std::nullopt, 5, 6});
  auto s = a->Slice(1, 3);
  EXPECT_EQ(s->offset(), 1);
  EXPECT_EQ(s->length(), 3);
  EXPECT_EQ(s->buffer(1).get(), a->buffer(1).get());
  EXPECT_EQ(s->null_count(), 2);
  EXPECT_EQ(s->ToString(), "[null, 3, null]");
  EXPECT_EQ(s->Slice(1)->ToString(), "[3, null]");
  EXPECT_EQ(a->Slice(4, 100)->length(), 2) << "slices clamp to the array";
  EXPECT_EQ(a->Slice(10)->length(), 0);
  EXPECT_OK(s->ValidateFull());
}

TEST(ArrayTest, SlicedStructAppliesItsOffsetToChildren) {
  auto t = struct_({field("a", int32()), field("b", utf8())});
  auto arr = MakeRandomArray(t, 20, {.seed = 3});
  auto s = arr->Slice(5, 4);
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(s->ValueEquals(i, *arr, 5 + i));
    if (s->IsValid(i)) {
      EXPECT_TRUE(s->field(0)->ValueEquals(i, *arr->child(0), 5 + i));
    }
  }
  EXPECT_EQ(s->field(1)->length(), 4);
}

TEST(ArrayTest, EqualsComparesValuesNotLayout) {
  auto a = Ints({1, 2, 3, 4});
  auto b = Ints({0, 1, 2, 3, 4});
  EXPECT_TRUE(a->Equals(*b->Slice(1)));
  EXPECT_FALSE(a->Equals(*b->Slice(0, 4)));
  EXPECT_FALSE(a->Equals(*Ints({1, 2, 3, std::nullopt})));
  // Same values, different type: not equal.
  Int64Builder c(int64());
  for (int64_t v : {1, 2, 3, 4}) ASSERT_OK(c.Append(v));
  EXPECT_FALSE(a->Equals(*c.Finish().ValueOrDie()));
}

TEST(ArrayTest, EqualsHoldsForEveryTypeAndDetectsChanges) {
  for (const auto& [name, type] : EveryType()) {
    auto a = MakeRandomArray(type, 40, {.seed = 11});
    auto b = MakeRandomArray(type, 40, {.seed = 11});
    EXPECT_TRUE(a->Equals(*b)) << name;
    if (type->id() == TypeId::kNull) continue;
    auto c = MakeRandomArray(type, 40, {.seed = 12});
    EXPECT_FALSE(a->Equals(*c)) << name;
  }
}

TEST(ArrayTest, NullTypeIsAllNullWithoutBuffers) {
  NullBuilder b;
  ASSERT_OK(b.AppendNulls(3));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->num_buffers(), 0);
  EXPECT_EQ(a->null_count(), 3);
  EXPECT_TRUE(a->IsNull(2));
  EXPECT_EQ(a->Slice(1)->null_count(), 2);
}

TEST(ArrayTest, NullCountIsComputedLazilyFromTheBitmap) {
  auto a = Ints({1, std::nullopt, 3});
  auto same = Array::Make(a->type(), 3, a->buffers());
  EXPECT_EQ(same->null_count(), 1);
}

TEST(ArrayTest, GetBytesReadsEveryBinaryLayout) {
  for (auto type : {binary(), utf8(), large_binary(), large_utf8(), binary_view(), utf8_view()}) {
    ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(type));
    for (std::string_view v : {"", "a", "a longer value past twelve bytes"}) {
      if (type->id() == TypeId::kBinaryView || type->id() == TypeId::kStringView) {
        ASSERT_OK(static_cast<BinaryViewBuilder&>(*b).Append(v));
      } else if (type->id() == TypeId::kLargeBinary || type->id() == TypeId::kLargeString) {
        ASSERT_OK(static_cast<LargeBinaryBuilder&>(*b).Append(v));
      } else {
        ASSERT_OK(static_cast<BinaryBuilder&>(*b).Append(v));
      }
    }
    ASSERT_OK_AND_ASSIGN(auto a, b->Finish());
    EXPECT_EQ(GetBytes(*a, 0), "") << type->ToString();
    EXPECT_EQ(GetBytes(*a, 2), "a longer value past twelve bytes") << type->ToString();
    EXPECT_EQ(GetBytes(*a->Slice(1), 0), "a") << type->ToString();
  }
}

}  // namespace
}  // namespace quire::columnar
