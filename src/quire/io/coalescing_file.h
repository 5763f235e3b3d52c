#pragma once

/// \file quire/io/coalescing_file.h
/// \brief Remote reads that read little: byte ranges announced ahead
/// (RandomAccessFile::WillNeed) are merged when close and fetched concurrently.

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "quire/io/random_access_file.h"
#include "quire/util/visibility.h"

namespace quire::io {

/// \brief How announced ranges become requests.
struct CoalesceOptions {
  /// Ranges separated by at most this many bytes are fetched as one request: the
  /// hole costs less to transfer than another round trip (at 50 MB/s and 20 ms a
  /// round trip is worth 1 MB).
  int64_t hole_size_limit = int64_t(1) << 20;
  /// A merged request stops growing at this size (unless one range alone is
  /// larger), so that large reads still run in parallel.
  int64_t range_size_limit = int64_t(32) << 20;
  /// Bytes fetched ahead and not yet read, at most; hints beyond it are dropped
  /// (those ranges are then read on demand), so memory stays bounded.
  int64_t max_buffered_bytes = int64_t(512) << 20;
};

/// \brief Merge ranges (offset, length) closer than the hole limit, splitting at
/// the size limit; the result is sorted and disjoint. Empty ranges are dropped.
QUIRE_EXPORT std::vector<std::pair<int64_t, int64_t>> CoalesceRanges(
    std::vector<std::pair<int64_t, int64_t>> ranges, const CoalesceOptions& options = {});

/// \brief Wrap a (remote) file: WillNeed() coalesces the ranges and fetches them
/// concurrently on IoThreadPool(); ReadAt() of a range inside a fetched one waits
/// for it and returns a zero-copy slice; other reads go to `file` directly. A
/// fetched range is dropped once every announced byte of it was read (the slices
/// keep their memory while held). Thread-safe.
QUIRE_EXPORT std::unique_ptr<RandomAccessFile> MakeCoalescingFile(
    std::unique_ptr<RandomAccessFile> file, const CoalesceOptions& options = {});

}  // namespace quire::io
