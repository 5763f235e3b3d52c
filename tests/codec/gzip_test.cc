/// \file tests/codec/gzip_test.cc
/// \brief GZIP specifics: several members, zlib streams, and zlib as an independent
/// reader and writer of gzip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "codec_test_util.h"
#include "quire/codec/codec.h"
#include "quire/testing/matchers.h"

namespace quire::codec {
namespace {

using ::quire::testing::IsError;
using test::Bytes;
using ::testing::HasSubstr;

/// Compress with zlib's deflate; window_bits 31 writes gzip, 15 zlib (zlib.h).
Bytes ZlibDeflate(std::span<const std::byte> input, int window_bits,
                  gz_header* header = nullptr) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  if (header) {
    EXPECT_EQ(deflateSetHeader(&stream, header), Z_OK);
  }
  Bytes out(deflateBound(&stream, uLong(input.size())) + 64);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
  stream.avail_in = uInt(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

/// Decompress one gzip member with zlib's inflate.
Bytes ZlibInflateGzip(std::span<const std::byte> input, size_t size) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 31), Z_OK);
  Bytes out(size + 1);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
  stream.avail_in = uInt(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = uInt(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(stream.avail_in, 0u);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(GzipTest, DecompressesConcatenatedMembers) {
  // As in concatenated_gzip_members.parquet: a page written as several members.
  const Bytes a = test::CompressibleBytes(5000, 1);
  const Bytes b = test::RandomBytes(3000, 2);
  const Bytes c = test::CompressibleBytes(70000, 3);
  const Bytes input = Concat({ZlibDeflate(a, 31), ZlibDeflate({}, 31), ZlibDeflate(b, 31),
                              test::CompressWith(Compression::kGzip, c)});
  const Bytes expected = Concat({a, b, c});
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, expected.size()));
  EXPECT_TRUE(output == expected);

  // The output must end exactly where the last member does.
  EXPECT_THAT(test::DecompressToVector(*codec, input, expected.size() - 1),
              IsError(ErrorCode::kCorrupt, HasSubstr("decompresses to more than")));
  EXPECT_THAT(test::DecompressToVector(*codec, input, expected.size() + 1),
              IsError(ErrorCode::kCorrupt, HasSubstr("gzip: decompressed to")));
}

TEST(GzipTest, RejectsBytesAfterTheLastMember) {
  const Bytes data = test::CompressibleBytes(1000, 4);
  const Bytes input = Concat({ZlibDeflate(data, 31), test::ToBytes("junk")});
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  EXPECT_THAT(
      test::DecompressToVector(*codec, input, data.size()),
      IsError(ErrorCode::kCorrupt, "gzip: 4 bytes after member 1 are not a gzip member"));
}

TEST(GzipTest, RejectsACorruptMemberAfterAGoodOne) {
  const Bytes data = test::CompressibleBytes(1000, 5);
  Bytes second = ZlibDeflate(data, 31);
  second[second.size() - 6] ^= std::byte{1};  // the CRC-32 of RFC 1952 2.3.1
  const Bytes first = ZlibDeflate(data, 31);
  const Bytes input = Concat({first, second});
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  EXPECT_THAT(test::DecompressToVector(*codec, input, 2 * data.size()),
              IsError(ErrorCode::kCorrupt,
                      "gzip: member 1 at byte " + std::to_string(first.size()) + " of " +
                          std::to_string(input.size()) + " is corrupt or truncated"));
}

TEST(GzipTest, DecompressesAZlibStream) {
  const Bytes data = test::CompressibleBytes(20000, 6);
  const Bytes input = ZlibDeflate(data, 15);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, data.size()));
  EXPECT_TRUE(output == data);
  // compress() of zlib.h writes the same format, with its own default header.
  Bytes packed(compressBound(uLong(data.size())));
  uLongf packed_size = packed.size();
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                      reinterpret_cast<const Bytef*>(data.data()), uLong(data.size()), 9),
            Z_OK);
  packed.resize(packed_size);
  ASSERT_OK_AND_ASSIGN(output, test::DecompressToVector(*codec, packed, data.size()));
  EXPECT_TRUE(output == data);
}

TEST(GzipTest, RejectsAZlibStreamWithTrailingBytesOrABadChecksum) {
  const Bytes data = test::CompressibleBytes(2000, 7);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  const Bytes trailing = Concat({ZlibDeflate(data, 15), test::ToBytes("xy")});
  EXPECT_THAT(
      test::DecompressToVector(*codec, trailing, data.size()),
      IsError(ErrorCode::kCorrupt, "gzip: 2 bytes follow the end of the zlib stream"));
  Bytes bad_adler = ZlibDeflate(data, 15);
  bad_adler.back() ^= std::byte{0x10};  // RFC 1950 2.2: ADLER32 closes the stream
  EXPECT_THAT(
      test::DecompressToVector(*codec, bad_adler, data.size()),
      IsError(ErrorCode::kCorrupt, HasSubstr("corrupt or truncated zlib stream")));
}

TEST(GzipTest, RejectsInputWithNeitherHeader) {
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  const Bytes raw_deflate = ZlibDeflate(test::CompressibleBytes(100, 8), -15);
  EXPECT_THAT(
      test::DecompressToVector(*codec, raw_deflate, 100),
      IsError(ErrorCode::kCorrupt, HasSubstr("neither a gzip (RFC 1952) nor a zlib")));
  EXPECT_THAT(test::DecompressToVector(*codec, test::ToBytes("\x1f"), 100),
              IsError(ErrorCode::kCorrupt, HasSubstr("neither a gzip")));
}

TEST(GzipTest, ReadsMembersWithOptionalHeaderFields) {
  // RFC 1952 2.3.1: FEXTRA, FNAME and FCOMMENT (and zlib's FHCRC) come before the data.
  const Bytes data = test::CompressibleBytes(4000, 9);
  std::string extra = "quire", name = "page.bin", comment = "written by zlib";
  gz_header header{};
  header.extra = reinterpret_cast<Bytef*>(extra.data());
  header.extra_len = uInt(extra.size());
  header.name = reinterpret_cast<Bytef*>(name.data());
  header.comment = reinterpret_cast<Bytef*>(comment.data());
  header.hcrc = 1;
  const Bytes input = ZlibDeflate(data, 31, &header);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  ASSERT_OK_AND_ASSIGN(Bytes output,
                       test::DecompressToVector(*codec, input, data.size()));
  EXPECT_TRUE(output == data);
}

TEST(GzipTest, ZlibReadsWhatEveryLevelWrites) {
  const Bytes data = test::CompressibleBytes(100000, 10);
  for (int level = 0; level <= 12; ++level) {
    SCOPED_TRACE(level);
    ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip, level));
    ASSERT_OK_AND_ASSIGN(Bytes packed, test::CompressToVector(*codec, data));
    EXPECT_TRUE(ZlibInflateGzip(packed, data.size()) == data);
  }
}

}  // namespace
}  // namespace quire::codec
