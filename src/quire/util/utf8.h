#pragma once

/// \file quire/util/utf8.h
/// \brief UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF).

#include <cstdint>
#include <string_view>

#include "quire/util/visibility.h"

namespace quire::util {

/// \brief Return whether `data[0, size)` is well-formed UTF-8.
QUIRE_EXPORT bool IsValidUtf8(const uint8_t* data, int64_t size);

inline bool IsValidUtf8(std::string_view s) {
  return IsValidUtf8(reinterpret_cast<const uint8_t*>(s.data()), int64_t(s.size()));
}

}  // namespace quire::util
