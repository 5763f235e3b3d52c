#pragma once

/// \file quire/text/value_format_internal.h
/// \brief Fast text forms of integers, decimals, dates and timestamps for the
/// writers, byte for byte those of columnar/json.h (without JSON quotes). Common
/// cases are written in place; rare ones (years outside 0..9999, decimals beyond
/// 18 digits) fall back to columnar's formatters.

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"
#include "quire/columnar/type.h"

namespace quire::text::internal {

/// \brief Bytes a scalar written by the functions below may take.
inline constexpr size_t kMaxScalarText = 128;

inline char* CopyText(char* p, const std::string& s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

template <typename T>
inline char* WriteInteger(char* p, T value) {
  return std::to_chars(p, p + 24, value).ptr;
}

inline char* Write2(char* p, int v) {
  p[0] = char('0' + v / 10);
  p[1] = char('0' + v % 10);
  return p + 2;
}

/// \brief "YYYY-MM-DD" (columnar::FormatDate).
inline char* WriteDate(char* p, int64_t days) {
  // Civil date from days (as columnar::CivilFromDays), for years 0..9999.
  if (days >= -719468 && days <= 2932896) {  // 0000-03-01 .. 9999-12-31
    const int64_t z = days + 719468;
    const int64_t era = z / 146097;  // z >= 0 here
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yoe + era * 400 + (month <= 2 ? 1 : 0));
    p = Write2(p, year / 100);
    p = Write2(p, year % 100);
    *p++ = '-';
    p = Write2(p, month);
    *p++ = '-';
    return Write2(p, day);
  }
  return CopyText(p, columnar::FormatDate(days));
}

/// \brief "YYYY-MM-DDTHH:MM:SS.ffffff" (9 fraction digits for nanoseconds), as
/// columnar::FormatTimestamp, then "Z" when `utc_suffix`.
inline char* WriteTimestamp(char* p, int64_t ticks, columnar::TimeUnit unit, bool utc_suffix) {
  int64_t per_second = 1;
  switch (unit) {
    case columnar::TimeUnit::kSecond: per_second = 1; break;
    case columnar::TimeUnit::kMilli: per_second = 1000; break;
    case columnar::TimeUnit::kMicro: per_second = 1000000; break;
    case columnar::TimeUnit::kNano: per_second = 1000000000; break;
  }
  const int64_t seconds = columnar::FloorDiv(ticks, per_second);
  const int64_t sub = columnar::FloorMod(ticks, per_second);
  const int64_t days = columnar::FloorDiv(seconds, 86400);
  const int64_t sod = columnar::FloorMod(seconds, 86400);
  p = WriteDate(p, days);
  *p++ = 'T';
  p = Write2(p, int(sod / 3600));
  *p++ = ':';
  p = Write2(p, int(sod / 60 % 60));
  *p++ = ':';
  p = Write2(p, int(sod % 60));
  *p++ = '.';
  int digits = 6;
  int64_t fraction = 0;
  switch (unit) {
    case columnar::TimeUnit::kSecond: fraction = 0; break;
    case columnar::TimeUnit::kMilli: fraction = sub * 1000; break;
    case columnar::TimeUnit::kMicro: fraction = sub; break;
    case columnar::TimeUnit::kNano:
      fraction = sub;
      digits = 9;
      break;
  }
  for (int k = digits - 1; k >= 0; --k) {
    p[k] = char('0' + fraction % 10);
    fraction /= 10;
  }
  p += digits;
  if (utc_suffix) *p++ = 'Z';
  return p;
}

/// \brief A decimal128 with exactly `scale` fraction digits
/// (columnar::DecimalToString).
inline char* WriteDecimal128(char* p, const uint8_t* bytes, int scale) {
  uint64_t lo, hi;
  std::memcpy(&lo, bytes, 8);
  std::memcpy(&hi, bytes + 8, 8);
  const __int128 v = __int128((unsigned __int128)hi << 64 | lo);
  constexpr __int128 kLimit = 1000000000000000000LL;  // 10^18
  if (scale < 0 || scale > 18 || v <= -kLimit || v >= kLimit) {
    return CopyText(p, columnar::DecimalToString(bytes, 16, scale));
  }
  uint64_t magnitude = uint64_t(v < 0 ? -v : v);
  if (v < 0) *p++ = '-';
  char digits[20];
  char* end = std::to_chars(digits, digits + sizeof(digits), magnitude).ptr;
  const int n = int(end - digits);
  if (scale == 0) {
    std::memcpy(p, digits, size_t(n));
    return p + n;
  }
  if (n <= scale) {
    *p++ = '0';
    *p++ = '.';
    for (int k = n; k < scale; ++k) *p++ = '0';
    std::memcpy(p, digits, size_t(n));
    return p + n;
  }
  std::memcpy(p, digits, size_t(n - scale));
  p += n - scale;
  *p++ = '.';
  std::memcpy(p, digits + n - scale, size_t(scale));
  return p + scale;
}

}  // namespace quire::text::internal
