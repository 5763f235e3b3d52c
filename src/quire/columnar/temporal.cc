/// \file quire/columnar/temporal.cc
#include "quire/columnar/temporal.h"

#include <fmt/format.h>

namespace quire::columnar {


// The day <-> date conversion counts in 400-year eras of 146097 days, with years
// starting on March 1st so that the leap day is the last day of a year.
CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;  // days from 0000-03-01
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                   // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                 // [0, 11]
  const int32_t day = int32_t(doy - (153 * mp + 2) / 5 + 1);
  const int32_t month = int32_t(mp < 10 ? mp + 3 : mp - 9);
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

int64_t DaysFromCivil(int64_t year, int32_t month, int32_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(year, 400);
  const int64_t yoe = year - era * 400;
  const int64_t mp = month > 2 ? month - 3 : month + 9;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t TicksPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return 1;
    case TimeUnit::kMilli: return 1000;
    case TimeUnit::kMicro: return 1000000;
    case TimeUnit::kNano: return 1000000000;
  }
  return 1;
}

std::string FormatDate(int64_t days) {
  const CivilDate d = CivilFromDays(days);
  if (d.year < 0) return fmt::format("-{:04d}-{:02d}-{:02d}", -d.year, d.month, d.day);
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

namespace {
// Fraction of a second as 6 digits (s, ms, us) or 9 digits (ns).
std::string Fraction(int64_t sub_ticks, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return "000000";
    case TimeUnit::kMilli: return fmt::format("{:06d}", sub_ticks * 1000);
    case TimeUnit::kMicro: return fmt::format("{:06d}", sub_ticks);
    case TimeUnit::kNano: return fmt::format("{:09d}", sub_ticks);
  }
  return "";
}
}  // namespace

std::string FormatTimestamp(int64_t ticks, TimeUnit unit) {
  const int64_t per_second = TicksPerSecond(unit);
  const int64_t seconds = FloorDiv(ticks, per_second);
  const int64_t sub = FloorMod(ticks, per_second);
  const int64_t days = FloorDiv(seconds, 86400);
  const int64_t second_of_day = FloorMod(seconds, 86400);
  return fmt::format("{}T{:02d}:{:02d}:{:02d}.{}", FormatDate(days), second_of_day / 3600,
                     second_of_day / 60 % 60, second_of_day % 60, Fraction(sub, unit));
}

std::string FormatTimeOfDay(int64_t ticks, TimeUnit unit) {
  const int64_t per_second = TicksPerSecond(unit);
  const int64_t seconds = FloorDiv(ticks, per_second);
  const int64_t sub = FloorMod(ticks, per_second);
  return fmt::format("{:02d}:{:02d}:{:02d}.{}", seconds / 3600, seconds / 60 % 60,
                     seconds % 60, Fraction(sub, unit));
}

}  // namespace quire::columnar
