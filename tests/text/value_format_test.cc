/// \file tests/text/value_format_test.cc
/// \brief The writers' fast formatters give exactly columnar's canonical text.
#include "quire/text/value_format_internal.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace quire::text::internal {
namespace {

using columnar::TimeUnit;

std::string Date(int64_t days) {
  char buf[kMaxScalarText];
  return std::string(buf, WriteDate(buf, days));
}

TEST(ValueFormatTest, DatesMatchFormatDate) {
  std::mt19937_64 rng(1);
  for (int64_t d : {int64_t(0), int64_t(-1), int64_t(-719468), int64_t(-719469),
                    int64_t(2932896), int64_t(2932897), int64_t(-10000000), int64_t(59)}) {
    EXPECT_EQ(Date(d), columnar::FormatDate(d)) << d;
  }
  for (int i = 0; i < 200000; ++i) {
    const int64_t d = int64_t(rng() % 8000000) - 4000000;
    ASSERT_EQ(Date(d), columnar::FormatDate(d)) << d;
  }
}

TEST(ValueFormatTest, TimestampsMatchFormatTimestamp) {
  std::mt19937_64 rng(2);
  for (TimeUnit unit : {TimeUnit::kSecond, TimeUnit::kMilli, TimeUnit::kMicro, TimeUnit::kNano}) {
    for (int i = 0; i < 50000; ++i) {
      const int64_t ticks = i < 10 ? int64_t(i) - 5 : int64_t(rng());
      for (bool utc : {false, true}) {
        char buf[kMaxScalarText];
        const std::string got(buf, WriteTimestamp(buf, ticks, unit, utc));
        ASSERT_EQ(got, columnar::FormatTimestamp(ticks, unit) + (utc ? "Z" : ""))
            << ticks << " " << int(unit);
      }
    }
  }
}

TEST(ValueFormatTest, DecimalsMatchDecimalToString) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    __int128 v = __int128(int64_t(rng()));
    if (i % 3 == 0) v = v % 1000;
    if (i % 5 == 0) v *= __int128(int64_t(rng()));  // beyond 18 digits
    const int scale = int(rng() % 45) - 6;
    uint8_t bytes[16];
    columnar::DecimalFromInt128(v, 16, bytes);
    char buf[kMaxScalarText];
    const std::string got(buf, WriteDecimal128(buf, bytes, scale));
    ASSERT_EQ(got, columnar::DecimalToString(bytes, 16, scale)) << i << " scale " << scale;
  }
}

}  // namespace
}  // namespace quire::text::internal
