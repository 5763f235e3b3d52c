#pragma once

/// \file quire/columnar/temporal.h
/// \brief Calendar arithmetic and ISO-8601 rendering of dates, times and timestamps.

#include <cstdint>
#include <string>

#include "quire/columnar/type.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Floor division for a positive divisor, without intermediate overflow
/// (FloorDiv(-1, 1000) == -1; INT64_MIN works).
constexpr int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }
/// \brief The matching modulo, in [0, b).
constexpr int64_t FloorMod(int64_t a, int64_t b) { return a % b < 0 ? a % b + b : a % b; }

/// \brief A proleptic Gregorian date.
struct CivilDate {
  int64_t year;
  int32_t month;  ///< 1..12
  int32_t day;    ///< 1..31
};

/// \brief Convert days since 1970-01-01 to a civil date (any int64 day count that
/// keeps the year in range).
QUIRE_EXPORT CivilDate CivilFromDays(int64_t days);
/// \brief Convert a civil date to days since 1970-01-01.
QUIRE_EXPORT int64_t DaysFromCivil(int64_t year, int32_t month, int32_t day);

/// \brief Return the number of `unit` ticks in one second.
QUIRE_EXPORT int64_t TicksPerSecond(TimeUnit unit);

/// \brief Render days since the epoch as "YYYY-MM-DD" (4-digit zero-padded year,
/// "-YYYY" for negative years, more digits when needed).
QUIRE_EXPORT std::string FormatDate(int64_t days);

/// \brief Render a count of `unit` ticks since the epoch as
/// "YYYY-MM-DDTHH:MM:SS.ffffff" (9 fraction digits for nanoseconds, 6 otherwise),
/// using floor division for instants before 1970.
QUIRE_EXPORT std::string FormatTimestamp(int64_t ticks, TimeUnit unit);

/// \brief Render a time of day as "HH:MM:SS.ffffff" (9 digits for nanoseconds).
QUIRE_EXPORT std::string FormatTimeOfDay(int64_t ticks, TimeUnit unit);

}  // namespace quire::columnar
