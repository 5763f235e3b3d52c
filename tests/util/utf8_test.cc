#include "quire/util/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace quire::util {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("grüße, 日本語, emoji \xF0\x9F\x98\x80"));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));                 // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));             // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));         // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));         // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));     // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("abc\xE2\x82"));          // truncated at the end
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8(std::string("12345678\xC3", 9)));
}

}  // namespace
}  // namespace quire::util

namespace quire::util {
namespace {

// Reference: decode by the definition of UTF-8 (RFC 3629 section 3): the lead
// byte gives the length, continuation bytes are 10xxxxxx, and the code point must
// need that length (no overlongs), not be a surrogate and be at most U+10FFFF.
bool ReferenceIsValidUtf8(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    const uint8_t b = p[i];
    int len;
    uint32_t cp;
    if (b < 0x80) { len = 1; cp = b; }
    else if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1F; }
    else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0F; }
    else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07; }
    else return false;
    if (i + size_t(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      if ((p[i + size_t(k)] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + size_t(k)] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += size_t(len);
  }
  return true;
}

TEST(Utf8Test, AgreesWithTheReferenceOnEveryShortSequence) {
  uint8_t buf[4];
  for (int a = 0; a < 256; ++a) {
    buf[0] = uint8_t(a);
    ASSERT_EQ(IsValidUtf8(buf, 1), ReferenceIsValidUtf8(buf, 1)) << a;
    for (int b = 0; b < 256; ++b) {
      buf[1] = uint8_t(b);
      ASSERT_EQ(IsValidUtf8(buf, 2), ReferenceIsValidUtf8(buf, 2)) << a << " " << b;
    }
  }
  // Three and four bytes: every lead of a multi-byte form with every second and
  // third byte, and a spread of fourth bytes.
  for (int a = 0xC0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        buf[0] = uint8_t(a), buf[1] = uint8_t(b), buf[2] = uint8_t(c);
        ASSERT_EQ(IsValidUtf8(buf, 3), ReferenceIsValidUtf8(buf, 3)) << a << " " << b << " " << c;
        if (a >= 0xF0 && (c & 0x0F) == 0) {
          for (int d : {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF}) {
            buf[3] = uint8_t(d);
            ASSERT_EQ(IsValidUtf8(buf, 4), ReferenceIsValidUtf8(buf, 4));
          }
        }
      }
    }
  }
}

TEST(Utf8Test, AgreesWithTheReferenceOnLongMixedText) {
  // Long enough for the 16-byte paths, with errors at every position class.
  std::string text;
  const char* pieces[] = {"abc", "é", "日本", "\xF0\x9F\x98\x80", "0123456789abcdef", "€"};
  for (unsigned i = 0; text.size() < 4000; ++i) text += pieces[(i * 2654435761u >> 7) % 6];
  ASSERT_TRUE(IsValidUtf8(text));
  for (size_t pos = 0; pos < text.size(); pos += 7) {
    for (uint8_t bad : {uint8_t(0x80), uint8_t(0xC0), uint8_t(0xED), uint8_t(0xFF)}) {
      std::string t = text;
      t[pos] = char(bad);
      const auto* p = reinterpret_cast<const uint8_t*>(t.data());
      ASSERT_EQ(IsValidUtf8(p, int64_t(t.size())), ReferenceIsValidUtf8(p, t.size())) << pos;
    }
  }
  // Truncation anywhere: the result matches the reference for every prefix.
  for (size_t n = 0; n < 200; ++n) {
    const auto* p = reinterpret_cast<const uint8_t*>(text.data());
    ASSERT_EQ(IsValidUtf8(p, int64_t(n)), ReferenceIsValidUtf8(p, n)) << n;
  }
}

}  // namespace
}  // namespace quire::util
