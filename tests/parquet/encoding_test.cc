/// \file tests/parquet/encoding_test.cc
/// \brief Parquet encodings: bit packing, RLE/bit-packed hybrid, delta encodings,
/// byte stream split and plain, against the spec's examples, as round trips at
/// every width and batch split, and on truncated or malformed input.
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "quire/parquet/encoding_bitpack.h"
#include "quire/parquet/encoding_delta.h"
#include "quire/parquet/encoding_plain.h"
#include "quire/parquet/encoding_rle.h"
#include "quire/parquet/encoding_varint.h"
#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A heap copy of exactly the given bytes, so that ASan sees any read past the end.
std::vector<uint8_t> Exact(const std::string& s) { return {s.begin(), s.end()}; }

TEST(BitPackTest, MatchesTheSpecExample) {
  // Encodings.md, "Bit-packed (Deprecated)" / hybrid: 0..7 on 3 bits is
  // 10001000 11000110 11111010.
  uint64_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  uint8_t packed[3];
  Pack64(values, 8, 3, packed);
  EXPECT_EQ(packed[0], 0b10001000);
  EXPECT_EQ(packed[1], 0b11000110);
  EXPECT_EQ(packed[2], 0b11111010);
  uint32_t out[8];
  Unpack32(packed, 3, out, 8, 3);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out[i], i);
}

TEST(BitPackTest, RoundTripsEveryWidthAndCountFromExactSizeBuffers) {
  std::mt19937_64 rng(1);
  for (int w = 0; w <= 64; ++w) {
    for (int64_t n : {0, 1, 7, 8, 9, 31, 64, 100, 1000}) {
      std::vector<uint64_t> v(static_cast<size_t>(n));
      for (auto& x : v) x = w == 64 ? rng() : rng() & ((uint64_t(1) << w) - 1);
      std::vector<uint8_t> packed(static_cast<size_t>(PackedBytes(n, w)));
      Pack64(v.data(), n, w, packed.data());
      std::vector<uint64_t> out64(static_cast<size_t>(n));
      Unpack64(packed.data(), int64_t(packed.size()), out64.data(), n, w);
      ASSERT_EQ(out64, v) << "width " << w << " n " << n;
      if (w <= 32) {
        std::vector<uint32_t> out32(static_cast<size_t>(n));
        Unpack32(packed.data(), int64_t(packed.size()), out32.data(), n, w);
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(out32[size_t(i)], v[size_t(i)]) << w;
      }
    }
  }
}

TEST(RleTest, DecodesHandWrittenRunsOfBothKinds) {
  // RLE run: header varint(8 << 1) = 0x10, value 5 in one byte (width 3);
  // bit-packed run: header varint(1 << 1 | 1) = 0x03, then 0..7 on 3 bits.
  const std::string data = std::string("\x10\x05\x03", 3) + "\x88\xC6\xFA";
  auto bytes = Exact(data);
  ASSERT_OK_AND_ASSIGN(auto d, RleBitPackedDecoder::Make(bytes, 3));
  uint32_t out[16];
  ASSERT_OK(d.Decode(out, 16));
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[i], 5u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[8 + i], uint32_t(i));
  EXPECT_THAT(d.Decode(out, 1), IsError(ErrorCode::kCorrupt, HasSubstr("ends at byte")));
}

TEST(RleTest, RoundTripsRandomRunsDecodedInUnevenBatches) {
  std::mt19937 rng(2);
  for (int w : {0, 1, 2, 3, 7, 8, 13, 16, 20, 31, 32}) {
    std::vector<uint32_t> values;
    while (values.size() < 5000) {
      const uint32_t v = w == 0 ? 0 : uint32_t(rng() & (w == 32 ? ~0u : (1u << w) - 1));
      const int repeat = rng() % 3 == 0 ? int(rng() % 40) : 1;
      for (int k = 0; k < repeat; ++k) values.push_back(v);
    }
    const std::string encoded = EncodeRleBitPacked(values, w);
    auto bytes = Exact(encoded);
    ASSERT_OK_AND_ASSIGN(auto d, RleBitPackedDecoder::Make(bytes, w));
    std::vector<uint32_t> out(values.size());
    size_t done = 0;
    for (size_t step = 1; done < values.size(); step = step * 3 % 97 + 1) {
      const size_t m = std::min(step, values.size() - done);
      ASSERT_OK(d.Decode(out.data() + done, int64_t(m)));
      done += m;
    }
    ASSERT_EQ(out, values) << "width " << w;
  }
}

