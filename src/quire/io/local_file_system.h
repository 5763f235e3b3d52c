#pragma once

/// \file quire/io/local_file_system.h
/// \brief The local disk as a FileSystem.

#include <memory>

#include "quire/io/file_system.h"

namespace quire::io {

/// \brief Files on the local disk, by absolute path or relative to the working
/// directory.
///
/// Reads use pread(2). Writes go to a hidden temporary file beside the target
/// that Close() renames into place (link(2) when not overwriting), so nothing is
/// visible half-written; they create missing parent folders, as object stores
/// have none. Listings skip those temporary files. Thread-safe.
class QUIRE_EXPORT LocalFileSystem final : public FileSystem {
 public:
  /// \brief Return the instance shared by FileSystemFromUrl().
  static std::shared_ptr<LocalFileSystem> Default();

  std::string_view scheme() const override { return "file"; }
  std::string Url(std::string_view path) const override { return std::string(path); }
  Result<FileInfo> Stat(std::string_view path) override;
  Result<std::unique_ptr<FileLister>> List(std::string_view path,
                                           const ListOptions& options = {}) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(std::string_view path,
                                                     const ReadOptions& options = {}) override;
  Result<std::unique_ptr<OutputStream>> OpenWrite(std::string_view path,
                                                  const WriteOptions& options = {}) override;
  Status PutIfAbsent(std::string_view path, std::span<const uint8_t> data) override;
  Status Delete(std::span<const std::string> paths) override;
  Status DeleteDir(std::string_view path) override;
  Status CreateDir(std::string_view path) override;
  Status Move(std::string_view from, std::string_view to) override;
};

}  // namespace quire::io
