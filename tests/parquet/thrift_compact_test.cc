/// \file tests/parquet/thrift_compact_test.cc
/// \brief Thrift compact protocol reader and writer: encodings from the spec, limits
/// against hostile input, skipping, truncation.
#include "quire/parquet/thrift_compact.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Hex(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(
        static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(CompactWriterTest, EncodesVarintsAsInTheSpecExample) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteVarint(50399);  // thrift-compact-protocol.md, "Integer encoding"
  EXPECT_EQ(Hex(out), "df8903");
}

TEST(CompactWriterTest, EncodesZigZagEdgeValues) {
  struct Case {
    int64_t value;
    const char* hex;
  };
  const Case i32_cases[] = {{0, "00"},
                            {-1, "01"},
                            {1, "02"},
                            {-64, "7f"},
                            {64, "8001"},
                            {std::numeric_limits<int32_t>::max(), "feffffff0f"},
                            {std::numeric_limits<int32_t>::min(), "ffffffff0f"}};
  for (const Case& c : i32_cases) {
    std::string out;
    CompactWriter(&out).WriteI32(static_cast<int32_t>(c.value));
    EXPECT_EQ(Hex(out), c.hex) << c.value;
    CompactReader reader(Bytes(out));
    ASSERT_OK_AND_ASSIGN(int32_t back, reader.ReadI32());
    EXPECT_EQ(back, c.value);
    EXPECT_EQ(reader.remaining(), 0);
  }
  const Case i64_cases[] = {
      {0, "00"},
      {-1, "01"},
      {std::numeric_limits<int64_t>::max(), "feffffffffffffffff01"},
      {std::numeric_limits<int64_t>::min(), "ffffffffffffffffff01"}};
  for (const Case& c : i64_cases) {
    std::string out;
    CompactWriter(&out).WriteI64(c.value);
    EXPECT_EQ(Hex(out), c.hex) << c.value;
    CompactReader reader(Bytes(out));
    ASSERT_OK_AND_ASSIGN(int64_t back, reader.ReadI64());
    EXPECT_EQ(back, c.value);
  }
}

TEST(CompactReaderTest, RejectsOverlongAndOverflowingVarints) {
  // 11 bytes for an i64: longer than the 10 a 64-bit value can need.
  const std::string eleven = Unhex("8080808080808080808000");
  EXPECT_THAT(CompactReader(Bytes(eleven)).ReadI64(),
              IsError(ErrorCode::kCorrupt, HasSubstr("longer than 10 bytes")));
  // 10 bytes whose last one carries more than bit 63.
  const std::string overflow64 = Unhex("ffffffffffffffffff02");
  EXPECT_THAT(CompactReader(Bytes(overflow64)).ReadI64(),
              IsError(ErrorCode::kCorrupt, HasSubstr("overflows 64 bits")));
  // An i32 whose fifth byte carries more than 32 bits, and one of six bytes.
  const std::string overflow32 = Unhex("ffffffff1f");
  EXPECT_THAT(CompactReader(Bytes(overflow32)).ReadI32(),
              IsError(ErrorCode::kCorrupt, HasSubstr("overflows 32 bits")));
  const std::string six = Unhex("808080808000");
  EXPECT_THAT(CompactReader(Bytes(six)).ReadI32(),
              IsError(ErrorCode::kCorrupt, HasSubstr("longer than 5 bytes")));
  // A varint that runs off the end names the offset.
  const std::string cut = Unhex("0080");
  CompactReader reader(Bytes(cut));
  ASSERT_OK(reader.ReadI8());
  EXPECT_THAT(reader.ReadI64(), IsError(ErrorCode::kCorrupt, HasSubstr("at offset 1")));
}