// DecodeRuns (skips of every length, over RLE and bit-packed runs, into and out
// of partly consumed groups) against the values decoded in full.
TEST(RleTest, DecodeRunsPicksExactlyTheRequestedValues) {
  std::mt19937 rng(8);
  for (int w : {1, 2, 4, 5, 12, 17, 32}) {
    std::vector<uint32_t> values;
    while (values.size() < 20000) {
      const uint32_t v = uint32_t(rng() & (w == 32 ? ~0u : (1u << w) - 1));
      const int repeat = rng() % 4 == 0 ? int(rng() % 100) : 1;
      for (int k = 0; k < repeat; ++k) values.push_back(v);
    }
    const std::string encoded = EncodeRleBitPacked(values, w);
    for (int gap_scale : {1, 9, 30, 500}) {
      std::vector<std::pair<int64_t, int64_t>> runs;
      std::vector<uint32_t> expected;
      int64_t at = int64_t(rng() % 20);
      while (true) {
        const int64_t len = 1 + int64_t(rng() % 12);
        if (at + len > int64_t(values.size())) break;
        runs.emplace_back(at, at + len);
        expected.insert(expected.end(), values.begin() + at, values.begin() + at + len);
        at += len + int64_t(rng() % uint64_t(gap_scale));
      }
      auto bytes = Exact(encoded);  // exactly the stream: reads past it are caught
      ASSERT_OK_AND_ASSIGN(auto d, RleBitPackedDecoder::Make(bytes, w));
      ASSERT_OK(d.Skip(0));
      std::vector<uint32_t> out(expected.size());
      ASSERT_OK(d.DecodeRuns(runs, out.data()));
      ASSERT_EQ(out, expected) << "width " << w << " gaps " << gap_scale;
    }
  }
  const std::vector<uint32_t> three = {1, 2, 3};
  const std::string small = EncodeRleBitPacked(three, 2);
  ASSERT_OK_AND_ASSIGN(auto d, RleBitPackedDecoder::Make(Bytes(small), 2));
  uint32_t out[16];
  const std::vector<std::pair<int64_t, int64_t>> backwards = {{2, 3}, {0, 1}};
  EXPECT_THAT(d.DecodeRuns(backwards, out), IsError(ErrorCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(auto e, RleBitPackedDecoder::Make(Bytes(small), 2));
  const std::vector<std::pair<int64_t, int64_t>> beyond = {{7, 20}};
  EXPECT_THAT(e.DecodeRuns(beyond, out), IsError(ErrorCode::kCorrupt));
}

TEST(RleTest, SkipAndGatherFollowTheStream) {
  std::vector<uint32_t> values;
  for (uint32_t i = 0; i < 300; ++i) values.push_back(i % 7 == 0 ? 3 : i % 5);
  const std::string encoded = EncodeRleBitPacked(values, 3);
  ASSERT_OK_AND_ASSIGN(auto d, RleBitPackedDecoder::Make(Bytes(encoded), 3));
  ASSERT_OK(d.Skip(101));
  const double dict[] = {0.5, 1.5, 2.5, 3.5, 4.5};
  std::vector<double> out(199);
  ASSERT_OK(d.DecodeGather(dict, 5, out.data(), 199));
  for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], dict[values[101 + i]]);
  ASSERT_OK_AND_ASSIGN(auto e, RleBitPackedDecoder::Make(Bytes(encoded), 3));
  EXPECT_THAT(e.DecodeGather(dict, 3, out.data(), 50),
              IsError(ErrorCode::kCorrupt, HasSubstr("outside a dictionary of 3 values")));
}

