/// \file tests/codec/codec_test.cc
/// \brief The contract every codec shares: round trips, levels, and the errors of
/// wrong sizes, truncated input and garbage.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/codec/codec.h"
#include "codec_test_util.h"
#include "quire/testing/matchers.h"

namespace quire::codec {
namespace {

using ::quire::testing::IsError;
using test::Bytes;
using ::testing::HasSubstr;

/// The levels a round trip runs at: the default, both ends and the middle.
std::vector<int> LevelsToTry(Compression compression) {
  const auto range = CompressionLevels(compression);
  if (!range) return {kDefaultLevel};
  std::vector<int> levels = {
      kDefaultLevel, range->min_level, range->max_level,
      std::clamp(range->min_level / 2 + range->max_level / 2, 1, range->max_level)};
  if (compression == Compression::kZstd)
    levels.push_back(-5);  // the fast negative levels
  return levels;
}

struct Sample {
  std::string name;
  Bytes bytes;
};

std::vector<Sample> Samples() {
  return {{"empty", {}},
          {"1 byte", test::ToBytes("x")},
          {"1 KiB text", test::CompressibleBytes(1024, 1)},
          {"1 MiB random", test::RandomBytes(1 << 20, 2)},
          {"1 MiB compressible", test::CompressibleBytes(1 << 20, 3)}};
}

std::string Describe(Compression compression, int level) {
  return std::string(CompressionName(compression)) + " level " +
         (level == kDefaultLevel ? "default" : std::to_string(level));
}

/// The codec's name as messages start with it: "lz4_raw".
std::string Label(Compression compression) {
  std::string label(CompressionName(compression));
  for (char& c : label) c = char(std::tolower(static_cast<unsigned char>(c)));
  return label;
}

TEST(CodecTest, ValuesAndNamesAreParquetsCompressionCodec) {
  const std::pair<Compression, std::string_view> kExpected[] = {
      {Compression::kUncompressed, "UNCOMPRESSED"},
      {Compression::kSnappy, "SNAPPY"},
      {Compression::kGzip, "GZIP"},
      {Compression::kLzo, "LZO"},
      {Compression::kBrotli, "BROTLI"},
      {Compression::kLz4, "LZ4"},
      {Compression::kZstd, "ZSTD"},
      {Compression::kLz4Raw, "LZ4_RAW"}};
  for (int32_t value = 0; value < 8; ++value) {
    EXPECT_EQ(kExpected[value].first, Compression(value));
    EXPECT_EQ(CompressionName(Compression(value)), kExpected[value].second);
  }
  EXPECT_EQ(CompressionName(Compression(8)), "UNKNOWN");
  EXPECT_EQ(CompressionName(Compression(-1)), "UNKNOWN");
}

TEST(CodecTest, RoundTripsEveryCodecAtSeveralSizes) {
  const std::vector<Sample> samples = Samples();
  for (Compression compression : test::SupportedCompressions()) {
    for (int level : LevelsToTry(compression)) {
      SCOPED_TRACE(Describe(compression, level));
      ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression, level));
      EXPECT_EQ(codec->compression(), compression);
      for (const Sample& sample : samples) {
        SCOPED_TRACE(sample.name);
        ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*codec, sample.bytes));
        EXPECT_LE(int64_t(packed.size()),
                  codec->MaxCompressedLength(int64_t(sample.bytes.size())));
        Bytes unpacked(sample.bytes.size(), std::byte{0xee});
        ASSERT_OK_AND_ASSIGN(const int64_t n, codec->Decompress(packed, unpacked));
        EXPECT_EQ(n, int64_t(sample.bytes.size()));
        EXPECT_TRUE(unpacked == sample.bytes);
      }
    }
  }
}

TEST(CodecTest, CompressesTextToLessThanTwoThirds) {
  const Bytes text = test::CompressibleBytes(1 << 20, 4);
  for (Compression compression : test::SupportedCompressions()) {
    if (compression == Compression::kUncompressed) continue;
    SCOPED_TRACE(CompressionName(compression));
    EXPECT_LT(test::CompressWith(compression, text).size(), text.size() * 2 / 3);
  }
}

