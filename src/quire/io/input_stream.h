#pragma once

/// \file quire/io/input_stream.h
/// \brief Files read front to back: local files, stdin and pipes, and memory (the
/// input of the CSV and JSON Lines readers).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "quire/columnar/buffer.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::io {

/// \brief A byte stream read sequentially, front to back.
///
/// Unlike RandomAccessFile it may have no known size (stdin, a pipe). Not
/// thread-safe: one reader calls Read() at a time.
class QUIRE_EXPORT InputStream {
 public:
  virtual ~InputStream() = default;

  /// \brief Read up to `out.size()` bytes into `out`.
  ///
  /// Blocks until at least one byte is available or the stream ends; may return
  /// fewer bytes than asked for before the end.
  /// \return the number of bytes read, 0 at the end of the stream (and for an
  /// empty `out`); kIOError if reading fails, naming path().
  virtual Result<int64_t> Read(std::span<uint8_t> out) = 0;

  /// \brief Return the total size in bytes when it is known (regular files,
  /// memory), std::nullopt for stdin, pipes and sockets.
  virtual Result<std::optional<int64_t>> size() const = 0;

  /// \brief Return the number of bytes read so far.
  virtual int64_t position() const = 0;

  /// \brief Return the path ("-" for stdin) or a description, for error messages.
  virtual const std::string& path() const = 0;
};

/// \brief Open a local file, or standard input when `path` is "-", for sequential
/// reads (read(2)).
///
/// Standard input is borrowed, not closed by the stream.
/// \return kNotFound if the file does not exist, kIOError for anything else that
/// keeps it from being read (a directory, permissions); messages name the path.
QUIRE_EXPORT Result<std::unique_ptr<InputStream>> OpenLocalInput(std::string path);

/// \brief Make a stream over bytes in memory, kept alive by the stream.
QUIRE_EXPORT std::unique_ptr<InputStream> MakeBufferInput(columnar::BufferPtr data,
                                                          std::string path = "<memory>");

/// \brief Make a stream over a copy of `data` (convenient for tests).
QUIRE_EXPORT std::unique_ptr<InputStream> MakeStringInput(std::string data,
                                                          std::string path = "<memory>");

}  // namespace quire::io
