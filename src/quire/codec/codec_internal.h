#pragma once

/// \file quire/codec/codec_internal.h
/// \brief Factories of the individual codecs and the errors they share (not installed).

#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>

#include "quire/codec/codec.h"
#include "quire/util/result.h"

namespace quire::codec::internal {

/// \brief Largest buffer a codec takes: Parquet records page sizes as i32.
inline constexpr int64_t kMaxBufferSize = std::numeric_limits<int32_t>::max();

/// \brief Uncompressed size of a Hadoop LZ4 block written by Compress().
inline constexpr int64_t kHadoopLz4BlockSize = 64 * 1024;

// Each factory takes a level already checked against CompressionLevels() and
// resolved from kDefaultLevel.
Result<std::unique_ptr<Codec>> MakeSnappyCodec();
Result<std::unique_ptr<Codec>> MakeGzipCodec(int level);
Result<std::unique_ptr<Codec>> MakeBrotliCodec(int level);
Result<std::unique_ptr<Codec>> MakeLz4HadoopCodec(int level);
Result<std::unique_ptr<Codec>> MakeLz4RawCodec(int level);
Result<std::unique_ptr<Codec>> MakeZstdCodec(int level);

/// \brief Return kCorrupt: `codec` produced `actual` bytes where `expected` were due.
Status SizeMismatch(std::string_view codec, int64_t actual, int64_t expected);

/// \brief Return kCorrupt: `codec`'s input decompresses to more than `expected` bytes.
Status OutputTooSmall(std::string_view codec, int64_t expected);

/// \brief Return the name of `compression` in lower case, for messages ("lz4_raw").
std::string_view CodecLabel(Compression compression);

}  // namespace quire::codec::internal