TEST(CompactReaderTest, RejectsI16OutOfRange) {
  std::string out;
  CompactWriter(&out).WriteI32(40000);
  EXPECT_THAT(CompactReader(Bytes(out)).ReadI16(),
              IsError(ErrorCode::kCorrupt, HasSubstr("i16")));
  out.clear();
  CompactWriter(&out).WriteI16(std::numeric_limits<int16_t>::min());
  ASSERT_OK_AND_ASSIGN(int16_t v, CompactReader(Bytes(out)).ReadI16());
  EXPECT_EQ(v, std::numeric_limits<int16_t>::min());
}

TEST(CompactReaderTest, ReadsDoublesLittleEndianBitExact) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteDouble(1.0);
  EXPECT_EQ(Hex(out), "000000000000f03f");
  const double nan_with_payload = [] {
    uint64_t bits = 0x7ff8000000001234ULL;
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }();
  writer.WriteDouble(-0.0);
  writer.WriteDouble(nan_with_payload);
  CompactReader reader(Bytes(out));
  ASSERT_OK_AND_ASSIGN(double one, reader.ReadDouble());
  ASSERT_OK_AND_ASSIGN(double zero, reader.ReadDouble());
  ASSERT_OK_AND_ASSIGN(double nan, reader.ReadDouble());
  EXPECT_EQ(one, 1.0);
  EXPECT_TRUE(std::signbit(zero));
  EXPECT_EQ(std::memcmp(&nan, &nan_with_payload, 8), 0);
  EXPECT_THAT(reader.ReadDouble(),
              IsError(ErrorCode::kCorrupt, HasSubstr("truncated double")));
}

TEST(CompactReaderTest, UsesLongFormFieldHeadersForLargeOrNegativeDeltas) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteStructBegin();
  writer.WriteFieldHeader(1, CompactType::kI32);  // delta 1: short form
  writer.WriteI32(7);
  writer.WriteFieldHeader(20, CompactType::kI32);  // delta 19: long form
  writer.WriteI32(8);
  writer.WriteFieldHeader(5, CompactType::kI32);  // negative delta: long form
  writer.WriteI32(9);
  writer.WriteFieldHeader(20, CompactType::kI32);  // delta 15: short form
  writer.WriteI32(10);
  writer.WriteFieldHeader(32767, CompactType::kI32);
  writer.WriteI32(11);
  writer.WriteStructEnd();
  // 15 = short (1, i32) 7; 05 28 = long i32, zigzag(20); 05 0a = long, zigzag(5); f5 =
  // delta 15; 05 feff03 = long, zigzag(32767); 00 = stop.
  EXPECT_EQ(Hex(out), "150e052810050a12f51405feff031600");

  CompactReader reader(Bytes(out));
  ASSERT_OK(reader.ReadStructBegin());
  const int16_t ids[] = {1, 20, 5, 20, 32767};
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(FieldHeader header, reader.ReadFieldHeader());
    EXPECT_EQ(header.id, ids[i]);
    EXPECT_EQ(header.type, CompactType::kI32);
    ASSERT_OK_AND_ASSIGN(int32_t v, reader.ReadI32());
    EXPECT_EQ(v, 7 + i);
  }
  ASSERT_OK_AND_ASSIGN(FieldHeader stop, reader.ReadFieldHeader());
  EXPECT_EQ(stop.type, CompactType::kStop);
  ASSERT_OK(reader.ReadStructEnd());
  EXPECT_EQ(reader.remaining(), 0);
}

TEST(CompactReaderTest, RejectsShortFormDeltaPastTheLargestFieldId) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteStructBegin();
  writer.WriteFieldHeader(32767, CompactType::kI8);
  writer.WriteI8(0);
  out.push_back(0x13);  // delta 1, i8: field id 32768
  out.push_back(0);
  CompactReader reader(Bytes(out));
  ASSERT_OK(reader.ReadStructBegin());
  ASSERT_OK(reader.ReadFieldHeader());
  ASSERT_OK(reader.ReadI8());
  EXPECT_THAT(reader.ReadFieldHeader(),
              IsError(ErrorCode::kCorrupt, HasSubstr("field id past 32767")));
}

