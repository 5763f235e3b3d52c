/// \file quire/columnar/decimal.cc
#include "quire/columnar/decimal.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace quire::columnar {

namespace {

// Up to 256 bits as little-endian 64-bit limbs; 128-bit values use the first two.
using Limbs = std::array<uint64_t, 4>;

bool IsNegative(const Limbs& v, int n) { return (v[size_t(n - 1)] >> 63) != 0; }

void Negate(Limbs& v, int n) {
  uint64_t carry = 1;
  for (int i = 0; i < n; ++i) {
    const uint64_t x = ~v[size_t(i)] + carry;
    carry = (carry && x == 0) ? 1 : 0;
    v[size_t(i)] = x;
  }
}

// v = v * 10 + digit; returns false on overflow of n limbs.
bool MulAdd10(Limbs& v, int n, uint64_t digit) {
  unsigned __int128 carry = digit;
  for (int i = 0; i < n; ++i) {
    const unsigned __int128 x = (unsigned __int128)v[size_t(i)] * 10 + carry;
    v[size_t(i)] = uint64_t(x);
    carry = x >> 64;
  }
  return carry == 0;
}

// v /= divisor; returns the remainder.
uint64_t DivMod(Limbs& v, int n, uint64_t divisor) {
  unsigned __int128 rem = 0;
  for (int i = n - 1; i >= 0; --i) {
    const unsigned __int128 cur = (rem << 64) | v[size_t(i)];
    v[size_t(i)] = uint64_t(cur / divisor);
    rem = cur % divisor;
  }
  return uint64_t(rem);
}

bool IsZero(const Limbs& v, int n) {
  for (int i = 0; i < n; ++i) {
    if (v[size_t(i)] != 0) return false;
  }
  return true;
}

}  // namespace

void DecimalFromInt128(__int128 unscaled, int32_t byte_width, uint8_t* out) {
  const uint64_t lo = uint64_t(unscaled);
  const uint64_t hi = uint64_t((unsigned __int128)unscaled >> 64);
  const uint64_t ext = unscaled < 0 ? ~uint64_t(0) : 0;
  const uint64_t limbs[4] = {lo, hi, ext, ext};
  std::memcpy(out, limbs, size_t(byte_width));
}

Status DecimalFromString(std::string_view text, int32_t precision, int32_t scale,
                         int32_t byte_width, uint8_t* out) {
  const int n = byte_width / 8;
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  Limbs v{};
  int digits = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (char c : s) {
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return Status::Invalid("'{}' is not a decimal number", text);
    }
    any_digit = true;
    if (seen_point) ++fraction_digits;
    if (digits > 0 || c != '0') ++digits;
    if (!MulAdd10(v, n, uint64_t(c - '0'))) {
      return Status::Invalid("'{}' does not fit decimal({}, {})", text, precision, scale);
    }
  }
  if (!any_digit) return Status::Invalid("'{}' is not a decimal number", text);
  if (fraction_digits > scale) {
    return Status::Invalid("'{}' has more than {} fraction digits", text, scale);
  }
  for (int i = fraction_digits; i < scale; ++i) {
    if (digits > 0) ++digits;
    if (!MulAdd10(v, n, 0)) {
      return Status::Invalid("'{}' does not fit decimal({}, {})", text, precision, scale);
    }
  }
  if (digits > precision || IsNegative(v, n)) {
    return Status::Invalid("'{}' does not fit decimal({}, {})", text, precision, scale);
  }
  if (negative) Negate(v, n);
  std::memcpy(out, v.data(), size_t(byte_width));
  return Status::OK();
}

std::string DecimalToString(const uint8_t* bytes, int32_t byte_width, int32_t scale) {
  const int n = byte_width / 8;
  Limbs v{};
  std::memcpy(v.data(), bytes, size_t(byte_width));
  const bool negative = IsNegative(v, n);
  if (negative) Negate(v, n);
  // Digits, least significant first, 19 at a time.
  std::string rev;
  while (!IsZero(v, n)) {
    uint64_t chunk = DivMod(v, n, 10000000000000000000ULL);
    const bool last = IsZero(v, n);
    for (int k = 0; k < 19 && (!last || chunk != 0); ++k) {
      rev.push_back(char('0' + chunk % 10));
      chunk /= 10;
    }
  }
  // Assemble sign, integer part, point and fraction in one pass (no inserts).
  if (rev.empty()) rev.push_back('0');  // push_back: GCC 12 warns (-Wrestrict) on = "0"
  const std::string digits(rev.rbegin(), rev.rend());
  std::string out = negative ? "-" : "";
  if (scale < 0) {
    out += digits;
    if (digits != "0") out.append(size_t(-scale), '0');
  } else if (scale == 0) {
    out += digits;
  } else {
    const size_t s = size_t(scale);
    if (digits.size() <= s) {
      out += "0.";
      out.append(s - digits.size(), '0');
      out += digits;
    } else {
      out.append(digits, 0, digits.size() - s);
      out += '.';
      out.append(digits, digits.size() - s, s);
    }
  }
  return out;
}

}  // namespace quire::columnar
