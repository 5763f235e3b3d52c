#pragma once

/// \file quire/columnar/decimal.h
/// \brief Decimal128/256 values: little-endian two's complement integers with a scale.

#include <cstdint>
#include <string>
#include <string_view>

#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Write `unscaled` sign-extended into `byte_width` (16 or 32) bytes at `out`.
QUIRE_EXPORT void DecimalFromInt128(__int128 unscaled, int32_t byte_width, uint8_t* out);

/// \brief Parse decimal text ("-12.30", "5", "0.05", "1e3" is refused) into the
/// unscaled integer of DECIMAL(precision, scale), written to `byte_width` bytes.
/// Fewer fraction digits than `scale` are padded with zeros.
/// \return kInvalidArgument if the text is malformed, has more than `scale`
/// fraction digits, or needs more than `precision` digits.
QUIRE_EXPORT Status DecimalFromString(std::string_view text, int32_t precision,
                                      int32_t scale, int32_t byte_width, uint8_t* out);

/// \brief Render a decimal stored in `byte_width` bytes with exactly `scale`
/// fraction digits ("-12.30", "0.05", "42"); negative scales append zeros.
QUIRE_EXPORT std::string DecimalToString(const uint8_t* bytes, int32_t byte_width,
                                         int32_t scale);

}  // namespace quire::columnar