TEST(CodecTest, DefaultLevelsAreTheDocumentedOnes) {
  const std::pair<Compression, int> kDefaults[] = {{Compression::kGzip, 6},
                                                   {Compression::kBrotli, 8},
                                                   {Compression::kZstd, 3},
                                                   {Compression::kLz4, 1},
                                                   {Compression::kLz4Raw, 1}};
  for (auto [compression, level] : kDefaults) {
    SCOPED_TRACE(CompressionName(compression));
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
    EXPECT_EQ(codec->level(), level);
    EXPECT_EQ(CompressionLevels(compression)->default_level, level);
  }
  for (Compression compression : {Compression::kUncompressed, Compression::kSnappy}) {
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
    EXPECT_EQ(codec->level(), 0);
    EXPECT_FALSE(CompressionLevels(compression).has_value());
  }
  ASSERT_OK_AND_ASSIGN(auto zstd, MakeCodec(Compression::kZstd, 7));
  EXPECT_EQ(zstd->level(), 7);
}

TEST(CodecTest, MakeCodecRejectsLzoAndUnknownValues) {
  EXPECT_THAT(MakeCodec(Compression::kLzo),
              IsError(ErrorCode::kUnsupported, "LZO codec is not supported"));
  EXPECT_THAT(MakeCodec(Compression(8)),
              IsError(ErrorCode::kUnsupported, HasSubstr("unknown compression codec 8")));
  EXPECT_THAT(
      MakeCodec(Compression(-3)),
      IsError(ErrorCode::kUnsupported, HasSubstr("unknown compression codec -3")));
  EXPECT_FALSE(CompressionLevels(Compression::kLzo).has_value());
}

TEST(CodecTest, MakeCodecRejectsLevelsOutsideTheRange) {
  for (Compression compression : test::SupportedCompressions()) {
    SCOPED_TRACE(CompressionName(compression));
    const auto range = CompressionLevels(compression);
    if (!range) {
      EXPECT_THAT(
          MakeCodec(compression, 1),
          IsError(ErrorCode::kInvalidArgument, HasSubstr("has no compression levels")));
      continue;
    }
    EXPECT_OK(MakeCodec(compression, range->min_level));
    EXPECT_OK(MakeCodec(compression, range->max_level));
    EXPECT_THAT(MakeCodec(compression, range->min_level - 1),
                IsError(ErrorCode::kInvalidArgument, HasSubstr("is outside")));
    EXPECT_THAT(MakeCodec(compression, range->max_level + 1),
                IsError(ErrorCode::kInvalidArgument, HasSubstr("is outside")));
  }
  EXPECT_THAT(MakeCodec(Compression::kGzip, 13),
              IsError(ErrorCode::kInvalidArgument,
                      "gzip: compression level 13 is outside [0, 12]"));
}

TEST(CodecTest, RejectsAnOutputOneByteShortOrLong) {
  for (const Bytes& data :
       {test::CompressibleBytes(1024, 5), test::RandomBytes(1 << 20, 6)}) {
    for (Compression compression : test::SupportedCompressions()) {
      SCOPED_TRACE(std::string(CompressionName(compression)) + " of " +
                   std::to_string(data.size()) + " bytes");
      ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
      ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*codec, data));
      const std::string label = Label(compression);
      Bytes short_output(data.size() - 1);
      EXPECT_THAT(codec->Decompress(packed, short_output),
                  IsError(ErrorCode::kCorrupt, HasSubstr(label + ": ")));
      Bytes long_output(data.size() + 1);
      EXPECT_THAT(codec->Decompress(packed, long_output),
                  IsError(ErrorCode::kCorrupt, HasSubstr(label + ": ")));
      // The codec stays usable after both errors.
      Bytes output(data.size());
      ASSERT_OK(codec->Decompress(packed, output));
      EXPECT_TRUE(output == data);
    }
  }
}

TEST(CodecTest, SizeMismatchNamesTheCodecAndBothSizes) {
  const Bytes data = test::CompressibleBytes(1000, 7);
  ASSERT_OK_AND_ASSIGN(auto zstd, MakeCodec(Compression::kZstd));
  ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*zstd, data));
  Bytes long_output(1001);
  EXPECT_THAT(zstd->Decompress(packed, long_output),
              IsError(ErrorCode::kCorrupt,
                      "zstd: decompressed to 1000 bytes, the page header says 1001"));
  Bytes short_output(999);
  EXPECT_THAT(zstd->Decompress(packed, short_output),
              IsError(ErrorCode::kCorrupt,
                      "zstd: decompresses to more than the 999 bytes "
                      "the page header says"));
  ASSERT_OK_AND_ASSIGN(auto snappy, MakeCodec(Compression::kSnappy));
  ASSERT_OK_AND_ASSIGN(packed, test::CompressToVector(*snappy, data));
  EXPECT_THAT(snappy->Decompress(packed, long_output),
              IsError(ErrorCode::kCorrupt,
                      "snappy: the stream says 1000 bytes, the page header says 1001"));
}

