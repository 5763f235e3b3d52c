/// \file tests/text/value_parse_test.cc
/// \brief The exact value parsers and the inference kinds shared by the readers.
#include "quire/text/value_parse_internal.h"

#include <limits>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "quire/columnar/temporal.h"

namespace quire::text::internal {
namespace {

using columnar::TimeUnit;

bool Int(std::string_view s, int64_t* out) { return ParseInt64(s.data(), s.size(), out); }
bool Date(std::string_view s, int64_t* out) { return ParseDate(s.data(), s.size(), out); }
TimestampForm Ts(std::string_view s, TimeUnit unit, int64_t* out) {
  return ParseTimestamp(s.data(), s.size(), unit, out);
}
bool Dec(std::string_view s, int p, int sc, __int128* out) {
  return ParseDecimal128(s.data(), s.size(), p, sc, out);
}
Kind Classify(std::string_view s) { return ClassifyValue(s.data(), s.size()); }

TEST(ValueParseTest, IntegersAreExact) {
  int64_t v;
  ASSERT_TRUE(Int("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(Int("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
  ASSERT_TRUE(Int("+007", &v));
  EXPECT_EQ(v, 7);
  ASSERT_TRUE(Int("00000000000000000000001", &v));  // leading zeros beyond 19 digits
  EXPECT_EQ(v, 1);
  for (std::string_view bad : {"9223372036854775808", "-9223372036854775809", "", "-", "+",
                               "1.0", "1e3", " 1", "1 ", "--1", "+-1", "0x1",
                               "99999999999999999999999"}) {
    EXPECT_FALSE(Int(bad, &v)) << bad;
  }
  uint64_t u;
  ASSERT_TRUE(ParseUInt64("18446744073709551615", 20, &u));
  EXPECT_EQ(u, std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseUInt64("18446744073709551616", 20, &u));
  EXPECT_FALSE(ParseUInt64("-1", 2, &u));
}

TEST(ValueParseTest, DatesAreCheckedAgainstTheCalendar) {
  int64_t days;
  ASSERT_TRUE(Date("1970-01-01", &days));
  EXPECT_EQ(days, 0);
  ASSERT_TRUE(Date("2024-02-29", &days));
  EXPECT_EQ(days, columnar::DaysFromCivil(2024, 2, 29));
  ASSERT_TRUE(Date("0001-01-01", &days));
  EXPECT_EQ(days, columnar::DaysFromCivil(1, 1, 1));
  // Years outside 0..9999 as columnar::FormatDate writes them.
  for (int64_t d : {int64_t(-800000), int64_t(-719529), int64_t(3000000)}) {
    const std::string text = columnar::FormatDate(d);
    ASSERT_TRUE(Date(text, &days)) << text;
    EXPECT_EQ(days, d) << text;
  }
  for (std::string_view bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32",
                               "2024-1-01", "2024-01-1", "24-01-01", "2024/01/01",
                               "2024-01-01 ", "2024-0a-01", "1900-02-29", ""}) {
    EXPECT_FALSE(Date(bad, &days)) << bad;
  }
}

TEST(ValueParseTest, TimestampsWithFractionsAndOffsets) {
  int64_t t;
  EXPECT_EQ(Ts("2024-01-02", TimeUnit::kSecond, &t), TimestampForm::kNaive);
  EXPECT_EQ(t, 19724 * 86400);
  EXPECT_EQ(Ts("1970-01-01T00:00:01.5", TimeUnit::kMilli, &t), TimestampForm::kNaive);
  EXPECT_EQ(t, 1500);
  EXPECT_EQ(Ts("1970-01-01 00:00:00.000000001", TimeUnit::kNano, &t), TimestampForm::kNaive);
  EXPECT_EQ(t, 1);
  EXPECT_EQ(Ts("1970-01-01T01:00:00+01:00", TimeUnit::kSecond, &t), TimestampForm::kWithOffset);
  EXPECT_EQ(t, 0);
  EXPECT_EQ(Ts("1970-01-01T00:00:00-0130", TimeUnit::kSecond, &t), TimestampForm::kWithOffset);
  EXPECT_EQ(t, 5400);
  EXPECT_EQ(Ts("1970-01-01T00:00:00-01", TimeUnit::kSecond, &t), TimestampForm::kWithOffset);
  EXPECT_EQ(t, 3600);
  EXPECT_EQ(Ts("1969-12-31T23:59:59.999999Z", TimeUnit::kMicro, &t), TimestampForm::kWithOffset);
  EXPECT_EQ(t, -1);
  for (std::string_view bad :
       {"1970-01-01T00:00:00.0000001", "1970-01-01T24:00:00", "1970-01-01T00:60:00",
        "1970-01-01T00:00", "1970-01-01X00:00:00", "1970-01-01T00:00:00Zx",
        "1970-01-01T00:00:00+1", "1970-01-01T00:00:00.", "2300-01-01T00:00:00"}) {
    EXPECT_EQ(Ts(bad, bad == "2300-01-01T00:00:00" ? TimeUnit::kNano : TimeUnit::kMicro, &t),
              TimestampForm::kInvalid)
        << bad;
  }
  EXPECT_EQ(Ts("1970-01-01T00:00:00.123000", TimeUnit::kMilli, &t), TimestampForm::kNaive);
  EXPECT_EQ(t, 123);
  EXPECT_EQ(Ts("1970-01-01T00:00:00.1234", TimeUnit::kMilli, &t), TimestampForm::kInvalid);
}

TEST(ValueParseTest, DecimalsAreExactWithinPrecisionAndScale) {
  __int128 v;
  ASSERT_TRUE(Dec("123.45", 5, 2, &v));
  EXPECT_TRUE(v == 12345);
  ASSERT_TRUE(Dec("-0.5", 5, 2, &v));
  EXPECT_TRUE(v == -50);
  ASSERT_TRUE(Dec("000123.4500", 5, 2, &v));  // zeros do not count
  EXPECT_TRUE(v == 12345);
  ASSERT_TRUE(Dec("12300", 5, -2, &v));
  EXPECT_TRUE(v == 123);
  ASSERT_TRUE(Dec("99999999999999999999999999999999999999", 38, 0, &v));
  ASSERT_TRUE(Dec("-9999999999999999999.9999999999999999999", 38, 19, &v));
  EXPECT_TRUE(v == -__int128(Pow10U128(38) - 1));
  for (std::string_view bad : {"1234.5", "1.234", "12350", "1e2", "", "-", ".", "1..2",
                               "1.2.3", "+-1", "12 ", "0x1"}) {
    EXPECT_FALSE(Dec(bad, 5, 2, &v)) << bad;
  }
  EXPECT_FALSE(Dec("12350", 5, -2, &v));
  EXPECT_FALSE(Dec("999999999999999999999999999999999999999", 38, 0, &v));
}

TEST(ValueParseTest, DecimalFastPathAgreesWithTheGeneralParser) {
  std::mt19937 rng(3);
  static constexpr std::string_view kChars = "0000123456789.-+e ";
  for (int round = 0; round < 200000; ++round) {
    std::string text;
    const size_t len = rng() % 24;
    for (size_t i = 0; i < len; ++i) text.push_back(kChars[rng() % kChars.size()]);
    const int precision = 1 + int(rng() % 38);
    const int scale = int(rng() % (precision + 1)) - (rng() % 4 == 0 ? precision / 2 : 0);
    __int128 fast = 0, general = 0;
    const bool a = ParseDecimal128(text.data(), text.size(), precision, scale, &fast);
    const bool b = ParseDecimal128General(text.data(), text.size(), precision, scale, &general);
    ASSERT_EQ(a, b) << "'" << text << "' (" << precision << ", " << scale << ")";
    if (a) {
      ASSERT_TRUE(fast == general) << "'" << text << "' (" << precision << ", " << scale << ")";
    }
  }
}

TEST(ValueParseTest, ClassifiesValuesAndJoinsKinds) {
  EXPECT_EQ(Classify("True"), Kind::kBool);
  EXPECT_EQ(Classify("-12"), Kind::kInt);
  EXPECT_EQ(Classify("1.5e-3"), Kind::kFloat);
  EXPECT_EQ(Classify("inf"), Kind::kFloat);
  EXPECT_EQ(Classify("NaN"), Kind::kFloat);
  EXPECT_EQ(Classify("2024-05-01"), Kind::kDate);
  EXPECT_EQ(Classify("2024-05-01 10:11:12"), Kind::kTimestamp);
  EXPECT_EQ(Classify("2024-05-01T10:11:12.5+02:00"), Kind::kTimestampTz);
  EXPECT_EQ(Classify("12345678901234567890"), Kind::kString);
  EXPECT_EQ(Classify("NA"), Kind::kString);
  EXPECT_EQ(Classify("1,5"), Kind::kString);
  EXPECT_EQ(JoinKinds(Kind::kNull, Kind::kDate), Kind::kDate);
  EXPECT_EQ(JoinKinds(Kind::kFloat, Kind::kInt), Kind::kFloat);
  EXPECT_EQ(JoinKinds(Kind::kTimestamp, Kind::kDate), Kind::kTimestamp);
  EXPECT_EQ(JoinKinds(Kind::kTimestampTz, Kind::kDate), Kind::kString);
  EXPECT_EQ(JoinKinds(Kind::kBool, Kind::kInt), Kind::kString);
  EXPECT_EQ(JoinKinds(Kind::kString, Kind::kNull), Kind::kString);
}

}  // namespace
}  // namespace quire::text::internal
