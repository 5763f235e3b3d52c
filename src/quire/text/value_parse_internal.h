#pragma once

/// \file quire/text/value_parse_internal.h
/// \brief Exact parsers of text values (integers, floats, decimals, dates, times,
/// timestamps, booleans) and the kinds type inference works with. Shared by the
/// CSV and JSON Lines readers; inline because they run once per field.

#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include "quire/columnar/type.h"
#include "quire/util/macros.h"

#define QUIRE_TEXT_INLINE [[gnu::always_inline]] inline

namespace quire::text::internal {

/// \brief Return the lowercase of an ASCII letter (other bytes unchanged).
inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }

inline bool IEqualsAscii(const char* s, size_t n, std::string_view lower) {
  if (n != lower.size()) return false;
  for (size_t i = 0; i < n; ++i) {
    if (AsciiLower(s[i]) != lower[i]) return false;
  }
  return true;
}

/// \brief Parse "true" or "false" in any case.
QUIRE_TEXT_INLINE bool ParseBoolWord(const char* s, size_t n, bool* out) {
  if (n == 4 && IEqualsAscii(s, n, "true")) {
    *out = true;
    return true;
  }
  if (n == 5 && IEqualsAscii(s, n, "false")) {
    *out = false;
    return true;
  }
  return false;
}

/// \brief Parse an unsigned decimal integer of 1+ digits exactly.
QUIRE_TEXT_INLINE bool ParseUInt64(const char* s, size_t n, uint64_t* out) {
  if (n > 0 && s[0] == '+') {
    ++s;
    --n;
  }
  if (n == 0) return false;
  uint64_t v = 0;
  if (n <= 19) {
    // 19 digits stay below 10^19 < 2^64: no overflow check needed.
    for (size_t i = 0; i < n; ++i) {
      const unsigned d = unsigned(uint8_t(s[i])) - '0';
      if (d > 9) return false;
      v = v * 10 + d;
    }
    *out = v;
    return true;
  }
  for (size_t i = 0; i < n; ++i) {
    const unsigned d = unsigned(uint8_t(s[i])) - '0';
    if (d > 9) return false;
    if (__builtin_mul_overflow(v, uint64_t(10), &v) || __builtin_add_overflow(v, d, &v)) {
      return false;
    }
  }
  *out = v;
  return true;
}

/// \brief Parse a signed decimal integer ("-12", "+7", "007") exactly; false on
/// overflow or any other character.
QUIRE_TEXT_INLINE bool ParseInt64(const char* s, size_t n, int64_t* out) {
  bool negative = false;
  if (n > 0 && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    ++s;
    --n;
  }
  if (n == 0 || s[0] == '+') return false;
  uint64_t v;
  if (!ParseUInt64(s, n, &v)) return false;
  if (negative) {
    if (v > uint64_t(std::numeric_limits<int64_t>::max()) + 1) return false;
    *out = int64_t(0 - v);
  } else {
    if (v > uint64_t(std::numeric_limits<int64_t>::max())) return false;
    *out = int64_t(v);
  }
  return true;
}

/// \brief Parse a float the way std::from_chars does (decimal or exponent form,
/// "inf", "infinity", "nan" in any case), plus a leading '+'. The whole text must
/// be consumed; values out of the double range are refused.
template <typename T>
inline bool ParseFloat(const char* s, size_t n, T* out) {
  if (n > 0 && s[0] == '+') {
    ++s;
    --n;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) return false;
  }
  if (n == 0) return false;
  auto [ptr, ec] = std::from_chars(s, s + n, *out);
  return ec == std::errc() && ptr == s + n;
}

QUIRE_TEXT_INLINE bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

QUIRE_TEXT_INLINE int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

