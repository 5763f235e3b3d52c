/// \file quire/codec/codec.cc
/// \brief Compression names and levels, the Codec contract checks, MakeCodec() and
/// the uncompressed codec.
#include "quire/codec/codec.h"

#include <algorithm>
#include <cstring>

#include <zstd.h>

#include "quire/codec/codec_internal.h"
#include "quire/util/macros.h"

namespace quire::codec {

namespace internal {

Status SizeMismatch(std::string_view codec, int64_t actual, int64_t expected) {
  return Status::Corrupt("{}: decompressed to {} bytes, the page header says {}", codec,
                         actual, expected);
}

Status OutputTooSmall(std::string_view codec, int64_t expected) {
  return Status::Corrupt(
      "{}: decompresses to more than the {} bytes the page header says", codec, expected);
}

std::string_view CodecLabel(Compression compression) {
  switch (compression) {
    case Compression::kUncompressed: return "uncompressed";
    case Compression::kSnappy: return "snappy";
    case Compression::kGzip: return "gzip";
    case Compression::kLzo: return "lzo";
    case Compression::kBrotli: return "brotli";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
    case Compression::kLz4Raw: return "lz4_raw";
  }
  return "unknown";
}

}  // namespace internal

namespace {

using internal::kMaxBufferSize;

/// Copies, so that an uncompressed column chunk reads through the same path.
class UncompressedCodec final : public Codec {
 public:
  UncompressedCodec() : Codec(Compression::kUncompressed, 0) {}

  int64_t MaxCompressedLength(int64_t input_size) const override { return input_size; }

 protected:
  Result<int64_t> DoDecompress(std::span<const std::byte> input,
                               std::span<std::byte> output) override {
    // Never copy more than the output holds; the caller reports the mismatch.
    const size_t n = std::min(input.size(), output.size());
    if (n > 0) std::memcpy(output.data(), input.data(), n);
    return int64_t(input.size());
  }
  Result<int64_t> DoCompress(std::span<const std::byte> input,
                             std::span<std::byte> output) override {
    if (!input.empty()) std::memcpy(output.data(), input.data(), input.size());
    return int64_t(input.size());
  }
};

}  // namespace

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kUncompressed: return "UNCOMPRESSED";
    case Compression::kSnappy: return "SNAPPY";
    case Compression::kGzip: return "GZIP";
    case Compression::kLzo: return "LZO";
    case Compression::kBrotli: return "BROTLI";
    case Compression::kLz4: return "LZ4";
    case Compression::kZstd: return "ZSTD";
    case Compression::kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

std::optional<LevelRange> CompressionLevels(Compression compression) {
  switch (compression) {
    case Compression::kGzip: return LevelRange{0, 12, 6};
    case Compression::kBrotli: return LevelRange{0, 11, 8};
    case Compression::kZstd: return LevelRange{ZSTD_minCLevel(), ZSTD_maxCLevel(), 3};
    case Compression::kLz4:
    case Compression::kLz4Raw: return LevelRange{1, 12, 1};
    default: return std::nullopt;
  }
}

Codec::~Codec() = default;

Result<int64_t> Codec::Decompress(std::span<const std::byte> input,
                                  std::span<std::byte> output) {
  const std::string_view label = internal::CodecLabel(compression_);
  if (int64_t(input.size()) > kMaxBufferSize || int64_t(output.size()) > kMaxBufferSize) {
    return Status::Invalid(
        "{}: {} compressed and {} uncompressed bytes exceed the {} bytes "
        "a Parquet page can hold",
        label, input.size(), output.size(), kMaxBufferSize);
  }
  // Writers skip compressing empty page sections (data page v2 values of a page
  // of nulls), so an empty input stands for an empty output under every codec.
  if (output.empty() && input.empty()) return 0;
  static constexpr std::byte kEmptyInput[1] = {};
  if (input.empty()) input = std::span<const std::byte>(kEmptyInput, 0);
  if (output.empty()) output = std::span<std::byte>(empty_output_, 0);
  QUIRE_ASSIGN_OR_RETURN(const int64_t produced, DoDecompress(input, output));
  if (produced != int64_t(output.size())) {
    return internal::SizeMismatch(label, produced, int64_t(output.size()));
  }
  return produced;
}

Result<int64_t> Codec::Compress(std::span<const std::byte> input,
                                std::span<std::byte> output) {
  const std::string_view label = internal::CodecLabel(compression_);
  if (int64_t(input.size()) > kMaxBufferSize) {
    return Status::Invalid("{}: {} bytes exceed the {} bytes a Parquet page can hold",
                           label, input.size(), kMaxBufferSize);
  }
  const int64_t bound = MaxCompressedLength(int64_t(input.size()));
  if (int64_t(output.size()) < bound) {
    return Status::Invalid(
        "{}: an output of {} bytes is smaller than MaxCompressedLength "
        "of {} input bytes, {}",
        label, output.size(), input.size(), bound);
  }
  static constexpr std::byte kEmptyInput[1] = {};
  if (input.empty()) input = std::span<const std::byte>(kEmptyInput, 0);
  if (output.empty()) output = std::span<std::byte>(empty_output_, 0);
  return DoCompress(input, output);
}

Result<std::unique_ptr<Codec>> MakeCodec(Compression compression, int level) {
  const std::string_view label = internal::CodecLabel(compression);
  switch (compression) {
    case Compression::kUncompressed:
    case Compression::kSnappy:
      if (level != kDefaultLevel) {
        return Status::Invalid("{} has no compression levels (level {} was requested)",
                               label, level);
      }
      if (compression == Compression::kSnappy) return internal::MakeSnappyCodec();
      return std::unique_ptr<Codec>(std::make_unique<UncompressedCodec>());
    case Compression::kLzo: return Status::Unsupported("LZO codec is not supported");
    case Compression::kGzip:
    case Compression::kBrotli:
    case Compression::kLz4:
    case Compression::kLz4Raw:
    case Compression::kZstd: break;
    default:
      return Status::Unsupported("unknown compression codec {}", int32_t(compression));
  }
  const LevelRange range = *CompressionLevels(compression);
  if (level == kDefaultLevel) level = range.default_level;
  if (level < range.min_level || level > range.max_level) {
    return Status::Invalid("{}: compression level {} is outside [{}, {}]", label, level,
                           range.min_level, range.max_level);
  }
  switch (compression) {
    case Compression::kGzip: return internal::MakeGzipCodec(level);
    case Compression::kBrotli: return internal::MakeBrotliCodec(level);
    case Compression::kLz4: return internal::MakeLz4HadoopCodec(level);
    case Compression::kLz4Raw: return internal::MakeLz4RawCodec(level);
    default: return internal::MakeZstdCodec(level);
  }
}

}  // namespace quire::codec
