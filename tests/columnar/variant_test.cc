/// \file tests/columnar/variant_test.cc
#include "quire/columnar/variant.h"

#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::columnar {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Quoted(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

// Render metadata + value as JSON and as the typed debug form.
struct Rendered {
  std::string json;
  std::string debug;
};

Result<Rendered> Render(const std::string& metadata, const std::string& value) {
  QUIRE_ASSIGN_OR_RETURN(auto m, VariantMetadata::Make(Bytes(metadata)));
  QUIRE_ASSIGN_OR_RETURN(auto v, VariantValue::Make(m, Bytes(value)));
  Rendered r;
  AppendVariantJson(v, &r.json);
  r.debug = VariantDebugString(v);
  return r;
}

TEST(VariantMetadataTest, MakesAndFindsKeys) {
  const std::string sorted = MakeVariantMetadata({"a", "b", "event_ts"});
  ASSERT_OK_AND_ASSIGN(auto m, VariantMetadata::Make(Bytes(sorted)));
  EXPECT_TRUE(m.sorted());
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.key(2), "event_ts");
  EXPECT_EQ(m.Find("b"), 1u);
  EXPECT_EQ(m.Find("c"), std::nullopt);
  EXPECT_EQ(m.size_bytes(), sorted.size());

  const std::string unsorted = MakeVariantMetadata({"z", "a"});
  ASSERT_OK_AND_ASSIGN(auto u, VariantMetadata::Make(Bytes(unsorted)));
  EXPECT_FALSE(u.sorted());
  EXPECT_EQ(u.Find("a"), 1u);
}

TEST(VariantMetadataTest, RejectsMalformedMetadata) {
  EXPECT_THAT(VariantMetadata::Make({}), quire::testing::IsError(ErrorCode::kCorrupt));
  std::string m = MakeVariantMetadata({"a", "b"});
  std::string bad_version = m;
  bad_version[0] = char((bad_version[0] & 0xF0) | 2);
  EXPECT_THAT(VariantMetadata::Make(Bytes(bad_version)), quire::testing::IsError(ErrorCode::kCorrupt));
  for (size_t n = 1; n < m.size(); ++n) {
    EXPECT_THAT(VariantMetadata::Make(Bytes(m.substr(0, n))), quire::testing::IsError(ErrorCode::kCorrupt))
        << n;
  }
  // Sorted flag with keys out of order.
  std::string lying = MakeVariantMetadata({"b", "a"});
  lying[0] = char(lying[0] | 0x10);
  EXPECT_THAT(VariantMetadata::Make(Bytes(lying)), quire::testing::IsError(ErrorCode::kCorrupt));
  // A key that is not UTF-8.
  std::string latin1 = MakeVariantMetadata({"\xE9t\xE9"});
  EXPECT_THAT(VariantMetadata::Make(Bytes(latin1)), quire::testing::IsError(ErrorCode::kCorrupt));
}

