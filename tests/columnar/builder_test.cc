#include "quire/columnar/builder.h"

#include <gtest/gtest.h>

#include "quire/columnar/decimal.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "quire/util/float16.h"

namespace quire::columnar {
namespace {

using ::quire::testing::EveryType;
using ::quire::testing::IsError;
using ::quire::testing::MakeRandomArray;
using ::testing::HasSubstr;

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
  // Buffers come from the pool: 64-byte aligned.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a->buffer(1)->data()) % 64, 0u);
  EXPECT_EQ(b.length(), 0) << "Finish resets the builder";
}

TEST(BuilderTest, ArraysWithoutNullsHaveNoValidityBuffer) {
  DoubleBuilder b(float64());
  const double values[] = {1.5, -2.25, 1e300};
  ASSERT_OK(b.AppendValues(values, 3));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->validity(), nullptr);
  EXPECT_EQ(a->null_count(), 0);
  EXPECT_EQ(PrimitiveView<double>(*a).Value(2), 1e300);
}

TEST(BuilderTest, AppendValuesTakesAnArrowValidityBitmapAtAnOffset) {
  Int64Builder b(int64());
  const int64_t values[] = {10, 20, 30, 40};
  const uint8_t validity = 0b1011'0000;  // bits 4..7 -> valid, valid, invalid, valid
  ASSERT_OK(b.AppendValues(values, 4, &validity, 4));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->ToString(), "[10, 20, null, 40]");
}

TEST(BuilderTest, BooleanBuilderPacksBits) {
  BooleanBuilder b;
  const uint8_t values[] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  const uint8_t valid[] = {1, 1, 1, 1, 1, 1, 0, 1, 1};
  ASSERT_OK(b.AppendValues(values, 9, valid));
  ASSERT_OK(b.AppendNulls(2));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->length(), 11);
  EXPECT_EQ(a->null_count(), 3);
  EXPECT_EQ(a->buffer(1)->data()[0], 0b0000'1101);
  EXPECT_EQ(a->ToString(), "[true, false, true, true, false, false, null, false, true, null, null]");
}

TEST(BuilderTest, StringBuilderWritesOffsetsAndData) {
  StringBuilder b(utf8());
  ASSERT_OK(b.Append("ab"));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.Append(""));
  ASSERT_OK(b.Append("日本"));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  const int32_t* offsets = a->buffer(1)->data_as<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(offsets, offsets + 5), (std::vector<int32_t>{0, 2, 2, 2, 8}));
  EXPECT_EQ(a->buffer(2)->size(), 8);
  OffsetBinaryView<int32_t> v(*a);
  EXPECT_EQ(v.Value(3), "日本");
  EXPECT_TRUE(v.IsNull(1));
  EXPECT_OK(a->ValidateFull());
}

TEST(BuilderTest, LargeStringUsesSixtyFourBitOffsets) {
  LargeStringBuilder b(large_utf8());
  std::vector<std::string_view> values = {"x", "yy", "zzz"};
  ASSERT_OK(b.AppendValues(values));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->buffer(1)->size(), 4 * 8);
  EXPECT_EQ(OffsetBinaryView<int64_t>(*a).Value(2), "zzz");
}

TEST(BuilderTest, BinaryViewInlinesShortValuesAndReferencesLongOnes) {
  BinaryViewBuilder b(utf8_view());
  ASSERT_OK(b.Append("short"));
  ASSERT_OK(b.Append("exactly12chr"));
  ASSERT_OK(b.Append("a value longer than twelve bytes"));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  ASSERT_EQ(a->num_buffers(), 3) << "validity, views, one data block";
  const ViewSlot* views = a->buffer(1)->data_as<ViewSlot>();
  EXPECT_EQ(views[0].size, 5);
  EXPECT_EQ(std::string_view(views[0].inlined, 5), "short");
  EXPECT_EQ(views[1].size, 12);
  EXPECT_EQ(views[2].ref.buffer_index, 0);
  EXPECT_EQ(std::string_view(views[2].ref.prefix, 4), "a va");
  VariadicBinaryView v(*a);
  EXPECT_EQ(v.Value(1), "exactly12chr");
  EXPECT_EQ(v.Value(2), "a value longer than twelve bytes");
  EXPECT_OK(a->ValidateFull());
}

