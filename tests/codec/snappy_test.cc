/// \file tests/codec/snappy_test.cc
/// \brief quire's snappy decoder against the snappy library: the library compresses
/// and validates, quire decompresses; hand-built streams cover each tag form and each
/// way a stream can be corrupt.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <snappy.h>

#include <random>
#include <string>
#include <vector>

#include "quire/codec/snappy_decompress.h"
#include "quire/testing/matchers.h"

namespace quire::codec {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

using Bytes = std::vector<uint8_t>;

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Compress(const std::string& data) {
  std::string out;
  snappy::Compress(data.data(), data.size(), &out);
  return out;
}

// Decompress with quire into a buffer with guard bytes on both sides, checking the
// guards: the decoder must never write outside the output it was given.
Result<std::string> Decode(std::span<const uint8_t> stream, size_t size) {
  constexpr size_t kGuard = 128;
  std::vector<uint8_t> buffer(size + 2 * kGuard, 0xA5);
  Status st = SnappyDecompress(stream, std::span<uint8_t>(buffer.data() + kGuard, size));
  for (size_t i = 0; i < kGuard; ++i) {
    EXPECT_EQ(buffer[i], 0xA5) << "wrote before the output";
    EXPECT_EQ(buffer[kGuard + size + i], 0xA5) << "wrote after the output";
  }
  if (!st.ok()) return st;
  return std::string(reinterpret_cast<const char*>(buffer.data() + kGuard), size);
}

void ExpectRoundTrip(const std::string& data) {
  const std::string stream = Compress(data);
  auto length = SnappyUncompressedLength(Span(stream));
  ASSERT_TRUE(length.ok()) << length.status().ToString();
  EXPECT_EQ(*length, data.size());
  auto decoded = Decode(Span(stream), data.size());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(*decoded == data) << "size " << data.size();
}

// Data of the shapes Parquet pages have: random bytes, small integers in 8-byte
// slots, runs, short repeating patterns of every period up to 20, and text.
std::vector<std::string> Shapes(std::mt19937_64& rng, size_t n) {
  std::vector<std::string> out;
  std::string random(n, '\0');
  for (auto& c : random) c = char(rng());
  out.push_back(random);
  std::string ints;
  for (size_t i = 0; i * 8 < n; ++i) {
    const uint64_t v = rng() % 10000000;
    ints.append(reinterpret_cast<const char*>(&v), 8);
  }
  out.push_back(ints.substr(0, n));
  out.push_back(std::string(n, 'x'));
  for (size_t period = 1; period <= 20; ++period) {
    std::string pattern;
    for (size_t i = 0; i < period; ++i) pattern.push_back(char('a' + rng() % 26));
    std::string p;
    while (p.size() < n) p += pattern;
    out.push_back(p.substr(0, n));
  }
  static const char* kWords[] = {"furiously ", "quickly ", "ironic ", "deposits ", "the ",
                                 "slyly ", "accounts ", "blithely ", "final "};
  std::string text;
  while (text.size() < n) text += kWords[rng() % 9];
  out.push_back(text.substr(0, n));
  // Mixed: random stretches of 1..200 bytes between repeated ones.
  std::string mixed;
  while (mixed.size() < n) {
    const size_t len = 1 + rng() % 200;
    if (rng() % 2 || mixed.size() < 300) {
      for (size_t i = 0; i < len; ++i) mixed.push_back(char(rng()));
    } else {
      const size_t back = 1 + rng() % std::min<size_t>(mixed.size(), 70000);
      for (size_t i = 0; i < len; ++i) mixed.push_back(mixed[mixed.size() - back]);
    }
  }
  out.push_back(mixed.substr(0, n));
  return out;
}

TEST(Snappy, DecodesWhatTheLibraryCompresses) {
  std::mt19937_64 rng(7);
  for (size_t n : {0, 1, 2, 15, 16, 17, 21, 64, 79, 80, 81, 100, 1000, 65536, 65537, 300000}) {
    for (const std::string& data : Shapes(rng, n)) ExpectRoundTrip(data);
  }
}

// Hand-built streams: varint length, then elements.
void Varint(uint32_t v, Bytes* out) {
  while (v >= 0x80) {
    out->push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out->push_back(uint8_t(v));
}

void Literal(const std::string& s, Bytes* out) {
  const size_t n = s.size() - 1;
  if (n < 60) {
    out->push_back(uint8_t(n << 2));
  } else {
    int bytes = n < (1u << 8) ? 1 : n < (1u << 16) ? 2 : n < (1u << 24) ? 3 : 4;
    out->push_back(uint8_t((59 + bytes) << 2));
    for (int k = 0; k < bytes; ++k) out->push_back(uint8_t(n >> (8 * k)));
  }
  out->insert(out->end(), s.begin(), s.end());
}

void Copy1(size_t len, size_t offset, Bytes* out) {  // len 4..11, offset < 2048
  out->push_back(uint8_t(1 | ((len - 4) << 2) | ((offset >> 8) << 5)));
  out->push_back(uint8_t(offset));
}

void Copy2(size_t len, size_t offset, Bytes* out) {  // len 1..64, offset < 65536
  out->push_back(uint8_t(2 | ((len - 1) << 2)));
  out->push_back(uint8_t(offset));
  out->push_back(uint8_t(offset >> 8));
}

void Copy4(size_t len, size_t offset, Bytes* out) {
  out->push_back(uint8_t(3 | ((len - 1) << 2)));
  for (int k = 0; k < 4; ++k) out->push_back(uint8_t(offset >> (8 * k)));
}

TEST(Snappy, EveryTagFormAndOverlappingCopies) {
  // The same content through every copy form and literal-length form, long enough
  // that most elements go through the fast loop and the last ones through the tail.
  std::string expected;
  Bytes body;
  std::mt19937_64 rng(11);
  auto literal = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(char('A' + rng() % 26));
    Literal(s, &body);
    expected += s;
  };
  auto copy = [&](int form, size_t len, size_t offset) {
    if (form == 1) Copy1(len, offset, &body);
    if (form == 2) Copy2(len, offset, &body);
    if (form == 4) Copy4(len, offset, &body);
    for (size_t i = 0; i < len; ++i) expected.push_back(expected[expected.size() - offset]);
  };
  literal(1);
  literal(60);
  literal(61);
  literal(300);
  literal(70000);  // three length bytes
  for (int round = 0; round < 2000; ++round) {
    const size_t offset = 1 + rng() % 40;  // overlapping for offsets below the length
    copy(1, 4 + rng() % 8, offset);
    copy(2, 1 + rng() % 64, 1 + rng() % 2000);
    copy(4, 1 + rng() % 64, 1 + rng() % 70000);
    copy(2, 1 + rng() % 64, 1 + rng() % 16);
    literal(1 + rng() % 20);
  }
  Bytes stream;
  Varint(uint32_t(expected.size()), &stream);
  stream.insert(stream.end(), body.begin(), body.end());
  const std::string as_string(stream.begin(), stream.end());
  ASSERT_TRUE(snappy::IsValidCompressedBuffer(as_string.data(), as_string.size()));
  auto decoded = Decode(stream, expected.size());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(*decoded == expected);
}

Status DecodeStatus(const Bytes& stream, size_t size) { return Decode(stream, size).status(); }

TEST(Snappy, CorruptStreams) {
  Bytes s;
  // Output length disagreeing with the page.
  Varint(5, &s);
  Literal("hello", &s);
  EXPECT_THAT(DecodeStatus(s, 4), IsError(ErrorCode::kCorrupt, HasSubstr("says 5 bytes")));
  EXPECT_TRUE(DecodeStatus(s, 5).ok());
  // A bad length varint.
  EXPECT_THAT(DecodeStatus({}, 0), IsError(ErrorCode::kCorrupt, HasSubstr("valid length")));
  EXPECT_THAT(DecodeStatus({0x80, 0x80}, 0), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(DecodeStatus({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 0), IsError(ErrorCode::kCorrupt));
  // Copies: offset 0, reaching before the output, overflowing it.
  s.clear();
  Varint(9, &s);
  Literal("abcd", &s);
  Copy2(5, 0, &s);
  EXPECT_THAT(DecodeStatus(s, 9), IsError(ErrorCode::kCorrupt, HasSubstr("reaches 0 bytes")));
  s.clear();
  Varint(9, &s);
  Literal("abcd", &s);
  Copy1(5, 5, &s);
  EXPECT_THAT(DecodeStatus(s, 9), IsError(ErrorCode::kCorrupt, HasSubstr("reaches 5 bytes")));
  s.clear();
  Varint(8, &s);
  Literal("abcd", &s);
  Copy1(5, 4, &s);
  EXPECT_THAT(DecodeStatus(s, 8), IsError(ErrorCode::kCorrupt, HasSubstr("overflows")));
  // A literal running past the input, and one past the output.
  s.clear();
  Varint(10, &s);
  Literal("0123456789", &s);
  s.pop_back();
  EXPECT_THAT(DecodeStatus(s, 10), IsError(ErrorCode::kCorrupt, HasSubstr("past the end")));
  s.clear();
  Varint(3, &s);
  Literal("0123456789", &s);
  EXPECT_THAT(DecodeStatus(s, 3), IsError(ErrorCode::kCorrupt, HasSubstr("overflows")));
  // The stream ending early, and a truncated copy tag.
  s.clear();
  Varint(20, &s);
  Literal("0123456789", &s);
  EXPECT_THAT(DecodeStatus(s, 20), IsError(ErrorCode::kCorrupt, HasSubstr("10 of 20")));
  s.push_back(0x02);
  EXPECT_THAT(DecodeStatus(s, 20), IsError(ErrorCode::kCorrupt, HasSubstr("a copy")));
}

// Every single-byte change and every truncation of real streams: quire accepts
// exactly what the library accepts, with the same bytes, and writes nothing outside.
TEST(Snappy, AgreesWithTheLibraryOnDamagedStreams) {
  std::mt19937_64 rng(3);
  for (const std::string& data : Shapes(rng, 3000)) {
    const std::string stream = Compress(data);
    std::vector<std::string> damaged;
    for (size_t cut = 0; cut < stream.size(); cut += 1 + stream.size() / 50) {
      damaged.push_back(stream.substr(0, cut));
    }
    for (int k = 0; k < 60; ++k) {
      std::string d = stream;
      d[rng() % d.size()] = char(rng());
      damaged.push_back(d);
    }
    for (const std::string& d : damaged) {
      size_t n = 0;
      const bool library_ok = snappy::GetUncompressedLength(d.data(), d.size(), &n) &&
                              n <= 1 << 20 && snappy::IsValidCompressedBuffer(d.data(), d.size());
      if (!library_ok) {
        auto ours = SnappyUncompressedLength(Span(d));
        if (ours.ok() && *ours <= 1 << 20) {
          EXPECT_FALSE(Decode(Span(d), *ours).ok());
        }
        continue;
      }
      std::string expected(n, '\0');
      ASSERT_TRUE(snappy::RawUncompress(d.data(), d.size(), expected.data()));
      auto decoded = Decode(Span(d), n);
      ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
      EXPECT_TRUE(*decoded == expected);
    }
  }
}

}  // namespace
}  // namespace quire::codec