TEST(CompactReaderTest, ReadsBoolsFromFieldHeadersAndListElements) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteStructBegin();
  writer.WriteBoolField(1, true);
  writer.WriteBoolField(2, false);
  writer.WriteFieldHeader(3, CompactType::kList);
  writer.WriteListHeader(CompactType::kBool, 3);
  writer.WriteBool(true);
  writer.WriteBool(false);
  writer.WriteBool(true);
  writer.WriteBoolField(40, false);  // long form bool field
  writer.WriteStructEnd();
  // 11 = field 1 true, 12 = field 2 false, 19 31 = list of 3 bools (type 1) with
  // elements 1 2 1, 02 50 = long form false, zigzag(40).
  EXPECT_EQ(Hex(out),
            "1112193101020102500"
            "0");

  CompactReader reader(Bytes(out));
  ASSERT_OK(reader.ReadStructBegin());
  ASSERT_OK_AND_ASSIGN(FieldHeader f1, reader.ReadFieldHeader());
  EXPECT_EQ(f1.type, CompactType::kBool);
  ASSERT_OK_AND_ASSIGN(bool b1, reader.ReadBool());
  EXPECT_TRUE(b1);
  ASSERT_OK_AND_ASSIGN(FieldHeader f2, reader.ReadFieldHeader());
  EXPECT_EQ(f2.type, CompactType::kBool);
  ASSERT_OK_AND_ASSIGN(bool b2, reader.ReadBool());
  EXPECT_FALSE(b2);
  ASSERT_OK_AND_ASSIGN(FieldHeader f3, reader.ReadFieldHeader());
  EXPECT_EQ(f3.type, CompactType::kList);
  ASSERT_OK_AND_ASSIGN(ListHeader list, reader.ReadListHeader());
  EXPECT_EQ(list.element_type, CompactType::kBool);
  EXPECT_EQ(list.size, 3);
  std::vector<bool> values;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(bool v, reader.ReadBool());
    values.push_back(v);
  }
  EXPECT_EQ(values, (std::vector<bool>{true, false, true}));
  ASSERT_OK_AND_ASSIGN(FieldHeader f40, reader.ReadFieldHeader());
  EXPECT_EQ(f40.id, 40);
  ASSERT_OK_AND_ASSIGN(bool b40, reader.ReadBool());
  EXPECT_FALSE(b40);
}

TEST(CompactReaderTest, AcceptsBothBoolElementEncodings) {
  // The spec writes list<bool> with element type 2 and false as 0; the Thrift
  // libraries write element type 1 and false as 2. Both read the same.
  const std::string spec_form = Unhex("220100");
  CompactReader reader(Bytes(spec_form));
  ASSERT_OK_AND_ASSIGN(ListHeader header, reader.ReadListHeader());
  EXPECT_EQ(header.element_type, CompactType::kBool);
  ASSERT_OK_AND_ASSIGN(bool a, reader.ReadBool());
  ASSERT_OK_AND_ASSIGN(bool b, reader.ReadBool());
  EXPECT_TRUE(a);
  EXPECT_FALSE(b);
  const std::string bad = Unhex("1103");
  CompactReader bad_reader(Bytes(bad));
  ASSERT_OK(bad_reader.ReadListHeader());
  EXPECT_THAT(bad_reader.ReadBool(), IsError(ErrorCode::kCorrupt, HasSubstr("value 3")));
}

