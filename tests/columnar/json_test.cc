/// \file tests/columnar/json_test.cc
#include "quire/columnar/json.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/columnar/array.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "quire/util/utf8.h"

namespace quire::columnar {
namespace {

using ::testing::ElementsAre;

constexpr int64_t k2Pow53 = int64_t{1} << 53;

// --- Helpers ----------------------------------------------------------------

// Strict RFC 8259 syntax check: the tests link no JSON library.
class JsonChecker {
 public:
  static bool IsValid(std::string_view text) {
    JsonChecker checker(text);
    checker.SkipWhitespace();
    if (!checker.Value(0)) return false;
    checker.SkipWhitespace();
    return checker.pos_ == text.size() && util::IsValidUtf8(text);
  }

 private:
  explicit JsonChecker(std::string_view text) : s_(text) {}

  bool AtEnd() const { return pos_ >= s_.size(); }
  bool Consume(char c) {
    if (AtEnd() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void SkipWhitespace() {
    while (!AtEnd() && std::strchr(" \t\n\r", s_[pos_]) != nullptr && s_[pos_] != '\0')
      ++pos_;
  }
  bool Digits() {
    const size_t start = pos_;
    while (!AtEnd() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool Value(int depth) {
    if (depth > 64 || AtEnd()) return false;
    switch (s_[pos_]) {
      case '{': return Container(depth, '}', /*object=*/true);
      case '[': return Container(depth, ']', /*object=*/false);
      case '"': return String();
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: return Number();
    }
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool Container(int depth, char close, bool object) {
    ++pos_;
    SkipWhitespace();
    if (Consume(close)) return true;
    while (true) {
      SkipWhitespace();
      if (object) {
        if (!String()) return false;
        SkipWhitespace();
        if (!Consume(':')) return false;
        SkipWhitespace();
      }
      if (!Value(depth + 1)) return false;
      SkipWhitespace();
      if (Consume(',')) continue;
      return Consume(close);
    }
  }
  bool String() {
    if (!Consume('"')) return false;
    while (!AtEnd()) {
      const auto c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (AtEnd()) return false;
      const char e = s_[pos_++];
      if (e == 'u') {
        for (int k = 0; k < 4; ++k) {
          if (AtEnd() || !std::isxdigit(static_cast<unsigned char>(s_[pos_++])))
            return false;
        }
      } else if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
        return false;
      }
    }
    return false;
  }
  bool Number() {
    Consume('-');
    if (!Consume('0') && !Digits()) return false;
    if (Consume('.') && !Digits()) return false;
    if (!AtEnd() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (!Consume('+')) Consume('-');
      if (!Digits()) return false;
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Render every slot of `array`.
std::vector<std::string> Values(const Array& array, const Field* field = nullptr) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < array.length(); ++i) out.push_back(JsonValue(array, i, field));
  return out;
}

template <typename T>
ArrayPtr MakeFixed(TypePtr type, const std::vector<std::optional<T>>& values) {
  FixedWidthBuilder<T> builder(std::move(type));
  for (const auto& v : values) {
    EXPECT_OK(v ? builder.Append(*v) : builder.AppendNull());
  }
  return builder.Finish().ValueOrDie();
}

// Make an array of any binary-like type or fixed_size_binary from byte strings.
ArrayPtr MakeBytes(TypePtr type, const std::vector<std::optional<std::string>>& values) {
  auto builder = MakeBuilder(type).ValueOrDie();
  for (const auto& v : values) {
    if (!v) {
      EXPECT_OK(builder->AppendNull());
      continue;
    }
    switch (type->id()) {
      case TypeId::kBinary:
      case TypeId::kString:
        EXPECT_OK(static_cast<BinaryBuilder&>(*builder).Append(*v));
        break;
      case TypeId::kLargeBinary:
      case TypeId::kLargeString:
        EXPECT_OK(static_cast<LargeBinaryBuilder&>(*builder).Append(*v));
        break;
      case TypeId::kBinaryView:
      case TypeId::kStringView:
        EXPECT_OK(static_cast<BinaryViewBuilder&>(*builder).Append(*v));
        break;
      case TypeId::kFixedSizeBinary:
        EXPECT_OK(static_cast<FixedSizeBinaryBuilder&>(*builder).Append(*v));
        break;
      default: ADD_FAILURE() << "not a binary type: " << type->ToString();
    }
  }
  return builder->Finish().ValueOrDie();
}

ArrayPtr MakeDecimals(TypePtr type,
                      const std::vector<std::optional<std::string>>& values) {
  FixedSizeBinaryBuilder builder(std::move(type));
  for (const auto& v : values) {
    EXPECT_OK(v ? builder.AppendDecimal(std::string_view(*v)) : builder.AppendNull());
  }
  return builder.Finish().ValueOrDie();
}

BufferPtr Int32Buffer(const std::vector<int32_t>& values) {
  return Buffer::Copy(std::string_view(reinterpret_cast<const char*>(values.data()),
                                       values.size() * sizeof(int32_t)))
      .ValueOrDie();
}

MetadataPtr UuidMetadata() {
  return KeyValueMetadata::Make({{"ARROW:extension:name", "arrow.uuid"}});
}

const std::string kUuidBytes(
    "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// --- Numbers ----------------------------------------------------------------

TEST(JsonTest, RendersDoublesLikeEcmaScript) {
  EXPECT_EQ(FormatDoubleShortest(0), "0");
  EXPECT_EQ(FormatDoubleShortest(10), "10");
  EXPECT_EQ(FormatDoubleShortest(100), "100");
  EXPECT_EQ(FormatDoubleShortest(1.5), "1.5");
  EXPECT_EQ(FormatDoubleShortest(-1.5), "-1.5");
  EXPECT_EQ(FormatDoubleShortest(0.1), "0.1");
  EXPECT_EQ(FormatDoubleShortest(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDoubleShortest(123.456), "123.456");
  EXPECT_EQ(FormatDoubleShortest(1e21), "1e+21");
  EXPECT_EQ(FormatDoubleShortest(-1e21), "-1e+21");
  EXPECT_EQ(FormatDoubleShortest(1e20), "100000000000000000000");
  EXPECT_EQ(FormatDoubleShortest(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(FormatDoubleShortest(1.5e-7), "1.5e-7");
  EXPECT_EQ(FormatDoubleShortest(1e-7), "1e-7");
  EXPECT_EQ(FormatDoubleShortest(0.000001), "0.000001");
  EXPECT_EQ(FormatDoubleShortest(1.2345e-6), "0.0000012345");
  EXPECT_EQ(FormatDoubleShortest(123e-20), "1.23e-18");
  EXPECT_EQ(FormatDoubleShortest(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(FormatDoubleShortest(5e-324), "5e-324");
  EXPECT_EQ(FormatDoubleShortest(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(FormatDoubleShortest(-0.0), "-0.0");
  EXPECT_EQ(FormatDoubleShortest(std::nan("")), "NaN");
  EXPECT_EQ(FormatDoubleShortest(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(FormatDoubleShortest(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(JsonTest, RendersFloatsWithBinary32Digits) {
  EXPECT_EQ(FormatFloatShortest(1.1f), "1.1");
  EXPECT_EQ(FormatDoubleShortest(double(1.1f)), "1.100000023841858");
  EXPECT_EQ(FormatFloatShortest(0.1f), "0.1");
  EXPECT_EQ(FormatFloatShortest(3.4028235e38f), "3.4028235e+38");
  EXPECT_EQ(FormatFloatShortest(16777217.0f), "16777216");  // rounds to 2^24
  EXPECT_EQ(FormatFloatShortest(1e21f), "1e+21");
  EXPECT_EQ(FormatFloatShortest(1e-7f), "1e-7");
  EXPECT_EQ(FormatFloatShortest(123456.789f), "123456.79");
  EXPECT_EQ(FormatFloatShortest(std::numeric_limits<float>::denorm_min()), "1e-45");
  EXPECT_EQ(FormatFloatShortest(std::numeric_limits<float>::min()), "1.1754944e-38");
  EXPECT_EQ(FormatFloatShortest(-0.0f), "-0.0");
  EXPECT_EQ(FormatFloatShortest(0.0f), "0");
  EXPECT_EQ(FormatFloatShortest(-std::numeric_limits<float>::infinity()), "-Infinity");
}

TEST(JsonTest, ShortestDigitsRoundTripForRandomBitPatterns) {
  std::mt19937_64 rng(7);
  for (int k = 0; k < 20000; ++k) {
    const double d = std::bit_cast<double>(rng());
    if (!std::isfinite(d)) continue;
    const std::string s = FormatDoubleShortest(d);
    ASSERT_TRUE(JsonChecker::IsValid(s)) << s;
    EXPECT_EQ(std::bit_cast<uint64_t>(std::strtod(s.c_str(), nullptr)),
              std::bit_cast<uint64_t>(d))
        << s;
    const float f = std::bit_cast<float>(uint32_t(rng()));
    if (!std::isfinite(f)) continue;
    const std::string t = FormatFloatShortest(f);
    ASSERT_TRUE(JsonChecker::IsValid(t)) << t;
    EXPECT_EQ(std::bit_cast<uint32_t>(std::strtof(t.c_str(), nullptr)),
              std::bit_cast<uint32_t>(f))
        << t;
  }
}

TEST(JsonTest, QuotesNonFiniteFloatValues) {
  const double inf = std::numeric_limits<double>::infinity();
  auto doubles = MakeFixed<double>(float64(), {std::nan(""), inf, -inf, -0.0, 2.5, {}});
  EXPECT_THAT(Values(*doubles), ElementsAre("\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
                                            "-0.0", "2.5", "null"));
  auto floats = MakeFixed<float>(float32(), {std::nanf(""), -float(inf), 1.1f, 10.0f});
  EXPECT_THAT(Values(*floats), ElementsAre("\"NaN\"", "\"-Infinity\"", "1.1", "10"));
}

TEST(JsonTest, RendersFloat16AsBinary32) {
  auto halves = MakeFixed<uint16_t>(
      float16(), {uint16_t{0x3C00}, uint16_t{0xC000}, uint16_t{0x3555}, uint16_t{0x2E66},
                  uint16_t{0x0001}, uint16_t{0x7BFF}, uint16_t{0x8000}, uint16_t{0x7C00},
                  uint16_t{0xFC00}, uint16_t{0x7E00}, std::nullopt});
  EXPECT_THAT(Values(*halves),
              ElementsAre("1", "-2", "0.33325195", "0.099975586", "5.9604645e-8", "65504",
                          "-0.0", "\"Infinity\"", "\"-Infinity\"", "\"NaN\"", "null"));
}

TEST(JsonTest, RendersIntegersBeyond2To53AsStrings) {
  auto int64s = MakeFixed<int64_t>(int64(), {k2Pow53, k2Pow53 + 1, -k2Pow53, -k2Pow53 - 1,
                                             std::numeric_limits<int64_t>::min(),
                                             std::numeric_limits<int64_t>::max(), 0});
  EXPECT_THAT(Values(*int64s),
              ElementsAre("9007199254740992", "\"9007199254740993\"", "-9007199254740992",
                          "\"-9007199254740993\"", "\"-9223372036854775808\"",
                          "\"9223372036854775807\"", "0"));
  auto uint64s = MakeFixed<uint64_t>(uint64(), {uint64_t(k2Pow53), uint64_t(k2Pow53) + 1,
                                                std::numeric_limits<uint64_t>::max()});
  EXPECT_THAT(Values(*uint64s), ElementsAre("9007199254740992", "\"9007199254740993\"",
                                            "\"18446744073709551615\""));
}

TEST(JsonTest, RendersNarrowIntegersAndBooleans) {
  EXPECT_THAT(Values(*MakeFixed<int8_t>(int8(), {-128, 127, {}})),
              ElementsAre("-128", "127", "null"));
  EXPECT_THAT(Values(*MakeFixed<uint8_t>(uint8(), {255})), ElementsAre("255"));
  EXPECT_THAT(Values(*MakeFixed<int16_t>(int16(), {-32768})), ElementsAre("-32768"));
  EXPECT_THAT(Values(*MakeFixed<uint16_t>(uint16(), {65535})), ElementsAre("65535"));
  EXPECT_THAT(Values(*MakeFixed<int32_t>(int32(), {std::numeric_limits<int32_t>::min()})),
              ElementsAre("-2147483648"));
  EXPECT_THAT(
      Values(*MakeFixed<uint32_t>(uint32(), {std::numeric_limits<uint32_t>::max()})),
      ElementsAre("4294967295"));
  BooleanBuilder bools;
  ASSERT_OK(bools.Append(true));
  ASSERT_OK(bools.AppendNull());
  ASSERT_OK(bools.Append(false));
  ASSERT_OK_AND_ASSIGN(auto b, bools.Finish());
  EXPECT_THAT(Values(*b), ElementsAre("true", "null", "false"));
  ASSERT_OK_AND_ASSIGN(auto nulls, MakeArrayOfNulls(null(), 2));
  EXPECT_THAT(Values(*nulls), ElementsAre("null", "null"));
}

TEST(JsonTest, RendersDurationsAsIntegerCounts) {
  auto durations = MakeFixed<int64_t>(duration(TimeUnit::kMicro),
                                      {5, -5, std::numeric_limits<int64_t>::min(), {}});
  EXPECT_THAT(Values(*durations),
              ElementsAre("5", "-5", "\"-9223372036854775808\"", "null"));
}

// --- Decimals ---------------------------------------------------------------

TEST(JsonTest, RendersDecimalsWithExactlyScaleDigits) {
  auto d = MakeDecimals(decimal128(10, 2), {"-12.30", "12.3", "0.05", "-0.05", "42", "0",
                                            "-0.5", std::nullopt});
  EXPECT_THAT(Values(*d), ElementsAre("\"-12.30\"", "\"12.30\"", "\"0.05\"", "\"-0.05\"",
                                      "\"42.00\"", "\"0.00\"", "\"-0.50\"", "null"));
  EXPECT_THAT(Values(*MakeDecimals(decimal128(5, 0), {"42", "-7"})),
              ElementsAre("\"42\"", "\"-7\""));
  EXPECT_THAT(Values(*MakeDecimals(decimal128(38, 10),
                                   {"-9999999999999999999999999999.9999999999"})),
              ElementsAre("\"-9999999999999999999999999999.9999999999\""));
}

TEST(JsonTest, RendersDecimal256AndNegativeScale) {
  const std::string digits60 =
      "12345678901234567890123456789012345678901234567890.1234567890";
  auto wide =
      MakeDecimals(decimal256(60, 10), {digits60, "-" + digits60, "0.0000000001"});
  EXPECT_THAT(Values(*wide), ElementsAre("\"" + digits60 + "\"", "\"-" + digits60 + "\"",
                                         "\"0.0000000001\""));
  FixedSizeBinaryBuilder negative_scale(decimal128(5, -2));
  ASSERT_OK(negative_scale.AppendDecimal(__int128{123}));
  ASSERT_OK(negative_scale.AppendDecimal(__int128{-5}));
  ASSERT_OK(negative_scale.AppendDecimal(__int128{0}));
  ASSERT_OK_AND_ASSIGN(auto n, negative_scale.Finish());
  EXPECT_THAT(Values(*n), ElementsAre("\"12300\"", "\"-500\"", "\"0\""));
}

// --- Temporal ---------------------------------------------------------------

TEST(JsonTest, RendersDatesAroundEpochAndFarYears) {
  auto dates = MakeFixed<int32_t>(date32(), {0,
                                             -1,
                                             11016,
                                             -719528,
                                             -719529,
                                             2932896,
                                             2932897,
                                             std::numeric_limits<int32_t>::min(),
                                             {}});
  EXPECT_THAT(Values(*dates),
              ElementsAre("\"1970-01-01\"", "\"1969-12-31\"", "\"2000-02-29\"",
                          "\"0000-01-01\"", "\"-0001-12-31\"", "\"9999-12-31\"",
                          "\"10000-01-01\"", "\"-5877641-06-23\"", "null"));
  auto dates64 = MakeFixed<int64_t>(
      date64(), {0, -1, 86400000, -86400000, -86400001, int64_t{11016} * 86400000});
  EXPECT_THAT(Values(*dates64),
              ElementsAre("\"1970-01-01\"", "\"1969-12-31\"", "\"1970-01-02\"",
                          "\"1969-12-31\"", "\"1969-12-30\"", "\"2000-02-29\""));
}

TEST(JsonTest, RendersTimesWithSixOrNineFractionDigits) {
  EXPECT_THAT(Values(*MakeFixed<int32_t>(time32(TimeUnit::kSecond), {0, 86399, {}})),
              ElementsAre("\"00:00:00.000000\"", "\"23:59:59.000000\"", "null"));
  EXPECT_THAT(Values(*MakeFixed<int32_t>(time32(TimeUnit::kMilli), {45296789})),
              ElementsAre("\"12:34:56.789000\""));
  EXPECT_THAT(Values(*MakeFixed<int64_t>(time64(TimeUnit::kMicro), {45296789012})),
              ElementsAre("\"12:34:56.789012\""));
  EXPECT_THAT(Values(*MakeFixed<int64_t>(time64(TimeUnit::kNano), {45296789012345, 1})),
              ElementsAre("\"12:34:56.789012345\"", "\"00:00:00.000000001\""));
}

TEST(JsonTest, RendersTimestampsInEveryUnitWithFloorBefore1970) {
  EXPECT_THAT(
      Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kSecond), {0, -1, 1234567890})),
      ElementsAre("\"1970-01-01T00:00:00.000000\"", "\"1969-12-31T23:59:59.000000\"",
                  "\"2009-02-13T23:31:30.000000\""));
  EXPECT_THAT(
      Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kMilli), {1234567890123, -1})),
      ElementsAre("\"2009-02-13T23:31:30.123000\"", "\"1969-12-31T23:59:59.999000\""));
  EXPECT_THAT(Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kMicro),
                                         {1234567890123456, -1, {}})),
              ElementsAre("\"2009-02-13T23:31:30.123456\"",
                          "\"1969-12-31T23:59:59.999999\"", "null"));
  EXPECT_THAT(
      Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kNano), {1234567890123456789, -1})),
      ElementsAre("\"2009-02-13T23:31:30.123456789\"",
                  "\"1969-12-31T23:59:59.999999999\""));
}

TEST(JsonTest, AppendsZToTimestampsWithATimezone) {
  EXPECT_THAT(Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kMilli, "UTC"), {-1})),
              ElementsAre("\"1969-12-31T23:59:59.999000Z\""));
  EXPECT_THAT(Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kMicro, "UTC"), {0})),
              ElementsAre("\"1970-01-01T00:00:00.000000Z\""));
  // Arrow stores UTC instants whatever the zone; the rendering shows the instant.
  EXPECT_THAT(
      Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kNano, "Europe/Berlin"), {1})),
      ElementsAre("\"1970-01-01T00:00:00.000000001Z\""));
}