/// \brief Days since 1970-01-01 of a proleptic Gregorian date.
QUIRE_TEXT_INLINE int64_t DaysFromCivilFast(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t mp = month > 2 ? month - 3 : month + 9;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

QUIRE_TEXT_INLINE bool Digits(const char* s, int count, int* out) {
  int v = 0;
  for (int i = 0; i < count; ++i) {
    const unsigned d = unsigned(uint8_t(s[i])) - '0';
    if (d > 9) return false;
    v = v * 10 + int(d);
  }
  *out = v;
  return true;
}

/// \brief Parse a date "YYYY-MM-DD" at the start of [s, s + n): a 4-digit year,
/// or, as columnar::FormatDate writes years outside 0..9999, a '-' sign and/or
/// more digits (at most 12). Returns the bytes used, 0 if there is no valid date.
inline size_t ParseDatePrefixSlow(const char* s, size_t n, int64_t* days) {
  size_t i = 0;
  const bool negative = n > 0 && s[0] == '-';
  if (negative) ++i;
  int64_t year = 0;
  const size_t start = i;
  while (i < n && unsigned(uint8_t(s[i])) - '0' <= 9 && i - start < 12) {
    year = year * 10 + (s[i] - '0');
    ++i;
  }
  if (i - start < 4 || i + 6 > n || s[i] != '-' || s[i + 3] != '-') return 0;
  int m, d;
  if (!Digits(s + i + 1, 2, &m) || !Digits(s + i + 4, 2, &d)) return 0;
  if (negative) year = -year;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(year, m)) return 0;
  *days = DaysFromCivilFast(year, m, d);
  return i + 6;
}

QUIRE_TEXT_INLINE size_t ParseDatePrefix(const char* s, size_t n, int64_t* days) {
  if (QUIRE_PREDICT_TRUE(n >= 10 && s[4] == '-' && s[7] == '-')) {
    // Digits as unsigned differences: a non-digit is above 9 (branch-free test).
    const unsigned y0 = unsigned(uint8_t(s[0])) - '0', y1 = unsigned(uint8_t(s[1])) - '0';
    const unsigned y2 = unsigned(uint8_t(s[2])) - '0', y3 = unsigned(uint8_t(s[3])) - '0';
    const unsigned m0 = unsigned(uint8_t(s[5])) - '0', m1 = unsigned(uint8_t(s[6])) - '0';
    const unsigned d0 = unsigned(uint8_t(s[8])) - '0', d1 = unsigned(uint8_t(s[9])) - '0';
    if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9)) {
      return 0;
    }
    const int y = int(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
    const int m = int(m0 * 10 + m1);
    const int d = int(d0 * 10 + d1);
    if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return 0;
    *days = DaysFromCivilFast(y, m, d);
    return 10;
  }
  return ParseDatePrefixSlow(s, n, days);
}

/// \brief Parse exactly a date (see ParseDatePrefix) into days since the epoch.
QUIRE_TEXT_INLINE bool ParseDate(const char* s, size_t n, int64_t* days) {
  return n > 0 && ParseDatePrefix(s, n, days) == n;
}

/// \brief Ticks of `unit` per second.
inline int64_t UnitTicks(columnar::TimeUnit unit) {
  switch (unit) {
    case columnar::TimeUnit::kSecond: return 1;
    case columnar::TimeUnit::kMilli: return 1000;
    case columnar::TimeUnit::kMicro: return 1000000;
    case columnar::TimeUnit::kNano: return 1000000000;
  }
  return 1;
}

/// \brief Parse "HH:MM:SS[.f]" (1 to 9 fraction digits; digits finer than `unit`
/// must be zero) into ticks of `unit` since midnight. Consumes the prefix of
/// [s, s + n) and returns the number of bytes used, 0 on failure.
inline size_t ParseTimeOfDayPrefix(const char* s, size_t n, columnar::TimeUnit unit,
                                   int64_t* ticks) {
  if (n < 8 || s[2] != ':' || s[5] != ':') return 0;
  int h, mi, sec;
  if (!Digits(s, 2, &h) || !Digits(s + 3, 2, &mi) || !Digits(s + 6, 2, &sec)) return 0;
  if (h > 23 || mi > 59 || sec > 59) return 0;
  const int64_t per_second = UnitTicks(unit);
  int64_t value = (int64_t(h) * 3600 + mi * 60 + sec) * per_second;
  size_t i = 8;
  if (i < n && s[i] == '.') {
    ++i;
    const size_t start = i;
    int64_t fraction = 0;  // nanoseconds
    while (i < n && i - start < 9 && unsigned(uint8_t(s[i])) - '0' <= 9) {
      fraction = fraction * 10 + (s[i] - '0');
      ++i;
    }
    const size_t digits = i - start;
    if (digits == 0) return 0;
    for (size_t k = digits; k < 9; ++k) fraction *= 10;
    const int64_t per_tick = 1000000000 / per_second;
    if (fraction % per_tick != 0) return 0;  // finer than the unit: would lose digits
    value += fraction / per_tick;
  }
  *ticks = value;
  return i;
}

