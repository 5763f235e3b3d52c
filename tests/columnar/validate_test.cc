// Validation of untrusted arrays: every malformed layout gets a kCorrupt error
// naming the problem (and, through batches, the column).
#include <gtest/gtest.h>

#include "quire/columnar/array.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/record_batch.h"
#include "quire/testing/matchers.h"

namespace quire::columnar {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

template <typename T>
BufferPtr Buf(std::vector<T> values) {
  return Buffer::Copy(std::as_bytes(std::span(values))).ValueOrDie();
}
BufferPtr Str(std::string_view s) { return Buffer::Copy(s).ValueOrDie(); }

#define EXPECT_CORRUPT(status, text) \
  EXPECT_THAT(status, IsError(ErrorCode::kCorrupt, HasSubstr(text)))

TEST(ValidateTest, FixedWidthBuffersMustCoverOffsetPlusLength) {
  auto a = Array::Make(int32(), 3, {nullptr, Buf<int32_t>({1, 2})});
  EXPECT_CORRUPT(a->Validate(), "values buffer holds 8 bytes, 3 slots need 12");
  auto sliced = Array::Make(int32(), 2, {nullptr, Buf<int32_t>({1, 2})}, {}, nullptr, 0, 1);
  EXPECT_CORRUPT(sliced->Validate(), "3 slots need 12");
  auto validity = Array::Make(int32(), 9, {Buf<uint8_t>({0xFF}), Buf<int32_t>(std::vector<int32_t>(9))});
  EXPECT_CORRUPT(validity->Validate(), "validity buffer holds 1 bytes");
  auto missing = Array::Make(int64(), 1, {nullptr, nullptr});
  EXPECT_CORRUPT(missing->Validate(), "values buffer is missing");
}

TEST(ValidateTest, BufferAndChildCountsMustMatchTheLayout) {
  EXPECT_CORRUPT(Array::Make(int32(), 0, {nullptr})->Validate(), "has 1 buffers, expected 2");
  EXPECT_CORRUPT(Array::Make(utf8(), 0, {nullptr, nullptr})->Validate(), "expected 3");
  EXPECT_CORRUPT(Array::Make(list(int32()), 0, {nullptr, nullptr})->Validate(),
                 "0 children, expected 1");
  auto wrong_child = Array::Make(list(int32()), 0, {nullptr, nullptr},
                                 {MakeArrayOfNulls(int64(), 0).ValueOrDie()});
  EXPECT_CORRUPT(wrong_child->Validate(), "holds int64 but the type says int32");
  EXPECT_CORRUPT(Array::Make(int32(), -1, {nullptr, nullptr})->Validate(), "negative length");
}

TEST(ValidateTest, StringOffsetsMustBeInRangeAndMonotonic) {
  auto past_end = Array::Make(utf8(), 2, {nullptr, Buf<int32_t>({0, 1, 9}), Str("abc")});
  EXPECT_CORRUPT(past_end->Validate(), "outside [0, 3]");
  auto decreasing = Array::Make(utf8(), 3, {nullptr, Buf<int32_t>({0, 2, 1, 3}), Str("abc")});
  EXPECT_OK(decreasing->Validate()) << "structural validation checks only the ends";
  EXPECT_CORRUPT(decreasing->ValidateFull(), "offsets decrease at slot 1 (2 > 1)");
  auto large = Array::Make(large_binary(), 1, {nullptr, Buf<int64_t>({-1, 2}), Str("ab")});
  EXPECT_CORRUPT(large->Validate(), "outside");
}

TEST(ValidateTest, StringsMustBeUtf8ButBinaryNeedNot) {
  auto bad = Array::Make(utf8(), 2, {nullptr, Buf<int32_t>({0, 1, 3}), Str("a\xC3\x28")});
  EXPECT_CORRUPT(bad->ValidateFull(), "invalid UTF-8 in string at slot 1");
  auto as_binary = Array::Make(binary(), 2, {nullptr, Buf<int32_t>({0, 1, 3}), Str("a\xC3\x28")});
  EXPECT_OK(as_binary->ValidateFull());
  // A null slot may hold garbage bytes.
  auto null_slot = Array::Make(utf8(), 2, {Buf<uint8_t>({0b01}), Buf<int32_t>({0, 1, 3}),
                                           Str("a\xC3\x28")});
  EXPECT_OK(null_slot->ValidateFull());
}

TEST(ValidateTest, ViewsMustReferenceExistingBytesWithTheRightPrefix) {
  auto make = [](int32_t size, int32_t index, int32_t offset, const char* prefix) {
    ViewSlot v{};
    v.size = size;
    std::memcpy(v.ref.prefix, prefix, 4);
    v.ref.buffer_index = index;
    v.ref.offset = offset;
    return Array::Make(utf8_view(), 1,
                       {nullptr, Buf<ViewSlot>({v}), Str("0123456789abcdefghij")});
  };
  EXPECT_OK(make(15, 0, 2, "2345")->ValidateFull());
  EXPECT_CORRUPT(make(15, 1, 0, "0123")->ValidateFull(), "refers to data buffer 1 of 1");
  EXPECT_CORRUPT(make(15, 0, 10, "abcd")->ValidateFull(), "out of bounds");
  EXPECT_CORRUPT(make(15, 0, 0, "xxxx")->ValidateFull(), "prefix");
  EXPECT_CORRUPT(make(-3, 0, 0, "0123")->ValidateFull(), "negative size");
  EXPECT_CORRUPT(Array::Make(utf8_view(), 2, {nullptr, Buf<ViewSlot>({ViewSlot{}})})->Validate(),
                 "views buffer holds 16 bytes");
}

TEST(ValidateTest, ListOffsetsMustStayInsideTheChild) {
  auto child = Array::Make(int32(), 3, {nullptr, Buf<int32_t>({1, 2, 3})});
  auto ok = Array::Make(list(int32()), 2, {nullptr, Buf<int32_t>({0, 1, 3})}, {child});
  EXPECT_OK(ok->ValidateFull());
  auto past = Array::Make(list(int32()), 2, {nullptr, Buf<int32_t>({0, 1, 4})}, {child});
  EXPECT_CORRUPT(past->Validate(), "outside [0, 3]");
  auto fsl = Array::Make(fixed_size_list(int32(), 2), 2, {nullptr}, {child});
  EXPECT_CORRUPT(fsl->Validate(), "needs 4 child values, the child has 3");
}

TEST(ValidateTest, StructChildrenMustBeLongEnough) {
  auto child = Array::Make(int32(), 2, {nullptr, Buf<int32_t>({1, 2})});
  auto s = Array::Make(struct_({field("a", int32())}), 3, {nullptr}, {child});
  EXPECT_CORRUPT(s->Validate(), "struct field 'a' has 2 values, fewer than the struct's 3");
}

TEST(ValidateTest, ChildErrorsNameThePath) {
  auto strings = Array::Make(utf8(), 1, {nullptr, Buf<int32_t>({0, 1}), Str("\xFF")});
  auto lists = Array::Make(list(field("element", utf8())), 1, {nullptr, Buf<int32_t>({0, 1})},
                           {strings});
  auto s = Array::Make(struct_({field("tags", lists->type())}), 1, {nullptr}, {lists});
  EXPECT_CORRUPT(s->ValidateFull(), "child 'tags': child 'element': invalid UTF-8");
}

TEST(ValidateTest, DictionaryIndicesMustBeInRange) {
  auto dict = Array::Make(utf8(), 2, {nullptr, Buf<int32_t>({0, 1, 2}), Str("ab")});
  auto type = dictionary(int8(), utf8());
  auto ok = Array::Make(type, 3, {nullptr, Buf<int8_t>({0, 1, 1})}, {}, dict);
  EXPECT_OK(ok->ValidateFull());
  auto bad = Array::Make(type, 3, {nullptr, Buf<int8_t>({0, 2, 1})}, {}, dict);
  EXPECT_CORRUPT(bad->ValidateFull(), "dictionary index 2 at slot 1 is outside [0, 2)");
  auto negative = Array::Make(type, 1, {nullptr, Buf<int8_t>({-1})}, {}, dict);
  EXPECT_CORRUPT(negative->ValidateFull(), "dictionary index -1");
  auto huge = Array::Make(dictionary(uint64(), utf8()), 1,
                          {nullptr, Buf<uint64_t>({~uint64_t(0)})}, {}, dict);
  EXPECT_CORRUPT(huge->ValidateFull(), "outside [0, 2)");
  EXPECT_CORRUPT(Array::Make(type, 0, {nullptr, nullptr})->Validate(), "without a dictionary");
}

TEST(ValidateTest, DeclaredNullCountMustMatchTheBitmap) {
  auto a = Array::Make(int32(), 3, {Buf<uint8_t>({0b011}), Buf<int32_t>({1, 2, 3})}, {}, nullptr,
                       /*null_count=*/0);
  EXPECT_CORRUPT(a->ValidateFull(), "null count is 0 but the validity bitmap has 1 nulls");
}

TEST(ValidateTest, ValuesMustFitTheirTypes) {
  auto dec = Array::Make(decimal128(3, 0), 1, {nullptr, Buf<int64_t>({1000, 0})});
  EXPECT_CORRUPT(dec->ValidateFull(), "4 digits, more than precision 3");
  auto date = Array::Make(date64(), 1, {nullptr, Buf<int64_t>({86400001})});
  EXPECT_CORRUPT(date->ValidateFull(), "not a whole day");
  auto time = Array::Make(time32(TimeUnit::kSecond), 1, {nullptr, Buf<int32_t>({86400})});
  EXPECT_CORRUPT(time->ValidateFull(), "not a time of day");
}

TEST(ValidateTest, MapKeysMustNotBeNull) {
  auto keys = Array::Make(utf8(), 2, {Buf<uint8_t>({0b10}), Buf<int32_t>({0, 0, 1}), Str("a")});
  auto items = Array::Make(int32(), 2, {nullptr, Buf<int32_t>({1, 2})});
  auto type = map(utf8(), int32());
  auto entries = Array::Make(type->field(0)->type(), 2, {nullptr}, {keys, items});
  auto m = Array::Make(type, 1, {nullptr, Buf<int32_t>({0, 2})}, {entries});
  EXPECT_CORRUPT(m->ValidateFull(), "map key 0 is null");
}

TEST(ValidateTest, RecordBatchErrorsNameTheColumn) {
  auto good = Array::Make(int32(), 1, {nullptr, Buf<int32_t>({1})});
  auto bad = Array::Make(utf8(), 1, {nullptr, Buf<int32_t>({0, 1}), Str("\x80")});
  RecordBatch batch(schema({field("id", int32()), field("name", utf8())}), 1, {good, bad});
  EXPECT_OK(batch.Validate());
  EXPECT_CORRUPT(batch.ValidateFull(), "column 'name': invalid UTF-8");
  RecordBatch short_batch(schema({field("id", int32())}), 2, {good});
  EXPECT_CORRUPT(short_batch.Validate(), "column 'id': 1 rows in a batch of 2");
}

}  // namespace
}  // namespace quire::columnar

