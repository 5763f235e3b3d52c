#pragma once

/// \file tests/io/store_test_util.h
/// \brief Small helpers of the storage tests: seeded random bytes, buffers as
/// strings, strings as byte spans, listings as paths.

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include <vector>

#include <gtest/gtest.h>

#include "quire/columnar/buffer.h"
#include "quire/io/file_system.h"

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

/// \brief Return the paths of a listing of `dir` (folders end in "/"), sorted;
/// a failed listing fails the test and gives none.
inline std::vector<std::string> ListPaths(io::FileSystem& fs, std::string_view dir,
                                          bool recursive, int page_size = 1000) {
  io::ListOptions options;
  options.recursive = recursive;
  options.page_size = page_size;
  auto all = fs.ListAll(dir, options);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> out;
  if (!all.ok()) return out;
  for (const io::FileInfo& f : *all) out.push_back(f.is_dir() ? f.path + "/" : f.path);
  return out;
}

}  // namespace quire::testing
