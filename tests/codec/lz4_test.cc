/// \file tests/codec/lz4_test.cc
/// \brief LZ4 specifics: Hadoop framing (blocks and chunks), the raw-block fallback
/// of the deprecated LZ4 codec, and the lz4 library as an independent reader.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4frame.h>

#include "codec_test_util.h"
#include "quire/codec/codec.h"
#include "quire/testing/matchers.h"

namespace quire::codec {
namespace {

using ::quire::testing::IsError;
using test::Bytes;
using ::testing::HasSubstr;

Bytes RawBlock(std::span<const std::byte> input) {
  Bytes out(size_t(LZ4_compressBound(int(input.size()))));
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(input.data()),
                                     reinterpret_cast<char*>(out.data()),
                                     int(input.size()), int(out.size()));
  EXPECT_GT(n, 0);
  out.resize(size_t(n));
  return out;
}

void AppendBigEndian32(uint32_t v, Bytes& out) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::byte(v >> shift));
}

uint32_t LoadBigEndian32(const Bytes& in, size_t pos) {
  return uint32_t(in[pos]) << 24 | uint32_t(in[pos + 1]) << 16 |
         uint32_t(in[pos + 2]) << 8 | uint32_t(in[pos + 3]);
}

/// One Hadoop block: its uncompressed length, then one chunk per part of `parts`.
void AppendHadoopBlock(std::initializer_list<std::span<const std::byte>> parts,
                       Bytes& out) {
  size_t length = 0;
  for (auto part : parts) length += part.size();
  AppendBigEndian32(uint32_t(length), out);
  for (auto part : parts) {
    const Bytes chunk = RawBlock(part);
    AppendBigEndian32(uint32_t(chunk.size()), out);
    out.insert(out.end(), chunk.begin(), chunk.end());
  }
}

TEST(Lz4HadoopTest, DecompressesTwoBlocks) {
  const Bytes data = test::CompressibleBytes(10000, 1);
  const auto view = std::span(data);
  Bytes input;
  AppendHadoopBlock({view.first(6000)}, input);
  AppendHadoopBlock({view.subspan(6000)}, input);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, data.size()));
  EXPECT_TRUE(output == data);
}

TEST(Lz4HadoopTest, DecompressesABlockSplitIntoChunks) {
  // Hadoop's BlockCompressorStream may compress one block as several chunks.
  const Bytes data = test::CompressibleBytes(9000, 2);
  const auto view = std::span(data);
  Bytes input;
  AppendHadoopBlock({view.first(2000), view.subspan(2000, 3000), view.subspan(5000)},
                    input);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, data.size()));
  EXPECT_TRUE(output == data);
}

TEST(Lz4HadoopTest, FallsBackToARawBlock) {
  // non_hadoop_lz4_compressed.parquet: older writers stored raw blocks under LZ4.
  for (size_t size : {1, 7, 100, 5000, 200000}) {
    SCOPED_TRACE(size);
    const Bytes data = test::CompressibleBytes(size, 3);
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4));
    ASSERT_OK_AND_ASSIGN(Bytes output,
                         test::DecompressToVector(*codec, RawBlock(data), size));
    EXPECT_TRUE(output == data);
  }
}

/// An LZ4 frame (lz4 Frame_format.md), as older arrow-rs wrote under LZ4.
Bytes Frame(std::span<const std::byte> input, bool checksums) {
  LZ4F_preferences_t preferences{};
  preferences.frameInfo.contentChecksumFlag =
      checksums ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  preferences.frameInfo.blockChecksumFlag =
      checksums ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
  preferences.frameInfo.blockSizeID = LZ4F_max64KB;
  Bytes out(LZ4F_compressFrameBound(input.size(), &preferences));
  const size_t n = LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(),
                                      &preferences);
  EXPECT_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

TEST(Lz4HadoopTest, FallsBackToLz4Frames) {
  const Bytes a = test::CompressibleBytes(150000, 8);
  const Bytes b = test::RandomBytes(1000, 9);
  Bytes input = Frame(a, /*checksums=*/true);
  const Bytes second = Frame(b, /*checksums=*/false);
  input.insert(input.end(), second.begin(), second.end());
  Bytes expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, expected.size()));
  EXPECT_TRUE(output == expected);

  // Frames that overflow or underfill the output, are truncated, or fail their
  // checksum, are errors; the codec (and its frame decoder) stays usable.
  const std::string message = "nor LZ4 frames that do";
  EXPECT_THAT(test::DecompressToVector(*codec, input, expected.size() - 1),
              IsError(ErrorCode::kCorrupt, HasSubstr(message)));
  EXPECT_THAT(test::DecompressToVector(*codec, input, expected.size() + 1),
              IsError(ErrorCode::kCorrupt, HasSubstr(message)));
  EXPECT_THAT(test::DecompressToVector(*codec, std::span(input).first(input.size() - 3),
                                       expected.size()),
              IsError(ErrorCode::kCorrupt, HasSubstr(message)));
  Bytes bad_checksum = Frame(a, /*checksums=*/true);
  bad_checksum[bad_checksum.size() - 1] ^= std::byte{1};
  EXPECT_THAT(test::DecompressToVector(*codec, bad_checksum, a.size()),
              IsError(ErrorCode::kCorrupt, HasSubstr(message)));
  ASSERT_OK_AND_ASSIGN(output, test::DecompressToVector(*codec, input, expected.size()));
  EXPECT_TRUE(output == expected);
}