TEST(JsonTest, RendersExtremeTicksWithoutOverflow) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_THAT(Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kNano), {kMin, kMax})),
              ElementsAre("\"1677-09-21T00:12:43.145224192\"",
                          "\"2262-04-11T23:47:16.854775807\""));
  EXPECT_THAT(
      Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kMicro, "UTC"), {kMin, kMax})),
      ElementsAre("\"-290308-12-21T19:59:05.224192Z\"",
                  "\"294247-01-10T04:00:54.775807Z\""));
  EXPECT_THAT(Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kMilli), {kMin, kMax})),
              ElementsAre("\"-292275055-05-16T16:47:04.192000\"",
                          "\"292278994-08-17T07:12:55.807000\""));
  EXPECT_THAT(Values(*MakeFixed<int64_t>(timestamp(TimeUnit::kSecond), {kMin, kMax})),
              ElementsAre("\"-292277022657-01-27T08:29:52.000000\"",
                          "\"292277026596-12-04T15:30:07.000000\""));
  EXPECT_THAT(Values(*MakeFixed<int64_t>(date64(), {kMin})),
              ElementsAre("\"-292275055-05-16\""));
  // Out-of-range times of day are invalid data; they must still render as strings.
  for (const auto& v :
       Values(*MakeFixed<int64_t>(time64(TimeUnit::kNano), {kMin, kMax}))) {
    EXPECT_TRUE(JsonChecker::IsValid(v)) << v;
    EXPECT_EQ(v.front(), '"') << v;
  }
}

