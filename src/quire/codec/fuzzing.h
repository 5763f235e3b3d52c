#pragma once

/// \file quire/codec/fuzzing.h
/// \brief Fuzz entry point of the codec layer (called by fuzz/ and replayed by tests).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "quire/codec/type_fwd.h"
#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::codec {

/// \brief Largest output size FuzzDecompress() decompresses to.
inline constexpr int64_t kFuzzMaxOutputSize = 1 << 20;

/// \brief Decompress arbitrary bytes with the codec and output size they pick.
///
/// Input format: byte 0 modulo 8 is the Compression value (LZO gives
/// kUnsupported); bytes 1-3, little-endian modulo kFuzzMaxOutputSize + 1, are
/// the output size; the rest is the compressed input. Missing bytes read as 0.
/// When decompression succeeds, the output is compressed and decompressed again
/// and must come back unchanged.
///
/// The contract under test: no input crashes, hangs, writes out of bounds or
/// allocates by a size it claims; decompression either fails with a Status or
/// fills the output exactly. Codecs are kept per thread between calls, so
/// context reuse after errors is exercised too.
/// \return the decompression status (OK when the input decompressed and round
/// tripped); kInternal for a broken contract (a bug).
QUIRE_EXPORT Status FuzzDecompress(std::span<const uint8_t> data);

/// \brief Encode `compressed` bytes of `compression` that decompress to
/// `uncompressed_size` bytes (at most kFuzzMaxOutputSize) in the input format
/// of FuzzDecompress(), to generate seeds.
QUIRE_EXPORT std::string EncodeFuzzDecompressInput(Compression compression,
                                                   int64_t uncompressed_size,
                                                   std::span<const std::byte> compressed);

}  // namespace quire::codec