TEST(CompactReaderTest, RestoresFieldIdDeltasAfterNestedStructs) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteStructBegin();
  writer.WriteFieldHeader(1, CompactType::kStruct);
  writer.WriteStructBegin();
  writer.WriteFieldHeader(10, CompactType::kI32);
  writer.WriteI32(-5);
  writer.WriteFieldHeader(11, CompactType::kStruct);
  writer.WriteStructBegin();
  writer.WriteFieldHeader(3, CompactType::kBinary);
  writer.WriteBinary("abc");
  writer.WriteStructEnd();
  writer.WriteStructEnd();
  writer.WriteFieldHeader(2, CompactType::kI64);  // delta 1 from field 1, not from 11
  writer.WriteI64(1LL << 40);
  writer.WriteStructEnd();
  EXPECT_EQ(static_cast<uint8_t>(out[out.size() - 8]), 0x16) << Hex(out);

  CompactReader reader(Bytes(out));
  ASSERT_OK(reader.ReadStructBegin());
  ASSERT_OK_AND_ASSIGN(FieldHeader outer1, reader.ReadFieldHeader());
  EXPECT_EQ(outer1.id, 1);
  ASSERT_OK(reader.ReadStructBegin());
  EXPECT_EQ(reader.depth(), 2);
  ASSERT_OK_AND_ASSIGN(FieldHeader inner10, reader.ReadFieldHeader());
  EXPECT_EQ(inner10.id, 10);
  ASSERT_OK_AND_ASSIGN(int32_t v, reader.ReadI32());
  EXPECT_EQ(v, -5);
  ASSERT_OK_AND_ASSIGN(FieldHeader inner11, reader.ReadFieldHeader());
  EXPECT_EQ(inner11.id, 11);
  ASSERT_OK(reader.ReadStructBegin());
  ASSERT_OK_AND_ASSIGN(FieldHeader deep3, reader.ReadFieldHeader());
  EXPECT_EQ(deep3.id, 3);
  ASSERT_OK_AND_ASSIGN(std::string_view s, reader.ReadBinary());
  EXPECT_EQ(s, "abc");
  ASSERT_OK_AND_ASSIGN(FieldHeader stop, reader.ReadFieldHeader());
  EXPECT_EQ(stop.type, CompactType::kStop);
  ASSERT_OK(reader.ReadStructEnd());
  ASSERT_OK_AND_ASSIGN(stop, reader.ReadFieldHeader());
  EXPECT_EQ(stop.type, CompactType::kStop);
  ASSERT_OK(reader.ReadStructEnd());
  ASSERT_OK_AND_ASSIGN(FieldHeader outer2, reader.ReadFieldHeader());
  EXPECT_EQ(outer2.id, 2);
  EXPECT_EQ(outer2.type, CompactType::kI64);
  ASSERT_OK_AND_ASSIGN(int64_t big, reader.ReadI64());
  EXPECT_EQ(big, 1LL << 40);
}

