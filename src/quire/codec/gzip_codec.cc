/// \file quire/codec/gzip_codec.cc
/// \brief GZIP: RFC 1952 gzip members (one or several back to back) or, as some
/// old writers produced, one RFC 1950 zlib stream; through libdeflate.
#include <libdeflate.h>

#include "quire/codec/codec_internal.h"

namespace quire::codec::internal {
namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// RFC 1952 2.3.1: ID1 = 31, ID2 = 139.
bool IsGzipHeader(std::span<const std::byte> in) {
  return in.size() >= 2 && in[0] == std::byte{0x1f} && in[1] == std::byte{0x8b};
}

// RFC 1950 2.2: CM = 8 (deflate), CINFO <= 7, and CMF * 256 + FLG a multiple of 31.
bool IsZlibHeader(std::span<const std::byte> in) {
  if (in.size() < 2) return false;
  const unsigned cmf = unsigned(in[0]);
  const unsigned flg = unsigned(in[1]);
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0;
}

class GzipCodec final : public Codec {
 public:
  explicit GzipCodec(int level) : Codec(Compression::kGzip, level) {}

  int64_t MaxCompressedLength(int64_t input_size) const override {
    // A null compressor gives the bound over every level.
    return int64_t(libdeflate_gzip_compress_bound(nullptr, size_t(input_size)));
  }

 protected:
  Result<int64_t> DoDecompress(std::span<const std::byte> input,
                               std::span<std::byte> output) override {
    if (!decompressor_) {
      decompressor_.reset(libdeflate_alloc_decompressor());
      if (!decompressor_) {
        return Status::ResourceExhausted("gzip: cannot allocate a decompressor");
      }
    }
    if (IsGzipHeader(input)) return DecompressMembers(input, output);
    if (IsZlibHeader(input)) return DecompressZlib(input, output);
    return Status::Corrupt(
        "gzip: the input starts with neither a gzip (RFC 1952) nor a "
        "zlib (RFC 1950) header");
  }

  Result<int64_t> DoCompress(std::span<const std::byte> input,
                             std::span<std::byte> output) override {
    if (!compressor_) {
      compressor_.reset(libdeflate_alloc_compressor(level()));
      if (!compressor_)
        return Status::ResourceExhausted("gzip: cannot allocate a compressor");
    }
    const size_t written = libdeflate_gzip_compress(
        compressor_.get(), input.data(), input.size(), output.data(), output.size());
    if (written == 0) {
      return Status::Internal("gzip: {} bytes did not fit in the {} bytes of the bound",
                              input.size(), output.size());
    }
    return int64_t(written);
  }

 private:
  // RFC 1952 2.2: a gzip file is a series of members. Some writers emit a page as
  // several members (concatenated_gzip_members.parquet), so members are read
  // until the input ends; each member's CRC-32 and size are checked by libdeflate.
  Result<int64_t> DecompressMembers(std::span<const std::byte> input,
                                    std::span<std::byte> output) {
    size_t in_pos = 0;
    size_t out_pos = 0;
    for (int member = 0; in_pos < input.size(); ++member) {
      size_t in_used = 0;
      size_t out_used = 0;
      const libdeflate_result result = libdeflate_gzip_decompress_ex(
          decompressor_.get(), input.data() + in_pos, input.size() - in_pos,
          output.data() + out_pos, output.size() - out_pos, &in_used, &out_used);
      if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
        return OutputTooSmall("gzip", int64_t(output.size()));
      }
      if (result != LIBDEFLATE_SUCCESS) {
        if (member > 0 && !IsGzipHeader(input.subspan(in_pos))) {
          return Status::Corrupt("gzip: {} bytes after member {} are not a gzip member",
                                 input.size() - in_pos, member);
        }
        return Status::Corrupt("gzip: member {} at byte {} of {} is corrupt or truncated",
                               member, in_pos, input.size());
      }
      in_pos += in_used;
      out_pos += out_used;
    }
    return int64_t(out_pos);
  }

  Result<int64_t> DecompressZlib(std::span<const std::byte> input,
                                 std::span<std::byte> output) {
    size_t in_used = 0;
    size_t out_used = 0;
    const libdeflate_result result =
        libdeflate_zlib_decompress_ex(decompressor_.get(), input.data(), input.size(),
                                      output.data(), output.size(), &in_used, &out_used);
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
      return OutputTooSmall("gzip (zlib stream)", int64_t(output.size()));
    }
    if (result != LIBDEFLATE_SUCCESS) {
      return Status::Corrupt("gzip: corrupt or truncated zlib stream ({} bytes)",
                             input.size());
    }
    if (in_used != input.size()) {
      return Status::Corrupt("gzip: {} bytes follow the end of the zlib stream",
                             input.size() - in_used);
    }
    return int64_t(out_used);
  }

  // Created on first use: a reader never needs the compressor.
  std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> decompressor_;
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor_;
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeGzipCodec(int level) {
  return std::unique_ptr<Codec>(std::make_unique<GzipCodec>(level));
}

}  // namespace quire::codec::internal