TEST(BuilderTest, FixedSizeBinaryRejectsValuesOfTheWrongWidth) {
  FixedSizeBinaryBuilder b(fixed_size_binary(3));
  ASSERT_OK(b.Append("abc"));
  EXPECT_THAT(b.Append("ab"), IsError(ErrorCode::kInvalidArgument, HasSubstr("3 bytes")));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->length(), 1);
  EXPECT_EQ(GetBytes(*a, 0), "abc");
}

TEST(BuilderTest, DecimalBuildersStoreLittleEndianTwosComplement) {
  FixedSizeBinaryBuilder b128(decimal128(10, 2));
  ASSERT_OK(b128.AppendDecimal(std::string_view("-12.3")));
  ASSERT_OK(b128.AppendDecimal(__int128(5)));
  EXPECT_THAT(b128.AppendDecimal(std::string_view("1.234")), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(b128.AppendDecimal(std::string_view("123456789.00")),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("does not fit")));
  ASSERT_OK_AND_ASSIGN(auto a, b128.Finish());
  EXPECT_EQ(a->ToString(), "[-12.30, 0.05]");
  EXPECT_EQ(a->values<int64_t>()[0], -1230);
  EXPECT_EQ(a->values<int64_t>()[1], -1) << "high word of -1230 is all ones";

  FixedSizeBinaryBuilder b256(decimal256(76, 0));
  const std::string big(76, '9');
  ASSERT_OK(b256.AppendDecimal(std::string_view("-" + big)));
  ASSERT_OK_AND_ASSIGN(auto d, b256.Finish());
  EXPECT_EQ(d->ToString(), "[-" + big + "]");
  EXPECT_OK(d->ValidateFull());
}

TEST(BuilderTest, Float16AndIntervalAreFixedWidth) {
  HalfFloatBuilder h(float16());
  ASSERT_OK(h.Append(util::FloatToHalf(1.5f)));
  ASSERT_OK(h.Append(util::FloatToHalf(-0.000061035156f)));  // smallest normal
  ASSERT_OK_AND_ASSIGN(auto a, h.Finish());
  EXPECT_EQ(util::HalfToFloat(a->values<uint16_t>()[0]), 1.5f);
  EXPECT_EQ(a->values<uint16_t>()[1], 0x8400);

  MonthDayNanoBuilder m(interval_month_day_nano());
  ASSERT_OK(m.Append({1, -2, 3000}));
  ASSERT_OK_AND_ASSIGN(auto i, m.Finish());
  EXPECT_EQ(i->buffer(1)->size(), 16);
  EXPECT_EQ(i->ToString(), "[1M-2d3000ns]");
}

TEST(BuilderTest, ListBuilderTracksOffsetsAndNullLists) {
  ListBuilder b(list(int32()), std::make_unique<Int32Builder>(int32()));
  auto& values = static_cast<Int32Builder&>(*b.value_builder());
  ASSERT_OK(b.Append());
  ASSERT_OK(values.Append(1));
  ASSERT_OK(values.Append(2));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.Append());  // empty list
  ASSERT_OK(b.Append());
  ASSERT_OK(values.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->ToString(), "[[1, 2], null, [], [null]]");
  ListView<int32_t> v(*a);
  EXPECT_EQ(v.value_offset(3), 2);
  EXPECT_EQ(v.value_length(2), 0);
  EXPECT_OK(a->ValidateFull());
}