// A struct holding a field of every type, then field 100 (i32 4242) as a sentinel.
std::string EveryTypeStruct() {
  std::string out;
  CompactWriter w(&out);
  w.WriteStructBegin();
  w.WriteBoolField(1, true);
  w.WriteBoolField(2, false);
  w.WriteFieldHeader(3, CompactType::kI8);
  w.WriteI8(-3);
  w.WriteFieldHeader(4, CompactType::kI16);
  w.WriteI16(-300);
  w.WriteFieldHeader(5, CompactType::kI32);
  w.WriteI32(1 << 30);
  w.WriteFieldHeader(6, CompactType::kI64);
  w.WriteI64(-(1LL << 50));
  w.WriteFieldHeader(7, CompactType::kDouble);
  w.WriteDouble(2.5);
  w.WriteFieldHeader(8, CompactType::kBinary);
  w.WriteBinary(std::string(200, 'x'));
  w.WriteFieldHeader(9, CompactType::kList);
  w.WriteListHeader(CompactType::kI32, 20);  // long form list header
  for (int i = 0; i < 20; ++i) w.WriteI32(i * 1000);
  w.WriteFieldHeader(10, CompactType::kSet);
  w.WriteSetHeader(CompactType::kBinary, 2);
  w.WriteBinary("a");
  w.WriteBinary("bc");
  w.WriteFieldHeader(11, CompactType::kMap);
  w.WriteMapHeader(CompactType::kI32, CompactType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.WriteI32(i);
    w.WriteStructBegin();
    w.WriteFieldHeader(1, CompactType::kDouble);
    w.WriteDouble(i);
    w.WriteStructEnd();
  }
  w.WriteFieldHeader(12, CompactType::kStruct);
  w.WriteStructBegin();
  w.WriteFieldHeader(1, CompactType::kList);
  w.WriteListHeader(CompactType::kList, 2);
  for (int i = 0; i < 2; ++i) {
    w.WriteListHeader(CompactType::kI64, 2);
    w.WriteI64(i);
    w.WriteI64(-i);
  }
  w.WriteFieldHeader(2, CompactType::kMap);
  w.WriteMapHeader(CompactType::kBinary, CompactType::kList, 1);
  w.WriteBinary("k");
  w.WriteListHeader(CompactType::kBool, 2);
  w.WriteBool(true);
  w.WriteBool(false);
  w.WriteStructEnd();
  w.WriteFieldHeader(13, CompactType::kUuid);
  out.append(16, '\x42');
  w.WriteFieldHeader(14, CompactType::kList);
  w.WriteListHeader(CompactType::kBool, 3);
  w.WriteBool(false);
  w.WriteBool(true);
  w.WriteBool(false);
  w.WriteFieldHeader(15, CompactType::kList);
  w.WriteListHeader(CompactType::kStruct, 0);
  w.WriteFieldHeader(16, CompactType::kMap);
  w.WriteMapHeader(CompactType::kI32, CompactType::kI32, 0);
  w.WriteFieldHeader(17, CompactType::kList);
  w.WriteListHeader(CompactType::kDouble, 2);
  w.WriteDouble(1);
  w.WriteDouble(2);
  w.WriteFieldHeader(100, CompactType::kI32);
  w.WriteI32(4242);
  w.WriteStructEnd();
  return out;
}

TEST(CompactReaderTest, SkipsUnknownFieldsOfEveryType) {
  const std::string bytes = EveryTypeStruct();
  CompactReader reader(Bytes(bytes));
  ASSERT_OK(reader.ReadStructBegin());
  int skipped = 0;
  for (;;) {
    ASSERT_OK_AND_ASSIGN(FieldHeader f, reader.ReadFieldHeader());
    if (f.type == CompactType::kStop) break;
    if (f.id == 100) {
      ASSERT_OK_AND_ASSIGN(int32_t sentinel, reader.ReadI32());
      EXPECT_EQ(sentinel, 4242);
      continue;
    }
    ASSERT_OK(reader.Skip(f.type)) << "field " << f.id;
    ++skipped;
  }
  ASSERT_OK(reader.ReadStructEnd());
  EXPECT_EQ(skipped, 17);
  EXPECT_EQ(reader.remaining(), 0);
  EXPECT_EQ(reader.depth(), 0);
  // The same struct skipped as a whole.
  CompactReader whole(Bytes(bytes));
  ASSERT_OK(whole.Skip(CompactType::kStruct));
  EXPECT_EQ(whole.remaining(), 0);
}

TEST(CompactReaderTest, ReportsTruncationAtEveryBytePosition) {
  const std::string bytes = EveryTypeStruct();
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::string prefix = bytes.substr(0, n);
    CompactReader reader(Bytes(prefix));
    Status st = reader.Skip(CompactType::kStruct);
    EXPECT_THAT(st, IsError(ErrorCode::kCorrupt, HasSubstr("offset"))) << "prefix " << n;
  }
}