TEST(RleTest, RejectsMalformedStreams) {
  EXPECT_THAT(RleBitPackedDecoder::Make({}, 33), IsError(ErrorCode::kCorrupt));
  uint32_t out[8];
  // RLE value 9 does not fit 3 bits.
  auto bad_value = Exact(std::string("\x10\x09", 2));
  ASSERT_OK_AND_ASSIGN(auto a, RleBitPackedDecoder::Make(bad_value, 3));
  EXPECT_THAT(a.Decode(out, 1), IsError(ErrorCode::kCorrupt, HasSubstr("does not fit 3 bits")));
  // RLE value cut off.
  auto cut = Exact(std::string("\x10", 1));
  ASSERT_OK_AND_ASSIGN(auto b, RleBitPackedDecoder::Make(cut, 9));
  EXPECT_THAT(b.Decode(out, 1), IsError(ErrorCode::kCorrupt, HasSubstr("cut off")));
  // Unterminated varint header.
  auto varint = Exact(std::string("\xFF\xFF", 2));
  ASSERT_OK_AND_ASSIGN(auto c, RleBitPackedDecoder::Make(varint, 1));
  EXPECT_THAT(c.Decode(out, 1), IsError(ErrorCode::kCorrupt, HasSubstr("varint")));
  // A bit-packed run cut short by the end of the data keeps its whole values only.
  auto short_run = Exact(std::string("\x03\xFF", 2));  // 1 group of 8 on 2 bits, 1 byte
  ASSERT_OK_AND_ASSIGN(auto e, RleBitPackedDecoder::Make(short_run, 2));
  ASSERT_OK(e.Decode(out, 4));
  EXPECT_EQ(out[3], 3u);
  EXPECT_THAT(e.Decode(out, 1), IsError(ErrorCode::kCorrupt));
}

TEST(RleTest, EveryTruncationFailsCleanly) {
  std::vector<uint32_t> values;
  for (uint32_t i = 0; i < 200; ++i) values.push_back((i / 10) % 4);
  const std::string encoded = EncodeRleBitPacked(values, 2);
  std::vector<uint32_t> out(values.size());
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    auto bytes = Exact(encoded.substr(0, cut));
    ASSERT_OK_AND_ASSIGN(auto d, RleBitPackedDecoder::Make(bytes, 2));
    Status st = d.Decode(out.data(), int64_t(values.size()));
    EXPECT_THAT(st, IsError(ErrorCode::kCorrupt)) << cut;
  }
}

TEST(DeltaTest, EncodesTheSpecExampleOfAConstantDelta) {
  // Encodings.md, DELTA_BINARY_PACKED example 1: 1, 2, 3, 4, 5 has deltas of 1,
  // so min delta 1 and bit width 0: header 128 (80 01), 4 miniblocks, 5 values,
  // first value zigzag(1) = 2; block: min delta zigzag(1) = 2, widths 0 0 0 0.
  const int32_t values[] = {1, 2, 3, 4, 5};
  EXPECT_EQ(EncodeDeltaBinaryPacked<int32_t>(values),
            std::string("\x80\x01\x04\x05\x02\x02\x00\x00\x00\x00", 10));
  const std::string encoded = EncodeDeltaBinaryPacked<int32_t>(values);
  ASSERT_OK_AND_ASSIGN(auto d, DeltaBinaryPackedDecoder<int32_t>::Make(Bytes(encoded)));
  int32_t out[5];
  ASSERT_OK(d.Decode(out, 5));
  EXPECT_EQ(std::vector<int32_t>(out, out + 5), std::vector<int32_t>(values, values + 5));
}

template <typename T>
void CheckDeltaRoundTrip(const std::vector<T>& values) {
  const std::string encoded = EncodeDeltaBinaryPacked<T>(values);
  auto bytes = Exact(encoded + "trailing");
  ASSERT_OK_AND_ASSIGN(auto d, DeltaBinaryPackedDecoder<T>::Make(bytes));
  ASSERT_EQ(d.total_values(), int64_t(values.size()));
  ASSERT_OK_AND_ASSIGN(int64_t size, d.EncodedSize());
  EXPECT_EQ(size, int64_t(encoded.size()));
  std::vector<T> out(values.size());
  size_t done = 0;
  for (size_t step = 1; done < values.size(); step = step * 5 % 301 + 1) {
    const size_t m = std::min(step, values.size() - done);
    ASSERT_OK(d.Decode(out.data() + done, int64_t(m)));
    done += m;
  }
  ASSERT_EQ(out, values);
  T extra;
  EXPECT_THAT(d.Decode(&extra, 1), IsError(ErrorCode::kCorrupt));
}

TEST(DeltaTest, RoundTripsInt32AndInt64IncludingWrappingDeltas) {
  std::mt19937_64 rng(3);
  for (size_t n : {0, 1, 2, 127, 128, 129, 1000, 4097}) {
    std::vector<int32_t> a(n);
    std::vector<int64_t> b(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = int32_t(rng() % 1000) - 500 + int32_t(i) * 3;
      b[i] = int64_t(rng());
    }
    CheckDeltaRoundTrip(a);
    CheckDeltaRoundTrip(b);
  }
  CheckDeltaRoundTrip(std::vector<int32_t>{std::numeric_limits<int32_t>::min(),
                                           std::numeric_limits<int32_t>::max(), 0, -1,
                                           std::numeric_limits<int32_t>::min()});
  CheckDeltaRoundTrip(std::vector<int64_t>{std::numeric_limits<int64_t>::max(),
                                           std::numeric_limits<int64_t>::min(), 7});
}

