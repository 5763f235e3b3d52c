/// \file tests/codec/stream_codecs_test.cc
/// \brief Specifics of ZSTD (frames), SNAPPY (length header) and BROTLI (stream end),
/// with each library as an independent writer.
#include <brotli/encode.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <snappy.h>
#include <zstd.h>

#include "codec_test_util.h"
#include "quire/codec/codec.h"
#include "quire/testing/matchers.h"

namespace quire::codec {
namespace {

using ::quire::testing::IsError;
using test::Bytes;
using ::testing::HasSubstr;

Bytes ZstdFrame(std::span<const std::byte> input, int level) {
  Bytes out(ZSTD_compressBound(input.size()));
  const size_t n =
      ZSTD_compress(out.data(), out.size(), input.data(), input.size(), level);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

/// A frame whose header records no content size, as streaming writers produce.
Bytes ZstdFrameWithoutContentSize(std::span<const std::byte> input) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  EXPECT_EQ(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0), 0u);
  Bytes out(ZSTD_compressBound(input.size()));
  const size_t n =
      ZSTD_compress2(cctx, out.data(), out.size(), input.data(), input.size());
  EXPECT_FALSE(ZSTD_isError(n));
  ZSTD_freeCCtx(cctx);
  out.resize(n);
  return out;
}

TEST(ZstdTest, DecompressesConcatenatedAndSkippableFrames) {
  const Bytes a = test::CompressibleBytes(50000, 1);
  const Bytes b = test::RandomBytes(1000, 2);
  Bytes input = ZstdFrame(a, 1);
  // RFC 8878 3.1.2: a skippable frame, magic 0x184D2A5?, 4-byte length, user data.
  const Bytes skippable = {std::byte{0x50}, std::byte{0x2a}, std::byte{0x4d},
                           std::byte{0x18}, std::byte{3},    std::byte{0},
                           std::byte{0},    std::byte{0},    std::byte{'a'},
                           std::byte{'b'},  std::byte{'c'}};
  input.insert(input.end(), skippable.begin(), skippable.end());
  const Bytes second = ZstdFrame(b, 19);
  input.insert(input.end(), second.begin(), second.end());
  Bytes expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kZstd));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, expected.size()));
  EXPECT_TRUE(output == expected);
}

TEST(ZstdTest, ReadsFramesWithoutAContentSize) {
  const Bytes data = test::CompressibleBytes(100000, 3);
  const Bytes input = ZstdFrameWithoutContentSize(data);
  ASSERT_EQ(ZSTD_getFrameContentSize(input.data(), input.size()),
            ZSTD_CONTENTSIZE_UNKNOWN);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kZstd));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, data.size()));
  EXPECT_TRUE(output == data);
  EXPECT_THAT(test::DecompressToVector(*codec, input, data.size() - 1),
              IsError(ErrorCode::kCorrupt, HasSubstr("decompresses to more than")));
}

TEST(ZstdTest, NamesTheLibrarysErrorAndRejectsTrailingBytes) {
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kZstd));
  EXPECT_THAT(test::DecompressToVector(*codec, test::ToBytes("not a zstd frame"), 10),
              IsError(ErrorCode::kCorrupt, HasSubstr("zstd: Unknown frame descriptor")));
  const Bytes data = test::CompressibleBytes(1000, 4);
  Bytes input = ZstdFrame(data, 3);
  input.push_back(std::byte{0});
  EXPECT_THAT(test::DecompressToVector(*codec, input, data.size()),
              IsError(ErrorCode::kCorrupt, HasSubstr("zstd: ")));
}

TEST(SnappyTest, ChecksTheLengthHeaderBeforeWriting) {
  // A 5-byte varint claiming 4 GiB - 1: refused against the output, never allocated.
  const Bytes input = {std::byte{0xff}, std::byte{0xff}, std::byte{0xff},
                       std::byte{0xff}, std::byte{0x0f}, std::byte{0}};
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kSnappy));
  EXPECT_THAT(
      test::DecompressToVector(*codec, input, 10),
      IsError(ErrorCode::kCorrupt,
              "snappy: the stream says 4294967295 bytes, the page header says 10"));
  EXPECT_THAT(
      test::DecompressToVector(*codec, test::ToBytes("\xff\xff"), 10),
      IsError(ErrorCode::kCorrupt, HasSubstr("does not start with a valid length")));
}

TEST(SnappyTest, ReadsWhatTheSnappyLibraryWrites) {
  const Bytes data = test::CompressibleBytes(200000, 5);
  std::string packed;
  snappy::Compress(reinterpret_cast<const char*>(data.data()), data.size(), &packed);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kSnappy));
  ASSERT_OK_AND_ASSIGN(
      Bytes output, test::DecompressToVector(*codec, test::ToBytes(packed), data.size()));
  EXPECT_TRUE(output == data);
}

TEST(BrotliTest, RejectsTrailingBytesAndTruncation) {
  const Bytes data = test::CompressibleBytes(5000, 6);
  Bytes input(BrotliEncoderMaxCompressedSize(data.size()));
  size_t size = input.size();
  ASSERT_TRUE(BrotliEncoderCompress(5, 20, BROTLI_MODE_TEXT, data.size(),
                                    reinterpret_cast<const uint8_t*>(data.data()), &size,
                                    reinterpret_cast<uint8_t*>(input.data())));
  input.resize(size);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kBrotli));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, data.size()));
  EXPECT_TRUE(output == data);
  Bytes trailing = input;
  trailing.push_back(std::byte{0});
  EXPECT_THAT(
      test::DecompressToVector(*codec, trailing, data.size()),
      IsError(ErrorCode::kCorrupt, "brotli: 1 bytes follow the end of the stream"));
  EXPECT_THAT(test::DecompressToVector(*codec, std::span(input).first(input.size() / 2),
                                       data.size()),
              IsError(ErrorCode::kCorrupt, HasSubstr("brotli: the stream is truncated")));
}

}  // namespace
}  // namespace quire::codec