TEST(CompactReaderTest, LimitsNestingDepth) {
  auto nested_structs = [](int depth) {
    std::string out;
    for (int i = 0; i < depth - 1; ++i) out.push_back(0x1c);  // field 1: struct
    out.append(depth, '\0');                                  // stops
    return out;
  };
  const std::string ok = nested_structs(CompactReader::kMaxNestingDepth);
  CompactReader ok_reader(Bytes(ok));
  EXPECT_OK(ok_reader.Skip(CompactType::kStruct));
  EXPECT_EQ(ok_reader.remaining(), 0);
  const std::string deep = nested_structs(CompactReader::kMaxNestingDepth + 1);
  EXPECT_THAT(CompactReader(Bytes(deep)).Skip(CompactType::kStruct),
              IsError(ErrorCode::kCorrupt, HasSubstr("nested deeper than 64")));
  // Lists of lists count too; a million levels fail fast instead of overflowing.
  std::string lists(1 << 20, '\x19');  // list of 1 list, again and again
  EXPECT_THAT(CompactReader(Bytes(lists)).Skip(CompactType::kList),
              IsError(ErrorCode::kCorrupt, HasSubstr("nested deeper")));
  std::string maps;
  for (int i = 0; i < 100; ++i) maps += "\x01\xbb";  // map of 1 entry: map -> map
  EXPECT_THAT(CompactReader(Bytes(maps)).Skip(CompactType::kMap),
              IsError(ErrorCode::kCorrupt, HasSubstr("nested deeper")));
}

TEST(CompactReaderTest, RejectsCountsLargerThanTheBytesLeft) {
  // A list claiming 2^31 - 1 i32 elements in a 10-byte buffer.
  std::string list = Unhex("f5ffffffff07");
  list.append(4, '\0');
  ASSERT_EQ(list.size(), 10u);
  EXPECT_THAT(CompactReader(Bytes(list)).ReadListHeader(),
              IsError(ErrorCode::kCorrupt, HasSubstr("claims 2147483647 i32 elements")));
  EXPECT_THAT(CompactReader(Bytes(list)).Skip(CompactType::kList),
              IsError(ErrorCode::kCorrupt));
  // 2^31 does not fit an i32 count.
  const std::string too_big = Unhex("f58080808008");
  EXPECT_THAT(CompactReader(Bytes(too_big)).ReadListHeader(),
              IsError(ErrorCode::kCorrupt, HasSubstr("2147483648")));
  // Doubles take 8 bytes each: 2 of them do not fit in 15 bytes.
  std::string doubles = Unhex("27");
  doubles.append(15, '\0');
  EXPECT_THAT(CompactReader(Bytes(doubles)).ReadListHeader(),
              IsError(ErrorCode::kCorrupt, HasSubstr("at least 16 bytes")));
  // Maps count keys and values.
  std::string map = Unhex("0a55");
  map.append(19, '\0');
  EXPECT_THAT(CompactReader(Bytes(map)).ReadMapHeader(),
              IsError(ErrorCode::kCorrupt, HasSubstr("at least 20 bytes")));
  // Binary lengths past the end.
  const std::string binary = Unhex("ffffffff0761");
  EXPECT_THAT(CompactReader(Bytes(binary)).ReadBinary(),
              IsError(ErrorCode::kCorrupt, HasSubstr("claims 2147483647 bytes")));
}

TEST(CompactReaderTest, RejectsInvalidTypes) {
  for (const char* hex : {"1e", "1f", "f0"}) {
    const std::string bytes = Unhex(hex);
    CompactReader reader(Bytes(bytes));
    ASSERT_OK(reader.ReadStructBegin());
    EXPECT_THAT(reader.ReadFieldHeader(),
                IsError(ErrorCode::kCorrupt, HasSubstr("invalid type")))
        << hex;
  }
  const std::string list = Unhex("1e00");
  EXPECT_THAT(CompactReader(Bytes(list)).ReadListHeader(),
              IsError(ErrorCode::kCorrupt, HasSubstr("invalid element type 14")));
  // An empty list's element type is never used, so 0 there is accepted.
  const std::string empty = Unhex("00");
  ASSERT_OK_AND_ASSIGN(ListHeader header, CompactReader(Bytes(empty)).ReadListHeader());
  EXPECT_EQ(header.size, 0);
  EXPECT_THAT(CompactReader(Bytes(empty)).Skip(CompactType::kStop),
              IsError(ErrorCode::kCorrupt));
}