TEST(DeltaTest, RejectsBadHeadersAndWidths) {
  auto make = [](std::initializer_list<uint64_t> fields, int64_t first) {
    std::string s;
    for (uint64_t f : fields) AppendUleb128(f, &s);
    AppendZigZag(first, &s);
    return s;
  };
  EXPECT_THAT(DeltaBinaryPackedDecoder<int32_t>::Make(Bytes(make({100, 4, 5}, 0))),
              IsError(ErrorCode::kCorrupt, HasSubstr("multiple of 128")));
  EXPECT_THAT(DeltaBinaryPackedDecoder<int32_t>::Make(Bytes(make({128, 3, 5}, 0))),
              IsError(ErrorCode::kCorrupt, HasSubstr("miniblocks")));
  EXPECT_THAT(DeltaBinaryPackedDecoder<int32_t>::Make(Bytes(make({1 << 30, 4, 5}, 0))),
              IsError(ErrorCode::kCorrupt));
  // A 40-bit miniblock in an INT32 stream.
  std::string wide = make({128, 4, 3}, 0);
  AppendZigZag(0, &wide);
  wide += std::string("\x28\x00\x00\x00", 4) + std::string(200, '\0');
  ASSERT_OK_AND_ASSIGN(auto d, DeltaBinaryPackedDecoder<int32_t>::Make(Bytes(wide)));
  int32_t out[3];
  EXPECT_THAT(d.Decode(out, 3), IsError(ErrorCode::kCorrupt, HasSubstr("exceeds 32 bits")));
  EXPECT_THAT(d.EncodedSize(), IsError(ErrorCode::kCorrupt));
}

TEST(DeltaTest, EveryTruncationFailsCleanly) {
  std::vector<int64_t> values;
  for (int64_t i = 0; i < 300; ++i) values.push_back(i * i * 1000003 % 977);
  const std::string encoded = EncodeDeltaBinaryPacked<int64_t>(values);
  std::vector<int64_t> out(values.size());
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    auto bytes = Exact(encoded.substr(0, cut));
    auto d = DeltaBinaryPackedDecoder<int64_t>::Make(bytes);
    if (!d.ok()) continue;  // header cut: already an error
    Status st = d->Decode(out.data(), int64_t(values.size()));
    // Cutting only the zero padding of the last miniblock is tolerated (some
    // writers do it); anything else must fail, and success means exact values.
    if (st.ok()) {
      EXPECT_EQ(out, values) << cut;
      EXPECT_GT(cut, encoded.size() - 256) << "only padding may be missing";
    } else {
      EXPECT_THAT(st, IsError(ErrorCode::kCorrupt)) << cut;
    }
  }
}

TEST(DeltaByteArrayTest, RoundTripsLengthAndIncrementalEncodings) {
  std::vector<std::string> storage = {"", "apple", "applesauce", "apply", "b", "banana",
                                      "banana", "bandana", std::string(300, 'x'), ""};
  for (int i = 0; i < 500; ++i) storage.push_back("key-" + std::to_string(i * 37 % 1000));
  std::vector<std::string_view> values(storage.begin(), storage.end());
  {
    const std::string encoded = EncodeDeltaLengthByteArray(values);
    auto bytes = Exact(encoded);
    ASSERT_OK_AND_ASSIGN(auto d, DeltaLengthByteArrayDecoder::Make(bytes));
    std::vector<std::string_view> out(values.size());
    ASSERT_OK(d.Decode(out.data(), 7));
    ASSERT_OK(d.Decode(out.data() + 7, int64_t(values.size()) - 7));
    EXPECT_EQ(out, values);
    EXPECT_EQ(d.bytes_position(), int64_t(encoded.size()));
  }
  {
    const std::string encoded = EncodeDeltaByteArray(values);
    auto bytes = Exact(encoded);
    ASSERT_OK_AND_ASSIGN(auto d, DeltaByteArrayDecoder::Make(bytes));
    // Views of a batch live until the next Decode: compare batch by batch.
    for (size_t done = 0; done < values.size();) {
      const size_t m = std::min<size_t>(13, values.size() - done);
      std::vector<std::string_view> out(m);
      ASSERT_OK(d.Decode(out.data(), int64_t(m)));
      for (size_t k = 0; k < m; ++k) ASSERT_EQ(out[k], values[done + k]) << done + k;
      done += m;
    }
  }
}