TEST(BuilderTest, MapBuilderBuildsEntriesStruct) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(map(utf8(), int32())));
  auto& mb = static_cast<MapBuilder&>(*b);
  ASSERT_OK(mb.Append());
  ASSERT_OK(static_cast<StringBuilder&>(*mb.key_builder()).Append("a"));
  ASSERT_OK(static_cast<Int32Builder&>(*mb.item_builder()).Append(1));
  ASSERT_OK(static_cast<StringBuilder&>(*mb.key_builder()).Append("b"));
  ASSERT_OK(mb.item_builder()->AppendNull());
  ASSERT_OK(mb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a, mb.Finish());
  EXPECT_EQ(a->ToString(), "[{a: 1, b: null}, null]");
  EXPECT_EQ(a->child(0)->type_id(), TypeId::kStruct);
  EXPECT_EQ(a->child(0)->length(), 2);
  EXPECT_OK(a->ValidateFull());
}

TEST(BuilderTest, MapBuilderRefusesMismatchedKeysAndItems) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(map(utf8(), int32())));
  auto& mb = static_cast<MapBuilder&>(*b);
  ASSERT_OK(mb.Append());
  ASSERT_OK(static_cast<StringBuilder&>(*mb.key_builder()).Append("a"));
  EXPECT_THAT(mb.Finish(), IsError(ErrorCode::kInvalidArgument, HasSubstr("1 keys but 0 items")));
}

TEST(BuilderTest, FixedSizeListAndStructNullsFillChildren) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(fixed_size_list(int16(), 2)));
  auto& fb = static_cast<FixedSizeListBuilder&>(*b);
  ASSERT_OK(fb.Append());
  ASSERT_OK(static_cast<Int16Builder&>(*fb.value_builder()).Append(7));
  ASSERT_OK(static_cast<Int16Builder&>(*fb.value_builder()).Append(8));
  ASSERT_OK(fb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a, fb.Finish());
  EXPECT_EQ(a->ToString(), "[[7, 8], null]");
  EXPECT_EQ(a->child(0)->length(), 4);

  ASSERT_OK_AND_ASSIGN(auto sb_, MakeBuilder(struct_({field("x", int8()), field("s", utf8())})));
  auto& sb = static_cast<StructBuilder&>(*sb_);
  ASSERT_OK(sb.Append());
  ASSERT_OK(static_cast<Int8Builder&>(*sb.field_builder(0)).Append(1));
  ASSERT_OK(static_cast<StringBuilder&>(*sb.field_builder(1)).Append("one"));
  ASSERT_OK(sb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto s, sb.Finish());
  EXPECT_EQ(s->ToString(), "[{x: 1, s: one}, null]");
  EXPECT_EQ(s->child(1)->length(), 2);
  EXPECT_OK(s->ValidateFull());
}

TEST(BuilderTest, StructBuilderRefusesChildrenOfTheWrongLength) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(struct_({field("x", int8())})));
  auto& sb = static_cast<StructBuilder&>(*b);
  ASSERT_OK(sb.Append());
  EXPECT_THAT(sb.Finish(), IsError(ErrorCode::kInvalidArgument, HasSubstr("field 'x'")));
}

TEST(BuilderTest, DictionaryBuilderMemoisesValues) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(dictionary(int8(), utf8())));
  auto& db = static_cast<DictionaryBuilder&>(*b);
  for (const char* s : {"x", "y", "x", "z", "y"}) ASSERT_OK(db.AppendBytes(s));
  ASSERT_OK(db.AppendNull());
  EXPECT_EQ(db.dictionary_length(), 3);
  ASSERT_OK_AND_ASSIGN(auto a, db.Finish());
  EXPECT_EQ(a->dictionary()->ToString(), "[x, y, z]");
  EXPECT_EQ(std::vector<int8_t>(a->values<int8_t>(), a->values<int8_t>() + 5),
            (std::vector<int8_t>{0, 1, 0, 2, 1}));
  EXPECT_EQ(a->ToString(), "[x, y, x, z, y, null]");
  EXPECT_EQ(a->null_count(), 1);
  EXPECT_OK(a->ValidateFull());
}