namespace quire::columnar {
namespace {

// Without nulls, strings are checked in one pass over the data plus a check that
// each value starts on a character boundary; both ways must agree.
TEST(ValidateTest, Utf8SplitInsideACharacterIsInvalidEvenIfTheWholeDataIsValid) {
  // "é" is C3 A9; cut between its bytes: "a\xC3" and "\xA9b".
  auto cut = Array::Make(utf8(), 2, {nullptr, Buf<int32_t>({0, 2, 4}), Str("a\xC3\xA9" "b")});
  EXPECT_CORRUPT(cut->ValidateFull(), "invalid UTF-8 in string at slot 0");
  auto whole = Array::Make(utf8(), 2, {nullptr, Buf<int32_t>({0, 3, 4}), Str("a\xC3\xA9" "b")});
  EXPECT_OK(whole->ValidateFull());
  auto large = Array::Make(large_utf8(), 2, {nullptr, Buf<int64_t>({0, 1, 4}), Str("a\xC3\xA9" "b")});
  EXPECT_OK(large->ValidateFull());
  auto bad_large = Array::Make(large_utf8(), 1, {nullptr, Buf<int64_t>({0, 2}), Str("\xC3x")});
  EXPECT_CORRUPT(bad_large->ValidateFull(), "slot 0");
}

}  // namespace
}  // namespace quire::columnar