TEST(VariantBuilderTest, RoundTripsEveryPrimitive) {
  const std::string metadata = MakeVariantMetadata({});
  ASSERT_OK_AND_ASSIGN(auto m, VariantMetadata::Make(Bytes(metadata)));
  struct Case {
    std::function<void(VariantBuilder&)> build;
    std::string json;
    std::string debug;
  };
  const std::string uuid("\xf2\x4f\x9b\x64\x81\xfa\x49\xd1\xb7\x4e\x8c\x09\xa6\xe3\x1c\x56", 16);
  const std::vector<Case> cases = {
      {[](auto& b) { b.Null(); }, "null", "null"},
      {[](auto& b) { b.Boolean(true); }, "true", "boolean:true"},
      {[](auto& b) { b.Boolean(false); }, "false", "boolean:false"},
      {[](auto& b) { b.Integer(VariantType::kInt8, -34); }, "-34", "int8:-34"},
      {[](auto& b) { b.Integer(VariantType::kInt16, 1234); }, "1234", "int16:1234"},
      {[](auto& b) { b.Integer(VariantType::kInt32, -12345); }, "-12345", "int32:-12345"},
      {[](auto& b) { b.Integer(VariantType::kInt64, 9876543210); }, "9876543210",
       "int64:9876543210"},
      {[](auto& b) { b.Float(10.11f); }, "10.11", "float:10.11"},
      {[](auto& b) { b.Double(-0.0); }, "-0.0", "double:-0.0"},
      {[](auto& b) { b.Decimal(VariantType::kDecimal4, 123456789, 4); }, "\"12345.6789\"",
       "decimal4:12345.6789"},
      {[](auto& b) { b.Decimal(VariantType::kDecimal8, -123456789987654321, 9); },
       "\"-123456789.987654321\"", "decimal8:-123456789.987654321"},
      {[](auto& b) {
         b.Decimal(VariantType::kDecimal16, (__int128)9876543210123456789ULL * 10, 10);
       },
       "\"9876543210.1234567890\"", "decimal16:9876543210.1234567890"},
      {[](auto& b) { b.Temporal(VariantType::kDate, -4438); }, "\"1957-11-07\"",
       "date:\"1957-11-07\""},
      {[](auto& b) { b.Temporal(VariantType::kTimestampMicros, 1730982834123456); },
       "\"2024-11-07T12:33:54.123456Z\"", "timestamp_micros:\"2024-11-07T12:33:54.123456Z\""},
      {[](auto& b) { b.Temporal(VariantType::kTimestampNtzNanos, -383397965876543211); },
       "\"1957-11-07T12:33:54.123456789\"",
       "timestamp_ntz_nanos:\"1957-11-07T12:33:54.123456789\""},
      {[](auto& b) { b.Temporal(VariantType::kTimeNtzMicros, 45234123456); },
       "\"12:33:54.123456\"", "time_ntz_micros:\"12:33:54.123456\""},
      {[](auto& b) { b.String("iceberg"); }, "\"iceberg\"", "string:\"iceberg\""},
      {[](auto& b) { b.String(std::string(100, 'x')); }, Quoted(std::string(100, 'x')),
       "string:" + Quoted(std::string(100, 'x'))},
      {[](auto& b) { b.Binary(std::string("\x0a\x0b\x0c\x0d", 4)); }, "\"0x0a0b0c0d\"",
       "binary:\"0x0a0b0c0d\""},
      {[&](auto& b) { b.Uuid(uuid); }, "\"f24f9b64-81fa-49d1-b74e-8c09a6e31c56\"",
       "uuid:\"f24f9b64-81fa-49d1-b74e-8c09a6e31c56\""},
  };
  for (const auto& c : cases) {
    VariantBuilder b(&m);
    c.build(b);
    ASSERT_OK_AND_ASSIGN(std::string value, b.Finish());
    ASSERT_OK_AND_ASSIGN(auto r, Render(metadata, value));
    EXPECT_EQ(r.json, c.json);
    EXPECT_EQ(r.debug, c.debug);
  }
}

TEST(VariantBuilderTest, BuildsNestedObjectsWithSortedKeys) {
  const std::string metadata = MakeVariantMetadata({"z", "a", "m"});
  ASSERT_OK_AND_ASSIGN(auto m, VariantMetadata::Make(Bytes(metadata)));
  VariantBuilder b(&m);
  b.BeginObject();
  b.Key(0);  // z
  b.Integer(VariantType::kInt8, 1);
  b.Key(1);  // a
  b.BeginArray();
  b.String("x");
  b.Null();
  b.BeginObject();
  ASSERT_OK(b.EndObject());
  ASSERT_OK(b.EndArray());
  b.Key(2);  // m
  b.Boolean(true);
  ASSERT_OK(b.EndObject());
  ASSERT_OK_AND_ASSIGN(std::string value, b.Finish());
  ASSERT_OK_AND_ASSIGN(auto r, Render(metadata, value));
  EXPECT_EQ(r.json, R"({"a":["x",null,{}],"m":true,"z":1})");
  ASSERT_OK_AND_ASSIGN(auto v, VariantValue::Make(m, Bytes(value)));
  ASSERT_TRUE(v.Field("m").has_value());
  EXPECT_EQ(v.Field("m")->type(), VariantType::kBooleanTrue);
  EXPECT_FALSE(v.Field("q").has_value());
}

TEST(VariantBuilderTest, UsesWideHeadersForLargeContainers) {
  // 300 keys: more than 255 elements (is_large) and ids and offsets above one byte.
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back(fmt::format("k{}", 1000 + i));
  const std::string metadata = MakeVariantMetadata(keys);
  ASSERT_OK_AND_ASSIGN(auto m, VariantMetadata::Make(Bytes(metadata)));
  VariantBuilder b(&m);
  b.BeginObject();
  for (uint32_t i = 0; i < 300; ++i) {
    b.Key(299 - i);
    b.Integer(VariantType::kInt32, int64_t(i));
  }
  ASSERT_OK(b.EndObject());
  ASSERT_OK_AND_ASSIGN(std::string value, b.Finish());
  ASSERT_OK_AND_ASSIGN(auto v, VariantValue::Make(m, Bytes(value)));
  ASSERT_EQ(v.num_elements(), 300u);
  EXPECT_EQ(v.field_name(0), "k1000");
  EXPECT_EQ(v.element(0).integer(), 299);
  EXPECT_EQ(v.Field("k1299")->integer(), 0);
}

TEST(VariantBuilderTest, RejectsDuplicateKeys) {
  const std::string metadata = MakeVariantMetadata({"a", "a"});
  ASSERT_OK_AND_ASSIGN(auto m, VariantMetadata::Make(Bytes(metadata)));
  VariantBuilder b(&m);
  b.BeginObject();
  b.Key(0);
  b.Null();
  b.Key(1);
  b.Null();
  EXPECT_THAT(b.EndObject(), quire::testing::IsError(ErrorCode::kCorrupt));
}