TEST(JsonTest, RendersIntervalsAsMonthsDaysAndFlooredMicros) {
  auto intervals = MakeFixed<MonthDayNano>(
      interval_month_day_nano(),
      {MonthDayNano{1, 2, 3000}, MonthDayNano{-1, -2, -1}, MonthDayNano{0, 0, 1999},
       MonthDayNano{0, 0, -1001}, std::nullopt});
  EXPECT_THAT(Values(*intervals),
              ElementsAre(R"({"months":1,"days":2,"micros":3})",
                          R"({"months":-1,"days":-2,"micros":-1})",
                          R"({"months":0,"days":0,"micros":1})",
                          R"({"months":0,"days":0,"micros":-2})", "null"));
}

// --- Strings and bytes ------------------------------------------------------

TEST(JsonTest, EscapesStringsLikeJsonStringify) {
  EXPECT_EQ(Json(""), R"("")");
  EXPECT_EQ(Json("plain"), R"("plain")");
  EXPECT_EQ(Json("q\"b\\s/"), R"("q\"b\\s/")");
  EXPECT_EQ(Json("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Json(std::string("\x01\x1f\x00", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(Json("\x7f"), "\"\x7f\"");
  EXPECT_EQ(Json("é日€😀"), "\"é日€😀\"");
}

TEST(JsonTest, ReplacesIllFormedUtf8LikeTextDecoder) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(Json("a\xff"
                 "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(Json("\xE2\x82"), "\"" + fffd + "\"");  // truncated €
  EXPECT_EQ(Json("\xF0\x9F\x98"
                 "x"),
            "\"" + fffd + "x\"");                                     // truncated 😀
  EXPECT_EQ(Json("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(Json("\xC0\xAF"), "\"" + fffd + fffd + "\"");             // overlong
  EXPECT_EQ(Json("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
  EXPECT_TRUE(JsonChecker::IsValid(Json("\xff\xfe\x80\n")));
}

TEST(JsonTest, RendersEveryStringType) {
  for (const TypePtr& type : {utf8(), large_utf8(), utf8_view()}) {
    auto strings =
        MakeBytes(type, {"a\"b", "", std::nullopt, "long enough to be out of line"});
    EXPECT_THAT(Values(*strings), ElementsAre(R"("a\"b")", R"("")", "null",
                                              R"("long enough to be out of line")"))
        << type->ToString();
  }
}

TEST(JsonTest, RendersBinaryAsLowercaseHex) {
  const std::string bytes("\x00\xff\x10\xab", 4);
  for (const TypePtr& type : {binary(), large_binary(), binary_view()}) {
    auto values = MakeBytes(type, {bytes, "", std::nullopt, std::string(13, '\x5a')});
    EXPECT_THAT(Values(*values), ElementsAre("\"0x00ff10ab\"", "\"0x\"", "null",
                                             "\"0x5a5a5a5a5a5a5a5a5a5a5a5a5a\""))
        << type->ToString();
  }
  EXPECT_THAT(Values(*MakeBytes(fixed_size_binary(4), {bytes, std::nullopt})),
              ElementsAre("\"0x00ff10ab\"", "null"));
}

TEST(JsonTest, RendersUuidExtensionFromFieldMetadata) {
  auto uuids = MakeBytes(fixed_size_binary(16), {kUuidBytes, std::nullopt});
  const Field uuid_field("id", fixed_size_binary(16), true, UuidMetadata());
  EXPECT_THAT(Values(*uuids, &uuid_field),
              ElementsAre("\"00112233-4455-6677-8899-aabbccddeeff\"", "null"));
  // Without the metadata it is plain binary.
  EXPECT_THAT(Values(*uuids),
              ElementsAre("\"0x00112233445566778899aabbccddeeff\"", "null"));
  const Field other("id", fixed_size_binary(16), true,
                    KeyValueMetadata::Make({{"ARROW:extension:name", "other"}}));
  EXPECT_EQ(JsonValue(*uuids, 0, &other), "\"0x00112233445566778899aabbccddeeff\"");
  // The name only applies to 16-byte values.
  auto short_bytes = MakeBytes(fixed_size_binary(2), {std::string("\x01\x02", 2)});
  const Field short_field("id", fixed_size_binary(2), true, UuidMetadata());
  EXPECT_EQ(JsonValue(*short_bytes, 0, &short_field), "\"0x0102\"");
}

TEST(JsonTest, RendersUuidInsideNestedFields) {
  auto uuid_item = field("item", fixed_size_binary(16), true, UuidMetadata());
  auto type =
      struct_({field("ids", list(uuid_item)), field("raw", fixed_size_binary(16))});
  auto builder = MakeBuilder(type).ValueOrDie();
  auto& sb = static_cast<StructBuilder&>(*builder);
  auto& lb = static_cast<ListBuilder&>(*sb.field_builder(0));
  auto& ib = static_cast<FixedSizeBinaryBuilder&>(*lb.value_builder());
  ASSERT_OK(sb.Append());
  ASSERT_OK(lb.Append());
  ASSERT_OK(ib.Append(kUuidBytes));
  ASSERT_OK(
      static_cast<FixedSizeBinaryBuilder&>(*sb.field_builder(1)).Append(kUuidBytes));
  ASSERT_OK_AND_ASSIGN(auto array, builder->Finish());
  EXPECT_EQ(JsonValue(*array, 0), R"({"ids":["00112233-4455-6677-8899-aabbccddeeff"],)"
                                  R"("raw":"0x00112233445566778899aabbccddeeff"})");

  // A dictionary column passes its field on to the decoded values.
  auto dict_type = dictionary(int8(), fixed_size_binary(16));
  auto dict_builder = MakeBuilder(dict_type).ValueOrDie();
  ASSERT_OK(static_cast<DictionaryBuilder&>(*dict_builder).AppendBytes(kUuidBytes));
  ASSERT_OK_AND_ASSIGN(auto dict, dict_builder->Finish());
  const Field dict_field("id", dict_type, true, UuidMetadata());
  EXPECT_EQ(JsonValue(*dict, 0, &dict_field), "\"00112233-4455-6677-8899-aabbccddeeff\"");
}

// --- Nested -----------------------------------------------------------------

TEST(JsonTest, RendersListsWithEmptyAndNullDistinct) {
  auto builder = MakeBuilder(list(int32())).ValueOrDie();
  auto& lb = static_cast<ListBuilder&>(*builder);
  auto& ib = static_cast<Int32Builder&>(*lb.value_builder());
  ASSERT_OK(lb.Append());
  ASSERT_OK(ib.Append(1));
  ASSERT_OK(ib.Append(2));
  ASSERT_OK(lb.Append());
  ASSERT_OK(lb.AppendNull());
  ASSERT_OK(lb.Append());
  ASSERT_OK(ib.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto lists, builder->Finish());
  EXPECT_THAT(Values(*lists), ElementsAre("[1,2]", "[]", "null", "[null]"));

  auto large = MakeBuilder(large_list(utf8())).ValueOrDie();
  auto& llb = static_cast<LargeListBuilder&>(*large);
  ASSERT_OK(llb.Append());
  ASSERT_OK(static_cast<StringBuilder&>(*llb.value_builder()).Append("x"));
  ASSERT_OK(llb.Append());
  ASSERT_OK_AND_ASSIGN(auto large_lists, large->Finish());
  EXPECT_THAT(Values(*large_lists), ElementsAre(R"(["x"])", "[]"));
}

TEST(JsonTest, RendersFixedSizeLists) {
  auto builder = MakeBuilder(fixed_size_list(int32(), 2)).ValueOrDie();
  auto& fb = static_cast<FixedSizeListBuilder&>(*builder);
  auto& ib = static_cast<Int32Builder&>(*fb.value_builder());
  ASSERT_OK(fb.Append());
  ASSERT_OK(ib.Append(1));
  ASSERT_OK(ib.Append(2));
  ASSERT_OK(fb.AppendNull());
  ASSERT_OK(fb.Append());
  ASSERT_OK(ib.Append(3));
  ASSERT_OK(ib.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto lists, builder->Finish());
  EXPECT_THAT(Values(*lists), ElementsAre("[1,2]", "null", "[3,null]"));
  EXPECT_THAT(Values(*lists->Slice(1)), ElementsAre("null", "[3,null]"));
}

TEST(JsonTest, RendersStructsWithKeysInFieldOrder) {
  auto type =
      struct_({field("z", int32()), field("a \"q\"", utf8()), field("m", float64())});
  auto builder = MakeBuilder(type).ValueOrDie();
  auto& sb = static_cast<StructBuilder&>(*builder);
  ASSERT_OK(sb.Append());
  ASSERT_OK(static_cast<Int32Builder&>(*sb.field_builder(0)).Append(1));
  ASSERT_OK(static_cast<StringBuilder&>(*sb.field_builder(1)).AppendNull());
  ASSERT_OK(static_cast<DoubleBuilder&>(*sb.field_builder(2)).Append(0.5));
  ASSERT_OK(sb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto structs, builder->Finish());
  EXPECT_THAT(Values(*structs), ElementsAre(R"({"z":1,"a \"q\"":null,"m":0.5})", "null"));
  EXPECT_EQ(JsonValue(*MakeArrayOfNulls(struct_({}), 1).ValueOrDie(), 0), "null");
}

TEST(JsonTest, RendersMapsAsKeyValuePairsInStoredOrder) {
  // nested_maps.snappy.parquet: MAP(VARCHAR, MAP(INTEGER, BOOLEAN)).
  auto type = map(utf8(), map(int32(), boolean()));
  auto builder = MakeBuilder(type).ValueOrDie();
  auto& mb = static_cast<MapBuilder&>(*builder);
  auto& keys = static_cast<StringBuilder&>(*mb.key_builder());
  auto& inner = static_cast<MapBuilder&>(*mb.item_builder());
  auto& inner_keys = static_cast<Int32Builder&>(*inner.key_builder());
  auto& inner_items = static_cast<BooleanBuilder&>(*inner.item_builder());
  // [["b",[[2,true],[1,false]]],["a",null],["c",[]]]
  ASSERT_OK(mb.Append());
  ASSERT_OK(keys.Append("b"));
  ASSERT_OK(inner.Append());
  ASSERT_OK(inner_keys.Append(2));
  ASSERT_OK(inner_items.Append(true));
  ASSERT_OK(inner_keys.Append(1));
  ASSERT_OK(inner_items.Append(false));
  ASSERT_OK(keys.Append("a"));
  ASSERT_OK(inner.AppendNull());
  ASSERT_OK(keys.Append("c"));
  ASSERT_OK(inner.Append());
  ASSERT_OK(mb.Append());  // empty map
  ASSERT_OK(mb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto maps, builder->Finish());
  EXPECT_THAT(
      Values(*maps),
      ElementsAre(R"([["b",[[2,true],[1,false]]],["a",null],["c",[]]])", "[]", "null"));
}

TEST(JsonTest, RendersNestedListsOfStructsAndMaps) {
  auto point = struct_({field("x", float64()), field("y", list(int8()))});
  auto type = list(map(utf8(), point));
  auto builder = MakeBuilder(type).ValueOrDie();
  auto& lb = static_cast<ListBuilder&>(*builder);
  auto& mb = static_cast<MapBuilder&>(*lb.value_builder());
  auto& keys = static_cast<StringBuilder&>(*mb.key_builder());
  auto& sb = static_cast<StructBuilder&>(*mb.item_builder());
  auto& xb = static_cast<DoubleBuilder&>(*sb.field_builder(0));
  auto& yb = static_cast<ListBuilder&>(*sb.field_builder(1));
  auto& yib = static_cast<Int8Builder&>(*yb.value_builder());
  ASSERT_OK(lb.Append());
  ASSERT_OK(mb.Append());
  ASSERT_OK(keys.Append("p"));
  ASSERT_OK(sb.Append());
  ASSERT_OK(xb.Append(1.5));
  ASSERT_OK(yb.Append());
  ASSERT_OK(yib.Append(-1));
  ASSERT_OK(yib.AppendNull());
  ASSERT_OK(keys.Append("q"));
  ASSERT_OK(sb.AppendNull());
  ASSERT_OK(mb.AppendNull());
  ASSERT_OK(mb.Append());
  ASSERT_OK_AND_ASSIGN(auto array, builder->Finish());
  EXPECT_EQ(JsonValue(*array, 0),
            R"([[["p",{"x":1.5,"y":[-1,null]}],["q",null]],null,[]])");
}

TEST(JsonTest, RendersDictionaryValuesDecoded) {
  auto builder = MakeBuilder(dictionary(int8(), utf8())).ValueOrDie();
  auto& db = static_cast<DictionaryBuilder&>(*builder);
  ASSERT_OK(db.AppendBytes("b"));
  ASSERT_OK(db.AppendBytes("a"));
  ASSERT_OK(db.AppendNull());
  ASSERT_OK(db.AppendBytes("b"));
  ASSERT_OK_AND_ASSIGN(auto dict, builder->Finish());
  EXPECT_THAT(Values(*dict), ElementsAre("\"b\"", "\"a\"", "null", "\"b\""));
  EXPECT_THAT(Values(*dict->Slice(1, 3)), ElementsAre("\"a\"", "null", "\"b\""));
}

// --- Slices and offsets -----------------------------------------------------

TEST(JsonTest, RendersTheRightSlotsOfSlicedArrays) {
  std::vector<std::optional<int32_t>> ints;
  for (int32_t v = 0; v < 20; ++v)
    ints.push_back(v % 7 == 3 ? std::nullopt : std::optional(v));
  auto a = MakeFixed<int32_t>(int32(), ints);
  EXPECT_THAT(Values(*a->Slice(9, 4)), ElementsAre("9", "null", "11", "12"));

  BooleanBuilder bools;
  for (int k = 0; k < 20; ++k) ASSERT_OK(bools.Append(k % 3 == 0));
  ASSERT_OK_AND_ASSIGN(auto b, bools.Finish());
  EXPECT_THAT(Values(*b->Slice(11, 3)), ElementsAre("false", "true", "false"));

  auto s = MakeBytes(utf8(), {"a", "b", std::nullopt, "d"});
  EXPECT_THAT(Values(*s->Slice(1)), ElementsAre("\"b\"", "null", "\"d\""));

  auto builder = MakeBuilder(list(utf8())).ValueOrDie();
  auto& lb = static_cast<ListBuilder&>(*builder);
  auto& vb = static_cast<StringBuilder&>(*lb.value_builder());
  for (int k = 0; k < 4; ++k) {
    ASSERT_OK(lb.Append());
    for (int e = 0; e < k; ++e) ASSERT_OK(vb.Append(std::to_string(k)));
  }
  ASSERT_OK_AND_ASSIGN(auto lists, builder->Finish());
  EXPECT_THAT(Values(*lists->Slice(2)), ElementsAre(R"(["2","2"])", R"(["3","3","3"])"));

  auto mbuilder = MakeBuilder(map(int32(), int32())).ValueOrDie();
  auto& mb = static_cast<MapBuilder&>(*mbuilder);
  for (int k = 0; k < 3; ++k) {
    ASSERT_OK(mb.Append());
    ASSERT_OK(static_cast<Int32Builder&>(*mb.key_builder()).Append(k));
    ASSERT_OK(static_cast<Int32Builder&>(*mb.item_builder()).Append(10 * k));
  }
  ASSERT_OK_AND_ASSIGN(auto maps, mbuilder->Finish());
  EXPECT_THAT(Values(*maps->Slice(1, 1)), ElementsAre("[[1,10]]"));
}

TEST(JsonTest, AppliesStructOffsetsToSlicedChildren) {
  auto values = MakeFixed<int32_t>(int32(), {0, 1, 2, 3, 4, 5});
  auto type = struct_({field("v", int32())});
  // The child starts at slot 2 of its buffers; the struct starts at its slot 1.
  auto structs = Array::Make(type, 3, {nullptr}, {values->Slice(2, 4)}, nullptr, 0, 1);
  ASSERT_OK(structs->ValidateFull());
  EXPECT_THAT(Values(*structs), ElementsAre(R"({"v":3})", R"({"v":4})", R"({"v":5})"));
  // A list whose offsets and child both start past zero.
  auto lists = Array::Make(list(int32()), 2, {nullptr, Int32Buffer({9, 0, 2, 3})},
                           {values->Slice(1)}, nullptr, 0, 1);
  ASSERT_OK(lists->ValidateFull());
  EXPECT_THAT(Values(*lists), ElementsAre("[1,2]", "[3]"));
  // A fixed-size list with an offset whose child is sliced too.
  auto fixed = Array::Make(fixed_size_list(int32(), 2), 1, {nullptr},
                           {values->Slice(1, 4)}, nullptr, 0, 1);
  ASSERT_OK(fixed->ValidateFull());
  EXPECT_THAT(Values(*fixed), ElementsAre("[3,4]"));
}

// --- Rows and documents -----------------------------------------------------

RecordBatchPtr SmallBatch() {
  auto schema_ptr = schema({field("n", int32()), field("s", utf8())});
  return RecordBatch::Make(
             schema_ptr, 2,
             {MakeFixed<int32_t>(int32(), {1, 2}), MakeBytes(utf8(), {"a", {}})})
      .ValueOrDie();
}

TEST(JsonTest, RowsToJsonPutsOneRowPerLine) {
  EXPECT_EQ(RowsToJson(*SmallBatch()), "[\n[1,\"a\"],\n[2,null]\n]");
  EXPECT_EQ(RowsToJson(*SmallBatch()->Slice(1, 1)), "[\n[2,null]\n]");
  EXPECT_EQ(RowsToJson(*SmallBatch()->Slice(0, 0)), "[]");
}

TEST(JsonTest, RowsToJsonWalksTableChunksOfDifferentShapes) {
  auto schema_ptr = schema({field("n", int64()), field("s", utf8())});
  auto n = std::make_shared<const ChunkedArray>(
      int64(),
      ArrayVector{MakeFixed<int64_t>(int64(), {1, 2}), MakeFixed<int64_t>(int64(), {}),
                  MakeFixed<int64_t>(int64(), {3})});
  auto s = std::make_shared<const ChunkedArray>(
      utf8(), ArrayVector{MakeBytes(utf8(), {"x"}), MakeBytes(utf8(), {}),
                          MakeBytes(utf8(), {"y", "z"})->Slice(0, 2)});
  const Table table(schema_ptr, {n, s}, 3);
  EXPECT_EQ(RowsToJson(table), "[\n[1,\"x\"],\n[2,\"y\"],\n[3,\"z\"]\n]");
  EXPECT_EQ(RowsToJson(*table.Slice(1, 2)), "[\n[2,\"y\"],\n[3,\"z\"]\n]");
  EXPECT_EQ(RowsToJson(Table(schema_ptr, {}, 0)), "[]");
}

TEST(JsonTest, RowsUseSchemaFieldsForExtensions) {
  auto schema_ptr = schema({field("id", fixed_size_binary(16), true, UuidMetadata())});
  auto batch =
      RecordBatch::Make(schema_ptr, 1, {MakeBytes(fixed_size_binary(16), {kUuidBytes})})
          .ValueOrDie();
  EXPECT_EQ(RowsToJson(*batch), "[\n[\"00112233-4455-6677-8899-aabbccddeeff\"]\n]");
}

TEST(JsonTest, CanonicalJsonLaysOutLikeTheExpectedFiles) {
  const auto batch = SmallBatch();
  ASSERT_OK_AND_ASSIGN(auto table, Table::FromBatches(batch->schema(), {batch}));
  const std::string expected =
      "{\n"
      "  \"num_rows\": 2,\n"
      "  \"columns\": [\n"
      "    {\"name\":\"n\",\"type\":\"int32\"},\n"
      "    {\"name\":\"s\",\"type\":\"string\"}\n"
      "  ],\n"
      "  \"rows\": [\n"
      "    [1,\"a\"],\n"
      "    [2,null]\n"
      "  ]\n"
      "}";
  EXPECT_EQ(ToCanonicalJson(*table), expected);
  EXPECT_EQ(ToCanonicalJson(*batch), expected);
  EXPECT_TRUE(JsonChecker::IsValid(expected));

  auto empty = Table(schema({field("t", timestamp(TimeUnit::kMicro, "UTC"))}),
                     {std::make_shared<const ChunkedArray>(
                         timestamp(TimeUnit::kMicro, "UTC"), ArrayVector{})},
                     0);
  EXPECT_EQ(ToCanonicalJson(empty),
            "{\n  \"num_rows\": 0,\n  \"columns\": [\n"
            "    {\"name\":\"t\",\"type\":\"timestamp[us, tz=UTC]\"}\n"
            "  ],\n  \"rows\": []\n}");
  EXPECT_EQ(ToCanonicalJson(Table(schema({}), {}, 0)),
            "{\n  \"num_rows\": 0,\n  \"columns\": [],\n  \"rows\": []\n}");
}

// --- Every type ---------------------------------------------------------------

TEST(JsonTest, CheckerAcceptsJsonAndRejectsNearMisses) {
  for (std::string_view ok : {"0", "-0.0", "1e+21", "1.5e-7", R"("a\u00e9\n")", "[]",
                              "{}", R"([1,{"a":[null,true,false]}])", " [ 1 , 2 ] "}) {
    EXPECT_TRUE(JsonChecker::IsValid(ok)) << ok;
  }
  for (std::string_view bad : {"", "01", "1.", ".5", "+1", "NaN", "[1,]", "{\"a\"}", "[1",
                               "\"\x01\"", R"("\x")", "[] []", "{1:2}", "\"\xff\""}) {
    EXPECT_FALSE(JsonChecker::IsValid(bad)) << bad;
  }
}

TEST(JsonTest, EveryTypeRendersValidJson) {
  FieldVector fields;
  ArrayVector columns;
  for (const auto& [name, type] : quire::testing::EveryType()) {
    SCOPED_TRACE(name);
    const auto array = quire::testing::MakeRandomArray(type, 64, {.seed = 3});
    ASSERT_OK(array->ValidateFull());
    for (const ArrayPtr& a : {array, array->Slice(5, 40)}) {
      for (int64_t i = 0; i < a->length(); ++i) {
        const std::string v = JsonValue(*a, i);
        ASSERT_TRUE(JsonChecker::IsValid(v)) << "slot " << i << ": " << v;
        if (a->IsNull(i)) {
          EXPECT_EQ(v, "null");
        }
      }
    }
    fields.push_back(field(name, type));
    columns.push_back(array);
  }
  const auto batch = RecordBatch::Make(schema(fields), 64, columns).ValueOrDie();
  const std::string rows = RowsToJson(*batch);
  EXPECT_TRUE(JsonChecker::IsValid(rows));
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 65);
  ASSERT_OK_AND_ASSIGN(
      auto table,
      Table::FromBatches(batch->schema(), {batch->Slice(0, 10), batch->Slice(10, 54)}));
  const std::string document = ToCanonicalJson(*table);
  EXPECT_TRUE(JsonChecker::IsValid(document));
  EXPECT_EQ(ToCanonicalJson(*batch), document);
}

}  // namespace
}  // namespace quire::columnar
