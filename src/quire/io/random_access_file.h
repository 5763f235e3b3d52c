#pragma once

/// \file quire/io/random_access_file.h
/// \brief Files read by position: the storage interface of the Parquet reader.

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <string>
#include <string_view>

#include "quire/columnar/buffer.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::io {

/// \brief A file of known size read at arbitrary positions.
///
/// Thread-safe: positional reads may run concurrently.
class QUIRE_EXPORT RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;

  /// \brief Return the size in bytes.
  virtual Result<int64_t> Size() const = 0;

  /// \brief Read `length` bytes at `offset`.
  ///
  /// \return a buffer of exactly `length` bytes, which may share memory with the
  /// file (in-memory files) and stays valid as long as it is held; kInvalidArgument
  /// if the range is not inside the file; kIOError if the read fails.
  virtual Result<columnar::BufferPtr> ReadAt(int64_t offset, int64_t length) const = 0;

  /// \brief Read the last `length` bytes (all of a shorter file): how the Parquet
  /// footer is found, in one request once the size is known.
  virtual Result<columnar::BufferPtr> ReadTail(int64_t length) const;

  /// \brief Hint that the byte ranges (offset, length) will be read soon: remote
  /// files fetch them ahead, coalesced and concurrently (see CachingFile). The
  /// default does nothing.
  virtual void WillNeed(std::span<const std::pair<int64_t, int64_t>> ranges) const;

  /// \brief Return the path or URL, for error messages.
  virtual const std::string& path() const = 0;
};

/// \brief Open a local file for positional reads (pread(2)).
/// \return kNotFound if it does not exist, kIOError for other failures.
QUIRE_EXPORT Result<std::unique_ptr<RandomAccessFile>> OpenLocalFile(
    std::string path, columnar::MemoryPool* pool = columnar::default_memory_pool());

/// \brief Wrap bytes already in memory as a file; reads are zero-copy slices.
QUIRE_EXPORT std::unique_ptr<RandomAccessFile> MakeBufferFile(columnar::BufferPtr data,
                                                             std::string path = "<memory>");

/// \brief Read a whole file into memory (for small files and tests).
QUIRE_EXPORT Result<columnar::BufferPtr> ReadWholeFile(const RandomAccessFile& file);

}  // namespace quire::io
