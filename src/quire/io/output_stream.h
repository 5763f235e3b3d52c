#pragma once

/// \file quire/io/output_stream.h
/// \brief Files written front to back: the storage interface of the Parquet writer.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "quire/columnar/buffer.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::io {

/// \brief A file written front to back that appears whole or not at all.
///
/// Nothing is visible at path() until Close() succeeds; a stream destroyed without
/// a successful Close() (an error, an exception, a crash) leaves the path as it
/// was. Not thread-safe.
class QUIRE_EXPORT OutputStream {
 public:
  virtual ~OutputStream() = default;

  /// \brief Append `data`. \return kIOError if the storage refuses it (full disk).
  virtual Status Write(std::span<const uint8_t> data) = 0;
  Status Write(std::string_view data) {
    return Write({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  }

  /// \brief Return the number of bytes written so far.
  virtual int64_t position() const = 0;

  /// \brief Make the whole file visible at path(), atomically: readers see the
  /// previous file (or none) or this one. After an error the stream is aborted.
  virtual Status Close() = 0;

  /// \brief Discard what was written; path() is left as it was. Idempotent.
  virtual void Abort() = 0;

  /// \brief Return the path or URL, for error messages.
  virtual const std::string& path() const = 0;
};

/// \brief How a local file is written.
struct LocalOutputOptions {
  /// Replace a file already at the path (rename(2)); when false, Close() fails with
  /// kAlreadyExists if one appeared in the meantime (link(2)).
  bool overwrite = true;
  /// fsync(2) the file and its folder on Close(), so that it survives a power loss.
  bool sync = false;
};

/// \brief Open a local file for writing. Bytes go to a hidden temporary file in
/// the same folder, renamed to `path` by Close() and removed by Abort().
/// \return kNotFound if the folder does not exist, kIOError for other failures.
QUIRE_EXPORT Result<std::unique_ptr<OutputStream>> OpenLocalOutput(
    std::string path, const LocalOutputOptions& options = {});

/// \brief Return a stream to standard output. Unlike files, what is written is
/// visible at once and Abort() cannot take it back.
QUIRE_EXPORT std::unique_ptr<OutputStream> OpenStdout();

/// \brief An output stream into memory; the bytes are in buffer() after Close().
class QUIRE_EXPORT BufferOutputStream final : public OutputStream {
 public:
  explicit BufferOutputStream(std::string path = "<memory>",
                              columnar::MemoryPool* pool = columnar::default_memory_pool())
      : path_(std::move(path)), bytes_(pool) {}

  Status Write(std::span<const uint8_t> data) override;
  using OutputStream::Write;
  int64_t position() const override { return bytes_.length(); }
  Status Close() override;
  void Abort() override;
  const std::string& path() const override { return path_; }

  /// \brief The bytes written, once closed (nullptr before).
  const columnar::BufferPtr& buffer() const { return buffer_; }

 private:
  std::string path_;
  columnar::BufferBuilder bytes_;
  columnar::BufferPtr buffer_;
  bool closed_ = false;
};

}  // namespace quire::io
