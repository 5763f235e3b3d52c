#include "quire/columnar/temporal.h"

#include <gtest/gtest.h>

namespace quire::columnar {
namespace {

TEST(TemporalTest, CivilDaysRoundTripOverMillennia) {
  for (int64_t d = -1000000; d <= 1000000; d += 997) {
    const CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);
}

TEST(TemporalTest, FormatsDatesWithPaddedAndNegativeYears) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(DaysFromCivil(999, 12, 31)), "0999-12-31");
  EXPECT_EQ(FormatDate(DaysFromCivil(0, 1, 1)), "0000-01-01");
  EXPECT_EQ(FormatDate(DaysFromCivil(-44, 3, 15)), "-0044-03-15");
  EXPECT_EQ(FormatDate(DaysFromCivil(290000, 12, 30)), "290000-12-30");
}

TEST(TemporalTest, FormatsTimestampsWithFloorBeforeTheEpoch) {
  EXPECT_EQ(FormatTimestamp(-1, TimeUnit::kMicro), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(FormatTimestamp(-1, TimeUnit::kNano), "1969-12-31T23:59:59.999999999");
  EXPECT_EQ(FormatTimestamp(1500, TimeUnit::kMilli), "1970-01-01T00:00:01.500000");
  EXPECT_EQ(FormatTimestamp(86400, TimeUnit::kSecond), "1970-01-02T00:00:00.000000");
  EXPECT_EQ(FormatTimestamp(INT64_MIN, TimeUnit::kNano), "1677-09-21T00:12:43.145224192");
  EXPECT_EQ(FormatTimestamp(INT64_MAX, TimeUnit::kNano), "2262-04-11T23:47:16.854775807");
}

TEST(TemporalTest, FormatsTimesOfDay) {
  EXPECT_EQ(FormatTimeOfDay(0, TimeUnit::kSecond), "00:00:00.000000");
  EXPECT_EQ(FormatTimeOfDay(86399999, TimeUnit::kMilli), "23:59:59.999000");
  EXPECT_EQ(FormatTimeOfDay(45296000000123, TimeUnit::kNano), "12:34:56.000000123");
}

}  // namespace
}  // namespace quire::columnar