TEST(BuilderTest, DictionaryBuilderFailsWhenTheIndexTypeOverflows) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(dictionary(int8(), int32())));
  auto& db = static_cast<DictionaryBuilder&>(*b);
  Status st;
  for (int32_t i = 0; i < 200 && st.ok(); ++i) {
    st = db.AppendBytes({reinterpret_cast<const char*>(&i), 4});
  }
  EXPECT_THAT(st, IsError(ErrorCode::kResourceExhausted, HasSubstr("cannot hold 129 values")));
}

TEST(BuilderTest, AppendArrayRejectsOtherTypesAndBadRanges) {
  auto ints = MakeRandomArray(int32(), 10);
  Int64Builder b(int64());
  EXPECT_THAT(b.AppendArray(*ints), IsError(ErrorCode::kInvalidArgument, HasSubstr("int32")));
  Int32Builder c(int32());
  EXPECT_THAT(c.AppendArray(*ints, 5, 6), IsError(ErrorCode::kInvalidArgument, HasSubstr("outside")));
}

// Rebuilding any array slot range through AppendArray reproduces the values, for
// every type, at unaligned offsets (validity bits and child offsets get shifted).
TEST(BuilderTest, AppendArrayCopiesRangesOfEveryType) {
  for (const auto& [name, type] : EveryType()) {
    auto source = MakeRandomArray(type, 100, {.seed = 7});
    ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(type));
    ASSERT_OK(b->AppendArray(*source, 3, 40));
    ASSERT_OK(b->AppendArray(*source->Slice(50), 1, 17));
    ASSERT_OK_AND_ASSIGN(auto built, b->Finish());
    ASSERT_OK(built->ValidateFull()) << name;
    ASSERT_EQ(built->length(), 57) << name;
    for (int64_t i = 0; i < 40; ++i) {
      ASSERT_TRUE(built->ValueEquals(i, *source, 3 + i)) << name << " slot " << i;
    }
    for (int64_t i = 0; i < 17; ++i) {
      ASSERT_TRUE(built->ValueEquals(40 + i, *source, 51 + i)) << name << " slot " << i;
    }
  }
}

TEST(BuilderTest, MakeArrayOfNullsWorksForEveryType) {
  for (const auto& [name, type] : EveryType()) {
    ASSERT_OK_AND_ASSIGN(auto a, MakeArrayOfNulls(type, 5));
    EXPECT_EQ(a->null_count(), 5) << name;
    EXPECT_OK(a->ValidateFull()) << name;
  }
}

TEST(BuilderTest, BuildersDrawFromTheGivenPoolAndReturnEverything) {
  TrackingMemoryPool pool;
  {
    auto b = MakeBuilder(list(utf8()), &pool).ValueOrDie();
    auto& lb = static_cast<ListBuilder&>(*b);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_OK(lb.Append());
      ASSERT_OK(static_cast<StringBuilder&>(*lb.value_builder()).Append("some text"));
    }
    ASSERT_OK_AND_ASSIGN(auto a, b->Finish());
    EXPECT_GT(pool.bytes_allocated(), 9000);
    EXPECT_GE(pool.max_memory(), pool.bytes_allocated());
  }
  EXPECT_EQ(pool.bytes_allocated(), 0);
}

TEST(ConcatenateTest, JoinsArraysOfEveryType) {
  for (const auto& [name, type] : EveryType()) {
    auto a = MakeRandomArray(type, 30, {.seed = 1});
    auto b = MakeRandomArray(type, 25, {.seed = 2});
    auto c = a->Slice(7, 11);
    ASSERT_OK_AND_ASSIGN(auto joined, Concatenate({a, b, c}));
    ASSERT_OK(joined->ValidateFull()) << name;
    ASSERT_EQ(joined->length(), 66);
    for (int64_t i = 0; i < 30; ++i) ASSERT_TRUE(joined->ValueEquals(i, *a, i)) << name;
    for (int64_t i = 0; i < 25; ++i) ASSERT_TRUE(joined->ValueEquals(30 + i, *b, i)) << name;
    for (int64_t i = 0; i < 11; ++i) ASSERT_TRUE(joined->ValueEquals(55 + i, *c, i)) << name;
  }
}

