#pragma once

/// \file quire/codec/snappy_decompress.h
/// \brief quire's own decoder of the snappy raw format (format_description.txt in
/// the snappy sources): a varint uncompressed length, then literals and copies.

#include <cstdint>
#include <span>

#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::codec {

/// \brief Read the uncompressed length at the start of a snappy stream.
/// \return kCorrupt when the varint is truncated or longer than 32 bits.
QUIRE_EXPORT Result<uint32_t> SnappyUncompressedLength(std::span<const uint8_t> input);

/// \brief Decompress a whole snappy stream into `output`, which must have exactly
/// the length the stream announces (kCorrupt otherwise).
///
/// Every tag is checked: literals and copies stay inside the input and the output,
/// copies never reach before the start of the output or have offset 0, and the
/// stream must end exactly where the output does. A corrupt stream may leave
/// `output` partly written, never anything outside it.
QUIRE_EXPORT Status SnappyDecompress(std::span<const uint8_t> input, std::span<uint8_t> output);

}  // namespace quire::codec