/// \brief Parse a time of day "HH:MM:SS[.f]" exactly.
inline bool ParseTimeOfDay(const char* s, size_t n, columnar::TimeUnit unit, int64_t* ticks) {
  return n > 0 && ParseTimeOfDayPrefix(s, n, unit, ticks) == n;
}

/// \brief Result of ParseTimestamp.
enum class TimestampForm : uint8_t { kInvalid, kNaive, kWithOffset };

/// \brief Parse "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM:SS[.f]" with an optional "Z" or
/// "+HH:MM" / "-HH:MM" / "+HHMM" / "+HH" offset into ticks of `unit` since the
/// epoch (UTC when there is an offset). Fraction digits finer than `unit` must be
/// zero; values outside the int64 range of the unit are refused.
inline TimestampForm ParseTimestamp(const char* s, size_t n, columnar::TimeUnit unit,
                                    int64_t* ticks) {
  int64_t days;
  const size_t date_len = ParseDatePrefix(s, n, &days);
  if (date_len == 0) return TimestampForm::kInvalid;
  s += date_len - 10;  // offsets below count from a 10-byte date
  n -= date_len - 10;
  const int64_t per_second = UnitTicks(unit);
  int64_t time = 0;
  int64_t offset_seconds = 0;
  TimestampForm form = TimestampForm::kNaive;
  if (n > 10) {
    if (s[10] != 'T' && s[10] != ' ' && s[10] != 't') return TimestampForm::kInvalid;
    const size_t used = ParseTimeOfDayPrefix(s + 11, n - 11, unit, &time);
    if (used == 0) return TimestampForm::kInvalid;
    size_t i = 11 + used;
    if (i < n) {
      if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
        form = TimestampForm::kWithOffset;
      } else if (s[i] == '+' || s[i] == '-') {
        const int sign = s[i] == '-' ? -1 : 1;
        const char* o = s + i + 1;
        const size_t left = n - i - 1;
        int oh = 0, om = 0;
        if (left == 2) {
          if (!Digits(o, 2, &oh)) return TimestampForm::kInvalid;
        } else if (left == 4) {
          if (!Digits(o, 2, &oh) || !Digits(o + 2, 2, &om)) return TimestampForm::kInvalid;
        } else if (left == 5 && o[2] == ':') {
          if (!Digits(o, 2, &oh) || !Digits(o + 3, 2, &om)) return TimestampForm::kInvalid;
        } else {
          return TimestampForm::kInvalid;
        }
        if (oh > 23 || om > 59) return TimestampForm::kInvalid;
        offset_seconds = sign * (int64_t(oh) * 3600 + om * 60);
        form = TimestampForm::kWithOffset;
      } else {
        return TimestampForm::kInvalid;
      }
    }
  }
  // days * 86400 * per_second + time - offset, without overflow.
  int64_t v;
  if (__builtin_mul_overflow(days, 86400 * per_second, &v) ||
      __builtin_add_overflow(v, time, &v) ||
      __builtin_sub_overflow(v, offset_seconds * per_second, &v)) {
    return TimestampForm::kInvalid;
  }
  *ticks = v;
  return form;
}

/// \brief Powers of ten as 128-bit integers, 10^0 .. 10^38.
inline unsigned __int128 Pow10U128(int k) {
  unsigned __int128 v = 1;
  for (int i = 0; i < k; ++i) v *= 10;
  return v;
}