TEST(ConcatenateTest, UnifiesDictionaries) {
  auto make = [](std::vector<const char*> values) {
    auto b = MakeBuilder(dictionary(int32(), utf8())).ValueOrDie();
    for (auto v : values) EXPECT_OK(static_cast<DictionaryBuilder&>(*b).AppendBytes(v));
    return b->Finish().ValueOrDie();
  };
  auto a = make({"red", "green"});
  auto b = make({"blue", "red"});
  ASSERT_OK_AND_ASSIGN(auto joined, Concatenate({a, b}));
  EXPECT_EQ(joined->dictionary()->length(), 3);
  EXPECT_EQ(joined->ToString(), "[red, green, blue, red]");
}

TEST(ConcatenateTest, RefusesMixedTypesAndEmptyInput) {
  EXPECT_THAT(Concatenate({}), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Concatenate({MakeRandomArray(int8(), 2), MakeRandomArray(int16(), 2)}),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("int8 and int16")));
}

TEST(DecimalTest, RendersAndParsesAtTheEdges) {
  uint8_t bytes[32];
  DecimalFromInt128(-5, 16, bytes);
  EXPECT_EQ(DecimalToString(bytes, 16, 2), "-0.05");
  EXPECT_EQ(DecimalToString(bytes, 16, 0), "-5");
  EXPECT_EQ(DecimalToString(bytes, 16, -3), "-5000");
  DecimalFromInt128(0, 32, bytes);
  EXPECT_EQ(DecimalToString(bytes, 32, 3), "0.000");
  ASSERT_OK(DecimalFromString("-99999999999999999999999999999999999999", 38, 0, 16, bytes));
  EXPECT_EQ(DecimalToString(bytes, 16, 0), "-99999999999999999999999999999999999999");
  ASSERT_OK(DecimalFromString("+1.5", 5, 3, 16, bytes));
  EXPECT_EQ(DecimalToString(bytes, 16, 3), "1.500");
  EXPECT_THAT(DecimalFromString("1e3", 5, 0, 16, bytes), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(DecimalFromString("", 5, 0, 16, bytes), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(DecimalFromString("-", 5, 0, 16, bytes), IsError(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace quire::columnar

namespace quire::columnar {
namespace {

// Arrow lets buffers whose required size is 0 be absent: a 0-length array, a binary
// array of empty values without a data buffer, a fixed_size_binary(0) array
// without values. Found by the array fuzzer; builders must not dereference them.
TEST(ConcatenateTest, AcceptsLegalLayoutsWithAbsentBuffers) {
  auto offsets = Buffer::Copy(std::string_view("\0\0\0\0\0\0\0\0\0\0\0\0", 12)).ValueOrDie();
  auto empty_strings = Array::Make(utf8(), 2, {nullptr, offsets, nullptr});
  ASSERT_OK(empty_strings->ValidateFull());
  ASSERT_OK_AND_ASSIGN(auto joined, Concatenate({empty_strings, empty_strings}));
  EXPECT_EQ(joined->length(), 4);
  EXPECT_EQ(GetBytes(*joined, 3), "");

  auto zero_width = Array::Make(fixed_size_binary(0), 3, {nullptr, nullptr});
  ASSERT_OK(zero_width->ValidateFull());
  ASSERT_OK_AND_ASSIGN(auto joined_fsb, Concatenate({zero_width, zero_width}));
  EXPECT_EQ(joined_fsb->length(), 6);
  EXPECT_TRUE(joined_fsb->Slice(0, 3)->Equals(*zero_width));

  auto no_buffers = Array::Make(boolean(), 0, {nullptr, nullptr});
  ASSERT_OK(no_buffers->ValidateFull());
  ASSERT_OK_AND_ASSIGN(auto joined_bool, Concatenate({no_buffers, no_buffers}));
  EXPECT_EQ(joined_bool->length(), 0);
}

}  // namespace
}  // namespace quire::columnar
