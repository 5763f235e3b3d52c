#pragma once

/// \file tests/io/store_test_util.h
/// \brief Small helpers of the storage tests: seeded random bytes, buffers as
/// strings, strings as byte spans.

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "quire/columnar/buffer.h"

namespace quire::testing {

/// \brief Return `n` bytes from a generator seeded with `seed`.
inline std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

/// \brief Return a buffer's bytes as a string.
inline std::string AsString(const columnar::BufferPtr& b) {
  return std::string(reinterpret_cast<const char*>(b->data()), size_t(b->size()));
}

/// \brief Return a string's bytes as a span (for PutIfAbsent and Write).
inline std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace quire::testing