inline bool ParseDecimal128General(const char* s, size_t n, int precision, int scale,
                                   __int128* out);

/// \brief Parse decimal text ("123.45", "-0.5", "+7", ".5", "5.") exactly into
/// the unscaled value of DECIMAL(precision, scale), precision <= 38. Fewer
/// fraction digits than `scale` are padded; more (unless zeros), an exponent, or
/// more than `precision` significant digits are refused.
QUIRE_TEXT_INLINE bool ParseDecimal128(const char* s, size_t n, int precision, int scale,
                                       __int128* out) {
  // One pass for the common case: at most 18 digits in all and a scale >= 0.
  static constexpr uint64_t kPow10[] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL,
                                        1000000ULL, 10000000ULL, 100000000ULL,
                                        1000000000ULL, 10000000000ULL, 100000000000ULL,
                                        1000000000000ULL, 10000000000000ULL,
                                        100000000000000ULL, 1000000000000000ULL,
                                        10000000000000000ULL, 100000000000000000ULL,
                                        1000000000000000000ULL};
  if (scale >= 0 && scale <= 18) {
    size_t i = 0;
    bool negative = false;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
      negative = s[0] == '-';
      i = 1;
    }
    uint64_t v = 0;
    int sig = 0;
    bool any = false;
    for (; i < n; ++i) {
      const unsigned d = unsigned(uint8_t(s[i])) - '0';
      if (d > 9) break;
      any = true;
      if (v != 0 || d != 0) ++sig;
      v = v * 10 + d;
      if (sig > 18) return ParseDecimal128General(s, n, precision, scale, out);
    }
    if (sig + scale > 18) return ParseDecimal128General(s, n, precision, scale, out);
    int used = 0;
    if (i < n && s[i] == '.') {
      for (++i; i < n; ++i) {
        const unsigned d = unsigned(uint8_t(s[i])) - '0';
        if (d > 9) break;
        any = true;
        if (used < scale) {
          v = v * 10 + d;
          ++used;
        } else if (d != 0) {
          return false;
        }
      }
    }
    if (i != n || !any || sig + scale > precision) return false;
    v *= kPow10[scale - used];
    *out = negative ? -__int128(v) : __int128(v);
    return true;
  }
  return ParseDecimal128General(s, n, precision, scale, out);
}

inline bool ParseDecimal128General(const char* s, size_t n, int precision, int scale,
                                   __int128* out) {
  bool negative = false;
  size_t i = 0;
  if (n > 0 && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    i = 1;
  }
  const size_t int_start = i;
  while (i < n && unsigned(uint8_t(s[i])) - '0' <= 9) ++i;
  const size_t int_end = i;
  size_t frac_start = i, frac_end = i;
  if (i < n && s[i] == '.') {
    frac_start = ++i;
    while (i < n && unsigned(uint8_t(s[i])) - '0' <= 9) ++i;
    frac_end = i;
  }
  if (i != n || (int_end == int_start && frac_end == frac_start)) return false;
  size_t k = int_start;
  while (k < int_end && s[k] == '0') ++k;  // leading zeros do not count
  const int int_digits = int(int_end - k);
  const int frac_n = int(frac_end - frac_start);
  const int used = scale > 0 ? (frac_n < scale ? frac_n : scale) : 0;
  for (int j = used; j < frac_n; ++j) {
    if (s[frac_start + size_t(j)] != '0') return false;  // more digits than the scale
  }
  if (int_digits + scale > precision) return false;
  if (scale < 0) {
    // Negative scale: the integer must be a multiple of 10^-scale.
    if (int_digits > 38 + 38) return false;
    unsigned __int128 v = 0;
    const int keep = int_digits + scale;  // digits above the scale
    for (int j = 0; j < int_digits; ++j) {
      const unsigned d = unsigned(s[k + size_t(j)] - '0');
      if (j < keep) {
        v = v * 10 + d;
      } else if (d != 0) {
        return false;
      }
    }
    *out = negative ? -__int128(v) : __int128(v);
    return true;
  }
  const int total = int_digits + used;
  if (total <= 18) {
    uint64_t v = 0;
    for (size_t j = k; j < int_end; ++j) v = v * 10 + unsigned(s[j] - '0');
    for (int j = 0; j < used; ++j) v = v * 10 + unsigned(s[frac_start + size_t(j)] - '0');
    unsigned __int128 w = v;
    if (scale > used) w *= Pow10U128(scale - used);
    *out = negative ? -__int128(w) : __int128(w);
    return true;
  }
  unsigned __int128 v = 0;
  for (size_t j = k; j < int_end; ++j) v = v * 10 + unsigned(s[j] - '0');
  for (int j = 0; j < used; ++j) v = v * 10 + unsigned(s[frac_start + size_t(j)] - '0');
  if (scale > used) v *= Pow10U128(scale - used);
  *out = negative ? -__int128(v) : __int128(v);
  return true;
}