TEST(CodecTest, DecompressWritesNothingPastTheOutput) {
  // ASan catches writes past heap buffers; this also checks the bytes themselves.
  const Bytes data = test::CompressibleBytes(4096, 8);
  for (Compression compression : test::SupportedCompressions()) {
    SCOPED_TRACE(CompressionName(compression));
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
    ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*codec, data));
    for (size_t size : {size_t(0), size_t(1), size_t(100), data.size() - 1}) {
      Bytes buffer(size + 64, std::byte{0xa5});
      EXPECT_THAT(codec->Decompress(packed, std::span(buffer).first(size)),
                  IsError(ErrorCode::kCorrupt));
      EXPECT_TRUE(std::all_of(buffer.begin() + ptrdiff_t(size), buffer.end(),
                              [](std::byte b) { return b == std::byte{0xa5}; }))
          << "output of " << size << " bytes";
    }
  }
}

TEST(CodecTest, RejectsEveryTruncationOfTheInput) {
  for (const Bytes& data :
       {test::CompressibleBytes(3000, 9), test::RandomBytes(300, 10)}) {
    for (Compression compression : test::SupportedCompressions()) {
      SCOPED_TRACE(CompressionName(compression));
      ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
      ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*codec, data));
      Bytes output(data.size());
      for (size_t length = 0; length < packed.size(); ++length) {
        EXPECT_THAT(codec->Decompress(std::span(packed).first(length), output),
                    IsError(ErrorCode::kCorrupt))
            << length << " of " << packed.size() << " bytes";
      }
    }
  }
}

TEST(CodecTest, RejectsRandomGarbage) {
  std::mt19937 rng(11);
  for (Compression compression : test::SupportedCompressions()) {
    SCOPED_TRACE(CompressionName(compression));
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
    for (int i = 0; i < 500; ++i) {
      const Bytes garbage = test::RandomBytes(rng() % 2000, uint32_t(rng()));
      // Never the input's own size, which the uncompressed codec would accept.
      Bytes output(garbage.size() + 1 + rng() % 5000);
      EXPECT_THAT(codec->Decompress(garbage, output), IsError(ErrorCode::kCorrupt))
          << garbage.size() << " bytes into " << output.size();
    }
    // Garbage leaves no state behind: a valid input still decompresses.
    const Bytes data = test::CompressibleBytes(5000, 12);
    ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*codec, data));
    Bytes output(data.size());
    ASSERT_OK(codec->Decompress(packed, output));
    EXPECT_TRUE(output == data);
  }
}

TEST(CodecTest, EmptyInputStandsForAnEmptyOutputUnderEveryCodec) {
  for (Compression compression : test::SupportedCompressions()) {
    SCOPED_TRACE(CompressionName(compression));
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
    ASSERT_OK_AND_ASSIGN(const int64_t n, codec->Decompress({}, {}));
    EXPECT_EQ(n, 0);
  }
}

TEST(CodecTest, CompressRejectsAnOutputBelowTheBound) {
  const Bytes data = test::CompressibleBytes(1000, 13);
  for (Compression compression : test::SupportedCompressions()) {
    SCOPED_TRACE(CompressionName(compression));
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
    Bytes output(size_t(codec->MaxCompressedLength(int64_t(data.size())) - 1));
    EXPECT_THAT(codec->Compress(data, output),
                IsError(ErrorCode::kInvalidArgument, HasSubstr("MaxCompressedLength")));
  }
}

TEST(CodecTest, MaxCompressedLengthGrowsWithTheInput) {
  for (Compression compression : test::SupportedCompressions()) {
    SCOPED_TRACE(CompressionName(compression));
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(compression));
    int64_t previous = 0;
    for (int64_t size : {int64_t(0), int64_t(1), int64_t(65536), int64_t(65537),
                         int64_t(1) << 30, int64_t(INT32_MAX)}) {
      const int64_t bound = codec->MaxCompressedLength(size);
      EXPECT_GE(bound, size);
      EXPECT_GE(bound, previous);
      previous = bound;
    }
  }
}

}  // namespace
}  // namespace quire::codec