TEST(Lz4HadoopTest, ReadsArrowsEncodingOfAnEmptyPage) {
  // One block of 0 bytes holding one chunk, the 1-byte LZ4 block of empty input.
  const Bytes input = {std::byte{0}, std::byte{0}, std::byte{0},
                       std::byte{0}, std::byte{0}, std::byte{0},
                       std::byte{0}, std::byte{1}, std::byte{0}};
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4));
  ASSERT_OK_AND_ASSIGN(Bytes output, test::DecompressToVector(*codec, input, 0));
  EXPECT_TRUE(output.empty());
}

TEST(Lz4HadoopTest, WritesOneBlockPer64KiB) {
  const Bytes data = test::CompressibleBytes(3 * 65536 + 1000, 4);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4));
  ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*codec, data));
  std::vector<uint32_t> lengths;
  Bytes unpacked;
  for (size_t pos = 0; pos < packed.size();) {
    ASSERT_LE(pos + 8, packed.size());
    lengths.push_back(LoadBigEndian32(packed, pos));
    const uint32_t chunk = LoadBigEndian32(packed, pos + 8 - 4);
    ASSERT_LE(pos + 8 + chunk, packed.size());
    // Each chunk is a raw block the lz4 library reads on its own.
    Bytes block(lengths.back());
    ASSERT_EQ(LZ4_decompress_safe(reinterpret_cast<const char*>(packed.data() + pos + 8),
                                  reinterpret_cast<char*>(block.data()), int(chunk),
                                  int(block.size())),
              int(block.size()));
    unpacked.insert(unpacked.end(), block.begin(), block.end());
    pos += 8 + chunk;
  }
  EXPECT_EQ(lengths, (std::vector<uint32_t>{65536, 65536, 65536, 1000}));
  EXPECT_TRUE(unpacked == data);
}

TEST(Lz4HadoopTest, RejectsInputThatIsNeitherFramingNorARawBlock) {
  const Bytes data = test::CompressibleBytes(10000, 5);
  Bytes input;
  AppendHadoopBlock({data}, input);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4));
  // Framing that does not fill the output is read as a raw block, which it is not.
  EXPECT_THAT(
      test::DecompressToVector(*codec, input, data.size() + 10),
      IsError(ErrorCode::kCorrupt,
              HasSubstr("neither Hadoop-framed LZ4 blocks filling the 10010 bytes")));
  // A chunk length pointing past the input.
  Bytes bad = input;
  bad[7] = std::byte{0xff};
  EXPECT_THAT(test::DecompressToVector(*codec, bad, data.size()),
              IsError(ErrorCode::kCorrupt));
}

TEST(Lz4RawTest, ReadsBlocksOfTheLz4LibraryAndWritesBlocksItReads) {
  const Bytes data = test::CompressibleBytes(300000, 6);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4Raw));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, RawBlock(data), data.size()));
  EXPECT_TRUE(output == data);
  for (int level : {1, 2, 3, 9, 12}) {
    SCOPED_TRACE(level);
    ASSERT_OK_AND_ASSIGN(auto leveled, MakeCodec(Compression::kLz4Raw, level));
    ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*leveled, data));
    Bytes unpacked(data.size());
    ASSERT_EQ(LZ4_decompress_safe(reinterpret_cast<const char*>(packed.data()),
                                  reinterpret_cast<char*>(unpacked.data()),
                                  int(packed.size()), int(unpacked.size())),
              int(data.size()));
    EXPECT_TRUE(unpacked == data);
  }
}

TEST(Lz4RawTest, DoesNotAcceptHadoopFraming) {
  const Bytes data = test::CompressibleBytes(1000, 7);
  const Bytes framed = test::CompressWith(Compression::kLz4, data);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kLz4Raw));
  EXPECT_THAT(test::DecompressToVector(*codec, framed, data.size()),
              IsError(ErrorCode::kCorrupt, HasSubstr("lz4_raw: ")));
}

}  // namespace
}  // namespace quire::codec