TEST(DeltaByteArrayTest, RejectsAPrefixLongerThanThePreviousValue) {
  const int32_t prefixes[] = {0, 5};
  std::vector<std::string_view> suffixes = {"ab", "c"};
  const std::string encoded =
      EncodeDeltaBinaryPacked<int32_t>(prefixes) + EncodeDeltaLengthByteArray(suffixes);
  ASSERT_OK_AND_ASSIGN(auto d, DeltaByteArrayDecoder::Make(Bytes(encoded)));
  std::string_view out[2];
  EXPECT_THAT(d.Decode(out, 2), IsError(ErrorCode::kCorrupt, HasSubstr("prefix of 5 bytes")));
  // Suffix lengths running past the data.
  std::vector<std::string_view> one = {"abc"};
  std::string cut = EncodeDeltaLengthByteArray(one);
  cut.pop_back();
  ASSERT_OK_AND_ASSIGN(auto e, DeltaLengthByteArrayDecoder::Make(Bytes(cut)));
  EXPECT_THAT(e.Decode(out, 1), IsError(ErrorCode::kCorrupt, HasSubstr("runs past")));
}

TEST(ByteStreamSplitTest, RoundTripsFloatsAndRejectsRaggedPages) {
  std::vector<double> values = {1.5, -0.0, 1e300, 3.25, -7.0};
  const std::string encoded = EncodeByteStreamSplit(
      reinterpret_cast<const uint8_t*>(values.data()), int64_t(values.size()), 8);
  // Stream 7 holds the top bytes: the sign/exponent byte of each value.
  EXPECT_EQ(uint8_t(encoded[7 * 5 + 1]), 0x80);
  std::vector<double> out(3);
  ASSERT_OK(DecodeByteStreamSplit(Bytes(encoded), 8, 2, 3,
                                  reinterpret_cast<uint8_t*>(out.data())));
  EXPECT_EQ(out, std::vector<double>(values.begin() + 2, values.end()));
  EXPECT_THAT(DecodeByteStreamSplit(Bytes(encoded.substr(1)), 8, 0, 1,
                                    reinterpret_cast<uint8_t*>(out.data())),
              IsError(ErrorCode::kCorrupt, HasSubstr("not a multiple")));
  EXPECT_THAT(DecodeByteStreamSplit(Bytes(encoded), 8, 3, 3,
                                    reinterpret_cast<uint8_t*>(out.data())),
              IsError(ErrorCode::kCorrupt));
}

TEST(PlainTest, DecodesFixedBooleansAndByteArraysWithBoundsChecks) {
  const std::string data("\x03\x00\x00\x00" "abc" "\x00\x00\x00\x00" "\x09\x00\x00\x00" "xy", 17);
  auto bytes = Exact(data);
  int64_t pos = 0;
  std::string_view out[3];
  ASSERT_OK(DecodePlainByteArray(bytes, &pos, 2, out));
  EXPECT_EQ(out[0], "abc");
  EXPECT_EQ(out[1], "");
  EXPECT_THAT(DecodePlainByteArray(bytes, &pos, 1, out),
              IsError(ErrorCode::kCorrupt, HasSubstr("runs past")));
  int64_t p2 = 0;
  uint8_t fixed[8];
  EXPECT_THAT(DecodePlainFixed(bytes, &p2, 8, 3, fixed), IsError(ErrorCode::kCorrupt));
  uint8_t two[16];
  ASSERT_OK(DecodePlainFixed(bytes, &p2, 8, 2, two));
  EXPECT_EQ(two[0], 3);
  EXPECT_EQ(p2, 16);
  const uint8_t bits[] = {0b10110101, 0b1};
  int64_t bit_pos = 1;
  uint8_t dst[2] = {};
  ASSERT_OK(DecodePlainBoolean(bits, &bit_pos, 8, dst, 0));
  EXPECT_EQ(dst[0], 0b11011010);
  EXPECT_THAT(DecodePlainBoolean(bits, &bit_pos, 8, dst, 0), IsError(ErrorCode::kCorrupt));
}

}  // namespace
}  // namespace quire::parquet