TEST(CompactReaderTest, RoundTripsRandomStructs) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 200; ++round) {
    struct Field {
      int16_t id;
      int kind;  // 0 bool, 1 i64, 2 binary, 3 list<i32>, 4 double
      int64_t number;
      std::string text;
      std::vector<int32_t> list;
    };
    std::vector<Field> fields;
    int16_t id = 0;
    const int count = static_cast<int>(rng() % 12);
    for (int i = 0; i < count; ++i) {
      id = static_cast<int16_t>(id + 1 + rng() % 40);
      Field f{id, static_cast<int>(rng() % 5), static_cast<int64_t>(rng()), {}, {}};
      f.text.assign(rng() % 30, static_cast<char>('a' + rng() % 26));
      f.list.resize(rng() % 20);
      for (auto& v : f.list) v = static_cast<int32_t>(rng());
      fields.push_back(f);
    }
    std::string out;
    CompactWriter w(&out);
    w.WriteStructBegin();
    for (const Field& f : fields) {
      switch (f.kind) {
        case 0: w.WriteBoolField(f.id, f.number & 1); break;
        case 1:
          w.WriteFieldHeader(f.id, CompactType::kI64);
          w.WriteI64(f.number);
          break;
        case 2:
          w.WriteFieldHeader(f.id, CompactType::kBinary);
          w.WriteBinary(f.text);
          break;
        case 3:
          w.WriteFieldHeader(f.id, CompactType::kList);
          w.WriteListHeader(CompactType::kI32, static_cast<int32_t>(f.list.size()));
          for (int32_t v : f.list) w.WriteI32(v);
          break;
        case 4:
          w.WriteFieldHeader(f.id, CompactType::kDouble);
          w.WriteDouble(static_cast<double>(f.number));
          break;
      }
    }
    w.WriteStructEnd();

    CompactReader r(Bytes(out));
    ASSERT_OK(r.ReadStructBegin());
    for (const Field& f : fields) {
      ASSERT_OK_AND_ASSIGN(FieldHeader h, r.ReadFieldHeader());
      ASSERT_EQ(h.id, f.id);
      switch (f.kind) {
        case 0: {
          ASSERT_EQ(h.type, CompactType::kBool);
          ASSERT_OK_AND_ASSIGN(bool b, r.ReadBool());
          EXPECT_EQ(b, static_cast<bool>(f.number & 1));
          break;
        }
        case 1: {
          ASSERT_OK_AND_ASSIGN(int64_t v, r.ReadI64());
          EXPECT_EQ(v, f.number);
          break;
        }
        case 2: {
          ASSERT_OK_AND_ASSIGN(std::string_view s, r.ReadBinary());
          EXPECT_EQ(s, f.text);
          break;
        }
        case 3: {
          ASSERT_OK_AND_ASSIGN(ListHeader lh, r.ReadListHeader());
          ASSERT_EQ(lh.size, static_cast<int32_t>(f.list.size()));
          for (int32_t expected : f.list) {
            ASSERT_OK_AND_ASSIGN(int32_t v, r.ReadI32());
            EXPECT_EQ(v, expected);
          }
          break;
        }
        case 4: {
          ASSERT_OK_AND_ASSIGN(double d, r.ReadDouble());
          EXPECT_EQ(d, static_cast<double>(f.number));
          break;
        }
      }
    }
    ASSERT_OK_AND_ASSIGN(FieldHeader stop, r.ReadFieldHeader());
    EXPECT_EQ(stop.type, CompactType::kStop);
    ASSERT_OK(r.ReadStructEnd());
    EXPECT_EQ(r.remaining(), 0);
  }
}

}  // namespace
}  // namespace quire::parquet
