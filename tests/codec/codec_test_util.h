#pragma once

/// \file tests/codec/codec_test_util.h
/// \brief Sample data and small helpers shared by the codec tests.

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quire/codec/codec.h"
#include "quire/util/macros.h"

namespace quire::codec::test {

using Bytes = std::vector<std::byte>;

/// Every compression MakeCodec() supports.
inline const std::vector<Compression>& SupportedCompressions() {
  static const std::vector<Compression> kAll = {
      Compression::kUncompressed, Compression::kSnappy, Compression::kGzip,
      Compression::kBrotli,       Compression::kLz4,    Compression::kZstd,
      Compression::kLz4Raw};
  return kAll;
}

inline Bytes RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = std::byte(rng());
  return out;
}

/// Text-like bytes: words from a small vocabulary and numbers, as in a string column.
inline Bytes CompressibleBytes(size_t n, uint32_t seed) {
  static constexpr std::string_view kWords[] = {
      "parquet", "column", "page", "row", "group", "snapshot", "commit", "delta",
      "the",     "of",     "and",  "a",   "table", "value",    "null",   "quire"};
  std::mt19937 rng(seed);
  std::string text;
  while (text.size() < n) {
    text += kWords[rng() % std::size(kWords)];
    text += rng() % 4 == 0 ? std::to_string(rng() % 1000) + "," : " ";
  }
  text.resize(n);
  const auto* p = reinterpret_cast<const std::byte*>(text.data());
  return Bytes(p, p + n);
}

inline Bytes ToBytes(std::string_view s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return Bytes(p, p + s.size());
}

/// Compress all of `input` with `codec` into a buffer trimmed to the result.
inline Result<Bytes> CompressToVector(Codec& codec, std::span<const std::byte> input) {
  Bytes out(size_t(codec.MaxCompressedLength(int64_t(input.size()))));
  QUIRE_ASSIGN_OR_RETURN(const int64_t n, codec.Compress(input, out));
  out.resize(size_t(n));
  return out;
}

/// Decompress `input` into a new buffer of `size` bytes.
inline Result<Bytes> DecompressToVector(Codec& codec, std::span<const std::byte> input,
                                        size_t size) {
  Bytes out(size);
  QUIRE_RETURN_NOT_OK(codec.Decompress(input, out));
  return out;
}

/// Compress with `compression` at its default level (asserting success).
inline Bytes CompressWith(Compression compression, std::span<const std::byte> input) {
  auto codec = MakeCodec(compression).ValueOrDie();
  return CompressToVector(*codec, input).ValueOrDie();
}

}  // namespace quire::codec::test