/// \brief What a text value looks like, for type inference; ordered so that
/// JoinKinds can combine them.
enum class Kind : uint8_t {
  kNull,         ///< only null values so far
  kBool,         ///< true / false (any case)
  kInt,          ///< fits int64
  kFloat,        ///< a float (or an integer mixed with floats)
  kDate,         ///< YYYY-MM-DD
  kTimestamp,    ///< date and time without offset (or dates mixed with them)
  kTimestampTz,  ///< date and time with Z or +HH:MM
  kString,       ///< anything else, or a mix
};

/// \brief Combine the kinds of two values of one column: null joins anything;
/// int and float give float; date and timestamp give timestamp; every other mix
/// gives string.
inline Kind JoinKinds(Kind a, Kind b) {
  if (a == b) return a;
  if (a == Kind::kNull) return b;
  if (b == Kind::kNull) return a;
  if (a > b) std::swap(a, b);
  if (a == Kind::kInt && b == Kind::kFloat) return Kind::kFloat;
  if (a == Kind::kDate && b == Kind::kTimestamp) return Kind::kTimestamp;
  return Kind::kString;
}

/// \brief Classify one non-null value as the narrowest kind it fits.
inline Kind ClassifyValue(const char* s, size_t n) {
  if (n == 0) return Kind::kString;
  bool b;
  if (ParseBoolWord(s, n, &b)) return Kind::kBool;
  const char c = s[0];
  if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'i' || c == 'I' ||
      c == 'n' || c == 'N') {
    int64_t i;
    if (ParseInt64(s, n, &i)) return Kind::kInt;
    if (n >= 10 && s[4] == '-') {
      int64_t ticks;
      switch (ParseTimestamp(s, n, columnar::TimeUnit::kMicro, &ticks)) {
        case TimestampForm::kNaive: return n == 10 ? Kind::kDate : Kind::kTimestamp;
        case TimestampForm::kWithOffset: return Kind::kTimestampTz;
        case TimestampForm::kInvalid: break;
      }
    }
    // Integers too long for int64 stay text, so that no digit is lost.
    bool all_digits = true;
    for (size_t k = (c == '-' || c == '+') ? 1 : 0; k < n && all_digits; ++k) {
      all_digits = s[k] >= '0' && s[k] <= '9';
    }
    if (all_digits) return Kind::kString;
    double d;
    if (ParseFloat(s, n, &d)) return Kind::kFloat;
  }
  return Kind::kString;
}

/// \brief The type a kind stands for once inference ends (null: string).
inline columnar::TypePtr KindType(Kind kind) {
  switch (kind) {
    case Kind::kBool: return columnar::boolean();
    case Kind::kInt: return columnar::int64();
    case Kind::kFloat: return columnar::float64();
    case Kind::kDate: return columnar::date32();
    case Kind::kTimestamp: return columnar::timestamp(columnar::TimeUnit::kMicro);
    case Kind::kTimestampTz: return columnar::timestamp(columnar::TimeUnit::kMicro, "UTC");
    case Kind::kNull:
    case Kind::kString: return columnar::utf8();
  }
  return columnar::utf8();
}

}  // namespace quire::text::internal