TEST(VariantValueTest, RejectsMalformedValues) {
  const std::string metadata = MakeVariantMetadata({"a", "b"});
  ASSERT_OK_AND_ASSIGN(auto m, VariantMetadata::Make(Bytes(metadata)));
  auto make = [&](const std::string& v) { return VariantValue::Make(m, Bytes(v)).status(); };
  EXPECT_THAT(make(""), quire::testing::IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(make(std::string(1, char(21 << 2))), quire::testing::IsError(ErrorCode::kUnsupported));
  EXPECT_THAT(make(std::string("\x0c\x01", 2)), quire::testing::IsOk());        // int8
  EXPECT_THAT(make(std::string("\x0c", 1)), quire::testing::IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(make(std::string("\x0c\x01\x02", 3)), quire::testing::IsError(ErrorCode::kCorrupt));
  // Object {b, a}: keys out of order.
  const std::string unsorted("\x02\x02\x01\x00\x00\x01\x02\x00\x00", 9);
  EXPECT_THAT(make(unsorted), quire::testing::IsError(ErrorCode::kCorrupt));
  // Object with a key id outside the metadata.
  const std::string unknown_key("\x02\x01\x07\x00\x01\x00", 6);
  EXPECT_THAT(make(unknown_key), quire::testing::IsError(ErrorCode::kCorrupt));
  // A short string that is not UTF-8.
  EXPECT_THAT(make(std::string("\x05\xff", 2)), quire::testing::IsError(ErrorCode::kCorrupt));
  // Decimal scale above 38.
  EXPECT_THAT(make(std::string("\x20\x27\x00\x00\x00\x00", 6)), quire::testing::IsError(ErrorCode::kCorrupt));
  // Nesting beyond the bound: arrays of one array each.
  VariantBuilder b(&m);
  for (int i = 0; i < kMaxVariantDepth + 2; ++i) b.BeginArray();
  b.Null();
  for (int i = 0; i < kMaxVariantDepth + 2; ++i) ASSERT_OK(b.EndArray());
  ASSERT_OK_AND_ASSIGN(std::string too_deep, b.Finish());
  EXPECT_THAT(make(too_deep), quire::testing::IsError(ErrorCode::kCorrupt));
}

TEST(VariantValueTest, DamagedEncodingsNeverCrash) {
  // Every truncation and many random byte changes of a rich value give a value or
  // a typed error; rendering what validates must stay in bounds (ASan checks).
  const std::string metadata = MakeVariantMetadata({"a", "b", "c"});
  ASSERT_OK_AND_ASSIGN(auto m, VariantMetadata::Make(Bytes(metadata)));
  VariantBuilder b(&m);
  b.BeginObject();
  b.Key(2);
  b.BeginArray();
  for (int i = 0; i < 20; ++i) b.String(std::string(size_t(i * 5), 'q'));
  ASSERT_OK(b.EndArray());
  b.Key(0);
  b.Decimal(VariantType::kDecimal16, 12345, 2);
  b.Key(1);
  b.BeginObject();
  b.Key(0);
  b.Binary("xyz");
  ASSERT_OK(b.EndObject());
  ASSERT_OK(b.EndObject());
  ASSERT_OK_AND_ASSIGN(std::string value, b.Finish());
  std::mt19937 rng(7);
  int accepted = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string damaged = value;
    if (trial < int(value.size())) {
      damaged.resize(size_t(trial));
    } else {
      for (int k = 0; k < 3; ++k) damaged[rng() % damaged.size()] = char(rng());
    }
    auto v = VariantValue::Make(m, Bytes(damaged));
    if (v.ok()) {
      ++accepted;
      std::string json;
      AppendVariantJson(*v, &json);
      EXPECT_FALSE(json.empty());
    } else {
      EXPECT_TRUE(v.status().code() == ErrorCode::kCorrupt ||
                  v.status().code() == ErrorCode::kUnsupported)
          << v.status().ToString();
    }
  }
  EXPECT_LT(accepted, 5000);
}

TEST(VariantValueTest, ValidateVariantRejectsTrailingBytes) {
  const std::string metadata = MakeVariantMetadata({});
  EXPECT_THAT(ValidateVariant(Bytes(metadata), Bytes(std::string("\x00", 1))), quire::testing::IsOk());
  EXPECT_THAT(ValidateVariant(Bytes(metadata + "x"), Bytes(std::string("\x00", 1))),
              quire::testing::IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ValidateVariant(Bytes(metadata), Bytes(std::string("\x00\x00", 2))),
              quire::testing::IsError(ErrorCode::kCorrupt));
}

}  // namespace
}  // namespace quire::columnar
